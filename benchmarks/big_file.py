"""Generate large transactions, or invoices and payments, Parquet files with DuckDB (opt-in).

    .venv/bin/python benchmarks/big_file.py ../big/tx200m.parquet --rows 200_000_000
    .venv/bin/python benchmarks/big_file.py ../big/ar200m --kind receivables --rows 200_000_000

``--kind transactions`` (the default): ``rows / 10`` customers (``C000000001`` ...), purchase
times over three years (2023-2025), amounts from a skewed distribution, 2 % returns (negative
amounts). ``--kind receivables``: a folder with ``invoices.parquet`` (``rows / 2`` invoices
``INV1000000000`` ... of ``rows / 20`` customers, issued 2023-2025, due in 30 or 60 days) and
``payments.parquet`` (about ``rows / 2`` payments, none after 2025-12-31; 93,150,231 at 200M
rows): 75 % of the invoices paid in one payment
from 20 days early to 69 days late, 10 % in two (the second up to ten months late), 5 % part-paid
(40 %), 10 % never paid. Every file is written by DuckDB in a few minutes without holding the
data in memory. Keep them out of the repository (a folder beside it, or the system's temporary
folder). Then time the summary and the aging (the figures in ``benchmarks/README.md``)::

    /usr/bin/time -v .venv/bin/python -m helpers.scale summarise \
        --transactions ../big/tx200m.parquet --as-of 2025-12-31 --out ../big/out
    /usr/bin/time -v .venv/bin/python -m helpers.scale aging --invoices \
        ../big/ar200m/invoices.parquet --payments ../big/ar200m/payments.parquet \
        --as-of 2025-12-31 --out ../big/out-aging
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

#: One row per invoice ``k``; ``c`` (0-99) is how it is paid (see the module docstring).
INVOICES = """
CREATE VIEW inv AS
SELECT k, 'INV' || CAST(1000000000 + k AS VARCHAR) AS invoice_id,
       'C' || lpad(CAST(hash(k, 1) % {customers} AS VARCHAR), 9, '0') AS customer_id,
       DATE '2023-01-01' + CAST(hash(k, 2) % 1095 AS INTEGER) AS issue_date,
       DATE '2023-01-01' + CAST(hash(k, 2) % 1095 AS INTEGER)
           + CASE WHEN hash(k, 3) % 4 = 0 THEN 60 ELSE 30 END AS due_date,
       round(50 + (hash(k, 4) % 500000) / 100.0 * (1 + hash(k, 5) % 3), 2) AS amount,
       'CNY' AS currency, CAST(hash(k, 6) % 100 AS INTEGER) AS c
FROM range({invoices}) t(k)
"""

PAYMENTS = """
COPY (
    SELECT * FROM (
        SELECT 'P' || CAST(1000000000 + k AS VARCHAR) || '-' || part AS payment_id,
               invoice_id, customer_id,
               due_date + CASE WHEN c < 75 THEN h % 90 - 20 WHEN c >= 85 THEN h % 60
                               WHEN part = 1 THEN h % 30 - 5
                               ELSE 30 + CAST(hash(k, 8) % 300 AS INTEGER) END AS payment_date,
               CASE WHEN c < 75 THEN i.amount WHEN c >= 85 THEN round(i.amount * 0.4, 2)
                    WHEN part = 1 THEN round(i.amount / 2, 2)
                    ELSE round(i.amount - round(i.amount / 2, 2), 2) END AS amount,
               CASE WHEN hash(k, 9) % 3 = 0 THEN 'card' ELSE 'bank_transfer' END AS method
        FROM (SELECT *, CAST(hash(k, 7) % 1000 AS INTEGER) AS h FROM inv) i
             CROSS JOIN (VALUES (1), (2)) p(part)
        WHERE (part = 1 AND c < 90) OR (part = 2 AND c >= 75 AND c < 85))
    WHERE payment_date <= DATE '2025-12-31'
) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
"""


def receivables(con: duckdb.DuckDBPyConnection, folder: Path, rows: int) -> list[Path]:
    """Write ``invoices.parquet`` (``rows / 2``) and ``payments.parquet`` into ``folder``."""
    invoices = max(rows // 2, 1)
    con.execute(INVOICES.format(invoices=invoices, customers=max(invoices // 10, 1)))
    folder.mkdir(parents=True)
    inv, pay = folder / "invoices.parquet", folder / "payments.parquet"
    con.execute(f"COPY (SELECT * EXCLUDE (k, c) FROM inv) TO '{inv}' "
                "(FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    con.execute(PAYMENTS.format(path=pay))
    return [inv, pay]


def main() -> None:
    """Write the file(s); print rows, sizes and the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the Parquet file (a folder for receivables)")
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=20_000_000)
    parser.add_argument("--kind", choices=["transactions", "receivables"],
                        default="transactions")
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()
    if args.path.exists():
        raise SystemExit(f"{args.path} exists; remove it or choose another name")
    args.path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    t0 = time.perf_counter()
    if args.kind == "receivables":
        paths = receivables(con, args.path, args.rows)
    else:
        con.execute(SQL.format(rows=args.rows, customers=max(args.rows // 10, 1),
                               path=args.path))
        paths = [args.path]
    for p in paths:
        n = (con.execute(f"SELECT count(*) FROM '{p}'").fetchone() or (0,))[0]
        print(f"{n:,} rows -> {p} ({p.stat().st_size / 1e9:.2f} GB)")
    print(f"in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
