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



def test_the_widget_shows_the_picked_customers_segment_interval(published_summary):
    """clv_band: the segment's CLV interval of a bootstrap band, None without one; the widget
    prints it for a picked customer."""
    import pandas as pd

    band = pd.DataFrame({"quantity": ["expected_purchases", "clv", "clv"],
                         "estimate": [1.0, 120.0, 40.0], "lower": [0.8, 100.0, 30.0],
                         "upper": [1.2, 150.0, 55.0]},
                        index=pd.Index(["loyal", "loyal", "lost"], name="segment"))
    ids = published_summary.sort_values("frequency", ascending=False).index[:2]
    segments = pd.Series(["loyal", "lost"], index=ids)
    got = lv.clv_band(band, segments, str(ids[0]))
    assert got == {"segment": "loyal", "estimate": 120.0, "lower": 100.0, "upper": 150.0}
    assert lv.clv_band(band, segments, "nobody") is None
    assert lv.clv_band(None, segments, str(ids[0])) is None
    bg = fit_from(CDNOW)
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    widget = lv.explore_clv(published_summary, bg, gg, horizon=52, step=4.35, band=band,
                            segments=segments)
    pick, out = widget.children[0], widget.children[-1]
    assert "interval" not in out.value
    pick.value = str(ids[1])
    assert "segment lost: mean CLV 40, interval 30 to 55" in out.value
