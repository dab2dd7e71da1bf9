"""Risk-adjusted customer value: helpers/value/_risk_value."""

import numpy as np
import pandas as pd
import pytest

from helpers.data import load_course_data
from helpers.errors import DataProblem
from helpers.paths import DATASETS_DIR
from helpers.receivables import classify_payment_behaviour, open_items
from helpers.value import (
    explore_risk_value,
    risk_adjusted_value,
    risk_value_by_segment,
    risk_value_view,
    tier_shift,
)

# an assumed loss rate per stage (lesson 09 estimates them from roll rates)
LOSS_RATE = {"M0": 0.01, "M1": 0.05, "M2": 0.2, "M3": 0.4, "M3+": 0.8}


def test_the_formula_per_customer_and_the_defaults():
    df = pd.DataFrame({"clv": [1000.0, 500.0, 200.0], "p_on_time": [0.8, None, 0.5],
                       "expected_loss": [50.0, None, 0.0], "collection_cost": [20.0, None, 130.0]})
    out = risk_adjusted_value(df)
    assert out["risk_adjusted_value"].tolist() == [1000 * 0.8 - 50 - 20, 500.0, 200 * 0.5 - 130]
    assert out["risk_discount"].tolist() == pytest.approx([270.0, 0.0, 230.0])
    assert out["risk_known"].tolist() == [True, False, True]
    only_clv = risk_adjusted_value(pd.DataFrame({"clv": [10.0, 20.0]}))
    assert only_clv["risk_adjusted_value"].tolist() == [10.0, 20.0]
    assert not only_clv["risk_known"].any()


def test_segments_rank_and_tiers_shift():
    df = pd.DataFrame({"clv": np.arange(1, 101, dtype=float) * 10,
                       "p_on_time": np.where(np.arange(100) >= 90, 0.1, 1.0),
                       "seg": np.where(np.arange(100) >= 90, "late", "fine")})
    valued = risk_adjusted_value(df)
    seg = risk_value_by_segment(valued, "seg")
    assert seg.loc["late", "discount_share"] == pytest.approx(0.9)
    assert seg.loc["fine", "risk_discount"] == 0
    shift = tier_shift(valued)
    assert int(shift.to_numpy().sum()) == 100
    # the top-CLV customers are the late payers: none stays diamond once risk is counted
    assert shift.loc["diamond", "diamond"] == 0 and shift.loc["diamond"].sum() == 5


def test_bad_input_is_a_data_problem():
    with pytest.raises(DataProblem, match="'p_on_time' is a probability"):
        risk_adjusted_value(pd.DataFrame({"clv": [1.0], "p_on_time": [1.5]}))
    with pytest.raises(DataProblem, match="must hold numbers"):
        risk_adjusted_value(pd.DataFrame({"clv": [1.0], "expected_loss": ["a lot"]}))
    with pytest.raises(DataProblem, match="clv"):
        risk_adjusted_value(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(DataProblem, match="have no 'clv'"):
        risk_adjusted_value(pd.DataFrame({"clv": [1.0, None]}))
    with pytest.raises(DataProblem, match="segment|seg"):
        risk_value_by_segment(risk_adjusted_value(pd.DataFrame({"clv": [1.0]})), "seg")


def test_on_the_course_data_late_payers_lose_the_most_value():
    data = load_course_data(DATASETS_DIR)
    value = data.transactions.groupby("customer_id")["amount"].sum().rename("clv").clip(lower=0)
    behaviour = classify_payment_behaviour(data.invoices, data.payments, data.as_of)
    items = open_items(data.invoices, data.payments, data.as_of)
    loss = (items["balance"] * items["stage"].astype(str).map(LOSS_RATE)).groupby(
        items["customer_id"]).sum()
    customers = pd.DataFrame({"clv": value}).join(
        (1 - behaviour["late_share"]).rename("p_on_time")).join(loss.rename("expected_loss"))
    customers = customers.join(data.customers.set_index("customer_id")["true_type"])
    seg = risk_value_by_segment(risk_adjusted_value(customers), "true_type")
    worst = seg["discount_share"].idxmax()
    assert worst == "chronic_late_payer", seg
    assert seg.loc["chronic_late_payer", "discount_share"] > 2 * seg.loc["loyal", "discount_share"]


def _valued(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return risk_adjusted_value(pd.DataFrame({
        "clv": rng.gamma(1.0, 1000.0, n), "p_on_time": rng.uniform(size=n),
        "expected_loss": rng.gamma(1.0, 40.0, n), "collection_cost": rng.gamma(1.0, 10.0, n)},
        index=[f"C{i:04d}" for i in range(n)]))


def test_the_widget_view_at_the_defaults_is_the_formula_and_the_tier_shift():
    valued = _valued()
    view = risk_value_view(valued, places=40)
    assert np.allclose(view["value"], valued["risk_adjusted_value"])
    shift = tier_shift(valued)
    assert (view["shift"].to_numpy() == shift.to_numpy()).all()
    assert view["moved"] == int(shift.to_numpy().sum() - np.trace(shift.to_numpy()))
    top_clv = set(valued["clv"].nlargest(40).index)
    top_risk = set(valued["risk_adjusted_value"].nlargest(40).index)
    assert view["changed_places"] == len(top_clv - top_risk) > 0
    total = valued["clv"].sum()
    assert view["discount_share"] == pytest.approx(
        (total - valued["risk_adjusted_value"].sum()) / total)


def test_the_widget_assumptions_move_the_value_as_stated():
    valued = _valued()
    none = risk_value_view(valued, late_weight=0.0, loss_scale=0.0, cost_scale=0.0)
    assert np.allclose(none["value"], valued["clv"]) and none["moved"] == 0
    assert none["changed_places"] == 0 and none["discount_share"] == pytest.approx(0.0)
    half = risk_value_view(valued, late_weight=0.5, loss_scale=2.0, cost_scale=0.0)
    want = (valued["clv"] * (1 - 0.5 * (1 - valued["p_on_time"]))
            - 2.0 * valued["expected_loss"])
    assert np.allclose(half["value"], want)
    for bad in ({"late_weight": 1.5}, {"loss_scale": -1.0}, {"places": -3}):
        with pytest.raises(DataProblem, match="late_weight must be in"):
            risk_value_view(valued, **bad)
    with pytest.raises(DataProblem, match="risk value view"):
        risk_value_view(valued.drop(columns="expected_loss"))


def test_the_risk_widget_builds_and_redraws():
    widget = explore_risk_value(_valued(), places=20)
    sliders = widget.children[0].children
    assert [s.value for s in sliders] == [1.0, 1.0, 1.0]
    sliders[0].value = 0.0          # the callback runs without error
    assert len(widget.children) == 2
