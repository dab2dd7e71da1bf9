"""Data quality, de-duplication: the records that describe the same customer, merged into one.

The steps, each a function::

    pairs = duplicate_candidates(clean)             # scored candidate pairs (blocked, fuzzy names)
    clusters = cluster_duplicates(clean, pairs)     # a cluster id per record
    golden = golden_records(clean, clusters)        # one record per real customer

>>> df = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "name": ["张三", "张三", "李四"],
...                    "phone": ["13800138000", "13800138000", "13900139000"]})
>>> pairs = duplicate_candidates(df)
>>> pairs[["id_a", "id_b", "score"]].values.tolist()
[['C1', 'C2', 100.0]]
>>> golden_records(df, cluster_duplicates(df, pairs))["records"].tolist()
[2, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from helpers.data._cleaning import normalise_company_name
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import new_axes

__all__ = ["cluster_duplicates", "dedup_precision_recall", "duplicate_candidates",
           "duplicate_keys", "golden_records", "pair_scores", "plot_pair_scores"]


def duplicate_keys(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows whose ``key`` appears more than once (all of them), sorted by key.

    Raises
    ------
    DataProblem
        If ``key`` is not a column of ``df``.

    Examples
    --------
    >>> duplicate_keys(pd.DataFrame({"customer_id": ["C1", "C2", "C1"]}), "customer_id").index.tolist()
    [0, 2]
    """
    if key not in df.columns:
        raise DataProblem(f"duplicate_keys: column {key!r} not found; columns are "
                          f"{list(df.columns)[:15]}")
    return df[df[key].notna() & df[key].duplicated(keep=False)].sort_values(key)


def _pairs_sharing(values: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"v": values.to_numpy(), "i": np.arange(len(values))}).dropna()
    if frame.empty:
        return pd.DataFrame({"i": [], "j": []}, dtype=int)
    sizes = frame.groupby("v")["i"].transform("size")
    frame = frame[sizes > 1]
    m = frame.merge(frame, on="v", suffixes=("", "_b"))
    m = m[m["i"] < m["i_b"]]
    return pd.DataFrame({"i": m["i"].to_numpy(), "j": m["i_b"].to_numpy()})


