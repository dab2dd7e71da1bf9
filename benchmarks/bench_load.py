"""Side by side: ``load_table`` of a large transactions CSV against pyarrow's CSV reader.

Writes transactions CSVs of 1M and 5M rows (``customer_id, transaction_id, purchase_date,
amount, is_return, sales_channel``; 100k / 500k customers, three years, 2 % returns) to
``--folder`` (default ``bench_load`` in the system's temporary folder, never the repository), then runs each reader in a
fresh subprocess of its own, so that its peak memory is the process's RSS high-water mark
(``VmHWM``; ``resource.getrusage`` where there is no ``/proc``), and prints time, CPU time (user and
system, every thread: what a busy machine changes least), peak memory and the ratios:

- ``pyarrow``: ``pyarrow.csv.read_csv`` (types inferred), the target's yardstick;
- ``pandas+pyarrow``: ``pandas.read_csv(engine="pyarrow")``, for reference;
- ``pyarrow, final types``: ``pyarrow.csv.read_csv`` told each column's type and turned into
  the pandas frame ``load_table`` returns (the same dtypes, no checks): the floor of any loader
  built on pyarrow's reader, whose peak memory is printed against the frame as well;
- ``load_table``: ``helpers.data.load_table(path, "transactions")`` (read, map, coerce,
  validate);
- ``load_table, one bad row``: the 5M file with the amount on file row 3,000,000 replaced by
  ``12.3x``; the run must fail with a ``DataProblem`` naming the file, the column and that row.

Not part of ``make test``; run by hand (2-3 minutes on two cores)::

    .venv/bin/python benchmarks/bench_load.py                    # 1M and 5M
    .venv/bin/python benchmarks/bench_load.py --sizes 1M --rounds 3
    .venv/bin/python benchmarks/bench_load.py --root ../old-checkout   # another checkout's helpers

Readers take turns: each of ``--rounds`` rounds runs every reader once, back to back, and the
ratio of each round is printed besides the best times (a machine shared with other jobs changes
its load from minute to minute). ``--root`` runs ``load_table`` from another checkout (e.g. ``git archive HEAD helpers | tar -x
-C ../old-checkout``) to measure before and after on the same files in the same run. The baseline RSS
(interpreter and imports only) is printed too: peak minus baseline is what the load itself took.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

BAD_ROW = 3_000_000  # file row (1 = header) whose amount is made unreadable
BAD_VALUE = "12.3x"
ROOT = Path(__file__).resolve().parents[1]


def write_csv(path: Path, n: int, bad_row: int | None = None) -> Path:
    """A transactions CSV of ``n`` rows (pyarrow writes it in seconds); kept if it exists."""
    if path.exists():
        return path
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(1)
    start = np.datetime64("2023-01-01T00:00:00", "s").astype(np.int64)
    secs = start + rng.integers(0, 3 * 365 * 86400, n)
    when = pc.strftime(pa.array(secs.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S")
    amount = pc.cast(pa.array(np.round(rng.lognormal(4, 1, n), 2)), pa.string())
    if bad_row is not None:
        values = amount.to_numpy(zero_copy_only=False).astype(object)
        values[bad_row - 2] = BAD_VALUE
        amount = pa.array(values, pa.string())
    channels = np.array(["store", "online", "phone"])
    table = pa.table({
        "customer_id": pc.binary_join_element_wise(
            "C", pc.cast(pa.array(rng.integers(0, max(n // 10, 1), n)), pa.string()), ""),
        "transaction_id": pc.binary_join_element_wise(
            "T", pc.cast(pa.array(np.arange(n)), pa.string()), ""),
        "purchase_date": when,
        "amount": amount,
        "is_return": pa.array(rng.random(n) < 0.02),
        "sales_channel": pa.array(channels[rng.integers(0, 3, n)]),
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="none"))
    tmp.rename(path)
    return path


def _peak_mib() -> float:
    """This process's RSS high-water mark (``VmHWM``: unlike ``ru_maxrss``, reset by exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_seconds() -> float:
    """User and system time of this process so far, all its threads together."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _final_types(path: Path) -> pd.DataFrame:
    """``path`` read by pyarrow with each column's type given, as the frame ``load_table`` gives.

    The types are the course table's (:data:`helpers.tables.TABLES`), for the file's columns.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from helpers.tables import TABLES

    text = pa.large_string()
    arrow = {"string": text, "category": text, "datetime": pa.timestamp("ns"),
             "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    header = path.open(encoding="utf-8").readline().strip().replace('"', "").split(",")
    types = {c.name: arrow[c.dtype] for c in TABLES["transactions"].columns if c.name in header}
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    dtypes = {text: pd.StringDtype("pyarrow", na_value=np.nan), pa.float64(): pd.Float64Dtype(),
              pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=dtypes.get, self_destruct=True)


def run_one(reader: str, path: Path) -> dict[str, object]:
    """In this (fresh) process: read ``path`` once with ``reader``; time, peak RSS, result."""
    import pandas as pd
    import pyarrow.csv as pacsv

    from helpers.data import load_table
    from helpers.errors import DataProblem

    base = _peak_mib()
    out: dict[str, object] = {"reader": reader, "baseline_mib": round(base)}
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    if reader == "pyarrow":
        rows = pacsv.read_csv(path).num_rows
    elif reader == "pandas+pyarrow":
        rows = len(pd.read_csv(path, engine="pyarrow"))
    elif reader == "pyarrow, final types":
        df = _final_types(path)
        rows = len(df)
        out["frame_mib"] = round(df.memory_usage(deep=True).sum() / 2**20)
    else:
        try:
            df = load_table(path, "transactions")
            rows = len(df)
            out["frame_mib"] = round(df.memory_usage(deep=True).sum() / 2**20)
        except DataProblem as exc:
            p = exc.problems[0]
            rows = 0
            out["problem"] = {"file": exc.file, "column": p.column, "source_column":
                              p.source_column, "rows": p.rows, "values": p.values,
                              "count": p.count}
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["cpu_seconds"] = round(_cpu_seconds() - cpu0, 2)
    out["peak_mib"] = round(_peak_mib())
    out["rows"] = rows
    return out


def run_fresh(reader: str, path: Path, root: Path) -> dict[str, object]:
    """One read of ``path`` by ``reader`` in a fresh subprocess (helpers from ``root``)."""
    env = dict(os.environ, PYTHONPATH=str(root), OMP_NUM_THREADS=os.environ.get(
        "OMP_NUM_THREADS", "2"))
    done = subprocess.run([sys.executable, __file__, "--one", reader, str(path)], env=env,
                          capture_output=True, text=True, check=True, cwd=root)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def best_of(runs: list[dict[str, object]]) -> dict[str, object]:
    """The fastest of several runs, with the largest peak memory and the least CPU of them."""
    best = dict(min(runs, key=lambda r: float(r["seconds"])))  # type: ignore[arg-type]
    best["peak_mib"] = max(int(r["peak_mib"]) for r in runs)  # type: ignore[call-overload]
    best["cpu_seconds"] = min(float(r["cpu_seconds"]) for r in runs)  # type: ignore[arg-type]
    return best


def measure(reader: str, path: Path, root: Path, rounds: int) -> dict[str, object]:
    """Best of ``rounds`` fresh subprocesses (peak memory: the largest)."""
    return best_of([run_fresh(reader, path, root) for _ in range(rounds)])


def measure_interleaved(readers: tuple[str, ...], path: Path, root: Path, rounds: int
                        ) -> tuple[dict[str, dict[str, object]], list[float]]:
    """Each round runs every reader once, back to back: best of each, and each round's ratio.

    The ratio ``load_table / pyarrow`` of one round compares two runs seconds apart, so a
    machine whose load changes from minute to minute (other jobs) skews it least.
    """
    runs: dict[str, list[dict[str, object]]] = {r: [] for r in readers}
    ratios = []
    for _ in range(rounds):
        for r in readers:
            runs[r].append(run_fresh(r, path, root))
        ratios.append(float(runs["load_table"][-1]["seconds"])  # type: ignore[arg-type]
                      / float(runs["pyarrow"][-1]["seconds"]))  # type: ignore[arg-type]
    return {r: best_of(v) for r, v in runs.items()}, ratios


def main() -> None:
    """Write the files, run every reader on each, print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,5M")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "bench_load")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose helpers to run")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-bad-row", action="store_true")
    parser.add_argument("--one", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], Path(args.one[1]))))
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; helpers from "
          f"{args.root}")
    for size in args.sizes.split(","):
        n = int(float(size.rstrip("Mm")) * 1_000_000)
        path = write_csv(args.folder / f"tx{size}.csv", n)
        mb = path.stat().st_size / 1e6
        res, ratios = measure_interleaved(
            ("pyarrow", "pandas+pyarrow", "pyarrow, final types", "load_table"), path, args.root,
            args.rounds)
        pa_s = float(res["pyarrow"]["seconds"])  # type: ignore[arg-type]
        pa_cpu = float(res["pyarrow"]["cpu_seconds"])  # type: ignore[arg-type]
        for r, m in res.items():
            print(f"{size:>3} ({mb:,.0f} MB) {r:<20} {m['seconds']:>7} s  CPU {m['cpu_seconds']:>6} s "
                  f"(/ pyarrow {float(m['cpu_seconds']) / pa_cpu:.2f})  "  # type: ignore[arg-type]
                  f"peak {m['peak_mib']:>6,} "
                  f"MiB (baseline {m['baseline_mib']} MiB)  time / pyarrow "
                  f"{float(m['seconds']) / pa_s:.2f}" + (  # type: ignore[arg-type]
                      f"  frame {m['frame_mib']} MiB" if "frame_mib" in m else ""))
        floor = res["pyarrow, final types"]
        net = int(floor["peak_mib"]) - int(floor["baseline_mib"])  # type: ignore[call-overload]
        print(f"    the floor, pyarrow into the same frame: {float(floor['seconds']) / pa_s:.2f}x "  # type: ignore[arg-type]
              f"pyarrow's time; peak above baseline {net:,} MiB = "
              f"{net / int(floor['frame_mib']):.2f}x its frame")  # type: ignore[call-overload]
        lt = res["load_table"]
        if "frame_mib" in lt:
            net = int(lt["peak_mib"]) - int(lt["baseline_mib"])  # type: ignore[call-overload]
            print(f"    load_table: {float(lt['seconds']) / pa_s:.2f}x pyarrow's time; peak "  # type: ignore[arg-type]
                  f"above baseline {net:,} MiB = {net / int(lt['frame_mib']):.2f}x the loaded "  # type: ignore[call-overload]
                  f"frame; load average now {os.getloadavg()[0]:.1f}")
            print(f"    round by round (load_table / pyarrow, run back to back): "
                  f"{', '.join(f'{x:.2f}' for x in ratios)}; median "
                  f"{sorted(ratios)[len(ratios) // 2]:.2f}")
    if not args.no_bad_row:
        path = write_csv(args.folder / "tx5M_bad.csv", 5_000_000, bad_row=BAD_ROW)
        m = measure("load_table", path, args.root, 1)
        p = m.get("problem")
        named = isinstance(p, dict) and p["rows"] == [BAD_ROW] and p["column"] == "amount"
        print(f" 5M, one bad row at file row {BAD_ROW:,}: {m['seconds']} s, peak "
              f"{m['peak_mib']:,} MiB; problem {p}; named exactly: {named}")
        if not named:
            raise SystemExit("the bad row was not named exactly")


if __name__ == "__main__":
    main()
