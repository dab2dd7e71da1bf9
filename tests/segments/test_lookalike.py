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
    lookalike_backtest,
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
    # the source's prospects: people who have not bought yet (e, f); f is in the model group
    ids = prospect_ids(["a", "b", "c", "d", "e", "f"], summary, exclude=["f"])
    assert list(ids) == ["e"]
    # the extension: buyers with few orders as well, only when asked for
    ids = prospect_ids(["a", "b", "c", "d", "e"], summary, exclude=["c"], max_orders=1)
    assert list(ids) == ["a", "e"]
    assert list(prospect_ids(["a", "b"], summary)) == []   # everybody bought: nobody to win
    with pytest.raises(DataProblem, match="max_orders=-1 is negative"):
        prospect_ids(["a"], summary, max_orders=-1)
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


def _people(signal: float, n: int = 600, seed: int = 5) -> tuple[pd.DataFrame, pd.Series]:
    """Model-group members whose age and channel differ from the others' by ``signal``."""
    rng = np.random.default_rng(seed)
    model = np.r_[np.ones(n // 4, bool), np.zeros(n - n // 4, bool)]
    frame = pd.DataFrame({
        "age": rng.normal(40 + 8 * signal * model, 8),
        "channel": np.where(rng.random(n) < 0.5 + 0.4 * signal * model, "referral", "web"),
    }, index=[f"P{i:03d}" for i in range(n)])
    return attribute_matrix(frame, numeric=["age"], categorical=["channel"]), pd.Series(
        model, index=frame.index)


def test_backtest_finds_a_planted_signal_and_matches_sklearn_auc():
    from sklearn.metrics import roc_auc_score

    m, model = _people(signal=1.0)
    check = lookalike_backtest(m, model, ~model, holdout=0.3, seed=1)
    assert check.held_out == round(0.3 * model.sum()) == 45 and check.others == (~model).sum()
    assert check.is_model.sum() == check.held_out and len(check.scores) == 45 + check.others
    assert check.auc == pytest.approx(roc_auc_score(check.is_model, check.scores), abs=1e-12)
    assert check.auc > 0.75                   # older, mostly referral: the score finds them
    # the same seed hides the same members; another seed others
    again = lookalike_backtest(m, model, ~model, holdout=0.3, seed=1)
    assert again.auc == check.auc and list(again.scores.index) == list(check.scores.index)


def test_backtest_without_a_signal_is_about_half_with_a_caveat():
    m, model = _people(signal=0.0)
    with pytest.warns(Caveat, match="look-alike back-test AUC 0.[45]"):
        check = lookalike_backtest(m, model, ~model, holdout=0.5, seed=2)
    assert 0.4 < check.auc < 0.55


def test_backtest_refuses_groups_too_small_and_a_bad_holdout():
    m, model = _people(signal=1.0, n=40)
    with pytest.raises(DataProblem, match="holdout=1.5 must be between 0 and 1"):
        lookalike_backtest(m, model, ~model, holdout=1.5)
    with pytest.raises(DataProblem, match="1 model-group members and 30 other buyers"):
        lookalike_backtest(m, [m.index[0]], ~model)
    with pytest.raises(DataProblem, match="needs at least 2 and 1"):
        lookalike_backtest(m, model, [])
    tiny = lookalike_backtest(m, list(m.index[:2]), ~model, holdout=0.9)
    assert tiny.held_out == 1                 # one hidden, one kept as the model


def test_backtest_too_good_names_an_attribute_known_only_after_buying():
    m, model = _people(signal=6.0)          # the model group is far from everybody else
    with pytest.warns(Caveat, match="filled in only after people buy"):
        check = lookalike_backtest(m, model, ~model, seed=3)
    assert check.auc > 0.97


def test_truth_auc_equals_scikit_learn_and_is_none_for_one_kind():
    from sklearn.metrics import roc_auc_score

    from helpers.segments import truth_auc

    rng = np.random.default_rng(3)
    ids = [f"c{i}" for i in range(200)]
    scores = pd.Series(rng.random(200).round(2), index=ids)  # ties on purpose
    truth = pd.Series(rng.choice(["loyal", "high_value_org", "bargain", "lapsed"], 200), index=ids)
    good = truth.isin(["loyal", "high_value_org"])
    assert truth_auc(scores, truth) == pytest.approx(roc_auc_score(good, scores))
    assert truth_auc(scores, pd.Series("bargain", index=ids)) is None
