"""Tests for helpers.value._value_plots: every plot draws on the given axes and labels it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes

import helpers.value as v
from tests.value.support import profit_frame

PROFIT = pd.Series([500.0, 300, 40, 30, 20, 20, 10, -50, -100, -170])


@pytest.fixture()
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_concentration_one_curve_per_series(ax):
    out = v.plot_concentration({"revenue": PROFIT.abs(), "margin": PROFIT.clip(lower=0)}, ax=ax)
    assert out is ax
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0].startswith("revenue (top 20%:") and "equal shares" in labels


def test_plot_whale_curve_marks_the_peak(ax):
    out = v.plot_whale_curve(PROFIT, ax=ax)
    assert out is ax and "Whale curve" in ax.get_title()
    (peak,) = ax.collections
    assert peak.get_offsets()[0].tolist() == pytest.approx([0.7, 920 / 600])


def test_plot_tier_economics_and_scenarios_return_new_axes():
    tiers = v.assign_tiers(profit_frame()["revenue"], cuts=(0.5,), labels=("low", "high"))
    profit = profit_frame().assign(cost_to_serve=lambda p: p.filter(like="cost_").sum(axis=1))
    ax = v.plot_tier_economics(v.tier_economics(profit, tiers))
    assert isinstance(ax, Axes) and ax.get_xlabel() == "tier"
    ax2 = v.plot_scenarios(v.profit_scenarios(profit_frame()))
    assert isinstance(ax2, Axes) and len(ax2.patches) == 5
    plt.close("all")
