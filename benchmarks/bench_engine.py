"""The customer summary on each engine, side by side: time, ratio and peak memory in one run.

Not collected by pytest (no ``test_``/``bench_`` functions); run by hand::

    .venv/bin/python benchmarks/bench_engine.py 1_000_000 10_000_000 30_000_000
    .venv/bin/python benchmarks/bench_engine.py 200_000_000 --only engine_file,sql   # opt-in

For each size, a transactions Parquet file is generated once in the system's temporary folder (``big_file.py``'s
SQL), then every method runs in a fresh process (so each one's peak RSS is its own): the
pandas path (frame read from the file first, reading not timed), the engine on that frame, the
engine on the file, polars (lazy, from the file) and plain DuckDB SQL on the file. The ratio
is the pandas path's time divided by the method's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from big_file import SQL

END = "2025-12-31"
METHODS = ("pandas", "engine_frame", "engine_file", "polars", "sql")
PLAIN_SQL = f"""
    WITH per AS (SELECT customer_id, CAST(purchase_date AS DATE) AS d, sum(amount) AS s
                 FROM read_parquet('{{path}}') WHERE amount >= 0 GROUP BY 1, 2)
    SELECT customer_id, count(*) - 1 AS frequency, max(d) - min(d) AS recency,
           DATE '{END}' - min(d) AS T, (sum(s) - arg_min(s, d)) / greatest(count(*) - 1, 1) AS mv
    FROM per GROUP BY 1"""


def data_file(n: int) -> Path:
    """The size's Parquet file (generated once)."""
    path = Path(tempfile.gettempdir()) / "helpers-bench" / f"tx{n}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect().execute(SQL.format(rows=n, customers=max(n // 10, 1), path=path))
    return path


def _polars(path: Path) -> int:
    import polars as pl

    per = (pl.scan_parquet(path).filter(pl.col("amount") >= 0)
           .with_columns(d=pl.col("purchase_date").dt.date())
           .group_by("customer_id", "d").agg(s=pl.col("amount").sum()))
    out = per.group_by("customer_id").agg(
        n=pl.len(), first=pl.col("d").min(), last=pl.col("d").max(), total=pl.col("s").sum(),
        first_amount=pl.col("s").sort_by("d").first()).collect(engine="streaming")
    return out.height


def run_one(method: str, path: Path) -> dict[str, float]:
    """Time one method in this process; its peak RSS."""
    import pandas as pd

    from helpers.scale import summary_on_engine
    from helpers.segments import customer_summary

    frame = pd.read_parquet(path) if method in ("pandas", "engine_frame") else None
    start = time.perf_counter()
    if method == "pandas":
        rows = len(customer_summary(frame, as_of=END, engine="pandas"))
    elif method == "engine_frame":
        rows = len(summary_on_engine(frame, as_of=END).table)
    elif method == "engine_file":
        rows = len(summary_on_engine(path, as_of=END).table)
    elif method == "polars":
        rows = _polars(path)
    else:
        rows = len(duckdb.connect().execute(PLAIN_SQL.format(path=path)).fetchnumpy()["mv"])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "customers": rows}


def main() -> None:
    """Run every method at every size; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=lambda s: int(s.replace("_", "")))
    parser.add_argument("--only", default=",".join(METHODS))
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], Path(args.one[1]))))
        return
    print("| size | method | time (s) | ratio (pandas / method) | peak RSS (MB) |")
    print("| --- | --- | --- | --- | --- |")
    for n in args.sizes:
        path, base = data_file(n), None
        for method in args.only.split(","):
            out = subprocess.run([sys.executable, __file__, "0", "--one", method, str(path)],
                                 capture_output=True, text=True, check=False)
            if out.returncode:
                print(f"| {n:,} | {method} | failed: {out.stderr.strip().splitlines()[-1]} | | |")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            base = r["seconds"] if method == "pandas" else base
            ratio = f"{base / r['seconds']:.2f}" if base else ""
            print(f"| {n:,} | {method} | {r['seconds']:.2f} | {ratio} | {r['peak_mb']:,.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
