"""RFM scores 1-5, named segments from the segment map, and the profile of each segment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.caveats import caveat, one_group
from helpers.errors import DataProblem, require_columns, sample_rows
from helpers.segments._segment_map import SegmentMap, load_segment_map

__all__ = ["RFM_COLUMNS", "rfm_scores", "rfm_segments", "segment_profile"]

#: Which summary column each RFM letter uses, and whether larger is better.
RFM_COLUMNS = {"r": ("days_since_last", False), "f": ("n_orders", True),
               "m": ("monetary_total", True)}


def _quantile_score(values: pd.Series, bins: int, larger_is_better: bool) -> np.ndarray:
    """``1 + floor(bins × share of customers strictly worse)``: ties share the lower score."""
    x = values.to_numpy(dtype="float64")
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype="int64")
    lo, hi = x.min(), x.max()
    if np.all(x == np.floor(x)) and hi - lo < 4 * n + 1000:
        # whole numbers in a small range (days, orders): count instead of sorting
        offset = (x - lo).astype("int64")
        counts = np.bincount(offset)
        below = np.cumsum(counts) - counts
        worse = below[offset] if larger_is_better else n - below[offset] - counts[offset]
        return (1 + (bins * worse) // n).clip(1, bins).astype("int64")
    order = np.argsort(x)
    ordered = x[order]
    # searching sorted queries is far faster than searching in the original order
    worse = np.empty(n, dtype="int64")
    if larger_is_better:
        worse[order] = np.searchsorted(ordered, ordered, side="left")
    else:
        worse[order] = n - np.searchsorted(ordered, ordered, side="right")
    return (1 + (bins * worse) // n).clip(1, bins).astype("int64")


def _fixed_score(values: pd.Series, edges: Sequence[float], larger_is_better: bool,
                 letter: str) -> np.ndarray:
    cuts = np.asarray(list(edges), dtype="float64")
    if cuts.ndim != 1 or len(cuts) == 0 or np.any(np.diff(cuts) <= 0):
        raise DataProblem(f"rfm_scores: thresholds for {letter!r} must be increasing numbers, "
                          f"got {list(cuts)}.")
    x = values.to_numpy(dtype="float64")
    if larger_is_better:
        # score 1 below the first edge, +1 for every edge reached
        return (1 + np.searchsorted(cuts, x, side="right")).astype("int64")
    # recency in days: at most edge[0] days -> best score
    return (len(cuts) + 1 - np.searchsorted(cuts, x, side="left")).astype("int64")


def _score_letter(values: pd.Series, letter: str, larger: bool, method: str, bins: int,
                  thresholds: Mapping[str, Sequence[float]] | None) -> np.ndarray:
    """The scores of one RFM letter."""
    if values.isna().any():
        raise DataProblem(f"rfm_scores: column {values.name!r} has empty values for customers "
                          f"{sample_rows(values.index[values.isna()])}; rebuild the summary "
                          "with customer_summary.")
    if method == "quantile":
        if not isinstance(bins, int | np.integer) or bins < 2:
            raise DataProblem(f"rfm_scores: bins must be an integer >= 2, got {bins!r}.")
        return _quantile_score(values, int(bins), larger)
    if not thresholds or letter not in thresholds:
        raise DataProblem(f"rfm_scores: method='fixed' needs thresholds for {letter!r}, "
                          "e.g. thresholds={'r': [30, 90, 180, 365], 'f': [2, 3, 5, 8], "
                          "'m': [100, 300, 1000, 3000]}.")
    return _fixed_score(values, thresholds[letter], larger, letter)


def rfm_scores(
    summary: pd.DataFrame,
    method: str = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Score recency, frequency and money 1 (worst) to ``bins`` (best).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`customer_summary` (needs ``days_since_last``, ``n_orders``,
        ``monetary_total``).
    method : {"quantile", "fixed"}
        ``quantile``: score = 1 + floor(bins × share of customers who do strictly worse), so
        tied customers always share a score (the lower one) and many one-time buyers do not get
        split at random. ``fixed``: thresholds set by the business (e.g. from
        ``rfm_segments.yaml``), the same from one quarter to the next.
    bins : int
        Number of score levels for ``quantile`` (with ``fixed``: one more than the number of
        thresholds).
    thresholds : mapping, optional
        For ``fixed``: ``{"r": [days...], "f": [orders...], "m": [money...]}``, increasing.
        ``r`` edges are upper limits of days since the last purchase (``[30, 90, 180, 365]``
        gives 5 for at most 30 days ... 1 for more than 365).

    Returns
    -------
    DataFrame
        ``summary`` with ``r_score``, ``f_score``, ``m_score`` (int) and ``rfm_code`` (545 for
        R=5, F=4, M=5).

    Raises
    ------
    DataProblem
        Missing or empty columns, an unknown ``method``, bad ``bins`` or thresholds.

    Examples
    --------
    >>> summary = pd.DataFrame({"days_since_last": [10, 200], "n_orders": [6, 1],
    ...                         "monetary_total": [2000.0, 50.0]})
    >>> rfm_scores(summary, method="fixed", thresholds={
    ...     "r": [30, 90, 180, 365], "f": [2, 3, 5, 8], "m": [100, 300, 1000, 3000]}
    ... )["rfm_code"].tolist()
    [544, 211]
    """
    require_columns(summary, [c for c, _ in RFM_COLUMNS.values()], "rfm_scores: summary")
    if method not in {"quantile", "fixed"}:
        raise DataProblem(f"rfm_scores: method={method!r}; use 'quantile' or 'fixed'.")
    out = summary.copy()
    for letter, (col, larger) in RFM_COLUMNS.items():
        out[f"{letter}_score"] = _score_letter(out[col], letter, larger, method, bins,
                                               thresholds)
    out["rfm_code"] = out["r_score"] * 100 + out["f_score"] * 10 + out["m_score"]
    return out


