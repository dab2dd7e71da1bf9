"""Unit tests for helpers.segments._migration: snapshots and the transition matrix."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.caveats import Caveat
from helpers.errors import DataProblem
from helpers.segments import (
    cohort_caveat,
    cohort_retention,
    plot_migration,
    prior_snapshot_date,
    rfm_snapshot,
    segment_migration,
)
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


# ------------------------------------------------------------- periods too short to mean much


def _tx(days: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"c{i % 3}" for i in range(len(days))],
                         "purchase_date": pd.to_datetime(days), "amount": 10.0})


def test_a_prior_period_of_a_few_days_is_named():
    tx = _tx(["2025-06-22", "2025-07-15", "2025-12-31"])
    with pytest.warns(Caveat, match=r"prior period .*covers only 9 days \(at least 90 needed\)"
                                    r".*snapshot_months \(now 6\)"):
        earlier = prior_snapshot_date(tx, "2025-12-31", 6)
    assert earlier == pd.Timestamp("2025-06-30")


def test_a_long_enough_prior_period_has_no_caveat():
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)
        earlier = prior_snapshot_date(_tx(["2024-01-01", "2025-12-31"]), "2025-12-31", 6)
    assert earlier == pd.Timestamp("2025-06-30")


def test_no_history_before_the_earlier_snapshot_is_an_error_naming_the_parameter():
    with pytest.raises(DataProblem, match=r"start on 2025-09-01.*snapshot_months=6.*at most 3"):
        prior_snapshot_date(_tx(["2025-09-01", "2025-12-31"]), "2025-12-31", 6)


def test_cohort_tables_too_short_are_named():
    short = cohort_retention(pd.DataFrame({
        "customer_id": ["a", "a", "b"], "amount": 10.0,
        "purchase_date": pd.to_datetime(["2025-11-03", "2025-12-01", "2025-12-20"])}))
    with pytest.warns(Caveat, match=r"no cohort is observed for 4 periods or more \(the longest 2\)"):
        assert cohort_caveat(short) is not None
    one = pd.DataFrame({"size": [4], 0: [1.0], 1: [0.5], 2: [0.2], 3: [0.1]})
    with pytest.warns(Caveat, match=r"only 1 cohort"):
        cohort_caveat(one)
    long = pd.DataFrame({"size": [4, 3], 0: [1.0, 1.0], 1: [0.5, 0.3], 2: [0.2, None],
                         3: [0.1, None]})
    assert cohort_caveat(long) is None
