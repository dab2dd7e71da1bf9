"""Tests for helpers.value._lifetime_value: CLV over a horizon against a step-by-step sum."""

from __future__ import annotations

import numpy as np
import pytest

import helpers.value as lv
from helpers.errors import DataProblem
from tests.value.support import CDNOW, fit_from


def test_clv_against_step_by_step_sum(published_summary):
    s = published_summary
    bg = fit_from(CDNOW)
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    out = lv.customer_lifetime_value(s, bg, gg, horizon=52.0, step=13.0, discount_rate=0.03,
                                     margin=0.3)
    x, t, T = s["frequency"], s["recency"], s["T"]
    spend = gg.p * (gg.gamma + x * s["monetary_value"]) / (gg.p * x + gg.q - 1)
    total = 0.0
    for i in range(1, 5):
        step = (bg.expected_purchases(13.0 * i, x, t, T)
                - bg.expected_purchases(13.0 * (i - 1), x, t, T))
        total = total + step / 1.03**i
    np.testing.assert_allclose(out["clv"], 0.3 * spend * total, rtol=1e-10)
    np.testing.assert_allclose(out["expected_purchases"], bg.expected_purchases(52.0, x, t, T))
    # an uneven last step is kept
    odd = lv.customer_lifetime_value(s, bg, gg, horizon=50.0, step=13.0, discount_rate=0.0)
    np.testing.assert_allclose(odd["clv"], spend * bg.expected_purchases(50.0, x, t, T))


@pytest.mark.parametrize("kwargs, match", [
    ({"horizon": 0}, "horizon"), ({"horizon": -5}, "horizon"), ({"step": 0}, "step"),
    ({"discount_rate": -2}, "discount_rate")])
def test_clv_bad_horizon(published_summary, kwargs, match):
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    with pytest.raises(DataProblem, match=match):
        lv.customer_lifetime_value(published_summary, fit_from(CDNOW), gg, **kwargs)

