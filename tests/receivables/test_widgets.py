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
    items, balances = wd.open_items, wd._open_balances
    monkeypatch.setattr(wd, "_open_balances", lambda *a: computed.append(a[1]) or balances(*a))
    prep = rc.AgingInputs(inv, pay, keep=2)
    days = [AS_OF, pd.Timestamp(AS_OF) - pd.offsets.MonthEnd(2), AS_OF]
    for day, (m1, m2, m3) in zip(days * 2, [(30, 60, 90), (20, 50, 80), (10, 40, 170),
                                            (5, 6, 7), (45, 90, 120), (30, 60, 90)],
                                 strict=True):
        got = rc.aging_view(prep, None, day, m1, m2, m3)
        # before issue 11: open items recomputed with the moved boundaries on every call
        old = rc.aging_table(items(v_inv, v_pay, day, rc.load_stages().with_max_days(
            [0.0, m1, m2, m3]), validate=False), by=None)
        pd.testing.assert_frame_equal(got, old, check_exact=True)
    # the items of a date are computed once while kept (two dates kept here)
    assert len(computed) == 2
    with pytest.raises(rc.DataProblem, match="as-of"):
        rc.aging_view(prep, None, None)


def test_open_balances_are_open_items_on_every_date_of_a_messy_book():
    import numpy as np
    import pandas as pd

    inv, pay = book(400)
    # overpaid, paid before issue (capped by validation), paid in cents within the tolerance,
    # payments after the date and on invoices issued later
    pay = pd.concat([pay, pay.head(20).assign(amount=pay["amount"].head(20) * 3)],
                    ignore_index=True)
    prep = rc.AgingInputs(inv, pay)
    v_inv, v_pay = prep.invoices, prep.payments
    for day in pd.date_range("2024-11-30", pd.Timestamp(AS_OF) + pd.offsets.MonthEnd(2),
                             freq="ME"):
        items = rc.open_items(v_inv, v_pay, day, validate=False)
        balance, dpd = prep.open_at(day)
        np.testing.assert_array_equal(balance, items["balance"].to_numpy())
        np.testing.assert_array_equal(dpd, items["days_past_due"].to_numpy())
