"""Tests for helpers.receivables._aging: open items, aging tables, overdue ratio, DSO."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.receivables as rc
from tests.receivables.books import AS_OF, book, small


def test_open_items_by_hand():
    inv, pay = small()
    items = rc.open_items(inv, pay, AS_OF).set_index("invoice_id")
    assert list(items.index) == ["A", "C"]  # B is paid in full
    assert items.loc["A", "balance"] == 60.0
    assert items.loc["A", "days_past_due"] == 61 and items.loc["A", "stage"] == "M3"
    assert items.loc["C", "days_past_due"] == -15 and items.loc["C", "stage"] == "M0"
    # before B's payment, B is open and in M1 (due 12-01, as of 12-15: 14 days)
    mid = rc.open_items(inv, pay, "2025-12-15").set_index("invoice_id")
    assert mid.loc["B", "stage"] == "M1" and mid.loc["B", "balance"] == 200.0
    assert rc.overdue_ratio(items) == pytest.approx(60 / 360)
    assert rc.overdue_ratio(items.iloc[:0]) == 0.0
    with pytest.raises(rc.DataProblem, match="as_of='soon'"):
        rc.open_items(inv, pay, "soon")


def test_aging_table_against_plain_pandas():
    inv, pay = book()
    items = rc.open_items(inv, pay, AS_OF)
    # independent: plain pandas merge and cut
    paid = pay[pay["payment_date"] <= AS_OF].groupby("invoice_id")["amount"].sum()
    ref = inv.assign(bal=inv["amount"] - inv["invoice_id"].map(paid).fillna(0))
    ref = ref[ref["bal"] > 0.01]
    dpd = (AS_OF - ref["due_date"]).dt.days
    ref_stage = pd.cut(dpd, [-np.inf, 0, 30, 60, 90, np.inf], labels=["M0", "M1", "M2", "M3",
                                                                      "M3+"])
    expected = ref.groupby(ref_stage, observed=False)["bal"].sum()
    got = rc.aging_table(items, by=None).set_index("stage")["balance"]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9)
    by_cust = rc.aging_table(items)
    assert by_cust["total"].sum() == pytest.approx(ref["bal"].sum())
    np.testing.assert_allclose(by_cust.drop(columns="total").sum(axis=1), by_cust["total"])
    with pytest.raises(rc.DataProblem, match="region"):
        rc.aging_table(items, by="region")


def test_dso_by_hand():
    inv, pay = small()
    # open at 12-31: A 60 + C 300 = 360; invoiced in the 90 days to 12-31: B 200 + C 300 = 500
    assert rc.dso(inv, pay, AS_OF, window_days=90) == pytest.approx(360 / 500 * 90)
    assert np.isnan(rc.dso(inv, pay, "2026-06-30", window_days=30))
    with pytest.raises(rc.DataProblem):
        rc.dso(inv, pay, AS_OF, window_days=0)
