"""Plots of lesson 06: CLV distributions, the holdout check, model matrices, CLV by segment."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import new_axes

__all__ = ["plot_clv_by_segment", "plot_clv_distribution", "plot_holdout_check", "plot_matrix"]


def plot_clv_distribution(values: pd.Series, ax: Axes | None = None, clip_quantile: float = 0.99,
                          bins: int = 40, title: str = "CLV") -> Axes:
    """Histogram of a value per customer (historical or predicted CLV), the top tail clipped.

    Parameters
    ----------
    values : Series
        One value per customer.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.
    clip_quantile : float
        Values above this quantile are drawn at it (1 keeps them all), so a few very large
        customers do not squeeze the rest into one bar.
    bins : int
        Number of bars.
    title : str
        The title; the clipping is added to it.

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``clip_quantile`` is not in (0, 1].
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    if not 0 < clip_quantile <= 1:
        raise DataProblem(f"plot_clv_distribution: clip_quantile must be in (0, 1], got "
                          f"{clip_quantile!r}.")
    ax = new_axes(ax, (6, 3))
    numbers = pd.Series(values, dtype="float64")
    sns.histplot(numbers.clip(upper=numbers.quantile(clip_quantile)), bins=bins, ax=ax)
    clipped = tr(" (top {share:.0%} clipped)", share=1 - clip_quantile) if clip_quantile < 1 else ""
    ax.set(xlabel=tr(str(numbers.name or "value")), ylabel=tr("customers"),
           title=tr(title) + clipped)
    return ax


def plot_holdout_check(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean holdout purchases, actual against predicted, by calibration frequency.

    Parameters
    ----------
    table : DataFrame
        :func:`holdout_check` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (6, 4))
    t = table.drop(index="all", errors="ignore")
    ax.plot(t.index.astype(str), t["actual"], marker="o", label=tr("actual"))
    ax.plot(t.index.astype(str), t["predicted"], marker="s", linestyle="--",
            label=tr("BG/NBD predicted"))
    ax.set(xlabel=tr("repeat purchases in the calibration period"),
           ylabel=tr("mean purchases in the holdout"), title=tr("Calibration / holdout check"))
    ax.legend()
    return ax


def plot_matrix(matrix: pd.DataFrame, ax: Axes | None = None, title: str = "",
                cmap: str = "viridis") -> Axes:
    """Heat map of a (recency × frequency) matrix, recent buyers at the top.

    Parameters
    ----------
    matrix : DataFrame
        :func:`probability_alive_matrix` or :func:`expected_purchases_matrix` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.
    title : str
        The title.
    cmap : str
        A matplotlib colour map.

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (7, 5))
    m = matrix.iloc[::-1]
    m = m.set_axis([f"{v:g}" for v in m.index], axis=0)
    sns.heatmap(m, ax=ax, cmap=cmap, xticklabels=max(1, m.shape[1] // 10),
                yticklabels=max(1, m.shape[0] // 6))
    ax.tick_params(axis="y", rotation=0)
    ax.set(xlabel=tr("frequency (repeat purchases)"), ylabel=tr("recency (time of last purchase)"),
           title=tr(title))
    return ax


def plot_clv_by_segment(clv: pd.Series, segment: pd.Series, ax: Axes | None = None) -> Axes:
    """Box plot of CLV per segment (segments ordered by median CLV, outliers hidden).

    Parameters
    ----------
    clv : Series
        CLV per customer.
    segment : Series
        Segment per customer (customers without one are shown as ``"(none)"``).
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (8, 4))
    seg = segment.reindex(clv.index).astype("string").fillna("(none)").astype(str)
    order = list(clv.groupby(seg).median().sort_values(ascending=False).index)
    # matplotlib's own box plot: seaborn's passes the deprecated ``vert`` to matplotlib 3.11
    ax.boxplot([clv[seg == s].to_numpy(dtype=float) for s in order], showfliers=False)
    ax.set_xticks(range(1, len(order) + 1))
    ax.set_xticklabels([tr(s) for s in order], rotation=30, ha="right")
    ax.set(xlabel=tr("segment"), ylabel=tr("CLV"), title=tr("CLV by segment (outliers hidden)"))
    return ax
