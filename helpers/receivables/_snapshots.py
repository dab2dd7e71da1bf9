"""Month-end snapshots: every invoice's balance and stage at each month end, and the trend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns
from helpers.scale import is_path, snapshots_on_engine, use_engine

from ._common import as_date, invoice_rows
from ._stages import Stages, resolve_stages, stage_of
from ._validation import validate_receivables

__all__ = ["aging_trend", "month_end_snapshots", "month_ends"]


def month_ends(start: Any, end: Any) -> pd.DatetimeIndex:
    """Month-end dates from the month of ``start`` to the month of ``end`` (inclusive).

    Raises
    ------
    DataProblem
        If a date is unreadable or ``end`` is before ``start``.

    Examples
    --------
    >>> [str(d.date()) for d in month_ends("2025-01-15", "2025-03-02")]
    ['2025-01-31', '2025-02-28', '2025-03-31']
    """
    a, b = as_date(start, "start"), as_date(end, "end")
    if b < a:
        raise DataProblem(f"month_ends: end {b.date()} is before start {a.date()}.")
    return pd.date_range(a + pd.offsets.MonthEnd(0), b + pd.offsets.MonthEnd(0), freq="ME")


class _Grid(NamedTuple):
    """Invoice × snapshot rows: each invoice from its first snapshot on or after issue."""

    first: np.ndarray    # per invoice: index of its first snapshot
    lengths: np.ndarray  # per invoice: number of its rows
    offsets: np.ndarray  # per invoice: position of its first row
    inv_idx: np.ndarray  # per row: the invoice
    date_idx: np.ndarray  # per row: the snapshot


def _grid(issue: np.ndarray, ends: np.ndarray) -> _Grid:
    first = np.searchsorted(ends, issue, side="left")  # first snapshot on/after issue
    lengths = np.clip(len(ends) - first, 0, None)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    total = int(lengths.sum())
    inv_idx = np.repeat(np.arange(len(issue)), lengths)
    pos_in = np.arange(total) - np.repeat(offsets, lengths)
    return _Grid(first, lengths, offsets, inv_idx, np.repeat(first, lengths) + pos_in)


def _paid_per_row(grid: _Grid, inv: pd.DataFrame, pay: pd.DataFrame,
                  ends: np.ndarray) -> np.ndarray:
    """Money paid on each row's invoice since the previous snapshot (grid order)."""
    # payments land in the first snapshot on/after their date, at the earliest the invoice's first
    code = invoice_rows(inv["invoice_id"], pay["invoice_id"])
    keep = code >= 0
    code = code[keep]
    pdate = pay["payment_date"].to_numpy(dtype="datetime64[ns]")[keep]
    p_idx = np.maximum(np.searchsorted(ends, pdate, side="left"), grid.first[code])
    in_range = p_idx < len(ends)
    code, p_idx = code[in_range], p_idx[in_range]
    amounts = pay["amount"].to_numpy(dtype="float64")[keep][in_range]
    flat = grid.offsets[code] + (p_idx - grid.first[code])
    total = len(grid.inv_idx)
    return np.bincount(flat, weights=amounts, minlength=total) if total else np.zeros(0)


def _snapshot_dates(inv: pd.DataFrame, pay: pd.DataFrame,
                    dates: Sequence[Any] | pd.DatetimeIndex | None) -> np.ndarray:
    """The snapshot dates, sorted and unique (default: month ends over the whole book)."""
    if dates is None:
        dates = month_ends(inv["issue_date"].min(), max(inv["due_date"].max(),
                           pay["payment_date"].max() if len(pay) else inv["due_date"].max()))
    ends = pd.DatetimeIndex(pd.to_datetime(list(dates))).sort_values().unique()
    return ends.to_numpy(dtype="datetime64[ns]")


