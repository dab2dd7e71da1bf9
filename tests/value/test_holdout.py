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
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", Caveat)
        ch = lv.calibration_holdout(tx, "2024-12-31", "2025-03-31")
    assert list(ch.index) == ["a"] and ch.loc["a", "tenure_days"] >= lv._holdout.MIN_CALIBRATION_DAYS
    said = [str(w.message) for w in seen]
    assert not any("calibration period covers" in m for m in said)
    assert not any("holdout period" in m for m in said)


def _repeat_buyers(n_customers: int, last: str = "2025-06-30") -> pd.DataFrame:
    ids = [f"c{i}" for i in range(n_customers)]
    return pd.DataFrame({"customer_id": ids * 2 + ["z"], "amount": 10.0,
                         "purchase_date": pd.to_datetime(["2024-01-05"] * n_customers
                                                         + ["2024-09-01"] * n_customers
                                                         + [last])})


def test_a_short_holdout_and_few_repeat_buyers_are_named_not_refused():
    with pytest.warns(Caveat) as seen:
        ch = lv.calibration_holdout(_repeat_buyers(30), "2025-05-31", "2025-06-30")
    said = " ".join(str(w.message) for w in seen)
    assert "the holdout period covers only 30 days (at least 90 needed)" in said
    assert "has only 30 repeat buyers (at least 100 needed)" in said
    assert len(ch) == 30 and ch["frequency"].eq(1).all()
    with warnings.catch_warnings(record=True) as quiet:
        warnings.simplefilter("always", Caveat)
        lv.calibration_holdout(_repeat_buyers(150), "2025-01-31", "2025-06-30")
    assert not [w for w in quiet if "repeat buyers" in str(w.message) or "holdout" in
                str(w.message)]


def test_a_calibration_end_before_the_first_purchase_says_which_dates_work():
    with pytest.raises(DataProblem, match=r"before the first purchase \(2024-01-05\).*Set "
                                          r"calibration_end between 2024-01-05 and 2025-06-30"):
        lv.calibration_holdout(_repeat_buyers(5), "2023-06-30", "2025-06-30")


def test_clv_on_few_repeat_buyers_comes_back_with_a_caveat():
    bg = lv.BGNBDFit(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, loglik=0.0, n_customers=0)
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    one = pd.DataFrame({"frequency": [2, 0], "recency": [30.0, 0.0], "T": [38.9, 20.0],
                        "monetary_value": [40.0, 0.0]})
    with pytest.warns(Caveat, match="has only 1 repeat buyers"):
        out = lv.customer_lifetime_value(one, bg, gg, horizon=52, step=4.35)
    assert out["clv"].gt(0).all()
