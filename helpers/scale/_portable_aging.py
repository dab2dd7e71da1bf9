"""Month-end aging written once in ibis: snapshots and roll-rate flows where the book is kept.

The semantics of :func:`helpers.receivables.month_end_snapshots` (read its docstring), in
plain ibis operations every backend has (joins, ``group_by``/``aggregate``, window functions,
case expressions): an invoice has a row at each snapshot date from the first one on or after
its issue until the first one at which it is settled; a payment counts at the first snapshot on
or after its date (at the earliest the invoice's first); balances are rounded to cents and
count as settled at or below the stages' tolerance; ``paid_in_period`` is at most the previous
balance (an overpayment is a credit, not receivables); ``days_past_due`` is the whole days
(floor) from the due date. The month ends are a small in-memory table joined in: each invoice
meets only its live month ends (from the first on or after issue to its settlement, found from
its payments first), so the grid never holds the months after an invoice is paid. Only the
snapshot rows, or the flows summed per pair of stages, come back. Tested equal to the pandas
path on DuckDB and on Spark in local mode (``tests/scale/test_portable_aging.py``).

Point it at a cluster or warehouse with an ibis connection (the backend's package must be
installed: ``pip install 'ibis-framework[pyspark]'``, ``[trino]``, ``[bigquery]``,
``[snowflake]``, ``[postgres]``)::

    import ibis
    from helpers.receivables import flow_matrix, load_stages, roll_rates
    from helpers.scale import portable_flows, portable_snapshots
    con = ibis.pyspark.connect(spark)              # or ibis.connect("trino://user@host/hive/ar")
    inv = con.table("invoices").rename(invoice_id="inv_no", customer_id="cust_no")
    pay = con.table("payments").rename(invoice_id="inv_no", payment_date="paid_on")
    snaps = portable_snapshots(inv, pay, load_stages(), dates=["2025-10-31", "2025-11-30"])
    rates = roll_rates(transitions=portable_flows(inv, pay, load_stages()))

The invoices need ``invoice_id, customer_id, issue_date, due_date, amount`` (optionally
``currency``), the payments ``invoice_id, payment_date, amount``: rename in ibis as above.
The checks of :func:`helpers.receivables.validate_receivables` (``overpayment="cap"``) run in
the backend first, as one query of counts (a few offending rows are fetched only when one
fails). Engines round a tie away from zero where numpy rounds it to even: with amounts in
fractions of a cent, a balance of exactly half a cent can differ by a cent from pandas (the
checks count such amounts and warn with a :class:`~helpers.caveats.Caveat`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.caveats import caveat
from helpers.errors import DataProblem

from ._receivables_sql import _CHECKS as _SQL_CHECKS
from ._receivables_sql import SNAPSHOT_COLUMNS

__all__ = ["flows_expression", "portable_flows", "portable_snapshots", "snapshots_expression"]

_NEEDS = {"invoices": ["invoice_id", "customer_id", "issue_date", "due_date", "amount"],
          "payments": ["invoice_id", "payment_date", "amount"]}
_DAY_SECONDS = 86_400


def _ends_array(dates: Any) -> np.ndarray:
    """Snapshot dates sorted and unique, as ``datetime64[ns]``; none is a DataProblem."""
    ends = pd.DatetimeIndex(pd.to_datetime(list(dates))).sort_values().unique()
    if not len(ends):
        raise DataProblem("portable_snapshots: no snapshot date given.")
    return ends.to_numpy(dtype="datetime64[ns]")


def _first_on_or_after(column: Any, ends: np.ndarray) -> Any:
    """Index of the first snapshot on or after ``column`` (``len(ends)`` after the last)."""
    import ibis  # deferred: the portable path is optional

    stamps = [ibis.timestamp(pd.Timestamp(e).to_pydatetime()) for e in ends]
    return ibis.cases(*[(column <= s, j) for j, s in enumerate(stamps)], else_=len(ends))


def _stage(days: Any, stages: Any) -> Any:
    """:func:`helpers.receivables.stage_of` as a case expression (a boundary day: milder)."""
    import ibis  # deferred: the portable path is optional

    bounds = zip(stages.max_days[:-1], stages.names, strict=False)
    return ibis.cases(*[(days <= float(b), name) for b, name in bounds],
                      else_=stages.names[-1])


def _paid_months(inv: Any, payments: Any, n: int, ends: np.ndarray) -> Any:
    """Money paid per invoice and snapshot index ``j`` (the first on/after, not before ``f``)."""
    import ibis  # deferred: the portable path is optional

    pay = payments.select(pid=payments.invoice_id.cast("string"), amt=payments.amount.cast(
        "float64"), pj=_first_on_or_after(payments.payment_date.cast("timestamp"), ends))
    keys = inv.select("invoice_id", "f")
    joined = pay.join(keys, pay.pid == keys.invoice_id)
    joined = joined.mutate(j=ibis.greatest(joined.pj, joined.f))
    joined = joined.filter(joined.j < n)
    return joined.group_by(["invoice_id", "j"]).aggregate(paid=joined.amt.sum())


def _live_until(inv: Any, paid: Any, n: int, tol: float) -> Any:
    """The invoices with ``last``: the index of their first settled snapshot (or the last)."""
    import ibis  # deferred: the portable path is optional

    ev = paid.join(inv.select("invoice_id", "amount"), "invoice_id")
    cum = ev.paid.sum().over(ibis.cumulative_window(group_by="invoice_id", order_by="j"))
    ev = ev.mutate(left=(ev.amount - cum).round(2))
    settled = ev.filter(ev.left <= tol)
    settled = settled.group_by("invoice_id").aggregate(s=settled.j.min())
    live = inv.left_join(settled, inv.invoice_id == settled.invoice_id)
    last = ibis.cases((live.amount.round(2) <= tol, live.f), else_=live.s.fill_null(n - 1))
    return live.select(*inv.columns, last=last)


def snapshots_expression(invoices: Any, payments: Any, ends: Sequence[Any] | np.ndarray,
                         stages: Any) -> Any:
    """The snapshot rows of a book as an ibis expression (not yet run, unordered).

    Parameters
    ----------
    invoices, payments : ibis Table
        With the course columns (see the module's docstring); not checked here.
    ends : sequence of dates
        The snapshot dates (sorted and made unique here).
    stages : Stages
        ``names``, ``max_days`` and ``tolerance`` (:class:`helpers.receivables.Stages`).

    Returns
    -------
    ibis Table
        :data:`SNAPSHOT_COLUMNS`, ``stage`` as text.
    """
    import ibis  # deferred: the portable path is optional

    ends_ns = _ends_array(ends)
    n, tol = len(ends_ns), float(stages.tolerance)
    inv = invoices.select(
        invoice_id=invoices.invoice_id.cast("string"), customer_id=invoices.customer_id,
        due=invoices.due_date.cast("timestamp"), amount=invoices.amount.cast("float64"),
        f=_first_on_or_after(invoices.issue_date.cast("timestamp"), ends_ns))
    inv = inv.filter(inv.f < n)
    paid = _paid_months(inv, payments, n, ends_ns)
    live = _live_until(inv, paid, n, tol)
    months = ibis.memtable({"j": np.arange(n, dtype="int64"), "d": ends_ns})
    # the small table on the left: ibis (12) refuses this predicate on a join's projection
    grid = months.join(live, (months.j >= live.f) & (months.j <= live.last))
    grid = grid.left_join(paid, [grid.invoice_id == paid.invoice_id, grid.j == paid.j])
    grid = grid.select(*live.columns, "d", j=grid.j, paid=grid.paid.fill_null(0.0))
    by_month = {"group_by": "invoice_id", "order_by": "j"}
    raw = (grid.amount - grid.paid.sum().over(ibis.cumulative_window(**by_month))).round(2)
    grid = grid.mutate(balance=ibis.cases((raw <= tol, 0.0), else_=raw))
    grid = grid.mutate(prev=grid.balance.lag().over(ibis.window(**by_month)))
    days = ((grid.d.epoch_seconds() - grid.due.epoch_seconds()) / _DAY_SECONDS).floor()
    # the grid already stops at settlement; pandas' rule (open, or the first settled row)
    # is kept as such, so the rows stay its rows
    rows = grid.filter((grid.balance > 0) | grid.prev.isnull() | (grid.prev > 0))
    return rows.select(
        date=rows.d, invoice_id=rows.invoice_id, customer_id=rows.customer_id,
        amount=rows.amount, balance=rows.balance,
        paid_in_period=ibis.least(rows.paid, rows.prev.fill_null(rows.amount)),
        days_past_due=days.cast("int64"), stage=_stage(days, stages))


def flows_expression(snapshots: Any) -> Any:
    """Balance moved between stages, and paid, summed per pair of stages (ibis, not run).

    Parameters
    ----------
    snapshots : ibis Table
        Snapshot rows (:func:`snapshots_expression`, or a table with its columns).

    Returns
    -------
    ibis Table
        ``from_stage, to_stage, start_balance, end_balance, paid`` over the pairs of
        consecutive rows of an invoice whose earlier balance is positive: the ``transitions``
        of :func:`helpers.receivables.flow_matrix`.
    """
    import ibis  # deferred: the portable path is optional

    w = ibis.window(group_by="invoice_id", order_by="date")
    s = snapshots.mutate(from_stage=snapshots.stage.lag().over(w),
                         start_balance=snapshots.balance.lag().over(w))
    s = s.filter(s.from_stage.notnull() & (s.start_balance > 0))
    return s.group_by(["from_stage", s.stage.name("to_stage")]).aggregate(
        start_balance=s.start_balance.sum(), end_balance=s.balance.sum(),
        paid=s.paid_in_period.sum())


#: (name, table, counted condition) in the order validate_receivables checks; the conditions
#: take the rows of ``_checked``.
_CONDITIONS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("dup", "invoices", lambda t: t.copies > 1),
    ("inv_amount", "invoices", lambda t: t.amount.isnull() | (t.amount <= 0)),
    ("pay_amount", "payments", lambda t: t.amount.isnull() | (t.amount <= 0)),
    ("inv_dates", "invoices", lambda t: t.issue_date.isnull() | t.due_date.isnull()),
    ("pay_date", "payments", lambda t: t.payment_date.isnull()),
    ("due", "invoices", lambda t: t.due_date < t.issue_date),
    ("unknown", "payments", lambda t: t.known.isnull()),
    ("before", "payments", lambda t: t.payment_date < t.issued),
)
#: (name, table, counted condition, message, fix): the messages and fixes of the SQL path's
#: checks, which come in the same order (``{n}`` is the number of rows concerned).
_CHECKS: tuple[tuple[str, str, Callable[[Any], Any], str, str], ...] = tuple(
    (*condition, sql[3], sql[4]) for condition, sql in zip(_CONDITIONS, _SQL_CHECKS, strict=True))


def _checked(invoices: Any, payments: Any) -> dict[str, Any]:
    """The rows the checks test, per table.

    Invoices with ``copies`` of their number; payments with their invoice's ``issued`` date
    (``known`` is null when no invoice has the number).
    """
    inv = invoices.mutate(invoice_id=invoices.invoice_id.cast("string"),
                          issue_date=invoices.issue_date.cast("timestamp"),
                          due_date=invoices.due_date.cast("timestamp"))
    copies = inv.group_by("invoice_id").aggregate(copies=inv.count(),
                                                  first_issue=inv.issue_date.min())
    inv = inv.left_join(copies, "invoice_id").select(*inv.columns, "copies")
    pay = payments.mutate(invoice_id=payments.invoice_id.cast("string"),
                          payment_date=payments.payment_date.cast("timestamp"))
    keys = copies.select(known=copies.invoice_id, issued=copies.first_issue)
    pay = pay.left_join(keys, pay.invoice_id == keys.known)
    return {"invoices": inv, "payments": pay}


def _sub_cent(amount: Any) -> Any:
    """Amounts with a fraction of a cent (where engines and numpy may round a tie apart)."""
    cents = amount.cast("float64") * 100
    return (cents - cents.round()).abs() > 1e-6


def _profile(invoices: Any, payments: Any, validate: bool) -> pd.Series:
    """One query: the failed-check counts (when ``validate``) and the book's date range."""
    tables = _checked(invoices, payments) if validate else {"invoices": invoices,
                                                            "payments": payments}
    counts: dict[str, dict[str, Any]] = {"invoices": {}, "payments": {}}
    for name, table, test, _, _ in _CHECKS if validate else ():
        counts[table][name] = tables[table].count(where=test(tables[table]))
    inv, pay = tables["invoices"], tables["payments"]
    if validate:
        counts["invoices"]["inv_cents"] = inv.count(where=_sub_cent(inv.amount))
        counts["payments"]["pay_cents"] = pay.count(where=_sub_cent(pay.amount))
    if validate and "currency" in invoices.columns:
        counts["invoices"]["currencies"] = inv.currency.cast("string").fill_null("CNY").nunique()
    one = inv.aggregate(first=inv.issue_date.cast("timestamp").min(),
                        last_due=inv.due_date.cast("timestamp").max(), **counts["invoices"])
    two = pay.aggregate(last_paid=pay.payment_date.cast("timestamp").max(),
                        **counts["payments"])
    return one.cross_join(two).to_pandas().iloc[0]


def _count(profile: pd.Series, name: str) -> int:
    """A count of the profile (0 when it was not taken)."""
    value = profile.get(name, 0)
    return 0 if pd.isna(value) else int(value)


def _currency_problem(invoices: Any) -> DataProblem:
    """The mixed currencies of the invoices, counted, as a DataProblem."""
    cur = invoices.currency.cast("string").fill_null("CNY")
    mix = invoices.group_by(cur.name("c")).aggregate(k=invoices.count()).to_pandas()
    counts = dict(sorted(zip(mix["c"], mix["k"].astype(int), strict=True)))
    return DataProblem(f"invoices: column 'currency' mixes currencies {counts}; amounts in "
                       "different currencies cannot be added. Convert them to one currency "
                       "first, or filter the table to one currency in ibis.")


def _raise_first(invoices: Any, payments: Any, profile: pd.Series) -> None:
    """The first failed check as a DataProblem showing a few rows, in pandas' order."""
    tables = _checked(invoices, payments)
    for k, (name, table, test, what, fix) in enumerate(_CHECKS):
        if k == 1 and _count(profile, "currencies") > 1:  # after the duplicates
            raise _currency_problem(invoices)
        n = _count(profile, name)
        if n:
            rows = tables[table]
            shown = [c for c in (*_NEEDS[table], "issued") if c in rows.columns]
            sample = rows.filter(test(rows)).select(*shown).limit(5).to_pandas()
            raise DataProblem(f"{table}: {what.format(n=n)}:\n{sample.to_string(index=False)}"
                              f"\n{fix}")


def _prepare(invoices: Any, payments: Any, dates: Any, validate: bool, what: str
             ) -> np.ndarray:
    """Columns present, the checks passed (one query), and the snapshot dates."""
    for table, name in ((invoices, "invoices"), (payments, "payments")):
        missing = [c for c in _NEEDS[name] if c not in table.columns]
        if missing:
            raise DataProblem(f"{what}: the {name} lack {missing}; rename their columns in "
                              f"ibis, e.g. {name}.rename(invoice_id='inv_no').")
    if dates is not None and not validate:
        return _ends_array(dates)
    profile = _profile(invoices, payments, validate)
    if validate:
        _raise_first(invoices, payments, profile)
        odd = _count(profile, "inv_cents") + _count(profile, "pay_cents")
        caveat(f"{what}: {odd} invoice or payment amount(s) have a fraction of a cent; a "
               "balance of exactly half a cent is rounded by the engine (DuckDB, Spark: half "
               "away from zero), which can differ by a cent from month_end_snapshots (numpy: "
               "half to even). Round the amounts to cents to be exact." if odd else None)
    if dates is not None:
        return _ends_array(dates)
    if pd.isna(profile["first"]):
        raise DataProblem(f"{what}: the invoices table is empty.")
    last = profile["last_due"] if pd.isna(profile["last_paid"]) else max(
        profile["last_due"], profile["last_paid"])
    a, b = pd.Timestamp(profile["first"]).normalize(), pd.Timestamp(last).normalize()
    return _ends_array(pd.date_range(a + pd.offsets.MonthEnd(0), b + pd.offsets.MonthEnd(0),
                                     freq="ME"))


def _text_or(values: pd.Series) -> pd.Series:
    """Text identifiers as the course's string type (as ``load_table`` reads), others kept."""
    return values.astype("string") if pd.api.types.is_string_dtype(values.dtype) or \
        values.dtype == object else values


def _typed(out: pd.DataFrame, stages: Any) -> pd.DataFrame:
    """The dtypes of ``month_end_snapshots``: ns dates, text ids, floats, int days, stages."""
    out = out[SNAPSHOT_COLUMNS].copy()
    out["date"] = out["date"].astype("datetime64[ns]")
    out["invoice_id"] = out["invoice_id"].astype("string")
    out["customer_id"] = _text_or(out["customer_id"])
    for col in ("amount", "balance", "paid_in_period"):
        out[col] = out[col].astype("float64")
    out["days_past_due"] = out["days_past_due"].astype("int64")
    out["stage"] = pd.Categorical(out["stage"], dtype=stages.dtype)
    return out.reset_index(drop=True)


def portable_snapshots(invoices: Any, payments: Any, stages: Any,
                       dates: Sequence[Any] | pd.DatetimeIndex | None = None,
                       validate: bool = True) -> pd.DataFrame:
    """Month-end snapshots of ibis tables, computed by their backend (DuckDB, Spark, ...).

    Parameters
    ----------
    invoices, payments : ibis Table
        With the course's column names (see the module's docstring).
    stages : Stages
        :func:`helpers.receivables.load_stages` (or an edited copy).
    dates : sequence of dates, optional
        Snapshot dates (default: every month end from the first issue to the last payment or
        due date, found by the same query as the checks).
    validate : bool
        Run the checks of :func:`helpers.receivables.validate_receivables` in the backend.

    Returns
    -------
    DataFrame
        The columns and dtypes of :func:`helpers.receivables.month_end_snapshots`, rows by
        invoice and date.

    Raises
    ------
    DataProblem
        A column missing, an empty book, or the problems ``validate_receivables`` names.

    Examples
    --------
    >>> import ibis
    >>> from helpers.receivables import load_stages
    >>> inv = ibis.memtable({"invoice_id": ["A"], "customer_id": ["c1"], "amount": [100.0],
    ...                      "issue_date": pd.to_datetime(["2025-01-10"]),
    ...                      "due_date": pd.to_datetime(["2025-02-09"])})
    >>> pay = ibis.memtable({"invoice_id": ["A"], "amount": [100.0],
    ...                      "payment_date": pd.to_datetime(["2025-02-20"])})
    >>> portable_snapshots(inv, pay, load_stages())[["date", "balance", "paid_in_period",
    ...                                              "days_past_due", "stage"]]
            date  balance  paid_in_period  days_past_due stage
    0 2025-01-31    100.0             0.0            -9    M0
    1 2025-02-28      0.0           100.0            19    M1
    """
    ends = _prepare(invoices, payments, dates, validate, "portable_snapshots")
    expr = snapshots_expression(invoices, payments, ends, stages)
    return _typed(expr.order_by(["invoice_id", "date"]).to_pandas(), stages)


def portable_flows(invoices: Any, payments: Any, stages: Any,
                   dates: Sequence[Any] | pd.DatetimeIndex | None = None,
                   validate: bool = True) -> pd.DataFrame:
    """Roll-rate inputs of ibis tables, summed by their backend: one row per pair of stages.

    ``flow_matrix(transitions=portable_flows(...))`` and ``roll_rates(transitions=...)``
    (:mod:`helpers.receivables`) equal those of the pandas snapshots; only the pairs of stages
    come back, never the snapshot rows.

    Parameters
    ----------
    invoices, payments, stages, dates, validate
        As for :func:`portable_snapshots`.

    Returns
    -------
    DataFrame
        ``from_stage, to_stage`` (the stages' categorical type), ``start_balance,
        end_balance, paid`` (:func:`flows_expression`), ordered by the stages.

    Raises
    ------
    DataProblem
        As :func:`portable_snapshots`.
    """
    ends = _prepare(invoices, payments, dates, validate, "portable_flows")
    out = flows_expression(snapshots_expression(invoices, payments, ends, stages)).to_pandas()
    for col in ("from_stage", "to_stage"):
        out[col] = pd.Categorical(out[col], dtype=stages.dtype)
    for col in ("start_balance", "end_balance", "paid"):
        out[col] = out[col].astype("float64")
    return out.sort_values(["from_stage", "to_stage"]).reset_index(drop=True)
