"""Notebook 09 (aging, roll rates, behaviour, pay model, credit default) on two datasets.

Expected figures are recomputed here with plain pandas from the CSV files (independently of
helpers.receivables), compared with the generator's planted truth (truth.json), and with the
published counts of the UCI credit-card default data.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.data import public_dataset
from helpers.paths import DATASETS_DIR
from helpers.receivables import credit_default_receivables, read_credit_default
from tests.conftest import CREDIT_DEFAULT, shared_file
from tests.notebooks.checks import unanswered

PAY_0_PUBLISHED = {"-2": 2759, "-1": 5686, "0": 14737, "1": 3688, "2": 2667, "3": 322, "4": 76,
                   "5": 26, "6": 11, "7": 9, "8": 19}


def expected(folder: Path) -> dict:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    inv = pd.read_csv(folder / "invoices.csv", dtype={"invoice_id": str, "customer_id": str})
    pay = pd.read_csv(folder / "payments.csv", dtype={"invoice_id": str, "customer_id": str})
    return {"truth": truth, **figures(inv, pay, pd.Timestamp(truth["as_of"]))}


def figures(inv: pd.DataFrame, pay: pd.DataFrame, as_of: pd.Timestamp) -> dict:
    """Aging, overdue ratio, DSO and flow totals with plain pandas (course column names)."""
    inv, pay = inv.copy(), pay.copy()
    for c in ("issue_date", "due_date"):
        inv[c] = pd.to_datetime(inv[c])
    pay["payment_date"] = pd.to_datetime(pay["payment_date"])

    def balances(day):
        paid = pay[pay["payment_date"] <= day].groupby("invoice_id")["amount"].sum()
        b = inv[inv["issue_date"] <= day].copy()
        b["bal"] = (b["amount"] - paid.reindex(b["invoice_id"]).fillna(0).to_numpy()).round(2)
        b = b[b["bal"] > 0.01]
        dpd = (day - b["due_date"]).dt.days
        b["stage"] = np.select([dpd <= 0, dpd <= 30, dpd <= 60, dpd <= 90],
                               ["M0", "M1", "M2", "M3"], "M3+")
        return b

    now = balances(as_of)
    # the 12 month ends reached on as_of (a mid-month as_of ends the trend at the month before)
    last_end = as_of + pd.Timedelta(days=1) - pd.offsets.MonthEnd(1)
    ends = pd.date_range(end=last_end, periods=12, freq="ME")
    start_by_stage = pd.concat([balances(d) for d in ends[:-1]]).groupby("stage")["bal"].sum()
    recent = inv[(inv["issue_date"] > as_of - pd.Timedelta(days=90)) & (inv["issue_date"] <= as_of)]
    return {
        "as_of": str(as_of.date()),
        "dso": float(now["bal"].sum() / recent["amount"].sum() * 90),
        "n_open": len(now),
        "open_balance": float(now["bal"].sum()),
        "overdue_ratio": float(now.loc[now["stage"] != "M0", "bal"].sum() / now["bal"].sum()),
        "stage_balance": now.groupby("stage")["bal"].sum().to_dict(),
        "flow_row_totals": start_by_stage.to_dict(),
        "month_ends": [str(d.date()) for d in ends],
    }


def check_aging(results: dict, exp: dict) -> None:
    """What holds on any data: the aging, DSO, conserved flows and ordered loss rates."""
    assert results["as_of"] == exp["as_of"]
    assert results["n_open"] == exp["n_open"]
    assert results["open_balance"] == pytest.approx(exp["open_balance"], abs=0.05)
    assert results["overdue_ratio"] == pytest.approx(exp["overdue_ratio"], rel=1e-6)
    assert results["dso"] == pytest.approx(exp["dso"], rel=1e-6)
    for stage, bal in exp["stage_balance"].items():
        assert results["stage_balance"][stage] == pytest.approx(bal, abs=0.05), stage
    # flows conserve balance: each row of the flow matrix = balance that started in the stage
    for stage, total in exp["flow_row_totals"].items():
        assert results["flow_row_totals"][stage] == pytest.approx(total, rel=1e-6, abs=0.5)
    for stage, row in results["roll_rates"].items():
        vals = [v for v in row.values() if v is not None]
        assert sum(vals) == pytest.approx(1.0, abs=1e-3), stage
    assert 0 < results["expected_loss"] < results["open_balance"]
    loss = results["loss_rates"]
    assert loss["M0"] <= loss["M1"] <= loss["M2"] <= loss["M3"] <= loss["M3+"] == 1.0
    assert sum(results["behaviour_counts"].values()) > 0


def check_run(results: dict, exp: dict) -> None:
    check_aging(results, exp)
    # against the generator's own planted figures
    planted = exp["truth"].get("collection_stages_at_as_of")
    if planted:
        for stage, v in planted.items():
            assert results["stage_balance"][stage] == pytest.approx(v["balance"], abs=0.05)
    # the bundled data has open invoices in every stage
    assert all(results["stage_balance"][s] > 0 for s in ("M0", "M1", "M2", "M3", "M3+"))
    # behaviour classes find the planted payment profiles
    profiles = exp["truth"].get("payer_profile_customers", {})
    if profiles:
        counts = results["behaviour_counts"]
        n = exp["truth"]["payer_profile_counts"]
        assert counts["unresponsive"] == pytest.approx(n["never"], rel=0.35)
        assert counts["partial_payer"] == pytest.approx(n["partial"], rel=0.25)
        assert counts["chronic_late"] == pytest.approx(n["chronic_late"], rel=0.25)
    # the pay model, judged on later months than it learned from
    assert results["model_auc"] > 0.75
    assert 0 < results["model_brier"] < 0.2
    assert results["predicted_recovery_test"] == pytest.approx(results["actual_recovery_test"],
                                                               rel=0.25)
    assert 0 < results["expected_recovery_now"] < results["open_balance"]
    check_monitoring(results)


def check_monitoring(results: dict) -> None:
    """Monitoring the pay model (issue 15): on the course data the model stays stable and
    calibrated, so no rule fires; the notebook's what-if (test months' scores squared) fires the
    PSI and calibration rules."""
    assert results["psi_months"] == 8              # train_months 6 + test_months 2
    assert 0 <= results["psi_max"] < 0.1           # stable, under the moderate band
    assert results["calibration_gap_max"] < 0.05
    assert results["monitoring_alerts"] == []
    assert {"score_shift_major", "calibration_drift"} <= set(results["drift_alerts"])


def credit_figures(path: Path) -> dict:
    """The credit-card file's counts with plain pandas (the UCI layout: a title row, then
    the headers), for a run on an extract."""
    raw = pd.read_csv(path, header=1, encoding="utf-8-sig")
    pay0 = raw["PAY_0"].astype(int)
    stage = pd.cut(pay0, [-10, 0, 1, 2, 3, 100], labels=["M0", "M1", "M2", "M3", "M3+"])
    return {"clients": len(raw), "defaults": int(raw["default payment next month"].sum()),
            "pay0": {str(k): int(v) for k, v in pay0.value_counts().sort_index().items()},
            "sept": {str(k): int(v) for k, v in stage.value_counts().items() if v}}


def check_credit(results: dict, extract: Path | None = None) -> None:
    """The credit-card section: the published counts on the full file, or (``extract``) the
    counts of the course's extract, recomputed with plain pandas."""
    for stage, row in results["credit_roll_rates"].items():
        vals = [v for v in row.values() if v is not None]
        assert sum(vals) == pytest.approx(1.0, abs=1e-3), stage
    if extract is not None:
        exp = credit_figures(extract)
        assert 1000 <= results["credit_clients"] == exp["clients"] < 30_000
        assert results["credit_defaults"] == exp["defaults"]
        assert results["credit_pay0_counts"] == exp["pay0"]
        assert results["credit_stage_sept"] == exp["sept"]
        return
    shared_file(*CREDIT_DEFAULT)
    assert results["credit_clients"] == 30_000
    assert results["credit_defaults"] == 6_636
    assert results["credit_pay0_counts"] == PAY_0_PUBLISHED
    sept = results["credit_stage_sept"]
    assert sept["M1"] == 3688 and sept["M2"] == 2667 and sept["M3"] == 322
    assert sept["M3+"] == 76 + 26 + 11 + 9 + 19
    rate = results["credit_default_rate_by_stage"]
    assert rate["M0"] < rate["M1"] < rate["M2"]