def _balances(grid: _Grid, paid_in: np.ndarray, amount: np.ndarray,
              tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Balance of each row, and of the invoice's previous row (``inf`` on its first row)."""
    offsets, lengths = grid.offsets, grid.lengths
    cum = np.cumsum(paid_in)
    # invoices issued after the last snapshot have no rows (and an offset past the end)
    first_row = np.minimum(offsets, len(cum) - 1)
    start_cum = np.repeat(cum[first_row] - paid_in[first_row], lengths) if len(cum) else cum
    bal = np.round(amount[grid.inv_idx] - (cum - start_cum), 2)
    bal[bal <= tolerance] = 0.0
    prev_bal = np.empty_like(bal)
    prev_bal[1:] = bal[:-1]
    is_start = np.zeros(len(bal), dtype=bool)
    is_start[offsets[lengths > 0]] = True
    prev_bal[is_start] = np.inf
    return bal, prev_bal


# Long: the docstring documents the file and engine arguments too
def month_end_snapshots(invoices: pd.DataFrame, payments: pd.DataFrame,
                        dates: Sequence[Any] | pd.DatetimeIndex | None = None,
                        stages: Stages | None = None, validate: bool = True, *,
                        engine: str | None = None, invoices_mapping: Any = None,
                        payments_mapping: Any = None) -> pd.DataFrame:
    """Every invoice's balance and stage at each month end (invoice-month rows).

    For each snapshot date, an invoice appears from the first date on or after its issue date
    until the first date at which it is settled (that row has ``balance`` 0, so the money that
    left the book is visible to :func:`flow_matrix`). Vectorised: no loop over invoices.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    dates : sequence of dates, optional
        Snapshot dates (default: every month end from the first issue to the last payment or
        due date).
    stages : Stages, optional
        Default: the bundled stages.
    validate : bool
        Run :func:`validate_receivables` first (turn off only for data already checked).
    engine : {None, "auto", "pandas", "duckdb"}
        Default: DuckDB (:mod:`helpers.scale`) when a table is a file path (CSV, Parquet, a
        folder of Parquet files; read by the engine, never loaded whole) or the invoices have
        at least ``helpers.scale.ENGINE_ROWS`` rows; pandas otherwise. Same result.
    invoices_mapping, payments_mapping : str, Path, dict or ColumnMapping, optional
        Column mappings of the files (``mappings/*.yaml``).

    Returns
    -------
    DataFrame
        ``date, invoice_id, customer_id, amount, balance, paid_in_period, days_past_due,
        stage``; ``paid_in_period`` is what was paid since the previous snapshot. From files,
        rows are ordered by invoice and date.

    Raises
    ------
    DataProblem
        Bad input, see :func:`validate_receivables`.
    """
    st = resolve_stages(stages)
    if use_engine(invoices, engine) or is_path(payments):  # files, or a very large book
        return snapshots_on_engine(invoices, payments, st, dates, validate, invoices_mapping,
                                   payments_mapping)
    if validate:
        inv, pay = validate_receivables(invoices, payments, overpayment="cap")
    else:
        inv, pay = invoices, payments
    ends_ns = _snapshot_dates(inv, pay, dates)
    inv = inv.reset_index(drop=True)
    grid = _grid(inv["issue_date"].to_numpy(dtype="datetime64[ns]"), ends_ns)
    paid_in = _paid_per_row(grid, inv, pay, ends_ns)
    inv_idx, amount = grid.inv_idx, inv["amount"].to_numpy(dtype="float64")
    bal, prev_bal = _balances(grid, paid_in, amount, st.tolerance)
    keep_row = (bal > 0) | (prev_bal > 0)  # rows while open, plus the first settled row
    snap_dates = ends_ns[grid.date_idx]
    due = inv["due_date"].to_numpy(dtype="datetime64[ns]")[inv_idx]
    dpd = ((snap_dates - due) // np.timedelta64(1, "D")).astype("int64")
    paid_period = np.minimum(paid_in, np.where(np.isfinite(prev_bal), prev_bal, amount[inv_idx]))
    out = pd.DataFrame({
        "date": snap_dates[keep_row],
        # take() keeps the identifiers in their (Arrow) string arrays: no Python objects
        "invoice_id": inv["invoice_id"].array.take(inv_idx[keep_row]),
        "customer_id": inv["customer_id"].array.take(inv_idx[keep_row]),
        "amount": amount[inv_idx[keep_row]],
        "balance": bal[keep_row],
        "paid_in_period": paid_period[keep_row],
        "days_past_due": dpd[keep_row],
    })
    out["stage"] = stage_of(out["days_past_due"].to_numpy(), st)
    return out


def aging_trend(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Open balance by month end (rows) and stage (columns): how the picture changes.

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`month_end_snapshots`.

    Returns
    -------
    DataFrame
        Indexed by ``date``, one column per stage.

    Raises
    ------
    DataProblem
        If ``snapshots`` lacks ``date``, ``stage`` or ``balance``.
    """
    require_columns(snapshots, ["date", "stage", "balance"], "snapshots")
    table = snapshots.pivot_table(index="date", columns="stage", values="balance",
                                  aggfunc="sum", observed=False, fill_value=0.0)
    table.columns = [str(c) for c in table.columns]
    return table
