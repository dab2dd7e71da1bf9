"""KPIs and response times against plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.calls import kpi_cube, kpi_table, kpis, load_kpi_config, prepare_calls, response_times
from tests.calls.conftest import AGENTS, random_calls

CFG = load_kpi_config()


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
    eff = ans.loc[ans["duration_s"] >= CFG.effective_call_seconds, "duration_s"].sum() / 60
    assert k["effective_talk_minutes_per_agent_day"] == pytest.approx(eff / len(agent_days))
    c = CFG.cost
    hours = (len(raw) * c.dial_seconds + ans["duration_s"].sum()
             + len(ans) * c.wrap_up_seconds) / 3600
    assert k["cost_per_sale"] == pytest.approx(hours * c.cost_per_agent_hour
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


def test_no_sales_gives_none_not_nan():
    calls = random_calls(500).assign(outcome="refused")
    k = kpis(kpi_cube(prepare_calls(calls, AGENTS, config=CFG)), CFG)
    assert k["cost_per_sale"] is None and k["conversion"] == 0.0


def test_agents_missing_from_agent_table_is_a_clear_error():
    calls = random_calls(100)
    calls.loc[5, "agent_id"] = "ghost"
    with pytest.raises(ValueError, match="ghost"):
        prepare_calls(calls, AGENTS, config=CFG)


def test_without_agents_or_tiers_every_call_is_team_all_and_tier_all():
    """An analyst's call log alone: agents from the calls, one team, tier 'all' (not 'low');
    calls to leads stay 'lead' (that much the log says)."""
    calls = random_calls(300)
    p = prepare_calls(calls, None, None, CFG, default_tier="all")
    assert set(p["team"]) == {"all"}
    assert set(p.loc[p["customer_id"].notna(), "tier"]) == {"all"}
    assert set(p.loc[p["customer_id"].isna(), "tier"]) == {"lead"}
    assert sorted(p["agent_id"].unique()) == sorted(calls["agent_id"].unique())
    # call-backs are held to the low tier's limit, the loosest
    assert CFG.sla_minutes()["all"] == CFG.service_levels_minutes["low"]
    k = kpis(kpi_cube(p), CFG)
    assert k["dials"] == len(calls)
    assert k["conversion"] == pytest.approx((calls["outcome"] == "sale").sum()
                                            / calls["answered"].sum())
    # the default keeps the course's behaviour: customers without a tier are 'low', leads 'lead'
    q = prepare_calls(calls, AGENTS, None, CFG)
    assert set(q.loc[q["customer_id"].notna(), "tier"]) == {"low"}
    assert set(q.loc[q["customer_id"].isna(), "tier"]) == {"lead"}


def test_a_log_naming_no_contact_is_not_all_leads():
    """No customer_id and no lead_id column: tiers are the default, never 'lead'."""
    calls = random_calls(200).drop(columns=["customer_id", "lead_id"])
    p = prepare_calls(calls, None, pd.Series({"x": "gold"}), CFG, purpose=None,
                      default_tier="all")
    assert set(p["tier"]) == {"all"} and p["contact"].is_unique
