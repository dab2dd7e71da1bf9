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
