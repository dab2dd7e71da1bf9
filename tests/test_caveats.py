"""Unit tests for helpers.caveats: the check functions and the warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.caveats import (
    AUC_CHANCE,
    AUC_LEAK,
    Caveat,
    all_equal,
    auc_caveat,
    caveat,
    cohort_caveat,
    one_group,
    too_short,
)
from helpers.segments import cohort_retention


def test_caveat_is_a_user_warning_and_warns_only_with_a_message():
    assert issubclass(Caveat, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert caveat(None) is False              # no message: no warning at all
    with pytest.warns(Caveat, match="^something odd$"):
        assert caveat("something odd") is True


def test_caveat_points_at_the_caller_of_the_helper():
    def helper() -> int:
        caveat("odd")
        return 1

    with pytest.warns(Caveat) as record:
        assert helper() == 1                      # the result still comes back
    assert record[0].filename == __file__ and record[0].lineno != helper.__code__.co_firstlineno


def test_all_equal():
    msg = all_equal([0.5, 0.5, 0.5], "look-alike scores", fix="choose other columns.")
    assert msg is not None and msg.startswith("all 3 look-alike scores are equal (0.5)")
    assert msg.endswith("choose other columns.")
    assert all_equal(np.array([1.0, 1.0 + 1e-15, np.nan]), "scores") is not None  # float noise
    assert all_equal([1.0, 1.001], "scores") is None
    assert all_equal([1.0], "scores") is None                  # one value: nothing to rank
    assert all_equal([], "scores") is None
    assert all_equal([np.nan, np.nan], "scores") is None


def test_too_short():
    msg = too_short(9, 365, "the prior period", fix="use a shorter period.")
    assert msg is not None and "only 9 days (at least 365 needed)" in msg
    assert msg.endswith("use a shorter period.")
    assert too_short(365, 365, "the prior period") is None
    assert too_short(364.5, 365, "x") is not None


@pytest.mark.parametrize(("auc", "match"), [
    (0.5, "no better than chance"), (0.3, "no better than chance"),
    (AUC_CHANCE - 0.001, "no better than chance"),
    (0.99, "check for a leak"), (1.0, "check for a leak"), (AUC_LEAK + 0.001, "leak"),
])
def test_auc_caveat_flags_chance_and_leaks(auc, match):
    msg = auc_caveat(auc, "pay model AUC")
    assert msg is not None and msg.startswith("pay model AUC") and match in msg


@pytest.mark.parametrize("auc", [AUC_CHANCE, 0.7, 0.9, AUC_LEAK, float("nan")])
def test_auc_caveat_is_silent_for_plausible_or_unknown_auc(auc):
    assert auc_caveat(auc) is None


def test_one_group():
    msg = one_group(["Champions"] * 5 + [None], "customers", "segment", fix="use quantiles.")
    assert msg is not None and msg.startswith("all 5 customers are in one segment ('Champions')")
    assert msg.endswith("use quantiles.")
    assert one_group(["a", "b", "a"], "customers") is None
    assert one_group(["a"], "customers") is None                 # one item: nothing to compare
    assert one_group(pd.Categorical(["x", "x"]), "customers", "cluster") is not None


def _cohorts(dates: list[str], customers: list[str]) -> pd.DataFrame:
    tx = pd.DataFrame({"customer_id": customers, "amount": 5.0,
                       "purchase_date": pd.to_datetime(dates)})
    return cohort_retention(tx)


def test_cohort_caveat_on_real_cohort_tables():
    single = _cohorts(["2025-01-03", "2025-02-10", "2025-01-21"], ["a", "a", "b"])
    assert len(single) == 1
    assert "only 1 cohort (at least 2 needed)" in (cohort_caveat(single) or "")
    short = _cohorts(["2025-01-03", "2025-01-20", "2025-01-28"], ["a", "b", "c"])  # one month
    assert len(short) == 1 and "only 1 cohort" in (cohort_caveat(short) or "")
    # two cohorts, neither observed beyond its first month
    same_month = pd.DataFrame({"size": [3, 2], 0: [1.0, 1.0], 1: [np.nan, np.nan]})
    msg = cohort_caveat(same_month)
    assert msg is not None and "no cohort is observed for 2 periods" in msg
    fine = _cohorts(["2025-01-03", "2025-02-10", "2025-02-11", "2025-03-12"],
                    ["a", "a", "b", "b"])
    assert len(fine) == 2 and cohort_caveat(fine) is None
    assert cohort_caveat(fine, min_periods=4) is not None       # the longest has 3 periods
    assert cohort_caveat(pd.DataFrame({"size": []})) is not None  # no cohort at all


def test_degenerate_checks_warn_through_caveat():
    with pytest.warns(Caveat, match="one segment"):
        assert caveat(one_group(["x", "x"], "customers", "segment"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not caveat(one_group(["x", "y"], "customers", "segment"))
