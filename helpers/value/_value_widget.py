"""The value widget of lesson 05: move tier cut-offs and cost rates, see tiers and profit move.

:func:`value_view` computes everything the widget shows (pure; this is what the benchmark
times); :func:`explore_value` only draws it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._concentration import whale_summary
from ._cost_rates import resolve_cost_rates
from ._profit import CostRatesLike, apply_cost_rates
from ._tiers import DEFAULT_CUTS, DEFAULT_LABELS, assign_tiers, tier_economics
from ._value_plots import plot_tier_economics, plot_whale_curve

__all__ = ["explore_value", "value_view"]


def _thinned_whale_curve(profit: np.ndarray) -> pd.DataFrame:
    """The whale curve at most 500 points (and its peak), enough to draw it."""
    x = np.sort(profit)[::-1]
    total = x.sum()
    n = len(x)
    pick = np.unique(np.r_[np.linspace(0, n, min(n, 499) + 1).astype(int),
                           int(np.argmax(np.cumsum(x))) + 1])
    cum = np.r_[0.0, np.cumsum(x)]
    return pd.DataFrame({"customer_share": pick / n,
                         "profit_share": cum[pick] / total if total > 0 else cum[pick]})


def value_view(
    drivers: pd.DataFrame,
    cuts: Sequence[float] = DEFAULT_CUTS,
    labels: Sequence[str] = DEFAULT_LABELS,
    by: str = "profit",
    cost_rates: CostRatesLike = None,
    rate_scale: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Everything the value widget shows, for given tier cut-offs and cost rates (pure).

    Parameters
    ----------
    drivers : DataFrame
        :func:`cost_drivers` output (computed once; this function only applies rates).
    cuts, labels : sequence
        Tier cut-offs and names, see :func:`assign_tiers`.
    by : {"profit", "revenue"}
        What the tiers rank on.
    cost_rates : CostRates, dict, path or None
        Base rates (the bundled file when ``None``).
    rate_scale : mapping, optional
        Multiply sections of the rates, e.g. ``{"service": 2.0, "late_payment": 0.5}``.

    Returns
    -------
    dict
        ``profit`` (per customer), ``tiers``, ``economics`` (:func:`tier_economics`),
        ``curve`` (the whale curve, thinned to at most 500 points) and ``summary``
        (:func:`whale_summary`, or ``None`` if total profit is not positive).

    Raises
    ------
    DataProblem
        An unknown ``by`` or rate section, or tier arguments :func:`assign_tiers` refuses.
    """
    if by not in ("profit", "revenue"):
        raise DataProblem(f"value_view: by={by!r}; use 'profit' or 'revenue'.")
    rates = resolve_cost_rates(cost_rates)
    if rate_scale:
        rates = rates.scaled(rate_scale)
    profit = apply_cost_rates(drivers, rates)
    tiers = assign_tiers(profit[by], cuts=cuts, labels=labels)
    values = profit["profit"].to_numpy()
    summary = whale_summary(profit["profit"]) if values.sum() > 0 else None
    return {"profit": profit, "tiers": tiers, "economics": tier_economics(profit, tiers),
            "curve": _thinned_whale_curve(values), "summary": summary}


def explore_value(drivers: pd.DataFrame, cost_rates: CostRatesLike = None) -> w.Widget:
    """Widget: move tier cut-offs and cost-rate multipliers; see the whale curve and tiers move.

    Parameters
    ----------
    drivers : DataFrame
        :func:`cost_drivers` output.
    cost_rates : CostRates, dict, path or None
        Base rates (the bundled file when ``None``).

    Returns
    -------
    ipywidgets.Widget
    """
    rates = resolve_cost_rates(cost_rates)
    cut_low = w.FloatSlider(value=0.5, min=0.05, max=0.9, step=0.05, description="low | silver")
    cut_mid = w.FloatSlider(value=0.8, min=0.1, max=0.95, step=0.05, description="silver | gold")
    cut_top = w.FloatSlider(value=0.95, min=0.15, max=0.99, step=0.01, description="gold | diam.")
    by = w.ToggleButtons(options=["profit", "revenue"], description="tier by")
    scales = {s: w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25, description=f"{s} ×")
              for s in ("service", "calls", "returns", "late_payment")}
    out = w.Output()

    def redraw(*_: Any) -> None:
        cuts = (cut_low.value, cut_mid.value, cut_top.value)
        with out:
            out.clear_output(wait=True)
            if not cuts[0] < cuts[1] < cuts[2]:
                print("Cut-offs must increase from left to right.")
                return
            view = value_view(drivers, cuts=cuts, by=by.value, cost_rates=rates,
                              rate_scale={k: s.value for k, s in scales.items()})
            axes = plt.subplots(1, 2, figsize=(11, 4))[1]
            plot_whale_curve(view["curve"], ax=axes[0], summary=view["summary"])
            plot_tier_economics(view["economics"], ax=axes[1])
            plt.show()

    for widget in (cut_low, cut_mid, cut_top, by, *scales.values()):
        widget.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([cut_low, cut_mid, cut_top]), by,
                   w.HBox(list(scales.values())[:2]), w.HBox(list(scales.values())[2:]), out])
