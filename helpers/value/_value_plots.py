"""Plots of lesson 05: concentration (Pareto) curves, the whale curve, tiers and scenarios."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes

from helpers.i18n import tr
from helpers.plotting import BAD, GOOD, NEUTRAL, money_axis, new_axes

from ._concentration import concentration_curve, top_share, whale_curve, whale_summary

__all__ = ["plot_concentration", "plot_scenarios", "plot_tier_economics", "plot_whale_curve"]


def _percent(ax: Axes) -> None:
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")


def plot_concentration(curves: Mapping[str, pd.Series] | pd.Series, ax: Axes | None = None,
                       mark: float = 0.2) -> Axes:
    """Pareto curves (one per named series of values) with the top-``mark`` share marked.

    Parameters
    ----------
    curves : Series or mapping of name -> Series
        Values per customer (revenue, margin …), one curve each.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.
    mark : float
        Share of customers marked by a vertical line (0.2: the 80/20 reading).

    Returns
    -------
    Axes
    """
    ax = new_axes(ax)
    series = {"value": curves} if isinstance(curves, pd.Series) else dict(curves)
    for name, values in series.items():
        c = concentration_curve(values)
        share = top_share(values, mark)
        ax.plot(c["customer_share"], c["value_share"],
                label=tr("{name} (top {mark:.0%}: {share:.0%})", name=tr(name), mark=mark,
                         share=share))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label=tr("equal shares"))
    ax.axvline(mark, color="grey", linewidth=0.8)
    ax.set(xlabel=tr("share of customers (ranked by value)"),
           ylabel=tr("cumulative share of total"), title=tr("Concentration (Pareto) curve"))
    ax.legend(loc="lower right")
    return ax


def plot_whale_curve(curve: pd.DataFrame | pd.Series, ax: Axes | None = None,
                     summary: Mapping[str, float] | None = None) -> Axes:
    """The whale curve: cumulative profit share, peak above 100 %, back to 100 % at the end.

    Parameters
    ----------
    curve : DataFrame or Series
        :func:`whale_curve` output, or a Series of profit per customer.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.
    summary : mapping, optional
        :func:`whale_summary` output, to mark the peak and title the figure.

    Returns
    -------
    Axes
    """
    if isinstance(curve, pd.Series):
        summary = summary or whale_summary(curve)
        curve = whale_curve(curve)
    ax = new_axes(ax)
    ax.plot(curve["customer_share"], curve["profit_share"], color="tab:blue")
    ax.axhline(1.0, color="grey", linestyle=":")
    if summary:
        ax.scatter([summary["peak_at"]], [summary["peak_share"]], color="tab:red", zorder=3)
        ax.annotate(tr("peak {peak:.0%} at {at:.0%} of customers", peak=summary["peak_share"],
                       at=summary["peak_at"]),
                    (summary["peak_at"], summary["peak_share"]), textcoords="offset points",
                    xytext=(-10, -25), ha="right")
        ax.set_title(tr("Whale curve · top 20% earn {top:.0%}, bottom 30% give back {back:.0%} "
                        "of it", top=summary["top_share"], back=summary["bottom_giveback"]),
                     fontsize=10)
    ax.set(xlabel=tr("share of customers (ranked by profit)"),
           ylabel=tr("cumulative share of profit"))
    _percent(ax)
    return ax


def plot_tier_economics(economics: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Share of customers, revenue and profit per tier, side by side.

    Parameters
    ----------
    economics : DataFrame
        :func:`tier_economics` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax)
    cols = ["customers_share", "revenue_share", "profit_share"]
    shown = economics[cols].rename(columns=lambda c: tr(c.replace("_share", "")))
    shown.rename(index=lambda t: tr(str(t))).plot.bar(ax=ax, rot=0)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(xlabel=tr("tier"), ylabel=tr("share of total"), title=tr("What each tier holds"))
    _percent(ax)
    return ax


def plot_scenarios(scenarios: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Total expected profit per scenario, each bar labelled with its change.

    Parameters
    ----------
    scenarios : DataFrame
        :func:`profit_scenarios` output.
    ax : Axes, optional
        Where to draw; a new figure when ``None``.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax)
    colours = [NEUTRAL if i == "as is" else (GOOD if c >= 0 else BAD)  # no red/green pair
               for i, c in zip(scenarios.index, scenarios["change"], strict=True)]
    bars = ax.barh([tr(str(i)) for i in scenarios.index[::-1]], scenarios["total_profit"][::-1],
                   color=colours[::-1])
    for bar, change in zip(bars, scenarios["change_pct"][::-1], strict=True):
        ax.annotate(f"{change:+.1%}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center")
    ax.set(xlabel=tr("total expected profit (CNY)"), ylabel=tr("option"),
           title=tr("Options for the least profitable customers"))
    money_axis(ax, "x")
    return ax
