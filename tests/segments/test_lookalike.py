"""Unit tests for helpers.segments._lookalike: attribute matrix, look-alike scores, prospects."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.caveats import Caveat
from helpers.errors import DataProblem
from helpers.segments import (
    attribute_matrix,
    lookalike_attributes,
    lookalike_scores,
    prospect_ids,
)


def test_lookalike_ranks_similar_prospects_first():
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "age": np.r_[rng.normal(35, 3, n // 2), rng.normal(60, 3, n // 2)],
        "channel": np.r_[["referral"] * (n // 2), ["store"] * (n // 2)],
        "loyal": np.r_[np.ones(n // 4, bool), np.zeros(3 * n // 4, bool)],
    }, index=[f"P{i}" for i in range(n)])
    m = attribute_matrix(frame, numeric=["age"], categorical=["channel"])
    scores = lookalike_scores(m, frame["loyal"])
    assert len(scores) == n - n // 4 and scores.is_monotonic_decreasing
    top = scores.index[: n // 4]
    # the prospects that share the loyal customers' profile (young, referral) come first
    assert set(top) == set(frame.index[n // 4: n // 2])
    with pytest.raises(DataProblem, match="seed group is empty"):
        lookalike_scores(m, pd.Series(False, index=m.index))
    with pytest.raises(DataProblem, match="seed ids not in the matrix"):
        lookalike_scores(m, ["nobody"])


def test_attribute_matrix_handles_missing_values():
    frame = pd.DataFrame({"x": [1.0, None, 3.0], "c": ["a", None, "a"]})
    m = attribute_matrix(frame, numeric=["x"], categorical=["c"])
    assert not m.isna().any().any()
    assert set(m.columns) == {"x", "c_a", "c_unknown"}
    with pytest.raises(DataProblem, match="at least one column"):
        attribute_matrix(frame)
    with pytest.raises(DataProblem, match=r"column\(s\) \['age'\] missing"):
        attribute_matrix(frame, numeric=["age"])


def test_prospect_ids_and_empty_candidates():
    summary = pd.DataFrame({"n_orders": [1, 3, 1, 7]}, index=["a", "b", "c", "d"])
    ids = prospect_ids(["a", "b", "c", "d", "e"], summary, exclude=["c"])
    assert list(ids) == ["a", "e"]  # one-off buyer a, never-buyer e; c is in the model group
    m = pd.DataFrame({"x": [0.0, 1.0]}, index=["a", "b"])
    with pytest.raises(DataProblem, match="nobody to score"):
        lookalike_scores(m, ["a"], [])
    with pytest.raises(DataProblem, match="candidate ids not in the matrix"):
        lookalike_scores(m, ["a"], ["zz"])
    with pytest.raises(DataProblem, match="n_orders"):
        prospect_ids(["a"], summary.rename(columns={"n_orders": "orders"}))


def test_lookalike_scores_all_equal_is_a_caveat_and_the_scores_still_come_back():
    # every person has the same profile: every candidate is at distance 0 from the seeds
    frame = pd.DataFrame({"age": [40.0] * 30, "channel": ["store"] * 30},
                         index=[f"P{i}" for i in range(30)])
    m = attribute_matrix(frame, numeric=["age"], categorical=["channel"])
    with pytest.warns(Caveat, match="all 25 look-alike scores are equal"):
        scores = lookalike_scores(m, list(m.index[:5]))
    assert len(scores) == 25 and (scores == 1.0).all()


def test_lookalike_scores_that_differ_raise_no_caveat():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.normal(40, 10, 50)}, index=[f"P{i}" for i in range(50)])
    m = attribute_matrix(frame, numeric=["age"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)
        assert lookalike_scores(m, list(m.index[:10])).nunique() > 1


def test_lookalike_attributes_are_the_known_columns_with_a_value():
    frame = pd.DataFrame({"customer_id": ["a", "b"], "birth_year": [1980, None],
                          "employees": [None, None], "industry": ["x", "y"], "city": ["c", "d"]})
    assert lookalike_attributes(frame) == (["birth_year"], ["industry"])
    assert lookalike_attributes(None) == ([], [])
