"""Tests for helpers.receivables._widgets: the aging widget and its pure function."""

from __future__ import annotations

import ipywidgets
import matplotlib
import pytest

import helpers.receivables as rc
from tests.receivables.books import AS_OF, book

matplotlib.use("Agg")


def test_aging_view_moves_the_boundaries():
    inv, pay = book(200)
    v = rc.aging_view(inv, pay, AS_OF, 20, 50, 80)
    items = rc.open_items(inv, pay, AS_OF)
    dpd = items["days_past_due"]
    assert v.set_index("stage").loc["M1", "balance"] == pytest.approx(
        items.loc[(dpd > 0) & (dpd <= 20), "balance"].sum())
    assert v["balance"].sum() == pytest.approx(items["balance"].sum())
    with pytest.raises(rc.DataProblem, match="must increase"):
        rc.aging_view(inv, pay, AS_OF, 50, 40, 80)


def test_explore_aging_is_a_widget():
    inv, pay = book(100)
    assert isinstance(rc.explore_aging(inv, pay, AS_OF), ipywidgets.Widget)
