"""Receivables (应收账款): aging, collection stages, roll rates, expected loss and who will pay.

The collection material organises the work by how far an invoice is past its due date:

======  ======================  ==========================================
stage   days past due           what the salesperson does
======  ======================  ==========================================
M0      0 or less (not due)     friendly reminder before the due date
M1      1-30                    call, find the reason, offer a solution
M2      31-60                   structured fact-finding (6W3H), incentives
M3      61-90                   firmer: emotional appeal, legal notice
M3+     more than 90            hand over: manager, legal, write-off
======  ======================  ==========================================

The boundaries live in ``helpers/config/collection_stages.yaml`` and may be edited. Everything
here is a pure function on the course tables ``invoices`` and ``payments`` (see
:mod:`helpers.tables`) that chains with ``.pipe``:

>>> items = open_items(invoices, payments, as_of="2025-12-31")          # doctest: +SKIP
>>> aging_table(items, by="customer_id")                                # doctest: +SKIP

Bad input (duplicate invoice numbers, non-positive amounts, due before issue, payments before the
invoice exists or larger than it, mixed currencies) raises
:class:`~helpers.data.loading.DataProblem` naming the rows and how to fix them; see
:func:`validate_receivables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns

__all__ = [
    "DataProblem",
    "Stages",
    "load_stages",
    "stage_of",
    "validate_receivables",
    "open_items",
    "aging_table",
    "overdue_ratio",
    "dso",
    "month_ends",
    "month_end_snapshots",
    "aging_trend",
    "flow_matrix",
    "roll_rates",
    "roll_forward_rates",
    "cure_rates",
    "loss_rates",
    "expected_loss",
    "payment_history",
    "classify_payment_behaviour",
    "BEHAVIOURS",
    "pay_features",
    "fit_pay_model",
    "predict_pay",
    "score_open_items",
    "read_credit_default",
    "credit_default_stages",
    "credit_default_transitions",
    "plot_aging",
    "plot_roll_rates",
    "plot_aging_trend",
    "aging_view",
    "explore_aging",
]

STAGES_FILE = "collection_stages.yaml"
PAID = "paid"
BEHAVIOURS = ("on_time", "after_reminder", "chronic_late", "partial_payer", "disputes",
              "unresponsive", "new_account")


# --------------------------------------------------------------------------- helpers


def _rows(frame: pd.DataFrame, mask: Any, cols: Sequence[str], n: int = 5) -> str:
    """A few offending rows as text, for error messages."""
    bad = frame.loc[np.asarray(mask, dtype=bool), [c for c in cols if c in frame.columns]]
    more = f" (and {int(np.sum(mask)) - n} more)" if int(np.sum(mask)) > n else ""
    return bad.head(n).to_string(index=False) + more


def _invoice_rows(invoice_ids: pd.Series, payment_invoice_ids: pd.Series) -> np.ndarray:
    """Row of each payment's invoice in ``invoice_ids`` (-1 if absent); ids must be unique.

    One factorisation of both columns together: much faster than ``isin``/``map`` on millions
    of string identifiers.
    """
    both = pd.concat([invoice_ids.astype("string"), payment_invoice_ids.astype("string")],
                     ignore_index=True)
    codes, uniques = pd.factorize(both)
    n = len(invoice_ids)
    row_of = np.full(len(uniques) + 1, -1, dtype="int64")
    row_of[codes[:n]] = np.arange(n)
    return row_of[codes[n:]]


def _need(frame: Any, cols: Sequence[str], what: str) -> None:
    require_columns(frame, cols, what)


def _dates(values: pd.Series, what: str, col: str) -> pd.Series:
    out = pd.to_datetime(values, errors="coerce")
    bad = out.isna() & values.notna()
    if bad.any() or out.isna().any():
        mask = out.isna()
        raise DataProblem(
            f"{what}: column {col!r} has {int(mask.sum())} empty or unreadable date(s), e.g. "
            f"{list(values[mask].head(5))}. Fix or remove those rows (dates like 2025-12-31)."
        )
    return out.astype("datetime64[ns]")


def _stamp(value: Any, name: str = "as_of") -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise DataProblem(f"{name}={value!r} is not a date; give e.g. '2025-12-31'.")
    return stamp.normalize()


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stages:
    """Collection stages: names in order of severity and their upper bounds in days past due."""

    names: tuple[str, ...]
    max_days: tuple[float, ...]  # last one is +inf
    urgency: tuple[float, ...]
    zh: tuple[str, ...] = ()
    charge_off: str = "M3+"
    tolerance: float = 0.01
    behaviour: Mapping[str, Any] | None = None
    source: str = STAGES_FILE

    @property
    def dtype(self) -> pd.CategoricalDtype:
        """Ordered categorical type of the stage column."""
        return pd.CategoricalDtype(list(self.names), ordered=True)

    def label(self, name: str) -> str:
        """Stage name with its day range, e.g. ``'M1 (1-30 d)'``."""
        i = self.names.index(name)
        lo = -np.inf if i == 0 else self.max_days[i - 1] + 1
        hi = self.max_days[i]
        if i == 0:
            return f"{name} (not due)"
        return f"{name} ({lo:g}+ d)" if np.isinf(hi) else f"{name} ({lo:g}-{hi:g} d)"


_STAGE_KEYS = {"name", "zh", "max_days", "urgency"}
_TOP_KEYS = {"stages", "charge_off_stage", "settled_tolerance", "behaviour"}


def _stage_problem(source: str, key: str, message: str) -> DataProblem:
    return DataProblem(f"{source}: key {key!r} {message}.")


def validate_stages(raw: Any, source: str = STAGES_FILE) -> Stages:
    """Check a stages configuration (already parsed from YAML) and return :class:`Stages`.

    Raises
    ------
    DataProblem
        Naming the file and the key: unknown keys, missing names, bounds that do not increase,
        a last stage with an upper bound, an unknown charge-off stage.
    """
    if not isinstance(raw, Mapping) or "stages" not in raw:
        raise _stage_problem(source, "stages", "is missing: the file must list the stages")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _stage_problem(source, sorted(unknown)[0],
                             f"is not a known setting (known: {sorted(_TOP_KEYS)})")
    items = raw["stages"]
    if not isinstance(items, list) or len(items) < 2:
        raise _stage_problem(source, "stages", "must be a list of at least two stages")
    names, bounds, urgency, zh = [], [], [], []
    for i, item in enumerate(items):
        where = f"stages[{i}]"
        if not isinstance(item, Mapping):
            raise _stage_problem(source, where, "must be a mapping with name and max_days")
        extra = set(item) - _STAGE_KEYS
        if extra:
            raise _stage_problem(source, f"{where}.{sorted(extra)[0]}",
                                 f"is not a known field (known: {sorted(_STAGE_KEYS)})")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _stage_problem(source, f"{where}.name", "must be a non-empty text")
        if name in names:
            raise _stage_problem(source, f"{where}.name", f"repeats the stage {name!r}")
        hi = item.get("max_days", "missing")
        last = i == len(items) - 1
        if last:
            if hi is not None:
                raise _stage_problem(source, f"{where}.max_days",
                                     "must be null for the last stage (no upper limit)")
            hi = np.inf
        elif isinstance(hi, bool) or not isinstance(hi, int | float):
            raise _stage_problem(source, f"{where}.max_days", f"must be a number, got {hi!r}")
        if bounds and not hi > bounds[-1]:
            raise _stage_problem(source, f"{where}.max_days",
                                 f"must be larger than the previous stage's ({bounds[-1]:g})")
        u = item.get("urgency", 1.0)
        if isinstance(u, bool) or not isinstance(u, int | float) or not 0 <= u <= 1:
            raise _stage_problem(source, f"{where}.urgency", f"must be between 0 and 1, got {u!r}")
        names.append(name)
        bounds.append(float(hi))
        urgency.append(float(u))
        zh.append(str(item.get("zh", "")))
    charge = raw.get("charge_off_stage", names[-1])
    if charge not in names:
        raise _stage_problem(source, "charge_off_stage", f"is {charge!r}, not one of {names}")
    tol = raw.get("settled_tolerance", 0.01)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or tol < 0:
        raise _stage_problem(source, "settled_tolerance", f"must be a number >= 0, got {tol!r}")
    behaviour = raw.get("behaviour") or {}
    if not isinstance(behaviour, Mapping):
        raise _stage_problem(source, "behaviour", "must be a mapping of rules")
    return Stages(tuple(names), tuple(bounds), tuple(urgency), tuple(zh), charge, float(tol),
                  dict(behaviour), source)


def load_stages(path: str | Path | None = None) -> Stages:
    """Load and validate the stages file (default ``helpers/config/collection_stages.yaml``)."""
    import yaml

    from helpers.paths import config_file

    chosen = config_file(STAGES_FILE, path)
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataProblem(f"{chosen}: not valid YAML ({exc}).") from None
    return validate_stages(raw, str(chosen))


def _stages(stages: Stages | None) -> Stages:
    return load_stages() if stages is None else stages


def stage_of(days_past_due: Any, stages: Stages | None = None) -> pd.Categorical:
    """Stage of each number of days past due (an ordered categorical).

    Examples
    --------
    >>> list(stage_of([-5, 0, 1, 30, 31, 61, 91]))          # doctest: +SKIP
    ['M0', 'M0', 'M1', 'M1', 'M2', 'M3', 'M3+']
    """
    st = _stages(stages)
    days = np.asarray(days_past_due, dtype="float64")
    if np.isnan(days).any():
        raise DataProblem("stage_of: days past due contain empty values; compute them from a "
                          "due date and an as-of date first.")
    codes = np.searchsorted(np.asarray(st.max_days[:-1]), days, side="left")
    return pd.Categorical.from_codes(codes.astype("int8"), dtype=st.dtype)


# --------------------------------------------------------------------------- validation


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

    Raises
    ------
    DataProblem
        Duplicate invoice numbers; amounts zero, negative or empty; due date before issue date;
        payments for unknown invoices, before the invoice was issued, or exceeding it; mixed
        currencies. Each message names the column, shows a few rows and says how to fix it.
    """
    _need(invoices, INVOICE_COLS, "invoices")
    _need(payments, PAYMENT_COLS, "payments")
    if overpayment not in ("error", "cap"):
        raise DataProblem(f"overpayment={overpayment!r}; use 'error' or 'cap'.")
    inv = invoices.copy()
    pay = payments.copy()
    inv["invoice_id"] = inv["invoice_id"].astype("string")
    pay["invoice_id"] = pay["invoice_id"].astype("string")
    dup = inv["invoice_id"].duplicated(keep=False)
    if dup.any():
        raise DataProblem(
            f"invoices: column 'invoice_id' has {int(inv.loc[dup, 'invoice_id'].nunique())} "
            f"duplicate invoice number(s):\n{_rows(inv, dup, INVOICE_COLS)}\n"
            "Each invoice must appear once: remove repeated export rows, or give credit notes "
            "and re-issues their own numbers."
        )
    if "currency" in inv.columns:
        cur = inv["currency"].astype("string").fillna("CNY")
        if currency is not None:
            inv = inv.loc[(cur == currency).to_numpy()].copy()
            pay = pay[_invoice_rows(inv["invoice_id"], pay["invoice_id"]) >= 0].copy()
        elif cur.nunique() > 1:
            counts = cur.value_counts().to_dict()
            raise DataProblem(
                f"invoices: column 'currency' mixes currencies {counts}; amounts in different "
                "currencies cannot be added. Convert them to one currency first, or pass "
                "currency='CNY' to age one currency at a time."
            )
    for frame, what in ((inv, "invoices"), (pay, "payments")):
        amount = pd.to_numeric(frame["amount"], errors="coerce")
        bad = amount.isna() | (amount <= 0)
        if bad.any():
            cols = INVOICE_COLS if what == "invoices" else ["payment_id", *PAYMENT_COLS]
            raise DataProblem(
                f"{what}: column 'amount' has {int(bad.sum())} empty, zero or negative value(s):"
                f"\n{_rows(frame, bad, cols)}\nAmounts must be positive; book credit notes and "
                "refunds separately, not as negative invoices or payments."
            )
        frame["amount"] = amount.astype("float64")
    inv["issue_date"] = _dates(inv["issue_date"], "invoices", "issue_date")
    inv["due_date"] = _dates(inv["due_date"], "invoices", "due_date")
    pay["payment_date"] = _dates(pay["payment_date"], "payments", "payment_date")
    early = inv["due_date"] < inv["issue_date"]
    if early.any():
        raise DataProblem(
            f"invoices: column 'due_date' is before 'issue_date' in {int(early.sum())} row(s):\n"
            f"{_rows(inv, early, INVOICE_COLS)}\nCheck the date format (day/month swapped?) "
            "or the payment terms of those invoices."
        )
    rows = _invoice_rows(inv["invoice_id"], pay["invoice_id"])
    known = pd.Series(rows >= 0, index=pay.index)
    if not known.all():
        raise DataProblem(
            f"payments: column 'invoice_id' names {int((~known).sum())} payment(s) for invoices "
            f"that are not in the invoices table:\n{_rows(pay, ~known, PAYMENT_COLS)}\n"
            "Load the matching invoices (same period and currency) or drop those payments."
        )
    issued = pd.Series(inv["issue_date"].to_numpy()[rows], index=pay.index)
    before = pay["payment_date"] < issued
    if before.any():
        shown = pay.assign(issue_date=issued)
        raise DataProblem(
            f"payments: column 'payment_date' is before the invoice's issue date in "
            f"{int(before.sum())} row(s):\n"
            f"{_rows(shown, before, ['invoice_id', 'issue_date', 'payment_date', 'amount'])}\n"
            "A prepayment is not a payment of an invoice: book it as a deposit, or fix the date."
        )
    paid = np.bincount(rows, weights=pay["amount"].to_numpy(), minlength=len(inv))
    owed = inv["amount"].to_numpy()
    excess = (paid - owed) > 0.005
    if excess.any():
        if overpayment == "error":
            over = pd.DataFrame({"invoice_id": inv["invoice_id"].to_numpy(), "invoiced": owed,
                                 "paid": paid})
            raise DataProblem(
                f"payments: column 'amount' adds up to more than the invoice for "
                f"{int(excess.sum())} invoice(s):\n{_rows(over, excess, list(over))}\n"
                "Check for payments booked twice, or pass overpayment='cap' to count at most the "
                "invoice amount (the excess is a customer credit)."
            )
    return inv, pay


