"""Tests for helpers.receivables._expected_loss: chained loss rates and expected loss."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers.receivables as rc


def test_loss_rates_chain_roll_forward_rates():
    stages = rc.load_stages()
    names = list(stages.names)
    rates = pd.DataFrame(0.0, index=names, columns=[*names, "paid"])
    fwd = {"M0": 0.2, "M1": 0.5, "M2": 0.6, "M3": 0.7}
    for i, s in enumerate(names[:-1]):
        rates.loc[s, names[i + 1]] = fwd[s]
        rates.loc[s, "paid"] = 1 - fwd[s]
    rates.loc["M3+", "M3+"] = 0.9
    rates.loc["M3+", "paid"] = 0.1
    loss = rc.loss_rates(rates, stages)
    assert loss["M0"] == pytest.approx(0.2 * 0.5 * 0.6 * 0.7)
    assert loss["M2"] == pytest.approx(0.6 * 0.7)
    assert loss["M3+"] == 1.0
    assert rc.cure_rates(rates, stages)["M1"] == pytest.approx(0.5)
    items = pd.DataFrame({"stage": pd.Categorical(["M1", "M3"], dtype=stages.dtype),
                          "balance": [100.0, 50.0]})
    el = rc.expected_loss(items, rates, stages)
    assert el.loc["total", "expected_loss"] == pytest.approx(100 * 0.5 * 0.6 * 0.7 + 50 * 0.7)
    assert el.loc["total", "loss_rate"] == pytest.approx(el.loc["total", "expected_loss"] / 150)
    # an earlier charge-off stage: everything from M3 on counts as lost
    early = stages.model_validate({**stages.model_dump(), "charge_off_stage": "M3"})
    assert rc.loss_rates(rates, early)["M3"] == 1.0
    assert rc.loss_rates(rates, early)["M2"] == pytest.approx(0.6)
