"""Generate a large transactions Parquet file with DuckDB (opt-in; not collected by pytest).

    .venv/bin/python benchmarks/big_file.py ../big/tx200m.parquet --rows 200_000_000

Rows: ``rows / 10`` customers (``C000000001`` ...), purchase times over three years (2023-2025),
amounts from a skewed distribution, 2 % returns (negative amounts). Written by DuckDB in a few
minutes without holding the data in memory. Keep it out of the repository (a folder beside it, or the system's temporary folder).
Then time the summary (the figures in ``benchmarks/README.md``)::

    /usr/bin/time -v .venv/bin/python -m helpers.scale summarise \
        --transactions ../big/tx200m.parquet --as-of 2025-12-31 --out ../big/out
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

SQL = """
COPY (
    SELECT 'C' || lpad(CAST(hash(i, 1) % {customers} AS VARCHAR), 9, '0') AS customer_id,
           TIMESTAMP '2023-01-01' + to_seconds(CAST(hash(i, 2) % (3 * 365 * 86400) AS BIGINT))
               AS purchase_date,
           round((CASE WHEN hash(i, 3) % 50 = 0 THEN -1 ELSE 1 END)
                 * (5 + (hash(i, 4) % 100000) / 1000.0) * (1 + (hash(i, 5) % 7)), 2) AS amount
    FROM range({rows}) t(i)
) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
"""


def main() -> None:
    """Write the file; print its size and the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=20_000_000)
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()
    if args.path.exists():
        raise SystemExit(f"{args.path} exists; remove it or choose another name")
    args.path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    t0 = time.perf_counter()
    con.execute(SQL.format(rows=args.rows, customers=max(args.rows // 10, 1), path=args.path))
    size = args.path.stat().st_size / 1e9
    print(f"{args.rows:,} rows -> {args.path} ({size:.2f} GB) in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
