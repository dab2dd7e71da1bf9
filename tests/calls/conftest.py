"""Hand-made call logs shared by the lesson 07-08 tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.calls import kpi_cube, load_kpi_config, prepare_calls

AS_OF = pd.Timestamp("2025-12-31")


def call(cid, cust, day, outcome, dur=0, agent="A1", hour=10, direction="outbound"):
    """One call ``day`` days before AS_OF."""
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


@pytest.fixture
def agents():
    return pd.DataFrame({"agent_id": ["a1", "a2", "a3", "x9"],
                         "team": ["north", "north", "south", "south"],
                         "role": ["sales", "sales", "sales", "collection"]})


# ---- a synthetic call log for the KPI, alert and dashboard tests

def random_calls(n=20_000, n_agents=12, days=60, seed=0, dip=()):
    rng = np.random.default_rng(seed)
    day = rng.integers(0, days, n)
    start = (pd.Timestamp("2025-05-01") + pd.to_timedelta(day, unit="D")
             + pd.to_timedelta(rng.integers(9 * 3600, 18 * 3600, n), unit="s"))
    answered = rng.random(n) < 0.45
    p_sale = np.where(np.isin(start.normalize(), pd.to_datetime(list(dip))), 0.04, 0.18)
    u = rng.random(n)
    outcome = np.where(~answered, "no_answer",
                       np.where(u < p_sale, "sale",
                                np.where(u < p_sale + 0.15, "callback_requested",
                                         np.where(u < p_sale + 0.4, "interested", "refused"))))
    cust = rng.integers(0, 3000, n)
    return pd.DataFrame({
        "call_id": [f"k{i}" for i in range(n)],
        "customer_id": np.where(cust < 2500, pd.Series(cust).map("c{}".format), None),
        "lead_id": np.where(cust >= 2500, pd.Series(cust).map("l{}".format), None),
        "agent_id": [f"a{i}" for i in rng.integers(0, n_agents, n)],
        "started_at": start, "duration_s": np.where(answered, rng.integers(5, 600, n), 0),
        "answered": answered, "outcome": outcome, "purpose": "sales",
        "direction": np.where(rng.random(n) < 0.05, "inbound", "outbound"),
    })


AGENTS = pd.DataFrame({"agent_id": [f"a{i}" for i in range(12)],
                       "team": ["north"] * 6 + ["south"] * 6})
TIERS = pd.Series(np.where(np.arange(2500) % 10 == 0, "diamond", "low"),
                  index=[f"c{i}" for i in range(2500)])


@pytest.fixture(scope="session")
def prepared():
    return prepare_calls(random_calls(), AGENTS, TIERS, load_kpi_config())


@pytest.fixture(scope="session")
def cube(prepared):
    return kpi_cube(prepared)
