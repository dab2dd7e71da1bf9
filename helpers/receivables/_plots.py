"""Plots of the receivables: aging bars, the roll-rate heat map, the aging trend."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.i18n import tr
from helpers.plotting import money_axis, new_axes

from ._aging import aging_table
from ._stages import Stages, resolve_stages

__all__ = ["plot_aging", "plot_aging_trend", "plot_roll_rates"]


def plot_aging(items: pd.DataFrame, ax: Axes | None = None,
               stages: Stages | None = None) -> Axes:
    """Bar chart of the open balance by stage, coloured from calm to alarming.

    Parameters
    ----------
    items : DataFrame
        From :func:`open_items`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    stages : Stages, optional
        For the day ranges in the labels (default: the bundled stages).

    Returns
    -------
    Axes
    """
    st = resolve_stages(stages)
    table = aging_table(items, by=None)
    ax = new_axes(ax, (7, 3.5))
    colours = plt.cm.YlOrRd(np.linspace(0.15, 0.9, len(st.names)))
    ax.bar([st.label(s) for s in st.names], table["balance"].to_numpy(), color=colours)
    for i, share in enumerate(table["share"].to_numpy()):
        ax.annotate(f"{share:.0%}", (i, table["balance"].iloc[i]), ha="center", va="bottom")
    ax.set(xlabel=tr("collection stage"), ylabel=tr("open balance"))
    money_axis(ax)
    ax.set_title(tr("Open receivables by collection stage"))
    return ax


def plot_roll_rates(rates: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of a roll-rate matrix: where each stage's money is a month later.

    Parameters
    ----------
    rates : DataFrame
        From :func:`roll_rates` (rows: stage now; columns: stage a month later, ``paid``).
        Empty rows (stages that held nothing) stay blank.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (6.5, 4))
    values = pd.DataFrame(rates.to_numpy(dtype="float64"),
                          index=[str(i) for i in rates.index],
                          columns=[tr(str(c)) for c in rates.columns])
    sns.heatmap(values, ax=ax, cmap="Blues", vmin=0, vmax=1, annot=True, fmt=".0%",
                annot_kws={"fontsize": 8}, cbar_kws={"fraction": 0.04})
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel(tr("a month later"))
    ax.set_ylabel(tr("stage now"))
    ax.set_title(tr("Roll rates: where the money goes"))
    return ax


def plot_aging_trend(trend: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Stacked area of the open balance by stage over month ends.

    Parameters
    ----------
    trend : DataFrame
        From :func:`aging_trend`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (8, 3.5))
    colours = plt.cm.YlOrRd(np.linspace(0.15, 0.9, trend.shape[1]))
    ax.stackplot(trend.index, trend.T.to_numpy(), labels=list(trend.columns), colors=colours)
    ax.legend(loc="upper left", fontsize=8)
    ax.set(xlabel=tr("month"), ylabel=tr("open balance"))
    money_axis(ax)
    ax.set_title(tr("Receivables by stage, month by month"))
    return ax
