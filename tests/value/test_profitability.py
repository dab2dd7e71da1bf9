"""Tests for helpers.value.profitability: tiers, profitability, whale curve, scenarios, playbook, capacity."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.paths import CONFIG_DIR
from helpers.value import profitability as v
from helpers.value.profitability import DataProblem

# ------------------------------------------------------------------------------------------
# a small hand-made course dataset whose profit bridge is worked out by hand below
# ------------------------------------------------------------------------------------------
RATES = {
    "orders": {"per_order": 3.0},
    "service": {"per_minute": 1.0,
                "per_contact": {"inquiry": 2, "technical_support": 5, "return_request": 3,
                                "complaint": 10}},
    "calls": {"per_call": 0.5, "per_minute": 2.0},
    "returns": {"per_return": 4},
    "late_payment": {"per_late_invoice": 20, "annual_interest_rate": 0.365,
                     "bad_debt_share": 0.5},
    "fallbacks": {"cogs_ratio": 0.5},
}


@pytest.fixture()
def tiny() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"]})
    tx = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o3"],     # b's two lines are one order
        "customer_id": ["a", "a", "b", "b"],
        "purchase_date": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-03-01",
                                         "2025-03-05"]),
        "amount": [100.0, -30.0, 200.0, 50.0],
        "discount": [10.0, 0.0, 0.0, 5.0],
        "cost": [60.0, -18.0, 120.0, np.nan],   # b's second line has no cost: ratio 0.5
        "is_return": [False, True, False, False],
    })
    svc = pd.DataFrame({"contact_id": ["s1", "s2", "s3"], "customer_id": ["a", "a", "c"],
                        "kind": ["complaint", "inquiry", "technical_support"],
                        "minutes": [15.0, 5.0, 10.0]})
    calls = pd.DataFrame({"call_id": ["k1", "k2", "k3", "k4"],
                          "customer_id": ["a", "b", "b", None],
                          "duration_s": [120, 0, 300, 60],
                          "purpose": ["sales", "collection", "collection", "sales"]})
    invoices = pd.DataFrame({"invoice_id": ["i1", "i2", "i3", "i4"],
                             "customer_id": ["b", "b", "a", "b"],
                             "issue_date": pd.to_datetime(["2025-01-01"] * 3 + ["2024-10-01"]),
                             "due_date": pd.to_datetime(["2025-01-31", "2025-02-28",
                                                         "2025-12-31", "2024-11-01"]),
                             "amount": [100.0, 50.0, 10.0, 80.0]})
    payments = pd.DataFrame({"payment_id": ["p1", "p2", "p3", "p4"],
                             "invoice_id": ["i1", "i1", "i3", "i4"],
                             "customer_id": ["b", "b", "a", "b"],
                             "payment_date": pd.to_datetime(["2025-01-20", "2025-02-10",
                                                             "2025-06-01", "2024-12-01"]),
                             "amount": [60.0, 40.0, 10.0, 30.0]})
    return {"customers": customers, "transactions": tx, "service_contacts": svc, "calls": calls,
            "invoices": invoices, "payments": payments, "as_of": pd.Timestamp("2025-03-30")}


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
    assert p.attrs["cogs_estimated_share"] == pytest.approx(50 / (365 - 15 - 30))


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
    assert p.attrs["cogs_estimated_share"] == pytest.approx(1.0)
    assert set(p.attrs["missing_tables"]) == {"service_contacts", "calls", "invoices"}


@pytest.mark.parametrize("bad, match", [
    ({"customer_id": ["a"], "amount": ["lots"]}, "'amount'.*not numbers"),
    ({"customer_id": [None], "amount": [3.0]}, "no customer_id"),
    ({"customer_id": ["a"]}, r"\['amount'\]"),
])
def test_bad_transactions_are_explained(bad, match):
    with pytest.raises(DataProblem, match=match):
        v.customer_profit({"transactions": pd.DataFrame(bad)}, RATES)


def test_bad_service_kind_and_dates_are_explained(tiny):
    tiny["service_contacts"].loc[0, "kind"] = "chat about weather"
    with pytest.raises(DataProblem, match="kind.*chat about weather"):
        v.customer_profit(tiny, RATES)
    tiny["service_contacts"].loc[0, "kind"] = "complaint"
    tiny["invoices"]["due_date"] = ["2025-01-31", "soon", "2025-12-31", "2024-11-01"]
    with pytest.raises(DataProblem, match="invoices.*due_date.*soon"):
        v.customer_profit(tiny, RATES)


def test_no_transactions_table():
    with pytest.raises(DataProblem, match="transactions"):
        v.customer_profit({"customers": pd.DataFrame({"customer_id": ["a"]})}, RATES)


# ------------------------------------------------------------------------------------------
# cost-rate configuration
# ------------------------------------------------------------------------------------------
def test_bundled_cost_rates_load():
    rates = v.load_cost_rates()
    assert rates["service"]["per_contact"]["complaint"] > rates["service"]["per_contact"]["inquiry"]
    assert 0 < rates["fallbacks"]["cogs_ratio"] < 1


@pytest.mark.parametrize("edit, key", [
    (lambda r: r["service"]["per_contact"].pop("complaint"), "service.per_contact.complaint"),
    (lambda r: r["calls"].__setitem__("per_minute", "two"), "calls.per_minute"),
    (lambda r: r["returns"].__setitem__("per_return", -1), "returns.per_return"),
    (lambda r: r["late_payment"].__setitem__("annual_interest_rate", 6), "annual_interest_rate"),
    (lambda r: r.__setitem__("bonus", {}), "bonus"),
    (lambda r: r["service"]["per_contact"].__setitem__("gossip", 1), "gossip"),
])
def test_bad_cost_rate_file_names_file_and_key(tmp_path, edit, key):
    raw = yaml.safe_load((CONFIG_DIR / "cost_rates.yaml").read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "my_rates.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(DataProblem) as err:
        v.load_cost_rates(path)
    assert "my_rates.yaml" in str(err.value) and key in str(err.value)


# ------------------------------------------------------------------------------------------
# tiers
# ------------------------------------------------------------------------------------------
def test_default_tiers_on_distinct_values_have_nominal_sizes():
    s = pd.Series(np.random.default_rng(1).permutation(1000).astype(float),
                  index=[f"c{i}" for i in range(1000)])
    t = v.assign_tiers(s)
    assert t.index.equals(s.index) and t.name == "tier"
    assert t.cat.ordered and list(t.cat.categories) == list(v.DEFAULT_LABELS)
    assert t.value_counts().to_dict() == {"low": 500, "silver": 300, "gold": 150, "diamond": 50}
    # the top 50 values are the diamonds
    assert set(t[t == "diamond"].index) == set(s.nlargest(50).index)


def test_ties_stay_together_in_the_lower_tier():
    s = pd.Series([0.0] * 6 + [5.0, 6.0, 7.0, 8.0])
    t = v.assign_tiers(s, cuts=(0.5, 0.8), labels=("l", "m", "h"))
    assert (t[:6] == "l").all()          # 60% zeros: none promoted although the cut is 50%
    assert t.tolist()[6:] == ["m", "m", "h", "h"]


def test_fixed_thresholds_are_inclusive():
    s = pd.Series([999.0, 1000, 9999, 10000, 50000])
    t = v.assign_tiers(s, cuts=(1000, 10000, 50000), method="fixed")
    assert t.tolist() == ["low", "silver", "silver", "gold", "diamond"]


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200))
@settings(max_examples=60, deadline=None)
def test_tiers_are_monotone_in_value(values):
    s = pd.Series(values)
    codes = v.assign_tiers(s).cat.codes.to_numpy()
    order = np.argsort(s.to_numpy(), kind="stable")
    assert (np.diff(codes[order]) >= 0).all()
    # equal values share a tier
    assert pd.Series(codes).groupby(s.to_numpy()).nunique().max() == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"cuts": (0.8, 0.5, 0.9)}, "increase"),
    ({"labels": ("a", "b")}, "labels"),
    ({"cuts": (10, 100, 1000)}, "method='fixed'"),
    ({"method": "kmeans"}, "method"),
])
def test_bad_tier_arguments(kwargs, match):
    with pytest.raises(DataProblem, match=match):
        v.assign_tiers(pd.Series([1.0, 2.0, 3.0]), **kwargs)


def test_missing_values_are_refused_with_rows():
    with pytest.raises(DataProblem, match=r"\['b'\]"):
        v.assign_tiers(pd.Series([1.0, np.nan, 3.0], index=["a", "b", "c"]))


# ------------------------------------------------------------------------------------------
# concentration and whale curve
# ------------------------------------------------------------------------------------------
def test_top_share_matches_a_plain_computation():
    x = pd.Series(np.random.default_rng(5).pareto(1.5, 1000) + 1)
    expected = x.sort_values(ascending=False).iloc[:200].sum() / x.sum()
    assert v.top_share(x, 0.2) == pytest.approx(expected)
    c = v.concentration_curve(x)
    assert c.iloc[0].tolist() == [0.0, 0.0] and c.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    assert c.loc[200, "value_share"] == pytest.approx(expected)


def test_whale_summary_on_a_hand_made_base():
    # 10 customers: two whales, five small earners, three loss makers
    profit = pd.Series([500.0, 300, 40, 30, 20, 20, 10, -50, -100, -170])
    s = v.whale_summary(profit)
    total = 600.0
    assert s["total_profit"] == total
    assert s["top_share"] == pytest.approx(800 / total)
    assert s["bottom_share"] == pytest.approx(-320 / total)
    assert s["bottom_giveback"] == pytest.approx(320 / 800)
    assert s["peak_share"] == pytest.approx(920 / total) and s["peak_at"] == pytest.approx(0.7)
    assert s["unprofitable_share"] == pytest.approx(0.3)
    assert s["loss_share_of_peak"] == pytest.approx(320 / 920)
    curve = v.whale_curve(profit)
    assert curve["profit_share"].max() == pytest.approx(s["peak_share"])
    assert curve["profit_share"].iloc[-1] == pytest.approx(1.0)


def test_whale_summary_refuses_a_loss_making_base():
    with pytest.raises(DataProblem, match="loses money"):
        v.whale_summary(pd.Series([10.0, -50.0]))


def test_tier_economics_adds_up(tiny):
    p = v.customer_profit(tiny, RATES)
    tiers = v.assign_tiers(p["revenue"], cuts=(0.5,), labels=("low", "high"))
    e = v.tier_economics(p, tiers)
    assert e["customers"].sum() == 3
    assert e["profit"].sum() == pytest.approx(p["profit"].sum())
    assert e["customers_share"].sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------
# scenarios
# ------------------------------------------------------------------------------------------
def _profit_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "revenue": [1000.0, 200, 100], "discounts": [0.0, 0, 0], "returns": [0.0, 0, 0],
        "cost_service": [10.0, 50, 80], "cost_complaints": [0.0, 30, 40],
        "cost_calls": [0.0, 20, 0], "profit": [400.0, -20, -90]}, index=["a", "b", "c"])


def test_scenarios_by_hand():
    s = v.profit_scenarios(_profit_frame(), price_increase=0.1, reprice_churn=0.5,
                           channel_saving=0.5, channel_churn=0.0)
    assert s.loc["as is", "total_profit"] == pytest.approx(290)
    assert s.loc["drop", "total_profit"] == pytest.approx(400)
    # b: 0.5 * (-20 + 20) = 0 ; c: 0.5 * (-90 + 10) = -40
    assert s.loc["re-price", "total_profit"] == pytest.approx(400 + 0 - 40)
    # b: -20 + 0.5 * 100 = 30 ; c: -90 + 0.5 * 120 = -30
    assert s.loc["cheaper channel", "total_profit"] == pytest.approx(400 + 30 - 30)
    # best: b -> channel (30), c -> drop (0)
    assert s.loc["best per customer", "total_profit"] == pytest.approx(430)
    assert s.loc["drop", "customers_affected"] == 2 and s.loc["drop", "customers_kept"] == 1
    assert s.loc["drop", "change"] == pytest.approx(110)


def test_scenarios_reject_shares_outside_0_1():
    with pytest.raises(DataProblem, match="reprice_churn"):
        v.profit_scenarios(_profit_frame(), reprice_churn=1.5)


# ------------------------------------------------------------------------------------------
# playbook and capacity
# ------------------------------------------------------------------------------------------
def test_bundled_playbook_joins_every_tier():
    book = v.load_playbook()
    frame = pd.DataFrame({"tier": ["diamond", "gold", "silver", "low", "gold"],
                          "profit": [900.0, 300, 50, 5, -10],
                          "days_since_last": [10, 400, 20, 30, 5]}, index=list("abcde"))
    out = v.apply_playbook(frame, book)
    assert out.loc["a", "strategy"] == "high_value"
    assert out.loc["b", "strategy"] == "win_back_key_account"       # quiet for 400 days
    assert out.loc["c", "strategy"] == "medium_potential"
    assert out.loc["d", "strategy"] == "low_activity"
    assert out.loc["e", "strategy"] == "cost_to_serve_review"       # loss-making wins first
    assert out.loc["e", "rule"] == "loss-making customer"
    assert out.loc["a", "first_action"] == book["strategies"]["high_value"]["actions"][0]
    assert out["actions"].str.len().gt(0).all()


def test_playbook_unknown_tier_and_bad_file(tmp_path):
    with pytest.raises(DataProblem, match="platinum"):
        v.apply_playbook(pd.DataFrame({"tier": ["platinum"]}))
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump({"strategies": {"s": {"zh": "x", "owner": "o",
                                                         "channel": "c", "response_time": "1h",
                                                         "contact_every_days": 0,
                                                         "actions": ["go"]}},
                                    "tier_strategy": {"low": "s"}}))
    with pytest.raises(DataProblem, match=r"book.yaml.*strategies.s.contact_every_days"):
        v.load_playbook(path)
    path.write_text(yaml.safe_dump({"strategies": {"s": {"zh": "x", "owner": "o",
                                                         "channel": "c", "response_time": "1h",
                                                         "contact_every_days": 5,
                                                         "actions": ["go"]}},
                                    "tier_strategy": {"low": "t"}}))
    with pytest.raises(DataProblem, match=r"tier_strategy.low"):
        v.load_playbook(path)


def test_allocate_capacity_takes_the_top_positive_eligible():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"profit": rng.normal(100, 300, 1000)},
                         index=[f"c{i}" for i in range(1000)])
    eligible = pd.Series(rng.random(1000) < 0.7, index=frame.index)
    out = v.allocate_capacity(frame, managers=5, accounts_per_manager=40, eligible=eligible)
    chosen = out.index[out["dedicated"]]
    expected = frame.loc[eligible & (frame["profit"] > 0), "profit"].nlargest(200).index
    assert set(chosen) == set(expected)
    books = out[out["dedicated"]].groupby("manager")["profit"].agg(["size", "sum"])
    assert (books["size"] == 40).all() and len(books) == 5
    assert books["sum"].max() / books["sum"].min() < 1.1        # snake order balances value
    cov = v.coverage_summary(out)
    assert cov["accounts"] == 200
    assert cov["value_covered"] == pytest.approx(frame.loc[expected, "profit"].sum())


def test_allocate_capacity_larger_than_the_base():
    frame = pd.DataFrame({"profit": [5.0, -1.0, 3.0]})
    out = v.allocate_capacity(frame, managers=2, accounts_per_manager=10)
    assert out["dedicated"].tolist() == [True, False, True]
    with pytest.raises(DataProblem, match="managers"):
        v.allocate_capacity(frame, managers=-1)


# ------------------------------------------------------------------------------------------
# widget's pure function
# ------------------------------------------------------------------------------------------
def test_value_view_reacts_to_rates_and_cuts(tiny):
    drivers = v.cost_drivers(tiny)
    base = v.value_view(drivers, cuts=(0.5,), labels=("low", "high"), cost_rates=RATES)
    more = v.value_view(drivers, cuts=(0.5,), labels=("low", "high"), cost_rates=RATES,
                        rate_scale={"service": 2.0})
    pd.testing.assert_frame_equal(base["profit"], v.apply_cost_rates(drivers, RATES))
    assert (more["profit"]["cost_service"] == 2 * base["profit"]["cost_service"]).all()
    assert more["profit"]["profit"].sum() < base["profit"]["profit"].sum()
    assert base["curve"]["customer_share"].iloc[-1] == 1.0
    with pytest.raises(DataProblem, match="section"):
        v.value_view(drivers, cost_rates=RATES, rate_scale={"marketing": 2.0})
