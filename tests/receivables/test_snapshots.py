"""Tests for helpers.receivables._snapshots: month ends, snapshots and the aging trend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.receivables as rc
from tests.receivables.books import book, small


def test_month_ends():
    ends = rc.month_ends("2025-01-15", "2025-03-02")
    assert [str(d.date()) for d in ends] == ["2025-01-31", "2025-02-28", "2025-03-31"]
    with pytest.raises(rc.DataProblem, match="before start"):
        rc.month_ends("2025-03-01", "2025-01-01")


def test_snapshots_agree_with_open_items_at_each_month_end():
    inv, pay = book(300, seed=3)
    dates = rc.month_ends("2025-01-01", "2025-12-31")
    snaps = rc.month_end_snapshots(inv, pay, dates)
    for d in dates[::3]:
        ref = rc.open_items(inv, pay, d).set_index("invoice_id")
        got = snaps[(snaps["date"] == d) & (snaps["balance"] > 0)].set_index("invoice_id")
        assert set(got.index) == set(ref.index)
        np.testing.assert_allclose(got.loc[ref.index, "balance"], ref["balance"], atol=0.011)
        assert (got.loc[ref.index, "stage"].astype(str) == ref["stage"].astype(str)).all()


def test_settled_invoices_leave_with_one_zero_row():
    inv, pay = small()
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-10-01", "2026-01-31"))
    b = snaps[snaps["invoice_id"] == "B"]
    assert b["balance"].tolist() == [200.0, 0.0]      # November open, December settled
    assert b["paid_in_period"].tolist() == [0.0, 200.0]
    # an invoice issued after the last snapshot has no rows (and breaks nothing)
    late = pd.DataFrame({"invoice_id": ["Z"], "customer_id": ["c9"],
                         "issue_date": [pd.Timestamp("2026-03-01")],
                         "due_date": [pd.Timestamp("2026-03-31")], "amount": [10.0]})
    more = rc.month_end_snapshots(pd.concat([inv, late]), pay,
                                  rc.month_ends("2025-10-01", "2026-01-31"))
    pd.testing.assert_frame_equal(more, snaps)


def test_aging_trend_sums_the_open_balance():
    inv, pay = book(200, seed=4)
    dates = rc.month_ends("2025-03-01", "2025-12-31")
    trend = rc.aging_trend(rc.month_end_snapshots(inv, pay, dates))
    assert list(trend.columns) == ["M0", "M1", "M2", "M3", "M3+"]
    for d in dates[::4]:
        ref = rc.open_items(inv, pay, d)["balance"].sum()
        assert trend.loc[d].sum() == pytest.approx(ref, abs=0.05)