# --------------------------------------------------------------------------- aging


def open_items(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    as_of: Any,
    stages: Stages | None = None,
    include_settled: bool = False,
    currency: str | None = None,
    overpayment: str = "error",
    validate: bool = True,
) -> pd.DataFrame:
    """Each invoice's balance, days past due and stage as of a date.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables. Only invoices issued and payments received on or before ``as_of`` count.
    as_of : date-like
        The aging date (the bundled data's is ``2025-12-31``).
    stages : Stages, optional
        Stage boundaries (default: the YAML file).
    include_settled : bool
        Keep invoices already paid in full (balance 0).
    currency, overpayment
        Passed to :func:`validate_receivables`.
    validate : bool
        Check the tables first (turn off only for the output of :func:`validate_receivables`).

    Returns
    -------
    DataFrame
        ``invoice_id, customer_id, issue_date, due_date, amount, paid, balance, days_past_due,
        stage`` (ordered categorical), one row per open invoice.
    """
    st = _stages(stages)
    day = _stamp(as_of)
    if validate:
        inv, pay = validate_receivables(invoices, payments, currency, overpayment)
    else:
        inv, pay = invoices, payments
    inv = inv[inv["issue_date"] <= day]
    pay = pay.loc[pay["payment_date"] <= day]
    rows = _invoice_rows(inv["invoice_id"], pay["invoice_id"])
    hit = rows >= 0
    out = inv[["invoice_id", "customer_id", "issue_date", "due_date", "amount"]].copy()
    out["paid"] = np.bincount(rows[hit], weights=pay["amount"].to_numpy(dtype="float64")[hit],
                              minlength=len(inv))
    out["paid"] = np.minimum(out["paid"], out["amount"])
    out["balance"] = (out["amount"] - out["paid"]).round(2)
    out.loc[out["balance"] <= st.tolerance, "balance"] = 0.0
    out["days_past_due"] = (day - out["due_date"]).dt.days.astype("int64")
    out["stage"] = stage_of(out["days_past_due"].to_numpy(), st)
    if not include_settled:
        out = out[out["balance"] > 0]
    return out.reset_index(drop=True)


