"""Segment migration: RFM segments at two dates, and where each segment's customers went."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import seaborn as sns

from helpers.errors import DataProblem
from helpers.plotting import new_axes
from helpers.segments._scores import rfm_segments
from helpers.segments._segment_map import SegmentMap
from helpers.segments._summary import as_datetime, customer_summary

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_migration", "rfm_snapshot", "segment_migration"]


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
    absent: str = "(none)",
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
    b = before["segment"].astype(object)
    a = after["segment"].astype(object)
    both = pd.concat([b.rename("before"), a.rename("after")], axis=1).fillna(absent)
    cats = [*order, absent]
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
    ax = new_axes(ax, (8, 7))
    totals = matrix.sum(axis=1)
    shares = matrix.div(totals.where(totals > 0), axis=0).fillna(0.0)
    labels = shares.map(lambda v: f"{v:.0%}" if v >= 0.05 else "")
    sns.heatmap(shares, ax=ax, cmap="Purples", vmin=0, vmax=1, annot=labels, fmt="",
                annot_kws={"fontsize": 7}, square=True, xticklabels=True, yticklabels=True,
                cbar_kws={"label": "share of the row's customers"})
    ax.set_xticklabels(ax.get_xticklabels(), rotation=45, ha="right")
    ax.set_xlabel("segment after")
    ax.set_ylabel("segment before")
    ax.set_title("Where each segment went")
    return ax
