"""Side by side, in one process: the customer summary against lifetimes, DuckDB and polars.

Every implementation gets the same in-memory frame (``bench_rfm.synthetic``: ``n // 10``
customers with fixed-width IDs ``C00012345``, three years, 2% returns). Each is timed (best of
``--rounds``) and its peak memory measured in a separate call (tracemalloc: Python and numpy
allocations; DuckDB's and polars' own allocators are not seen by it). The project runs with
``engine="pandas"`` so that the in-memory path is what is timed (``helpers.scale`` may route
large frames to DuckDB). Ratios are peer time / project time (> 1: the project is faster).
Not part of ``make test``; run by hand, late, on a quiet machine::

    .venv/bin/python benchmarks/bench_summary_peers.py --sizes 1M,10M,30M

lifetimes is only run up to 1M rows (it takes minutes beyond).
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
import tracemalloc
from collections.abc import Callable

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.bench_rfm import END, duckdb_summary, lifetimes_summary, synthetic
from helpers.segments import customer_summary


def project(tx: pd.DataFrame) -> pd.DataFrame:
    """The project's pandas path."""
    if "engine" in inspect.signature(customer_summary).parameters:
        return customer_summary(tx, as_of=END, engine="pandas")
    return customer_summary(tx, as_of=END)


def polars_summary(tx: pd.DataFrame) -> pd.DataFrame:
    """The same summary in polars (lazy, from the pandas frame)."""
    import polars as pl

    end = pd.Timestamp(END).date()
    per = (pl.from_pandas(tx).lazy().filter(pl.col("amount") >= 0)
           .with_columns(pl.col("purchase_date").dt.date().alias("day"))
           .group_by("customer_id", "day").agg(pl.col("amount").sum()))
    out = (per.sort("day").group_by("customer_id").agg(
        pl.len().alias("n_orders"), pl.col("day").min().alias("first"),
        pl.col("day").max().alias("last"), pl.col("amount").sum().alias("monetary_total"),
        pl.col("amount").first().alias("first_amount"))
        .with_columns((pl.col("n_orders") - 1).alias("frequency"),
                      (pl.col("last") - pl.col("first")).dt.total_days().alias("recency"),
                      (pl.lit(end) - pl.col("first")).dt.total_days().alias("T")))
    return out.collect().to_pandas()


PEERS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "lifetimes": lifetimes_summary, "duckdb": duckdb_summary, "polars": polars_summary}


def measure(func: Callable[[pd.DataFrame], pd.DataFrame], tx: pd.DataFrame,
            rounds: int) -> tuple[float, float, int]:
    """Best time (s), tracemalloc peak (MiB) and result rows of ``func(tx)``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        rows = len(func(tx))
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    try:
        func(tx)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return best, peak, rows


def main() -> None:
    """Print one markdown table: size, implementation, time, peak memory, ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    print("| rows | implementation | time (s) | peak (MiB) | ratio peer/project |")
    print("| --- | --- | --- | --- | --- |")
    for label in args.sizes.split(","):
        n = int(float(label.rstrip("M")) * 1_000_000)
        tx = synthetic(n)
        rounds = args.rounds if n <= 1_000_000 else 1
        ours, peak, rows = measure(project, tx, rounds)
        print(f"| {label} | customer_summary (pandas) | {ours:.3f} | {peak:,.0f} | |", flush=True)
        for name, func in PEERS.items():
            if name == "lifetimes" and n > 1_000_000:
                continue
            took, peak, peer_rows = measure(func, tx, 1 if name == "lifetimes" else rounds)
            assert peer_rows == rows, (name, peer_rows, rows)
            print(f"| {label} | {name} | {took:.3f} | {peak:,.0f} | {took / ours:.2f} |",
                  flush=True)
        print(f"load average after {label}: {os.getloadavg()}")


if __name__ == "__main__":
    main()
