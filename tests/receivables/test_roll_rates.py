"""Tests for helpers.receivables._roll_rates: transitions, flow matrix, roll and cure rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import helpers.receivables as rc
from tests.receivables.books import book


def test_flows_conserve_balance_and_rows_sum_to_one():
    inv, pay = book(500, seed=5)
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-01-01", "2026-06-30"))
    flows = rc.flow_matrix(snaps)
    # independent: for each consecutive pair, the starting balance per stage
    s = snaps.sort_values(["invoice_id", "date"])
    nxt_same = s["invoice_id"].shift(-1) == s["invoice_id"]
    start = s[nxt_same & (s["balance"] > 0)].groupby("stage", observed=False)["balance"].sum()
    np.testing.assert_allclose(flows.sum(axis=1).to_numpy(), start.to_numpy(), atol=0.05)
    rates = rc.roll_rates(snaps)
    live = rates.dropna()
    np.testing.assert_allclose(live.sum(axis=1), 1.0)
    # an unpaid invoice cannot get younger: no flow from M2 back to M0/M1
    assert flows.loc["M2", ["M0", "M1"]].sum() == 0
    assert list(flows.columns) == ["M0", "M1", "M2", "M3", "M3+", rc.PAID]


@settings(max_examples=15, deadline=None)
@given(hs.integers(0, 10_000))
def test_conservation_property(seed):
    inv, pay = book(60, seed=seed)
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-01-01", "2026-06-30"))
    t = rc.snapshot_transitions(snaps)
    t = t[t["start_balance"] > 0]
    np.testing.assert_allclose(t["start_balance"], t["end_balance"] + t["paid"], atol=0.011)


def test_roll_forward_and_cure_rates_by_hand():
    st = rc.load_stages()
    names = list(st.names)
    rates = pd.DataFrame(0.0, index=names, columns=[*names, "paid"])
    rates.loc["M1", ["M0", "M1", "M2", "M3", "paid"]] = [0.1, 0.2, 0.3, 0.1, 0.3]
    rates.loc["M3+", ["M3+", "paid"]] = [0.9, 0.1]
    fwd = rc.roll_forward_rates(rates, st)
    assert fwd["M1"] == pytest.approx(0.4) and fwd["M3+"] == pytest.approx(0.9)
    assert rc.cure_rates(rates, st)["M1"] == pytest.approx(0.4)
