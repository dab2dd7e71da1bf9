"""Notebook 10 (playbook, customer types, work queue, worked case, role-play cards).

The worked case's claim (most overdue customers are negative-attitude or lapsed) is recomputed
here from the CSV files with plain pandas; the queue is checked against the team's capacity and
the exported file against the privacy rule.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.notebooks.checks import unanswered
from tests.notebooks.checks.nb09 import (
    credit_default_files,
    digests,
    minimal_export,
    read_minimal,
)


def expected(folder: Path, lapsed_days: int = 180) -> dict:
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    inv = pd.read_csv(folder / "invoices.csv", dtype={"invoice_id": str, "customer_id": str})
    pay = pd.read_csv(folder / "payments.csv", dtype={"invoice_id": str})
    cust = pd.read_csv(folder / "customers.csv", dtype={"customer_id": str})
    tx = pd.read_csv(folder / "transactions.csv", dtype={"customer_id": str})
    paid = pay[pd.to_datetime(pay["payment_date"]) <= as_of].groupby("invoice_id")["amount"].sum()
    inv = inv[pd.to_datetime(inv["issue_date"]) <= as_of]
    inv = inv.assign(bal=(inv["amount"] - inv["invoice_id"].map(paid).fillna(0)).round(2),
                     dpd=(as_of - pd.to_datetime(inv["due_date"])).dt.days)
    open_ = inv[inv["bal"] > 0.01]
    worst = open_.groupby("customer_id")["dpd"].max()
    bal = open_.groupby("customer_id")["bal"].sum()
    overdue = worst[worst > 0].index
    last = pd.to_datetime(tx["purchase_date"], format="mixed").groupby(tx["customer_id"]).max()
    since = (as_of - last.reindex(overdue)).dt.days
    lapsed = since.isna() | (since > lapsed_days)
    negative = cust.set_index("customer_id")["attitude"].reindex(overdue) == "negative"
    hit = (lapsed | negative).to_numpy()
    return {"n_accounts": len(bal), "overdue_customers": len(overdue),
            "share_customers": float(hit.mean()),
            "share_balance": float(bal.reindex(overdue)[hit].sum() / bal.reindex(overdue).sum())}


def check_run(run, exp: dict) -> None:
    r = run.results
    assert r["n_accounts"] == exp["n_accounts"]
    assert r["overdue_customers"] == exp["overdue_customers"]
    assert r["share_customers_negative_or_lapsed"] == pytest.approx(exp["share_customers"])
    assert r["share_balance_negative_or_lapsed"] == pytest.approx(exp["share_balance"])
    # the material's case: most overdue customers are negative-attitude or lapsed
    assert r["share_customers_negative_or_lapsed"] > 0.5
    assert 0 < r["queue_minutes"] <= r["capacity_minutes"] == 3 * 6 * 60
    assert r["queue_length"] == sum(r["queue_stage_counts"].values())
    assert r["case_expected_strategy"] > r["case_expected_baseline"] and r["case_gain"] > 0
    assert r["case_gain_by_type"]["negative"] > 0
    assert r["n_cards"] >= 3
    queue = pd.read_csv(run.out_dir / "output" / r["queue_file"], dtype=str)
    assert len(queue) == r["queue_length"]
    assert queue["customer_id"].iloc[0] == r["queue_top_customer"]
    assert {"channel", "actor", "script_en", "script_zh"} <= set(queue.columns)
    assert not {"name", "phone", "email", "id_number"} & set(queue.columns)


#: Exercises 10.1-10.7: read-off, small analyses (10.2-10.4), the 6W3H sheet (10.5), which
#: account first (10.6, interpretation), a smaller team's queue (10.7, predict then run).
EXERCISES = tuple(f"10.{k}" for k in range(1, 8))


def check_exercises(run) -> None:
    text = run.rich_text()
    for k in EXERCISES:
        assert f"Exercise {k}: right" in text, k
    assert "not yet" not in text and "not what happened" not in text
    # the worked case's table shows shares as percentages, not 0.0 after rounding
    assert re.search(r"\d+\.\d%", text)
    # 10.4 is asked before the worked case prints its figure
    nb = run.notebook["cells"]
    asked = next(i for i, c in enumerate(nb) if 'check("10.4"' in "".join(c["source"]))
    shown = next(i for i, c in enumerate(nb) if "of the overdue balance\"" in "".join(c["source"]))
    assert asked < shown


def bundled(run, folder: Path) -> None:
    check_run(run, expected(folder))
    check_exercises(run)


def other_seed(run, folder: Path) -> None:
    check_run(run, expected(folder))
    check_exercises(run)


def trainee(run) -> None:
    unanswered(run, EXERCISES)


def smaller_team_gets_a_shorter_queue(execute, request) -> None:
    full = execute("10").results
    small = execute("10", collectors=1, hours_per_collector=2.0).results
    assert small["queue_minutes"] <= 120
    assert small["queue_top_customer"] == full["queue_top_customer"]
    assert small["queue_length"] < full["queue_length"]


def open_accounts(inv: pd.DataFrame, pay: pd.DataFrame, as_of: pd.Timestamp) -> dict:
    """Customers with open money and those overdue at ``as_of``, with plain pandas."""
    paid = pay[pd.to_datetime(pay["payment_date"]) <= as_of].groupby("invoice_id")["amount"].sum()
    inv = inv[pd.to_datetime(inv["issue_date"]) <= as_of]
    inv = inv.assign(bal=(inv["amount"] - paid.reindex(inv["invoice_id"]).fillna(0).to_numpy()).round(2),
                     dpd=(as_of - pd.to_datetime(inv["due_date"])).dt.days)
    open_ = inv[inv["bal"] > 0.01]
    worst = open_.groupby("customer_id")["dpd"].max()
    return {"n_accounts": int(worst.size), "overdue_customers": int((worst > 0).sum()),
            "balance": float(open_["bal"].sum())}


def check_any_data(r: dict, exp: dict, text: str) -> None:
    """What holds on an analyst's invoices and payments alone."""
    assert r["n_accounts"] == exp["n_accounts"] > 0
    assert 0 < r["queue_minutes"] <= r["capacity_minutes"] == 3 * 6 * 60
    assert r["queue_length"] == sum(r["queue_stage_counts"].values()) > 0
    assert sum(r["type_counts"].values()) > 0
    # without customers and transactions no attitude, life cycle or tier: every customer not
    # caught by a payment-behaviour rule falls to the catch-all type, counted and said
    catch_all = r["type_counts"]["cooperative"]
    assert r["type_fallbacks"] == {"lifecycle": catch_all, "attitude": catch_all,
                                   "value_tier": catch_all}
    assert not {"disputing", "lapsed", "negative", "key_account"} & {
        k for k, v in r["type_counts"].items() if v}
    assert f"{catch_all:,} customers have no attitude" in text
    assert "No service contacts" in text and "No call log" in text
    assert r["share_balance_negative_or_lapsed"] is None and "Skipped: the worked case" in text
    assert r["n_cards"] >= 1


