"""Unit tests for helpers.segments._migration: snapshots and the transition matrix."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.errors import DataProblem
from helpers.segments import plot_migration, rfm_snapshot, segment_migration
from tests.segments._data import random_tx


def test_migration_counts_every_customer_once():
    frame = random_tx(8)
    before = rfm_snapshot(frame, "2024-12-31")
    after = rfm_snapshot(frame, "2025-06-30")
    m = segment_migration(before, after)
    assert m.to_numpy().sum() == len(before.index.union(after.index))
    new = after.index.difference(before.index)
    assert m.loc["(none)"].sum() == len(new)
    # row for "lost" equals the number of lost customers in the first snapshot
    assert m.loc["lost"].sum() == (before["segment"] == "lost").sum()
    shares = segment_migration(before, after, normalize=True)
    nonempty = m.sum(axis=1) > 0
    assert np.allclose(shares[nonempty].sum(axis=1), 1.0)
    with pytest.raises(DataProblem, match="'before' has no 'segment' column"):
        segment_migration(before.drop(columns="segment"), after)


def test_window_days_limits_the_history():
    frame = random_tx(8)
    whole = rfm_snapshot(frame, "2025-06-30")
    recent = rfm_snapshot(frame, "2025-06-30", window_days=90)
    assert len(recent) < len(whole)
    assert (recent["n_orders"] <= whole.loc[recent.index, "n_orders"]).all()


def test_plot_migration_shows_row_shares():
    frame = random_tx(8)
    m = segment_migration(rfm_snapshot(frame, "2024-12-31"), rfm_snapshot(frame, "2025-06-30"))
    ax = plot_migration(m)
    shown = [t.get_text() for t in ax.texts if t.get_text()]
    assert shown and all(t.endswith("%") for t in shown)
    assert ax.get_xlabel() == "segment after" and ax.get_ylabel() == "segment before"
    assert len(ax.get_yticklabels()) == len(m)
    plt.close("all")
