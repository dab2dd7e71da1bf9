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
from IPython.display import display

from helpers.errors import DataProblem
from helpers.i18n import tr

from ._concentration import whale_summary
from ._cost_rates import CostRates, resolve_cost_rates
from ._profit import COST_COLUMNS, MONEY_COLUMNS, CostRatesLike, apply_cost_rates
from ._tiers import (
    DEFAULT_CUTS,
    DEFAULT_LABELS,
    _check_tier_arguments,
    _tier_numbers,
)
from ._value_plots import plot_tier_economics, plot_whale_curve

__all__ = ["ValueInputs", "explore_value", "value_view"]


def _thinned_whale_curve(profit: np.ndarray, ascending: np.ndarray | None = None
                         ) -> pd.DataFrame:
    """The whale curve at most 500 points (and its peak), enough to draw it.

    ``ascending`` (optional): ``np.sort(profit)``, if already sorted.
    """
    x = (np.sort(profit) if ascending is None else ascending)[::-1]
    total = x.sum()
    n = len(x)
    cum = np.cumsum(x)
    pick = np.unique(np.r_[np.linspace(0, n, min(n, 499) + 1).astype(int),
                           int(np.argmax(cum)) + 1])
    cum = np.r_[0.0, cum]
    return pd.DataFrame({"customer_share": pick / n,
                         "profit_share": cum[pick] / total if total > 0 else cum[pick]})


