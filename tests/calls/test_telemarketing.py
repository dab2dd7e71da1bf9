"""Response classes, lapse risk, best time to call and the call queue, on hand-made call logs."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from helpers.calls.telemarketing import (
    build_call_queue,
    call_schedule,
    classify_response,
    consumption_behaviour,
    contact_rates_by_time,
    interaction_profile,
    lapse_risk,
    load_response_config,
    usage_scenario,
    validate_calls,
)

AS_OF = pd.Timestamp("2025-12-31")


def call(cid, cust, day, outcome, dur=0, agent="A1", hour=10, direction="outbound"):
    answered = outcome not in ("no_answer", "wrong_number")
    start = AS_OF - pd.Timedelta(days=day) + pd.Timedelta(hours=hour)
    return {"call_id": cid, "customer_id": cust, "agent_id": agent, "started_at": start,
            "ended_at": start + pd.Timedelta(seconds=dur + 20), "duration_s": dur if answered
            else 0, "answered": answered, "outcome": outcome, "purpose": "sales",
            "direction": direction}


@pytest.fixture
def calls():
    rows = [
        # c1 engaged: answers 3 of 3, interested twice
        call("k1", "c1", 40, "interested", 300), call("k2", "c1", 30, "interested", 200),
        call("k3", "c1", 20, "sale", 400),
        # c2 refuser: answers and refuses
        call("k4", "c2", 50, "refused", 20), call("k5", "c2", 40, "not_interested", 30),
        call("k6", "c2", 30, "refused", 15),
        # c3 hard to reach: 4 dials, 1 answer
        call("k7", "c3", 60, "no_answer"), call("k8", "c3", 50, "no_answer"),
        call("k9", "c3", 40, "no_answer"), call("k10", "c3", 30, "not_interested", 60),
        # c4 hesitant, but asked for a call-back 5 days ago -> urgent
        call("k11", "c4", 90, "no_answer"), call("k12", "c4", 5, "callback_requested", 90),
        # c5: only an old call outside the 180-day window
        call("k13", "c5", 400, "sale", 100),
    ]
    return pd.DataFrame(rows)


def test_profile_matches_plain_pandas(calls):
    prof = interaction_profile(calls, AS_OF, window_days=180)
    inside = calls[calls["started_at"] > AS_OF - pd.Timedelta(days=180)]
    expected_rate = inside.groupby("customer_id")["answered"].mean()
    pd.testing.assert_series_equal(prof["answer_rate"], expected_rate, check_names=False)
    assert "c5" not in prof.index
    assert prof.loc["c2", "refusal_share"] == 1.0
    assert prof.loc["c1", "mean_talk_s"] == pytest.approx(300)
    assert prof.loc["c3", "positive_share"] == 0.0 and prof.loc["c4", "callbacks"] == 1
    assert not prof[["answer_rate", "mean_talk_s", "refusal_share"]].isna().any().any()


def test_response_classes_urgency_and_plan(calls):
    prof = interaction_profile(calls, AS_OF)
    out = classify_response(prof, AS_OF, customers=pd.Series(["c1", "c2", "c3", "c4", "c9"]))
    cls = out["response_class"].to_dict()
    assert cls == {"c1": "engaged", "c2": "refuser", "c3": "hard_to_reach", "c4": "hesitant",
                   "c9": "not_yet_called"}
    assert out.loc["c4", "urgency"] == "urgent" and out.loc["c1", "urgency"] == "wait_and_see"
    cfg = load_response_config()
    assert out.loc["c4", "contact_every_days"] == cfg["urgency"]["urgent_contact_every_days"]
    assert out.loc["c2", "contact_every_days"] == 90 and "email" in out.loc["c2", "channel"]
    # next contact: last call + interval, never in the past
    assert out.loc["c1", "next_contact"] == (AS_OF - pd.Timedelta(days=20)
                                             + pd.Timedelta(days=7)).normalize() or \
        out.loc["c1", "next_contact"] == AS_OF
    assert (out["next_contact"] >= AS_OF.normalize()).all()
    assert out.loc["c9", "n_calls"] == 0 and not out["response_class"].isna().any()


def test_config_errors_name_file_and_key(tmp_path):
    good = yaml.safe_load(open(load_response_config()["_file"], encoding="utf-8"))
    bad = dict(good, classes=[*good["classes"][:-1]])
    path = tmp_path / "rc.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="must have no conditions"):
        load_response_config(path)
    bad = dict(good)
    bad["classes"] = [dict(good["classes"][0], when={"answer_rate": "about half"}),
                      good["classes"][-1]]
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ValueError, match=r"rc.yaml: classes\[0\].when.answer_rate"):
        load_response_config(path)
    bad = {k: v for k, v in good.items() if k != "urgency"}
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="'urgency' is missing"):
        load_response_config(path)


@pytest.mark.parametrize("column,value,needle", [
    ("ended_at", AS_OF - pd.Timedelta(days=400), "end before start"),
    ("duration_s", -5, "negative duration"),
    ("outcome", "maybe", "unknown outcome"),
    ("agent_id", None, "agent missing"),
])
def test_bad_calls_get_a_clear_message(calls, column, value, needle):
    bad = calls.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[3, column] = value
    with pytest.raises(ValueError, match=needle) as info:
        validate_calls(bad)
    assert "k4" in str(info.value) and "Fix:" in str(info.value)
    with pytest.warns(UserWarning, match="dropped 1 of 13"):
        kept = validate_calls(bad, errors="drop")
    assert "k4" not in set(kept["call_id"]) and len(kept) == 12


def test_agents_not_in_agent_table(calls):
    agents = pd.DataFrame({"agent_id": ["A2"], "team": ["t"]})
    with pytest.raises(ValueError, match="agent missing"):
        validate_calls(calls, agents)
    assert validate_calls(calls, pd.DataFrame({"agent_id": ["A1"]})) is calls


def test_lapse_risk_points_and_levels(calls):
    prof = interaction_profile(calls, AS_OF).reindex(["c1", "c2", "c3"])
    last_purchase = pd.Series(pd.to_datetime(["2025-12-20", "2025-03-01"]), index=["c1", "c2"])
    sc = pd.DataFrame({"customer_id": ["c2", "c2", "c1"],
                       "contacted_at": pd.to_datetime(["2025-12-01", "2025-11-15", "2024-01-01"]),
                       "kind": ["complaint", "complaint", "complaint"],
                       "resolved": [False, True, False]})
    risk = lapse_risk(prof, AS_OF, last_purchase, sc)
    pts = load_response_config()["lapse_risk"]["points"]
    # c2: no purchase in 90 and 180 days, refuses, a recent complaint left unresolved
    assert risk.loc["c2", "risk_score"] == pytest.approx(
        pts["no_purchase_90_days"] + pts["no_purchase_180_days"] + pts["mostly_refuses"]
        + pts["recent_complaint"] + pts["unresolved_complaint"])
    assert risk.loc["c2", "risk_level"] == "high"
    # c1: bought 11 days ago, old complaint only -> 0
    assert risk.loc["c1", "risk_score"] == 0 and risk.loc["c1", "risk_level"] == "low"
    # c3: never bought + rarely answers (1 answer in 4 dials); one refusal is not "mostly"
    assert risk.loc["c3", "risk_score"] == pytest.approx(
        pts["no_purchase_90_days"] + pts["no_purchase_180_days"] + pts["rarely_answers"])
    assert risk.loc["c3", ["mostly_refuses", "recent_complaint"]].sum() == 0
    assert risk["action"].notna().all()


def test_rates_by_time_use_wilson_intervals():
    rng = np.random.default_rng(0)
    n = 3000
    start = pd.Timestamp("2025-03-03") + pd.to_timedelta(rng.integers(0, 28, n), unit="D") \
        + pd.to_timedelta(rng.integers(9, 18, n), unit="h")
    hour = start.hour.to_numpy()
    answered = rng.random(n) < np.where(hour >= 16, 0.6, 0.3)
    sale = answered & (rng.random(n) < 0.2)
    calls = pd.DataFrame({"started_at": start, "answered": answered,
                          "outcome": np.where(sale, "sale", np.where(answered, "refused",
                                                                     "no_answer")),
                          "purpose": "sales"})
    rates = contact_rates_by_time(calls, by=("hour",))
    row = rates.set_index("hour").loc[16]
    ci = stats.binomtest(int(row["answered"]), int(row["dials"])).proportion_ci(method="wilson")
    assert row["answer_low"] == pytest.approx(ci.low) and row["answer_high"] == pytest.approx(
        ci.high)
    assert rates["dials"].sum() == n
    full = contact_rates_by_time(calls)
    sched = call_schedule(full, hours_per_day=2, min_dials=10, metric="answer_rate")
    assert (sched.groupby("weekday", observed=True).size() <= 2).all()
    assert (sched["hour"] >= 16).mean() > 0.8
    with pytest.raises(ValueError, match="min_dials"):
        call_schedule(full, min_dials=10_000)


def test_usage_scenario_and_consumption_behaviour():
    cust = pd.DataFrame({"customer_id": ["a", "b"], "customer_kind": ["individual",
                                                                      "organisation"]})
    assert usage_scenario(cust).to_dict() == {"a": "personal", "b": "business"}
    with pytest.raises(ValueError, match="customer_kind"):
        usage_scenario(cust.assign(customer_kind=["person", "organisation"]))
    summary = pd.DataFrame({"n_orders": [1, 10, 2, 12], "monetary_total": [50, 20, 900, 800]},
                           index=list("wxyz"))
    assert consumption_behaviour(summary).to_dict() == {
        "w": "low_freq_low_value", "x": "high_freq_low_value", "y": "low_freq_high_value",
        "z": "high_freq_high_value"}


@pytest.fixture
def agents():
    return pd.DataFrame({"agent_id": ["a1", "a2", "a3", "x9"],
                         "team": ["north", "north", "south", "south"],
                         "role": ["sales", "sales", "sales", "collection"]})


def test_queue_puts_high_tiers_first_and_respects_capacity(agents):
    n = 40
    cand = pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)],
                         "score": np.linspace(0, 1, n),
                         "tier": ["diamond" if i % 10 == 0 else "low" for i in range(n)],
                         "tag": ["north" if i % 2 else "south" for i in range(n)]})
    q = build_call_queue(cand, agents, calls_per_agent=5, day_start="2025-12-31 09:00",
                         sla_minutes={"diamond": 30})
    assert len(q) <= 15 and q["agent_id"].notna().all() and set(q["agent_id"]) <= {"a1", "a2",
                                                                                  "a3"}
    assert q.groupby("agent_id").size().max() <= 5
    # all diamond customers are queued and come first overall
    assert set(cand.loc[cand["tier"] == "diamond", "customer_id"]) <= set(q["customer_id"])
    assert (q["tier"].head(4) == "diamond").all()
    # tag routing: south customers go to the only south sales agent
    assert (q.loc[q["tag"] == "south", "agent_id"] == "a3").all()
    assert q.loc[q["tier"] == "diamond", "within_sla"].all()
    assert q.attrs["unqueued"] == n - len(q)


def test_queue_capacity_larger_than_list_warns_and_queues_everyone(agents):
    cand = pd.DataFrame({"customer_id": ["a", "b", "c"], "score": [0.1, 0.9, 0.5]})
    with pytest.warns(UserWarning, match="larger than the 3 candidates"):
        q = build_call_queue(cand, agents, calls_per_agent=20, capacity=50)
    assert list(q["customer_id"]) == ["b", "c", "a"] and q.attrs["unqueued"] == 0


def test_queue_bad_input(agents):
    cand = pd.DataFrame({"customer_id": ["a", "a"], "score": [0.1, 0.2]})
    with pytest.raises(ValueError, match="repeats"):
        build_call_queue(cand, agents)
    with pytest.raises(ValueError, match="without a number in 'score'"):
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [None]}), agents)
    with pytest.raises(ValueError, match="no sales agents"):
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [1.0]}),
                         agents.assign(role="service"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [1.0]}), agents)
