"""Unit tests for helpers.segments._cluster_plots: the widget's view and the cluster pictures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from helpers.segments import (
    choose_k,
    cluster_features,
    cluster_view,
    explore_clusters,
    fit_kmeans,
    name_clusters,
    plot_choose_k,
    plot_cluster_profile,
    plot_clusters_2d,
    profile_clusters,
    project_2d,
)


def test_cluster_view_profiles_everyone(groups):
    prof, coords = cluster_view(groups, k=3, sample_size=500)
    assert prof["customers"].sum() == len(groups)
    assert {"pc1", "pc2", "cluster"} <= set(coords.columns) and "name" in prof.columns


def test_projection_keeps_the_customers(groups):
    X = cluster_features(groups)
    coords = project_2d(X)
    assert list(coords.columns) == ["pc1", "pc2"] and coords.index.equals(X.index)
    one = project_2d(X[["n_orders"]])
    assert (one["pc2"] == 0).all()


def test_pictures(groups):
    X = cluster_features(groups)
    labels = fit_kmeans(X, 3)
    prof = profile_clusters(groups, labels)
    prof.insert(0, "name", name_clusters(prof))
    ax = plot_cluster_profile(prof)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["days_since_last", "n_orders",
                                                            "monetary_total"]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == f"0: {prof.loc[0, 'name']}"
    assert len(ax.texts) == 9  # the medians, written in the cells
    ax = plot_clusters_2d(project_2d(X), labels, prof["name"], max_points=100)
    assert len(ax.collections) == 3
    ax = plot_choose_k(choose_k(X, ks=range(2, 5)))
    assert "best silhouette at k=3" in ax.get_title()
    plt.close("all")


def test_explore_clusters_builds_a_widget(groups):
    ipywidgets = pytest.importorskip("ipywidgets")
    assert isinstance(explore_clusters(groups.drop(columns="truth")), ipywidgets.Widget)
    plt.close("all")


def _old_cluster_view(summary, k, columns, seed=2024, sample_size=500):
    """The view as computed before issue 11 (everything from the summary on every call)."""
    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans

    from helpers.segments._clusters import renumber

    X = cluster_features(summary, columns)
    idx = np.random.default_rng(seed).choice(len(X), size=min(sample_size, len(X)),
                                             replace=False)
    data = np.ascontiguousarray(X.to_numpy())
    km = KMeans(n_clusters=k, n_init=1, random_state=seed).fit(data[idx])
    labels = renumber(pd.Series(km.predict(data), index=X.index))
    prof = profile_clusters(summary, labels, columns)
    if {"days_since_last", "n_orders", "monetary_total"} <= set(prof.columns):
        prof.insert(0, "name", name_clusters(prof))
    coords = project_2d(X.iloc[idx[:2000]], seed).assign(cluster=labels.to_numpy()[idx[:2000]])
    return prof, coords


def test_cluster_view_on_prepared_inputs_matches_the_old_computation(groups, monkeypatch):
    import pandas as pd

    import helpers.segments._cluster_plots as cp
    from helpers.segments import ClusterInputs

    made = []
    features = cp.cluster_features
    monkeypatch.setattr(cp, "cluster_features", lambda *a, **k: made.append(a[1]) or
                        features(*a, **k))
    summary = groups.drop(columns="truth")
    prep = ClusterInputs(summary, seed=7, sample_size=500)
    cases = [(3, ["days_since_last", "n_orders", "monetary_total"]),
             (5, ["days_since_last", "n_orders", "monetary_total"]),
             (2, ["n_orders", "monetary_total"]), (4, ["n_orders", "monetary_total"])]
    for k, cols in cases:
        prof, coords = cluster_view(prep, k, cols)
        old_prof, old_coords = _old_cluster_view(summary, k, cols, seed=7)
        pd.testing.assert_frame_equal(prof, old_prof)
        pd.testing.assert_frame_equal(coords, old_coords)
    # features, sample and projection: once per column choice, not once per move
    assert [len(c) for c in made] == [3, 2]
    # the plain call (a summary, no prepared inputs) gives the same result
    k, cols = cases[-1]
    pd.testing.assert_frame_equal(cluster_view(summary, k, cols, seed=7, sample_size=500)[0],
                                  _old_cluster_view(summary, k, cols, seed=7)[0])


def test_the_views_profile_is_profile_clusters(groups):
    import numpy as np
    import pandas as pd

    from helpers.segments._cluster_plots import _profile

    summary = groups.drop(columns="truth")
    rng = np.random.default_rng(5)
    for k in (1, 2, 5):  # odd and even cluster sizes, one cluster
        labels = pd.Series(rng.integers(0, k, len(summary)), index=summary.index)
        pd.testing.assert_frame_equal(_profile(summary, labels, ["days_since_last", "n_orders",
                                                                 "monetary_total"]),
                                      profile_clusters(summary, labels))
    shuffled = labels.sample(frac=1.0, random_state=1)  # not aligned: the general path
    pd.testing.assert_frame_equal(_profile(summary, shuffled, ["n_orders"]),
                                  profile_clusters(summary, shuffled, ["n_orders"]))


def test_cluster_view_refits_only_new_choices(groups):
    from helpers.segments import ClusterInputs

    prep = ClusterInputs(groups.drop(columns="truth"), sample_size=500)
    fits = []
    kmeans = prep.kmeans
    prep.kmeans = lambda **kw: fits.append(kw["n_clusters"]) or kmeans(**kw)
    first = cluster_view(prep, 3)[0]
    first["customers"] = 0  # the caller's copy: changing it leaves the stored view alone
    again = cluster_view(prep, 3)[0]
    cluster_view(prep, 4)
    assert fits == [3, 4] and again["customers"].sum() == len(groups)
