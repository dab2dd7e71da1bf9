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
from ._tiers import (
    DEFAULT_CUTS,
    DEFAULT_LABELS,
    _check_tier_arguments,
    _tier_numbers,
    tier_economics,
)
from ._value_plots import plot_tier_economics, plot_whale_curve

__all__ = ["ValueInputs", "explore_value", "value_view"]


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


RateKey = tuple[tuple[str, float], ...]


class ValueInputs:
    """What the value widget keeps between moves: the base rates and the work per rate choice.

    Per cost-rate choice seen: the profit bridge, the whale curve and the ranks (none depends
    on the tier cut-offs).

    Parameters
    ----------
    drivers : DataFrame
        :func:`cost_drivers` output.
    cost_rates : CostRates, dict, path or None
        Base rates (the bundled file when ``None``).
    keep : int
        Rate choices kept (each holds a profit table as long as ``drivers``).
    """

    def __init__(self, drivers: pd.DataFrame, cost_rates: CostRatesLike = None,
                 keep: int = 8) -> None:
        self.drivers, self.rates, self.keep = drivers, resolve_cost_rates(cost_rates), keep
        self._by_rates: dict[RateKey, dict[str, Any]] = {}

    def for_rates(self, rate_scale: Mapping[str, float] | None) -> dict[str, Any]:
        """``profit``, ``curve``, ``summary`` and the ranks for one choice of multipliers.

        Parameters
        ----------
        rate_scale : mapping, optional
            As for :func:`value_view`.

        Returns
        -------
        dict
            Computed the first time these multipliers are asked for, then reused.

        Raises
        ------
        DataProblem
            An unknown rate section.
        """
        key = tuple(sorted((rate_scale or {}).items()))
        if key in self._by_rates:  # most recently used last: the oldest is dropped first
            self._by_rates[key] = self._by_rates.pop(key)
        else:
            while len(self._by_rates) >= self.keep:
                self._by_rates.pop(next(iter(self._by_rates)))
            rates = self.rates.scaled(dict(rate_scale)) if rate_scale else self.rates
            profit = apply_cost_rates(self.drivers, rates)
            values = profit["profit"].to_numpy()
            self._by_rates[key] = {
                "profit": profit, "below": {}, "curve": _thinned_whale_curve(values),
                "summary": whale_summary(profit["profit"]) if values.sum() > 0 else None}
        return self._by_rates[key]


def _quantile_tiers(entry: dict[str, Any], by: str, cuts: Sequence[float],
                    labels: Sequence[str]) -> pd.Series:
    """:func:`assign_tiers` (quantile cuts) from the cached share of customers strictly below."""
    cut_points, names = [float(c) for c in cuts], [str(lab) for lab in labels]
    _check_tier_arguments(cut_points, names, "quantile")
    if by not in entry["below"]:
        x = _tier_numbers(entry["profit"][by])
        entry["below"][by] = np.searchsorted(np.sort(x), x, side="left") / len(x)
    level = np.searchsorted(np.asarray(cut_points), entry["below"][by], side="right")
    cat = pd.Categorical.from_codes(level.astype("int64"), categories=names, ordered=True)
    return pd.Series(cat, index=entry["profit"].index, name="tier")


def value_view(
    drivers: pd.DataFrame | ValueInputs,
    cuts: Sequence[float] = DEFAULT_CUTS,
    labels: Sequence[str] = DEFAULT_LABELS,
    by: str = "profit",
    cost_rates: CostRatesLike = None,
    rate_scale: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Everything the value widget shows, for given tier cut-offs and cost rates (pure).

    Given a :class:`ValueInputs` (what :func:`explore_value` builds once), the profit bridge and
    the whale curve of multipliers already seen are reused; the result is the same.

    Parameters
    ----------
    drivers : DataFrame or ValueInputs
        :func:`cost_drivers` output (computed once; this function only applies rates), or
        prepared from it (then its base rates are used and ``cost_rates`` is ignored).
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
    prep = drivers if isinstance(drivers, ValueInputs) else ValueInputs(drivers, cost_rates)
    entry = prep.for_rates(rate_scale)
    profit = entry["profit"]
    tiers = _quantile_tiers(entry, by, cuts, labels)
    return {"profit": profit.copy(), "tiers": tiers, "economics": tier_economics(profit, tiers),
            "curve": entry["curve"].copy(), "summary": entry["summary"] and dict(entry["summary"])}


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
    prep = ValueInputs(drivers, cost_rates)  # profit per rate choice, kept between moves
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
            view = value_view(prep, cuts=cuts, by=by.value,
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
