"""Tests for helpers.value._profit (and _drivers): the profit bridge, by hand and against DuckDB."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import helpers.value as v
from tests.value.support import RATES


def test_profit_bridge_by_hand(tiny):
    p = v.customer_profit(tiny, RATES)
    assert list(p.columns) == list(v.MONEY_COLUMNS)
    assert sorted(p.index) == ["a", "b", "c"]
    a, b, c = p.loc["a"], p.loc["b"], p.loc["c"]
    # a: list revenue 110, discount 10, refund 30, cogs 60-18, complaint 10+15, inquiry 2+5,
    #    1 return x 4, one 2-minute sales call 0.5+4
    assert a["revenue"] == 110 and a["discounts"] == 10 and a["returns"] == 30
    assert a["cogs"] == pytest.approx(42)
    assert a["cost_complaints"] == pytest.approx(25)
    assert a["cost_service"] == pytest.approx(7)
    assert a["cost_returns"] == pytest.approx(4)
    assert a["cost_calls"] == pytest.approx(4.5)
    assert a["cost_late_payment"] == 0          # i3 paid before it was due
    assert a["cost_orders"] == 3                # one order bought (the return is not an order)
    assert a["profit"] == pytest.approx(110 - 10 - 30 - 42 - 25 - 7 - 4 - 4.5 - 3)
    # b: revenue 255, discount 5, cogs 120 + 0.5 * 50 (fallback); i1 settled 10 days late,
    # i2 open and 30 days late at as_of, i4 (80, 30 paid) open 149 days late: doubtful (M3+);
    # two collection calls (0 and 5 minutes)
    assert b["cogs"] == pytest.approx(145)
    assert b["cost_orders"] == 3                # two lines, one order
    interest = 0.365 * (100 * 10 + 50 * 30 + 80 * 149) / 365
    assert b["cost_late_payment"] == pytest.approx(3 * 20 + interest + 2 * 0.5 + 5 * 2.0)
    assert b["cost_bad_debt"] == pytest.approx(0.5 * 50)
    assert b["cost_calls"] == 0
    # c never bought but costs a technical-support contact
    assert c["revenue"] == 0 and c["profit"] == pytest.approx(-(5 + 10))
    assert (p["cost_to_serve"] == p[list(v.COST_COLUMNS)].sum(axis=1)).all()
    assert v.cogs_estimated_share(v.cost_drivers(tiny)) == pytest.approx(50 / (365 - 15 - 30))
    assert v.missing_tables(tiny) == []


def test_inputs_are_not_modified(tiny):
    before = {k: t.copy() for k, t in tiny.items() if isinstance(t, pd.DataFrame)}
    v.customer_profit(tiny, RATES)
    for k, t in before.items():
        pd.testing.assert_frame_equal(tiny[k], t)


def test_profit_against_duckdb():
    rng = np.random.default_rng(3)
    n = 3000
    tx = pd.DataFrame({"customer_id": rng.choice([f"c{i}" for i in range(300)], n),
                       "amount": rng.gamma(2, 50, n) * rng.choice([1, 1, 1, 1, -1], n),
                       "discount": rng.uniform(0, 5, n)})
    tx["cost"] = tx["amount"] * 0.6
    tx["is_return"] = tx["amount"] < 0
    svc = pd.DataFrame({"customer_id": rng.choice(tx["customer_id"].unique(), 500),
                        "kind": rng.choice(v.SERVICE_KINDS, 500),
                        "minutes": rng.uniform(1, 30, 500)})
    p = v.customer_profit({"transactions": tx, "service_contacts": svc}, RATES)
    sql = duckdb.sql("""
        with t as (
          select customer_id,
                 sum(case when not is_return then amount + discount else 0 end) as revenue,
                 sum(case when not is_return then discount else 0 end) as discounts,
                 sum(case when is_return then -amount else 0 end) as returns,
                 sum(cost) as cogs, sum(case when is_return then 1 else 0 end) as n_ret,
                 sum(case when is_return then 0 else 1 end) as n_sales
          from tx group by customer_id),
        s as (
          select customer_id, sum(minutes * 1.0 + case kind when 'inquiry' then 2
                   when 'technical_support' then 5 when 'return_request' then 3 else 10 end)
                   as serve
          from svc group by customer_id)
        select t.customer_id, revenue, discounts, returns, cogs,
               revenue - discounts - returns - cogs - 4 * n_ret - 3 * n_sales
                 - coalesce(serve, 0) as profit
        from t left join s using (customer_id)""").df().set_index("customer_id")
    got = p.loc[sql.index]
    for col in ("revenue", "discounts", "returns", "cogs", "profit"):
        np.testing.assert_allclose(got[col], sql[col], rtol=1e-9, atol=1e-6)


def test_missing_tables_are_noted_and_cost_nothing():
    tx = pd.DataFrame({"customer_id": ["x"], "amount": [10.0]})
    p = v.customer_profit({"transactions": tx}, RATES)
    assert p.loc["x", "cost_to_serve"] == 3                      # one order
    assert p.loc["x", "cogs"] == pytest.approx(5.0)            # fallback ratio, no cost column
    assert v.cogs_estimated_share(v.cost_drivers({"transactions": tx})) == pytest.approx(1.0)
    assert set(v.missing_tables({"transactions": tx})) == {"service_contacts", "calls",
                                                            "invoices"}


def test_payments_are_missing_only_when_there_are_invoices(tiny):
    del tiny["payments"]
    assert v.missing_tables(tiny) == ["payments"]
    p = v.customer_profit(tiny, RATES)
    assert p.loc["b", "cost_late_payment"] > 0            # every invoice is open, so late


def test_cost_rates_can_be_given_as_a_model(tiny):
    rates = v.CostRates.model_validate(RATES)
    pd.testing.assert_frame_equal(v.customer_profit(tiny, rates), v.customer_profit(tiny, RATES))



def test_profit_notes_name_estimated_cost_returns_only_and_idle_customers():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [100.0, 50.0, -30.0, 80.0],
                       "cost": [60.0, None, None, 40.0]})
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"]})
    drivers = v.cost_drivers({"transactions": tx, "customers": customers})
    notes = v.profit_notes(drivers, 0.65, "GBP")
    # net sales 100 + 50 - 30 + 80 = 200, of which 50 - 30 = 20 had no cost
    assert notes[0].startswith("cost of goods ESTIMATED for 10% of net sales")
    assert "1 customer(s) only returned goods" in notes[1] and "30 GBP" in notes[1]
    assert notes[2].startswith("1 customer(s) of the customer list bought nothing")
    profit = v.apply_cost_rates(drivers)
    assert set(profit.index) == {"a", "b", "c", "d"}              # nobody dropped
    assert profit.loc["b", "revenue"] == 0 and profit.loc["b", "profit"] < 0
    known = v.cost_drivers({"transactions": tx.assign(cost=[60.0, 30, -20, 40])})
    assert v.profit_notes(known, 0.65, "CNY")[0].startswith("1 customer(s) only returned")
