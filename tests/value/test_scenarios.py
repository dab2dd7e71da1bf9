"""Tests for helpers.value._scenarios: re-price, cheaper channel, drop, by hand."""

from __future__ import annotations

import pytest

import helpers.value as v
from helpers.errors import DataProblem
from tests.value.support import profit_frame


def test_scenarios_by_hand():
    s = v.profit_scenarios(profit_frame(), price_increase=0.1, reprice_churn=0.5,
                           channel_saving=0.5, channel_churn=0.0)
    assert s.loc["as is", "total_profit"] == pytest.approx(290)
    assert s.loc["drop", "total_profit"] == pytest.approx(400)
    # b: 0.5 * (-20 + 20) = 0 ; c: 0.5 * (-90 + 10) = -40
    assert s.loc["re-price", "total_profit"] == pytest.approx(400 + 0 - 40)
    # b: -20 + 0.5 * 100 = 30 ; c: -90 + 0.5 * 120 = -30
    assert s.loc["cheaper channel", "total_profit"] == pytest.approx(400 + 30 - 30)
    # best: b -> channel (30), c -> drop (0)
    assert s.loc["best per customer", "total_profit"] == pytest.approx(430)
    assert s.loc["drop", "customers_affected"] == 2 and s.loc["drop", "customers_kept"] == 1
    assert s.loc["drop", "change"] == pytest.approx(110)


def test_scenarios_reject_shares_outside_0_1():
    with pytest.raises(DataProblem, match="reprice_churn"):
        v.profit_scenarios(profit_frame(), reprice_churn=1.5)