def aging_table(items: pd.DataFrame, by: str | None = "customer_id",
                value: str = "balance") -> pd.DataFrame:
    """Balances by stage (columns in stage order) and ``total``, per ``by`` or overall.

    With ``by=None`` a single row per stage: ``stage, balance, invoices, share``.
    """
    _need(items, ["stage", value], "open items")
    if by is None:
        g = items.groupby("stage", observed=False)
        out = pd.DataFrame({value: g[value].sum(), "invoices": g[value].size()})
        total = out[value].sum()
        out["share"] = out[value] / total if total else 0.0
        return out.reset_index()
    _need(items, [by], "open items")
    table = items.pivot_table(index=by, columns="stage", values=value, aggfunc="sum",
                              observed=False, fill_value=0.0)
    table.columns = [str(c) for c in table.columns]
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


def overdue_ratio(items: pd.DataFrame) -> float:
    """Share of the open balance that is past due (days past due > 0)."""
    _need(items, ["balance", "days_past_due"], "open items")
    total = float(items["balance"].sum())
    if total <= 0:
        return 0.0
    return float(items.loc[items["days_past_due"] > 0, "balance"].sum() / total)


def dso(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any, window_days: int = 90,
        stages: Stages | None = None) -> float:
    """Days sales outstanding: receivables at ``as_of`` / credit sales of the last window × days.

    DSO = open balance / (invoiced amount in the ``window_days`` up to ``as_of``) × ``window_days``.
    Returns NaN (with no error) when nothing was invoiced in the window.
    """
    if window_days <= 0:
        raise DataProblem(f"dso: window_days must be positive, got {window_days!r}.")
    day = _stamp(as_of)
    items = open_items(invoices, payments, day, stages)
    inv = invoices.assign(issue_date=pd.to_datetime(invoices["issue_date"]))
    recent = inv[(inv["issue_date"] > day - pd.Timedelta(days=window_days))
                 & (inv["issue_date"] <= day)]
    sales = float(recent["amount"].sum())
    return float(items["balance"].sum() / sales * window_days) if sales > 0 else float("nan")


# --------------------------------------------------------------------------- month ends


