"""Capstone, exploring the result: the segment x tier heat map and the action widget.

The widget (:func:`explore_actions`) only displays what the pure, fast :func:`action_view`
computes, which is what the benchmarks time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.axes import Axes

from helpers import value
from helpers.i18n import tr
from helpers.plotting import new_axes

__all__ = ["ActionView", "action_view", "explore_actions", "plot_segment_tiers"]

_VIEW_COLUMNS = ("customer_id", "segment", "tier", "revenue", "clv", "strategy",
                 "recommended_action")


@dataclass
class ActionView:
    """What the action widget shows for one segment and tier.

    Attributes
    ----------
    customers : int
        How many customers are selected.
    revenue : float
        Their revenue.
    clv : float or None
        Their lifetime value (``None`` when the table has no ``clv`` column).
    strategies : Series
        Selected customers per strategy.
    top : DataFrame
        The most valuable selected rows, without personal columns.
    """

    customers: int
    revenue: float
    clv: float | None
    strategies: pd.Series
    top: pd.DataFrame


def action_view(crm: pd.DataFrame, segment: str = "all", tier: str = "all",
                top: int = 10) -> ActionView:
    """What the action widget shows for one segment and tier (pure and fast).

    Parameters
    ----------
    crm : DataFrame
        From :func:`~helpers.capstone.crm_customer_table`.
    segment, tier : str
        The selection (``"all"``: no filter).
    top : int
        How many of the selected rows to show.

    Returns
    -------
    ActionView
        Counts, sums, customers per strategy and the top rows of the selection.

    Examples
    --------
    >>> crm = pd.DataFrame({"customer_id": ["A", "B"], "segment": ["loyal", "lost"],
    ...                     "tier": ["gold", "low"], "revenue": [90.0, 10.0],
    ...                     "strategy": ["grow", "win_back"], "recommended_action": ["call", "mail"]})
    >>> view = action_view(crm, segment="loyal")
    >>> view.customers, view.revenue, view.clv
    (1, 90.0, None)
    """
    mask = np.ones(len(crm), dtype=bool)
    if segment != "all":
        mask &= (crm["segment"] == segment).to_numpy()
    if tier != "all":
        mask &= (crm["tier"] == tier).to_numpy()
    sel = crm.loc[mask]
    cols = [c for c in _VIEW_COLUMNS if c in crm.columns]
    return ActionView(
        customers=int(mask.sum()),
        revenue=float(sel["revenue"].sum()),
        clv=float(sel["clv"].sum()) if "clv" in crm.columns else None,
        strategies=sel["strategy"].value_counts(),
        top=sel[cols].head(top),
    )


def _tier_order(tiers: Any) -> list[str]:
    """The bundled tier names in their order (lowest first), then any other tier names."""
    present = set(tiers)
    return [t for t in value.DEFAULT_LABELS if t in present] + sorted(
        present - set(value.DEFAULT_LABELS))


def explore_actions(crm: pd.DataFrame) -> widgets.Widget:
    """Widget: pick a segment and a tier; see how many customers, their value and the actions.

    Parameters
    ----------
    crm : DataFrame
        From :func:`~helpers.capstone.crm_customer_table`.

    Returns
    -------
    ipywidgets.Widget
        Two drop-downs and the output of :func:`action_view` for the selection.
    """
    segments = ["all", *sorted(crm["segment"].dropna().unique().tolist())]
    seg_w = widgets.Dropdown(options=[(tr(str(s)), s) for s in segments], value="all",
                             description=tr("segment"))
    tiers = ["all", *_tier_order(crm["tier"])]
    tier_w = widgets.Dropdown(options=[(tr(str(t)), t) for t in tiers], value="all",
                              description=tr("tier"))
    out = widgets.Output()

    def refresh(*_: Any) -> None:
        view = action_view(crm, seg_w.value, tier_w.value)
        with out:
            out.clear_output(wait=True)
            clv = tr(", CLV {clv:,.0f}", clv=view.clv) if view.clv is not None else ""
            print(tr("{n:,} customers, revenue {revenue:,.0f}", n=view.customers,
                     revenue=view.revenue) + clv)
            display(view.strategies.rename(tr("customers")).to_frame(), view.top)

    seg_w.observe(refresh, names="value")
    tier_w.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([seg_w, tier_w]), out])


def plot_segment_tiers(crm: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of customers per RFM segment (rows, largest first) and value tier (columns).

    Parameters
    ----------
    crm : DataFrame
        With ``segment`` and ``tier`` columns (:func:`~helpers.capstone.crm_customer_table`).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes
        The heat map, with the count in every cell.
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    table = pd.crosstab(crm["segment"], crm["tier"])
    table = table[_tier_order(table.columns)]
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table = table.rename(index=lambda s: tr(str(s)), columns=lambda t: tr(str(t)))
    ax = new_axes(ax, (7, 0.45 * len(table) + 1.5))
    sns.heatmap(table, ax=ax, cmap="Blues", annot=True, fmt=",d", annot_kws={"fontsize": 8},
                cbar_kws={"label": tr("customers")})
    ax.tick_params(axis="y", rotation=0)
    ax.set(xlabel=tr("value tier"), ylabel=tr("RFM segment"),
           title=tr("Customers by segment and tier"))
    return ax
