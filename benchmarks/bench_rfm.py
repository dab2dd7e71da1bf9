"""Benchmarks of the customer summary (helpers.segments.customer_summary) at 1M and 10M rows.

Compared in the same run with a straightforward pandas groupby, DuckDB SQL and (1M only)
``lifetimes.utils.summary_data_from_transaction_data``. Peak memory (tracemalloc, Python and
numpy allocations) is recorded in ``extra_info``. Run by hand:

    .venv/bin/python -m pytest benchmarks/bench_rfm.py --benchmark-only -p no:xdist

Targets (issue 3): at least 10x faster than lifetimes at 1M; within 2x of DuckDB at 10M.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from helpers.segments import customer_summary

END = "2025-12-31"
_CACHE: dict[int, pd.DataFrame] = {}


def synthetic(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` transactions of ``n // 10`` customers over three years, 2% returns."""
    if n not in _CACHE:
        rng = np.random.default_rng(seed)
        customers = max(n // 10, 1)
        ids = pd.Series(rng.integers(0, customers, n)).map("C{:08d}".format)
        seconds = rng.integers(0, 3 * 365 * 86400, n)
        amount = rng.gamma(2.0, 60.0, n).round(2)
        amount[rng.random(n) < 0.02] *= -1
        _CACHE[n] = pd.DataFrame({
            "customer_id": ids.astype("str"),
            "purchase_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(seconds, unit="s"),
            "amount": amount,
        })
    return _CACHE[n]


def plain_pandas(tx: pd.DataFrame) -> pd.DataFrame:
    """The straightforward way: normalise dates, group twice."""
    buys = tx[tx["amount"] >= 0].assign(day=tx["purchase_date"].dt.normalize())
    per_day = buys.groupby(["customer_id", "day"], as_index=False)["amount"].sum()
    g = per_day.groupby("customer_id")
    out = g.agg(first=("day", "min"), last=("day", "max"), n_orders=("day", "size"),
                monetary_total=("amount", "sum"))
    first_amount = per_day.sort_values("day").groupby("customer_id")["amount"].first()
    end = pd.Timestamp(END)
    out["frequency"] = out["n_orders"] - 1
    out["recency"] = (out["last"] - out["first"]).dt.days
    out["T"] = (end - out["first"]).dt.days
    out["monetary_value"] = ((out["monetary_total"] - first_amount)
                             / out["frequency"].where(out["frequency"] > 0)).fillna(0)
    return out


DUCKDB_SQL = f"""
    WITH per AS (
        SELECT customer_id, CAST(purchase_date AS DATE) AS day, SUM(amount) AS amount
        FROM tx WHERE amount >= 0 GROUP BY ALL),
    ranked AS (
        SELECT *, min(day) OVER (PARTITION BY customer_id) AS first_day FROM per)
    SELECT customer_id, COUNT(*) AS n_orders, COUNT(*) - 1 AS frequency,
           DATE_DIFF('day', MIN(day), MAX(day)) AS recency,
           DATE_DIFF('day', MIN(day), DATE '{END}') AS T,
           SUM(amount) AS monetary_total,
           COALESCE(SUM(amount) FILTER (WHERE day > first_day) / NULLIF(COUNT(*) - 1, 0), 0)
               AS monetary_value
    FROM ranked GROUP BY customer_id
"""


def duckdb_summary(tx: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.register("tx", tx)
    try:
        return con.sql(DUCKDB_SQL).df()
    finally:
        con.close()


def lifetimes_summary(tx: pd.DataFrame) -> pd.DataFrame:
    from lifetimes.utils import summary_data_from_transaction_data

    buys = tx[tx["amount"] >= 0]
    return summary_data_from_transaction_data(buys, "customer_id", "purchase_date", "amount",
                                              observation_period_end=END, freq="D")


IMPLEMENTATIONS = {
    "customer_summary": lambda tx: customer_summary(tx, as_of=END),
    "pandas_groupby": plain_pandas,
    "duckdb": duckdb_summary,
    "lifetimes": lifetimes_summary,
}


def peak_mib(func, tx) -> float:
    tracemalloc.start()
    try:
        func(tx)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("n", [1_000_000, 10_000_000], ids=["1M", "10M"])
@pytest.mark.parametrize("impl", list(IMPLEMENTATIONS))
def test_customer_summary(benchmark, impl, n):
    if impl == "lifetimes" and n > 1_000_000:
        pytest.skip("lifetimes is only timed at 1M rows (far too slow at 10M)")
    if impl in ("duckdb", "lifetimes"):
        pytest.importorskip(impl)
    tx = synthetic(n)
    func = IMPLEMENTATIONS[impl]
    rounds = 1 if (n > 1_000_000 or impl == "lifetimes") else 3
    result = benchmark.pedantic(func, args=(tx,), rounds=rounds, iterations=1)
    assert len(result) == tx.loc[tx["amount"] >= 0, "customer_id"].nunique()
    if impl != "lifetimes" or n <= 1_000_000:
        benchmark.extra_info["peak_mib"] = round(peak_mib(func, tx), 1)
    benchmark.extra_info["rows"] = n
