"""Tests for helpers.value._concentration: Pareto and whale curves, the 80/20/30 numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.value as v
from helpers.errors import DataProblem


def test_top_share_matches_a_plain_computation():
    x = pd.Series(np.random.default_rng(5).pareto(1.5, 1000) + 1)
    expected = x.sort_values(ascending=False).iloc[:200].sum() / x.sum()
    assert v.top_share(x, 0.2) == pytest.approx(expected)
    c = v.concentration_curve(x)
    assert c.iloc[0].tolist() == [0.0, 0.0] and c.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    assert c.loc[200, "value_share"] == pytest.approx(expected)


def test_whale_summary_on_a_hand_made_base():
    # 10 customers: two whales, five small earners, three loss makers
    profit = pd.Series([500.0, 300, 40, 30, 20, 20, 10, -50, -100, -170])
    s = v.whale_summary(profit)
    total = 600.0
    assert s["total_profit"] == total
    assert s["top_share"] == pytest.approx(800 / total)
    assert s["bottom_share"] == pytest.approx(-320 / total)
    assert s["bottom_giveback"] == pytest.approx(320 / 800)
    assert s["peak_share"] == pytest.approx(920 / total) and s["peak_at"] == pytest.approx(0.7)
    assert s["unprofitable_share"] == pytest.approx(0.3)
    assert s["loss_share_of_peak"] == pytest.approx(320 / 920)
    curve = v.whale_curve(profit)
    assert curve["profit_share"].max() == pytest.approx(s["peak_share"])
    assert curve["profit_share"].iloc[-1] == pytest.approx(1.0)


def test_whale_summary_refuses_a_loss_making_base():
    with pytest.raises(DataProblem, match="loses money"):
        v.whale_summary(pd.Series([10.0, -50.0]))

