"""Tests for helpers.receivables.aging: stages, aging, snapshots, roll rates, behaviour, pay model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from helpers.receivables.aging import DataProblem
from helpers.receivables import aging as rc

AS_OF = pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def stages() -> rc.Stages:
    return rc.load_stages()


def book(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random but valid invoice book with partial, late, early and missing payments."""
    rng = np.random.default_rng(seed)
    issue = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 360, n), "D")
    due = issue + pd.to_timedelta(rng.choice([15, 30, 45, 60], n), "D")
    amount = rng.integers(100, 10_000, n).astype(float)
    inv = pd.DataFrame({"invoice_id": [f"I{i:05d}" for i in range(n)],
                        "customer_id": [f"C{i % 60:03d}" for i in range(n)],
                        "issue_date": issue, "due_date": due, "amount": amount,
                        "currency": "CNY"})
    rows = []
    for i in range(n):  # test data only
        kind = rng.integers(0, 4)
        if kind == 0:
            continue  # never paid
        delay = int(rng.integers(-10, 150))
        when = max(due[i] + pd.Timedelta(days=delay), issue[i])
        if kind == 3:  # two parts
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when, round(amount[i] * 0.4, 2)))
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when + pd.Timedelta(days=40),
                         round(amount[i] * 0.6, 2)))
        elif kind == 2:  # partial only
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when, round(amount[i] * 0.5, 2)))
        else:
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when, amount[i]))
    pay = pd.DataFrame(rows, columns=["invoice_id", "customer_id", "payment_date", "amount"])
    pay.insert(0, "payment_id", [f"P{i:05d}" for i in range(len(pay))])
    return inv, pay


# ------------------------------------------------------------------ stages


def test_stage_boundaries_match_the_material(stages):
    days = [-30, 0, 1, 30, 31, 60, 61, 90, 91, 400]
    assert list(rc.stage_of(days, stages)) == ["M0", "M0", "M1", "M1", "M2", "M2", "M3", "M3",
                                               "M3+", "M3+"]


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.integers(-400, 2000), min_size=2, max_size=50))
def test_stage_is_monotone_in_days_overdue(days):
    st = rc.load_stages()
    days = sorted(days)
    codes = rc.stage_of(days, st).codes
    assert np.all(np.diff(codes) >= 0)


@settings(max_examples=50, deadline=None)
@given(hs.lists(hs.integers(1, 60), min_size=3, max_size=3), hs.lists(hs.integers(-100, 400),
                                                                         min_size=1, max_size=30))
def test_edited_boundaries_still_monotone(steps, days):
    bounds = np.cumsum(steps)
    raw = {"stages": [{"name": "M0", "max_days": 0},
                      *({"name": f"M{i + 1}", "max_days": int(b)} for i, b in enumerate(bounds)),
                      {"name": "M3+", "max_days": None}]}
    st = rc.validate_stages(raw)
    codes = rc.stage_of(sorted(days), st).codes
    assert np.all(np.diff(codes) >= 0)
    # a day exactly on a boundary belongs to the milder stage
    assert list(rc.stage_of(bounds, st)) == ["M1", "M2", "M3"]


@pytest.mark.parametrize("raw, key", [
    ({"stages": [{"name": "M0", "max_days": 0}, {"name": "M1", "max_days": 30}]}, "stages[1].max_days"),
    ({"stages": [{"name": "M0", "max_days": 10}, {"name": "M1", "max_days": 5},
                 {"name": "M2", "max_days": None}]}, "stages[1].max_days"),
    ({"stages": [{"name": "M0", "max_day": 0}, {"name": "M1", "max_days": None}]}, "stages[0].max_day"),
    ({"stages": [{"name": "M0", "max_days": 0}, {"name": "M1", "max_days": None}],
      "charge_off_stage": "M9"}, "charge_off_stage"),
    ({"stagse": []}, "stages"),
])
def test_bad_stage_files_name_the_key(raw, key):
    with pytest.raises(DataProblem, match=key.replace("[", r"\[").replace("]", r"\]")):
        rc.validate_stages(raw, "x.yaml")


# ------------------------------------------------------------------ bad input


def small():
    inv = pd.DataFrame({"invoice_id": ["A", "B", "C"], "customer_id": ["c1", "c1", "c2"],
                        "issue_date": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]),
                        "due_date": pd.to_datetime(["2025-10-31", "2025-12-01", "2026-01-15"]),
                        "amount": [100.0, 200.0, 300.0], "currency": "CNY"})
    pay = pd.DataFrame({"payment_id": ["p1", "p2"], "invoice_id": ["A", "B"],
                        "customer_id": ["c1", "c1"],
                        "payment_date": pd.to_datetime(["2025-11-10", "2025-12-20"]),
                        "amount": [40.0, 200.0]})
    return inv, pay


