"""Clustering customers: features, k-means and Gaussian mixtures, choosing k, profiles, names.

Also the agreement between two labellings (adjusted Rand index) and the stability of clusters.

scikit-learn is imported inside the functions that fit models: it takes seconds to import, and
``helpers.segments`` is also imported by lessons that never cluster (for the customer summary).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from helpers._threads import one_thread
from helpers.caveats import caveat
from helpers.errors import DataProblem, require_columns, sample_rows
from helpers.i18n import tr

__all__ = [
    "DEFAULT_FEATURES",
    "choose_k",
    "cluster_features",
    "compare_labels",
    "fit_gmm",
    "fit_kmeans",
    "name_clusters",
    "profile_clusters",
    "stability",
]

#: A cluster smaller than this share of the customers (or :data:`MIN_CLUSTER_SIZE`) means k
#: is larger than the data supports.
MIN_CLUSTER_SHARE = 0.01
#: The fewest customers a cluster should hold to be worth a programme of its own.
MIN_CLUSTER_SIZE = 5

#: Behaviour columns of :func:`customer_summary` used by default.
DEFAULT_FEATURES = ("days_since_last", "n_orders", "monetary_total")

def cluster_features(
    summary: pd.DataFrame,
    columns: Sequence[str] = DEFAULT_FEATURES,
    log: bool | Iterable[str] = True,
) -> pd.DataFrame:
    """Columns ready for distance-based clustering: log1p of skewed columns, then z-scores.

    Parameters
    ----------
    summary : DataFrame
        One row per customer (e.g. :func:`customer_summary`).
    columns : list of str
        Numeric columns to use.
    log : bool or list of str
        ``True``: log1p every column (counts, money and day counts are all right-skewed);
        a list: only those columns; ``False``: none.

    Returns
    -------
    DataFrame
        Same index, one standardised column per feature (mean 0, standard deviation 1).

    Raises
    ------
    DataProblem
        Unknown, empty, non-numeric, negative (when logged) or constant columns.

    Examples
    --------
    >>> X = cluster_features(pd.DataFrame({"n_orders": [1, 3, 7]}), ["n_orders"], log=False)
    >>> X["n_orders"].round(3).tolist()
    [-1.069, -0.267, 1.336]
    """
    columns = list(columns)
    if not columns:
        raise DataProblem("cluster_features: choose at least one column")
    missing = [c for c in columns if c not in summary.columns]
    if missing:
        raise DataProblem(f"cluster_features: column(s) {missing} not found; available are "
                          f"{list(summary.columns)}")
    X = pd.DataFrame({c: pd.to_numeric(summary[c], errors="coerce") for c in columns},
                     index=summary.index).astype("float64")
    bad = X.isna().any(axis=1)
    if bad.any():
        raise DataProblem(f"cluster_features: {int(bad.sum())} customer(s) have empty or "
                          f"non-numeric values in {columns}, e.g. {sample_rows(X.index[bad])}; "
                          "fill them or leave those customers out (e.g. prospects without "
                          "purchases).")
    logged = columns if log is True else ([] if log is False else list(log))
    for c in logged:
        if (X[c] < 0).any():
            raise DataProblem(f"cluster_features: column {c!r} has negative values; a log "
                              "transform needs values >= 0 (leave it out of `log`).")
        X[c] = np.log1p(X[c])
    center, scale = X.mean(), X.std(ddof=0)
    flat = scale[scale == 0].index.tolist()
    if flat:
        raise DataProblem(f"cluster_features: column(s) {flat} have the same value for every "
                          "customer and cannot separate anyone; leave them out.")
    return (X - center) / scale


def check_k(X: pd.DataFrame, k: int) -> None:
    """Refuse a number of clusters that is not a whole number >= 1 or exceeds the customers."""
    if not isinstance(k, int | np.integer) or k < 1:
        raise DataProblem(f"the number of clusters must be a whole number >= 1, got {k!r}")
    if len(X) < k:
        raise DataProblem(f"cannot make {k} clusters from {len(X)} customer(s); lower k or use "
                          "more data")


def renumber(labels: pd.Series) -> pd.Series:
    """Cluster labels renumbered by size: 0 is the largest cluster."""
    order = labels.value_counts().index
    mapping = {old: new for new, old in enumerate(order)}
    return labels.map(mapping).astype("int64")


def fit_kmeans(X: pd.DataFrame, k: int, seed: int = 2024, n_init: int = 10) -> pd.Series:
    """k-means labels (0..k-1), numbered by cluster size (0 = largest) so runs compare.

    Parameters
    ----------
    X : DataFrame
        From :func:`cluster_features`.
    k : int
        Number of clusters.
    seed : int
        Random seed: the same data and seed give the same clusters every time.
    n_init : int
        Number of starts; the best is kept.

    Returns
    -------
    Series
        ``cluster``, indexed like ``X``.

    Raises
    ------
    DataProblem
        If ``k`` is not usable.
    """
    # deferred: scikit-learn takes seconds to import (see the module docstring)
    from sklearn.cluster import KMeans

    check_k(X, k)
    with one_thread():
        model = KMeans(n_clusters=int(k), n_init=n_init, random_state=seed).fit(
            np.ascontiguousarray(X.to_numpy()))
    labels = renumber(pd.Series(model.labels_, index=X.index, name="cluster"))
    caveat(too_many_clusters(labels, int(k)))
    return labels


def too_many_clusters(labels: pd.Series, k: int) -> str | None:
    """A caveat when k is larger than the data supports: a cluster is empty or tiny.

    Parameters
    ----------
    labels : Series
        Cluster per customer.
    k : int
        The number of clusters asked for.

    Returns
    -------
    str or None
        The message, or ``None`` when every cluster holds at least :data:`MIN_CLUSTER_SHARE` of
        the customers and :data:`MIN_CLUSTER_SIZE` customers.

    Examples
    --------
    >>> too_many_clusters(pd.Series([0] * 300 + [1] * 2), 2)   # doctest: +ELLIPSIS
    'k=2 is more than the data supports: cluster 1 holds only 2 customer(s) (0.7%); ...'
    """
    sizes = labels.value_counts().reindex(range(k), fill_value=0)
    floor = max(MIN_CLUSTER_SIZE, MIN_CLUSTER_SHARE * len(labels))
    if len(labels) == 0 or sizes.min() >= floor:
        return None
    small = int(sizes.idxmin())
    return tr("k={k} is more than the data supports: cluster {small} holds only {n} "
              "customer(s) ({share:.1%}); such a group is too small to describe or to run a "
              "programme for. Choose a smaller k (the silhouette table above suggests one).",
              k=k, small=small, n=int(sizes.min()), share=sizes.min() / len(labels))


def fit_gmm(X: pd.DataFrame, k: int, seed: int = 2024, covariance_type: str = "full"
            ) -> pd.DataFrame:
    """Gaussian mixture: the most likely cluster and the probability of each cluster.

    Prefer it to k-means when clusters are elongated or of very different sizes, or when a
    customer's *degree* of membership matters (``p_max`` below 0.6: a borderline customer).

    Parameters
    ----------
    X : DataFrame
        From :func:`cluster_features`.
    k : int
        Number of components.
    seed : int
        Random seed.
    covariance_type : {"full", "tied", "diag", "spherical"}
        Shape of the components (scikit-learn's ``GaussianMixture``).

    Returns
    -------
    DataFrame
        ``cluster`` (numbered by size), ``p_max`` and one ``p_<cluster>`` column per cluster.
        :func:`choose_k` reports the mixture's BIC for each k.

    Raises
    ------
    DataProblem
        If ``k`` is not usable.
    """
    # deferred: scikit-learn takes seconds to import (see the module docstring)
    from sklearn.mixture import GaussianMixture

    check_k(X, k)
    data = np.ascontiguousarray(X.to_numpy())
    with one_thread():
        model = GaussianMixture(n_components=int(k), covariance_type=covariance_type,
                                random_state=seed, n_init=2).fit(data)
        proba = model.predict_proba(data)
    raw = pd.Series(proba.argmax(axis=1), index=X.index)
    labels = renumber(raw)
    mapping = dict(zip(raw, labels, strict=True))
    out = pd.DataFrame({"cluster": labels, "p_max": proba.max(axis=1)}, index=X.index)
    for old in range(proba.shape[1]):
        if old in mapping:
            out[f"p_{mapping[old]}"] = proba[:, old]
    return out


def choose_k(X: pd.DataFrame, ks: Iterable[int] = range(2, 9), seed: int = 2024,
             sample_size: int = 4000) -> pd.DataFrame:
    """Inertia (for the elbow) and silhouette for each k; silhouette on a seeded sample.

    Parameters
    ----------
    X : DataFrame
        From :func:`cluster_features`.
    ks : iterable of int
        The numbers of clusters to try (2 or more).
    seed : int
        Random seed of the models and of the sample.
    sample_size : int
        Customers in the sample the silhouette and BIC are computed on.

    Returns
    -------
    DataFrame
        Indexed by ``k``: ``inertia`` (within-cluster sum of squares, always falls as k grows:
        look for the bend), ``silhouette`` (-1..1, higher means better separated clusters: look
        for the peak) and ``gmm_bic`` (lower is better).

    Raises
    ------
    DataProblem
        If a k is below 2 or above the number of customers.
    """
    # deferred: scikit-learn takes seconds to import (see the module docstring)
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances, silhouette_score
    from sklearn.mixture import GaussianMixture

    ks = [int(k) for k in ks]
    if not ks or min(ks) < 2:
        raise DataProblem("choose_k: give values of k of 2 or more (silhouette needs two "
                          "clusters)")
    check_k(X, max(ks))
    data = np.ascontiguousarray(X.to_numpy())
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(data), size=min(sample_size, len(data)), replace=False)
    rows = []
    with one_thread():
        # the sample's distances once for every k (the silhouette would recompute them per k)
        distances = pairwise_distances(data[idx])
        for k in ks:
            km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(data)
            labels = km.labels_[idx]
            sil = (silhouette_score(distances, labels, metric="precomputed")
                   if len(np.unique(labels)) > 1 else np.nan)
            bic = GaussianMixture(n_components=k, random_state=seed).fit(data[idx]).bic(
                data[idx])
            rows.append({"k": k, "inertia": km.inertia_, "silhouette": sil, "gmm_bic": bic})
    return pd.DataFrame(rows).set_index("k")


def profile_clusters(summary: pd.DataFrame, labels: pd.Series,
                     columns: Sequence[str] = DEFAULT_FEATURES) -> pd.DataFrame:
    """Size, share and median of each column per cluster, in the original units.

    Parameters
    ----------
    summary : DataFrame
        One row per customer (the table the features were made from).
    labels : Series
        Cluster per customer (:func:`fit_kmeans`).
    columns : list of str
        Columns to describe.

    Returns
    -------
    DataFrame
        One row per cluster: ``customers``, ``share``, the medians and, when the summary has
        ``monetary_total``, ``revenue_share``.

    Raises
    ------
    DataProblem
        If a column is missing.
    """
    require_columns(summary, list(columns), "profile_clusters")
    if labels.index.equals(summary.index):
        joined = summary[list(columns)].assign(cluster=labels.to_numpy())
    else:
        joined = summary[list(columns)].join(labels.rename("cluster"), how="inner")
    g = joined.groupby("cluster")
    prof = g[list(columns)].median()
    prof.insert(0, "customers", g.size())
    prof.insert(1, "share", prof["customers"] / prof["customers"].sum())
    if "monetary_total" in summary.columns:
        rev = summary.loc[joined.index, "monetary_total"].groupby(
            joined["cluster"].to_numpy()).sum() if not labels.index.equals(summary.index) \
            else summary["monetary_total"].groupby(labels.to_numpy()).sum()
        prof["revenue_share"] = rev / rev.sum()
    return prof


def name_clusters(profile: pd.DataFrame) -> pd.Series:
    """Business names for clusters from their medians (recency, orders, money).

    Each cluster is compared with the typical customer (the size-weighted mean of the cluster
    medians on a log scale): recent or not (``days_since_last``), frequent or not
    (``n_orders``), high spend or not (``monetary_total``). The names are a starting point for
    the discussion, not a verdict; rename them with the sales team.

    Parameters
    ----------
    profile : DataFrame
        From :func:`profile_clusters` on the default columns.

    Returns
    -------
    Series
        ``name`` per cluster (made unique by the cluster number when two clusters share one).

    Raises
    ------
    DataProblem
        If the profile lacks the default columns.
    """
    need = ["days_since_last", "n_orders", "monetary_total"]
    require_columns(profile, need, "name_clusters: the profile",
                    fix="build it with profile_clusters(summary, labels) on the default columns")
    weights = profile["customers"] if "customers" in profile.columns else None

    def typical(col: str) -> float:
        # size-weighted mean on the log scale: the "typical customer" across clusters
        return float(np.expm1(np.average(np.log1p(profile[col].clip(lower=0)),
                                         weights=weights)))

    recent = profile["days_since_last"] <= typical("days_since_last")
    frequent = profile["n_orders"] >= typical("n_orders")
    rich = profile["monetary_total"] >= typical("monetary_total")
    names = np.select(
        [recent & frequent & rich, recent & frequent, recent & ~frequent,
         ~recent & frequent & rich, ~recent & frequent, ~recent & ~frequent & rich],
        ["best customers", "active regulars", "new or one-off buyers",
         "slipping big spenders", "slipping regulars", "lapsed big spenders"],
        default="lapsed small buyers")
    out = pd.Series(names, index=profile.index, name="name")
    dup = out.duplicated(keep=False)
    out[dup] = out[dup] + " (" + out.index[dup].astype(str) + ")"
    return out


def compare_labels(a: pd.Series, b: pd.Series) -> tuple[float, pd.DataFrame]:
    """Adjusted Rand index between two labellings of the same customers, and their cross-tab.

    ARI is 1 for identical groupings (whatever the names), about 0 for unrelated ones.

    Parameters
    ----------
    a, b : Series
        Labels indexed by customer.

    Returns
    -------
    ari : float
    table : DataFrame
        Cross-tab of the customers both labellings share.

    Raises
    ------
    DataProblem
        If the two share no customer.

    Examples
    --------
    >>> ari, _ = compare_labels(pd.Series([0, 0, 1, 1]), pd.Series(["x", "x", "y", "y"]))
    >>> ari
    1.0
    """
    # deferred: scikit-learn takes seconds to import (see the module docstring)
    from sklearn.metrics import adjusted_rand_score

    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    if both.empty:
        raise DataProblem("compare_labels: the two labellings share no customer; check that "
                          "both are indexed by customer_id")
    ari = float(adjusted_rand_score(both["a"].astype(str), both["b"].astype(str)))
    return ari, pd.crosstab(both["a"], both["b"], rownames=[a.name or "a"],
                            colnames=[b.name or "b"])


def stability(X: pd.DataFrame, k: int, seeds: Iterable[int] = range(1, 6),
              n_bootstrap: int = 5, seed: int = 2024) -> pd.DataFrame:
    """How much k-means clusters move across seeds and bootstrap samples (ARI vs a reference).

    The reference is :func:`fit_kmeans` with ``seed``. Each seed run starts k-means with another
    seed (one start, so bad starts show); each bootstrap run fits on a resample of the customers
    and assigns everybody to the nearest of its centres. ARI near 1: stable clusters.

    Parameters
    ----------
    X : DataFrame
        From :func:`cluster_features`.
    k : int
        Number of clusters.
    seeds : iterable of int
        Seeds of the one-start runs.
    n_bootstrap : int
        Number of bootstrap runs.
    seed : int
        Seed of the reference and of the resampling.

    Returns
    -------
    DataFrame
        One row per run: ``run``, ``kind`` (``seed`` or ``bootstrap``) and ``ari``.

    Raises
    ------
    DataProblem
        If ``k`` is not usable.
    """
    # deferred: scikit-learn takes seconds to import (see the module docstring)
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    check_k(X, k)
    data = np.ascontiguousarray(X.to_numpy())
    ref = fit_kmeans(X, k, seed=seed).to_numpy()
    rows = []
    rng = np.random.default_rng(seed)
    with one_thread():
        for s in seeds:
            lab = KMeans(n_clusters=k, n_init=1, random_state=s).fit_predict(data)
            rows.append({"run": f"seed {s}", "kind": "seed",
                         "ari": adjusted_rand_score(ref, lab)})
        for b in range(n_bootstrap):
            idx = rng.integers(0, len(data), len(data))
            km = KMeans(n_clusters=k, n_init=4, random_state=seed + b + 1).fit(data[idx])
            rows.append({"run": f"bootstrap {b + 1}", "kind": "bootstrap",
                         "ari": adjusted_rand_score(ref, km.predict(data))})
    return pd.DataFrame(rows)
