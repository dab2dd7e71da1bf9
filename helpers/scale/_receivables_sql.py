"""Month-end aging snapshots and roll-rate flows as DuckDB SQL, from frames or files.

The semantics of :func:`helpers.receivables.month_end_snapshots` (read its docstring): an
invoice has a row at each snapshot date from the first one on or after its issue until the first
one at which it is settled; a payment counts at the first snapshot on or after its date (at the
earliest the invoice's first); balances are rounded to cents and count as settled at or below
the stages' tolerance; ``paid_in_period`` is at most the previous balance (payments beyond the
invoice are a credit, not receivables). The checks of
:func:`helpers.receivables.validate_receivables` (with ``overpayment="cap"``) run in SQL first.

A book larger than the engine's memory (:func:`snapshots_to_files`, the command line's
``aging``) is split by a hash of the invoice number into passes, as the customer summary is split
by customer: an invoice, its duplicates and its payments fall in the same pass, so the window
and the checks across an invoice's rows run per pass (their counts summed over the passes before
a problem is raised), the checks of single rows once over the whole book, and each pass writes
its snapshot rows to a part file. The book is written once into one Parquet folder per pass
(``_book_split``), so a pass reads its share, not the whole book.

The stages come in as an object with ``names``, ``max_days``, ``tolerance`` and ``dtype`` (a
:class:`helpers.receivables.Stages`); this module imports nothing of ``helpers.receivables``,
which dispatches to it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._book_split import drop_split, load_share, split_book
from ._engine import EngineSettings, connect
from ._rfm import memory_bytes, summary_passes
from ._sources import _literal, table_source

if TYPE_CHECKING:
    import duckdb

__all__ = ["SNAPSHOT_COLUMNS", "book_passes", "flow_on_engine", "snapshot_query",
           "snapshots_on_engine", "snapshots_to_files"]

SNAPSHOT_COLUMNS = ["date", "invoice_id", "customer_id", "amount", "balance", "paid_in_period",
                    "days_past_due", "stage"]
_INVOICE = ["invoice_id", "customer_id", "issue_date", "due_date", "amount"]
_PAYMENT = ["invoice_id", "payment_date", "amount"]
_DAY_US = 86_400_000_000


def _views(con: duckdb.DuckDBPyConnection, invoices: Any, payments: Any, invoices_mapping: Any,
           payments_mapping: Any) -> tuple[str, str, bool]:
    """Temp views ``inv_all``/``pay_all`` (ids as text) and ``inv``/``pay`` over them.

    Returns the tables' names and whether the invoices have a currency.
    """
    inv = table_source(con, invoices, "invoices", [*_INVOICE, "currency"],
                       mapping=invoices_mapping)
    pay = table_source(con, payments, "payments", _PAYMENT, mapping=payments_mapping)
    for src, need, what in ((inv, _INVOICE, "invoices"), (pay, _PAYMENT, "payments")):
        missing = [c for c in need if c not in src.columns]
        if missing:
            raise DataProblem(f"{src.name}: {what} lack column(s) {missing}. Fix: map the "
                              "export's columns to the course names (a mapping file in "
                              "mappings/).")
    cur = "CAST(currency AS VARCHAR)" if "currency" in inv.columns else "NULL"
    con.execute(f"""CREATE OR REPLACE TEMP VIEW inv_all AS SELECT CAST(invoice_id AS VARCHAR)
        AS invoice_id, customer_id, CAST(issue_date AS TIMESTAMP) AS issue_date,
        CAST(due_date AS TIMESTAMP) AS due_date, amount, {cur} AS currency FROM ({inv.sql})""")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW pay_all AS SELECT CAST(invoice_id AS VARCHAR)
        AS invoice_id, CAST(payment_date AS TIMESTAMP) AS payment_date, amount
        FROM ({pay.sql})""")
    for table in ("inv", "pay"):  # the whole book; a pass replaces them by its share
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_all")
    return inv.name, pay.name, "currency" in inv.columns


