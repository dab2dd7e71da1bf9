"""Cohort retention counts as DuckDB SQL: customers of each first-purchase month buying later.

The rules of :func:`helpers.segments.cohort_retention`: purchases with a customer, a date and a
positive amount that are not flagged returns; a customer's cohort is the calendar month of the
first of them; a customer counts once per month in which they buy. The query returns the long
table of counts, which ``cohort_retention`` turns into its retention table (a few hundred cells
at most), so both paths share that last step.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from helpers.errors import DataProblem

from ._engine import EngineSettings, connect
from ._rfm import transactions_source

if TYPE_CHECKING:
    import duckdb

__all__ = ["CohortCounts", "cohort_counts_on_engine"]


class CohortCounts(NamedTuple):
    """What :func:`cohort_counts_on_engine` returns.

    Attributes
    ----------
    counts : DataFrame
        Index cohort month (months since 1970-01), columns months since the first purchase,
        values the customers buying (0 where none did).
    last_month : int
        The last month with a purchase (months since 1970-01).
    """

    counts: pd.DataFrame
    last_month: int


def _query(con: duckdb.DuckDBPyConnection, data: Any, customer_col: str, date_col: str,
           amount_col: str, mapping: Any) -> str:
    src = transactions_source(con, data, customer_col, date_col, amount_col, mapping)
    ret = " AND NOT coalesce(is_return, FALSE)" if "is_return" in src.columns else ""
    return f"""
        WITH t AS (
            SELECT DISTINCT customer_id AS cid,
                   (year(purchase_date) - 1970) * 12 + month(purchase_date) - 1 AS m
            FROM ({src.sql})
            WHERE customer_id IS NOT NULL AND purchase_date IS NOT NULL AND amount > 0{ret}),
        f AS (SELECT m, min(m) OVER (PARTITION BY cid) AS cohort FROM t)
        SELECT cohort, m - cohort AS since, count(*) AS n, max(max(m)) OVER () AS last
        FROM f GROUP BY ALL"""


def cohort_counts_on_engine(
    data: pd.DataFrame | str | Path,
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    mapping: Any = None,
    settings: EngineSettings | None = None,
) -> CohortCounts:
    """Customers per cohort and months since their first purchase, counted by DuckDB.

    Parameters
    ----------
    data : DataFrame, str or Path
        Transactions: a frame, or a CSV/Parquet file or a folder of Parquet files.
    customer_col, date_col, amount_col : str
        Column names of a frame (a file's columns come from ``mapping``).
    mapping : str, Path, dict or ColumnMapping, optional
        The column mapping of a file.
    settings : EngineSettings, optional
        Memory limit, spill folder, threads, progress bar.

    Returns
    -------
    CohortCounts

    Raises
    ------
    DataProblem
        Missing columns, values that do not parse, no purchase at all.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 5.0, 5.0],
    ...                    "purchase_date": pd.to_datetime(["2025-01-03", "2025-02-10",
    ...                                                     "2025-01-20"])})
    >>> cohort_counts_on_engine(tx).counts.to_numpy().tolist()
    [[2, 1]]
    """
    con = connect(settings)
    try:
        long = con.execute(_query(con, data, customer_col, date_col, amount_col, mapping)).df()
    finally:
        con.close()
    if long.empty:
        raise DataProblem("transactions: no purchase to build cohorts from.")
    counts = long.pivot_table(index="cohort", columns="since", values="n", aggfunc="sum",
                              fill_value=0).astype("int64")
    counts.index = counts.index.astype("int64")
    counts.columns = counts.columns.astype("int64")
    return CohortCounts(counts, int(long["last"].iloc[0]))
