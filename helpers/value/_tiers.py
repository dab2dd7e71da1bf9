"""Value tiers: cut any value per customer (revenue, profit, CLV) into low/silver/gold/diamond."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, sample_rows

from ._inputs import need

__all__ = ["DEFAULT_CUTS", "DEFAULT_LABELS", "assign_tiers", "tier_economics"]

#: Shares of customers below silver, gold and diamond.
DEFAULT_CUTS = (0.5, 0.8, 0.95)
#: Tier names from lowest to highest.
DEFAULT_LABELS = ("low", "silver", "gold", "diamond")


def _check_tier_arguments(cuts: list[float], labels: list[str], method: str) -> None:
    if len(labels) != len(cuts) + 1:
        raise DataProblem(f"assign_tiers: {len(cuts)} cut point(s) need {len(cuts) + 1} labels, "
                          f"got {len(labels)}: {labels}.")
    if len(set(labels)) != len(labels):
        raise DataProblem(f"assign_tiers: labels must be distinct, got {labels}.")
    if any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
        raise DataProblem(f"assign_tiers: cut points must increase, got {cuts}.")
    if method not in ("quantile", "fixed"):
        raise DataProblem(f"assign_tiers: method={method!r}; use 'quantile' or 'fixed'.")
    if method == "quantile" and cuts and not (0 < cuts[0] and cuts[-1] < 1):
        raise DataProblem(f"assign_tiers: quantile cut points are shares of customers between 0 "
                          f"and 1 (exclusive), got {cuts}. For money thresholds use "
                          "method='fixed'.")


def _tier_numbers(values: pd.Series) -> np.ndarray:
    try:
        numbers = pd.to_numeric(values, errors="raise").astype("float64")
    except (TypeError, ValueError) as err:
        raise DataProblem(f"assign_tiers: values of {values.name or 'the series'!r} must be "
                          f"numbers ({err}).") from None
    bad = ~np.isfinite(numbers.to_numpy())
    if bad.any():
        raise DataProblem(
            f"assign_tiers: {int(bad.sum())} customer(s) have no (or an infinite) value in "
            f"{values.name or 'the series'!r}, e.g. {sample_rows(values.index[bad])}. Fix: fill "
            "them (0 for customers who never bought) or drop them before tiering."
        )
    return numbers.to_numpy()


def _levels(x: np.ndarray, cuts: np.ndarray, method: str) -> np.ndarray:
    """Tier number of each value: how many cut points it reaches."""
    if method == "fixed":
        return np.searchsorted(cuts, x, side="right")
    n = len(x)
    if not n:
        return np.array([], int)
    below = (pd.Series(x).rank(method="min").to_numpy() - 1) / n  # share strictly below
    return np.searchsorted(cuts, below, side="right")


def assign_tiers(
    values: pd.Series,
    cuts: Sequence[float] = DEFAULT_CUTS,
    labels: Sequence[str] = DEFAULT_LABELS,
    method: str = "quantile",
) -> pd.Series:
    """Cut a value per customer (revenue, profit, CLV …) into ordered tiers.

    Parameters
    ----------
    values : Series
        One value per customer (index = customer id). Missing values are refused.
    cuts : sequence of float
        Increasing cut points. With ``method="quantile"`` they are shares of customers in
        (0, 1): the default ``(0.5, 0.8, 0.95)`` puts the bottom half in ``low``, the next 30 %
        in ``silver``, the next 15 % in ``gold`` and the top 5 % in ``diamond``. With
        ``method="fixed"`` they are value thresholds (e.g. ``(1000, 10000, 50000)`` CNY).
    labels : sequence of str
        Tier names from lowest to highest; one more than ``cuts``.
    method : {"quantile", "fixed"}
        How to read ``cuts``.

    Returns
    -------
    Series
        Ordered categorical with the same index as ``values``, named ``"tier"``.

    Raises
    ------
    DataProblem
        Values that are not numbers or missing; cut points that do not increase, do not match
        the labels or (quantiles) lie outside (0, 1); an unknown ``method``.

    Notes
    -----
    Ties: customers with equal values always get the same tier. With ``method="quantile"`` a
    customer is placed above cut ``c`` when at least a share ``c`` of all customers have a
    *strictly smaller* value, so a block of tied values stays in the lower tier and a tier can
    hold fewer customers than its nominal share (e.g. when half the customers have zero
    revenue, none of them becomes ``silver``). With ``method="fixed"`` a value *at or above* a
    threshold reaches the tier above it (``>= 10000`` is gold).

    Examples
    --------
    >>> s = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    >>> assign_tiers(s, cuts=(0.5, 0.8), labels=("low", "mid", "top")).tolist()
    ['low', 'low', 'low', 'low', 'low', 'mid', 'mid', 'mid', 'top', 'top']
    >>> assign_tiers(pd.Series([500.0, 20000]), cuts=(1000, 10000, 50000), method="fixed").tolist()
    ['low', 'gold']
    """
    if isinstance(values, pd.DataFrame) or not hasattr(values, "__len__"):
        raise DataProblem("assign_tiers expects one value per customer (a Series), got "
                          f"{type(values).__name__}.")
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    cut_points = [float(c) for c in cuts]
    names = [str(lab) for lab in labels]
    _check_tier_arguments(cut_points, names, method)
    level = _levels(_tier_numbers(values), np.asarray(cut_points), method)
    cat = pd.Categorical.from_codes(level.astype("int64"), categories=names, ordered=True)
    return pd.Series(cat, index=values.index, name="tier")


def tier_economics(profit: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """Customers, revenue, cost-to-serve and profit per tier, with shares of the totals.

    Parameters
    ----------
    profit : DataFrame
        :func:`customer_profit` output (or any frame with ``revenue``, ``cost_to_serve``,
        ``profit``), indexed by customer.
    tiers : Series
        Tier per customer (same index), e.g. from :func:`assign_tiers`.

    Returns
    -------
    DataFrame
        Indexed by ``tier``: ``customers``, ``revenue``, ``cost_to_serve``, ``profit``,
        ``profit_per_customer`` and ``customers_share``, ``revenue_share``, ``profit_share``.

    Raises
    ------
    DataProblem
        Missing columns, or customers without a tier.

    Examples
    --------
    >>> p = pd.DataFrame({"revenue": [100.0, 50, 10], "cost_to_serve": [10.0, 20, 30],
    ...                   "profit": [60.0, 10, -25]}, index=["a", "b", "c"])
    >>> tier_economics(p, pd.Series(["top", "low", "low"], index=p.index))["profit"].to_dict()
    {'low': -15.0, 'top': 60.0}
    """
    need(profit, "profit table", ["revenue", "cost_to_serve", "profit"])
    t = tiers.reindex(profit.index)
    if t.isna().any():
        raise DataProblem(f"tier_economics: {int(t.isna().sum())} customer(s) have no tier, "
                          f"e.g. {sample_rows(profit.index[t.isna().to_numpy()])}.")
    g = profit[["revenue", "cost_to_serve", "profit"]].groupby(t, observed=False)
    out = g.sum()
    out.insert(0, "customers", g.size())
    out["profit_per_customer"] = out["profit"] / out["customers"].where(out["customers"] > 0)
    out["profit_per_customer"] = out["profit_per_customer"].fillna(0.0)
    for col in ("customers", "revenue", "profit"):
        total = out[col].sum()
        out[f"{col}_share"] = out[col] / total if total else 0.0
    out.index.name = "tier"
    return out