@pytest.mark.parametrize("change, match", [
    (lambda i, p: (pd.concat([i, i.iloc[[0]]]), p), "duplicate invoice"),
    (lambda i, p: (i.assign(amount=[100.0, 0.0, 300.0]), p), "zero or negative"),
    (lambda i, p: (i.assign(amount=[100.0, -5.0, 300.0]), p), "zero or negative"),
    (lambda i, p: (i, p.assign(amount=[-1.0, 200.0])), "payments: column 'amount'"),
    (lambda i, p: (i.assign(due_date=pd.to_datetime(["2025-09-01", "2025-12-01", "2026-01-15"])),
                   p), "before 'issue_date'"),
    (lambda i, p: (i, p.assign(payment_date=pd.to_datetime(["2025-09-10", "2025-12-20"]))),
     "before the invoice's issue date"),
    (lambda i, p: (i, p.assign(amount=[40.0, 250.0])), "more than the invoice"),
    (lambda i, p: (i.assign(currency=["CNY", "USD", "CNY"]), p), "mixes currencies"),
    (lambda i, p: (i, p.assign(invoice_id=["A", "Z"])), "not in the invoices table"),
    (lambda i, p: (i.drop(columns="due_date"), p), "due_date"),
    (lambda i, p: (i.assign(issue_date=["2025-10-01", "not a date", "2025-12-01"]), p),
     "unreadable date"),
])
def test_bad_input_is_named(change, match):
    inv, pay = change(*small())
    with pytest.raises(DataProblem, match=match):
        rc.open_items(inv, pay, AS_OF)


def test_bad_input_messages_show_rows():
    inv, pay = small()
    inv = pd.concat([inv, inv.iloc[[1]]])
    with pytest.raises(DataProblem) as err:
        rc.validate_receivables(inv, pay)
    assert "B" in str(err.value) and "invoice_id" in str(err.value)


def test_documented_handling_of_overpayment_and_currency():
    inv, pay = small()
    items = rc.open_items(inv, pay.assign(amount=[40.0, 250.0]), AS_OF, overpayment="cap",
                          include_settled=True)
    assert items.set_index("invoice_id").loc["B", "balance"] == 0.0
    mixed = inv.assign(currency=["CNY", "USD", "CNY"])
    items = rc.open_items(mixed, pay[pay["invoice_id"] != "B"], AS_OF, currency="CNY")
    assert set(items["invoice_id"]) == {"A", "C"}


def test_inputs_are_not_modified():
    inv, pay = small()
    before = inv.copy(), pay.copy()
    rc.open_items(inv, pay, AS_OF)
    pd.testing.assert_frame_equal(inv, before[0])
    pd.testing.assert_frame_equal(pay, before[1])


# ------------------------------------------------------------------ aging


def test_open_items_by_hand():
    inv, pay = small()
    items = rc.open_items(inv, pay, AS_OF).set_index("invoice_id")
    assert list(items.index) == ["A", "C"]  # B is paid in full
    assert items.loc["A", "balance"] == 60.0
    assert items.loc["A", "days_past_due"] == 61 and items.loc["A", "stage"] == "M3"
    assert items.loc["C", "days_past_due"] == -15 and items.loc["C", "stage"] == "M0"
    # before B's payment, B is open and in M1 (due 12-01, as of 12-15: 14 days)
    mid = rc.open_items(inv, pay, "2025-12-15").set_index("invoice_id")
    assert mid.loc["B", "stage"] == "M1" and mid.loc["B", "balance"] == 200.0
    assert rc.overdue_ratio(items) == pytest.approx(60 / 360)


def test_aging_table_against_plain_pandas():
    inv, pay = book()
    items = rc.open_items(inv, pay, AS_OF)
    # independent: plain pandas merge and cut
    paid = pay[pay["payment_date"] <= AS_OF].groupby("invoice_id")["amount"].sum()
    ref = inv.assign(bal=inv["amount"] - inv["invoice_id"].map(paid).fillna(0))
    ref = ref[ref["bal"] > 0.01]
    dpd = (AS_OF - ref["due_date"]).dt.days
    ref_stage = pd.cut(dpd, [-np.inf, 0, 30, 60, 90, np.inf], labels=["M0", "M1", "M2", "M3",
                                                                      "M3+"])
    expected = ref.groupby(ref_stage, observed=False)["bal"].sum()
    got = rc.aging_table(items, by=None).set_index("stage")["balance"]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9)
    by_cust = rc.aging_table(items)
    assert by_cust["total"].sum() == pytest.approx(ref["bal"].sum())
    np.testing.assert_allclose(by_cust.drop(columns="total").sum(axis=1), by_cust["total"])


