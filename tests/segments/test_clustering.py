"""Unit tests for helpers.segments.clustering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.segments.clustering import (
    attribute_matrix,
    choose_k,
    cluster_features,
    cluster_view,
    compare_labels,
    fit_gmm,
    fit_kmeans,
    lookalike_scores,
    name_clusters,
    profile_clusters,
    stability,
)
from helpers.segments.rfm import DataProblem


@pytest.fixture(scope="module")
def groups():
    """Three well separated behaviour groups (in log space), with their true group."""
    rng = np.random.default_rng(1)
    centres = {"best": (10, 20, 5000), "new": (15, 1, 80), "lapsed": (400, 2, 150)}
    parts = []
    for name, (days, orders, money) in centres.items():
        n = 300
        parts.append(pd.DataFrame({
            "days_since_last": np.exp(np.log(days) + rng.normal(0, 0.15, n)),
            "n_orders": np.maximum(1, np.round(np.exp(np.log(orders) + rng.normal(0, 0.1, n)))),
            "monetary_total": np.exp(np.log(money) + rng.normal(0, 0.15, n)),
            "truth": name,
        }))
    frame = pd.concat(parts, ignore_index=True)
    frame.index = [f"C{i:04d}" for i in range(len(frame))]
    return frame


def test_features_are_logged_and_standardised(groups):
    X = cluster_features(groups)
    assert np.allclose(X.mean(), 0) and np.allclose(X.std(ddof=0), 1)
    expected = np.log1p(groups["monetary_total"])
    expected = (expected - expected.mean()) / expected.std(ddof=0)
    assert np.allclose(X["monetary_total"], expected)
    raw = cluster_features(groups, log=False)
    assert np.allclose(raw["n_orders"], (groups["n_orders"] - groups["n_orders"].mean())
                       / groups["n_orders"].std(ddof=0))


def test_kmeans_and_gmm_recover_the_groups(groups):
    X = cluster_features(groups)
    labels = fit_kmeans(X, 3)
    ari, table = compare_labels(labels, groups["truth"])
    assert ari > 0.95 and table.to_numpy().sum() == len(groups)
    assert labels.value_counts().is_monotonic_decreasing
    # same seed, same answer
    assert fit_kmeans(X, 3).equals(labels)
    gmm = fit_gmm(X, 3)
    assert compare_labels(gmm["cluster"], groups["truth"])[0] > 0.95
    probs = gmm[[c for c in gmm.columns if c.startswith("p_") and c != "p_max"]]
    assert np.allclose(probs.sum(axis=1), 1) and (gmm["p_max"] <= 1).all()


def test_choose_k_peaks_at_the_true_number(groups):
    table = choose_k(cluster_features(groups), ks=range(2, 7))
    assert table["silhouette"].idxmax() == 3
    assert table["inertia"].is_monotonic_decreasing
    assert table["gmm_bic"].notna().all()


def test_profile_and_names_speak_business(groups):
    labels = fit_kmeans(cluster_features(groups), 3)
    prof = profile_clusters(groups, labels)
    assert prof["customers"].sum() == len(groups) and prof["share"].sum() == pytest.approx(1)
    names = name_clusters(prof)
    truth_of = pd.crosstab(labels, groups["truth"]).idxmax(axis=1)
    assert names[truth_of == "best"].iloc[0] == "best customers"
    assert names[truth_of == "new"].iloc[0] == "new or one-off buyers"
    assert names[truth_of == "lapsed"].iloc[0].startswith("lapsed")
    med = groups.groupby(labels)["monetary_total"].median()
    assert np.allclose(prof["monetary_total"], med)


def test_stability_is_high_for_clear_groups_and_low_for_noise(groups):
    X = cluster_features(groups)
    stable = stability(X, 3, seeds=range(3), n_bootstrap=3)
    assert len(stable) == 6 and stable["ari"].min() > 0.9
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.normal(size=(600, 3)), columns=list("abc"))
    shaky = stability(noise, 6, seeds=range(3), n_bootstrap=3)
    assert shaky["ari"].mean() < stable["ari"].mean()


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


def test_attribute_matrix_handles_missing_values():
    frame = pd.DataFrame({"x": [1.0, None, 3.0], "c": ["a", None, "a"]})
    m = attribute_matrix(frame, numeric=["x"], categorical=["c"])
    assert not m.isna().any().any()
    assert set(m.columns) == {"x", "c_a", "c_unknown"}


def test_cluster_view_profiles_everyone(groups):
    prof, coords = cluster_view(groups, k=3, sample_size=500)
    assert prof["customers"].sum() == len(groups)
    assert {"pc1", "pc2", "cluster"} <= set(coords.columns) and "name" in prof.columns


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda g: cluster_features(g, ["spend"]), "not found"),
        (lambda g: cluster_features(g.assign(n_orders=1.0)), "same value"),
        (lambda g: cluster_features(g.assign(days_since_last=np.nan)), "empty or non-numeric"),
        (lambda g: fit_kmeans(cluster_features(g.head(2)), 3), "cannot make 3 clusters"),
        (lambda g: choose_k(cluster_features(g), ks=[1, 2]), "2 or more"),
        (lambda g: compare_labels(pd.Series([1], index=["x"]), pd.Series([1], index=["y"])),
         "share no customer"),
    ],
)
def test_bad_input_gets_a_clear_error(groups, call, message):
    with pytest.raises(DataProblem, match=message):
        call(groups)


def test_prospect_ids_and_empty_candidates():
    from helpers.segments.clustering import prospect_ids

    summary = pd.DataFrame({"n_orders": [1, 3, 1, 7]}, index=["a", "b", "c", "d"])
    ids = prospect_ids(["a", "b", "c", "d", "e"], summary, exclude=["c"])
    assert list(ids) == ["a", "e"]  # one-off buyer a, never-buyer e; c is in the model group
    m = pd.DataFrame({"x": [0.0, 1.0]}, index=["a", "b"])
    with pytest.raises(DataProblem, match="nobody to score"):
        lookalike_scores(m, ["a"], [])
    with pytest.raises(DataProblem, match="candidate ids not in the matrix"):
        lookalike_scores(m, ["a"], ["zz"])
