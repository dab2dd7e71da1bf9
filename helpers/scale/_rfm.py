"""The customer summary (RFM and lifetimes' frequency/recency/T) as DuckDB SQL.

The same columns, exclusions and conventions as :func:`helpers.segments.customer_summary`
(read its docstring): periods of ``freq`` (weeks start on Monday), several purchases in one
period are one order, ``monetary_value`` is the mean of the repeat periods, the period holding
``as_of`` is observed in full. Days are integers (days since 1970-01-01) inside the query, so a
purchase at 23:59 and one at 00:01 fall on their own calendar days exactly as in pandas.

Two passes over the input: one counts the rows left out (by reason) and finds the last day,
one groups by (customer, period) and then by customer. DuckDB's hash aggregation spills to
the engine's temporary folder when the groups do not fit in ``memory_limit``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._engine import EngineSettings, connect
from ._sources import _literal, table_source
from ._writing import copy_result

if TYPE_CHECKING:
    import duckdb

__all__ = ["ROWS_PER_GIB", "EngineSummary", "memory_bytes", "summary_on_engine", "summary_passes",
           "summary_query", "summary_to_parquet"]

_FREQ_DAYS = {"D": 1, "W": 7}
#: Transactions one pass of the file summary aggregates per GiB of the engine's memory limit.
#: Past that the customers are split by a hash of their ID and each share is summarised in a
#: pass of its own (a customer's rows all fall in one pass, so the rows are the same): DuckDB's
#: two-level GROUP BY over 200M rows and 20M customers ran out of a 5 GB limit in one pass.
ROWS_PER_GIB = 5_000_000
_UNITS = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


class EngineSummary(NamedTuple):
    """What :func:`summary_on_engine` returns.

    Attributes
    ----------
    table : DataFrame
        One row per customer, the columns of :func:`helpers.segments.customer_summary`.
    exclusions : dict
        ``rows_in``, ``missing_customer``, ``missing_date``, ``returns``, ``zero_amount_kept``,
        ``after_observation_end``, ``rows_used``.
    window_end : Timestamp
        The last day observed.
    """

    table: pd.DataFrame
    exclusions: dict[str, int]
    window_end: pd.Timestamp


def _day_number(stamp: Any) -> int:
    try:
        return int(np.datetime64(pd.Timestamp(stamp).to_datetime64(), "D").astype("int64"))
    except (ValueError, TypeError) as err:
        raise DataProblem(f"customer_summary: as_of={stamp!r} is not a date; give e.g. "
                          "'2025-12-31'.") from err


def _period(day: str, freq: str) -> str:
    """SQL of the first day of the period holding ``day`` (weeks start on Monday)."""
    return day if freq == "D" else f"({day} - ((({day} + 3) % 7) + 7) % 7)"


def _base_view(con: duckdb.DuckDBPyConnection, source_sql: str, has_return: bool) -> None:
    ret = "coalesce(amount < 0, FALSE)" + (" OR coalesce(is_return, FALSE)" if has_return else "")
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW tx AS
        SELECT customer_id AS cid,
               date_diff('day', DATE '1970-01-01', CAST(purchase_date AS DATE)) AS d,
               CAST(amount AS DOUBLE) AS amt, ({ret}) AS ret
        FROM ({source_sql})""")