#: (table, test of a bad row, columns shown, message, fix) in the order validate_receivables
#: checks them; ``{n}`` is the number of rows (or invoices) concerned.
_CHECKS = (
    ("inv", "invoice_id IN (SELECT invoice_id FROM inv GROUP BY 1 HAVING count(*) > 1)",
     "invoice_id, customer_id, issue_date, due_date, amount",
     "column 'invoice_id' has {n} row(s) with a duplicate invoice number",
     "Each invoice must appear once: remove repeated export rows, or give credit notes and "
     "re-issues their own numbers."),
    ("inv", "amount IS NULL OR amount <= 0", "invoice_id, customer_id, amount",
     "column 'amount' has {n} empty, zero or negative value(s)",
     "Amounts must be positive; book credit notes and refunds separately."),
    ("pay", "amount IS NULL OR amount <= 0", "invoice_id, payment_date, amount",
     "column 'amount' has {n} empty, zero or negative value(s)",
     "Amounts must be positive; book credit notes and refunds separately."),
    ("inv", "issue_date IS NULL OR due_date IS NULL", "invoice_id, issue_date, due_date",
     "columns 'issue_date'/'due_date' have {n} empty or unreadable date(s)",
     "Fix or remove those rows (dates like 2025-12-31)."),
    ("pay", "payment_date IS NULL", "invoice_id, payment_date, amount",
     "column 'payment_date' has {n} empty or unreadable date(s)",
     "Fix or remove those rows (dates like 2025-12-31)."),
    ("inv", "due_date < issue_date", "invoice_id, issue_date, due_date",
     "column 'due_date' is before 'issue_date' in {n} row(s)",
     "Check the date format (day/month swapped?) or the payment terms of those invoices."),
    ("pay", "invoice_id NOT IN (SELECT invoice_id FROM inv WHERE invoice_id IS NOT NULL) "
     "OR invoice_id IS NULL", "invoice_id, payment_date, amount",
     "column 'invoice_id' names {n} payment(s) for invoices that are not in the invoices table",
     "Load the matching invoices (same period and currency) or drop those payments."),
    ("pay", "payment_date < (SELECT i.issue_date FROM inv i WHERE i.invoice_id = pay.invoice_id)",
     "invoice_id, payment_date, amount",
     "column 'payment_date' is before the invoice's issue date in {n} row(s)",
     "A prepayment is not a payment of an invoice: book it as a deposit, or fix the date."),
)


#: Indexes in ``_CHECKS`` of the checks that compare a row with other rows of its invoice
#: (duplicates, payments without their invoice, payments before the issue): in a book split by
#: a hash of the invoice number they run per pass; the others test one row at a time.
_ACROSS = (0, 6, 7)


def _in_order(counts: dict[int, int]) -> list[int]:
    """The checks failed, in the order of ``validate_receivables``: invoices, then payments."""
    return sorted((i for i, n in counts.items() if n), key=lambda i: (_CHECKS[i][0] != "inv", i))


def _counts(con: duckdb.DuckDBPyConnection, table: str, which: Sequence[int],
            source: str | None = None) -> dict[int, int]:
    """Rows of ``table`` (read from ``source``) failing each check ``which``, in one scan."""
    if not which:
        return {}
    row = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {_CHECKS[i][1]})"
                                            for i in which)
                      + f" FROM {source or table} AS {table}").fetchone() or ()
    return {i: int(n) for i, n in zip(which, row, strict=True)}


def _sample(con: duckdb.DuckDBPyConnection, i: int, source: str | None = None) -> str:
    """A few rows failing check ``i``, as text."""
    table, bad, shown = _CHECKS[i][:3]
    return con.execute(f"SELECT {shown} FROM {source or table} AS {table} WHERE {bad} LIMIT 5"
                       ).df().to_string(index=False)


def _problem(names: dict[str, str], i: int, n: int, sample: str) -> DataProblem:
    table, _, _, what, fix = _CHECKS[i]
    return DataProblem(f"{names[table]}: {what.format(n=n)}:\n{sample}\n{fix}")


