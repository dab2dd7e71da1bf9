"""Segment migration: RFM segments at two dates, and where each segment's customers went.

:func:`prior_snapshot_date` picks the earlier date and names a prior period the data barely
covers (a :class:`~helpers.caveats.Caveat`); :func:`cohort_caveat` does the same for a cohort
table with too few cohorts or months to read retention from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.caveats import caveat, too_short
from helpers.caveats import cohort_caveat as cohort_table_caveat
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import new_axes
from helpers.scale import migration_counts_on_engine, use_engine
from helpers.segments._scores import rfm_segments
from helpers.segments._segment_map import SegmentMap
from helpers.segments._summary import as_datetime, customer_summary

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MIN_COHORT_MONTHS", "MIN_PRIOR_DAYS", "cohort_caveat", "plot_migration",
           "prior_snapshot_date", "rfm_snapshot", "segment_migration"]

#: The fewest days of history before the earlier snapshot that make a migration mean much.
MIN_PRIOR_DAYS = 90
#: The fewest months after the first cohort that make a cohort table worth reading.
MIN_COHORT_MONTHS = 3


def prior_snapshot_date(transactions: pd.DataFrame, as_of: Any, months: int,
                        minimum_days: int = MIN_PRIOR_DAYS) -> pd.Timestamp:
    """The date ``months`` before ``as_of`` for the earlier snapshot, checked against the data.

    Parameters
    ----------
    transactions : DataFrame
        The transactions table (``purchase_date``).
    as_of : date-like
        The later snapshot (the observation end).
    months : int
        How many months earlier the first snapshot is taken.
    minimum_days : int
        Fewer days of history up to the earlier date: a :class:`~helpers.caveats.Caveat` (the
        earlier segments, so the migration and the share of champions kept, rest on a few days).

    Returns
    -------
    Timestamp
        The earlier snapshot's date.

    Raises
    ------
    DataProblem
        If no purchase is on or before that date (nothing to compare), naming the largest
        ``months`` that fits the data.

    Examples
    --------
    >>> tx = pd.DataFrame({"purchase_date": pd.to_datetime(["2024-01-01", "2025-06-30"])})
    >>> str(prior_snapshot_date(tx, "2025-06-30", 6).date())
    '2024-12-30'
    """
    end = pd.Timestamp(as_of).normalize()
    earlier = end - pd.DateOffset(months=int(months))
    first = as_datetime(transactions["purchase_date"], "purchase_date").min()
    if pd.isna(first) or first.normalize() > earlier:
        span = 0 if pd.isna(first) else (end.year - first.year) * 12 + end.month - first.month
        if span and end - pd.DateOffset(months=span) < first.normalize():
            span -= 1
        raise DataProblem(
            f"migration: the transactions start on {first:%Y-%m-%d}, after the earlier snapshot "
            f"({earlier:%Y-%m-%d}, snapshot_months={months} before {end:%Y-%m-%d}); there is no "
            f"customer to compare. Fix: set snapshot_months to at most {max(span, 1)}, or "
            "load a longer export.")
    days = (earlier - first.normalize()).days + 1
    caveat(too_short(days, minimum_days,
                     f"migration: the prior period (purchases up to the earlier snapshot, "
                     f"{earlier:%Y-%m-%d})",
                     fix=f"Segments before, the migration matrix and the share of champions "
                         f"kept describe only a few days of buying; set a smaller "
                         f"snapshot_months (now {months}) or load a longer export."))
    return earlier


def cohort_caveat(cohorts: pd.DataFrame, min_months: int = MIN_COHORT_MONTHS) -> str | None:
    """Warn (and return the message) when a cohort table is too short to read retention from.

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`~helpers.segments.cohort_retention`.
    min_months : int
        The fewest months since the first purchase that the oldest cohort must reach.

    Returns
    -------
    str or None
        The caveat (also warned as :class:`~helpers.caveats.Caveat`), or ``None``.

    Examples
    --------
    >>> table = pd.DataFrame({"size": [5], 0: [1.0], 1: [0.2]})
    >>> cohort_caveat(table)   # doctest: +ELLIPSIS
    'the cohort table has only 1 cohort (at least 2 needed); ...'
    """
    message = cohort_table_caveat(cohorts, min_periods=min_months + 1, what="the cohort table")
    caveat(message)
    return message


def rfm_snapshot(
    transactions: pd.DataFrame,
    as_of: Any,
    method: str = "fixed",
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segment_map: SegmentMap | Mapping[str, Any] | None = None,
    window_days: int | None = None,
) -> pd.DataFrame:
    """Segments as they stood on ``as_of`` (only transactions up to that day are used).

    Parameters
    ----------
    transactions : DataFrame
        The transactions table.
    as_of : date-like
        Day of the snapshot.
    method, thresholds, segment_map
        As :func:`rfm_segments`. Fixed thresholds are the default so that two snapshots are
        scored with the same yardstick.
    window_days : int, optional
        Limit the summary to the last ``window_days`` before ``as_of``, so F and M describe
        recent behaviour; by default the whole history is used.

    Returns
    -------
    DataFrame
        :func:`rfm_segments` of the summary as of ``as_of``.

    Raises
    ------
    DataProblem
        As :func:`customer_summary` and :func:`rfm_segments`.
    """
    tx = transactions
    if window_days is not None:
        dates = as_datetime(tx["purchase_date"], "purchase_date")
        start = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=window_days - 1)
        tx = tx[dates >= start]
    summary = customer_summary(tx, as_of=as_of)
    return rfm_segments(summary, method=method, thresholds=thresholds, segment_map=segment_map)


def segment_migration(
    before: pd.DataFrame, after: pd.DataFrame, normalize: bool = False,
    absent: str = "(none)", engine: str | None = None,
) -> pd.DataFrame:
    """Transition matrix of segments between two snapshots (rows: before, columns: after).

    Parameters
    ----------
    before, after : DataFrame
        Two snapshots (:func:`rfm_snapshot` or :func:`rfm_segments`), indexed by customer.
    normalize : bool
        Divide each row by its total: the share of a segment's customers that moved to each
        segment.
    absent : str
        Row and column of the customers present in only one snapshot (new customers come from
        it; nobody leaves to it when the second snapshot covers all history).
    engine : {None, "auto", "pandas", "duckdb"}
        Default: the pairs are counted by DuckDB (:mod:`helpers.scale`) when a snapshot has at
        least ``helpers.scale.ENGINE_ROWS`` customers; pandas otherwise. Same matrix.

    Returns
    -------
    DataFrame
        Counts (or row shares), index ``before``, columns ``after``, in the map's order.

    Raises
    ------
    DataProblem
        If a snapshot has no ``segment`` column.
    """
    for name, frame in (("before", before), ("after", after)):
        if "segment" not in frame.columns:
            raise DataProblem(f"segment_migration: {name!r} has no 'segment' column; pass "
                              "tables made by rfm_segments or rfm_snapshot.")
    order = list(dict.fromkeys([*before["segment"].cat.categories,
                                *after["segment"].cat.categories]))
    cats = [*order, absent]
    if use_engine(before if len(before) >= len(after) else after, engine):
        counts = migration_counts_on_engine(before["segment"], after["segment"], absent)
        matrix = pd.crosstab(pd.Categorical(counts["before"], categories=cats),
                             pd.Categorical(counts["after"], categories=cats),
                             values=counts["n"], aggfunc="sum", dropna=False)
        matrix = matrix.fillna(0).astype("int64")
    else:
        b = before["segment"].astype(object)
        a = after["segment"].astype(object)
        both = pd.concat([b.rename("before"), a.rename("after")], axis=1).fillna(absent)
        matrix = pd.crosstab(pd.Categorical(both["before"], categories=cats),
                             pd.Categorical(both["after"], categories=cats), dropna=False)
    matrix.index.name, matrix.columns.name = "before", "after"
    if normalize:
        totals = matrix.sum(axis=1)
        matrix = matrix.div(totals.where(totals > 0), axis=0).fillna(0.0)
    return matrix


def plot_migration(matrix: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of a transition matrix (row shares) from :func:`segment_migration`.

    Parameters
    ----------
    matrix : DataFrame
        Counts (or shares) from :func:`segment_migration`; rows are turned into shares.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (8, 7))
    totals = matrix.sum(axis=1)
    shares = matrix.div(totals.where(totals > 0), axis=0).fillna(0.0)
    labels = shares.map(lambda v: f"{v:.0%}" if v >= 0.05 else "")
    sns.heatmap(shares, ax=ax, cmap="Purples", vmin=0, vmax=1, annot=labels, fmt="",
                annot_kws={"fontsize": 7}, square=True, xticklabels=True, yticklabels=True,
                cbar_kws={"label": tr("share of the row's customers")})
    ax.set_xticklabels([tr(t.get_text()) for t in ax.get_xticklabels()], rotation=45, ha="right")
    ax.set_yticklabels([tr(t.get_text()) for t in ax.get_yticklabels()])
    ax.set_xlabel(tr("segment after"))
    ax.set_ylabel(tr("segment before"))
    ax.set_title(tr("Where each segment went"))
    return ax
