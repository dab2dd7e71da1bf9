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


def test_aging_view_on_prepared_inputs_matches_the_plain_computation(monkeypatch):
    import pandas as pd

    import helpers.receivables._widgets as wd

    inv, pay = book(300)
    v_inv, v_pay = rc.validate_receivables(inv, pay, overpayment="cap")
    computed = []
    items = wd.open_items
    monkeypatch.setattr(wd, "open_items", lambda *a, **k: computed.append(a[2]) or
                        items(*a, **k))
    prep = rc.AgingInputs(inv, pay, keep=2)
    days = [AS_OF, pd.Timestamp(AS_OF) - pd.offsets.MonthEnd(2), AS_OF]
    for day, (m1, m2, m3) in zip(days * 2, [(30, 60, 90), (20, 50, 80), (10, 40, 170),
                                            (5, 6, 7), (45, 90, 120), (30, 60, 90)],
                                 strict=True):
        got = rc.aging_view(prep, None, day, m1, m2, m3)
        # before issue 11: open items recomputed with the moved boundaries on every call
        old = rc.aging_table(items(v_inv, v_pay, day, rc.load_stages().with_max_days(
            [0.0, m1, m2, m3]), validate=False), by=None)
        pd.testing.assert_frame_equal(got, old)
    # the items of a date are computed once while kept (two dates kept here)
    assert len(computed) == 2
    with pytest.raises(rc.DataProblem, match="as-of"):
        rc.aging_view(prep, None, None)
