"""Alert rules over the daily series: runs, weekends, thin days, the planted dip."""

from __future__ import annotations

import pandas as pd

from helpers.calls import daily_kpis, evaluate_alerts, kpi_cube, load_kpi_config, prepare_calls
from tests.calls.conftest import AGENTS, TIERS, random_calls

CFG = load_kpi_config()


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
    series.loc[1, "answered"] = CFG.min_answered - 1
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