def _check_currency(con: duckdb.DuckDBPyConnection, names: dict[str, str], currency: bool
                    ) -> None:
    """One currency in the invoices, or a DataProblem."""
    if not currency:
        return
    counts = con.execute("SELECT coalesce(currency, 'CNY') AS c, count(*) FROM inv_all "
                         "GROUP BY 1 ORDER BY 1").fetchall()
    if len(counts) > 1:
        raise DataProblem(f"{names['inv']}: column 'currency' mixes currencies "
                          f"{dict(counts)}; amounts in different currencies cannot be added. "
                          "Convert them to one currency first, or age one currency at a "
                          "time (filter the export).")


def _validate(con: duckdb.DuckDBPyConnection, names: dict[str, str], currency: bool) -> None:
    """The checks of ``validate_receivables(overpayment="cap")`` in SQL: one scan per table."""
    _check_currency(con, names, currency)
    for table in ("inv", "pay"):
        counts = _counts(con, table, [i for i, c in enumerate(_CHECKS) if c[0] == table])
        for i in _in_order(counts)[:1]:
            raise _problem(names, i, counts[i], _sample(con, i))


def _snapshot_dates(con: duckdb.DuckDBPyConnection, dates: Any) -> np.ndarray:
    """Sorted unique snapshot dates; default the month ends from first issue to last date."""
    if dates is None:
        first, last_due, last_paid = con.execute(
            "SELECT (SELECT min(issue_date) FROM inv), (SELECT max(due_date) FROM inv), "
            "(SELECT max(payment_date) FROM pay)").fetchone() or (None, None, None)
        if first is None:
            raise DataProblem("month_end_snapshots: the invoices table is empty.")
        end = max(last_due, last_paid) if last_paid is not None else last_due
        a, b = pd.Timestamp(first).normalize(), pd.Timestamp(end).normalize()
        dates = pd.date_range(a + pd.offsets.MonthEnd(0), b + pd.offsets.MonthEnd(0), freq="ME")
    ends = pd.DatetimeIndex(pd.to_datetime(list(dates))).sort_values().unique()
    if not len(ends):
        raise DataProblem("month_end_snapshots: no snapshot date given.")
    return ends.to_numpy(dtype="datetime64[ns]")


def _first_on_or_after(column: str, ends: np.ndarray) -> str:
    """SQL of ``searchsorted(ends, column, side="left")``: the first snapshot on/after a date."""
    stamps = [f"TIMESTAMP '{pd.Timestamp(e).isoformat(sep=' ')}'" for e in ends]
    cases = " ".join(f"WHEN {column} <= {s} THEN {j}" for j, s in enumerate(stamps))
    return f"(CASE {cases} ELSE {len(ends)} END)"


def _stage_sql(days: str, stages: Any) -> str:
    """SQL of :func:`stage_of`: the first stage whose upper bound is at least ``days``."""
    bounds = list(stages.max_days[:-1])
    cases = " ".join(f"WHEN {days} <= {float(b)!r} THEN {_literal(n)}"
                     for b, n in zip(bounds, stages.names, strict=False))
    return f"(CASE {cases} ELSE {_literal(stages.names[-1])} END)"


def _ends_table(con: duckdb.DuckDBPyConnection, ends: np.ndarray) -> None:
    """Temp table ``ends``: index ``j``, month end ``d`` and the one before, ``prev_d``."""
    stamps = [f"TIMESTAMP '{pd.Timestamp(e).isoformat(sep=' ')}'" for e in ends]
    con.execute("CREATE OR REPLACE TEMP TABLE ends AS SELECT * FROM (VALUES " + ", ".join(
        f"({j}, {s}, {stamps[j - 1] if j else 'NULL'})" for j, s in enumerate(stamps))
        + ") AS t(j, d, prev_d)")


def _days(end: str) -> str:
    """SQL of the whole days from ``due_date`` to the timestamp ``end`` (floor)."""
    return f"CAST(floor((epoch_us({end}) - epoch_us(due_date)) / {_DAY_US}.0) AS BIGINT)"