def test_dso_by_hand():
    inv, pay = small()
    # open at 12-31: A 60 + C 300 = 360; invoiced in the 90 days to 12-31: B 200 + C 300 = 500
    assert rc.dso(inv, pay, AS_OF, window_days=90) == pytest.approx(360 / 500 * 90)
    with pytest.raises(DataProblem):
        rc.dso(inv, pay, AS_OF, window_days=0)


# ------------------------------------------------------------------ snapshots and roll rates


def test_snapshots_agree_with_open_items_at_each_month_end():
    inv, pay = book(300, seed=3)
    dates = rc.month_ends("2025-01-01", "2025-12-31")
    snaps = rc.month_end_snapshots(inv, pay, dates)
    for d in dates[::3]:
        ref = rc.open_items(inv, pay, d).set_index("invoice_id")
        got = snaps[(snaps["date"] == d) & (snaps["balance"] > 0)].set_index("invoice_id")
        assert set(got.index) == set(ref.index)
        np.testing.assert_allclose(got.loc[ref.index, "balance"], ref["balance"], atol=0.011)
        assert (got.loc[ref.index, "stage"].astype(str) == ref["stage"].astype(str)).all()


def test_flows_conserve_balance_and_rows_sum_to_one():
    inv, pay = book(500, seed=5)
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-01-01", "2026-06-30"))
    flows = rc.flow_matrix(snaps)
    # independent: for each consecutive pair, the starting balance per stage
    s = snaps.sort_values(["invoice_id", "date"])
    nxt_same = s["invoice_id"].shift(-1) == s["invoice_id"]
    start = s[nxt_same & (s["balance"] > 0)].groupby("stage", observed=False)["balance"].sum()
    np.testing.assert_allclose(flows.sum(axis=1).to_numpy(), start.to_numpy(), atol=0.05)
    rates = rc.roll_rates(snaps)
    live = rates.dropna()
    np.testing.assert_allclose(live.sum(axis=1), 1.0)
    # an unpaid invoice cannot get younger: no flow from M2 back to M0/M1
    assert flows.loc["M2", ["M0", "M1"]].sum() == 0


@settings(max_examples=15, deadline=None)
@given(hs.integers(0, 10_000))
def test_conservation_property(seed):
    inv, pay = book(60, seed=seed)
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-01-01", "2026-06-30"))
    t = rc._transitions(snaps)
    t = t[t["start_balance"] > 0]
    np.testing.assert_allclose(t["start_balance"], t["end_balance"] + t["paid"], atol=0.011)


def test_loss_rates_chain_roll_forward_rates(stages):
    names = list(stages.names)
    rates = pd.DataFrame(0.0, index=names, columns=[*names, "paid"])
    fwd = {"M0": 0.2, "M1": 0.5, "M2": 0.6, "M3": 0.7}
    for i, s in enumerate(names[:-1]):
        rates.loc[s, names[i + 1]] = fwd[s]
        rates.loc[s, "paid"] = 1 - fwd[s]
    rates.loc["M3+", "M3+"] = 0.9
    rates.loc["M3+", "paid"] = 0.1
    loss = rc.loss_rates(rates, stages)
    assert loss["M0"] == pytest.approx(0.2 * 0.5 * 0.6 * 0.7)
    assert loss["M2"] == pytest.approx(0.6 * 0.7)
    assert loss["M3+"] == 1.0
    assert rc.cure_rates(rates, stages)["M1"] == pytest.approx(0.5)
    items = pd.DataFrame({"stage": pd.Categorical(["M1", "M3"], dtype=stages.dtype),
                          "balance": [100.0, 50.0]})
    el = rc.expected_loss(items, rates, stages)
    assert el.loc["total", "expected_loss"] == pytest.approx(100 * 0.5 * 0.6 * 0.7 + 50 * 0.7)


# ------------------------------------------------------------------ behaviour and model


