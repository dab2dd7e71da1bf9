"""Notebook 05 (value, profitability, whale curve): bundled data, another seed, a minimal
export with customers who only returned goods, and Online Retail in GBP.

The profit of every customer is recomputed here with plain pandas from the CSV files and the
cost-rate YAML, independently of helpers.value, and the notebook's key numbers are compared.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.paths import CONFIG_DIR, MAPPINGS_DIR
from tests.conftest import ONLINE_RETAIL, shared_file
from tests.notebooks.checks import unanswered
from tests.notebooks.checks.nb03 import minimal_export


def _bool(s: pd.Series) -> pd.Series:
    return s.astype(str).str.lower().isin(["true", "1"])


def independent_profit(folder: Path) -> pd.DataFrame:
    rates = yaml.safe_load((CONFIG_DIR / "cost_rates.yaml").read_text(encoding="utf-8"))
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    ids = pd.read_csv(folder / "customers.csv", dtype=str)["customer_id"]
    tx = pd.read_csv(folder / "transactions.csv", dtype={"customer_id": str, "order_id": str})
    ret = _bool(tx["is_return"]) | (tx["amount"] < 0)
    sale = tx[~ret]
    g = pd.DataFrame(index=pd.Index(ids.unique(), name="customer_id"))
    g["revenue"] = (sale["amount"] + sale["discount"].fillna(0)).groupby(sale["customer_id"]).sum()
    g["discounts"] = sale["discount"].fillna(0).groupby(sale["customer_id"]).sum()
    g["returns"] = tx.loc[ret, "amount"].abs().groupby(tx.loc[ret, "customer_id"]).sum()
    signed_cost = np.where(ret, -tx["cost"].abs(), tx["cost"])
    g["cogs"] = pd.Series(signed_cost).groupby(tx["customer_id"]).sum()
    g["orders"] = sale.groupby("customer_id")["order_id"].nunique()
    g["n_ret"] = ret.groupby(tx["customer_id"]).sum()
    svc = pd.read_csv(folder / "service_contacts.csv", dtype={"customer_id": str})
    per = rates["service"]["per_contact"]
    svc["cost"] = svc["minutes"] * rates["service"]["per_minute"] + svc["kind"].map(per)
    g["service"] = svc.groupby("customer_id")["cost"].sum()
    calls = pd.read_csv(folder / "calls.csv", dtype={"customer_id": str}).dropna(
        subset=["customer_id"])
    calls["cost"] = (rates["calls"]["per_call"]
                     + calls["duration_s"] / 60 * rates["calls"]["per_minute"])
    g["calls"] = calls.groupby("customer_id")["cost"].sum()
    inv = pd.read_csv(folder / "invoices.csv", dtype={"customer_id": str},
                      parse_dates=["due_date"])
    pay = pd.read_csv(folder / "payments.csv", parse_dates=["payment_date"])
    pay = pay[pay["payment_date"] <= as_of]
    paid = pay.groupby("invoice_id")["amount"].sum().reindex(inv["invoice_id"]).fillna(0)
    last = pay.groupby("invoice_id")["payment_date"].max().reindex(inv["invoice_id"])
    settled = paid.to_numpy() >= inv["amount"].to_numpy() - 0.005
    end = np.where(settled, last.to_numpy(), np.datetime64(as_of))
    days = ((pd.to_datetime(end) - inv["due_date"]).dt.days).clip(lower=0).fillna(0)
    lp = rates["late_payment"]
    inv["late"] = ((days > 0) * lp["per_late_invoice"]
                   + inv["amount"] * days * lp["annual_interest_rate"] / 365)
    inv["bad"] = np.where(~settled & (days > 90), inv["amount"] - paid.to_numpy(), 0.0) \
        * lp["bad_debt_share"]
    g["late"] = inv.groupby("customer_id")["late"].sum()
    g["bad"] = inv.groupby("customer_id")["bad"].sum()
    g = g.fillna(0.0)
    # calls split: collection calls are booked under late payment, the rest under calls;
    # both are priced the same, so only the total matters for profit
    g["cost_to_serve"] = (g["orders"] * rates["orders"]["per_order"] + g["service"] + g["calls"]
                          + g["n_ret"] * rates["returns"]["per_return"] + g["late"] + g["bad"])
    g["profit"] = g["revenue"] - g["discounts"] - g["returns"] - g["cogs"] - g["cost_to_serve"]
    return g


#: Exercises of the notebook (05.1 .. 05.8), each answered right by the solution.
N_EXERCISES = 8


def _answers(text: str) -> None:
    assert text.count(": right.") == N_EXERCISES, text.count(": right.")
    assert "not yet" not in text and "not what happened" not in text


def whale_has_the_rule_shape(res: dict, prof: pd.Series) -> None:
    """The planted 80/20/30 shape (William Sherden's rule, source 004): the top 20 % create
    about 80 % of the profit, the bottom 30 % give back 30-50 points, so the curve peaks at
    125-160 % (the rule implies about 140 %) at about 70 % of the customers."""
    k30 = round(0.3 * len(prof))
    assert 0.65 <= res["top20_profit_share"] <= 0.95, res["top20_profit_share"]
    assert 0.30 <= -prof.iloc[-k30:].sum() / prof.sum() <= 0.50
    assert 1.25 <= res["peak_share"] <= 1.60, res["peak_share"]
    assert 0.55 <= res["peak_at"] <= 0.85, res["peak_at"]


def check_run(run, folder: Path) -> None:
    exp = independent_profit(folder)
    res = run.results
    assert res["n_customers"] == len(exp)
    assert res["total_revenue"] == pytest.approx(exp["revenue"].sum(), rel=1e-9)
    assert res["total_cost_to_serve"] == pytest.approx(exp["cost_to_serve"].sum(), rel=1e-9)
    assert res["total_profit"] == pytest.approx(exp["profit"].sum(), rel=1e-9)
    assert res["unprofitable"] == int((exp["profit"] < -1e-9).sum())
    rev = exp["revenue"].sort_values(ascending=False)
    k20, k30 = round(0.2 * len(exp)), round(0.3 * len(exp))
    assert res["top20_revenue_share"] == pytest.approx(rev.iloc[:k20].sum() / rev.sum(), rel=1e-9)
    prof = exp["profit"].sort_values(ascending=False)
    top, bottom = prof.iloc[:k20].sum(), prof.iloc[-k30:].sum()
    assert res["top20_profit_share"] == pytest.approx(top / prof.sum(), rel=1e-9)
    assert res["bottom30_giveback"] == pytest.approx(-bottom / top, rel=1e-9)
    assert res["peak_share"] == pytest.approx(prof[prof > 0].sum() / prof.sum(), rel=1e-9)
    assert res["peak_share"] > 1            # the whale rises above 100 %
    whale_has_the_rule_shape(res, prof)
    assert sum(res["tier_counts"].values()) == len(exp)
    # dropping the loss-makers is worth exactly their losses
    sc = res["scenario_profit"]
    assert sc["drop"] - sc["as is"] == pytest.approx(-prof[prof < 0].sum(), rel=1e-9)
    assert sc["best per customer"] >= max(sc["drop"], sc["re-price"], sc["cheaper channel"]) - 1e-6
    assert res["dedicated_accounts"] == 200
    assert res["dedicated_profit_share"] == pytest.approx(
        prof[prof > 0].iloc[:200].sum() / prof.sum(), rel=1e-9)
    assert res["action_list_rows"] == len(exp)
    assert sum(res["strategy_counts"].values()) == len(exp)
    assert res["strategy_counts"]["cost_to_serve_review"] == res["unprofitable"]
    written = run.out_dir / "output" / res["action_list_file"]
    assert written.exists()
    text = written.read_text(encoding="utf-8-sig")
    names = pd.read_csv(folder / "customers.csv", dtype=str)["name"].dropna().head(50)
    assert not any(n in text for n in names)          # personal data masked by default


def check_risk_value(res: dict) -> None:
    """Section 8 (value net of credit risk): the totals agree with the discount share, some
    customers and dedicated places move, and the planted bad payers (unresponsive, chronic late,
    partial) lose the largest share of their value, on-time payers and cash buyers little."""
    assert res["risk_total_adjusted"] < res["risk_total_value"]
    assert res["risk_discount_share"] == pytest.approx(
        1 - res["risk_total_adjusted"] / res["risk_total_value"], rel=1e-9)
    assert 0 < res["risk_moved"] < res["n_customers"]
    assert 0 < res["risk_changed_places"] <= res["dedicated_accounts"]
    assert res["risk_diamond_before"] == round(0.05 * res["n_customers"])
    assert res["risk_diamond_kept"] < res["risk_diamond_before"]
    by_payment = res["risk_discount_by_payment"]
    assert max(by_payment, key=by_payment.get) in {"unresponsive", "chronic_late", "partial_payer"}
    assert by_payment["chronic_late"] > 5 * by_payment["on_time"]
    assert by_payment["on_time"] < 0.2
    assert by_payment.get("no credit", 0.0) == 0.0


def bundled(run, folder: Path) -> None:
    _answers(run.outputs_text())
    check_run(run, folder)
    check_risk_value(run.results)


def other_seed(run, folder: Path) -> None:
    _answers(run.outputs_text())
    check_run(run, folder)
    check_risk_value(run.results)


def trainee(run) -> None:
    unanswered(run, N_EXERCISES)
    assert run.results["n_customers"] > 0


def _minimal_profit(frame: pd.DataFrame, rates: dict, cogs_ratio: float) -> pd.DataFrame:
    """Profit per customer of an export with customer, date and amount only (plain pandas)."""
    ret = frame["amount"] < 0
    g = pd.DataFrame({
        "revenue": frame["amount"].where(~ret, 0.0),
        "returns": frame["amount"].abs().where(ret, 0.0),
        "net": frame["amount"].where(~ret, -frame["amount"].abs()),
        "n_sale_lines": (~ret).astype(int),
        "n_returns": ret.astype(int),
    }).groupby(frame["customer_id"]).sum()
    g["cogs"] = cogs_ratio * g["net"]
    g["cost_to_serve"] = (g["n_sale_lines"] * rates["orders"]["per_order"]
                          + g["n_returns"] * rates["returns"]["per_return"])
    g["profit"] = g["revenue"] - g["returns"] - g["cogs"] - g["cost_to_serve"]
    return g


def minimal_export_with_returns_only(execute, request) -> None:
    """Three columns under other headers, plus two customers who only returned goods: profit as
    plain pandas computes it with a cost-of-goods ratio given as a parameter, every assumption
    (currency, rates file, estimated cost of goods, absent tables) stated, nobody dropped."""
    folder = request.getfixturevalue("tmp_path_factory").mktemp("nb05-minimal")
    extra = [("R0001", "2025-11-03", -120.0), ("R0002", "2025-12-01", -35.5),
             ("R0002", "2025-12-02", -10.0)]
    path, mapping, frame = minimal_export(folder, extra_rows=extra)
    before = path.read_bytes(), mapping.read_bytes()
    run = execute("05", transactions_file=str(path), transactions_mapping=str(mapping),
                  cogs_ratio=0.6)
    assert (path.read_bytes(), mapping.read_bytes()) == before
    rates = yaml.safe_load((CONFIG_DIR / "cost_rates.yaml").read_text(encoding="utf-8"))
    exp = _minimal_profit(frame, rates, 0.6)
    r, text = run.results, run.outputs_text()
    assert r["n_customers"] == len(exp) == frame["customer_id"].nunique()
    assert r["total_revenue"] == pytest.approx(exp["revenue"].sum(), rel=1e-9)
    assert r["total_cost_to_serve"] == pytest.approx(exp["cost_to_serve"].sum(), rel=1e-9)
    assert r["total_profit"] == pytest.approx(exp["profit"].sum(), rel=1e-9)
    assert r["unprofitable"] == int((exp["profit"] < -1e-9).sum())
    prof = exp["profit"].sort_values(ascending=False)
    k20 = round(0.2 * len(prof))
    assert r["top20_profit_share"] == pytest.approx(prof.iloc[:k20].sum() / prof.sum(), rel=1e-9)
    assert r["only_returns"] == 2 and "2 customer(s) only returned goods" in text
    assert r["currency"] == "CNY" and "assumed equal to the rates' currency" in text
    assert r["cogs_ratio"] == 0.6 and r["cogs_estimated_share"] == pytest.approx(1.0)
    assert "cost of goods ESTIMATED for 100% of net sales" in text
    assert "60% of net sales (parameter cogs_ratio)" in text
    assert set(r["missing_tables"]) == {"service_contacts", "calls", "invoices"}
    assert "risk_moved" not in r and "Skipped: value net of credit risk" in text
    assert sum(r["tier_counts"].values()) == r["action_list_rows"] == len(exp)


GBP_RATES = {"currency": "GBP", "orders": {"per_order": 2.5},
             "service": {"per_minute": 0.2, "per_contact": {
                 "inquiry": 0.5, "technical_support": 3, "return_request": 2, "complaint": 15}},
             "calls": {"per_call": 0.1, "per_minute": 0.15}, "returns": {"per_return": 4},
             "late_payment": {"per_late_invoice": 6, "annual_interest_rate": 0.06,
                              "bad_debt_share": 0.5},
             "fallbacks": {"cogs_ratio": 0.65}}


def online_retail_in_gbp(execute, request) -> None:
    """UCI Online Retail through its mapping, in GBP with rates in GBP: customers, revenue, the
    top-20 % shares and the currency stated, against DuckDB."""
    duckdb = pytest.importorskip("duckdb")
    path = shared_file(*ONLINE_RETAIL)
    folder = request.getfixturevalue("tmp_path_factory").mktemp("nb05-retail")
    rates_file = folder / "cost_rates_gbp.yaml"
    rates_file.write_text(yaml.safe_dump(GBP_RATES), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    run = execute("05", transactions_file=str(path),
                  transactions_mapping=str(MAPPINGS_DIR / "online_retail.yaml"),
                  on_invalid="drop", currency="GBP", cost_rates_file=str(rates_file))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    per = duckdb.sql(f"""
        SELECT CAST(CustomerID AS VARCHAR) AS customer_id,
               SUM(CASE WHEN NOT starts_with(CAST(InvoiceNo AS VARCHAR), 'C')
                         AND Quantity * UnitPrice >= 0 THEN Quantity * UnitPrice ELSE 0 END)
                   AS revenue,
               SUM(CASE WHEN starts_with(CAST(InvoiceNo AS VARCHAR), 'C')
                         OR Quantity * UnitPrice < 0 THEN 1 ELSE 0 END) AS n_returns,
               COUNT(*) AS n_lines
        FROM read_csv('{path}') WHERE CustomerID IS NOT NULL GROUP BY 1
    """).df()
    r, text = run.results, run.outputs_text()
    assert r["n_customers"] == len(per)
    assert r["total_revenue"] == pytest.approx(per["revenue"].sum(), rel=1e-9)
    rev = per["revenue"].sort_values(ascending=False)
    assert r["top20_revenue_share"] == pytest.approx(
        rev.iloc[:round(0.2 * len(rev))].sum() / rev.sum(), rel=1e-9)
    assert r["only_returns"] == int(((per["n_returns"] == per["n_lines"])).sum())
    assert r["currency"] == "GBP" and "data currency: GBP (parameter currency)" in text
    assert "every rate is in GBP" in text and str(rates_file) in text
    assert r["cogs_estimated_share"] == pytest.approx(1.0)     # the file has no cost column
    assert r["peak_share"] >= 1 and sum(r["tier_counts"].values()) == len(per)


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [minimal_export_with_returns_only, online_retail_in_gbp]
