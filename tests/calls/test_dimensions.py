"""Usage scenario, consumption behaviour and the lapse-risk score."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.calls import (
    consumption_behaviour,
    interaction_profile,
    lapse_risk,
    load_response_config,
    usage_scenario,
)
from tests.calls.conftest import AS_OF


def test_lapse_risk_points_and_levels(calls):
    prof = interaction_profile(calls, AS_OF).reindex(["c1", "c2", "c3"])
    last_purchase = pd.Series(pd.to_datetime(["2025-12-20", "2025-03-01"]), index=["c1", "c2"])
    sc = pd.DataFrame({"customer_id": ["c2", "c2", "c1"],
                       "contacted_at": pd.to_datetime(["2025-12-01", "2025-11-15", "2024-01-01"]),
                       "kind": ["complaint", "complaint", "complaint"],
                       "resolved": [False, True, False]})
    risk = lapse_risk(prof, AS_OF, last_purchase, sc)
    pts = load_response_config().lapse_risk.points
    # c2: no purchase in 90 and 180 days, refuses, a recent complaint left unresolved
    assert risk.loc["c2", "risk_score"] == pytest.approx(
        pts.no_purchase_90_days + pts.no_purchase_180_days + pts.mostly_refuses
        + pts.recent_complaint + pts.unresolved_complaint)
    assert risk.loc["c2", "risk_level"] == "high"
    # c1: bought 11 days ago, old complaint only -> 0
    assert risk.loc["c1", "risk_score"] == 0 and risk.loc["c1", "risk_level"] == "low"
    # c3: never bought + rarely answers (1 answer in 4 dials); one refusal is not "mostly"
    assert risk.loc["c3", "risk_score"] == pytest.approx(
        pts.no_purchase_90_days + pts.no_purchase_180_days + pts.rarely_answers)
    assert risk.loc["c3", ["mostly_refuses", "recent_complaint"]].sum() == 0
    assert risk["action"].notna().all()
    assert risk.loc["c2", "action"] == load_response_config().lapse_risk.actions.high


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
    with pytest.raises(ValueError, match="rows without a number"):
        consumption_behaviour(summary.assign(n_orders=[1, None, 2, 3]))
