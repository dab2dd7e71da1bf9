"""Customer profitability: cost drivers × cost rates = the profit bridge per customer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.errors import DataProblem
from helpers.i18n import tr

from ._cost_rates import CostRates, resolve_cost_rates
from ._drivers import cost_drivers

__all__ = ["COST_COLUMNS", "MONEY_COLUMNS", "apply_cost_rates", "cogs_estimated_share",
           "customer_profit", "profit_notes"]

#: Columns of :func:`customer_profit` that are part of the cost-to-serve.
COST_COLUMNS = ("cost_orders", "cost_service", "cost_complaints", "cost_calls", "cost_returns",
                "cost_late_payment", "cost_bad_debt")
#: Columns of :func:`customer_profit` that hold money, in the order of the profit bridge.
MONEY_COLUMNS = ("revenue", "discounts", "returns", "cogs", "gross_margin", *COST_COLUMNS,
                 "cost_to_serve", "profit")

CostRatesLike = CostRates | Mapping[str, Any] | str | Path | None
_NEEDED = ("revenue", "discounts", "returns", "cogs_known", "cogs_unknown_sales")


def _column_or_zero(drivers: pd.DataFrame, name: str) -> pd.Series | float:
    return drivers[name] if name in drivers.columns else 0.0


def apply_cost_rates(drivers: pd.DataFrame, cost_rates: CostRatesLike = None) -> pd.DataFrame:
    """Turn :func:`cost_drivers` into money: the profit bridge per customer.

    Parameters
    ----------
    drivers : DataFrame
        Output of :func:`cost_drivers`.
    cost_rates : CostRates, dict, path or None
        Rates as in ``helpers/config/cost_rates.yaml`` (the bundled file when ``None``).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` with :data:`MONEY_COLUMNS`: ``revenue - discounts - returns
        - cogs = gross_margin``; ``cost_orders + cost_service + cost_complaints + cost_calls +
        cost_returns + cost_late_payment + cost_bad_debt = cost_to_serve`` (bad debt: the
        expected loss on balances more than 90 days overdue); ``profit = gross_margin -
        cost_to_serve``. :func:`cogs_estimated_share` of the drivers tells how much of the net
        sales had no cost and used ``fallbacks.cogs_ratio``.

    Raises
    ------
    DataProblem
        If ``drivers`` lacks the money columns of :func:`cost_drivers`.
    ConfigProblem
        If the cost rates are not valid.
    """
    rates = resolve_cost_rates(cost_rates)
    d = drivers
    missing = [c for c in _NEEDED if c not in d.columns]
    if missing:
        raise DataProblem(f"apply_cost_rates: drivers lack {missing}; build them with "
                          "helpers.value.cost_drivers(data).")
    svc, per = rates.service, rates.service.per_contact
    calls, late = rates.calls, rates.late_payment
    out = pd.DataFrame(index=d.index)
    out["revenue"] = d["revenue"]
    out["discounts"] = d["discounts"]
    out["returns"] = d["returns"]
    out["cogs"] = d["cogs_known"] + rates.fallbacks.cogs_ratio * d["cogs_unknown_sales"]
    out["gross_margin"] = out["revenue"] - out["discounts"] - out["returns"] - out["cogs"]
    out["cost_orders"] = rates.orders.per_order * _column_or_zero(d, "n_orders")
    out["cost_service"] = (svc.per_minute * d["service_minutes"]
                           + per.inquiry * d["n_inquiry"]
                           + per.technical_support * d["n_technical_support"]
                           + per.return_request * d["n_return_request"])
    out["cost_complaints"] = (svc.per_minute * d["complaint_minutes"]
                              + per.complaint * d["n_complaint"])
    out["cost_calls"] = calls.per_call * d["n_calls"] + calls.per_minute * d["call_minutes"]
    out["cost_returns"] = rates.returns.per_return * d["n_returns"]
    out["cost_late_payment"] = (late.per_late_invoice * d["n_late_invoices"]
                                + late.annual_interest_rate * d["late_amount_days"] / 365.0
                                + calls.per_call * d["n_collection_calls"]
                                + calls.per_minute * d["collection_minutes"])
    out["cost_bad_debt"] = late.bad_debt_share * _column_or_zero(d, "doubtful_balance")
    out["cost_to_serve"] = out[list(COST_COLUMNS)].sum(axis=1)
    out["profit"] = out["gross_margin"] - out["cost_to_serve"]
    return out


def cogs_estimated_share(drivers: pd.DataFrame) -> float:
    """Share of the net sales that had no cost of goods, so used the fallback ratio.

    Parameters
    ----------
    drivers : DataFrame
        Output of :func:`cost_drivers`.

    Returns
    -------
    float
        ``cogs_unknown_sales / (revenue - discounts - returns)`` over all customers; 0 when there
        are no net sales.

    Raises
    ------
    DataProblem
        If ``drivers`` lacks the money columns of :func:`cost_drivers`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [100.0, 300.0],
    ...                    "cost": [60.0, None]})
    >>> cogs_estimated_share(cost_drivers({"transactions": tx}))
    0.75
    """
    missing = [c for c in _NEEDED if c not in drivers.columns]
    if missing:
        raise DataProblem(f"cogs_estimated_share: drivers lack {missing}; build them with "
                          "helpers.value.cost_drivers(data).")
    net = (drivers["revenue"] - drivers["discounts"] - drivers["returns"]).sum()
    return float(drivers["cogs_unknown_sales"].sum() / net) if net else 0.0


def customer_profit(data: Any, cost_rates: CostRatesLike = None) -> pd.DataFrame:
    """Revenue, cost of goods, discounts, returns, cost-to-serve and profit per customer.

    Parameters
    ----------
    data : CourseData or mapping of DataFrames
        The course tables (``helpers.data.load_course_data()``); see :func:`cost_drivers`.
    cost_rates : CostRates, dict, path or None
        Cost rates; ``None`` reads ``helpers/config/cost_rates.yaml``.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, columns :data:`MONEY_COLUMNS` (see :func:`apply_cost_rates`).

    Raises
    ------
    DataProblem
        Unusable tables (see :func:`cost_drivers`).
    ConfigProblem
        Invalid cost rates.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [100.0, -20, 50],
    ...                    "cost": [60.0, -12, 30], "discount": [10.0, 0, 0]})
    >>> p = customer_profit({"transactions": tx})
    >>> p.loc["a", ["revenue", "returns", "cogs", "gross_margin", "cost_to_serve"]].tolist()
    [110.0, 20.0, 48.0, 32.0, 65.0]
    >>> float(p.loc["a", "profit"])  # one order (25 CNY) and one return (40 CNY) to serve
    -33.0
    """
    return cost_drivers(data).pipe(apply_cost_rates, cost_rates)


def profit_notes(drivers: pd.DataFrame, cogs_ratio: float, currency: str) -> list[str]:
    """What a profit figure rests on that the data did not say, one sentence per fact.

    The facts: cost of goods estimated with the fallback ratio, customers with only returns,
    customers with no activity.

    Parameters
    ----------
    drivers : DataFrame
        Output of :func:`cost_drivers`.
    cogs_ratio : float
        The fallback cost-of-goods ratio used (``rates.fallbacks.cogs_ratio``).
    currency : str
        The currency of the figures.

    Returns
    -------
    list of str
        One sentence per fact that applies (empty when none does).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [100.0, -30.0]})
    >>> for line in profit_notes(cost_drivers({"transactions": tx}), 0.65, "GBP"):
    ...     print(line)   # doctest: +ELLIPSIS
    cost of goods ESTIMATED for 100% of net sales (no cost in the data): 65% of net sales ...
    1 customer(s) only returned goods (no purchase): kept, with revenue 0 and refunds of 30 GBP ...
    """
    notes = []
    share = cogs_estimated_share(drivers)
    if share > 0:
        notes.append(tr("cost of goods ESTIMATED for {share:.0%} of net sales (no cost in the "
                        "data): {ratio:.0%} of net sales (cogs_ratio); gross margin and profit "
                        "depend on that ratio.", share=share, ratio=cogs_ratio))
    only_returns = (drivers["n_orders"] == 0) & (drivers["n_returns"] > 0)
    if only_returns.any():
        refunds = float(drivers.loc[only_returns, "returns"].sum())
        notes.append(tr("{n:,} customer(s) only returned goods (no purchase): kept, with "
                        "revenue 0 and refunds of {refunds:,.0f} {currency} counted as losses.",
                        n=int(only_returns.sum()), refunds=refunds, currency=currency))
    idle = (drivers["n_orders"] == 0) & (drivers["n_returns"] == 0)
    if idle.any():
        notes.append(tr("{n:,} customer(s) of the customer list bought nothing in the data: "
                        "kept, with revenue 0 (and whatever they cost to serve).",
                        n=int(idle.sum())))
    return notes
