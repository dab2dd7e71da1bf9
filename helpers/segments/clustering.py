"""Clustering customers: features, k-means and Gaussian mixtures, choosing k, profiles, stability,
and look-alike targeting.

Rules (lesson 02) and RFM (lesson 03) put customers in boxes someone designed; clustering lets
the data propose the groups. The steps a trainee follows, one function each:

1. :func:`cluster_features`: pick behaviour columns, take logs of the skewed ones (money and
   order counts have a long right tail), standardise (so no column dominates the distances);
2. :func:`choose_k`: elbow (inertia) and silhouette for k = 2..8, shown together;
3. :func:`fit_kmeans` (seeded, several starts) or :func:`fit_gmm` (soft, elliptical clusters);
4. :func:`profile_clusters` and :func:`name_clusters`: describe each cluster in business words;
5. :func:`compare_labels` (adjusted Rand index against RFM segments or the hidden truth) and
   :func:`stability` (across seeds and bootstrap samples);
6. :func:`lookalike_scores`: rank prospects by how closely they resemble the loyal customers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, sample_rows

__all__ = [
    "DEFAULT_FEATURES",
    "cluster_features",
    "fit_kmeans",
    "fit_gmm",
    "choose_k",
    "plot_choose_k",
    "profile_clusters",
    "name_clusters",
    "compare_labels",
    "stability",
    "attribute_matrix",
    "lookalike_scores",
    "prospect_ids",
    "project_2d",
    "plot_clusters_2d",
    "cluster_view",
    "explore_clusters",
]

#: Behaviour columns of :func:`helpers.segments.rfm.customer_summary` used by default.
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
        One row per customer (e.g. :func:`helpers.segments.rfm.customer_summary`).
    columns : list of str
        Numeric columns to use.
    log : bool or list of str
        ``True``: log1p every column (counts, money and day counts are all right-skewed);
        a list: only those columns; ``False``: none.

    Returns
    -------
    DataFrame
        Same index, one standardised column per feature (mean 0, standard deviation 1). The
        means and standard deviations used are in ``attrs["center"]`` and ``attrs["scale"]``.
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
    out = (X - center) / scale
    out.attrs["center"], out.attrs["scale"], out.attrs["logged"] = (center.to_dict(),
                                                                    scale.to_dict(), logged)
    return out


def _check_k(X: pd.DataFrame, k: int) -> None:
    if not isinstance(k, int | np.integer) or k < 1:
        raise DataProblem(f"the number of clusters must be a whole number >= 1, got {k!r}")
    if len(X) < k:
        raise DataProblem(f"cannot make {k} clusters from {len(X)} customer(s); lower k or use "
                          "more data")


def fit_kmeans(X: pd.DataFrame, k: int, seed: int = 2024, n_init: int = 10) -> pd.Series:
    """k-means labels (0..k-1), numbered by cluster size (0 = largest) so runs compare.

    Seeded with ``seed`` and ``n_init`` starts (the best is kept): the same data and seed give
    the same clusters every time.
    """
    from sklearn.cluster import KMeans

    _check_k(X, k)
    with _one_thread():
        model = KMeans(n_clusters=int(k), n_init=n_init, random_state=seed).fit(
            np.ascontiguousarray(X.to_numpy()))
    return _renumber(pd.Series(model.labels_, index=X.index, name="cluster"))


def _renumber(labels: pd.Series) -> pd.Series:
    order = labels.value_counts().index
    mapping = {old: new for new, old in enumerate(order)}
    return labels.map(mapping).astype("int64")


def fit_gmm(X: pd.DataFrame, k: int, seed: int = 2024, covariance_type: str = "full"
            ) -> pd.DataFrame:
    """Gaussian mixture: the most likely cluster and the probability of each cluster.

    Prefer it to k-means when clusters are elongated or of very different sizes, or when a
    customer's *degree* of membership matters (``p_max`` below 0.6: a borderline customer).

    Returns
    -------
    DataFrame
        ``cluster`` (numbered by size), ``p_max`` and one ``p_<cluster>`` column per cluster;
        ``attrs["bic"]`` holds the model's BIC (lower is better when comparing k).
    """
    from sklearn.mixture import GaussianMixture

    _check_k(X, k)
    data = np.ascontiguousarray(X.to_numpy())
    with _one_thread():
        model = GaussianMixture(n_components=int(k), covariance_type=covariance_type,
                                random_state=seed, n_init=2).fit(data)
        proba = model.predict_proba(data)
    raw = pd.Series(proba.argmax(axis=1), index=X.index)
    labels = _renumber(raw)
    mapping = dict(zip(raw, labels, strict=True))
    out = pd.DataFrame({"cluster": labels, "p_max": proba.max(axis=1)}, index=X.index)
    for old in range(proba.shape[1]):
        if old in mapping:
            out[f"p_{mapping[old]}"] = proba[:, old]
    out.attrs["bic"] = float(model.bic(data))
    return out


def choose_k(X: pd.DataFrame, ks: Iterable[int] = range(2, 9), seed: int = 2024,
             sample_size: int = 4000) -> pd.DataFrame:
    """Inertia (for the elbow) and silhouette for each k; silhouette on a seeded sample.

    Returns a table indexed by ``k`` with ``inertia`` (within-cluster sum of squares, always
    falls as k grows: look for the bend) and ``silhouette`` (-1..1, higher means clusters are
    better separated: look for the peak), plus ``gmm_bic`` (lower is better).
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.mixture import GaussianMixture

    ks = [int(k) for k in ks]
    if not ks or min(ks) < 2:
        raise DataProblem("choose_k: give values of k of 2 or more (silhouette needs two "
                          "clusters)")
    _check_k(X, max(ks))
    data = np.ascontiguousarray(X.to_numpy())
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(data), size=min(sample_size, len(data)), replace=False)
    rows = []
    with _one_thread():
        for k in ks:
            km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(data)
            labels = km.labels_[idx]
            sil = (silhouette_score(data[idx], labels) if len(np.unique(labels)) > 1
                   else np.nan)
            bic = GaussianMixture(n_components=k, random_state=seed).fit(data[idx]).bic(
                data[idx])
            rows.append({"k": k, "inertia": km.inertia_, "silhouette": sil, "gmm_bic": bic})
    return pd.DataFrame(rows).set_index("k")


