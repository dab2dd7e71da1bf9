"""Aging (账龄): each open invoice's balance, days past due and stage; tables, ratio and DSO."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns

from ._common import as_date, invoice_rows
from ._stages import Stages, resolve_stages, stage_of
from ._validation import validate_receivables

__all__ = ["aging_table", "dso", "open_items", "overdue_ratio"]


def open_items(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
               stages: Stages | None = None, include_settled: bool = False,
               currency: str | None = None, overpayment: str = "error",
               validate: bool = True) -> pd.DataFrame:
    """Each invoice's balance, days past due and stage as of a date.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables. Only invoices issued and payments received on or before ``as_of`` count.
    as_of : date-like
        The aging date (the bundled data's is ``2025-12-31``).
    stages : Stages, optional
        Stage boundaries (default: the bundled file).
    include_settled : bool
        Keep invoices already paid in full (balance 0).
    currency, overpayment, validate
        Passed to :func:`validate_receivables`; ``validate=False`` skips the checks (only for
        the output of :func:`validate_receivables`).

    Returns
    -------
    DataFrame
        ``invoice_id, customer_id, issue_date, due_date, amount, paid, balance, days_past_due,
        stage`` (ordered categorical), one row per open invoice.

    Raises
    ------
    DataProblem
        Bad input (:func:`validate_receivables`); ``as_of`` not a date.

    Examples
    --------
    >>> inv = pd.DataFrame({"invoice_id": ["A", "B"], "customer_id": ["c1", "c2"],
    ...                     "issue_date": ["2025-10-01", "2025-12-01"],
    ...                     "due_date": ["2025-10-31", "2026-01-15"], "amount": [100.0, 300.0]})
    >>> pay = pd.DataFrame({"invoice_id": ["A"], "payment_date": ["2025-11-10"], "amount": [40]})
    >>> open_items(inv, pay, "2025-12-31")[["invoice_id", "balance", "days_past_due", "stage"]]
      invoice_id  balance  days_past_due stage
    0          A     60.0             61    M3
    1          B    300.0            -15    M0
    """
    st = resolve_stages(stages)
    day = as_date(as_of)
    if validate:
        inv, pay = validate_receivables(invoices, payments, currency, overpayment)
    else:
        inv, pay = invoices, payments
    out = _balances(inv[inv["issue_date"] <= day], pay.loc[pay["payment_date"] <= day],
                    st.tolerance)
    out["days_past_due"] = (day - out["due_date"]).dt.days.astype("int64")
    out["stage"] = stage_of(out["days_past_due"].to_numpy(), st)
    if not include_settled:
        out = out[out["balance"] > 0]
    return out.reset_index(drop=True)


def _balances(inv: pd.DataFrame, pay: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """Each invoice's amount paid (at most the amount) and balance (0 within ``tolerance``)."""
    rows = invoice_rows(inv["invoice_id"], pay["invoice_id"])
    hit = rows >= 0
    out = inv[["invoice_id", "customer_id", "issue_date", "due_date", "amount"]].copy()
    out["paid"] = np.bincount(rows[hit], weights=pay["amount"].to_numpy(dtype="float64")[hit],
                              minlength=len(inv))
    out["paid"] = np.minimum(out["paid"], out["amount"])
    out["balance"] = (out["amount"] - out["paid"]).round(2)
    out.loc[out["balance"] <= tolerance, "balance"] = 0.0
    return out


def aging_table(items: pd.DataFrame, by: str | None = "customer_id",
                value: str = "balance") -> pd.DataFrame:
    """Balances by stage (columns in stage order) and ``total``, per ``by`` or overall.

    Parameters
    ----------
    items : DataFrame
        From :func:`open_items`.
    by : str or None
        Column to group by (one row each, largest total first); ``None``: a single row per
        stage with ``stage, balance, invoices, share``.
    value : str
        The amount column to add up.

    Returns
    -------
    DataFrame

    Raises
    ------
    DataProblem
        If ``items`` lacks ``stage``, ``value`` or ``by``.
    """
    require_columns(items, ["stage", value], "open items")
    if by is None:
        g = items.groupby("stage", observed=False)
        out = pd.DataFrame({value: g[value].sum(), "invoices": g[value].size()})
        total = out[value].sum()
        out["share"] = out[value] / total if total else 0.0
        return out.reset_index()
    require_columns(items, [by], "open items")
    table = items.pivot_table(index=by, columns="stage", values=value, aggfunc="sum",
                              observed=False, fill_value=0.0)
    table.columns = [str(c) for c in table.columns]
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


def overdue_ratio(items: pd.DataFrame) -> float:
    """Share of the open balance that is past due (days past due > 0).

    Parameters
    ----------
    items : DataFrame
        From :func:`open_items`.

    Returns
    -------
    float
        0 when nothing is open.

    Raises
    ------
    DataProblem
        If ``items`` lacks ``balance`` or ``days_past_due``.
    """
    require_columns(items, ["balance", "days_past_due"], "open items")
    total = float(items["balance"].sum())
    if total <= 0:
        return 0.0
    return float(items.loc[items["days_past_due"] > 0, "balance"].sum() / total)


def dso(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any, window_days: int = 90,
        stages: Stages | None = None) -> float:
    """Days sales outstanding: receivables at ``as_of`` / credit sales of the last window × days.

    DSO = open balance / (invoiced amount in the ``window_days`` up to ``as_of``) × ``window_days``.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        The date.
    window_days : int
        Length of the sales window.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    float
        NaN (with no error) when nothing was invoiced in the window.

    Raises
    ------
    DataProblem
        If ``window_days`` is not positive, or the tables are unusable.
    """
    if window_days <= 0:
        raise DataProblem(f"dso: window_days must be positive, got {window_days!r}.")
    day = as_date(as_of)
    items = open_items(invoices, payments, day, stages)
    inv = invoices.assign(issue_date=pd.to_datetime(invoices["issue_date"]))
    recent = inv[(inv["issue_date"] > day - pd.Timedelta(days=window_days))
                 & (inv["issue_date"] <= day)]
    sales = float(recent["amount"].sum())
    return float(items["balance"].sum() / sales * window_days) if sales > 0 else float("nan")
