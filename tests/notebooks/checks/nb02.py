"""Notebook 02 (classifying by rules).

Every kept number is recomputed here with plain pandas from the CSV files, following the rules
stated in helpers/config/classification_standard.yaml.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.paths import MAPPINGS_DIR
from tests.conftest import ONLINE_RETAIL, shared_file
from tests.notebooks.checks import unanswered


def expected(folder: Path) -> dict:
    """The notebook's key numbers, computed independently from the CSV files."""
    customers = pd.read_csv(folder / "customers.csv", dtype={"customer_id": str})
    tx = pd.read_csv(folder / "transactions.csv", dtype={"customer_id": str})
    leads = pd.read_csv(folder / "leads.csv")
    calls = pd.read_csv(folder / "calls.csv", dtype={"lead_id": str})
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    tx["day"] = pd.to_datetime(tx["purchase_date"], format="mixed").dt.normalize()
    returns = tx["amount"] < 0
    if "is_return" in tx:
        returns |= tx["is_return"].astype(str).str.lower().isin(["true", "1"])
    buys = tx[~returns & (tx["day"] <= as_of)]
    last_year = buys[buys["day"] >= as_of - pd.Timedelta(days=364)]  # 365 days incl. as_of
    orders_ly = last_year.groupby("customer_id")["day"].nunique()
    buyers = set(buys["customer_id"])
    details = leads[[c for c in leads.columns if c.startswith("has_")]].fillna(False)
    detail_count = details.astype(str).apply(lambda c: c.str.lower().isin(["true", "1"])).sum(
        axis=1)
    grade_b = (leads["source"] == "detailed_inquiry") & (detail_count >= 3)
    return {
        "n_customers": len(customers),
        "as_of": str(as_of.date()),
        "n_frequent": int((orders_ly >= 6).sum()),
        "n_occasional": int(((orders_ly >= 2) & (orders_ly < 6)).sum()),
        "n_prospects": int((~customers["customer_id"].isin(buyers)).sum()),
        # buyers with at most one order last year: "rare", never "potential" (not bought yet)
        "n_rare": int((orders_ly.reindex(sorted(buyers & set(customers["customer_id"])))
                       .fillna(0) < 2).sum()),
        "closed": len(buyers & set(customers["customer_id"])),
        "attitude_unclassified": int(customers["attitude"].isna().sum()),
        "A": int((leads["source"] == "trade_show").sum()),
        "B": int(grade_b.sum()),
        "premium": int((customers["outlet_format"] == "supermarket").sum()),
        "leads": len(leads),
        # reached "target" or beyond: called, or ordered (a few order without a call)
        "leads_called": int((leads["lead_id"].isin(calls["lead_id"].dropna())
                             | leads["converted"].astype(str).str.lower().eq("true")).sum()),
        "leads_converted": int(leads["converted"].astype(str).str.lower().eq("true").sum()),
    }


def check_run(results: dict, exp: dict) -> None:
    for key in ("n_customers", "as_of", "n_frequent", "n_occasional", "n_prospects",
                "attitude_unclassified"):
        assert results[key] == exp[key], key
    assert results["funnel_reached"]["potential"] == exp["n_customers"]
    assert results["funnel_reached"]["closed"] == exp["closed"]
    assert results["life_cycle_counts"].get("prospect", 0) == exp["n_prospects"]
    # 潜在客户 (potential) are exactly those who have not bought; rare buyers are not potential
    behaviour = results["purchase_behaviour_counts"]
    assert behaviour.get("potential", 0) == exp["n_prospects"]
    assert behaviour.get("rare", 0) == exp["n_rare"]
    assert sum(behaviour.values()) == exp["n_customers"]
    assert sum(results["life_cycle_counts"].values()) == exp["n_customers"]
    lead_funnel = results["lead_funnel_reached"]
    assert lead_funnel["potential"] == exp["leads"]
    assert lead_funnel["target"] == exp["leads_called"]
    assert lead_funnel["closed"] == exp["leads_converted"]
    reached = [lead_funnel[s] for s in ("potential", "target", "contacted", "interested",
                                        "closed")]
    assert reached == sorted(reached, reverse=True)
    assert results["lead_grade_counts"].get("A", 0) == exp["A"]
    assert results["lead_grade_counts"].get("B", 0) == exp["B"]
    assert results["outlet_tier_counts"].get("premium service", 0) == exp["premium"]
    # the bundled standard is consistent; mixing in another department's rule is not
    assert results["conflicts_in_standard"] == 0
    assert results["conflicts_mixed_life_cycle"] > 0
    tiers = results["value_tier_counts"]
    assert tiers["diamond"] == pytest.approx(0.05 * exp["n_customers"], rel=0.5)


