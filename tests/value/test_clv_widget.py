"""Tests for helpers.value._clv_widget: the CLV widget's pure function."""

from __future__ import annotations

import pytest

import helpers.value as lv
from tests.value.support import CDNOW, fit_from


def test_clv_view_is_the_one_row_clv(published_summary):
    bg = fit_from(CDNOW)
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    row = published_summary.iloc[[0]]
    view = lv.clv_view(bg, gg, *row[["frequency", "recency", "T", "monetary_value"]].iloc[0],
                       horizon=52, step=4.35, discount_rate=0.01)
    full = lv.customer_lifetime_value(row, bg, gg, 52, 4.35, 0.01).iloc[0]
    assert view["clv"] == pytest.approx(full["clv"])
    assert set(view) == {"p_alive", "expected_purchases", "expected_spend", "clv"}

