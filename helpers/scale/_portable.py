"""The customer summary written once in ibis: DuckDB here, Spark or a warehouse where the data is.

The same expression runs on any ibis backend: DuckDB (the default, embedded), Spark (a cluster,
or ``local[*]`` on one machine), Trino, BigQuery, Snowflake, PostgreSQL. ibis compiles it to
the backend's SQL; the data stays where it is and only the summary (one row per customer)
comes back. The result equals :func:`helpers.segments.customer_summary`'s (tested on Spark in
local mode in ``tests/scale/test_portable.py``).

Point it at your data with an ibis connection (the backend's package must be installed: ``pip
install 'ibis-framework[pyspark]'``, ``[trino]``, ``[bigquery]``, ``[snowflake]``,
``[postgres]``)::

    import ibis
    from helpers.scale import portable_summary
    con = ibis.connect("trino://user@host:8080/hive/sales")        # or ibis.pyspark.connect(spark)
    tx = con.table("transactions").rename(customer_id="cust_no", purchase_date="order_time")
    summary = portable_summary(tx, as_of="2025-12-31")

The table needs ``customer_id``, ``purchase_date`` and ``amount`` (and optionally
``is_return``): rename your columns in ibis as above.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.errors import DataProblem

from ._rfm import _FREQ_DAYS, _day_number, _period_int, _table

__all__ = ["portable_summary", "summary_expression"]


def _period(day: Any, freq: str) -> Any:
    return day if freq == "D" else day - (((day + 3) % 7) + 7) % 7


def summary_expression(tx: Any, end_period: int, freq: str = "D",
                       exclude_returns: bool = True) -> Any:
    """The per-customer aggregates of the summary as an ibis expression (not yet run).

    Parameters
    ----------
    tx : ibis Table
        With ``customer_id``, ``purchase_date``, ``amount`` and optionally ``is_return``.
    end_period : int
        First day (days since 1970-01-01) of the period holding ``as_of``.
    freq : {"D", "W"}
        Period length.
    exclude_returns : bool
        Leave out negative amounts and rows with ``is_return`` true.

    Returns
    -------
    ibis Table
        ``cid, n, total, first_amount, fp, lp, fd, ld`` per customer (days since epoch).
    """
    import ibis  # deferred: the portable path is optional

    day = tx.purchase_date.cast("date").delta(ibis.date(1970, 1, 1), unit="day").cast("int64")
    ret = (tx.amount < 0).fill_null(False)
    if "is_return" in tx.columns:
        ret = ret | tx.is_return.fill_null(False)
    rows = tx.mutate(cid=tx.customer_id, d=day, amt=tx.amount.cast("float64"), ret=ret)
    keep = rows.cid.notnull() & rows.d.notnull()
    if exclude_returns:
        keep = keep & ~rows.ret
    rows = rows.filter(keep).mutate(p=_period(rows.d, freq))
    rows = rows.filter(rows.p <= end_period)
    per = rows.group_by(["cid", "p"]).aggregate(s=rows.amt.sum(), dmin=rows.d.min(),
                                                dmax=rows.d.max())
    return per.group_by("cid").aggregate(
        n=per.count(), total=per.s.sum(), first_amount=per.s.argmin(per.p), fp=per.p.min(),
        lp=per.p.max(), fd=per.dmin.min(), ld=per.dmax.max()).order_by("cid")


def portable_summary(tx: Any, as_of: Any, freq: str = "D", exclude_returns: bool = True,
                     freq_multiplier: float = 1.0) -> pd.DataFrame:
    """The customer summary of an ibis table, computed by its backend (DuckDB, Spark, ...).

    Parameters
    ----------
    tx : ibis Table
        Transactions with course column names (see the module's docstring).
    as_of : date-like
        Last day observed (required: a warehouse table has no "last purchase" to default to
        cheaply).
    freq, exclude_returns, freq_multiplier
        As for :func:`helpers.segments.customer_summary`.

    Returns
    -------
    DataFrame
        The columns of :func:`helpers.segments.customer_summary`, indexed by ``customer_id``.

    Raises
    ------
    DataProblem
        An unknown ``freq``, ``as_of`` not a date, a column missing, no purchase left.
    """
    if freq not in _FREQ_DAYS:
        raise DataProblem(f"portable_summary: freq={freq!r} is not supported; use 'D' or 'W'.")
    missing = [c for c in ("customer_id", "purchase_date", "amount") if c not in tx.columns]
    if missing:
        raise DataProblem(f"portable_summary: the table lacks {missing}; rename its columns "
                          "in ibis, e.g. tx.rename(customer_id='cust_no').")
    end_day = _day_number(as_of)
    end_period = _period_int(end_day, freq)
    window_end = end_period + _FREQ_DAYS[freq] - 1 if freq != "D" else end_day
    groups = summary_expression(tx, end_period, freq, exclude_returns).to_pandas()
    if groups.empty:
        raise DataProblem("portable_summary: no purchase left to summarise; check as_of.")
    arrays = {c: groups[c].to_numpy() for c in groups.columns}
    ids = groups["cid"].dtype
    # text identifiers come back as the course's string type (as helpers.data.load_table reads)
    id_dtype = pd.StringDtype() if pd.api.types.is_string_dtype(ids) else ids
    return _table(arrays, end_period, window_end, _FREQ_DAYS[freq] * freq_multiplier, id_dtype)