# Long: one query (its CTEs explained in the docstring); splitting it hides the plan
def snapshot_query(con: duckdb.DuckDBPyConnection, ends: np.ndarray, stages: Any,
                   ordered: bool = True, flows: bool = False) -> str:
    """The snapshot rows over the views ``inv`` and ``pay`` as one query (stage as text).

    The balance of an invoice changes only at the month ends where it is paid, so the query
    never builds the full invoice x month-end grid: one window over the invoices and their
    paid month ends (``ev``) gives the runs of month ends with one balance (``runs``: from
    ``j0`` to before ``j1``), and only the months a run shows are unnested (a settled run shows
    its first month only, and only after an unsettled one). The previous row of an invoice is
    always the month end before (rows run from the first month end until settlement).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection holding the views (``snapshots_on_engine`` makes them).
    ends : ndarray of datetime64
        The snapshot dates, sorted and unique.
    stages : Stages
        ``names``, ``max_days`` and ``tolerance``.
    ordered : bool
        Order the rows by invoice and date (a sort of the whole result).
    flows : bool
        Add ``from_stage`` and ``start_balance`` (the invoice's previous row; NULL on its
        first), the inputs of :func:`flow_on_engine` without its window.

    Returns
    -------
    str
        ``SELECT`` of :data:`SNAPSHOT_COLUMNS` (and the flow columns).
    """
    _ends_table(con, ends)
    n = len(ends)
    first = _first_on_or_after("issue_date", ends)
    paid_at = _first_on_or_after("p.payment_date", ends)
    tol = float(stages.tolerance)
    extra = (f", CASE WHEN prev_bal IS NOT NULL THEN {_stage_sql(_days('e.prev_d'), stages)} "
             "END AS from_stage, prev_bal AS start_balance") if flows else ""
    return f"""
    WITH i AS (SELECT * FROM (SELECT invoice_id, customer_id, due_date, amount, {first} AS f
                              FROM inv) WHERE f < {n}),
    ev AS (
        SELECT invoice_id, customer_id, due_date, amount, f, f AS j, CAST(0 AS DOUBLE) AS paid,
               0 AS k FROM i
        UNION ALL
        SELECT p.invoice_id, any_value(i.customer_id), any_value(i.due_date),
               any_value(i.amount), any_value(i.f), greatest({paid_at}, i.f) AS j,
               sum(p.amount), 1 FROM pay p JOIN i ON p.invoice_id = i.invoice_id
        WHERE {paid_at} < {n} GROUP BY p.invoice_id, greatest({paid_at}, i.f)),
    runs AS (
        SELECT *, CASE WHEN raw_bal <= {tol!r} THEN 0.0 ELSE raw_bal END AS balance,
               CASE WHEN j0 = f THEN NULL WHEN raw_prev <= {tol!r} THEN 0.0 ELSE raw_prev END
                   AS prev0
        FROM (SELECT * EXCLUDE (k, j), j AS j0, lead(j, 1, {n}) OVER w AS j1,
                     round(amount - sum(paid) OVER (w ROWS UNBOUNDED PRECEDING), 2) AS raw_bal,
                     round(amount - sum(paid) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
                                                    AND 1 PRECEDING), 2) AS raw_prev
              FROM ev WINDOW w AS (PARTITION BY invoice_id ORDER BY j, k))),
    rows AS (
        SELECT *, CASE WHEN j = j0 THEN prev0 ELSE balance END AS prev_bal,
               CASE WHEN j = j0 THEN paid ELSE 0.0 END AS paid_in
        FROM (SELECT *, unnest(range(j0, CASE WHEN balance > 0 THEN j1
                                              ELSE least(j1, j0 + 1) END)) AS j
              FROM runs WHERE j1 > j0 AND (balance > 0 OR prev0 IS NULL OR prev0 > 0)))
    SELECT e.d AS date, invoice_id, customer_id, amount, balance,
           least(paid_in, coalesce(prev_bal, amount)) AS paid_in_period,
           {_days('e.d')} AS days_past_due, {_stage_sql(_days('e.d'), stages)} AS stage{extra}
    FROM rows JOIN ends e USING (j)
    {'ORDER BY invoice_id, date' if ordered else ''}"""


