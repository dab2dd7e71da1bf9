"""Notebook 08 (scripts, A/B tests, KPIs, alerts, dashboard): bundled data and another seed.

The A/B test must recover the planted script effect and the alert rule must fire exactly on the
planted dip; both truths come from the simulation (datasets/truth.json), the counts from plain
pandas on calls.csv."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from helpers.paths import NOTEBOOKS_DIR

PLANTED_DIP = ["2025-06-10", "2025-06-11", "2025-06-12"]


def _truth_effect(truth: dict) -> tuple[float, float]:
    """(true rate A, true rate B) of the planted script test."""
    test = truth["script_test"]
    return float(test["true_rate_A"]), float(test["true_rate_B"])


def expected(folder: Path) -> dict:
    calls = pd.read_csv(folder / "calls.csv")
    answered = calls["answered"].astype(str).str.lower().isin(["true", "1"])
    test = calls[answered & (calls["purpose"] == "sales") & calls["script_variant"].notna()]
    rates = (test["outcome"] == "sale").groupby(test["script_variant"]).mean()
    sales = calls[calls["purpose"] == "sales"]
    day = pd.to_datetime(sales["started_at"], format="mixed").dt.strftime("%Y-%m-%d")
    ans = answered[sales.index]
    daily = pd.DataFrame({"answered": ans.groupby(day).sum(),
                          "sales": (sales["outcome"] == "sale").groupby(day).sum()})
    daily["conv"] = daily["sales"] / daily["answered"]
    return {"diff": float(rates["B"] - rates["A"]), "contact_rate": float(ans.mean()),
            "low_days": sorted(daily.index[(daily["conv"] < 0.10) & (daily["answered"] >= 30)]),
            "truth": json.loads((folder / "truth.json").read_text())}


def check_run(run, folder: Path) -> None:
    r, exp = run.results, expected(folder)
    rate_a, rate_b = _truth_effect(exp["truth"])
    true_diff = rate_b - rate_a
    assert r["ab_diff"] == pytest.approx(exp["diff"], rel=1e-9)
    # the planted effect lies inside the interval, and the test detects it
    assert r["ab_ci_low"] <= true_diff <= r["ab_ci_high"]
    assert r["ab_significant"] is True and r["ab_prob_b_better"] > 0.99
    assert r["ab_rate_a"] == pytest.approx(rate_a, abs=0.03)
    # the alert fires exactly on the planted dip, and those are the only days under 10%
    assert r["alert_low_conversion_dates"] == PLANTED_DIP == exp["truth"]["alert"]["dip_dates"]
    assert exp["low_days"] == PLANTED_DIP
    assert r["kpis"]["contact_rate"] == pytest.approx(exp["contact_rate"], rel=1e-9)
    assert r["fp_fixed"] < 0.08 and r["fp_peeking"] > 2 * r["fp_fixed"]
    assert r["n_needed_per_arm"] > 500
    assert run.outputs_text().count(": right.") == 4
    outputs = run.out_dir / "output"
    assert list(outputs.glob("agent_kpis*.csv")) and list(outputs.glob("daily_kpis*.csv"))


def bundled(run, folder: Path) -> None:
    check_run(run, folder)


def other_seed(run, folder: Path) -> None:
    check_run(run, folder)


def trainee(run) -> None:
    text = run.outputs_text()
    assert text.count("not answered yet") == 4 and ": right." not in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dashboard_renders_under_voila(execute, request) -> None:
    """Start Voilà on a free localhost port, fetch the rendered page, stop it (< ~40 s)."""
    tmp_path = request.getfixturevalue("tmp_path")
    if shutil.which("voila", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("voila is not installed in this environment")
    port = _free_port()
    nb = NOTEBOOKS_DIR / "08-scripts-ab-tests-dashboard.ipynb"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "voila"), str(nb), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--VoilaConfiguration.file_allowlist=['.*']",
         "--strip_sources=True"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = ""
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=80) as resp:
                    body = resp.read().decode("utf-8", errors="replace")
                break
            except OSError:
                time.sleep(0.5)
        assert "Team dashboard" in body or "team dashboard" in body.lower(), body[:500]
        assert "explore_dashboard(cube" not in body, "code cells must be hidden"
        assert "Traceback" not in body
    finally:
        proc.terminate()
        proc.wait(timeout=20)


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [dashboard_renders_under_voila]
