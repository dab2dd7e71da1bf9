"""Stress check: run the README's analyst command many times, four at a time, and count the runs
that finish, fail with a message, or hang (killed after ``--kill-after`` seconds).

Not part of ``pytest`` (no ``test_``/``bench_`` name). From the project folder::

    .venv/bin/python benchmarks/stress_notebook_runs.py                  # helpers.course run
    .venv/bin/python benchmarks/stress_notebook_runs.py --runner papermill   # plain papermill
    .venv/bin/python benchmarks/stress_notebook_runs.py --notebooks 07 --runs 8

Each run writes its executed copy and files into a fresh temporary folder; the bundled data and
the notebooks are only read.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = {"04": "04-clustering-lookalike.ipynb", "07": "07-telemarketing-scoring.ipynb",
             "10": "10-collection-strategy-queue.ipynb"}
BANK = PROJECT.parent / "shared" / "datasets" / "bank_marketing" / "bank-full.csv"
# notebook 07 as the README shows it: lead scoring on UCI Bank Marketing (when the file is there)
EXTRA = {"07": ["-p", "leads_file", str(BANK), "-p", "leads_mapping",
                "mappings/bank_marketing.yaml"] if BANK.exists() else []}


def command(runner: str, notebook: str, output: Path) -> list[str]:
    source = f"notebooks/{NOTEBOOKS[notebook]}"
    if runner == "papermill":
        head = [str(BIN / "papermill"), source, str(output), "--no-progress-bar"]
    else:
        head = [sys.executable, "-m", "helpers.course", "run", source, str(output),
                "--no-progress-bar"]
    # the notebook's files go into the run's temporary folder, not the project's output/
    return head + ["-p", "output_dir", str(output.parent / "output")] + EXTRA.get(notebook, [])


def one_run(runner: str, notebook: str, kill_after: float) -> tuple[str, float, str]:
    with tempfile.TemporaryDirectory(prefix="stress-") as tmp:
        output = Path(tmp) / "executed.ipynb"
        start = time.monotonic()
        try:
            done = subprocess.run(command(runner, notebook, output), cwd=PROJECT,
                                  capture_output=True, text=True, timeout=kill_after)
        except subprocess.TimeoutExpired:
            return "hung", time.monotonic() - start, ""
        seconds = time.monotonic() - start
        if done.returncode == 0:
            return "finished", seconds, ""
        return "failed", seconds, done.stderr.strip().splitlines()[-1:][0] if done.stderr else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runner", choices=["course", "papermill"], default="course")
    parser.add_argument("--notebooks", nargs="*", default=list(NOTEBOOKS), choices=list(NOTEBOOKS))
    parser.add_argument("--runs", type=int, default=20, help="runs per notebook")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--kill-after", type=float, default=300.0, help="seconds, then 'hung'")
    args = parser.parse_args(argv)

    hung = 0
    for notebook in args.notebooks:
        with ThreadPoolExecutor(args.parallel) as pool:
            jobs = [pool.submit(one_run, args.runner, notebook, args.kill_after)
                    for _ in range(args.runs)]
            results = [job.result() for job in jobs]
        counts = {k: sum(r[0] == k for r in results) for k in ("finished", "failed", "hung")}
        times = sorted(r[1] for r in results if r[0] == "finished")
        span = f"{times[0]:.0f}-{times[-1]:.0f} s" if times else "-"
        print(f"{args.runner:9s} {NOTEBOOKS[notebook]:38s} finished {counts['finished']}/"
              f"{args.runs}  failed {counts['failed']}  hung {counts['hung']}  ({span})",
              flush=True)
        for status, _, last_line in results:
            if status == "failed":
                print(f"    failed: {last_line}", flush=True)
        hung += counts["hung"]
    return 1 if hung else 0


if __name__ == "__main__":
    sys.exit(main())