def _exclusions(con: duckdb.DuckDBPyConnection, exclude_returns: bool, end_period: int | None,
                freq: str, name: str) -> tuple[dict[str, int], int | None]:
    """Pass 1: the rows left out by reason, and the last day of the rows kept."""
    ok = "cid IS NOT NULL AND d IS NOT NULL"
    kept = f"{ok} AND NOT ret" if exclude_returns else ok
    late = (f"count(*) FILTER (WHERE {kept} AND {_period('d', freq)} > {end_period})"
            if end_period is not None else "0")
    row = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE cid IS NULL),
               count(*) FILTER (WHERE cid IS NOT NULL AND d IS NULL),
               count(*) FILTER (WHERE {ok} AND amt IS NULL),
               count(*) FILTER (WHERE {ok} AND ret),
               count(*) FILTER (WHERE {kept} AND amt = 0), {late},
               count(*) FILTER (WHERE {kept}), max(d) FILTER (WHERE {kept})
        FROM tx""").fetchone()
    assert row is not None
    n_in, no_cust, no_date, no_amount, returns, zero, n_late, n_kept, last = row
    if no_amount:
        sample = [r[0] for r in con.execute(
            f"SELECT DISTINCT CAST(cid AS VARCHAR) FROM tx WHERE {ok} AND amt IS NULL LIMIT 5"
        ).fetchall()]
        raise DataProblem(f"{name}: column 'amount' is empty in {no_amount} row(s), e.g. of "
                          f"customers {sample}. Fix: fill the amount in the export, or drop "
                          "those rows before summarising.")
    report = {"rows_in": n_in, "missing_customer": no_cust, "missing_date": no_date,
              "returns": returns if exclude_returns else 0, "zero_amount_kept": zero,
              "after_observation_end": n_late, "rows_used": n_kept - n_late}
    return {k: int(v) for k, v in report.items()}, (None if last is None else int(last))


def _grouped(con: duckdb.DuckDBPyConnection, exclude_returns: bool, end_period: int,
             freq: str) -> dict[str, np.ndarray]:
    """Pass 2: per customer the orders, totals, first period's value, first/last period/day."""
    kept = "cid IS NOT NULL AND d IS NOT NULL" + (" AND NOT ret" if exclude_returns else "")
    p = _period("d", freq)
    return con.execute(f"""
        WITH per AS (
            SELECT cid, {p} AS p, sum(amt) AS s, min(d) AS dmin, max(d) AS dmax
            FROM tx WHERE {kept} AND {p} <= {end_period} GROUP BY cid, p)
        SELECT cid, count(*) AS n, sum(s) AS total, arg_min(s, p) AS first_amount,
               min(p) AS fp, max(p) AS lp, min(dmin) AS fd, max(dmax) AS ld
        FROM per GROUP BY cid ORDER BY cid""").fetchnumpy()


def _table(g: dict[str, np.ndarray], end_period: int, window_end: int, scale: float,
           id_dtype: Any) -> pd.DataFrame:
    """The summary columns, with the formulas and dtypes of the pandas path."""
    n = np.asarray(g["n"], dtype="int64")
    total = np.asarray(g["total"], dtype="float64")
    fp, lp = np.asarray(g["fp"], dtype="int64"), np.asarray(g["lp"], dtype="int64")
    fd, ld = np.asarray(g["fd"], dtype="int64"), np.asarray(g["ld"], dtype="int64")
    frequency = n - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        mval = np.where(frequency > 0, (total - np.asarray(g["first_amount"], dtype="float64"))
                        / np.maximum(frequency, 1), 0.0)
    ids = np.asarray(g["cid"])
    return pd.DataFrame(
        {
            "first_purchase": fd.astype("datetime64[D]").astype("datetime64[ns]"),
            "last_purchase": ld.astype("datetime64[D]").astype("datetime64[ns]"),
            "n_orders": n, "frequency": frequency,
            "recency": (lp - fp) / scale, "T": (end_period - fp) / scale,
            "days_since_last": (window_end - ld).astype("int64"),
            "monetary_total": total, "monetary_value": mval,
            "avg_order_value": total / n,
            "tenure_days": (window_end - fd).astype("int64"),
        },
        index=pd.Index(ids, dtype=id_dtype, name="customer_id"),
    )


def _id_dtype(data: Any, customer_col: str) -> Any:
    if isinstance(data, pd.DataFrame):
        dtype = data[customer_col].dtype
        return dtype.categories.dtype if isinstance(dtype, pd.CategoricalDtype) else dtype
    return pd.StringDtype()  # as helpers.data.load_table reads identifiers


