"""KPIs, response times, alert rules and the dashboard's pure view, against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.calls.dashboard import (
    daily_kpis,
    dashboard_view,
    evaluate_alerts,
    kpi_cube,
    kpi_table,
    kpis,
    load_kpi_config,
    prepare_calls,
    response_times,
)

CFG = load_kpi_config()


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


@pytest.fixture(scope="module")
def prepared():
    return prepare_calls(random_calls(), AGENTS, TIERS, CFG)


@pytest.fixture(scope="module")
def cube(prepared):
    return kpi_cube(prepared)


def test_kpis_match_plain_pandas(prepared, cube):
    raw = random_calls()
    k = kpis(cube, CFG)
    assert k["dials"] == len(raw)
    assert k["contact_rate"] == pytest.approx(raw["answered"].mean())
    assert k["conversion"] == pytest.approx((raw["outcome"] == "sale").sum() / raw["answered"].sum())
    ans = raw[raw["answered"]]
    assert k["aht_minutes"] == pytest.approx(ans["duration_s"].mean() / 60)
    contact = raw["customer_id"].fillna(raw["lead_id"])
    first = raw.sort_values("started_at").assign(contact=contact).drop_duplicates("contact")
    intent = first["answered"] & first["outcome"].isin(["sale", "interested",
                                                        "callback_requested"])
    assert k["first_call_intent_rate"] == pytest.approx(intent.mean())
    agent_days = raw.assign(d=raw["started_at"].dt.date).drop_duplicates(["d", "agent_id"])
    assert k["calls_per_agent_day"] == pytest.approx(len(raw) / len(agent_days))
    eff = ans.loc[ans["duration_s"] >= CFG["effective_call_seconds"], "duration_s"].sum() / 60
    assert k["effective_talk_minutes_per_agent_day"] == pytest.approx(eff / len(agent_days))
    c = CFG["cost"]
    hours = (len(raw) * c["dial_seconds"] + ans["duration_s"].sum()
             + len(ans) * c["wrap_up_seconds"]) / 3600
    assert k["cost_per_sale"] == pytest.approx(hours * c["cost_per_agent_hour"]
                                               / (raw["outcome"] == "sale").sum())


def test_per_agent_table_sums_to_total(cube):
    table = kpi_table(cube, "agent_id", CFG)
    assert table["dials"].sum() == kpis(cube, CFG)["dials"] and len(table) == 12
    team = kpi_table(cube, "team", CFG).set_index("team")
    assert team.loc["north", "dials"] == table.loc[table["agent_id"].isin(
        AGENTS["agent_id"][:6]), "dials"].sum()


def test_response_time_and_service_level():
    t0 = pd.Timestamp("2025-06-02 10:00")
    calls = pd.DataFrame({
        "call_id": ["1", "2", "3", "4", "5"],
        "customer_id": ["d", "d", "l", "l", "l"],
        "agent_id": "a0",
        "started_at": [t0, t0 + pd.Timedelta(minutes=20), t0, t0 + pd.Timedelta(minutes=5),
                       t0 + pd.Timedelta(hours=30)],
        "duration_s": [60, 60, 60, 30, 60], "answered": True,
        "outcome": ["callback_requested", "sale", "callback_requested", "interested", "sale"],
        "direction": ["outbound", "outbound", "outbound", "inbound", "outbound"],
    })
    tiers = pd.Series({"d": "diamond", "l": "low"})
    p = prepare_calls(calls, AGENTS, tiers, CFG, purpose=None)
    # d: answered after 20 min (SLA 30) -> in time; l: request at t0, the inbound call does not
    # count as a response, next outbound after 30 h (SLA 24 h) -> missed; inbound itself missed
    assert p.set_index("call_id").loc["1", "response_minutes"] == pytest.approx(20)
    assert p.set_index("call_id").loc["3", "response_minutes"] == pytest.approx(30 * 60)
    rt = response_times(p, CFG).set_index("tier")
    assert rt.loc["diamond", "met"] == 1.0 and rt.loc["low", "met"] == 0.0
    assert rt.loc["diamond", "sla_minutes"] == 30


def daily(values, answered=100):
    dates = pd.bdate_range("2025-06-02", periods=len(values))
    return pd.DataFrame({"date": dates, "answered": answered, "conversion": values})


def test_alert_fires_on_every_run_with_its_dates():
    series = daily([0.2, 0.08, 0.09, 0.05, 0.2, 0.08, 0.09, 0.2, 0.09, 0.09, 0.09, 0.09])
    rule = [{"name": "low", "metric": "conversion", "op": "<", "threshold": 0.1, "days": 3,
             "message": "m"}]
    fired = evaluate_alerts(series, CFG, rules=rule)
    assert len(fired) == 2  # the two-day run (days 6-7) does not fire
    first, second = fired.iloc[0], fired.iloc[1]
    assert first["dates"] == ["2025-06-03", "2025-06-04", "2025-06-05"]
    assert first["fired_on"] == pd.Timestamp("2025-06-05") and first["worst"] == 0.05
    # a weekend without calls does not break a run (Thu, Fri, Mon, Tue); it fires on Monday
    assert second["dates"] == ["2025-06-12", "2025-06-13", "2025-06-16", "2025-06-17"]
    assert second["n_days"] == 4 and second["fired_on"] == pd.Timestamp("2025-06-16")


def test_alert_ignores_days_with_too_few_calls():
    series = daily([0.05, 0.05, 0.05])
    series.loc[1, "answered"] = CFG["min_answered"] - 1
    rule = [{"name": "low", "metric": "conversion", "op": "<", "threshold": 0.1, "days": 3,
             "message": "m"}]
    assert evaluate_alerts(series, CFG, rules=rule).empty


def test_planted_dip_is_found_in_a_call_log():
    dip = ["2025-06-10", "2025-06-11", "2025-06-12"]
    cube = kpi_cube(prepare_calls(random_calls(dip=dip), AGENTS, TIERS, CFG))
    d = daily_kpis(cube, CFG)
    fired = evaluate_alerts(d, CFG)
    low = fired.loc[fired["rule"] == "low_conversion"]
    assert len(low) == 1 and low["dates"].iloc[0] == dip


def test_dashboard_view_filters_like_plain_pandas(prepared, cube):
    view = dashboard_view(cube, team="south", tier="diamond", start="2025-05-10",
                          end="2025-05-31", config=CFG)
    p = prepared
    sel = p[(p["team"] == "south") & (p["tier"] == "diamond")
            & (p["date"] >= "2025-05-10") & (p["date"] <= "2025-05-31")]
    assert view["kpis"]["dials"] == len(sel)
    assert view["kpis"]["conversion"] == pytest.approx(sel["sale"].sum() / sel["answered"].sum())
    assert set(view["agents"]["agent_id"]) <= set(AGENTS["agent_id"][6:])
    assert view["daily"]["date"].between("2025-05-10", "2025-05-31").all()
    with pytest.raises(ValueError, match="team 'west' does not occur"):
        dashboard_view(cube, team="west", config=CFG)
    with pytest.raises(ValueError, match="after end"):
        dashboard_view(cube, start="2025-06-01", end="2025-05-01", config=CFG)
    empty = dashboard_view(cube, start="2030-01-01", config=CFG)
    assert empty["n_rows"] == 0 and empty["kpis"] == {}


def test_no_sales_gives_none_not_nan():
    calls = random_calls(500).assign(outcome="refused")
    k = kpis(kpi_cube(prepare_calls(calls, AGENTS, config=CFG)), CFG)
    assert k["cost_per_sale"] is None and k["conversion"] == 0.0


def test_agents_missing_from_agent_table_is_a_clear_error():
    calls = random_calls(100)
    calls.loc[5, "agent_id"] = "ghost"
    with pytest.raises(ValueError, match="ghost"):
        prepare_calls(calls, AGENTS, config=CFG)


def test_config_validation(tmp_path):
    raw = yaml.safe_load(open(CFG["file"], encoding="utf-8"))
    raw["alerts"][0]["metric"] = "happiness"
    path = tmp_path / "kpi.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match=r"kpi.yaml: alerts\[0\].metric 'happiness'"):
        load_kpi_config(path)
    raw = yaml.safe_load(open(CFG["file"], encoding="utf-8"))
    raw["cost"]["cost_per_agent_hour"] = "sixty"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="cost.cost_per_agent_hour"):
        load_kpi_config(path)