def minimal_export_through_mappings(execute, request) -> None:
    """Invoices and payments only (no customers, sales, calls, contacts): the queue still runs."""
    files = minimal_export(request.getfixturevalue("tmp_path_factory").mktemp("nb10-min"))
    before = digests(list(files.values()))
    run = execute("10", **{k: str(v) for k, v in files.items()})
    inv, pay, day = read_minimal(files)
    check_any_data(run.results, open_accounts(inv, pay, day), run.outputs_text())
    assert run.results["model_auc"] > 0.6
    assert digests(list(files.values())) == before


def credit_default_as_invoices(execute, request) -> None:
    """UCI credit default as invoices and payments: too short for the pay model, so the queue
    runs on one flat probability, said where the queue is built."""
    files, before, (inv, pay) = credit_default_files(request, "nb10-credit")
    run = execute("10", **{k: str(v) for k, v in files.items()})
    exp = open_accounts(inv, pay, pd.Timestamp("2005-09-30"))
    text = run.outputs_text()
    check_any_data(run.results, exp, text)
    assert run.results["model_auc"] is None
    assert "No probability-to-pay model" in text and "train_months=6" in text
    assert digests([Path(p) for p in before]) == before  # the source and the files written


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [smaller_team_gets_a_shorter_queue, minimal_export_through_mappings,
        credit_default_as_invoices]
