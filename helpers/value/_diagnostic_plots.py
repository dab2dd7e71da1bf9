"""Plots of the fit diagnostics (lesson 06): which plot tells you what.

* :func:`plot_period_transactions`: does the model reproduce how many customers bought 0, 1,
  2, … times? (fit on the calibration period)
* :func:`plot_tracking`: does it follow repeat purchases over calendar time, and keep following
  them after the calibration period? (fit and forecast)
* :func:`plot_holdout_accuracy`: for which customers is the forecast off? (by decile)
* :func:`plot_survival_check`: does the sBG curve follow a cohort's survivors? (contracts)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import new_axes

__all__ = ["plot_holdout_accuracy", "plot_period_transactions", "plot_survival_check",
           "plot_tracking"]


def _need(table: pd.DataFrame, columns: list[str], what: str, source: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataProblem(f"{what}: column(s) {missing} missing; pass the output of {source}.")


def plot_period_transactions(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars of customers by number of repeat purchases, observed beside the model's expectation.

    Parameters
    ----------
    table : DataFrame
        :func:`period_transactions` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``table`` is not :func:`period_transactions` output.
    """
    _need(table, ["observed", "expected"], "plot_period_transactions", "period_transactions")
    ax = new_axes(ax, (6, 3.5))
    pos = np.arange(len(table))
    ax.bar(pos - 0.2, table["observed"], width=0.4, label=tr("observed"))
    ax.bar(pos + 0.2, table["expected"], width=0.4, label=tr("model"))
    ax.set_xticks(pos, [str(i) for i in table.index])
    ax.set(xlabel=tr("repeat purchases in the calibration period"), ylabel=tr("customers"),
           title=tr("Period transactions (chi-square {chi2:.1f})", chi2=table["chi2"].sum())
           if "chi2" in table.columns else tr("Period transactions"))
    ax.legend()
    return ax


def plot_tracking(table: pd.DataFrame, cumulative: bool = True, ax: Axes | None = None) -> Axes:
    """Repeat purchases over calendar time, actual against the model, calibration end marked.

    Parameters
    ----------
    table : DataFrame
        :func:`tracking` output.
    cumulative : bool
        Cumulative totals (the long-run fit) or purchases per step (the pattern, seasonality).
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``table`` is not :func:`tracking` output.
    """
    _need(table, ["actual", "expected", "cumulative_actual", "cumulative_expected", "holdout"],
          "plot_tracking", "tracking")
    ax = new_axes(ax, (7, 3.5))
    prefix = "cumulative_" if cumulative else ""
    ax.plot(table.index, table[prefix + "actual"], label=tr("actual"))
    ax.plot(table.index, table[prefix + "expected"], linestyle="--", label=tr("model"))
    if table["holdout"].any() and not table["holdout"].all():
        ax.axvline(table.index[~table["holdout"].to_numpy()][-1], color="grey", linestyle=":",
                   label=tr("end of calibration"))
    ax.set(xlabel=tr("date"),
           ylabel=tr("cumulative repeat purchases" if cumulative else "repeat purchases"),
           title=tr("Tracking (cumulative)" if cumulative else "Tracking (per step)"))
    ax.legend()
    return ax


def plot_holdout_accuracy(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean predicted against actual holdout purchases by decile of the prediction.

    Parameters
    ----------
    table : DataFrame
        :func:`holdout_accuracy` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``table`` is not :func:`holdout_accuracy` output.
    """
    _need(table, ["predicted", "actual", "mae"], "plot_holdout_accuracy", "holdout_accuracy")
    ax = new_axes(ax, (6, 3.5))
    groups = table.drop(index="all", errors="ignore")
    pos = np.arange(len(groups))
    ax.plot(pos, groups["actual"], marker="o", label=tr("actual"))
    ax.plot(pos, groups["predicted"], marker="s", linestyle="--", label=tr("predicted"))
    ax.set_xticks(pos, [str(i) for i in groups.index])
    overall = table.loc["all"] if "all" in table.index else None
    title = tr("Holdout accuracy by decile")
    if overall is not None:
        title += tr(" (MAE {mae:.2f}, bias {bias:+.2f})", mae=overall["mae"], bias=overall["bias"])
    ax.set(xlabel=tr("decile of the prediction (1 = lowest)"),
           ylabel=tr("mean holdout purchases"), title=title)
    ax.legend()
    return ax


def plot_survival_check(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """A cohort's survivors per period, observed against the sBG curve and its projection.

    Parameters
    ----------
    table : DataFrame
        :func:`survival_check` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``table`` is not :func:`survival_check` output.
    """
    _need(table, ["observed", "expected"], "plot_survival_check", "survival_check")
    ax = new_axes(ax, (6, 3.5))
    ax.plot(table.index, table["observed"], marker="o", label=tr("observed"))
    ax.plot(table.index, table["expected"], linestyle="--", label="sBG")
    ax.set(xlabel=tr("period"), ylabel=tr("customers still there"),
           title=tr("Survivors per period"))
    ax.legend()
    return ax