#: 09.1, 09.2 and 09.5 small analyses, 09.3 and 09.4 counts, 09.6 predict then run (M1's cure
#: rate), 09.7 an interpretation (the stage that rolls most money forward).
EXERCISES = tuple(f"09.{k}" for k in range(1, 8))


def check_exercises(run) -> None:
    text = run.rich_text()
    for k in EXERCISES:
        assert f"Exercise {k}: right" in text, k
    assert "not yet" not in text and "not what happened" not in text


def bundled(run, folder: Path) -> None:
    check_run(run.results, expected(folder))
    check_credit(run.results)
    check_exercises(run)
    assert (run.out_dir / "output" / "aging_by_customer.csv").exists()


def other_seed(run, folder: Path) -> None:
    check_run(run.results, expected(folder))
    assert run.results["as_of"] == json.loads((folder / "truth.json").read_text())["as_of"]
    check_exercises(run)


def trainee(run) -> None:
    unanswered(run, EXERCISES)


#: A minimal export: only the required columns, under an accounting system's own headers.
INVOICE_HEADERS = {"invoice_id": "发票号", "customer_id": "客户代码", "issue_date": "开票日期",
                   "due_date": "到期日", "amount": "发票金额"}
PAYMENT_HEADERS = {"payment_id": "收款单号", "invoice_id": "发票号", "customer_id": "客户代码",
                   "payment_date": "收款日期", "amount": "收款金额"}