def plot_choose_k(table: pd.DataFrame, ax: Any = None) -> Any:
    """Elbow (inertia) and silhouette on one chart, two y axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ax.plot(table.index, table["inertia"], "o-", color="#3a7ca5", label="inertia (elbow)")
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("inertia", color="#3a7ca5")
    ax2 = ax.twinx()
    ax2.plot(table.index, table["silhouette"], "s--", color="#d1495b", label="silhouette")
    ax2.set_ylabel("silhouette", color="#d1495b")
    best = table["silhouette"].idxmax()
    ax2.axvline(best, color="#d1495b", alpha=0.3)
    ax.set_title(f"Choosing k: look for the bend and the peak (best silhouette at k={best})")
    return ax


def profile_clusters(summary: pd.DataFrame, labels: pd.Series,
                     columns: Sequence[str] = DEFAULT_FEATURES) -> pd.DataFrame:
    """Size, share and median of each column per cluster, in the original units."""
    missing = [c for c in columns if c not in summary.columns]
    if missing:
        raise DataProblem(f"profile_clusters: column(s) {missing} not found")
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
    medians on a log scale): recent or not (``days_since_last``),
    frequent or not (``n_orders``), high spend or not (``monetary_total``). The names are a
    starting point for the discussion, not a verdict; rename them with the sales team.
    """
    need = ["days_since_last", "n_orders", "monetary_total"]
    missing = [c for c in need if c not in profile.columns]
    if missing:
        raise DataProblem(f"name_clusters: the profile needs {missing}; build it with "
                          "profile_clusters(summary, labels) on the default columns")
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
    """
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
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    _check_k(X, k)
    data = np.ascontiguousarray(X.to_numpy())
    ref = fit_kmeans(X, k, seed=seed).to_numpy()
    rows = []
    rng = np.random.default_rng(seed)
    with _one_thread():
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


# --------------------------------------------------------------------------------------------
# look-alike targeting
# --------------------------------------------------------------------------------------------
def attribute_matrix(frame: pd.DataFrame, numeric: Sequence[str] = (),
                     categorical: Sequence[str] = ()) -> pd.DataFrame:
    """Profile attributes as numbers: numeric columns standardised (missing -> column median),
    categorical columns one-hot encoded (missing -> its own "unknown" column).

    Used by :func:`lookalike_scores` so customers and prospects are compared on what is known
    before anybody buys (age, income band, channel, industry ...).
    """
    missing = [c for c in [*numeric, *categorical] if c not in frame.columns]
    if missing:
        raise DataProblem(f"attribute_matrix: column(s) {missing} not found; available are "
                          f"{list(frame.columns)}")
    if not numeric and not categorical:
        raise DataProblem("attribute_matrix: choose at least one column")
    parts = []
    for c in numeric:
        x = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        x = x.fillna(x.median() if x.notna().any() else 0.0)
        sd = x.std(ddof=0)
        parts.append(((x - x.mean()) / (sd if sd > 0 else 1.0)).rename(c))
    for c in categorical:
        parts.append(pd.get_dummies(frame[c].astype("object").fillna("unknown"), prefix=c,
                                    dtype="float64"))
    return pd.concat(parts, axis=1)


def lookalike_scores(matrix: pd.DataFrame, seeds: pd.Series | Sequence[Any],
                     candidates: pd.Series | Sequence[Any] | None = None,
                     n_neighbors: int = 10) -> pd.Series:
    """Similarity of each candidate to the seed group (e.g. loyal customers), 0 to 1.

    For each candidate: the mean distance to its ``n_neighbors`` nearest seed customers in
    the attribute space; the score is ``1 / (1 + distance)``. Higher means "looks like our loyal
    customers", so the top of the list is where a sales team calls first.

    Parameters
    ----------
    matrix : DataFrame
        :func:`attribute_matrix` for seeds and candidates together (same columns).
    seeds : boolean Series or list of ids
        The customers to resemble.
    candidates : boolean Series or list of ids, optional
        Whom to score (default: everyone not in ``seeds``).
    """
    from sklearn.neighbors import NearestNeighbors

    def ids(sel: Any) -> pd.Index:
        if isinstance(sel, pd.Series) and sel.dtype == bool:
            return sel[sel].index
        return pd.Index(list(sel))

    seed_ids = ids(seeds)
    unknown = seed_ids.difference(matrix.index)
    if len(unknown):
        raise DataProblem(f"lookalike_scores: seed ids not in the matrix, e.g. "
                          f"{sample_rows(unknown)}")
    if len(seed_ids) == 0:
        raise DataProblem("lookalike_scores: the seed group is empty; nobody to resemble")
    cand_ids = matrix.index.difference(seed_ids) if candidates is None else ids(candidates)
    if len(cand_ids) == 0:
        raise DataProblem("lookalike_scores: there is nobody to score (no candidates); choose "
                          "prospects with prospect_ids(...) or pass candidates=")
    unknown = cand_ids.difference(matrix.index)
    if len(unknown):
        raise DataProblem(f"lookalike_scores: candidate ids not in the matrix, e.g. "
                          f"{sample_rows(unknown)}")
    nn = NearestNeighbors(n_neighbors=min(n_neighbors, len(seed_ids)))
    with _one_thread():
        nn.fit(matrix.loc[seed_ids].to_numpy())
        dist, _ = nn.kneighbors(matrix.loc[cand_ids].to_numpy())
    score = 1.0 / (1.0 + dist.mean(axis=1))
    return pd.Series(score, index=cand_ids, name="lookalike_score").sort_values(
        ascending=False, kind="stable")


def prospect_ids(all_ids: Iterable[Any], summary: pd.DataFrame, exclude: Iterable[Any] = (),
                 max_orders: int = 1) -> pd.Index:
    """Whom to score for look-alikes: people who never bought, plus buyers with at most
    ``max_orders`` purchase days (new and one-off customers still to win over), minus
    ``exclude`` (the model group).
    """
    if "n_orders" not in summary.columns:
        raise DataProblem("prospect_ids: the summary needs an 'n_orders' column "
                          "(helpers.segments.rfm.customer_summary)")
    everyone = pd.Index(list(all_ids)).astype(str)
    bought = summary.index.astype(str)
    few = bought[summary["n_orders"].to_numpy() <= max_orders]
    never = everyone.difference(bought)
    return never.union(few.intersection(everyone)).difference(pd.Index(list(exclude)).astype(str))


# --------------------------------------------------------------------------------------------
# projection, widget
# --------------------------------------------------------------------------------------------
def project_2d(X: pd.DataFrame, seed: int = 2024) -> pd.DataFrame:
    """First two principal components of the standardised features, for plotting."""
    from sklearn.decomposition import PCA

    if X.shape[1] == 1:
        return pd.DataFrame({"pc1": X.iloc[:, 0], "pc2": 0.0}, index=X.index)
    with _one_thread():
        pcs = PCA(n_components=2, random_state=seed).fit_transform(X.to_numpy())
    return pd.DataFrame(pcs, index=X.index, columns=["pc1", "pc2"])


def plot_clusters_2d(coords: pd.DataFrame, labels: pd.Series, names: pd.Series | None = None,
                     ax: Any = None, max_points: int = 3000, seed: int = 2024) -> Any:
    """Scatter of the 2-D projection coloured by cluster (a seeded sample of points)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    data = coords.join(labels.rename("cluster"), how="inner")
    if len(data) > max_points:
        data = data.sample(max_points, random_state=seed)
    for c, part in data.groupby("cluster"):
        label = f"{c}: {names[c]}" if names is not None and c in names.index else str(c)
        ax.scatter(part["pc1"], part["pc2"], s=6, alpha=0.6, label=label)
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.legend(markerscale=3, fontsize=8)
    ax.set_title("Customers projected on two axes, coloured by cluster")
    return ax


