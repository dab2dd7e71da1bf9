"""Tests for helpers.value._capacity: dedicated account managers within capacity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.value as v
from helpers.errors import DataProblem


def test_allocate_capacity_takes_the_top_positive_eligible():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"profit": rng.normal(100, 300, 1000)},
                         index=[f"c{i}" for i in range(1000)])
    eligible = pd.Series(rng.random(1000) < 0.7, index=frame.index)
    out = v.allocate_capacity(frame, managers=5, accounts_per_manager=40, eligible=eligible)
    chosen = out.index[out["dedicated"]]
    expected = frame.loc[eligible & (frame["profit"] > 0), "profit"].nlargest(200).index
    assert set(chosen) == set(expected)
    books = out[out["dedicated"]].groupby("manager")["profit"].agg(["size", "sum"])
    assert (books["size"] == 40).all() and len(books) == 5
    assert books["sum"].max() / books["sum"].min() < 1.1        # snake order balances value
    cov = v.coverage_summary(out)
    assert cov["accounts"] == 200
    assert cov["value_covered"] == pytest.approx(frame.loc[expected, "profit"].sum())


def test_allocate_capacity_larger_than_the_base():
    frame = pd.DataFrame({"profit": [5.0, -1.0, 3.0]})
    out = v.allocate_capacity(frame, managers=2, accounts_per_manager=10)
    assert out["dedicated"].tolist() == [True, False, True]
    with pytest.raises(DataProblem, match="managers"):
        v.allocate_capacity(frame, managers=-1)