def month_ends(start: Any, end: Any) -> pd.DatetimeIndex:
    """Month-end dates from the month of ``start`` to the month of ``end`` (inclusive)."""
    a, b = _stamp(start, "start"), _stamp(end, "end")
    if b < a:
        raise DataProblem(f"month_ends: end {b.date()} is before start {a.date()}.")
    return pd.date_range(a + pd.offsets.MonthEnd(0), b + pd.offsets.MonthEnd(0), freq="ME")


def month_end_snapshots(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    dates: Sequence[Any] | pd.DatetimeIndex | None = None,
    stages: Stages | None = None,
    validate: bool = True,
) -> pd.DataFrame:
    """Every invoice's balance and stage at each month end (invoice-month rows).

    For each snapshot date, an invoice appears from the first date on or after its issue date
    until the first date at which it is settled (that row has ``balance`` 0, so the money that
    left the book is visible to :func:`flow_matrix`). Vectorised: no loop over invoices.

    Parameters
    ----------
    dates : sequence of dates, optional
        Snapshot dates (default: every month end from the first issue to the last payment or
        due date).
    validate : bool
        Run :func:`validate_receivables` first (turn off only for data already checked).

    Returns
    -------
    DataFrame
        ``date, invoice_id, customer_id, amount, balance, paid_in_period, days_past_due,
        stage``; ``paid_in_period`` is what was paid since the previous snapshot.
    """
    st = _stages(stages)
    if validate:
        inv, pay = validate_receivables(invoices, payments, overpayment="cap")
    else:
        inv, pay = invoices, payments
    if dates is None:
        dates = month_ends(inv["issue_date"].min(), max(inv["due_date"].max(),
                           pay["payment_date"].max() if len(pay) else inv["due_date"].max()))
    ends = pd.DatetimeIndex(pd.to_datetime(list(dates))).sort_values().unique()
    ends_ns = ends.to_numpy(dtype="datetime64[ns]")
    n_dates = len(ends_ns)
    inv = inv.reset_index(drop=True)
    issue = inv["issue_date"].to_numpy(dtype="datetime64[ns]")
    first = np.searchsorted(ends_ns, issue, side="left")  # first snapshot on/after issue
    lengths = np.clip(n_dates - first, 0, None)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    total = int(lengths.sum())
    inv_idx = np.repeat(np.arange(len(inv)), lengths)
    pos_in = np.arange(total) - np.repeat(offsets, lengths)
    date_idx = np.repeat(first, lengths) + pos_in
    # payments land in the first snapshot on/after their date, at the earliest the invoice's first
    code = _invoice_rows(inv["invoice_id"], pay["invoice_id"])
    keep = code >= 0
    code = code[keep]
    pdate = pay["payment_date"].to_numpy(dtype="datetime64[ns]")[keep]
    p_idx = np.maximum(np.searchsorted(ends_ns, pdate, side="left"), first[code])
    in_range = p_idx < n_dates
    code, p_idx = code[in_range], p_idx[in_range]
    amounts = pay["amount"].to_numpy(dtype="float64")[keep][in_range]
    flat = offsets[code] + (p_idx - first[code])
    paid_in = np.bincount(flat, weights=amounts, minlength=total) if total else np.zeros(0)
    cum = np.cumsum(paid_in)
    start_cum = np.repeat(cum[offsets] - paid_in[offsets], lengths) if total else cum
    paid_to_date = cum - start_cum
    amount = inv["amount"].to_numpy(dtype="float64")
    bal = np.round(amount[inv_idx] - paid_to_date, 2)
    bal[bal <= st.tolerance] = 0.0
    # keep rows while open, plus the first settled row
    prev_bal = np.empty_like(bal)
    prev_bal[1:] = bal[:-1]
    is_start = np.zeros(total, dtype=bool)
    is_start[offsets[lengths > 0]] = True
    prev_bal[is_start] = np.inf
    keep_row = (bal > 0) | (prev_bal > 0)
    snap_dates = ends_ns[date_idx]
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
    """Open balance by month end (rows) and stage (columns): how the picture changes."""
    _need(snapshots, ["date", "stage", "balance"], "snapshots")
    table = snapshots.pivot_table(index="date", columns="stage", values="balance",
                                  aggfunc="sum", observed=False, fill_value=0.0)
    table.columns = [str(c) for c in table.columns]
    return table


# --------------------------------------------------------------------------- roll rates


