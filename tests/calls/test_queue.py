"""The day's call queue: tiers first, routing by tag, capacity, and who waits for tomorrow."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.calls import (
    build_call_queue,
    classify_response,
    interaction_profile,
    queue_candidates,
    routing_tags,
)
from tests.calls.conftest import AS_OF


def test_queue_puts_high_tiers_first_and_respects_capacity(agents):
    n = 40
    cand = pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)],
                         "score": np.linspace(0, 1, n),
                         "tier": ["diamond" if i % 10 == 0 else "low" for i in range(n)],
                         "tag": ["north" if i % 2 else "south" for i in range(n)]})
    q, waiting = build_call_queue(cand, agents, calls_per_agent=5, day_start="2025-12-31 09:00",
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
    # everyone not queued waits, once, with the candidates' own columns
    assert len(waiting) == n - len(q)
    assert set(waiting["customer_id"]) | set(q["customer_id"]) == set(cand["customer_id"])
    assert list(waiting.columns) == list(cand.columns)


def test_queue_capacity_larger_than_list_warns_and_queues_everyone(agents):
    cand = pd.DataFrame({"customer_id": ["a", "b", "c"], "score": [0.1, 0.9, 0.5]})
    with pytest.warns(UserWarning, match="larger than the 3 candidates"):
        q, waiting = build_call_queue(cand, agents, calls_per_agent=20, capacity=50)
    assert list(q["customer_id"]) == ["b", "c", "a"] and waiting.empty


def test_queue_bad_input(agents):
    cand = pd.DataFrame({"customer_id": ["a", "a"], "score": [0.1, 0.2]})
    with pytest.raises(ValueError, match="repeats"):
        build_call_queue(cand, agents)
    with pytest.raises(ValueError, match="without a number in 'score'"):
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [None]}), agents)
    with pytest.raises(ValueError, match="no sales agents"):
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [1.0]}),
                         agents.assign(role="service"))
    with pytest.raises(ValueError, match="calls_per_agent must be positive"):
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [1.0]}), agents,
                         calls_per_agent=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_call_queue(pd.DataFrame({"customer_id": ["a"], "score": [1.0]}), agents)


def test_candidates_and_routing_tags(calls):
    classified = classify_response(interaction_profile(calls, AS_OF), AS_OF,
                                   customers=pd.Series(["c1", "c2", "c3", "c4", "c9"]))
    customers = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4", "c9"],
                              "province": ["上海市", "广东省", "西藏自治区", "北京市", "浙江省"]})
    tags = routing_tags(customers)
    assert tags.to_dict()["c1"] == "Sales East" and pd.isna(tags["c3"])
    consent = pd.Series({"c9": False})
    cand = queue_candidates(classified, AS_OF + pd.Timedelta(days=30), tags=tags,
                            consent=consent)
    # c2 (refuser) is contacted by email/SMS only; c9 refused consent
    assert "c2" not in set(cand["customer_id"]) and "c9" not in set(cand["customer_id"])
    urgent = cand.set_index("customer_id").loc["c4"]
    assert urgent["urgency"] == "urgent" and urgent["score"] >= 2
