"""Tests for helpers.value._holdout: calibration / holdout counts and the holdout check."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import helpers.value as lv
from helpers.caveats import Caveat
from helpers.errors import DataProblem
from tests.value.support import CDNOW, fit_from


def test_calibration_holdout_counts_by_hand():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
        "purchase_date": pd.to_datetime(["2025-01-01", "2025-01-10", "2025-02-05", "2025-02-05",
                                         "2025-01-20", "2025-03-15", "2025-02-10"]),
        "amount": [10.0, 20, 5, 5, 7, -7, 3]})
    # a 30-day calibration period is too short for BG/NBD: the table comes back with a caveat
    with pytest.warns(Caveat, match="calibration period covers only 30 days"):
        ch = lv.calibration_holdout(tx, "2025-01-31", "2025-03-31")
    assert sorted(ch.index) == ["a", "b"]                   # c joined in the holdout period
    assert ch.loc["a", "frequency"] == 1 and ch.loc["a", "recency"] == 9
    assert ch.loc["a", "frequency_holdout"] == 1            # two lines on one day = one purchase
    assert ch.loc["b", "frequency_holdout"] == 0            # the return does not count
    assert ch["duration_holdout"].iloc[0] == 59
    with pytest.raises(DataProblem, match="after"):
        lv.calibration_holdout(tx, "2025-03-31", "2025-01-31")


def test_holdout_check_groups():
    fit = fit_from(CDNOW)
    ch = pd.DataFrame({"frequency": [0, 0, 1, 9], "recency": [0.0, 0, 5, 30],
                       "T": [39.0] * 4, "frequency_holdout": [0, 2, 1, 7],
                       "duration_holdout": [39.0] * 4})
    out = lv.holdout_check(fit, ch, max_frequency=3)
    assert out.loc["0", "customers"] == 2 and out.loc["0", "actual"] == 1.0
    assert out.loc["3+", "actual"] == 7
    assert out.loc["all", "customers"] == 4 and out.loc["all", "actual"] == pytest.approx(2.5)
    assert out.loc["1", "predicted"] == pytest.approx(
        float(fit.expected_purchases(39.0, 1, 5.0, 39.0)))



def test_a_calibration_period_of_half_a_year_or_more_has_no_caveat():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20, 7],
                       "purchase_date": pd.to_datetime(["2024-06-01", "2024-12-10",
                                                        "2025-02-10"])})
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)
        ch = lv.calibration_holdout(tx, "2024-12-31", "2025-03-31")
    assert list(ch.index) == ["a"] and ch.loc["a", "tenure_days"] >= lv._holdout.MIN_CALIBRATION_DAYS
