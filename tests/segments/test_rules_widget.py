"""Unit tests for helpers.segments._rules_widget: the rules widget's view and pictures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from helpers.errors import DataProblem
from helpers.segments import (
    classify,
    explore_rules,
    plot_dimension_sizes,
    plot_label_crosstab,
    rules_view,
)


def test_rules_view_moves_the_thresholds(small, standard):
    _, _, f = small
    sizes, cross = rules_view(f, standard, frequent_min=8, occasional_min=3)
    assert cross.to_numpy().sum() == len(f)
    assert cross.loc["frequent"].sum() == (f["orders_last_year"] >= 8).sum()
    assert sizes.loc["purchase_behaviour"]["customers"].sum() == len(f)
    with pytest.raises(DataProblem, match="occasional_min < frequent_min"):
        rules_view(f, standard, frequent_min=2, occasional_min=3)
    with pytest.raises(DataProblem, match="at_risk_days < lapsed_days"):
        rules_view(f, standard, at_risk_days=200, lapsed_days=100)


def test_pictures_and_widget(small, standard):
    _, _, f = small
    ax = plot_dimension_sizes(classify(f, standard))
    assert len(ax.get_yticklabels()) == len(standard.dimensions_of("customers"))
    _, cross = rules_view(f, standard)
    ax = plot_label_crosstab(cross)
    assert sum(int(t.get_text().replace(",", "")) for t in ax.texts) == len(f)
    assert ax.get_ylabel() == "purchase_behaviour" and ax.get_xlabel() == "life_cycle"
    ipywidgets = pytest.importorskip("ipywidgets")
    assert isinstance(explore_rules(f, standard), ipywidgets.Widget)
    plt.close("all")