# Long: the argument list of customer_summary plus the engine's, and their checks
def summary_on_engine(
    data: pd.DataFrame | str | Path,
    as_of: Any = None,
    freq: str = "D",
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    exclude_returns: bool = True,
    freq_multiplier: float = 1.0,
    mapping: Any = None,
    settings: EngineSettings | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> EngineSummary:
    """The customer summary computed by DuckDB, from a frame or a file (never loaded whole).

    Parameters
    ----------
    data : DataFrame, str or Path
        Transactions: a frame, or a CSV/Parquet file or a folder of Parquet files.
    as_of, freq, customer_col, date_col, amount_col, exclude_returns, freq_multiplier
        As for :func:`helpers.segments.customer_summary` (the ``*_col`` names apply to a
        frame; a file's columns come from ``mapping``).
    mapping : str, Path, dict or ColumnMapping, optional
        The column mapping of a file (``mappings/*.yaml``).
    settings : EngineSettings, optional
        Memory limit, spill folder, threads, progress bar.
    con : duckdb.DuckDBPyConnection, optional
        An open connection to use instead (``settings`` is then ignored).

    Returns
    -------
    EngineSummary
        ``table``, ``exclusions`` and ``window_end``, equal to the pandas path's.

    Raises
    ------
    DataProblem
        As :func:`helpers.segments.customer_summary`, plus files the engine cannot read.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 8.0],
    ...                    "purchase_date": pd.to_datetime(["2025-01-01", "2025-01-11",
    ...                                                     "2025-01-05"])})
    >>> s = summary_on_engine(tx, as_of="2025-01-31").table
    >>> s[["frequency", "recency", "T"]].to_dict("index")["a"]
    {'frequency': 1, 'recency': 10.0, 'T': 30.0}
    """
    if freq not in _FREQ_DAYS:
        raise DataProblem(f"customer_summary: freq={freq!r} is not supported; use one of "
                          f"{sorted(_FREQ_DAYS)} (days or weeks).")
    if not freq_multiplier or freq_multiplier <= 0:
        raise DataProblem(f"customer_summary: freq_multiplier must be positive, got "
                          f"{freq_multiplier!r}.")
    own = con is None
    con = connect(settings) if con is None else con
    try:
        return _summarise(con, data, as_of, freq, customer_col, date_col, amount_col,
                          exclude_returns, freq_multiplier, mapping)
    finally:
        if own:
            con.close()


def transactions_source(con: duckdb.DuckDBPyConnection, data: Any, customer_col: str,
                        date_col: str, amount_col: str, mapping: Any) -> Any:
    """The transactions as a DuckDB source with the course's column names, or a DataProblem.

    Parameters
    ----------
    con : DuckDBPyConnection
        The engine.
    data : DataFrame, str or Path
        A frame or a file.
    customer_col, date_col, amount_col : str
        The frame's column names (files are mapped with ``mapping``).
    mapping : mapping or path, optional
        Column mapping of a file.

    Returns
    -------
    Source
        From :func:`~helpers.scale._sources.table_source`.

    Raises
    ------
    DataProblem
        When customer, date or amount is missing.
    """
    rename = {"customer_id": customer_col, "purchase_date": date_col, "amount": amount_col}
    src = table_source(con, data, "transactions",
                       ["customer_id", "purchase_date", "amount", "is_return"], rename, mapping)
    missing = [rename[c] if isinstance(data, pd.DataFrame) else c
               for c in ("customer_id", "purchase_date", "amount") if c not in src.columns]
    if missing:
        raise DataProblem(f"{src.name}: missing column(s) {missing}. Fix: map your export's "
                          "columns to the course names (a mapping file in mappings/) or pass "
                          "the right column names (customer_col=, date_col=, amount_col=).")
    return src


def _prepare(con: duckdb.DuckDBPyConnection, data: Any, as_of: Any, freq: str,
             customer_col: str, date_col: str, amount_col: str, exclude_returns: bool,
             mapping: Any) -> tuple[dict[str, int], int, int]:
    """The view ``tx``, the exclusions, the last period and the last day observed."""
    src = transactions_source(con, data, customer_col, date_col, amount_col, mapping)
    _base_view(con, src.sql, "is_return" in src.columns)
    end_period = None if as_of is None else int(_period_int(_day_number(as_of), freq))
    report, last = _exclusions(con, exclude_returns, end_period, freq, src.name)
    if report["rows_used"] == 0 or last is None:
        raise DataProblem(f"{src.name}: no purchase left to summarise after the exclusions "
                          f"{report}. Fix: check as_of, the amount signs and the customer "
                          "column.")
    end_day = _day_number(as_of) if as_of is not None else last
    end_period = int(_period_int(end_day, freq))
    window_end = end_period + _FREQ_DAYS[freq] - 1 if freq != "D" else end_day
    return report, end_period, window_end


def _summarise(con: duckdb.DuckDBPyConnection, data: Any, as_of: Any, freq: str,
               customer_col: str, date_col: str, amount_col: str, exclude_returns: bool,
               freq_multiplier: float, mapping: Any) -> EngineSummary:
    report, end_period, window_end = _prepare(con, data, as_of, freq, customer_col, date_col,
                                              amount_col, exclude_returns, mapping)
    groups = _grouped(con, exclude_returns, end_period, freq)
    table = _table(groups, end_period, window_end, _FREQ_DAYS[freq] * freq_multiplier,
                   _id_dtype(data, customer_col))
    return EngineSummary(table, report, pd.Timestamp(np.datetime64(int(window_end), "D")))


def summary_query(exclude_returns: bool, end_period: int, window_end: int, freq: str,
                  scale: float, share: tuple[int, int] | None = None) -> str:
    """The whole summary table in SQL over the view ``tx`` (the formulas of :func:`_table`).

    ``share=(k, n)`` keeps only the customers whose ID hashes to ``k`` modulo ``n``.
    """
    kept = "cid IS NOT NULL AND d IS NOT NULL" + (" AND NOT ret" if exclude_returns else "")
    if share is not None:
        kept += f" AND hash(cid) % {int(share[1])} = {int(share[0])}"
    p = _period("d", freq)

    def stamp(day: str) -> str:
        return f"CAST(DATE '1970-01-01' + CAST({day} AS INTEGER) AS TIMESTAMP_NS)"

    return f"""
        WITH per AS (
            SELECT cid, {p} AS p, sum(amt) AS s, min(d) AS dmin, max(d) AS dmax
            FROM tx WHERE {kept} AND {p} <= {end_period} GROUP BY cid, p),
        g AS (SELECT cid, count(*) AS n, sum(s) AS total, arg_min(s, p) AS first_amount,
                     min(p) AS fp, max(p) AS lp, min(dmin) AS fd, max(dmax) AS ld
              FROM per GROUP BY cid)
        SELECT cid AS customer_id, {stamp('fd')} AS first_purchase,
               {stamp('ld')} AS last_purchase, n AS n_orders, n - 1 AS frequency,
               (lp - fp) / {scale!r} AS recency, ({end_period} - fp) / {scale!r} AS "T",
               CAST({window_end} - ld AS BIGINT) AS days_since_last,
               total AS monetary_total,
               CASE WHEN n > 1 THEN (total - first_amount) / (n - 1) ELSE 0.0 END
                   AS monetary_value,
               total / n AS avg_order_value, CAST({window_end} - fd AS BIGINT) AS tenure_days
        FROM g"""


def summary_to_parquet(data: Any, output_dir: str | Path, as_of: Any = None, freq: str = "D",
                       mapping: Any = None, settings: EngineSettings | None = None
                       ) -> tuple[Path, dict[str, int], pd.Timestamp, int]:
    """The summary of a file written by DuckDB as ``customer_summary.parquet`` (never in pandas).

    Parameters
    ----------
    data : DataFrame, str or Path
        Transactions (a CSV/Parquet file or a folder of Parquet files).
    output_dir : str or Path
        Output folder (:func:`helpers.data.write_table`'s rules: never overwritten).
    as_of, freq, mapping, settings
        As for :func:`summary_on_engine`.

    Returns
    -------
    path, exclusions, window_end, customers
        The file written, the rows left out by reason, the last day observed, the row count.

    Raises
    ------
    DataProblem
        As :func:`summary_on_engine`, and an output folder that cannot be written.
    """
    if freq not in _FREQ_DAYS:
        raise DataProblem(f"customer_summary: freq={freq!r} is not supported; use one of "
                          f"{sorted(_FREQ_DAYS)} (days or weeks).")
    con = connect(settings)
    try:
        report, end_period, window_end = _prepare(con, data, as_of, freq, "customer_id",
                                                  "purchase_date", "amount", True, mapping)
        path = _summary_in_passes(con, report["rows_used"], (end_period, window_end, freq),
                                  output_dir, settings or EngineSettings())
        rows = con.execute(f"SELECT count(*) FROM read_parquet({_literal(str(path))})"
                           ).fetchone()
        return (path, report, pd.Timestamp(np.datetime64(int(window_end), "D")),
                int(rows[0]) if rows else 0)
    finally:
        con.close()


def memory_bytes(con: duckdb.DuckDBPyConnection) -> float:
    """The connection's memory limit in bytes (DuckDB reports it as text, ``'4.6 GiB'``).

    >>> import duckdb
    >>> con = duckdb.connect(); _ = con.execute("SET memory_limit = '2GB'")
    >>> round(memory_bytes(con) / 2**30, 1)   # shown as '1.8 GiB'
    1.8
    """
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    found = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?I?B?)\s*", str(row[0] if row else "").upper())
    if not found:
        return float(8 * 2**30)  # unreadable: assume a laptop's share
    return float(found.group(1)) * _UNITS[found.group(2)]