def behaviour_book():
    rows, pays = [], []
    start = pd.Timestamp("2025-01-05")
    patterns = {"on": [0] * 6, "rem": [10, 0, 12, 0, 8, 0], "chronic": [45, 60, 50, 70, 40, 55],
                "ghost": [None] * 6}
    for cust, delays in patterns.items():
        for k, d in enumerate(delays):
            iid = f"{cust}{k}"
            issue = start + pd.Timedelta(days=30 * k)
            due = issue + pd.Timedelta(days=30)
            rows.append((iid, cust, issue, due, 1000.0))
            if d is not None:
                pays.append((f"p{iid}", iid, cust, due + pd.Timedelta(days=d) - pd.Timedelta(
                    days=2 if d == 0 else 0), 1000.0))
    for k in range(6):  # partial payer: each invoice in two halves
        iid = f"part{k}"
        issue = start + pd.Timedelta(days=30 * k)
        rows.append((iid, "part", issue, issue + pd.Timedelta(days=30), 1000.0))
        pays.append((f"p{iid}a", iid, "part", issue + pd.Timedelta(days=20), 500.0))
        pays.append((f"p{iid}b", iid, "part", issue + pd.Timedelta(days=50), 500.0))
    inv = pd.DataFrame(rows, columns=["invoice_id", "customer_id", "issue_date", "due_date",
                                      "amount"])
    pay = pd.DataFrame(pays, columns=["payment_id", "invoice_id", "customer_id", "payment_date",
                                      "amount"])
    return inv, pay


def test_payment_behaviour_classes():
    inv, pay = behaviour_book()
    svc = pd.DataFrame({"customer_id": ["rem"] * 3, "contacted_at": pd.to_datetime(
        ["2025-06-01", "2025-07-01", "2025-08-01"]), "kind": "complaint"})
    got = rc.classify_payment_behaviour(inv, pay, "2025-09-30")["behaviour"].astype(str)
    assert got.to_dict() == {"chronic": "chronic_late", "ghost": "unresponsive", "on": "on_time",
                             "part": "partial_payer", "rem": "after_reminder"}
    with_svc = rc.classify_payment_behaviour(inv, pay, "2025-09-30", service_contacts=svc)
    assert with_svc.loc["rem", "behaviour"] == "disputes"


def test_pay_model_time_split_beats_chance():
    inv, pay = book(3000, seed=11)
    train = pd.concat([rc.pay_features(inv, pay, d) for d in ["2025-05-31", "2025-06-30",
                                                               "2025-07-31", "2025-08-31"]])
    test = rc.pay_features(inv, pay, "2025-10-31")
    assert test["paid_30d"].notna().all()
    # labels by hand for a few rows: settled within 30 days after the snapshot
    model, m = rc.fit_pay_model(train, test)
    assert 0 <= m["brier"] <= 0.25 and m["auc"] > 0.6
    scored = rc.predict_pay(model, test)
    assert scored["p_pay_30d"].between(0, 1).all()
    np.testing.assert_allclose(scored["expected_recovery"],
                               scored["balance"] * scored["p_pay_30d"])
    # features only use the past: the last snapshot has no known outcome
    late = rc.pay_features(inv, pay, pay["payment_date"].max())
    assert late["paid_30d"].isna().all()


def test_aging_view_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    inv, pay = book(200)
    v = rc.aging_view(inv, pay, AS_OF, 20, 50, 80)
    items = rc.open_items(inv, pay, AS_OF)
    dpd = items["days_past_due"]
    assert v.set_index("stage").loc["M1", "balance"] == pytest.approx(
        items.loc[(dpd > 0) & (dpd <= 20), "balance"].sum())
    with pytest.raises(DataProblem):
        rc.aging_view(inv, pay, AS_OF, 50, 40, 80)
    assert rc.plot_aging(items) is not None
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-01-01", "2025-12-31"))
    assert rc.plot_roll_rates(rc.roll_rates(snaps)) is not None
    assert rc.plot_aging_trend(rc.aging_trend(snaps)) is not None


def test_customers_with_nothing_due_yet_are_new_accounts():
    inv, pay = behaviour_book()
    extra = pd.DataFrame({"invoice_id": ["fresh0"], "customer_id": ["fresh"],
                          "issue_date": [pd.Timestamp("2025-09-20")],
                          "due_date": [pd.Timestamp("2025-10-20")], "amount": [500.0]})
    got = rc.classify_payment_behaviour(pd.concat([inv, extra]), pay, "2025-09-30")
    assert got.loc["fresh", "behaviour"] == "new_account"
    assert got.loc["fresh", "invoices_due"] == 0
    assert not got.drop(columns="behaviour").isna().any().any()