def _transitions(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Pairs (stage at t, where that balance is at t+1) for consecutive snapshots."""
    _need(snapshots, ["date", "invoice_id", "stage", "balance", "paid_in_period"], "snapshots")
    s = snapshots.sort_values(["invoice_id", "date"], kind="stable")
    same = s["invoice_id"].to_numpy()[1:] == s["invoice_id"].to_numpy()[:-1]
    prev = s.iloc[:-1][same]
    nxt = s.iloc[1:][same]
    return pd.DataFrame({
        "date": nxt["date"].to_numpy(),
        "from_stage": prev["stage"].to_numpy(),
        "to_stage": nxt["stage"].to_numpy(),
        "start_balance": prev["balance"].to_numpy(),
        "end_balance": nxt["balance"].to_numpy(),
        "paid": nxt["paid_in_period"].to_numpy(),
    })


def flow_matrix(
    snapshots: pd.DataFrame | None = None,
    transitions: pd.DataFrame | None = None,
    stages: Stages | None = None,
    normalise: bool = False,
) -> pd.DataFrame:
    """Where each stage's balance went by the next month end: stages plus ``paid``.

    A row is the balance that was in a stage at one month end, summed over all consecutive pairs
    of month ends; its columns say how much of it sat in each stage a month later and how much was
    paid in between. Balance is conserved: each row sums to the balance it started with.

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`month_end_snapshots` (or any table with the same columns).
    transitions : DataFrame, optional
        Precomputed pairs with ``from_stage, to_stage, start_balance, end_balance, paid``
        (the credit-default helper builds these).
    normalise : bool
        Divide each row by its total: the roll-rate matrix (rows sum to 1).
    """
    st = _stages(stages)
    t = _transitions(snapshots) if transitions is None else transitions
    t = t[t["start_balance"] > 0]
    cols = [*st.names, PAID]
    stay = t.pivot_table(index="from_stage", columns="to_stage", values="end_balance",
                         aggfunc="sum", observed=False, fill_value=0.0)
    stay = stay.reindex(index=list(st.names), columns=cols, fill_value=0.0)
    stay.index = pd.CategoricalIndex(stay.index, dtype=st.dtype, name="from_stage")
    paid = t.groupby("from_stage", observed=False)["paid"].sum()
    stay[PAID] = paid.reindex(list(st.names)).fillna(0.0).to_numpy()
    stay.columns = pd.Index(cols, name="to")
    if normalise:
        totals = stay.sum(axis=1)
        stay = stay.div(totals.where(totals > 0), axis=0)
    return stay


def roll_rates(snapshots: pd.DataFrame | None = None, transitions: pd.DataFrame | None = None,
               stages: Stages | None = None) -> pd.DataFrame:
    """The roll-rate (flow-rate) matrix: :func:`flow_matrix` with rows summing to 1.

    Stages that held no balance get a row of NaN (nothing to divide by).
    """
    return flow_matrix(snapshots, transitions, stages, normalise=True)


def roll_forward_rates(rates: pd.DataFrame, stages: Stages | None = None) -> pd.Series:
    """Share of each stage's balance that moved to a worse stage a month later."""
    st = _stages(stages)
    names = list(st.names)
    out = {}
    for i, s in enumerate(names):
        out[s] = float(rates.loc[s, names[i + 1:]].sum()) if i + 1 < len(names) else float(
            rates.loc[s, s])
    return pd.Series(out, name="roll_forward")


def cure_rates(rates: pd.DataFrame, stages: Stages | None = None) -> pd.Series:
    """Share of each stage's balance that was paid or moved back to a milder stage."""
    st = _stages(stages)
    names = list(st.names)
    out = {s: float(rates.loc[s, [*names[:i], PAID]].sum()) for i, s in enumerate(names)}
    return pd.Series(out, name="cure")


def loss_rates(rates: pd.DataFrame, stages: Stages | None = None) -> pd.Series:
    """Loss rate of each stage: the roll-forward rates chained up to the charge-off stage.

    For stage *i* before charge-off *c*, ``loss = r_i × r_{i+1} × … × r_{c-1}``; the charge-off
    stage's own loss rate is 1. Stages beyond charge-off also count as lost.
    """
    st = _stages(stages)
    names = list(st.names)
    fwd = roll_forward_rates(rates, st).fillna(0.0)
    c = names.index(st.charge_off)
    out = {}
    for i, s in enumerate(names):
        out[s] = 1.0 if i >= c else float(np.prod([fwd[n] for n in names[i:c]]))
    return pd.Series(out, name="loss_rate")


def expected_loss(items: pd.DataFrame, rates: pd.DataFrame,
                  stages: Stages | None = None) -> pd.DataFrame:
    """Open balance, loss rate and expected loss per stage (plus a ``total`` row)."""
    st = _stages(stages)
    _need(items, ["stage", "balance"], "open items")
    bal = items.groupby("stage", observed=False)["balance"].sum().reindex(list(st.names),
                                                                          fill_value=0.0)
    lr = loss_rates(rates, st)
    out = pd.DataFrame({"balance": bal.to_numpy(), "loss_rate": lr.reindex(bal.index).to_numpy()},
                       index=pd.Index(list(st.names), name="stage"))
    out["expected_loss"] = out["balance"] * out["loss_rate"]
    out.loc["total"] = [out["balance"].sum(), np.nan, out["expected_loss"].sum()]
    tot = out.loc["total", "balance"]
    out.loc["total", "loss_rate"] = out.loc["total", "expected_loss"] / tot if tot else 0.0
    return out


# --------------------------------------------------------------------------- behaviour


def payment_history(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
                    stages: Stages | None = None, validate: bool = True) -> pd.DataFrame:
    """Per invoice due by ``as_of``: when and how it was paid (the input to behaviour classes).

    Returns ``invoice_id, customer_id, due_date, amount, paid, n_payments, settled_date,
    days_late`` (days after due date at settlement, or so far if open), ``settled``, ``late``,
    ``partial`` (paid in two or more parts, or part-paid and open), ``unpaid`` (nothing paid).
    """
    st = _stages(stages)
    day = _stamp(as_of)
    if validate:
        inv, pay = validate_receivables(invoices, payments, overpayment="cap")
    else:
        inv, pay = invoices, payments
    inv = inv[inv["due_date"] <= day]
    pay = pay[pay["payment_date"] <= day].sort_values("payment_date", kind="stable")
    pay = pay.assign(cum=pay.groupby("invoice_id", observed=True)["amount"].cumsum())
    amt = pay["invoice_id"].map(inv.set_index("invoice_id")["amount"])
    settle = pay[pay["cum"] >= amt - st.tolerance].groupby("invoice_id", observed=True)[
        "payment_date"].min()
    g = pay.groupby("invoice_id", observed=True)["amount"]
    out = inv[["invoice_id", "customer_id", "due_date", "amount"]].copy()
    out["paid"] = np.minimum(out["invoice_id"].map(g.sum()).fillna(0.0), out["amount"])
    out["n_payments"] = out["invoice_id"].map(g.size()).fillna(0).astype("int64")
    out["settled_date"] = out["invoice_id"].map(settle)
    out["settled"] = out["settled_date"].notna()
    end = out["settled_date"].fillna(day)
    out["days_late"] = np.maximum((end - out["due_date"]).dt.days, 0).astype("int64")
    out["late"] = out["days_late"] > 0
    out["partial"] = (out["n_payments"] >= 2) | (~out["settled"] & (out["paid"] > 0))
    out["unpaid"] = out["paid"] <= 0
    return out.reset_index(drop=True)


def classify_payment_behaviour(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    as_of: Any,
    service_contacts: pd.DataFrame | None = None,
    stages: Stages | None = None,
    rules: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Payment behaviour class of each customer with invoices due by ``as_of``.

    Classes, tested in this order (thresholds in ``collection_stages.yaml`` under ``behaviour``):
    ``new_account`` (too few due invoices to judge), ``unresponsive`` (most due invoices without a
    cent and nothing paid lately), ``disputes`` (repeated complaints and overdue money),
    ``partial_payer``, ``chronic_late``, ``after_reminder`` (late, mostly within M1), ``on_time``.

    Every customer with an invoice issued by ``as_of`` gets a row (``new_account`` when none is
    due yet).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``invoices_due, late_share, median_days_late,
        partial_share, unpaid_share, days_since_payment, complaints, overdue_balance,
        behaviour``.
    """
    st = _stages(stages)
    r = dict(st.behaviour or {})
    r.update(rules or {})
    day = _stamp(as_of)
    hist = payment_history(invoices, payments, day, st)
    g = hist.groupby("customer_id", observed=True)
    settled = hist[hist["settled"]]
    out = pd.DataFrame({
        "invoices_due": g.size(),
        "late_share": g["late"].mean(),
        "median_days_late": settled[settled["late"]].groupby("customer_id", observed=True)[
            "days_late"].median(),
        "partial_share": g["partial"].mean(),
        "unpaid_share": g["unpaid"].mean(),
        "overdue_balance": (hist["amount"] - hist["paid"]).groupby(hist["customer_id"]).sum(),
    })
    # customers whose invoices are all still before their due date: nothing to judge yet
    issued = pd.to_datetime(invoices["issue_date"], errors="coerce") <= day
    everyone = pd.Index(invoices.loc[issued, "customer_id"].unique())
    out = out.reindex(out.index.union(everyone))
    out["invoices_due"] = out["invoices_due"].fillna(0).astype("int64")
    out = out.fillna({c: 0.0 for c in ("late_share", "partial_share", "unpaid_share",
                                       "overdue_balance")})
    out["median_days_late"] = out["median_days_late"].fillna(0.0)
    pay = payments.assign(payment_date=pd.to_datetime(payments["payment_date"]))
    last = pay[pay["payment_date"] <= day].groupby("customer_id")["payment_date"].max()
    out["days_since_payment"] = (day - out.index.map(last).astype("datetime64[ns]")).days
    out["days_since_payment"] = out["days_since_payment"].fillna(9999).astype("int64")
    if service_contacts is not None and len(service_contacts):
        _need(service_contacts, ["customer_id", "contacted_at", "kind"], "service_contacts")
        sc = service_contacts
        when = pd.to_datetime(sc["contacted_at"])
        window = pd.Timedelta(days=int(r.get("disputes", {}).get("window_days", 730)))
        recent = (sc["kind"] == "complaint") & (when <= day + pd.Timedelta(days=1)) & (
            when > day - window)
        out["complaints"] = out.index.map(sc[recent].groupby("customer_id").size()).fillna(0)
    else:
        out["complaints"] = 0
    out["complaints"] = out["complaints"].astype("int64")
    ur, di = r.get("unresponsive", {}), r.get("disputes", {})
    pp, cl, ar = r.get("partial_payer", {}), r.get("chronic_late", {}), r.get("after_reminder", {})
    conditions = [
        out["invoices_due"] < int(r.get("min_invoices", 2)),
        (out["unpaid_share"] >= ur.get("unpaid_share_min", 0.5))
        & (out["days_since_payment"] >= ur.get("days_since_payment_min", 90)),
        (out["complaints"] >= di.get("complaints_min", 2))
        & (out["late_share"] >= di.get("overdue_share_min", 0.2)),
        out["partial_share"] >= pp.get("partial_share_min", 0.3),
        (out["late_share"] >= cl.get("late_share_min", 0.5))
        & (out["median_days_late"] >= cl.get("median_days_late_min", 30)),
        out["late_share"] >= ar.get("late_share_min", 0.25),
    ]
    choices = ["new_account", "unresponsive", "disputes", "partial_payer", "chronic_late",
               "after_reminder"]
    out["behaviour"] = pd.Categorical(np.select(conditions, choices, default="on_time"),
                                      categories=list(BEHAVIOURS))
    out.index.name = "customer_id"
    return out


# --------------------------------------------------------------------------- probability to pay

FEATURES = ["log_balance", "days_past_due", "part_paid", "hist_invoices", "hist_late_share",
            "hist_mean_days_late", "hist_partial_share", "hist_unpaid_share"]


def pay_features(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
                 horizon_days: int = 30, stages: Stages | None = None,
                 data_end: Any = None, validate: bool = True) -> pd.DataFrame:
    """Open invoices at ``as_of`` with model features and the 30-day outcome where known.

    Features use only what was known at ``as_of`` (the invoice's balance, days past due, and the
    customer's payment history on invoices due before it). ``paid_30d`` is 1 when the invoice was
    settled within ``horizon_days`` after ``as_of``, NaN when the data end (``data_end``, by
    default the last payment date) before that horizon.
    """
    st = _stages(stages)
    day = _stamp(as_of)
    if validate:
        invoices, payments = validate_receivables(invoices, payments, overpayment="cap")
    items = open_items(invoices, payments, day, st, validate=False)
    hist = payment_history(invoices, payments, day - pd.Timedelta(days=1), st, validate=False)
    g = hist.groupby("customer_id", observed=True)
    prof = pd.DataFrame({
        "hist_invoices": g.size(),
        "hist_late_share": g["late"].mean(),
        "hist_mean_days_late": g["days_late"].mean(),
        "hist_partial_share": g["partial"].mean(),
        "hist_unpaid_share": g["unpaid"].mean(),
    })
    x = items.join(prof, on="customer_id")
    x[list(prof.columns)] = x[list(prof.columns)].fillna(0.0)
    x["log_balance"] = np.log1p(x["balance"])
    x["part_paid"] = (x["paid"] > 0).astype("int64")
    x["as_of"] = day
    pay = payments.assign(payment_date=pd.to_datetime(payments["payment_date"]))
    end = day + pd.Timedelta(days=horizon_days)
    later = pay[(pay["payment_date"] > day) & (pay["payment_date"] <= end)]
    got = later.groupby("invoice_id")["amount"].sum()
    x["paid_next"] = x["invoice_id"].map(got).fillna(0.0).astype("float64")
    last_seen = (_stamp(data_end, "data_end") if data_end is not None
                 else pay["payment_date"].max() if len(pay) else day)
    known = end <= max(last_seen, day)
    x["paid_30d"] = ((x["paid_next"] >= x["balance"] - st.tolerance).astype("float64")
                     if known else np.nan)
    return x


def fit_pay_model(train: pd.DataFrame, test: pd.DataFrame | None = None,
                  random_state: int = 0) -> tuple[Any, dict[str, float]]:
    """Fit a probability-to-pay model (gradient boosting) and evaluate it on a later period.

    Parameters
    ----------
    train, test : DataFrame
        From :func:`pay_features` on earlier (train) and later (test) snapshot dates: a time
        split, so the model is judged on months it never saw.

    Returns
    -------
    model, metrics
        The fitted scikit-learn estimator and ``{"auc", "brier", "base_rate", "n_train",
        "n_test", "predicted_recovery", "actual_recovery"}`` on the test period.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import brier_score_loss, roc_auc_score

    tr = train.dropna(subset=["paid_30d"])
    if tr["paid_30d"].nunique() < 2:
        raise DataProblem("fit_pay_model: the training period has only one outcome (all paid or "
                          "none paid); choose more or earlier snapshot dates.")
    model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                           random_state=random_state)
    from threadpoolctl import threadpool_limits

    # one thread: on a busy shared machine OpenMP threads oversubscribe the cores (50x slower
    # observed), and single-threaded fits are reproducible across runs
    with threadpool_limits(1):
        model.fit(tr[FEATURES], tr["paid_30d"].astype(int))
    metrics: dict[str, float] = {"n_train": float(len(tr))}
    if test is not None:
        te = test.dropna(subset=["paid_30d"])
        with threadpool_limits(1):
            p = model.predict_proba(te[FEATURES])[:, 1]
        y = te["paid_30d"].astype(int).to_numpy()
        metrics.update({
            "n_test": float(len(te)),
            "base_rate": float(y.mean()) if len(y) else float("nan"),
            "auc": float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan"),
            "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
            "predicted_recovery": float((p * te["balance"]).sum()),
            "actual_recovery": float(np.minimum(te["paid_next"], te["balance"]).sum()),
        })
    return model, metrics


def predict_pay(model: Any, features: pd.DataFrame) -> pd.DataFrame:
    """Add ``p_pay_30d`` and ``expected_recovery`` (= balance × probability) to features."""
    _need(features, [*FEATURES, "balance"], "pay features")
    out = features.copy()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        out["p_pay_30d"] = model.predict_proba(out[FEATURES])[:, 1] if len(out) else []
    out["expected_recovery"] = out["balance"] * out["p_pay_30d"]
    return out


def score_open_items(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    as_of: Any,
    train_months: int = 6,
    test_months: int = 2,
    horizon_days: int = 30,
    stages: Stages | None = None,
    random_state: int = 0,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Probability to pay for every open invoice at ``as_of``, with an honest time-split check.

    Month ends before ``as_of`` whose 30-day outcome is known are split in time: the earlier
    ``train_months`` train the model, the last ``test_months`` test it (metrics). The model is
    then refitted on all those months and applied to the invoices open at ``as_of``.

    Returns
    -------
    scored, metrics
        Open items at ``as_of`` with ``p_pay_30d`` and ``expected_recovery``; the metrics of
        :func:`fit_pay_model` on the test months.
    """
    st = _stages(stages)
    day = _stamp(as_of)
    if train_months < 1 or test_months < 1:
        raise DataProblem("score_open_items: train_months and test_months must be >= 1.")
    last = (day - pd.Timedelta(days=horizon_days)) + pd.offsets.MonthEnd(0)
    if last + pd.Timedelta(days=horizon_days) > day:
        last = last - pd.offsets.MonthEnd(1)
    ends = pd.date_range(end=last, periods=train_months + test_months, freq="ME")
    invoices, payments = validate_receivables(invoices, payments, overpayment="cap")
    frames = [pay_features(invoices, payments, d, horizon_days, st, data_end=day, validate=False)
              for d in ends]
    train = pd.concat(frames[:train_months], ignore_index=True)
    test = pd.concat(frames[train_months:], ignore_index=True)
    _, metrics = fit_pay_model(train, test, random_state)
    metrics["train_from"], metrics["test_to"] = str(ends[0].date()), str(ends[-1].date())
    final, _ = fit_pay_model(pd.concat(frames, ignore_index=True), None, random_state)
    now = pay_features(invoices, payments, day, horizon_days, st, data_end=day, validate=False)
    return predict_pay(final, now), metrics


# --------------------------------------------------------------------------- credit default

CREDIT_STATUS = ["PAY_6", "PAY_5", "PAY_4", "PAY_3", "PAY_2", "PAY_0"]  # April .. September 2005
CREDIT_MONTHS = ["2005-04", "2005-05", "2005-06", "2005-07", "2005-08", "2005-09"]


def read_credit_default(path: str | Path, mapping: str | Path | None = None) -> pd.DataFrame:
    """Read the UCI credit-card default file (wide: one row per client, six monthly statuses).

    The course tables have no place for a wide repayment-status layout, so this reader uses the
    mapping file ``mappings/credit_default.yaml`` (its ``read`` options and ``columns`` renames)
    and checks the columns the lessons need, reporting problems like the course loader does.

    Returns
    -------
    DataFrame
        One row per client: ``client_id, credit_limit``, the six ``PAY_*`` status columns
        (integers: -2, -1, 0 no delinquency; k = k months late), ``BILL_AMT1..6``,
        ``PAY_AMT1..6`` and ``defaulted`` (bool).
    """
    import yaml

    from helpers.paths import MAPPINGS_DIR

    mfile = Path(mapping) if mapping else MAPPINGS_DIR / "credit_default.yaml"
    try:
        spec = yaml.safe_load(Path(mfile).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataProblem(f"{mfile}: cannot read the mapping file ({exc}).") from None
    read = dict(spec.get("read") or {})
    path = Path(path)
    try:
        if path.suffix.lower() in (".xls", ".xlsx"):
            frame = pd.read_excel(path, header=read.get("header", 1))
        else:
            frame = pd.read_csv(path, **read)
    except FileNotFoundError:
        raise DataProblem(f"{path}: file not found.") from None
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataProblem(f"{path}: cannot read it with {read} from {mfile} ({exc}).") from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.rename(columns=dict(spec.get("columns") or {}))
    need = ["client_id", "credit_limit", *CREDIT_STATUS, "defaulted"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise DataProblem(
            f"{path}: column(s) {missing} missing after applying {mfile}; the file has "
            f"{list(frame.columns)[:12]}... Is the first (title) header row skipped (header: 1)?"
        )
    for col in [*CREDIT_STATUS, "defaulted"]:
        num = pd.to_numeric(frame[col], errors="coerce")
        bad = num.isna() | (num % 1 != 0)
        if bad.any():
            raise DataProblem(f"{path}: column {col!r} has {int(bad.sum())} non-integer value(s):"
                              f"\n{_rows(frame, bad, ['client_id', col])}\nStatus codes are "
                              "whole numbers (-2..8); fix or drop those rows.")
        frame[col] = num.astype("int64")
    frame["defaulted"] = frame["defaulted"].astype(bool)
    return frame


def credit_default_stages(frame: pd.DataFrame, stages: Stages | None = None) -> pd.DataFrame:
    """Stage of every client in every month (rows: clients, columns: months April..September).

    A status of k months late is taken as ``30 × k`` days past due (so 1 → M1, 2 → M2, 3 → M3,
    4 or more → M3+); -2, -1 and 0 (no balance, paid duly, revolving) are M0.
    """
    st = _stages(stages)
    _need(frame, CREDIT_STATUS, "credit default")
    out = {}
    for col, month in zip(CREDIT_STATUS, CREDIT_MONTHS, strict=True):
        days = np.clip(frame[col].to_numpy(), 0, None) * 30
        out[month] = stage_of(days, st)
    return pd.DataFrame(out, index=frame.index)


def credit_default_transitions(frame: pd.DataFrame, stages: Stages | None = None,
                               weight: str | None = None) -> pd.DataFrame:
    """Month-to-month stage transitions of the credit-default clients (for :func:`flow_matrix`).

    Each client contributes one pair per consecutive month pair (five pairs). Weight 1 per
    client (counts) unless ``weight`` names a column (e.g. ``credit_limit``). There is no
    ``paid`` flow in this data: a client who clears the arrears moves back to M0 (a cure).
    """
    st = _stages(stages)
    stg = credit_default_stages(frame, st)
    w = np.ones(len(frame)) if weight is None else frame[weight].to_numpy(dtype="float64")
    parts = []
    for a, b in zip(CREDIT_MONTHS[:-1], CREDIT_MONTHS[1:], strict=True):
        parts.append(pd.DataFrame({"date": b, "from_stage": stg[a].to_numpy(),
                                   "to_stage": stg[b].to_numpy(), "start_balance": w,
                                   "end_balance": w, "paid": 0.0}))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- plots & widget


def plot_aging(items: pd.DataFrame, ax: Any = None, stages: Stages | None = None) -> Any:
    """Bar chart of the open balance by stage, coloured from calm to alarming."""
    import matplotlib.pyplot as plt

    st = _stages(stages)
    table = aging_table(items, by=None)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    colours = plt.cm.YlOrRd(np.linspace(0.15, 0.9, len(st.names)))
    ax.bar([st.label(s) for s in st.names], table["balance"].to_numpy(), color=colours)
    for i, share in enumerate(table["share"].to_numpy()):
        ax.annotate(f"{share:.0%}", (i, table["balance"].iloc[i]), ha="center", va="bottom")
    ax.set_ylabel("open balance")
    ax.set_title("Open receivables by collection stage")
    return ax


def plot_roll_rates(rates: pd.DataFrame, ax: Any = None) -> Any:
    """Heat map of a roll-rate matrix: where each stage's money is a month later."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    values = rates.to_numpy(dtype="float64")
    im = ax.imshow(values, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(values.shape[1]), [str(c) for c in rates.columns])
    ax.set_yticks(range(values.shape[0]), [str(i) for i in rates.index])
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.0%}", ha="center", va="center",
                    color="white" if v > 0.6 else "black", fontsize=8)
    ax.set_xlabel("a month later")
    ax.set_ylabel("stage now")
    ax.set_title("Roll rates: where the money goes")
    ax.figure.colorbar(im, ax=ax, fraction=0.04)
    return ax


def plot_aging_trend(trend: pd.DataFrame, ax: Any = None) -> Any:
    """Stacked area of the open balance by stage over month ends."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    colours = plt.cm.YlOrRd(np.linspace(0.15, 0.9, trend.shape[1]))
    ax.stackplot(trend.index, trend.T.to_numpy(), labels=list(trend.columns), colors=colours)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_ylabel("open balance")
    ax.set_title("Receivables by stage, month by month")
    return ax


def aging_view(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
               m1_max: int = 30, m2_max: int = 60, m3_max: int = 90,
               stages: Stages | None = None, validate: bool = True) -> pd.DataFrame:
    """Aging by stage for a date and stage boundaries (the widget's pure function).

    ``validate=False`` skips the input checks for tables already returned by
    :func:`validate_receivables` (the widget validates once, then calls this on every move).
    """
    st = _stages(stages)
    bounds = [0, m1_max, m2_max, m3_max]
    if not all(a < b for a, b in zip(bounds, bounds[1:], strict=False)) or len(st.names) != 5:
        raise DataProblem(f"aging_view: boundaries must increase (0 < M1 < M2 < M3), got "
                          f"{bounds[1:]}.")
    custom = Stages(st.names, (*map(float, bounds), np.inf), st.urgency, st.zh, st.charge_off,
                    st.tolerance, st.behaviour, st.source)
    return aging_table(open_items(invoices, payments, as_of, custom, validate=validate), by=None)


def explore_aging(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any) -> Any:
    """Widget: move the as-of date and the stage boundaries, see the aging bars change."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    day = _stamp(as_of)
    months = [d.date() for d in month_ends(day - pd.DateOffset(months=11), day)]
    date = w.SelectionSlider(options=months, value=months[-1], description="as of")
    m1 = w.IntSlider(30, 5, 60, description="M1 up to")
    m2 = w.IntSlider(60, 20, 120, description="M2 up to")
    m3 = w.IntSlider(90, 40, 180, description="M3 up to")
    out = w.Output()
    st = load_stages()
    inv, pay = validate_receivables(invoices, payments, overpayment="cap")

    def update(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                table = aging_view(inv, pay, date.value, m1.value, m2.value, m3.value, st,
                                   validate=False)
            except DataProblem as exc:
                print(exc)
                return
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.bar(table["stage"].astype(str), table["balance"], color="#d9822b")
            ax.set_title(f"Open balance by stage on {date.value} "
                         f"(overdue share {1 - table['share'].iloc[0]:.0%})")
            plt.show()

    for control in (date, m1, m2, m3):
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox([date, m1]), w.HBox([m2, m3]), out])
