"""The dashboard's pure view, against plain pandas."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

from helpers.calls import (
    dashboard_view,
    explore_capacity,
    explore_dashboard,
    explore_recommender,
    load_kpi_config,
)
from tests.calls.conftest import AGENTS

CFG = load_kpi_config()


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
    with pytest.raises(ValueError, match="'from' 2025-06-01 is after 'to' 2025-05-01"):
        dashboard_view(cube, start="2025-06-01", end="2025-05-01", config=CFG)
    empty = dashboard_view(cube, start="2030-01-01", config=CFG)
    assert empty["n_rows"] == 0 and empty["kpis"] == {}


def test_widgets_build_and_draw(cube):
    board = explore_dashboard(cube, CFG)
    assert isinstance(board, w.Widget) and "contact rate" in board.children[2].value
    board.children[0].children[0].value = "south"  # the team filter redraws the cards
    assert "contact rate" in board.children[2].value
    recommender = explore_recommender()
    assert isinstance(recommender, w.Widget) and "obj_price" in recommender.children[1].value
    scored = pd.DataFrame({"score": np.linspace(0.9, 0.1, 50), "converted": [1, 0] * 25})
    assert isinstance(explore_capacity(scored, target="converted"), w.Widget)


def test_a_filter_problem_clears_the_stale_cards_chart_and_tables(cube):
    board = explore_dashboard(cube, CFG)
    start, end, chart = board.children[1].children
    chart.value = "contact_rate"  # the chart's KPI is a choice too
    cards, out = board.children[2], board.children[3]
    cleared: list[bool] = []  # outside a kernel an Output captures nothing: record the clearing
    out.clear_output = lambda wait=False: cleared.append(wait)
    assert "kpi-card" in cards.value  # the first render
    end.value = "2025-05-01"
    start.value = "2025-06-01"  # 'from' after 'to'
    assert "is after" in cards.value and "kpi-card" not in cards.value
    assert cleared[-1] is False  # cleared at once: no stale chart or table beside the message
    start.value = "01/05/2025x"
    assert "YYYY-MM-DD" in cards.value and cleared[-1] is False
    start.value = "2025-04-01"  # fixed: everything is back
    assert "kpi-card" in cards.value and cleared[-1] is True  # redrawn (cleared on the next draw)


def test_a_log_without_teams_or_tiers_lists_all_once():
    from helpers.calls import kpi_cube, prepare_calls
    from tests.calls.conftest import random_calls

    calls = random_calls(400).drop(columns="lead_id")  # a log naming customers only
    cube = kpi_cube(prepare_calls(calls, None, None, CFG, default_tier="all"))
    board = explore_dashboard(cube, CFG)
    team, agent, tier = board.children[0].children
    assert [v for _, v in team.options] == ["all"] == [v for _, v in tier.options]
    assert len(agent.options) == 1 + cube["agent_id"].nunique()
    assert "contact rate" in board.children[2].value


def _same_view(got, want):
    assert got["kpis"] == want["kpis"] and got["n_rows"] == want["n_rows"]
    for part in ("daily", "agents", "alerts"):
        pd.testing.assert_frame_equal(got[part], want[part], check_exact=True)


@pytest.mark.parametrize("filters", [
    {}, {"team": "south"}, {"tier": "diamond", "start": "2025-05-10", "end": "2025-05-31"},
    {"agent": "A07"}, {"team": "north", "tier": "low", "start": "2025-06-01"},
    {"start": "2030-01-01"}])
def test_dashboard_on_prepared_inputs_is_the_plain_view(cube, filters):
    from helpers.calls import DashboardInputs

    prep = DashboardInputs(cube)
    assert prep.exact  # counts and whole seconds: summed from the arrays
    if "agent" in filters and filters["agent"] not in cube["agent_id"].cat.categories:
        filters = {**filters, "agent": str(cube["agent_id"].cat.categories[3])}
    _same_view(dashboard_view(prep, **filters, config=CFG),
               dashboard_view(cube, **filters, config=CFG))


def test_dashboard_with_fractional_seconds_is_summed_by_pandas(cube):
    from helpers.calls import DashboardInputs

    odd = cube.assign(talk_s=cube["talk_s"] + 0.1)
    prep = DashboardInputs(odd)
    assert not prep.exact
    _same_view(dashboard_view(prep, team="south", config=CFG),
               dashboard_view(odd, team="south", config=CFG))
