"""``python -m helpers.scale``: summaries and aging of files larger than memory, to a folder.

Examples::

    python -m helpers.scale summarise --transactions big.parquet --mapping m.yaml --out out/
    python -m helpers.scale summarise --transactions parts/ --as-of 2025-12-31 --freq W --out out/
    python -m helpers.scale aging --invoices inv.parquet --payments pay.parquet --as-of 2025-12-31
        --months 12 --out out/

The file (CSV, Parquet, or a folder of Parquet files) is read by DuckDB, never loaded into
pandas; past ``--memory-limit`` (default 60 % of RAM, at most 5 GB) DuckDB spills to
``--temp-directory``. DuckDB's progress bar shows on long queries. Results are written with
:func:`helpers.data.write_table` (atomic; an existing file is never overwritten): the summary
(``customer_summary.parquet``, written by DuckDB itself: the result never becomes a pandas
frame) and the rows left out (``exclusions.csv``); for ``aging`` the invoice-month snapshots
(``month_end_snapshots.parquet``, by DuckDB), the open balance by month end and stage
(``aging_trend.csv``) and the roll-rate matrix (``roll_rates.csv``). Both commands split an input
that outgrows the limit into passes (customers, or invoices, by a hash of their ID) whose parts
wait in the spill folder (200M rows: a peak of 4.9 GiB resident at the default limit); the aging
in passes first writes the book there once, split by pass, so that folder needs free space of
about the book's size in Parquet besides DuckDB's own spill.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers.data import write_table
from helpers.errors import ConfigProblem, DataProblem
from helpers.receivables import flow_matrix, load_stages
from helpers.scale._engine import EngineSettings, connect, default_memory_limit
from helpers.scale._receivables_sql import SNAPSHOT_COLUMNS, flow_on_engine, snapshots_to_files
from helpers.scale._rfm import summary_on_engine, summary_to_parquet
from helpers.scale._sources import _literal
from helpers.scale._writing import copy_result

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers.scale",
                                     description="Heavy aggregations of large files on DuckDB.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summarise", help="customer summary (RFM, frequency/recency/T)")
    s.add_argument("--transactions", required=True,
                   help="CSV or Parquet file, or a folder of Parquet files")
    s.add_argument("--mapping", help="column mapping (mappings/*.yaml)")
    s.add_argument("--as-of", help="last day observed (default: the last purchase)")
    s.add_argument("--freq", choices=["D", "W"], default="D", help="period: days or weeks")
    s.add_argument("--out", required=True, help="output folder (created; nothing overwritten)")
    s.add_argument("--fmt", choices=["parquet", "csv"], default="parquet",
                   help="format of the summary file")
    _engine_options(s)
    a = sub.add_parser("aging", help="month-end aging snapshots, aging trend and roll rates")
    a.add_argument("--invoices", required=True, help="invoices: CSV, Parquet or a folder")
    a.add_argument("--payments", required=True, help="payments: CSV, Parquet or a folder")
    a.add_argument("--invoices-mapping", help="column mapping of the invoices")
    a.add_argument("--payments-mapping", help="column mapping of the payments")
    a.add_argument("--as-of", required=True, help="aging date: the last month end on or "
                   "before it is the last snapshot")
    a.add_argument("--months", type=int, default=12, help="number of month ends (default 12)")
    a.add_argument("--stages", help="collection stages file (default: the bundled one)")
    a.add_argument("--out", required=True, help="output folder (created; nothing overwritten)")
    _engine_options(a)
    return parser


def _engine_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--memory-limit", default=None,
                   help=f"DuckDB memory limit (default {default_memory_limit()})")
    p.add_argument("--temp-directory", default=None, help="spill folder for DuckDB")
    p.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarise(args: argparse.Namespace) -> int:
    """Run ``summarise``: write the summary and the exclusions, print time and peak memory."""
    settings = EngineSettings(args.memory_limit, args.temp_directory, args.threads,
                              progress=not args.quiet)
    t0 = time.perf_counter()
    if args.fmt == "parquet":  # written by DuckDB: the result never becomes a pandas frame
        table, exclusions, window_end, customers = summary_to_parquet(
            args.transactions, args.out, as_of=args.as_of, freq=args.freq, mapping=args.mapping,
            settings=settings)
    else:
        result = summary_on_engine(args.transactions, as_of=args.as_of, freq=args.freq,
                                   mapping=args.mapping, settings=settings)
        table = write_table(result.table.reset_index(), "customer_summary", args.out, fmt="csv")
        exclusions, window_end, customers = result.exclusions, result.window_end, len(result.table)
    seconds = time.perf_counter() - t0
    excl = write_table(pd.Series(exclusions, name="rows").rename_axis("reason")
                       .reset_index(), "exclusions", args.out)
    print(f"{customers:,} customers from {exclusions['rows_in']:,} rows "
          f"(observed to {window_end.date()}) in {seconds:,.1f} s, peak memory "
          f"{_peak_rss_mb():,.0f} MB\n  {table}\n  {excl}")
    return 0


def snapshot_dates(as_of: str, months: int) -> pd.DatetimeIndex:
    """The ``months`` month ends up to the last one on or before ``as_of``.

    Examples
    --------
    >>> [str(d.date()) for d in snapshot_dates("2025-12-15", 2)]
    ['2025-10-31', '2025-11-30']
    """
    try:
        day = pd.Timestamp(as_of).normalize()
    except (TypeError, ValueError) as err:
        raise DataProblem(f"--as-of {as_of!r} is not a date; give e.g. 2025-12-31.") from err
    if months < 1:
        raise DataProblem(f"--months must be at least 1, got {months}.")
    last = day if day.is_month_end else day - pd.offsets.MonthEnd(1)
    return pd.date_range(end=last, periods=months, freq="ME")


def aging(args: argparse.Namespace) -> int:
    """Run ``aging``: snapshots (by DuckDB), aging trend and roll rates; time and memory."""
    settings = EngineSettings(args.memory_limit, args.temp_directory, args.threads,
                              progress=not args.quiet)
    stages = load_stages(args.stages)
    t0 = time.perf_counter()
    con = connect(settings)
    parts: list[Path] = []
    try:
        # unordered, with each row's previous stage and balance (no sort, no window), into
        # part files in the spill folder (not a table in memory; one per pass of a book split
        # by invoice when it outgrows the memory limit), read by the steps after
        parts, ends = snapshots_to_files(con, args.invoices, args.payments,
                                         snapshot_dates(args.as_of, args.months), stages,
                                         settings.spill_folder(), args.invoices_mapping,
                                         args.payments_mapping)
        listed = ", ".join(_literal(str(part)) for part in parts)
        snaps_sql = f"SELECT * FROM read_parquet([{listed}])"
        snaps = copy_result(con, f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM ({snaps_sql})",
                            "month_end_snapshots", args.out)
        trend = con.execute(f"SELECT date, stage, sum(balance) AS balance FROM ({snaps_sql}) "
                            "GROUP BY ALL").df()
        moved, paid = flow_on_engine(con, snaps_sql, with_previous=True)
        rows = int((con.execute(f"SELECT count(*) FROM ({snaps_sql})").fetchone() or (0,))[0])
    finally:
        con.close()
        for part in parts:
            part.unlink(missing_ok=True)
    table = (trend.pivot_table(index="date", columns="stage", values="balance", aggfunc="sum",
                               fill_value=0.0).reindex(columns=list(stages.names), fill_value=0.0)
             .sort_index())
    pairs = pd.concat([moved.assign(paid=0.0),
                       paid.assign(to_stage=paid["from_stage"], end_balance=0.0)])
    rates = flow_matrix(transitions=pairs.assign(start_balance=1.0), stages=stages,
                        normalise=True)
    seconds = time.perf_counter() - t0
    written = [snaps, write_table(table.reset_index(), "aging_trend", args.out),
               write_table(rates.reset_index(), "roll_rates", args.out)]
    print(f"{rows:,} invoice-month rows at {len(ends)} month ends in {seconds:,.1f} s, peak "
          f"memory {_peak_rss_mb():,.0f} MB\n  " + "\n  ".join(map(str, written)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code (2 for bad input, with the message).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
    """
    args = _parser().parse_args(argv)
    try:
        return summarise(args) if args.command == "summarise" else aging(args)
    except (DataProblem, ConfigProblem) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
