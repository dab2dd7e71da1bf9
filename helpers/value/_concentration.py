"""Concentration of value: the Pareto curve, the top customers' share and the whale curve."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._inputs import finite_values

__all__ = ["concentration_curve", "top_share", "whale_curve", "whale_summary"]


def concentration_curve(values: pd.Series) -> pd.DataFrame:
    """Cumulative share of the total held by the top customers (the Pareto curve).

    Parameters
    ----------
    values : Series
        One value per customer (revenue, margin, profit …).

    Returns
    -------
    DataFrame
        ``customer_share`` (0 … 1) and ``value_share`` (cumulative value / total), customers
        ranked from the highest value down, starting at (0, 0). For profit this is the whale
        curve: ``value_share`` rises above 1 and falls back as loss-making customers are added.

    Raises
    ------
    DataProblem
        No customers, missing values, or a total of zero or below.

    Examples
    --------
    >>> concentration_curve(pd.Series([10.0, 30, 60]))["value_share"].tolist()
    [0.0, 0.6, 0.9, 1.0]
    """
    x = np.sort(finite_values(values, "concentration_curve"))[::-1]
    total = x.sum()
    if total <= 0:
        raise DataProblem("concentration_curve: the total is zero or negative, so shares of it "
                          "mean nothing. Check the sign of the values (profit of a loss-making "
                          "base?).")
    n = len(x)
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n,
                         "value_share": np.r_[0.0, np.cumsum(x)] / total})


def top_share(values: pd.Series, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of customers (``round(share * n)`` of them).

    Parameters
    ----------
    values : Series
        One value per customer.
    share : float
        Share of customers in (0, 1]; 0.2 reads the 80/20 rule.

    Returns
    -------
    float

    Raises
    ------
    DataProblem
        ``share`` outside (0, 1], missing values, or a total of zero or below.

    Examples
    --------
    >>> top_share(pd.Series([1.0, 1, 1, 1, 6]), 0.2)
    0.6
    """
    if not 0 < share <= 1:
        raise DataProblem(f"top_share: share must be in (0, 1], got {share!r}.")
    x = np.sort(finite_values(values, "top_share"))[::-1]
    total = x.sum()
    if total <= 0:
        raise DataProblem("top_share: the total is zero or negative; a share of it is "
                          "meaningless.")
    k = int(round(share * len(x)))
    return float(x[:k].sum() / total)


def whale_curve(profit: pd.Series) -> pd.DataFrame:
    """The whale curve: cumulative profit share against customers ranked by profit.

    Parameters
    ----------
    profit : Series
        Profit per customer.

    Returns
    -------
    DataFrame
        ``customer_share`` and ``profit_share`` (see :func:`concentration_curve`).

    Examples
    --------
    >>> whale_curve(pd.Series([150.0, -50]))["profit_share"].tolist()
    [0.0, 1.5, 1.0]
    """
    return concentration_curve(profit).rename(columns={"value_share": "profit_share"})


def whale_summary(profit: pd.Series, top: float = 0.2, bottom: float = 0.3) -> dict[str, float]:
    """The numbers behind the 80/20/30 reading of a whale curve.

    Parameters
    ----------
    profit : Series
        Profit per customer.
    top, bottom : float
        Shares of customers making up the top and the bottom group.

    Returns
    -------
    dict
        ``n_customers``, ``total_profit``; ``peak_share`` (height of the whale curve: profit of
        all profitable customers / total profit, above 1 when some customers lose money) and
        ``peak_at`` (share of customers at the peak); ``top_share`` (profit of the top ``top``
        customers / total); ``bottom_share`` (profit of the bottom ``bottom`` / total, negative
        when they lose money); ``bottom_giveback`` (share of the top group's profit that the
        bottom group gives back: ``-bottom profit / top profit``); ``unprofitable_share`` (share
        of customers with profit below 0); ``loss_share_of_peak`` (losses / profit of the
        profitable customers).

    Raises
    ------
    DataProblem
        Missing values, or a customer base that loses money as a whole.

    Examples
    --------
    >>> s = whale_summary(pd.Series([500.0, 300, 40, 30, 20, 20, 10, -50, -100, -170]))
    >>> round(s["top_share"], 3), round(s["bottom_giveback"], 3)
    (1.333, 0.4)
    """
    x = np.sort(finite_values(profit, "whale_summary"))[::-1]
    total = float(x.sum())
    if total <= 0:
        raise DataProblem(f"whale_summary: total profit is {total:,.0f}; the whole customer base "
                          "loses money, so shares of total profit cannot be read. Check the cost "
                          "rates (cost_rates.yaml) or the cost of goods.")
    n = len(x)
    k_top, k_bottom = int(round(top * n)), int(round(bottom * n))
    top_profit = float(x[:k_top].sum())
    bottom_profit = float(x[n - k_bottom:].sum()) if k_bottom else 0.0
    cum = np.cumsum(x)
    peak = int(np.argmax(cum))
    gains, losses = float(x[x > 0].sum()), float(-x[x < 0].sum())
    return {
        "n_customers": n,
        "total_profit": total,
        "peak_share": float(cum[peak] / total),
        "peak_at": float((peak + 1) / n),
        "top_share": top_profit / total,
        "bottom_share": bottom_profit / total,
        "bottom_giveback": float(-bottom_profit / top_profit) if top_profit > 0 else 0.0,
        "unprofitable_share": float((x < 0).mean()),
        "loss_share_of_peak": losses / gains if gains > 0 else 0.0,
    }
