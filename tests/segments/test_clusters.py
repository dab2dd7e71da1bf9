"""Unit tests for helpers.segments._clusters: features, k-means, mixtures, k, names, stability."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.caveats import Caveat
from helpers.errors import DataProblem
from helpers.segments import (
    choose_k,
    cluster_features,
    compare_labels,
    fit_gmm,
    fit_kmeans,
    name_clusters,
    profile_clusters,
    stability,
)


def test_features_are_logged_and_standardised(groups):
    X = cluster_features(groups)
    assert np.allclose(X.mean(), 0) and np.allclose(X.std(ddof=0), 1)
    expected = np.log1p(groups["monetary_total"])
    expected = (expected - expected.mean()) / expected.std(ddof=0)
    assert np.allclose(X["monetary_total"], expected)
    raw = cluster_features(groups, log=False)
    assert np.allclose(raw["n_orders"], (groups["n_orders"] - groups["n_orders"].mean())
                       / groups["n_orders"].std(ddof=0))
    some = cluster_features(groups, log=["monetary_total"])
    assert np.allclose(some["monetary_total"], expected)
    assert np.allclose(some["n_orders"], raw["n_orders"])
    assert X.attrs == {}


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
    assert prof["revenue_share"].sum() == pytest.approx(1)
    names = name_clusters(prof)
    truth_of = pd.crosstab(labels, groups["truth"]).idxmax(axis=1)
    assert names[truth_of == "best"].iloc[0] == "best customers"
    assert names[truth_of == "new"].iloc[0] == "new or one-off buyers"
    assert names[truth_of == "lapsed"].iloc[0].startswith("lapsed")
    med = groups.groupby(labels)["monetary_total"].median()
    assert np.allclose(prof["monetary_total"], med)
    # labels of a subset of the customers: the profile covers only them
    part = profile_clusters(groups, labels.iloc[::2])
    assert part["customers"].sum() == len(labels.iloc[::2])


def test_stability_is_high_for_clear_groups_and_low_for_noise(groups):
    X = cluster_features(groups)
    stable = stability(X, 3, seeds=range(3), n_bootstrap=3)
    assert len(stable) == 6 and stable["ari"].min() > 0.9
    rng = np.random.default_rng(0)
    noise = pd.DataFrame(rng.normal(size=(600, 3)), columns=list("abc"))
    shaky = stability(noise, 6, seeds=range(3), n_bootstrap=3)
    assert shaky["ari"].mean() < stable["ari"].mean()


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda g: cluster_features(g, ["spend"]), "not found"),
        (lambda g: cluster_features(g, []), "at least one column"),
        (lambda g: cluster_features(g.assign(n_orders=1.0)), "same value"),
        (lambda g: cluster_features(g.assign(days_since_last=np.nan)), "empty or non-numeric"),
        (lambda g: cluster_features(g.assign(n_orders=-g["n_orders"])), "negative values"),
        (lambda g: fit_kmeans(cluster_features(g.head(2)), 3), "cannot make 3 clusters"),
        (lambda g: fit_kmeans(cluster_features(g), 0), "whole number >= 1"),
        (lambda g: choose_k(cluster_features(g), ks=[1, 2]), "2 or more"),
        (lambda g: compare_labels(pd.Series([1], index=["x"]), pd.Series([1], index=["y"])),
         "share no customer"),
        (lambda g: name_clusters(pd.DataFrame({"n_orders": [1]})), "days_since_last"),
    ],
)
def test_bad_input_gets_a_clear_error(groups, call, message):
    with pytest.raises(DataProblem, match=message):
        call(groups)


def test_a_k_the_data_cannot_support_is_named():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": np.r_[rng.normal(0, 0.1, 400), [50.0, 51.0]],
                      "b": np.r_[rng.normal(0, 0.1, 400), [50.0, 50.5]]})
    with pytest.warns(Caveat, match=r"k=2 is more than the data supports: cluster 1 holds only 2"):
        labels = fit_kmeans(X, 2)
    assert labels.value_counts().tolist() == [400, 2]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)
        fit_kmeans(X.iloc[:400], 2)