def summary_passes(rows: int, memory: float) -> int:
    """How many passes the file summary takes: one per :data:`ROWS_PER_GIB` of the limit.

    >>> summary_passes(20_000_000, 5e9), summary_passes(200_000_000, 5e9)
    (1, 9)
    """
    per_pass = max(int(ROWS_PER_GIB * memory / 2**30), 1)
    return max(1, -(-int(rows) // per_pass))


def _summary_in_passes(con: duckdb.DuckDBPyConnection, rows: int, window: tuple[int, int, str],
                       output_dir: str | Path, settings: EngineSettings) -> Path:
    """``customer_summary.parquet``, summarised in :func:`summary_passes` passes.

    Each pass writes its share of the customers to a part file in the spill folder; the parts
    are then written as one file by :func:`copy_result` and deleted.
    """
    end_period, window_end, freq = window
    passes = summary_passes(rows, memory_bytes(con))
    scale = float(_FREQ_DAYS[freq])
    if passes == 1:
        return copy_result(con, summary_query(True, end_period, window_end, freq, scale),
                           "customer_summary", output_dir)
    folder = settings.spill_folder()
    parts = [folder / f"summary-{os.getpid()}-{id(con)}-{k}.parquet" for k in range(passes)]
    try:
        for k, part in enumerate(parts):
            sql = summary_query(True, end_period, window_end, freq, scale, share=(k, passes))
            con.execute(f"COPY ({sql}) TO {_literal(str(part))} (FORMAT parquet)")
        listed = ", ".join(_literal(str(part)) for part in parts)
        return copy_result(con, f"SELECT * FROM read_parquet([{listed}])", "customer_summary",
                           output_dir)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _period_int(day: int, freq: str) -> int:
    return day if freq == "D" else day - (day + 3) % 7

