"""``python -m helpers.scale``: summaries of files larger than memory, written to a folder.

Examples::

    python -m helpers.scale summarise --transactions big.parquet --mapping m.yaml --out out/
    python -m helpers.scale summarise --transactions parts/ --as-of 2025-12-31 --freq W --out out/

The file (CSV, Parquet, or a folder of Parquet files) is read by DuckDB, never loaded into
pandas; past ``--memory-limit`` (default 60 % of RAM, at most 5 GB) DuckDB spills to
``--temp-directory``. DuckDB's progress bar shows on long queries. Results are written with
:func:`helpers.data.write_table` (atomic; an existing file is never overwritten): the summary
(``customer_summary.parquet``) and the rows left out (``exclusions.csv``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Sequence

import pandas as pd

from helpers.data import write_table
from helpers.errors import ConfigProblem, DataProblem
from helpers.scale._engine import EngineSettings, default_memory_limit
from helpers.scale._rfm import summary_on_engine

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
    s.add_argument("--memory-limit", default=None,
                   help=f"DuckDB memory limit (default {default_memory_limit()})")
    s.add_argument("--temp-directory", default=None, help="spill folder for DuckDB")
    s.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarise(args: argparse.Namespace) -> int:
    """Run ``summarise``: write the summary and the exclusions, print time and peak memory."""
    settings = EngineSettings(args.memory_limit, args.temp_directory, args.threads,
                              progress=not args.quiet)
    t0 = time.perf_counter()
    result = summary_on_engine(args.transactions, as_of=args.as_of, freq=args.freq,
                               mapping=args.mapping, settings=settings)
    seconds = time.perf_counter() - t0
    table = write_table(result.table.reset_index(), "customer_summary", args.out, fmt=args.fmt)
    excl = write_table(pd.Series(result.exclusions, name="rows").rename_axis("reason")
                       .reset_index(), "exclusions", args.out)
    print(f"{len(result.table):,} customers from {result.exclusions['rows_in']:,} rows "
          f"(observed to {result.window_end.date()}) in {seconds:,.1f} s, peak memory "
          f"{_peak_rss_mb():,.0f} MB\n  {table}\n  {excl}")
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
        return summarise(args)
    except (DataProblem, ConfigProblem) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
