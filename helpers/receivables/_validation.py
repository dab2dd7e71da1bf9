"""Checks of invoices and payments: the problems that break aging, named with rows and a fix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns, rows_preview

from ._common import column_dates, invoice_rows

__all__ = ["INVOICE_COLS", "PAYMENT_COLS", "validate_receivables"]

INVOICE_COLS = ["invoice_id", "customer_id", "issue_date", "due_date", "amount"]
PAYMENT_COLS = ["invoice_id", "payment_date", "amount"]


def validate_receivables(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    currency: str | None = None,
    overpayment: str = "error",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check invoices and payments for the problems that break aging; return clean copies.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables ``invoices`` and ``payments``.
    currency : str, optional
        Keep only invoices in this currency. Without it, mixed currencies are an error (amounts
        in different currencies cannot be added; convert them first or pick one).
    overpayment : {"error", "cap"}
        Payments adding up to more than the invoice: raise (default), or ``"cap"``: count at most
        the invoice amount as paid (the excess is a credit outside receivables).

    Returns
    -------
    invoices, payments : DataFrame
        Copies with string identifiers, float amounts and parsed dates.

    Raises
    ------
    DataProblem
        Duplicate invoice numbers; amounts zero, negative or empty; due date before issue date;
        payments for unknown invoices, before the invoice was issued, or exceeding it; mixed
        currencies. Each message names the column, shows a few rows and says how to fix it.

    Examples
    --------
    >>> inv = pd.DataFrame({"invoice_id": ["A", "A"], "customer_id": ["c1", "c1"],
    ...                     "issue_date": ["2025-10-01"] * 2, "due_date": ["2025-10-31"] * 2,
    ...                     "amount": [100.0, 100.0]})
    >>> pay = pd.DataFrame({"invoice_id": [], "payment_date": [], "amount": []})
    >>> validate_receivables(inv, pay)
    Traceback (most recent call last):
    ...
    helpers.errors.DataProblem: invoices: column 'invoice_id' has 1 duplicate invoice number(s):...
    """
    require_columns(invoices, INVOICE_COLS, "invoices")
    require_columns(payments, PAYMENT_COLS, "payments")
    if overpayment not in ("error", "cap"):
        raise DataProblem(f"overpayment={overpayment!r}; use 'error' or 'cap'.")
    inv = invoices.copy()
    pay = payments.copy()
    inv["invoice_id"] = inv["invoice_id"].astype("string")
    pay["invoice_id"] = pay["invoice_id"].astype("string")
    _check_unique(inv)
    inv, pay = _one_currency(inv, pay, currency)
    _positive_amounts(inv, "invoices", INVOICE_COLS)
    _positive_amounts(pay, "payments", ["payment_id", *PAYMENT_COLS])
    _parse_dates(inv, pay)
    rows = _payments_match_invoices(inv, pay)
    if overpayment == "error":
        _no_overpayment(inv, pay, rows)
    return inv, pay


def _check_unique(inv: pd.DataFrame) -> None:
    dup = inv["invoice_id"].duplicated(keep=False)
    if dup.any():
        raise DataProblem(
            f"invoices: column 'invoice_id' has {int(inv.loc[dup, 'invoice_id'].nunique())} "
            f"duplicate invoice number(s):\n{rows_preview(inv, dup, INVOICE_COLS)}\n"
            "Each invoice must appear once: remove repeated export rows, or give credit notes "
            "and re-issues their own numbers."
        )


def _one_currency(inv: pd.DataFrame, pay: pd.DataFrame,
                  currency: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The invoices (and their payments) of ``currency``; mixed currencies without it: error."""
    if "currency" not in inv.columns:
        return inv, pay
    cur = inv["currency"].astype("string").fillna("CNY")
    if currency is not None:
        inv = inv.loc[(cur == currency).to_numpy()].copy()
        pay = pay[invoice_rows(inv["invoice_id"], pay["invoice_id"]) >= 0].copy()
    elif cur.nunique() > 1:
        counts = cur.value_counts().to_dict()
        raise DataProblem(
            f"invoices: column 'currency' mixes currencies {counts}; amounts in different "
            "currencies cannot be added. Convert them to one currency first, or pass "
            "currency='CNY' to age one currency at a time."
        )
    return inv, pay


def _positive_amounts(frame: pd.DataFrame, what: str, cols: list[str]) -> None:
    """Parse ``amount`` in place as float; empty, zero or negative amounts are an error."""
    amount = pd.to_numeric(frame["amount"], errors="coerce")
    bad = amount.isna() | (amount <= 0)
    if bad.any():
        raise DataProblem(
            f"{what}: column 'amount' has {int(bad.sum())} empty, zero or negative value(s):"
            f"\n{rows_preview(frame, bad, cols)}\nAmounts must be positive; book credit notes "
            "and refunds separately, not as negative invoices or payments."
        )
    frame["amount"] = amount.astype("float64")


def _parse_dates(inv: pd.DataFrame, pay: pd.DataFrame) -> None:
    """Parse the date columns in place; unreadable dates or due before issue: error."""
    inv["issue_date"] = column_dates(inv["issue_date"], "invoices", "issue_date")
    inv["due_date"] = column_dates(inv["due_date"], "invoices", "due_date")
    pay["payment_date"] = column_dates(pay["payment_date"], "payments", "payment_date")
    early = inv["due_date"] < inv["issue_date"]
    if early.any():
        raise DataProblem(
            f"invoices: column 'due_date' is before 'issue_date' in {int(early.sum())} row(s):\n"
            f"{rows_preview(inv, early, INVOICE_COLS)}\nCheck the date format (day/month "
            "swapped?) or the payment terms of those invoices."
        )


def _payments_match_invoices(inv: pd.DataFrame, pay: pd.DataFrame) -> np.ndarray:
    """Row of each payment's invoice; payments for unknown invoices or before issue: error."""
    rows = invoice_rows(inv["invoice_id"], pay["invoice_id"])
    known = pd.Series(rows >= 0, index=pay.index)
    if not known.all():
        raise DataProblem(
            f"payments: column 'invoice_id' names {int((~known).sum())} payment(s) for invoices "
            f"that are not in the invoices table:\n{rows_preview(pay, ~known, PAYMENT_COLS)}\n"
            "Load the matching invoices (same period and currency) or drop those payments."
        )
    issued = pd.Series(inv["issue_date"].to_numpy()[rows], index=pay.index)
    before = pay["payment_date"] < issued
    if before.any():
        shown = pay.assign(issue_date=issued)
        raise DataProblem(
            f"payments: column 'payment_date' is before the invoice's issue date in "
            f"{int(before.sum())} row(s):\n"
            f"{rows_preview(shown, before, ['invoice_id', 'issue_date', 'payment_date', 'amount'])}"
            "\nA prepayment is not a payment of an invoice: book it as a deposit, or fix the date."
        )
    return rows


def _no_overpayment(inv: pd.DataFrame, pay: pd.DataFrame, rows: np.ndarray) -> None:
    paid = np.bincount(rows, weights=pay["amount"].to_numpy(), minlength=len(inv))
    owed = inv["amount"].to_numpy()
    excess = (paid - owed) > 0.005
    if excess.any():
        over = pd.DataFrame({"invoice_id": inv["invoice_id"].to_numpy(), "invoiced": owed,
                             "paid": paid})
        raise DataProblem(
            f"payments: column 'amount' adds up to more than the invoice for "
            f"{int(excess.sum())} invoice(s):\n{rows_preview(over, excess, list(over))}\n"
            "Check for payments booked twice, or pass overpayment='cap' to count at most the "
            "invoice amount (the excess is a customer credit)."
        )