def prepare(con: duckdb.DuckDBPyConnection, invoices: Any, payments: Any, dates: Any,
            validate: bool, invoices_mapping: Any = None, payments_mapping: Any = None
            ) -> np.ndarray:
    """Make the views ``inv`` and ``pay``, check them, and return the snapshot dates."""
    inv_name, pay_name, currency = _views(con, invoices, payments, invoices_mapping,
                                          payments_mapping)
    if validate:
        _validate(con, {"inv": inv_name, "pay": pay_name}, currency)
    return _snapshot_dates(con, dates)


def book_passes(con: duckdb.DuckDBPyConnection) -> int:
    """How many passes the aging of the views takes: :func:`summary_passes` of its rows.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection holding the views ``inv_all`` and ``pay_all``.

    Returns
    -------
    int
        One pass per :data:`~helpers.scale._rfm.ROWS_PER_GIB` invoices and payments per GiB of the memory limit.
    """
    row = con.execute("SELECT (SELECT count(*) FROM inv_all) + (SELECT count(*) FROM pay_all)"
                      ).fetchone()
    return summary_passes(int(row[0]) if row else 0, memory_bytes(con))


def _across(con: duckdb.DuckDBPyConnection, counts: dict[int, int], samples: dict[int, str]
            ) -> None:
    """Add the current pass's counts of the checks across an invoice's rows (and samples).

    The payments' checks run only while no invoice problem is known (one of those is raised
    first; a duplicate invoice would also make the issue date of its payments ambiguous).
    """
    inv_bad = any(counts.get(i) for i, c in enumerate(_CHECKS) if c[0] == "inv")
    found = _counts(con, "inv", [i for i in _ACROSS if _CHECKS[i][0] == "inv"])
    if not inv_bad and not any(found.values()):
        found.update(_counts(con, "pay", [i for i in _ACROSS if _CHECKS[i][0] == "pay"]))
    for i, n in found.items():
        counts[i] = counts.get(i, 0) + n
        if n and i not in samples:
            samples[i] = _sample(con, i)


