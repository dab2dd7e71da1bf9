"""Tests for helpers.value._simple_clv: historical and margin x retention CLV, retention."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.caveats import Caveat
from helpers.errors import DataProblem


def test_simple_clv_closed_form_equals_long_sum():
    m, r, d = 120.0, 0.75, 0.08
    direct = sum(m * r**t / (1 + d) ** t for t in range(1, 2001))
    assert lv.simple_clv(m, r, d) == pytest.approx(direct)
    assert lv.simple_clv(m, r, d, periods=2000) == pytest.approx(direct)
    five = sum(m * r**t / (1 + d) ** t for t in range(1, 6))
    assert lv.simple_clv(m, r, d, periods=5) == pytest.approx(five)
    vec = lv.simple_clv(np.array([100.0, 200.0]), np.array([0.5, 0.9]), 0.1)
    assert vec.tolist() == pytest.approx([100 * 0.5 / 0.6, 200 * 0.9 / 0.2])


@pytest.mark.parametrize("kwargs, match", [
    ({"retention": 1.0}, "retention"),
    ({"retention": -0.1}, "retention"),
    ({"periods": 0}, "horizon"),
    ({"discount_rate": -1.5}, "discount_rate"),
])
def test_simple_clv_bad_input(kwargs, match):
    args = {"margin": 100.0, "retention": 0.8, "discount_rate": 0.1} | kwargs
    with pytest.raises(DataProblem, match=match):
        lv.simple_clv(**args)


def test_period_retention_by_hand():
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "c", "d"],
                       "purchase_date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-06-01",
                                                        "2025-02-01", "2025-05-01",
                                                        "2025-05-02"]),
                       "amount": [1.0, 1, 1, 1, -1, 1]})
    # previous year: a, b, c; last year: a (c's only purchase is a return), d
    # the data starts 2024-02-01: January of the previous year is not covered (a caveat)
    with pytest.warns(Caveat, match="previous period covers only 335 days"):
        assert lv.period_retention(tx, "2025-12-31") == pytest.approx(1 / 3)
    # a purchase late on the as-of day itself counts
    late = pd.concat([tx, pd.DataFrame({"customer_id": ["b"], "amount": [1.0],
                                        "purchase_date": [pd.Timestamp("2025-12-31 18:30")]})])
    with pytest.warns(Caveat):
        assert lv.period_retention(late, "2025-12-31") == pytest.approx(2 / 3)
    with pytest.raises(DataProblem, match="shorter"):
        lv.period_retention(tx, "2025-12-31", period_days=100)


def test_historical_clv():
    s = pd.DataFrame({"monetary_total": [100.0, 50.0]}, index=["a", "b"])
    assert lv.historical_clv(s, margin=0.3).tolist() == pytest.approx([30.0, 15.0])
    per = pd.Series({"a": 0.5, "b": 0.1})
    assert lv.historical_clv(s, margin=per).tolist() == pytest.approx([50.0, 5.0])



def test_period_retention_from_a_9_day_previous_period_is_a_caveat():
    # the data starts 9 days before the last period: 'retention' rests on 9 days of buyers
    tx = pd.DataFrame({"customer_id": ["a", "b", "a"], "amount": [1.0, 1, 1],
                       "purchase_date": pd.to_datetime(["2024-12-23", "2024-12-30",
                                                        "2025-03-01"])})
    with pytest.warns(Caveat, match=r"covers only 9 days \(at least 365 needed\)"):
        assert lv.period_retention(tx, "2025-12-31") == pytest.approx(0.5)


def test_period_retention_on_two_full_periods_has_no_caveat():
    tx = pd.DataFrame({"customer_id": ["a", "b", "a"], "amount": [1.0, 1, 1],
                       "purchase_date": pd.to_datetime(["2024-01-02", "2024-06-30",
                                                        "2025-03-01"])})
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)
        assert lv.period_retention(tx, "2025-12-31") == pytest.approx(0.5)