CUTOFF = "2025-10-15"  # the export ends mid-month, 2.5 months before the bundled data's as-of


def _mapping(table: str, headers: dict[str, str]) -> str:
    lines = [f"table: {table}", "columns:"] + [f"  {zh}: {col}" for col, zh in headers.items()]
    return "\n".join(lines) + "\n"


def minimal_export(folder: Path) -> dict[str, Path]:
    """Invoices and payments of the bundled data up to :data:`CUTOFF`, required columns only,
    Chinese headers, with their mapping files; returns the parameters' paths."""
    folder.mkdir(parents=True, exist_ok=True)
    inv = pd.read_csv(DATASETS_DIR / "invoices.csv", dtype=str)
    pay = pd.read_csv(DATASETS_DIR / "payments.csv", dtype=str)
    inv = inv[inv["issue_date"] <= CUTOFF]
    pay = pay[(pay["payment_date"] <= CUTOFF) & pay["invoice_id"].isin(inv["invoice_id"])]
    out = {"invoices_file": folder / "发票.csv", "payments_file": folder / "收款.csv",
           "invoices_mapping": folder / "invoices_zh.yaml",
           "payments_mapping": folder / "payments_zh.yaml"}
    inv[list(INVOICE_HEADERS)].rename(columns=INVOICE_HEADERS).to_csv(
        out["invoices_file"], index=False, encoding="utf-8")
    pay[list(PAYMENT_HEADERS)].rename(columns=PAYMENT_HEADERS).to_csv(
        out["payments_file"], index=False, encoding="utf-8")
    out["invoices_mapping"].write_text(_mapping("invoices", INVOICE_HEADERS), encoding="utf-8")
    out["payments_mapping"].write_text(_mapping("payments", PAYMENT_HEADERS), encoding="utf-8")
    return out


def read_minimal(files: dict[str, Path]) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """The minimal export read back with plain pandas, and its latest date (the as-of)."""
    inv = pd.read_csv(files["invoices_file"], dtype=str).rename(
        columns={v: k for k, v in INVOICE_HEADERS.items()})
    pay = pd.read_csv(files["payments_file"], dtype=str).rename(
        columns={v: k for k, v in PAYMENT_HEADERS.items()})
    inv["amount"], pay["amount"] = inv["amount"].astype(float), pay["amount"].astype(float)
    day = max(pd.to_datetime(inv["issue_date"]).max(), pd.to_datetime(pay["payment_date"]).max())
    return inv, pay, day


