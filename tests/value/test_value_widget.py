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
    bridge = vw.ValueInputs._bridge
    monkeypatch.setattr(vw.ValueInputs, "_bridge",
                        lambda self, rates: bridges.append(1) or bridge(self, rates))
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


def _drivers(n=3000, seed=5):
    import numpy as np

    rng = np.random.default_rng(seed)
    cols = ["service_minutes", "n_inquiry", "n_technical_support", "n_return_request",
            "complaint_minutes", "n_complaint", "n_calls", "call_minutes", "n_returns",
            "n_late_invoices", "late_amount_days", "n_collection_calls", "collection_minutes"]
    d = pd.DataFrame({c: rng.poisson(3, n) for c in cols}, index=[f"C{i}" for i in range(n)])
    d["revenue"] = rng.gamma(1.2, 5000, n)
    d["discounts"] = rng.gamma(1, 100, n)
    d["returns"] = rng.gamma(0.3, 200, n)
    d["cogs_known"] = d["revenue"] * rng.uniform(0.3, 0.9, n)
    d["cogs_unknown_sales"] = np.where(rng.random(n) < 0.2, d["revenue"], 0.0)
    d["n_orders"] = rng.poisson(8, n)
    d["doubtful_balance"] = rng.gamma(0.1, 1000, n)
    return d


@pytest.mark.parametrize("drop", [(), ("n_orders",), ("doubtful_balance", "n_orders")])
@pytest.mark.parametrize("scale", [None, {"service": 1.75, "late_payment": 0.25},
                                   {"calls": 0.0, "returns": 3.0}])
def test_profit_bridge_on_arrays_is_apply_cost_rates_to_the_last_bit(drop, scale):
    from helpers.value._value_widget import _driver_arrays, _profit_bridge

    drivers = _drivers().drop(columns=list(drop))
    rates = v.load_cost_rates()
    rates = rates.scaled(scale) if scale else rates
    arrays = _driver_arrays(drivers)
    assert arrays is not None  # the fast path is taken
    pd.testing.assert_frame_equal(_profit_bridge(arrays, rates, drivers.index),
                                  v.apply_cost_rates(drivers, rates), check_exact=True)


def test_profit_bridge_falls_back_where_arrays_would_differ():
    from helpers.value._value_widget import _driver_arrays

    drivers = _drivers(200)
    assert _driver_arrays(drivers.assign(revenue=drivers["revenue"].round().astype(int))) is None
    nan = drivers.copy()
    nan.iloc[3, nan.columns.get_loc("call_minutes")] = float("nan")  # pandas sums it as 0
    assert _driver_arrays(nan) is None
    assert _driver_arrays(drivers.drop(columns=["n_calls"])) is None
    prep = v.ValueInputs(nan)
    pd.testing.assert_frame_equal(v.value_view(prep)["profit"], v.apply_cost_rates(nan))


@pytest.mark.parametrize("n", [1, 7, 10, 5000])
def test_quantile_levels_are_assign_tiers_rule(n):
    import numpy as np

    from helpers.value._value_widget import _quantile_levels

    x = np.random.default_rng(n).integers(-20, 20, n).astype(float)  # many ties
    below = np.searchsorted(np.sort(x), x, side="left") / n
    # cuts on exact multiples of 1/n, just beside them, and ties spanning a cut
    for cuts in [(0.3, 0.6, 0.9), (0.1, 0.2, 0.7), (1e-9, 0.5, 1 - 1e-9), (0.5,),
                 (0.2 - 1e-12, 0.2, 0.2 + 1e-12)]:
        want = np.searchsorted(np.asarray(cuts), below, side="right")
        np.testing.assert_array_equal(_quantile_levels(x, np.sort(x), cuts), want)


def test_tier_economics_by_bincount_is_the_group_by():
    from helpers.value._value_widget import _tier_economics

    profit = v.apply_cost_rates(_drivers())
    # the top tier stays empty: it must still be listed, with zeros
    tiers = v.assign_tiers(profit["profit"], cuts=(0.3, 0.6, 1e9), method="fixed")
    got, want = _tier_economics(profit, tiers), v.tier_economics(profit, tiers)
    assert want.loc["diamond", "customers"] == 0
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)


def test_a_callers_changes_to_a_view_never_reach_the_next_one():
    prep = v.ValueInputs(_drivers(500))
    first = v.value_view(prep)
    want, want_curve = first["profit"].copy(), first["curve"].copy()
    first["profit"].loc[:, "profit"] = 0.0
    first["profit"]["extra"] = 1.0
    first["curve"].iloc[:, 1] = -1.0
    again = v.value_view(prep)
    pd.testing.assert_frame_equal(again["profit"], want, check_exact=True)
    pd.testing.assert_frame_equal(again["curve"], want_curve, check_exact=True)
    assert "extra" not in again["profit"].columns


@pytest.mark.parametrize("nan", [False, True])
def test_a_lean_view_is_the_full_views_drawn_columns(nan):
    from helpers.value._value_widget import LEAN_COLUMNS

    drivers = _drivers(800)
    if nan:  # the fallback through apply_cost_rates
        drivers.iloc[5, drivers.columns.get_loc("call_minutes")] = float("nan")
    full, lean = v.ValueInputs(drivers, RATES), v.ValueInputs(drivers, RATES, lean=True)
    for scale in [None, {"service": 2.0}, {"calls": 0.5, "returns": 3.0}, None]:
        a = v.value_view(full, cuts=(0.4, 0.7, 0.9), rate_scale=scale)
        b = v.value_view(lean, cuts=(0.4, 0.7, 0.9), rate_scale=scale)
        assert list(b["profit"].columns) == list(LEAN_COLUMNS)
        pd.testing.assert_frame_equal(b["profit"], a["profit"][list(LEAN_COLUMNS)],
                                      check_exact=True)
        pd.testing.assert_frame_equal(b["economics"], a["economics"], check_exact=True)
        pd.testing.assert_series_equal(b["tiers"], a["tiers"])
    # the reused work block must not leak one rate choice's numbers into a cached other
    again = v.value_view(lean, rate_scale={"service": 2.0})["profit"]
    from helpers.value._cost_rates import resolve_cost_rates

    want = v.apply_cost_rates(drivers, resolve_cost_rates(RATES).scaled({"service": 2.0}))
    pd.testing.assert_frame_equal(again, want[list(LEAN_COLUMNS)], check_exact=True)
