"""Pictures of clusters and the clustering widget: choosing k, the 2-D map, the profile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from helpers._threads import one_thread
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import new_axes
from helpers.segments._clusters import (
    DEFAULT_FEATURES,
    check_k,
    cluster_features,
    name_clusters,
    profile_clusters,
    renumber,
)

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.axes import Axes

__all__ = [
    "ClusterInputs",
    "cluster_view",
    "explore_clusters",
    "plot_choose_k",
    "plot_cluster_profile",
    "plot_clusters_2d",
    "project_2d",
]


def _shown_name(name: object) -> str:
    """A cluster name as shown: translated, a numbering suffix such as `` (2)`` kept.

    >>> _shown_name("best customers (2)")
    'best customers (2)'
    """
    base, sep, rest = str(name).partition(" (")
    return tr(base) + sep + rest


def plot_choose_k(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Elbow (inertia) and silhouette on one chart, two y axes.

    Parameters
    ----------
    table : DataFrame
        From :func:`choose_k`.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
        The axes of the inertia curve (the silhouette is on its twin).
    """
    ax = new_axes(ax, (7, 4))
    ax.plot(table.index, table["inertia"], "o-", color="#3a7ca5", label=tr("inertia (elbow)"))
    ax.set_xlabel(tr("number of clusters k"))
    ax.set_ylabel(tr("inertia"), color="#3a7ca5")
    ax2 = ax.twinx()
    ax2.plot(table.index, table["silhouette"], "s--", color="#d1495b", label=tr("silhouette"))
    ax2.set_ylabel(tr("silhouette"), color="#d1495b")
    best = table["silhouette"].idxmax()
    ax2.axvline(best, color="#d1495b", alpha=0.3)
    ax.set_title(tr("Choosing k: look for the bend and the peak (best silhouette at k={best})",
                    best=best))
    return ax


def project_2d(X: pd.DataFrame, seed: int = 2024) -> pd.DataFrame:
    """First two principal components of the standardised features, for plotting.

    Parameters
    ----------
    X : DataFrame
        From :func:`cluster_features`.
    seed : int
        Random seed of the PCA solver.

    Returns
    -------
    DataFrame
        ``pc1`` and ``pc2``, indexed like ``X``.
    """
    # deferred: scikit-learn takes seconds to import (see helpers.segments._clusters)
    from sklearn.decomposition import PCA

    if X.shape[1] == 1:
        return pd.DataFrame({"pc1": X.iloc[:, 0], "pc2": 0.0}, index=X.index)
    with one_thread():
        pcs = PCA(n_components=2, random_state=seed).fit_transform(X.to_numpy())
    return pd.DataFrame(pcs, index=X.index, columns=["pc1", "pc2"])


def plot_clusters_2d(coords: pd.DataFrame, labels: pd.Series, names: pd.Series | None = None,
                     ax: Axes | None = None, max_points: int = 3000, seed: int = 2024) -> Axes:
    """Scatter of the 2-D projection coloured by cluster (a seeded sample of points).

    Parameters
    ----------
    coords : DataFrame
        From :func:`project_2d`.
    labels : Series
        Cluster per customer.
    names : Series, optional
        Name per cluster (:func:`name_clusters`), shown in the legend.
    ax : Axes, optional
        Where to draw; default a new figure.
    max_points : int
        At most this many points are drawn (a seeded sample).
    seed : int
        Seed of the sample.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (7, 5))
    data = coords.join(labels.rename("cluster"), how="inner")
    if len(data) > max_points:
        data = data.sample(max_points, random_state=seed)
    for c, part in data.groupby("cluster"):
        label = (f"{c}: {_shown_name(names[c])}" if names is not None and c in names.index
                 else str(c))
        ax.scatter(part["pc1"], part["pc2"], s=6, alpha=0.6, label=label)
    ax.set_xlabel(tr("component 1"))
    ax.set_ylabel(tr("component 2"))
    ax.legend(markerscale=3, fontsize=8)
    ax.set_title(tr("Customers projected on two axes, coloured by cluster"))
    return ax


def plot_cluster_profile(profile: pd.DataFrame, columns: Sequence[str] = DEFAULT_FEATURES,
                         ax: Axes | None = None) -> Axes:
    """Heat map of the cluster profile: colour = how far each median is from the others.

    Each column is standardised across the clusters (on a log scale: days, orders and money are
    skewed), so a dark cell is high for that column; the cells show the medians themselves.

    Parameters
    ----------
    profile : DataFrame
        From :func:`profile_clusters` (with a ``name`` column when named).
    columns : list of str
        The profile columns to show.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    cols = [c for c in columns if c in profile.columns]
    ax = new_axes(ax, (1.8 * len(cols) + 3, 0.5 * len(profile) + 1.5))
    values = profile[cols].astype(float)
    logged = np.log1p(values.clip(lower=0))
    spread = logged.std(ddof=0).replace(0, 1.0)
    colour = (logged - logged.mean()) / spread
    rows = [f"{c}: {_shown_name(profile.loc[c, 'name'])}" if "name" in profile.columns else str(c)
            for c in profile.index]
    colour.index = values.index = rows
    colour.columns = values.columns = [tr(c) for c in cols]
    sns.heatmap(colour, ax=ax, cmap="RdBu_r", center=0, annot=values, fmt=",.0f",
                cbar_kws={"label": tr("above (red) or below (blue) the other clusters")})
    ax.set_xlabel(tr("median per cluster"))
    ax.set_ylabel(tr("cluster"))
    ax.set_title(tr("What each cluster looks like"))
    return ax


