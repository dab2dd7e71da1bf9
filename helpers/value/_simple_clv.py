"""Lifetime value without a model: what a customer brought so far, and margin × retention.

:func:`historical_clv` is the margin to date; :func:`simple_clv` the textbook formula
``m r / (1 + d - r)`` (or its sum over a horizon), with the retention from
:func:`period_retention`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from helpers.caveats import caveat, too_short
from helpers.errors import DataProblem, require_columns, sample_rows

from ._inputs import summary_column

__all__ = ["historical_clv", "period_retention", "simple_clv"]


def historical_clv(summary: pd.DataFrame, margin: float | pd.Series = 1.0,
                   value_col: str = "monetary_total") -> pd.Series:
    """Value a customer has brought in so far: money spent to date × margin.

    Parameters
    ----------
    summary : DataFrame
        :func:`helpers.segments.customer_summary` output (or a profit table).
    margin : float or Series
        A share of sales (0.3 = 30 %) or, per customer, a Series. With a profit table use
        ``value_col="profit"`` and ``margin=1``.
    value_col : str
        The column of money to date.

    Returns
    -------
    Series
        ``historical_clv`` per customer.

    Raises
    ------
    DataProblem
        Missing values, or customers without a margin.

    Examples
    --------
    >>> s = pd.DataFrame({"monetary_total": [100.0, 50.0]}, index=["a", "b"])
    >>> historical_clv(s, margin=0.3).tolist()
    [30.0, 15.0]
    """
    v, index = summary_column(summary, value_col, None)
    m = margin.reindex(index).to_numpy(dtype=float) if isinstance(margin, pd.Series) else margin
    out = pd.Series(v * m, index=index, name="historical_clv")
    if out.isna().any():
        raise DataProblem(f"historical_clv: margin missing for customers "
                          f"{sample_rows(out.index[out.isna()])}.")
    return out


def simple_clv(margin: Any, retention: Any, discount_rate: float,
               periods: int | None = None) -> Any:
    """Margin × retention CLV: ``sum_{t=1..N} m r^t / (1 + d)^t``; ``m r / (1 + d - r)`` for N = ∞.

    Parameters
    ----------
    margin : float or array-like
        Margin a customer brings per period (per year, say) while they stay.
    retention : float or array-like
        Probability a customer is still there the next period (0 ≤ r < 1).
    discount_rate : float
        Discount rate per period (0.1 = 10 % a year).
    periods : int, optional
        Horizon in periods; ``None`` for no horizon (the closed form).

    Returns
    -------
    float or ndarray
        The CLV (an array when any argument is one).

    Raises
    ------
    DataProblem
        Retention outside [0, 1), a discount rate of -1 or below, or a horizon of 0 or less.

    Notes
    -----
    The margin of a period is counted at its end, for customers retained into it (the textbook
    convention of Gupta & Lehmann). Add the current period's margin yourself if it is not yet
    earned.

    Examples
    --------
    >>> round(simple_clv(100.0, 0.8, 0.1), 2)
    266.67
    """
    m = np.asarray(margin, dtype=float)
    r = np.asarray(retention, dtype=float)
    if np.any((r < 0) | (r >= 1)) or not np.all(np.isfinite(r)):
        raise DataProblem(f"simple_clv: retention must be in [0, 1), got {sample_rows(np.ravel(r))}. "
                          "A retention of 1 (nobody ever leaves) has no finite value without "
                          "a horizon.")
    if not math.isfinite(discount_rate) or discount_rate <= -1:
        raise DataProblem(f"simple_clv: discount_rate must be above -1, got {discount_rate!r}.")
    if periods is None:
        out = m * r / (1 + discount_rate - r)
    else:
        if periods <= 0:
            raise DataProblem(f"simple_clv: periods (the horizon) must be positive, got "
                              f"{periods!r}; use None for no horizon.")
        q = r / (1 + discount_rate)
        out = m * np.where(np.isclose(q, 1.0), periods,
                           q * (1 - q ** periods) / np.where(np.isclose(q, 1.0), 1, 1 - q))
    return float(out) if np.ndim(out) == 0 else out


def period_retention(transactions: pd.DataFrame, as_of: Any, period_days: int = 365,
                     customer_col: str = "customer_id", date_col: str = "purchase_date") -> float:
    """Share of the customers who bought in the previous period that bought again in the last.

    The last period is the ``period_days`` calendar days ending with the day ``as_of`` (all of
    that day counts, whatever the time of a purchase), the previous one the ``period_days``
    before it. Returns are left out (negative amounts, ``is_return``).

    Parameters
    ----------
    transactions : DataFrame
        The course's transactions (customer, purchase date, amount).
    as_of : date-like
        The last day of the last period.
    period_days : int
        Length of a period in days (365: a year).
    customer_col, date_col : str
        Column names.

    Returns
    -------
    float
        Share between 0 and 1 (a :class:`~helpers.caveats.Caveat` when the data starts inside
        the previous period, so only part of its buyers are seen).

    Raises
    ------
    DataProblem
        Missing columns, a period of 0 days or less, or nobody buying in the previous period.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a"], "amount": [1.0, 1, 1],
    ...                    "purchase_date": pd.to_datetime(["2024-01-02", "2024-05-01",
    ...                                                     "2025-02-01"])})
    >>> period_retention(tx, "2025-12-31")
    0.5
    """
    require_columns(transactions, [customer_col, date_col], "transactions (period_retention)")
    if period_days <= 0:
        raise DataProblem(f"period_retention: period_days must be positive, got {period_days}.")
    end = pd.Timestamp(as_of).normalize()
    dates = pd.to_datetime(transactions[date_col], errors="coerce").dt.normalize()  # whole days
    keep = dates.notna()
    if "amount" in transactions.columns:
        keep &= pd.to_numeric(transactions["amount"], errors="coerce").fillna(0) >= 0
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).astype(bool)
    ids, d = transactions.loc[keep, customer_col], dates[keep]
    span = pd.Timedelta(days=period_days)
    last = set(ids[(d > end - span) & (d <= end)])
    before = set(ids[(d > end - 2 * span) & (d <= end - span)])
    if not before:
        raise DataProblem(f"period_retention: nobody bought between {end - 2 * span:%Y-%m-%d} "
                          f"and {end - span:%Y-%m-%d}; the data is shorter than two periods. "
                          "Choose a shorter period_days.")
    _coverage_caveat(d.min(), end - span, period_days)
    return len(before & last) / len(before)


def _coverage_caveat(first: pd.Timestamp, period_end: pd.Timestamp, period_days: int) -> None:
    """Warn when the data (first day ``first``) covers only part of the previous period."""
    covered = (period_end - max(first - pd.Timedelta(days=1),
                                period_end - pd.Timedelta(days=period_days))).days
    caveat(too_short(covered, period_days, "period_retention: the previous period", fix=(
        f"The data starts {first:%Y-%m-%d}, so few of that period's buyers are seen; the "
        "retention is biased. Choose a shorter period_days (at most half the data's span).")),
        stacklevel=4)

