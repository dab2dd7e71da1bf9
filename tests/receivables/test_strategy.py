"""Tests for helpers.receivables.strategy: playbook validation, customer types, queue, case, cards."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.paths import CONFIG_DIR
from helpers.receivables.aging import DataProblem, load_stages
from helpers.receivables import strategy as co


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((CONFIG_DIR / "collection_playbook.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def playbook() -> dict:
    return co.load_playbook()


def test_bundled_playbook_covers_every_stage_and_type(playbook):
    st = load_stages()
    assert list(playbook["plays"]) == list(st.names)
    for stage in st.names:
        assert set(playbook["plays"][stage]) == set(playbook["types"])
        for play in playbook["plays"][stage].values():
            assert set(play) == set(co.PLAY_FIELDS)
            assert play["script_en"].strip() and play["script_zh"].strip()
    # the material's approach at each stage
    p = playbook["plays"]
    assert p["M0"]["cooperative"]["timing"].startswith("5 days before")
    assert "6W3H" in p["M2"]["cooperative"]["goal"]
    assert "legal" in p["M3"]["cooperative"]["escalation"]
    assert "instalment_plan" in p["M1"]["negative"]["offers"]
    assert "targeted_offer" in p["M1"]["lapsed"]["offers"] and p["M1"]["lapsed"]["channel"] == "visit"
    assert p["M3+"]["cooperative"]["actor"] == "legal"
    # overrides only change what they name
    assert p["M1"]["negative"]["channel"] == p["M1"]["cooperative"]["channel"]
    assert len(play_rows := co.play_table(playbook)) == len(st.names) * len(playbook["types"])
    assert {"stage", "customer_type", "channel"} <= set(play_rows.columns)


def broken(raw, edit):
    bad = copy.deepcopy(raw)
    edit(bad)
    return bad


@pytest.mark.parametrize("edit, where", [
    (lambda r: r["stages"].pop("M2"), "stages.M2"),
    (lambda r: r["stages"]["M1"]["default"].update(chanel="call"), "stages.M1.default.chanel"),
    (lambda r: r["stages"]["M1"]["negative"].update(tone_of_voice="x"),
     "stages.M1.negative.tone_of_voice"),
    (lambda r: r["stages"]["M3"].update(angry={"tone": "x"}), "stages.M3.angry"),
    (lambda r: r["stages"].update(M4={"default": {}}), "stages.M4"),
    (lambda r: r["stages"]["M0"]["default"].pop("script_zh"), "stages.M0.default"),
    (lambda r: r["stages"]["M0"]["default"].update(channel="fax"), "stages.M0.default.channel"),
    (lambda r: r["stages"]["M2"]["default"].update(offers=["free_lunch"]),
     "stages.M2.default.offers"),
    (lambda r: r["stages"]["M2"]["default"].update(uplift=1.5), "stages.M2.default.uplift"),
    (lambda r: r["customer_types"][0]["when"].update(mood=["x"]), "customer_types[0].when.mood"),
    (lambda r: r["customer_types"][-1].update(when={"attitude": ["positive"]}),
     "customer_types[5].when"),
    (lambda r: r["effort_minutes"].pop("visit"), "effort_minutes.visit"),
    (lambda r: r.update(stage={}), "stage"),
])
def test_bad_playbook_rejected_with_exact_location(raw, edit, where):
    with pytest.raises(DataProblem) as err:
        co.validate_playbook(broken(raw, edit), "my_playbook.yaml")
    msg = str(err.value)
    assert msg.startswith("my_playbook.yaml: key ") and repr(where) in msg


def test_typo_gets_a_suggestion(raw):
    with pytest.raises(DataProblem, match="did you mean 'channel'"):
        co.validate_playbook(broken(raw, lambda r: r["stages"]["M1"]["default"].update(
            chanel="call")))


def test_load_playbook_from_edited_file(tmp_path, raw):
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(broken(raw, lambda r: r["stages"]["M1"]["default"].update(
        cadence_days=2))), encoding="utf-8")
    assert co.load_playbook(path)["plays"]["M1"]["unresponsive"]["cadence_days"] == 3
    assert co.load_playbook(path)["plays"]["M1"]["cooperative"]["cadence_days"] == 2
    path.write_text("stages: [", encoding="utf-8")
    with pytest.raises(DataProblem, match="not valid YAML"):
        co.load_playbook(path)


def test_collection_types_follow_rule_order(playbook):
    attrs = pd.DataFrame({
        "behaviour": ["disputes", "on_time", "on_time", "unresponsive", "on_time", None],
        "lifecycle": ["lapsed", "lapsed", "active", "lapsed", "active", "active"],
        "attitude": ["negative", "negative", "negative", None, "positive", "neutral"],
        "value_tier": ["diamond", "low", "gold", "low", "gold", "low"],
    }, index=list("abcdef"))
    got = co.collection_types(attrs, playbook).astype(str).to_dict()
    assert got == {"a": "disputing", "b": "lapsed", "c": "negative", "d": "unresponsive",
                   "e": "key_account", "f": "cooperative"}
    with pytest.raises(DataProblem, match="value_tier"):
        co.collection_types(attrs.drop(columns="value_tier"), playbook)


def accounts_frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    st = load_stages()
    types = ["cooperative", "negative", "lapsed", "key_account", "disputing", "unresponsive"]
    stage = rng.choice(list(st.names), n)
    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(n)],
        "invoices": rng.integers(1, 5, n),
        "balance": rng.integers(100, 50_000, n).astype(float),
        "max_days_past_due": rng.integers(0, 200, n),
        "stage": pd.Categorical(stage, dtype=st.dtype),
        "p_pay_30d": rng.random(n),
        "customer_type": rng.choice(types, n),
        "value_tier": rng.choice(["low", "silver", "gold", "diamond"], n),
    })


def test_work_queue_ranks_by_recovery_per_minute(playbook):
    acc = accounts_frame()
    q = co.work_queue(acc, playbook, capacity_minutes=None)
    assert len(q) == len(acc)
    st = load_stages()
    urg = dict(zip(st.names, st.urgency, strict=True))
    # independent score: balance x p x urgency / minutes of the play's channel
    minutes = [playbook["effort_minutes"][playbook["plays"][s][t]["channel"]]
               for s, t in zip(acc["stage"].astype(str), acc["customer_type"], strict=True)]
    ref = acc["balance"] * acc["p_pay_30d"] * acc["stage"].astype(str).map(urg) / minutes
    top = acc.loc[ref.sort_values(ascending=False).index[:10], "customer_id"].tolist()
    assert q["customer_id"].head(10).tolist() == top
    assert (np.diff(q["score"]) <= 1e-12).all()
    assert q["rank"].tolist() == list(range(1, len(q) + 1))
    # each row carries the playbook's action and script
    r = q.iloc[0]
    play = playbook["plays"][str(r["stage"])][r["customer_type"]]
    assert r["channel"] == play["channel"] and r["script_zh"] == play["script_zh"]


def test_work_queue_capacity_and_constraints(playbook):
    acc = accounts_frame()
    q = co.work_queue(acc, playbook, capacity_minutes=120)
    assert q["effort_minutes"].sum() <= 120 and len(q) > 0
    full = co.work_queue(acc, playbook, capacity_minutes=None)
    assert q["customer_id"].tolist() == full["customer_id"].head(len(q)).tolist()
    gold = co.work_queue(acc, playbook, capacity_minutes=None, min_tier="gold")
    assert set(gold["value_tier"]) <= {"gold", "diamond"}
    assert "M0" not in set(co.work_queue(acc, playbook, None, include_current=False)["stage"])
    # ties broken by value tier
    tie = acc.head(2).assign(balance=1000.0, p_pay_30d=0.5, stage="M1",
                             customer_type="cooperative", value_tier=["low", "diamond"])
    assert co.work_queue(tie, playbook, None)["value_tier"].tolist() == ["diamond", "low"]
    assert co.queue_view(acc, playbook, collectors=1, hours=1)["effort_minutes"].sum() <= 60
    with pytest.raises(DataProblem, match="p_pay_30d"):
        co.work_queue(acc.assign(p_pay_30d=np.nan), playbook)
    with pytest.raises(DataProblem, match="min_tier"):
        co.work_queue(acc, playbook, min_tier="platinum")


def test_worked_case_by_hand(playbook):
    acc = pd.DataFrame({"customer_id": ["a", "b", "c"], "balance": [1000.0, 2000.0, 500.0],
                        "p_pay_30d": [0.2, 0.5, 0.9],
                        "stage": ["M1", "M1", "M0"],
                        "customer_type": ["negative", "lapsed", "negative"]})
    case = co.worked_case(acc, playbook)
    base = playbook["plays"]["M1"]["cooperative"]["uplift"]
    neg = playbook["plays"]["M1"]["negative"]["uplift"]
    assert set(case.index) == {"negative", "lapsed"}  # M0 is not overdue
    assert case.loc["negative", "expected_strategy"] == pytest.approx(1000 * (0.2 + neg * 0.8))
    assert case.loc["negative", "expected_baseline"] == pytest.approx(1000 * (0.2 + base * 0.8))
    assert case["share_of_overdue"].sum() == pytest.approx(1.0)
    assert (case["gain"] > 0).all()


def test_role_play_cards_are_masked(playbook):
    acc = accounts_frame(50)
    q = co.work_queue(acc, playbook, None)
    cards = co.role_play_cards(q, playbook, n=4)
    assert len(cards) == 4
    for card in cards:
        assert "Objections to expect" in card and "Goal" in card
        assert not any(cid in card for cid in acc["customer_id"])
    assert co.role_play_cards(q.head(0), playbook) == []


def test_account_timeline_and_view(playbook):
    inv = pd.DataFrame({"invoice_id": ["A", "B"], "customer_id": ["c1", "c1"],
                        "issue_date": pd.to_datetime(["2025-09-01", "2025-10-01"]),
                        "due_date": pd.to_datetime(["2025-10-01", "2025-10-31"]),
                        "amount": [100.0, 200.0]})
    pay = pd.DataFrame({"payment_id": ["p"], "invoice_id": ["A"], "customer_id": ["c1"],
                        "payment_date": pd.to_datetime(["2025-10-20"]), "amount": [100.0]})
    calls = pd.DataFrame({"call_id": ["k"], "customer_id": ["c1"],
                          "started_at": pd.to_datetime(["2025-11-05 10:00"]),
                          "purpose": ["collection"], "outcome": ["promise_to_pay"]})
    tl = co.account_timeline("c1", inv, pay, calls)
    assert tl["date"].is_monotonic_increasing
    assert tl["event"].tolist().count("payment") == 1 and "call" in tl["event"].tolist()
    acc = pd.DataFrame({"customer_id": ["c1"], "stage": ["M2"], "customer_type": ["negative"],
                        "balance": [200.0]})
    view = co.timeline_view("c1", inv, pay, acc, playbook, "2025-12-31", calls)
    assert view["next_action"]["channel"] == playbook["plays"]["M2"]["negative"]["channel"]
    assert view["balance_path"].loc["2025-12-31", "M3"] == 200.0  # 61 days past due
    with pytest.raises(DataProblem, match="no invoices"):
        co.account_timeline("zz", inv, pay)


def test_lifecycle_and_tiers():
    tx = pd.DataFrame({"customer_id": ["a", "b"],
                       "purchase_date": pd.to_datetime(["2025-12-01", "2025-01-01"])})
    life = co.lifecycle_status(tx, "2025-12-31", customers=pd.Index(["a", "b", "c"]))
    assert life.to_dict() == {"a": "active", "b": "lapsed", "c": "lapsed"}
    tiers = co.value_tiers(pd.Series(np.arange(100.0), index=[f"c{i}" for i in range(100)]))
    assert tiers.value_counts().to_dict() == {"low": 50, "silver": 30, "gold": 15, "diamond": 5}