#: 02.1-02.4 values, 02.5 a prediction, 02.6 a choice, 02.7 an interpretation (psychographics)
N_EXERCISES = 7


def _solutions_pass(text: str) -> None:
    assert text.count(": right.") == N_EXERCISES, text.count(": right.")
    assert "not yet" not in text and "not what happened" not in text


def bundled(run, folder: Path) -> None:
    _solutions_pass(run.outputs_text())
    check_run(run.results, expected(folder))
    assert list((run.out_dir / "output").glob("customer_classes*.csv"))


def other_seed(run, folder: Path) -> None:
    _solutions_pass(run.outputs_text())
    check_run(run.results, expected(folder))


def trainee(run) -> None:
    unanswered(run, N_EXERCISES)


# ------------------------------------------------------------------------------ own exports


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _expected_from_lines(tx: pd.DataFrame, customers: set, as_of: pd.Timestamp) -> dict:
    """Purchase behaviour and life cycle by the bundled standard's thresholds, plain pandas.

    ``tx`` has ``customer_id``, ``day`` (normalised date), ``amount`` and ``is_return``.
    """
    buys = tx[~tx["is_return"] & (tx["amount"] >= 0) & (tx["day"] <= as_of)]
    days = buys.groupby("customer_id")["day"]
    since_first = (as_of - days.min()).dt.days
    since_last = (as_of - days.max()).dt.days
    recent = buys[buys["day"] > as_of - pd.Timedelta(days=365)]
    orders_ly = recent.groupby("customer_id")["day"].nunique().reindex(sorted(customers),
                                                                      fill_value=0)
    old = since_first > 90
    life = {
        "prospect": len(customers - set(buys["customer_id"])),
        "new": int((since_first <= 90).sum()),
        "active": int((old & (since_last <= 90)).sum()),
        "at risk": int((old & (since_last > 90) & (since_last <= 180)).sum()),
        "lapsed": int((old & (since_last > 180)).sum()),
    }
    n_days = days.nunique()
    loyal = int(((n_days >= 4) & (since_last <= 180)).sum())
    return {
        "n_customers": len(customers),
        "n_frequent": int((orders_ly >= 6).sum()),
        "n_occasional": int(((orders_ly >= 2) & (orders_ly < 6)).sum()),
        "life_cycle_counts": {k: v for k, v in life.items() if v},
        "funnel_reached": {"potential": len(customers), "target": int(len(n_days)),
                           "closed": int(len(n_days)), "loyal": loyal},
    }


def _check_own(run, exp: dict, lacking: set) -> None:
    r = run.results
    for key in ("n_customers", "n_frequent", "n_occasional", "life_cycle_counts",
                "funnel_reached"):
        assert r[key] == exp[key], key
    assert r["n_prospects"] == exp["life_cycle_counts"].get("prospect", 0)
    assert set(r["dimensions_missing_columns"]) == lacking
    assert r["outlet_tier_counts"] == {} and r["attitude_unclassified"] == 0   # n/a, not guessed
    assert r["lead_funnel_reached"] is None and r["lead_grade_counts"] is None
    text = run.outputs_text()
    assert "Skipped: The lead funnel needs the leads, calls" in text
    assert "Skipped: B2B lead grades needs the leads" in text
    assert "rule 'target' left out" in text
    assert "Traceback" not in text and "KeyError" not in text and "TypeError" not in text


MINIMAL_TX = """
table: transactions
columns: {流水号: transaction_id, 会员号: customer_id, 日期: purchase_date, 金额: amount}
"""
MINIMAL_CUSTOMERS = """
table: customers
columns: {会员号: customer_id, 类型: customer_kind, 名称: name, 入会日期: signup_date}
values:
  customer_kind: {个人: individual, 企业: organisation}
"""
CUSTOMER_DIMENSIONS = {"needs", "price_orientation", "attitude", "psychographics", "funnel",
                       "outlet_service"}