def _in_passes(con: duckdb.DuckDBPyConnection, names: dict[str, str], ends: np.ndarray,
               stages: Any, parts: list[Path]) -> None:
    """Checks and snapshot rows of the book split by a hash of the invoice number.

    An invoice, its duplicates and its payments fall in the same pass, so the checks across an
    invoice's rows and the snapshot window see all they need; the checks of single rows run
    once over the whole book. Counts are summed over the passes before the first problem (in
    ``validate_receivables``' order) is raised; once one is known, passes only count.
    """
    counts: dict[int, int] = {}
    for table in ("inv", "pay"):
        counts.update(_counts(con, table, [i for i, c in enumerate(_CHECKS)
                                           if c[0] == table and i not in _ACROSS],
                              f"{table}_all"))
    samples: dict[int, str] = {}
    con.execute("DROP VIEW inv")
    con.execute("DROP VIEW pay")
    roots: dict[str, Path] = {}
    try:
        roots = split_book(con, len(parts), parts[0].parent)
        for k, part in enumerate(parts):
            load_share(con, roots, k)
            _across(con, counts, samples)
            if not any(counts.values()):
                query = snapshot_query(con, ends, stages, ordered=False, flows=True)
                con.execute(f"COPY ({query}) TO {_literal(str(part))} (FORMAT parquet)")
    finally:  # the split and the shares go (their memory is needed after); the views come back
        drop_split(roots)
        for table in ("inv", "pay"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM {table}_all")
    for i in _in_order(counts)[:1]:
        sample = samples[i] if i in samples else _sample(con, i, f"{_CHECKS[i][0]}_all")
        raise _problem(names, i, counts[i], sample)


def snapshots_to_files(con: duckdb.DuckDBPyConnection, invoices: Any, payments: Any,
                       dates: Any, stages: Any, folder: Path, invoices_mapping: Any = None,
                       payments_mapping: Any = None) -> tuple[list[Path], np.ndarray]:
    """Checked snapshot rows of a book of any size, as Parquet part files in ``folder``.

    The rows of :func:`snapshot_query` with ``flows=True`` (unordered). Past one
    :func:`book_passes` pass the book is split by a hash of the invoice number and each share
    is aged alone into its own part (memory stays bounded: 200M rows in 9 passes at 5 GB).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The engine (its memory limit sets the passes).
    invoices, payments : DataFrame, str or Path
        Course tables, or CSV/Parquet files (folders of Parquet files).
    dates : sequence of dates, optional
        Snapshot dates (default: the month ends from the first issue to the last date).
    stages : Stages
        Resolved stages.
    folder : Path
        Where the parts go (the spill folder); the caller deletes them after reading.
    invoices_mapping, payments_mapping : str, Path, dict or ColumnMapping, optional
        Column mappings of the files.

    Returns
    -------
    parts, ends
        The part files (read them with ``read_parquet([...])``) and the snapshot dates.

    Raises
    ------
    DataProblem
        As :func:`snapshots_on_engine` with ``validate=True``, counts over the whole book
        (no part is left behind).
    """
    inv_name, pay_name, currency = _views(con, invoices, payments, invoices_mapping,
                                          payments_mapping)
    names = {"inv": inv_name, "pay": pay_name}
    passes = book_passes(con)
    parts = [folder / f"snapshots-{os.getpid()}-{id(con)}-{k}.parquet" for k in range(passes)]
    try:
        if passes == 1:
            _validate(con, names, currency)
            ends = _snapshot_dates(con, dates)
            query = snapshot_query(con, ends, stages, ordered=False, flows=True)
            con.execute(f"COPY ({query}) TO {_literal(str(parts[0]))} (FORMAT parquet)")
        else:
            _check_currency(con, names, currency)
            ends = _snapshot_dates(con, dates)
            _in_passes(con, names, ends, stages, parts)
    except BaseException:
        for part in parts:
            part.unlink(missing_ok=True)
        raise
    return parts, ends


def _in_input_order(out: pd.DataFrame, invoices: pd.DataFrame) -> pd.DataFrame:
    """Rows in the pandas path's order: invoices as in the input, then by date."""
    ids = pd.Index(invoices["invoice_id"].astype("string"))
    pos = ids.get_indexer(pd.Index(out["invoice_id"]))
    order = np.lexsort((out["date"].to_numpy(), pos))
    return out.iloc[order].reset_index(drop=True)


def _typed(out: pd.DataFrame, invoices: Any, stages: Any) -> pd.DataFrame:
    """The pandas path's dtypes: ns dates, text invoice ids, the input's customer ids."""
    out["date"] = out["date"].astype("datetime64[ns]")
    out["invoice_id"] = out["invoice_id"].astype("string")
    if isinstance(invoices, pd.DataFrame):
        dtype = invoices["customer_id"].dtype
        if not isinstance(dtype, pd.CategoricalDtype):
            out["customer_id"] = out["customer_id"].astype(dtype)
        out = _in_input_order(out, invoices)
    else:
        out["customer_id"] = out["customer_id"].astype("string")
    out["days_past_due"] = out["days_past_due"].astype("int64")
    for col in ("amount", "balance", "paid_in_period"):
        out[col] = out[col].astype("float64")
    out["stage"] = pd.Categorical(out["stage"], dtype=stages.dtype)
    return out


# Long: the arguments of month_end_snapshots plus the engine's, documented
def snapshots_on_engine(
    invoices: pd.DataFrame | str | Path,
    payments: pd.DataFrame | str | Path,
    stages: Any,
    dates: Sequence[Any] | pd.DatetimeIndex | None = None,
    validate: bool = True,
    invoices_mapping: Any = None,
    payments_mapping: Any = None,
    settings: EngineSettings | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """:func:`helpers.receivables.month_end_snapshots` computed by DuckDB (frames or files).

    Parameters
    ----------
    invoices, payments : DataFrame, str or Path
        Course tables, or CSV/Parquet files (folders of Parquet files) read by DuckDB.
    stages : Stages
        Resolved stages (:func:`helpers.receivables.resolve_stages`).
    dates : sequence of dates, optional
        Snapshot dates (default: every month end from the first issue to the last payment or
        due date).
    validate : bool
        Run the checks of :func:`helpers.receivables.validate_receivables` in SQL first.
    invoices_mapping, payments_mapping : str, Path, dict or ColumnMapping, optional
        Column mappings of the files.
    settings : EngineSettings, optional
        Memory limit, spill folder, threads, progress bar.
    con : duckdb.DuckDBPyConnection, optional
        An open connection to use instead.

    Returns
    -------
    DataFrame
        The columns and dtypes of ``month_end_snapshots``; rows in its order for frames, by
        invoice and date for files.

    Raises
    ------
    DataProblem
        The problems ``validate_receivables`` names, and files the engine cannot read.
    """
    own = con is None
    con = connect(settings) if con is None else con
    try:
        ends = prepare(con, invoices, payments, dates, validate, invoices_mapping,
                       payments_mapping)
        out = con.execute(snapshot_query(con, ends, stages)).df()
        return _typed(out, invoices, stages)
    finally:
        if own:
            con.close()


def flow_on_engine(con: duckdb.DuckDBPyConnection, snapshots_sql: str,
                   with_previous: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Balance moved between stages, and paid, from one month end to the next, in SQL.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection.
    snapshots_sql : str
        A query (or table name) with the snapshot columns.
    with_previous : bool
        The rows carry their invoice's previous stage and balance (``from_stage``,
        ``start_balance``: ``snapshot_query(..., flows=True)``), so no window is needed.

    Returns
    -------
    moved, paid : DataFrame
        ``from_stage, to_stage, end_balance`` and ``from_stage, paid`` summed over the pairs
        of consecutive rows of an invoice whose earlier balance is positive (the inputs of
        :func:`helpers.receivables.flow_matrix`).
    """
    pairs = f"""
        WITH s AS (SELECT stage AS to_stage, balance AS end_balance, paid_in_period AS paid,
                          from_stage, start_balance FROM ({snapshots_sql}))
        SELECT * FROM s WHERE from_stage IS NOT NULL AND start_balance > 0""" if with_previous \
        else f"""
        WITH s AS (
            SELECT CAST(stage AS VARCHAR) AS to_stage, balance AS end_balance,
                   paid_in_period AS paid,
                   lag(CAST(stage AS VARCHAR)) OVER w AS from_stage,
                   lag(balance) OVER w AS start_balance
            FROM ({snapshots_sql}) WINDOW w AS (PARTITION BY invoice_id ORDER BY date))
        SELECT * FROM s WHERE from_stage IS NOT NULL AND start_balance > 0"""
    # one scan, no table of the pairs (at 200M rows that is ~200M rows held or spilled)
    sums = con.execute(f"""
        SELECT from_stage, to_stage, sum(end_balance) AS end_balance, sum(paid) AS paid,
               grouping(to_stage) AS whole FROM ({pairs})
        GROUP BY GROUPING SETS ((from_stage, to_stage), (from_stage))""").df()
    moved = sums.loc[sums["whole"] == 0, ["from_stage", "to_stage", "end_balance"]]
    paid = sums.loc[sums["whole"] == 1, ["from_stage", "paid"]]
    return moved.reset_index(drop=True), paid.reset_index(drop=True)


def stage_flows(snapshots: pd.DataFrame, settings: EngineSettings | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`flow_on_engine` over a snapshots frame (registered with DuckDB, not copied).

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`helpers.receivables.month_end_snapshots`.
    settings : EngineSettings, optional
        Memory limit, spill folder, threads, progress bar.

    Returns
    -------
    moved, paid : DataFrame
        As :func:`flow_on_engine`.
    """
    import pyarrow as pa  # deferred with the engine

    cols = ["date", "invoice_id", "stage", "balance", "paid_in_period"]
    con = connect(settings)
    try:
        con.register("snapshots_in", pa.Table.from_pandas(snapshots[cols], preserve_index=False))
        return flow_on_engine(con, "SELECT * FROM snapshots_in")
    finally:
        con.close()
