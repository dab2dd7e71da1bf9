"""Tests for helpers.value._value_widget: the value widget's pure function."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers.value as v
from helpers.errors import DataProblem
from tests.value.support import RATES


def test_value_view_reacts_to_rates_and_cuts(tiny):
    drivers = v.cost_drivers(tiny)
    base = v.value_view(drivers, cuts=(0.5,), labels=("low", "high"), cost_rates=RATES)
    more = v.value_view(drivers, cuts=(0.5,), labels=("low", "high"), cost_rates=RATES,
                        rate_scale={"service": 2.0})
    pd.testing.assert_frame_equal(base["profit"], v.apply_cost_rates(drivers, RATES))
    assert (more["profit"]["cost_service"] == 2 * base["profit"]["cost_service"]).all()
    assert more["profit"]["profit"].sum() < base["profit"]["profit"].sum()
    assert base["curve"]["customer_share"].iloc[-1] == 1.0
    with pytest.raises(DataProblem, match="section"):
        v.value_view(drivers, cost_rates=RATES, rate_scale={"marketing": 2.0})



def _old_value_view(drivers, cuts, by, rate_scale):
    """The view as computed before issue 11: every part from the drivers on every call."""
    import numpy as np

    from helpers.value._cost_rates import resolve_cost_rates
    from helpers.value._value_widget import _thinned_whale_curve

    rates = resolve_cost_rates(RATES)
    rates = rates.scaled(rate_scale) if rate_scale else rates
    profit = v.apply_cost_rates(drivers, rates)
    tiers = v.assign_tiers(profit[by], cuts=cuts)
    values = profit["profit"].to_numpy()
    return {"profit": profit, "tiers": tiers, "economics": v.tier_economics(profit, tiers),
            "curve": _thinned_whale_curve(np.asarray(values)),
            "summary": v.whale_summary(profit["profit"]) if values.sum() > 0 else None}


def test_value_view_on_prepared_inputs_matches_the_old_computation(tiny, monkeypatch):
    import helpers.value._value_widget as vw

    drivers = v.cost_drivers(tiny)
    # ties in profit and revenue: the ranks' "strictly below" rule is what can go wrong
    drivers = pd.concat([drivers, drivers.set_axis([f"{i}b" for i in drivers.index])])
    bridges = []
    apply = vw.apply_cost_rates
    monkeypatch.setattr(vw, "apply_cost_rates", lambda *a: bridges.append(1) or apply(*a))
    prep = v.ValueInputs(drivers, RATES, keep=2)
    moves = [((0.5, 0.8, 0.95), "profit", None), ((0.3, 0.8, 0.95), "revenue", None),
             ((0.5, 0.6, 0.9), "profit", {"service": 2.0}),
             ((0.2, 0.4, 0.6), "revenue", {"service": 2.0}), ((0.5, 0.8, 0.95), "profit", None),
             ((0.1, 0.5, 0.7), "profit", {"calls": 0.0, "returns": 3.0})]
    for cuts, by, scale in moves:
        got = v.value_view(prep, cuts=cuts, by=by, rate_scale=scale)
        old = _old_value_view(drivers, cuts, by, scale)
        for part in ("profit", "economics", "curve"):
            pd.testing.assert_frame_equal(got[part], old[part])
        pd.testing.assert_series_equal(got["tiers"], old["tiers"])
        assert got["summary"] == old["summary"]
    # one profit bridge per rate choice (three choices; the first was still kept when reused)
    assert len(bridges) == 3
    assert len(prep._by_rates) == 2  # at most `keep` choices are held