class ClusterInputs:
    """What the clustering widget computes once: scikit-learn and, per feature set, the sample.

    Per feature set: the features, the seeded sample and its 2-D projection (none depends on
    ``k``); and each (features, k) view already fitted.

    :func:`cluster_view` given this object only fits k-means on the sample and profiles the
    clusters; the features of each column choice are computed the first time it is asked for.

    Parameters
    ----------
    summary : DataFrame
        From :func:`customer_summary`.
    seed : int
        Random seed of the sample, of k-means and of the projection.
    sample_size : int
        Customers k-means is fitted on.
    """

    def __init__(self, summary: pd.DataFrame, seed: int = 2024, sample_size: int = 5000) -> None:
        # deferred: scikit-learn takes seconds to import; imported here, when the widget is built
        from sklearn.cluster import KMeans

        self.summary, self.seed, self.sample_size = summary, seed, sample_size
        self.kmeans = KMeans
        with one_thread():  # the thread-pool controller and k-means' first-fit set-up: now
            KMeans(n_clusters=2, n_init=1, random_state=0).fit(np.arange(8.0).reshape(4, 2))
        self.views: dict[tuple[tuple[str, ...], int], tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._by_columns: dict[tuple[str, ...], tuple[pd.DataFrame, np.ndarray, np.ndarray,
                                                      pd.DataFrame]] = {}

    def features(self, columns: Sequence[str]
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
        """Features, their array, the sample's row numbers and the sample's 2-D coordinates.

        Parameters
        ----------
        columns : list of str
            Feature columns.

        Returns
        -------
        tuple
            ``(X, data, idx, coords)``; computed once per column choice.

        Raises
        ------
        DataProblem
            As :func:`cluster_features`.
        """
        key = tuple(columns)
        if key not in self._by_columns:
            X = cluster_features(self.summary, key)
            rng = np.random.default_rng(self.seed)
            idx = rng.choice(len(X), size=min(self.sample_size, len(X)), replace=False)
            coords = project_2d(X.iloc[idx[:2000]], self.seed)
            self._by_columns[key] = (X, np.ascontiguousarray(X.to_numpy()), idx, coords)
        return self._by_columns[key]


def _profile(summary: pd.DataFrame, labels: pd.Series, columns: Sequence[str]) -> pd.DataFrame:
    """:func:`profile_clusters`, the same table, faster when labels align with ``summary``.

    The rows are sorted by cluster once instead of a group-by per column.
    """
    if not labels.index.equals(summary.index) or not all(
            pd.api.types.is_numeric_dtype(summary[c]) for c in columns):
        return profile_clusters(summary, labels, columns)
    codes = labels.to_numpy()
    clusters = np.unique(codes)
    order = np.argsort(codes, kind="stable")
    edges = np.r_[0, np.cumsum(np.bincount(np.searchsorted(clusters, codes)))]
    counts = np.diff(edges)
    cols: dict[str, Any] = {"customers": counts, "share": counts / counts.sum()}
    for c in columns:
        values = summary[c].to_numpy(dtype="float64")[order]
        cols[c] = [np.median(values[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    prof = pd.DataFrame(cols, index=pd.Index(clusters, name="cluster"))
    if "monetary_total" in summary.columns:
        rev = summary["monetary_total"].groupby(codes).sum()
        prof["revenue_share"] = rev / rev.sum()
    return prof


def cluster_view(summary: pd.DataFrame | ClusterInputs, k: int = 4,
                 columns: Sequence[str] = DEFAULT_FEATURES, seed: int = 2024,
                 sample_size: int = 5000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the clustering widget shows (pure, fast): the profile and 2-D points for a sample.

    k-means is fitted on a seeded sample of ``sample_size`` customers (one start) and every
    customer is assigned to the nearest centre, so the view stays fast on 100k customers. Given
    a :class:`ClusterInputs` (what :func:`explore_clusters` builds once), the features, sample
    and projection are reused from it (with its seed and sample size); the result is the same.

    Parameters
    ----------
    summary : DataFrame or ClusterInputs
        From :func:`customer_summary`, or prepared from it.
    k : int
        Number of clusters.
    columns : list of str
        Feature columns.
    seed : int
        Random seed of the sample and of k-means (ignored with ``ClusterInputs``).
    sample_size : int
        Customers k-means is fitted on (ignored with ``ClusterInputs``).

    Returns
    -------
    profile : DataFrame
        :func:`profile_clusters`, with ``name`` on the default columns.
    coords : DataFrame
        ``pc1``, ``pc2`` and ``cluster`` for up to 2,000 sampled customers.

    Raises
    ------
    DataProblem
        As :func:`cluster_features`, or when ``k`` is not usable.
    """
    prep = summary if isinstance(summary, ClusterInputs) else ClusterInputs(summary, seed,
                                                                            sample_size)
    key = (tuple(columns), k)
    if key not in prep.views:  # a k and feature choice seen before is not refitted
        prep.views[key] = _fit_view(prep, k, columns)
    prof, coords = prep.views[key]
    return prof.copy(), coords.copy()


def _fit_view(prep: ClusterInputs, k: int, columns: Sequence[str]
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """k-means on the prepared sample, every customer assigned, the profile and the points."""
    X, data, idx, coords = prep.features(columns)
    check_k(X, k)
    # one thread: on a small sample, thread start-up costs more than it saves (shared machines)
    with one_thread():
        km = prep.kmeans(n_clusters=int(k), n_init=1, random_state=prep.seed).fit(data[idx])
        labels = renumber(pd.Series(km.predict(data), index=X.index))
    prof = _profile(prep.summary, labels, columns)
    if set(DEFAULT_FEATURES) <= set(prof.columns):
        prof.insert(0, "name", name_clusters(prof))
    return prof, coords.assign(cluster=labels.to_numpy()[idx[:2000]])


def explore_clusters(summary: pd.DataFrame, columns: Sequence[str] = DEFAULT_FEATURES,
                     seed: int = 2024) -> ipywidgets.Widget:
    """Widget: choose k and the features; the profile table and the 2-D picture update.

    Parameters
    ----------
    summary : DataFrame
        From :func:`customer_summary`.
    columns : list of str
        Features selected at the start.
    seed : int
        Random seed.

    Returns
    -------
    ipywidgets.Widget
    """
    numeric = [c for c in summary.columns if pd.api.types.is_numeric_dtype(summary[c])]
    prep = ClusterInputs(summary, seed)  # scikit-learn, features, sample, projection: once
    k = w.IntSlider(value=4, min=2, max=8, description="k")
    feats = w.SelectMultiple(options=numeric, value=tuple(c for c in columns if c in numeric),
                             description=tr("features"), rows=6)
    out = w.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                prof, coords = cluster_view(prep, k.value, list(feats.value))
            except DataProblem as err:
                print(f"⚠ {err}")
                return
            names = prof["name"] if "name" in prof.columns else None
            fig, ax = plt.subplots(figsize=(7, 4.5))
            plot_clusters_2d(coords[["pc1", "pc2"]], coords["cluster"], names, ax=ax)
            plt.show()
            display(prof.round(2))

    k.observe(redraw, names="value")
    feats.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([k, feats]), out])