def digests(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="session")
def analyst_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal export (:func:`minimal_export`) as notebook parameters, with the credit
    default file found on a trainee's machine without ../shared (the course's extract). Made once
    a session: two checks read the one run, so they must pass the same paths."""
    folder = tmp_path_factory.mktemp("nb09-min")
    extract = public_dataset("credit_default", shared_dir=folder / "no-shared", quiet=True)
    return {**minimal_export(folder), "credit_default_file": extract}


def minimal_export_through_mappings(execute, request) -> None:
    """An analyst's invoices and payments only: as-of from the data, no bundled table mixed in.
    (The same run, with the credit default extract, serves credit_default_extract.)"""
    files = request.getfixturevalue("analyst_export")
    before = digests(list(files.values()))
    run = execute("09", **{k: str(v) for k, v in files.items()})
    inv, pay, day = read_minimal(files)
    exp = figures(inv, pay, day)
    r, text = run.results, run.outputs_text()
    assert r["as_of"] == CUTOFF == exp["as_of"]  # derived from the files, not truth.json's date
    assert "latest" in text and "set as_of" in text  # and announced
    # the trend holds the 12 month ends reached by then, none after as_of (not 2025-10-31)
    assert list(r["overdue_share_by_month"]) == exp["month_ends"]
    assert exp["month_ends"][-1] == "2025-09-30" and exp["month_ends"][0] == "2024-10-31"
    check_aging(r, exp)
    assert r["n_open"] > 100 and r["stage_balance"]["M3+"] > 0
    assert r["behaviour_counts"]["disputes"] == 0  # no service contacts given
    assert "No service contacts" in text
    assert "Skipped: payment behaviour by attitude needs the customers table" in text
    assert 0.6 < r["model_auc"] < 1  # 22 months of history: the model trains
    assert digests(list(files.values())) == before


def credit_default_files(request, name: str) -> tuple[dict[str, Path], dict, tuple]:
    """UCI credit default reshaped to invoice and payment files (code, not a mapping): the files
    as notebook parameters, the digests of them and of the source, and the two tables read back
    with plain pandas (the independent side of the checks)."""
    source = shared_file(*CREDIT_DEFAULT)
    folder = request.getfixturevalue("tmp_path_factory").mktemp(name)
    inv, pay = credit_default_receivables(read_credit_default(source))
    files = {"invoices_file": folder / "invoices.csv", "payments_file": folder / "payments.csv"}
    inv.to_csv(files["invoices_file"], index=False)
    pay.to_csv(files["payments_file"], index=False)
    tables = tuple(pd.read_csv(f, dtype={"invoice_id": str}) for f in files.values())
    return files, digests([source, *files.values()]), tables


def credit_default_as_invoices(execute, request) -> None:
    """UCI credit default, reshaped to invoices and payments (code, not a mapping) and read back
    through the loader; six statements are too few month ends for the pay model: skipped."""
    files, before, (inv, pay) = credit_default_files(request, "nb09-credit")
    run = execute("09", **{k: str(v) for k, v in files.items()})
    exp = figures(inv, pay, pd.Timestamp("2005-09-30"))
    r, text = run.results, run.outputs_text()
    assert r["as_of"] == "2005-09-30"
    check_aging(r, exp)
    assert r["model_skipped"] and "model_auc" not in r
    assert "Skipped: probability to pay" in text and "train_months=6" in text
    check_credit(r)  # the credit-default section stays
    assert digests([Path(p) for p in before]) == before  # the source and the files written




def credit_default_extract(execute, request) -> None:
    """The credit-card section on the course's extract, as on a trainee's machine without
    ../shared: the same reader, counts as plain pandas reads the extract, the exercise right.
    The section reads no other table: it is checked on the minimal-export run."""
    files = request.getfixturevalue("analyst_export")
    extract = files["credit_default_file"]
    run = execute("09", **{k: str(v) for k, v in files.items()})
    check_credit(run.results, extract=extract)
    assert "Exercise 09.4: right" in run.rich_text()


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [minimal_export_through_mappings, credit_default_as_invoices, credit_default_extract]
