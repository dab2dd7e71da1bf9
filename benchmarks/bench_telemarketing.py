"""Benchmarks for notebooks 07-08: scoring and queueing 1M leads, a year of calls for 200 agents.

Run manually: ``.venv/bin/python -m pytest benchmarks/bench_telemarketing.py --benchmark-only
-p no:xdist``. Each benchmark also records the peak memory of one run (tracemalloc) in
``extra_info["peak_mb"]``.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from helpers.calls import (
    build_call_queue,
    capacity_view,
    daily_kpis,
    dashboard_view,
    evaluate_alerts,
    fit_and_score,
    gains_table,
    kpi_cube,
    load_kpi_config,
    prepare_calls,
)

N_LEADS = 1_000_000
N_AGENTS = 200
CALLS_PER_AGENT_DAY = 70
WORKDAYS = 250


def _peak_mb(func, *args, **kwargs) -> float:
    tracemalloc.start()
    func(*args, **kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def synthetic_leads(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    spend = rng.gamma(2, 500, n)
    source = rng.choice(["trade_show", "detailed_inquiry", "price_only_inquiry",
                         "search_engine"], n)
    region = rng.choice(["north", "south", "east", "west"], n)
    logit = -2.5 + 0.0007 * spend + (source == "trade_show") * 1.2
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"lead_id": np.char.add("L", np.arange(n).astype(str)), "spend": spend,
                         "source": source, "region": region, "employees": rng.integers(1, 500, n),
                         "order": np.arange(n), "converted": y})


def synthetic_year_of_calls(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2025-01-01", periods=WORKDAYS)
    n = N_AGENTS * CALLS_PER_AGENT_DAY * WORKDAYS
    agent = rng.integers(0, N_AGENTS, n)
    start = (days.values[rng.integers(0, WORKDAYS, n)]
             + (rng.integers(9 * 3600, 18 * 3600, n) * 1_000_000_000).astype("timedelta64[ns]"))
    answered = rng.random(n) < 0.4
    u = rng.random(n)
    outcome = np.where(~answered, "no_answer", np.where(u < 0.15, "sale", np.where(
        u < 0.3, "callback_requested", np.where(u < 0.5, "interested", "refused"))))
    cust = rng.integers(0, 300_000, n)
    calls = pd.DataFrame({
        "call_id": np.arange(n).astype(str), "customer_id": np.char.add("C", cust.astype(str)),
        "agent_id": np.char.add("A", agent.astype(str)), "started_at": start,
        "duration_s": np.where(answered, rng.integers(5, 600, n), 0), "answered": answered,
        "outcome": pd.Categorical(outcome), "purpose": "sales",
        "direction": np.where(rng.random(n) < 0.03, "inbound", "outbound"),
    })
    agents = pd.DataFrame({"agent_id": np.char.add("A", np.arange(N_AGENTS).astype(str)),
                           "team": [f"team{i % 10}" for i in range(N_AGENTS)], "role": "sales"})
    return calls, agents


@pytest.fixture(scope="module")
def leads_1m():
    return synthetic_leads(N_LEADS)


@pytest.fixture(scope="module")
def model(leads_1m):
    return fit_and_score(leads_1m.head(200_000), "converted", "boosting", how="time",
                         order="order")


def test_score_1m_leads(benchmark, leads_1m, model):
    cols = model.features

    def score():
        return model.model.predict_proba(leads_1m[cols])[:, 1]

    p = benchmark.pedantic(score, rounds=2, iterations=1)
    benchmark.extra_info["peak_mb"] = _peak_mb(score)
    assert len(p) == N_LEADS


def test_gains_and_capacity_1m(benchmark, leads_1m):
    scored = leads_1m.assign(score=np.random.default_rng(1).random(N_LEADS))

    def run():
        gains_table(scored["converted"], scored["score"])
        return capacity_view(scored, 14_000, target="converted")

    benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info["peak_mb"] = _peak_mb(run)


def test_queue_1m_leads(benchmark, leads_1m):
    rng = np.random.default_rng(2)
    cand = pd.DataFrame({"customer_id": leads_1m["lead_id"], "score": rng.random(N_LEADS),
                         "tier": rng.choice(["diamond", "gold", "silver", "low"], N_LEADS),
                         "tag": leads_1m["region"]})
    agents = pd.DataFrame({"agent_id": [f"A{i}" for i in range(N_AGENTS)],
                           "team": [["north", "south", "east", "west"][i % 4]
                                    for i in range(N_AGENTS)], "role": "sales"})

    def run():
        return build_call_queue(cand, agents, calls_per_agent=70,
                                day_start="2025-12-31 09:00", sla_minutes={"diamond": 30})

    queue, waiting = benchmark.pedantic(run, rounds=2, iterations=1)
    benchmark.extra_info["peak_mb"] = _peak_mb(run)
    assert len(queue) == N_AGENTS * 70 and len(waiting) == N_LEADS - len(queue)


@pytest.fixture(scope="module")
def year():
    return synthetic_year_of_calls()


@pytest.fixture(scope="module")
def year_cube(year):
    calls, agents = year
    return kpi_cube(prepare_calls(calls, agents))


def test_kpis_and_alerts_one_year_200_agents(benchmark, year):
    calls, agents = year
    cfg = load_kpi_config()

    def run():
        cube = kpi_cube(prepare_calls(calls, agents, config=cfg))
        return evaluate_alerts(daily_kpis(cube, cfg), cfg)

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info["calls"] = len(calls)
    benchmark.extra_info["peak_mb"] = _peak_mb(run)


def test_dashboard_filter_callback(benchmark, year_cube):
    cfg = load_kpi_config()

    def run():
        return dashboard_view(year_cube, team="team3", tier=None, start="2025-03-01",
                              end="2025-09-30", config=cfg)

    view = benchmark(run)
    assert view["n_rows"] > 0
    assert benchmark.stats.stats.median < 0.1, "dashboard callback must stay under 100 ms"


def test_dashboard_unfiltered_callback(benchmark, year_cube):
    cfg = load_kpi_config()
    benchmark(dashboard_view, year_cube, config=cfg)
    assert benchmark.stats.stats.median < 0.1


def test_capacity_widget_callback_100k(benchmark):
    scored = synthetic_leads(100_000).assign(score=np.random.default_rng(3).random(100_000))
    benchmark(capacity_view, scored, 5_000, target="converted")
    assert benchmark.stats.stats.median < 0.1