def _quantile_levels(x: np.ndarray, ascending: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """Tier code of each value: how many cuts the share of values strictly below it reaches.

    The same as ``np.searchsorted(cuts, np.searchsorted(ascending, x) / n, side="right")``
    (:func:`assign_tiers`' quantile rule) without ranking every value: the values whose share
    below is under cut ``c`` are those up to the value at the last position ``f`` with
    ``f / n < c``, so each cut is one threshold value and a value's code is the number of
    thresholds below it.
    """
    n = len(x)
    thresholds = []
    for c in cuts:
        k = min(max(int(c * n), 0), n)  # then moved to the count of f in [0, n) with f / n < c
        while k < n and k / n < c:
            k += 1
        while k > 0 and not (k - 1) / n < c:
            k -= 1
        thresholds.append(ascending[k - 1] if k else -np.inf)
    return np.searchsorted(np.asarray(thresholds, dtype="float64"), x, side="left")


RateKey = tuple[tuple[str, float], ...]
_MONEY = ("revenue", "discounts", "returns")


def _terms(row: np.ndarray, scratch: np.ndarray, *terms: tuple[float, np.ndarray]) -> None:
    """``row = r1 * x1 + r2 * x2 + ...`` added left to right (as Python adds Series), in place.

    No new 100k-element temporaries: their page faults cost more than the arithmetic.
    """
    (r, x), *rest = terms
    np.multiply(x, r, out=row)
    _add_terms(row, scratch, *rest)


def _add_terms(row: np.ndarray, scratch: np.ndarray, *terms: tuple[float, np.ndarray]) -> None:
    """``row += r1 * x1``, then ``+= r2 * x2``, ... in place."""
    for r, x in terms:
        np.add(row, np.multiply(x, r, out=scratch), out=row)


#: The columns of the profit table the widget itself draws (tiers, economics, whale curve).
LEAN_COLUMNS = ("revenue", "cost_to_serve", "profit")


def _profit_bridge(d: dict[str, np.ndarray], rates: CostRates, index: pd.Index,
                   work: np.ndarray | None = None, lean: bool = False) -> pd.DataFrame:
    """:func:`apply_cost_rates` on the drivers' columns as arrays.

    The same operations in the same order (so the same numbers), written into one block (rows
    in ``MONEY_COLUMNS`` order). ``work``: a reusable ``(len(MONEY_COLUMNS) + 1, n)`` block to
    compute in (fresh memory costs more in page faults than the arithmetic); ``lean``: return
    only :data:`LEAN_COLUMNS` (copied out of ``work``), else the whole table.
    """
    svc, per = rates.service, rates.service.per_contact
    calls, late = rates.calls, rates.late_payment
    if work is None:
        work = np.empty((len(MONEY_COLUMNS) + 1, len(index)))
    block, scratch = work[:-1], work[-1]
    row = dict(zip(MONEY_COLUMNS, block, strict=True))
    for name in _MONEY:
        row[name][:] = d[name]
    np.add(d["cogs_known"], np.multiply(d["cogs_unknown_sales"], rates.fallbacks.cogs_ratio,
                                        out=scratch), out=row["cogs"])
    gm = np.subtract(d["revenue"], d["discounts"], out=row["gross_margin"])
    np.subtract(np.subtract(gm, d["returns"], out=gm), row["cogs"], out=gm)
    if "n_orders" in d:
        _terms(row["cost_orders"], scratch, (rates.orders.per_order, d["n_orders"]))
    else:
        row["cost_orders"][:] = 0.0
    _terms(row["cost_service"], scratch, (svc.per_minute, d["service_minutes"]),
           (per.inquiry, d["n_inquiry"]), (per.technical_support, d["n_technical_support"]),
           (per.return_request, d["n_return_request"]))
    _terms(row["cost_complaints"], scratch, (svc.per_minute, d["complaint_minutes"]),
           (per.complaint, d["n_complaint"]))
    _terms(row["cost_calls"], scratch, (calls.per_call, d["n_calls"]),
           (calls.per_minute, d["call_minutes"]))
    _terms(row["cost_returns"], scratch, (rates.returns.per_return, d["n_returns"]))
    late_row = row["cost_late_payment"]
    _terms(late_row, scratch, (late.per_late_invoice, d["n_late_invoices"]))
    np.multiply(d["late_amount_days"], late.annual_interest_rate, out=scratch)
    np.add(late_row, np.divide(scratch, 365.0, out=scratch), out=late_row)
    _add_terms(late_row, scratch, (calls.per_call, d["n_collection_calls"]),
               (calls.per_minute, d["collection_minutes"]))
    if "doubtful_balance" in d:
        _terms(row["cost_bad_debt"], scratch, (late.bad_debt_share, d["doubtful_balance"]))
    else:
        row["cost_bad_debt"][:] = 0.0
    serve = row["cost_to_serve"]  # DataFrame.sum(axis=1): column by column, in order
    serve[:] = row[COST_COLUMNS[0]]
    for name in COST_COLUMNS[1:]:
        np.add(serve, row[name], out=serve)
    np.subtract(row["gross_margin"], serve, out=row["profit"])
    if lean:
        picked = np.stack([row[c] for c in LEAN_COLUMNS], axis=1)
        return pd.DataFrame(picked, index=index, columns=list(LEAN_COLUMNS), copy=False)
    return pd.DataFrame(block.T.copy(), index=index, columns=list(MONEY_COLUMNS), copy=False)


def _driver_arrays(drivers: pd.DataFrame) -> dict[str, np.ndarray] | None:
    """The drivers' columns as float arrays, or ``None`` when :func:`apply_cost_rates` must run.

    It must when a money column is not float64, a column is missing or not numeric, or a value
    is NaN (pandas adds it as 0 in the cost-to-serve).
    """
    names = [c for c in drivers.columns if drivers[c].dtype.kind in "fiub"]
    if any(drivers[c].dtype != "float64" for c in _MONEY if c in drivers.columns):
        return None
    needed = {"cogs_known", "cogs_unknown_sales", *_MONEY, "service_minutes", "n_inquiry",
              "n_technical_support", "n_return_request", "complaint_minutes", "n_complaint",
              "n_calls", "call_minutes", "n_returns", "n_late_invoices", "late_amount_days",
              "n_collection_calls", "collection_minutes"}
    if not needed <= set(names):
        return None
    out = {c: drivers[c].to_numpy(dtype="float64") for c in names}
    return out if not any(np.isnan(v).any() for v in out.values()) else None


class ValueInputs:
    """What the value widget keeps between moves: the base rates and the work per rate choice.

    Per cost-rate choice seen: the profit bridge, the whale curve and the sorted values (none
    depends on the tier cut-offs). The drivers' columns are read into arrays once, and the
    profit bridge of a new choice is computed on them (the numbers of :func:`apply_cost_rates`).

    Parameters
    ----------
    drivers : DataFrame
        :func:`cost_drivers` output.
    cost_rates : CostRates, dict, path or None
        Base rates (the bundled file when ``None``).
    keep : int
        Rate choices kept (each holds a profit table as long as ``drivers``).
    lean : bool
        Keep only the profit columns the widget draws (:data:`LEAN_COLUMNS`): what
        :func:`explore_value` uses, so a new rate choice answers in well under 50 ms at 100k
        customers. ``False`` (default): the whole table of :func:`apply_cost_rates`.
    """

    def __init__(self, drivers: pd.DataFrame, cost_rates: CostRatesLike = None,
                 keep: int = 8, lean: bool = False) -> None:
        self.drivers, self.rates, self.keep = drivers, resolve_cost_rates(cost_rates), keep
        self.lean = lean
        self._by_rates: dict[RateKey, dict[str, Any]] = {}
        self._arrays = _driver_arrays(drivers)
        self._work: np.ndarray | None = None  # the block every new rate choice is computed in
        # revenue does not depend on the rates: its values and their sort are kept once
        self._revenue_sorted: tuple[np.ndarray, np.ndarray] | None = None

    def _bridge(self, rates: CostRates) -> pd.DataFrame:
        if self._arrays is None:
            full = apply_cost_rates(self.drivers, rates)
            return full[list(LEAN_COLUMNS)] if self.lean else full
        if self._work is None:
            self._work = np.empty((len(MONEY_COLUMNS) + 1, len(self.drivers)))
        return _profit_bridge(self._arrays, rates, self.drivers.index, self._work, self.lean)

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
            return self._by_rates[key]
        while len(self._by_rates) >= self.keep:
            self._by_rates.pop(next(iter(self._by_rates)))
        rates = self.rates.scaled(dict(rate_scale)) if rate_scale else self.rates
        profit = self._bridge(rates)
        values = profit["profit"].to_numpy()
        entry: dict[str, Any] = {"profit": profit, "sorted": {}}
        if np.isfinite(values).all():  # one sort gives the tiers' thresholds and the curve
            entry["sorted"]["profit"] = (values, np.sort(values))
            entry["curve"] = _thinned_whale_curve(values, entry["sorted"]["profit"][1])
        else:  # tiering by profit will say which customers have no profit
            entry["curve"] = _thinned_whale_curve(values)
        entry["summary"] = whale_summary(profit["profit"]) if values.sum() > 0 else None
        self._by_rates[key] = entry
        return entry

    def ranked(self, entry: dict[str, Any], by: str) -> tuple[np.ndarray, np.ndarray]:
        """``by``'s values (checked) and the same sorted, cached per rate choice (revenue once).

        Raises
        ------
        DataProblem
            Values that are not numbers, empty or infinite.
        """
        if by not in entry["sorted"]:
            if by == "revenue" and self._revenue_sorted is not None:
                entry["sorted"][by] = self._revenue_sorted
            else:
                x = _tier_numbers(entry["profit"][by])
                entry["sorted"][by] = (x, np.sort(x))
                if by == "revenue" and self._arrays is not None:
                    self._revenue_sorted = entry["sorted"][by]
        return entry["sorted"][by]


def _quantile_tiers(prep: ValueInputs, entry: dict[str, Any], by: str, cuts: Sequence[float],
                    labels: Sequence[str]) -> pd.Series:
    """:func:`assign_tiers` (quantile cuts) from the cached sorted values."""
    cut_points, names = [float(c) for c in cuts], [str(lab) for lab in labels]
    _check_tier_arguments(cut_points, names, "quantile")
    level = _quantile_levels(*prep.ranked(entry, by), cut_points)
    dtype = pd.CategoricalDtype(names, ordered=True)
    cat = pd.Categorical.from_codes(level, dtype=dtype, validate=False)  # codes 0..len(cuts)
    return pd.Series(cat, index=entry["profit"].index, name="tier")


def _tier_economics(profit: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """:func:`tier_economics` of tiers made here (every customer has one, same index).

    Summed with ``np.bincount`` instead of a group-by (the sums agree to ~1e-13 of the total)
    and built as arrays (a group-by and a dozen column operations cost ten times more).
    """
    cat = tiers.array
    codes, k = np.asarray(cat.codes), len(cat.categories)
    cols: dict[str, np.ndarray] = {"customers": np.bincount(codes, minlength=k).astype("int64")}
    for col in ("revenue", "cost_to_serve", "profit"):
        cols[col] = np.bincount(codes, weights=profit[col].to_numpy(), minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = cols["profit"] / np.where(cols["customers"] > 0, cols["customers"], np.nan)
    cols["profit_per_customer"] = np.where(np.isnan(per), 0.0, per)  # as .fillna(0.0)
    for col in ("customers", "revenue", "profit"):
        total = cols[col].sum()
        cols[f"{col}_share"] = cols[col] / total if total else np.zeros(k)
    index = pd.CategoricalIndex(cat.categories, categories=cat.categories, ordered=cat.ordered,
                                name="tier")
    return pd.DataFrame(cols, index=index)


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
        ``profit`` (per customer; only :data:`LEAN_COLUMNS` for a lean :class:`ValueInputs`),
        ``tiers``, ``economics`` (:func:`tier_economics`),
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
    tiers = _quantile_tiers(prep, entry, by, cuts, labels)
    # shallow copies: under copy-on-write (pandas 3) a caller's change never reaches the cache
    return {"profit": profit.copy(deep=False), "tiers": tiers,
            "economics": _tier_economics(profit, tiers), "curve": entry["curve"].copy(deep=False),
            "summary": entry["summary"] and dict(entry["summary"])}


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
    prep = ValueInputs(drivers, cost_rates, lean=True)  # profit per rate choice, kept
    cut_low = w.FloatSlider(value=0.5, min=0.05, max=0.9, step=0.05, description=tr("low | silver"))
    cut_mid = w.FloatSlider(value=0.8, min=0.1, max=0.95, step=0.05, description=tr("silver | gold"))
    cut_top = w.FloatSlider(value=0.95, min=0.15, max=0.99, step=0.01, description=tr("gold | diam."))
    by = w.ToggleButtons(options=[(tr(o), o) for o in ("profit", "revenue")],
                         description=tr("tier by"))
    scales = {s: w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25, description=tr("{section} ×", section=tr(s)))
              for s in ("service", "calls", "returns", "late_payment")}
    out = w.Output()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    plt.close(fig)  # one figure, redrawn on each move and shown with display(fig)

    def redraw(*_: Any) -> None:
        cuts = (cut_low.value, cut_mid.value, cut_top.value)
        with out:
            out.clear_output(wait=True)
            if not cuts[0] < cuts[1] < cuts[2]:
                print(tr("Cut-offs must increase from left to right."))
                return
            view = value_view(prep, cuts=cuts, by=by.value,
                              rate_scale={k: s.value for k, s in scales.items()})
            for ax in axes:
                ax.clear()
            plot_whale_curve(view["curve"], ax=axes[0], summary=view["summary"])
            plot_tier_economics(view["economics"], ax=axes[1])
            display(fig)

    for widget in (cut_low, cut_mid, cut_top, by, *scales.values()):
        widget.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([cut_low, cut_mid, cut_top]), by,
                   w.HBox(list(scales.values())[:2]), w.HBox(list(scales.values())[2:]), out])
