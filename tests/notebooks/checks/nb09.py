"""Notebook 09 (aging, roll rates, behaviour, pay model, credit default) on two datasets.

Expected figures are recomputed here with plain pandas from the CSV files (independently of
helpers.receivables), compared with the generator's planted truth (truth.json), and with the
published counts of the UCI credit-card default data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import CREDIT_DEFAULT, shared_file

PAY_0_PUBLISHED = {"-2": 2759, "-1": 5686, "0": 14737, "1": 3688, "2": 2667, "3": 322, "4": 76,
                   "5": 26, "6": 11, "7": 9, "8": 19}


def expected(folder: Path) -> dict:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    as_of = pd.Timestamp(truth["as_of"])
    inv = pd.read_csv(folder / "invoices.csv", dtype={"invoice_id": str, "customer_id": str})
    pay = pd.read_csv(folder / "payments.csv", dtype={"invoice_id": str, "customer_id": str})
    for c in ("issue_date", "due_date"):
        inv[c] = pd.to_datetime(inv[c])
    pay["payment_date"] = pd.to_datetime(pay["payment_date"])

    def balances(day):
        paid = pay[pay["payment_date"] <= day].groupby("invoice_id")["amount"].sum()
        b = inv[inv["issue_date"] <= day].copy()
        b["bal"] = (b["amount"] - b["invoice_id"].map(paid).fillna(0)).round(2)
        b = b[b["bal"] > 0.01]
        dpd = (day - b["due_date"]).dt.days
        b["stage"] = np.select([dpd <= 0, dpd <= 30, dpd <= 60, dpd <= 90],
                               ["M0", "M1", "M2", "M3"], "M3+")
        return b

    now = balances(as_of)
    ends = pd.date_range(end=as_of + pd.offsets.MonthEnd(0), periods=12, freq="ME")
    start_by_stage = pd.concat([balances(d) for d in ends[:-1]]).groupby("stage")["bal"].sum()
    return {
        "truth": truth,
        "as_of": str(as_of.date()),
        "n_open": len(now),
        "open_balance": float(now["bal"].sum()),
        "overdue_ratio": float(now.loc[now["stage"] != "M0", "bal"].sum() / now["bal"].sum()),
        "stage_balance": now.groupby("stage")["bal"].sum().to_dict(),
        "flow_row_totals": start_by_stage.to_dict(),
    }


def check_run(results: dict, exp: dict) -> None:
    assert results["as_of"] == exp["as_of"]
    assert results["n_open"] == exp["n_open"]
    assert results["open_balance"] == pytest.approx(exp["open_balance"], abs=0.05)
    assert results["overdue_ratio"] == pytest.approx(exp["overdue_ratio"], rel=1e-6)
    for stage, bal in exp["stage_balance"].items():
        assert results["stage_balance"][stage] == pytest.approx(bal, abs=0.05), stage
    # against the generator's own planted figures
    planted = exp["truth"].get("collection_stages_at_as_of")
    if planted:
        for stage, v in planted.items():
            assert results["stage_balance"][stage] == pytest.approx(v["balance"], abs=0.05)
    # the bundled data has open invoices in every stage
    assert all(results["stage_balance"][s] > 0 for s in ("M0", "M1", "M2", "M3", "M3+"))
    # flows conserve balance: each row of the flow matrix = balance that started in the stage
    for stage, total in exp["flow_row_totals"].items():
        assert results["flow_row_totals"][stage] == pytest.approx(total, rel=1e-6, abs=0.5)
    for stage, row in results["roll_rates"].items():
        vals = [v for v in row.values() if v is not None]
        assert sum(vals) == pytest.approx(1.0, abs=1e-3), stage
    assert 0 < results["expected_loss"] < results["open_balance"]
    loss = results["loss_rates"]
    assert loss["M0"] <= loss["M1"] <= loss["M2"] <= loss["M3"] <= loss["M3+"] == 1.0
    # behaviour classes find the planted payment profiles
    profiles = exp["truth"].get("payer_profile_customers", {})
    assert sum(results["behaviour_counts"].values()) > 0
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


def check_credit(results: dict) -> None:
    shared_file(*CREDIT_DEFAULT)
    assert results["credit_clients"] == 30_000
    assert results["credit_defaults"] == 6_636
    assert results["credit_pay0_counts"] == PAY_0_PUBLISHED
    sept = results["credit_stage_sept"]
    assert sept["M1"] == 3688 and sept["M2"] == 2667 and sept["M3"] == 322
    assert sept["M3+"] == 76 + 26 + 11 + 9 + 19
    for stage, row in results["credit_roll_rates"].items():
        vals = [v for v in row.values() if v is not None]
        assert sum(vals) == pytest.approx(1.0, abs=1e-3), stage
    rate = results["credit_default_rate_by_stage"]
    assert rate["M0"] < rate["M1"] < rate["M2"]


def bundled(run, folder: Path) -> None:
    check_run(run.results, expected(folder))
    check_credit(run.results)
    text = run.rich_text()
    for k in ("09.1", "09.2", "09.3", "09.4"):
        assert f"Exercise {k}: right" in text, k
    assert (run.out_dir / "output" / "aging_by_customer.csv").exists()


def other_seed(run, folder: Path) -> None:
    check_run(run.results, expected(folder))
    assert run.results["as_of"] == json.loads((folder / "truth.json").read_text())["as_of"]


def trainee(run) -> None:
    text = run.rich_text()
    for k in ("09.1", "09.2", "09.3"):
        assert f"Exercise {k}: not answered yet" in text, k
    assert "right." not in text