def rfm_segments(
    summary: pd.DataFrame,
    method: str = "quantile",
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segment_map: SegmentMap | Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """Score customers and name their RFM segment (champions, loyal, at risk, lost ...).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`customer_summary`.
    method : {"quantile", "fixed"}
        Scoring scheme (see :func:`rfm_scores`). ``fixed`` uses ``thresholds``, or the
        ``fixed_thresholds`` of the segment map when not given.
    thresholds : mapping, optional
        Fixed thresholds ``{"r": [...], "f": [...], "m": [...]}``.
    segment_map : SegmentMap, dict or path, optional
        A map from :func:`load_segment_map`, a dict or a path to one, or None for the bundled map.

    Returns
    -------
    DataFrame
        ``summary`` plus ``r_score``, ``f_score``, ``m_score``, ``rfm_code`` and ``segment``
        (an ordered categorical in the map's order).

    Raises
    ------
    DataProblem
        As :func:`rfm_scores`, or when the scores go beyond the map's scale.
    ConfigProblem
        If the segment map is not valid.
    """
    smap = load_segment_map(segment_map)
    scale = smap.scale
    if method == "fixed" and thresholds is None and smap.fixed_thresholds is not None:
        thresholds = smap.fixed_thresholds.as_dict()
    scored = rfm_scores(summary, method=method, bins=scale, thresholds=thresholds)
    for letter in ("r", "f", "m"):
        top = int(scored[f"{letter}_score"].max()) if len(scored) else 1
        if top > scale:
            raise DataProblem(f"rfm_segments: {letter}_score reaches {top} but the segment map "
                              f"has a {scale}-point scale; give {scale - 1} thresholds per letter.")
    codes = smap.lookup()[scored["r_score"].to_numpy(), scored["f_score"].to_numpy()]
    scored["segment"] = pd.Categorical.from_codes(codes, categories=smap.names)
    caveat(one_segment(scored["segment"], method))
    return scored


def one_segment(segments: pd.Series, method: str = "quantile") -> str | None:
    """A caveat when two or more customers all fall in one segment (the split says nothing).

    Parameters
    ----------
    segments : Series
        The ``segment`` column of :func:`rfm_segments`.
    method : str
        The scoring used, for the advice.

    Returns
    -------
    str or None
        The message, or ``None`` when there are fewer than two customers or two segments or
        more.

    Examples
    --------
    >>> one_segment(pd.Series(["lost", "lost"]))   # doctest: +ELLIPSIS
    "all 2 customers are in one segment ('lost'); ..."
    >>> one_segment(pd.Series(["lost", "loyal"])) is None
    True
    """
    labels = pd.Series(segments)
    if labels.nunique() != 1:  # cheap on the categorical codes: the usual case ends here
        return None
    other = "quantile" if method == "fixed" else "fixed"
    return one_group(labels.astype(str).where(labels.notna()),
                     "customers", "segment",
                     fix=f"The segments do not tell customers apart on this data: try "
                         f"scoring={other!r} or a segment map whose thresholds suit the data "
                         "(segment_map_file).")


def segment_profile(segmented: pd.DataFrame, min_share: float = 0.01) -> pd.DataFrame:
    """Size, revenue and typical behaviour of each segment.

    Parameters
    ----------
    segmented : DataFrame
        Output of :func:`rfm_segments`.
    min_share : float
        Segments with fewer than this share of customers are marked ``tiny``.

    Returns
    -------
    DataFrame
        One row per segment (in map order, empty segments included) with ``customers``,
        ``customer_share``, ``revenue``, ``revenue_share``, median ``days_since_last``, mean
        ``n_orders``, mean ``monetary_total`` and ``tiny`` (too small to act on alone: merge it
        or read it with care).

    Raises
    ------
    DataProblem
        If a needed column is missing.
    """
    require_columns(segmented, ["segment", "days_since_last", "n_orders", "monetary_total"],
                    "segment_profile")
    g = segmented.groupby("segment", observed=False)
    prof = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["monetary_total"].sum(),
        "median_days_since_last": g["days_since_last"].median(),
        "mean_orders": g["n_orders"].mean(),
        "mean_revenue": g["monetary_total"].mean(),
    })
    n, rev = prof["customers"].sum(), prof["revenue"].sum()
    prof.insert(1, "customer_share", prof["customers"] / n if n else 0.0)
    prof.insert(3, "revenue_share", prof["revenue"] / rev if rev else 0.0)
    prof["tiny"] = prof["customer_share"] < min_share
    return prof
