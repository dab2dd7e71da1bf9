"""Tests for helpers.value._tiers: tier cuts, ties, fixed thresholds, tier economics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers.value as v
from helpers.errors import DataProblem
from tests.value.support import RATES


def test_default_tiers_on_distinct_values_have_nominal_sizes():
    s = pd.Series(np.random.default_rng(1).permutation(1000).astype(float),
                  index=[f"c{i}" for i in range(1000)])
    t = v.assign_tiers(s)
    assert t.index.equals(s.index) and t.name == "tier"
    assert t.cat.ordered and list(t.cat.categories) == list(v.DEFAULT_LABELS)
    assert t.value_counts().to_dict() == {"low": 500, "silver": 300, "gold": 150, "diamond": 50}
    # the top 50 values are the diamonds
    assert set(t[t == "diamond"].index) == set(s.nlargest(50).index)


def test_ties_stay_together_in_the_lower_tier():
    s = pd.Series([0.0] * 6 + [5.0, 6.0, 7.0, 8.0])
    t = v.assign_tiers(s, cuts=(0.5, 0.8), labels=("l", "m", "h"))
    assert (t[:6] == "l").all()          # 60% zeros: none promoted although the cut is 50%
    assert t.tolist()[6:] == ["m", "m", "h", "h"]


def test_fixed_thresholds_are_inclusive():
    s = pd.Series([999.0, 1000, 9999, 10000, 50000])
    t = v.assign_tiers(s, cuts=(1000, 10000, 50000), method="fixed")
    assert t.tolist() == ["low", "silver", "silver", "gold", "diamond"]


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200))
@settings(max_examples=60, deadline=None)
def test_tiers_are_monotone_in_value(values):
    s = pd.Series(values)
    codes = v.assign_tiers(s).cat.codes.to_numpy()
    order = np.argsort(s.to_numpy(), kind="stable")
    assert (np.diff(codes[order]) >= 0).all()
    # equal values share a tier
    assert pd.Series(codes).groupby(s.to_numpy()).nunique().max() == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"cuts": (0.8, 0.5, 0.9)}, "increase"),
    ({"labels": ("a", "b")}, "labels"),
    ({"cuts": (10, 100, 1000)}, "method='fixed'"),
    ({"method": "kmeans"}, "method"),
])
def test_bad_tier_arguments(kwargs, match):
    with pytest.raises(DataProblem, match=match):
        v.assign_tiers(pd.Series([1.0, 2.0, 3.0]), **kwargs)


def test_missing_values_are_refused_with_rows():
    with pytest.raises(DataProblem, match=r"\['b'\]"):
        v.assign_tiers(pd.Series([1.0, np.nan, 3.0], index=["a", "b", "c"]))


def test_tier_economics_adds_up(tiny):
    p = v.customer_profit(tiny, RATES)
    tiers = v.assign_tiers(p["revenue"], cuts=(0.5,), labels=("low", "high"))
    e = v.tier_economics(p, tiers)
    assert e["customers"].sum() == 3
    assert e["profit"].sum() == pytest.approx(p["profit"].sum())
    assert e["customers_share"].sum() == pytest.approx(1.0)