def pair_scores(df: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Score candidate pairs (positions ``i``, ``j`` in ``df``) from 0 to 100.

    ``name_score`` is the fuzzy similarity of the names (rapidfuzz ratio, legal suffixes
    removed); each of phone, ID number and e-mail agrees (1), disagrees (0) or cannot be compared
    (either missing). ``score`` = half the name score plus 50 times the share of comparable
    identifiers that agree (25 when none is comparable but city and birth year do not
    contradict).

    Parameters
    ----------
    df : DataFrame
        The records (positions as in ``pairs``).
    pairs : DataFrame
        Columns ``i`` and ``j``.

    Returns
    -------
    DataFrame
        ``pairs`` with ``name_score``, ``phone``, ``id_number``, ``email`` and ``score``.
    """
    out = pairs.copy()
    if out.empty:
        for c in ("name_score", "phone", "id_number", "email", "score"):
            out[c] = pd.Series(dtype=float)
        return out
    i, j = out["i"].to_numpy(), out["j"].to_numpy()
    names = normalise_company_name(df["name"]) if "name" in df else pd.Series([""] * len(df))
    a = names.fillna("").to_numpy(object)
    out["name_score"] = cpdist(list(a[i]), list(a[j]), scorer=fuzz.ratio, workers=1)
    agree_sum = np.zeros(len(out))
    comparable = np.zeros(len(out))
    for col in ("phone", "id_number", "email"):
        if col not in df:
            out[col] = np.nan
            continue
        v = df[col].astype("string").fillna("").to_numpy(object)
        va, vb = v[i], v[j]
        ok = (va != "") & (vb != "")
        same = ok & (va == vb)
        out[col] = np.where(ok, same.astype(float), np.nan)
        agree_sum += same
        comparable += ok
    evidence = np.where(comparable > 0, agree_sum / np.maximum(comparable, 1), 0.5)
    for col in ("city", "birth_year"):
        if col in df:
            v = df[col].astype("string").fillna("").to_numpy(object)
            va, vb = v[i], v[j]
            clash = (va != "") & (vb != "") & (va != vb)
            evidence = np.where((comparable == 0) & clash, 0.0, evidence)
    out["score"] = 0.5 * out["name_score"] + 50 * evidence
    return out


def _name_city_blocks(df: pd.DataFrame, max_block: int) -> pd.Series:
    """City + first character of the name; blocks larger than ``max_block`` by two characters."""
    names = normalise_company_name(df["name"])
    key = df["city"].astype("string") + "|" + names.str[:1]
    # a very common surname in a big city makes a huge block: split it further
    big = key.map(key.value_counts()).fillna(0) > max_block
    return key.where(~big, df["city"].astype("string") + "|" + names.str[:2])


def duplicate_candidates(df: pd.DataFrame, threshold: float = 70.0,
                         blocks: Sequence[str] | None = None, max_block: int = 200
                         ) -> pd.DataFrame:
    """Pairs of records that probably describe the same customer, with scores.

    Only records sharing a *block* are compared (same phone, same ID number, same e-mail, or same
    city and first character of the name), which keeps the work close to linear in the number of
    records. Run :func:`~helpers.data.clean_customers` first so phones, IDs and cities are
    comparable.

    Parameters
    ----------
    df : DataFrame
        A cleaned customers table.
    threshold : float
        Smallest score (0-100, see :func:`pair_scores`) kept.
    blocks : sequence of str, optional
        Blocking keys: column names, plus ``name_city`` (city + first character of the name).
        Default: those of ``phone, id_number, email, name_city`` the table has.
    max_block : int
        A ``name_city`` block larger than this is split by the first two characters of the name.

    Returns
    -------
    DataFrame
        ``i, j`` (row positions), ``id_a, id_b`` (the records' keys when ``customer_id`` exists),
        ``name_score``, per-identifier agreement and ``score``, best first.

    Raises
    ------
    DataProblem
        A threshold outside 0-100, or a blocking column the table lacks.
    """
    if not 0 <= threshold <= 100:
        raise DataProblem(f"threshold must be between 0 and 100, got {threshold}")
    if blocks is None:
        blocks = [b for b in ("phone", "id_number", "email") if b in df] + ["name_city"]
    found = []
    for b in blocks:
        if b == "name_city":
            if "name" in df and "city" in df:
                found.append(_pairs_sharing(_name_city_blocks(df, max_block)))
        elif b in df:
            found.append(_pairs_sharing(df[b].astype("string")))
        else:
            raise DataProblem(f"duplicate_candidates: blocking column {b!r} not found; columns "
                              f"are {list(df.columns)[:15]}")
    pairs = (pd.concat(found, ignore_index=True).drop_duplicates() if found
             else pd.DataFrame({"i": [], "j": []}, dtype=int))
    scored = pair_scores(df.reset_index(drop=True), pairs)
    scored = scored[scored["score"] >= threshold]
    if "customer_id" in df:
        ids = df["customer_id"].to_numpy(object)
        scored.insert(2, "id_a", ids[scored["i"].to_numpy(int)])
        scored.insert(3, "id_b", ids[scored["j"].to_numpy(int)])
    return scored.sort_values(["score", "i"], ascending=[False, True]).reset_index(drop=True)


def cluster_duplicates(df: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """Cluster number for every record: records linked by a pair (directly or not) share one.

    Parameters
    ----------
    df : DataFrame
        The records.
    pairs : DataFrame
        Pairs of positions ``i``, ``j`` (from :func:`duplicate_candidates`).

    Returns
    -------
    Series
        ``cluster``, in ``df``'s index, numbered from 0 in order of first record.
    """
    # deferred: scipy.sparse and its graph routines take about half a second to import
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(df)
    i = pairs["i"].to_numpy(int) if len(pairs) else np.array([], int)
    j = pairs["j"].to_numpy(int) if len(pairs) else np.array([], int)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # renumber in order of first appearance so the result does not depend on scipy's numbering
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return pd.Series(rank[labels], index=df.index, name="cluster")


def golden_records(df: pd.DataFrame, clusters: pd.Series, order_by: str = "last_updated"
                   ) -> pd.DataFrame:
    """One record per cluster: the most recently updated record, gaps filled from the others.

    Parameters
    ----------
    df : DataFrame
        The records.
    clusters : Series
        From :func:`cluster_duplicates`.
    order_by : str
        The column whose latest value wins (when present).

    Returns
    -------
    DataFrame
        One row per cluster, with ``records`` (how many records were merged) and ``source_ids``
        (their keys).
    """
    work = df.assign(cluster=clusters.to_numpy())
    if order_by in work:
        work = work.sort_values(["cluster", order_by], ascending=[True, False],
                                na_position="last", kind="stable")
    grouped = work.groupby("cluster", sort=True)
    golden = grouped.first()
    golden["records"] = grouped.size()
    if "customer_id" in work:
        golden["source_ids"] = grouped["customer_id"].agg(lambda s: ",".join(sorted(map(str, s))))
    return golden.reset_index()


def _pairs_in(groups: pd.Series) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for idx in groups.groupby(groups.to_numpy()).indices.values():
        members = sorted(idx)
        out.update((a, b) for k, a in enumerate(members) for b in members[k + 1:])
    return out


def dedup_precision_recall(predicted: Iterable[Any], truth: Iterable[Any]) -> dict[str, float]:
    """Pairwise precision and recall of a clustering against the true entity of each record.

    A pair of records is a true duplicate when both have the same true entity; precision is the
    share of predicted pairs (same cluster) that are true, recall the share of true pairs found.

    Returns
    -------
    dict
        ``predicted_pairs, true_pairs, true_positives, precision, recall``.

    Raises
    ------
    DataProblem
        When ``predicted`` and ``truth`` differ in length.

    Examples
    --------
    >>> dedup_precision_recall([0, 0, 1, 1], ["a", "a", "a", "b"])["recall"]
    0.3333333333333333
    """
    pred = pd.Series(list(predicted))
    true = pd.Series(list(truth))
    if len(pred) != len(true):
        raise DataProblem("dedup_precision_recall: predicted and truth differ in length")
    p, t = _pairs_in(pred), _pairs_in(true)
    tp = len(p & t)
    return {
        "predicted_pairs": len(p),
        "true_pairs": len(t),
        "true_positives": tp,
        "precision": tp / len(p) if p else 1.0,
        "recall": tp / len(t) if t else 1.0,
    }


def plot_pair_scores(pairs: pd.DataFrame, threshold: float, ax: Axes | None = None) -> Axes:
    """Histogram of candidate-pair scores with the threshold marked.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`duplicate_candidates` (with a low threshold, to see the whole range).
    threshold : float
        The score from which pairs count as duplicates.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (6, 3))
    sns.histplot(x=pairs["score"].to_numpy(float), bins=list(range(0, 105, 5)), color="#4c72b0",
                 alpha=1.0, ax=ax)
    ax.axvline(threshold, color="#c44e52", ls="--", label=tr("threshold {threshold:g}", threshold=threshold))
    ax.set_xlabel(tr("pair score (0-100)"))
    ax.set_ylabel(tr("candidate pairs"))
    ax.set_title(tr("How alike are the candidate pairs?"))
    ax.legend()
    return ax