_CONTROLLER: list[Any] = []


def _one_thread() -> Any:
    """Context limiting BLAS/OpenMP to one thread (the controller is built once: it is slow)."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


def cluster_view(summary: pd.DataFrame, k: int = 4,
                 columns: Sequence[str] = DEFAULT_FEATURES, seed: int = 2024,
                 sample_size: int = 5000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the clustering widget shows (pure, fast): the profile and 2-D points for a sample.

    k-means is fitted on a seeded sample of ``sample_size`` customers (one start) and every
    customer is assigned to the nearest centre, so the view stays fast on 100k customers.
    """
    from sklearn.cluster import KMeans

    X = cluster_features(summary, columns)
    _check_k(X, k)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(X), size=min(sample_size, len(X)), replace=False)
    data = np.ascontiguousarray(X.to_numpy())
    # one thread: on a small sample, thread start-up costs more than it saves (shared machines)
    with _one_thread():
        km = KMeans(n_clusters=int(k), n_init=1, random_state=seed).fit(data[idx])
        labels = _renumber(pd.Series(km.predict(data), index=X.index))
    prof = profile_clusters(summary, labels, columns)
    if set(DEFAULT_FEATURES) <= set(prof.columns):
        prof.insert(0, "name", name_clusters(prof))
    sample = X.iloc[idx[:2000]]
    coords = project_2d(sample, seed).assign(cluster=labels.to_numpy()[idx[:2000]])
    return prof, coords


def explore_clusters(summary: pd.DataFrame, columns: Sequence[str] = DEFAULT_FEATURES,
                     seed: int = 2024) -> Any:
    """Widget: choose k and the features; the profile table and the 2-D picture update."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    numeric = [c for c in summary.columns if pd.api.types.is_numeric_dtype(summary[c])]
    k = w.IntSlider(value=4, min=2, max=8, description="k")
    feats = w.SelectMultiple(options=numeric, value=tuple(c for c in columns if c in numeric),
                             description="features", rows=6)
    out = w.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                prof, coords = cluster_view(summary, k.value, list(feats.value), seed)
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
