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