def minimal_exports(execute, request) -> None:
    """A sales file and a customer list with only the required columns, Chinese headers and
    mappings (the issue's KeyError case): customer dimensions n/a, the rest as plain pandas."""
    folder = request.getfixturevalue("tmp_path")
    rng = np.random.default_rng(2)
    n = 400
    ids = [f"M{i:03d}" for i in rng.integers(1, 61, n)]
    when = pd.Timestamp("2025-06-30") - pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    amount = rng.integers(5, 500, n).astype(float)
    amount[:12] *= -1                                          # a few returns
    tx = pd.DataFrame({"流水号": [f"T{i}" for i in range(n)], "会员号": ids,
                       "日期": when.strftime("%Y-%m-%d"), "金额": amount})
    members = pd.DataFrame({"会员号": [f"M{i:03d}" for i in range(1, 71)],   # 10 never bought
                            "类型": ["个人"] * 60 + ["企业"] * 10,
                            "名称": [f"会员{i}" for i in range(1, 71)],
                            "入会日期": "2022-01-01"})
    paths = {"tx": folder / "销售.csv", "cust": folder / "会员.csv",
             "tx_map": folder / "sales.yaml", "cust_map": folder / "members.yaml"}
    tx.to_csv(paths["tx"], index=False, encoding="utf-8")
    members.to_csv(paths["cust"], index=False, encoding="utf-8")
    paths["tx_map"].write_text(MINIMAL_TX, encoding="utf-8")
    paths["cust_map"].write_text(MINIMAL_CUSTOMERS, encoding="utf-8")
    before = {k: _digest(p) for k, p in paths.items()}
    run = execute("02", transactions_file=str(paths["tx"]),
                  transactions_mapping=str(paths["tx_map"]),
                  customers_file=str(paths["cust"]), customers_mapping=str(paths["cust_map"]),
                  output_dir=str(folder / "out"))
    as_of = when.max().normalize()
    lines = pd.DataFrame({"customer_id": ids, "day": when.normalize(), "amount": amount,
                          "is_return": amount < 0})
    exp = _expected_from_lines(lines, set(members["会员号"]), as_of)
    assert run.results["as_of"] == str(as_of.date())
    assert exp["life_cycle_counts"]["prospect"] >= 10
    _check_own(run, exp, CUSTOMER_DIMENSIONS)
    written = pd.read_csv(next((folder / "out").glob("customer_classes*.csv")),
                          encoding="utf-8-sig")
    assert len(written) == 70 and not set(written["name"]) & set(members["名称"])   # masked
    for key, digest in before.items():
        assert _digest(paths[key]) == digest, key


def online_retail_transactions_only(execute, request) -> None:
    """UCI Online Retail alone through its mapping: the customers are the buyers (IDs only)."""
    path = shared_file(*ONLINE_RETAIL)
    before = _digest(path)
    out = request.getfixturevalue("tmp_path") / "out"
    run = execute("02", transactions_file=str(path),
                  transactions_mapping=str(MAPPINGS_DIR / "online_retail.yaml"),
                  on_invalid="drop", output_dir=str(out))
    raw = pd.read_csv(path, dtype={"InvoiceNo": str, "CustomerID": str})
    raw = raw[raw["CustomerID"].notna()]
    ids = raw["CustomerID"].str.replace(r"\.0$", "", regex=True)
    lines = pd.DataFrame({"customer_id": ids,
                          "day": pd.to_datetime(raw["InvoiceDate"]).dt.normalize(),
                          "amount": raw["Quantity"] * raw["UnitPrice"],
                          "is_return": raw["InvoiceNo"].str.startswith("C")})
    as_of = pd.Timestamp("2011-12-09")
    exp = _expected_from_lines(lines, set(ids), as_of)
    assert run.results["as_of"] == "2011-12-09"
    assert exp["n_customers"] == 4372
    _check_own(run, exp, CUSTOMER_DIMENSIONS)
    assert run.results["n_prospects"] == len(set(ids) - set(
        lines.loc[~lines["is_return"] & (lines["amount"] >= 0), "customer_id"]))
    assert _digest(path) == before


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [minimal_exports, online_retail_transactions_only]
