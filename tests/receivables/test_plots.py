"""Tests for helpers.receivables._plots: the plots draw what they say and return their Axes."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

import helpers.receivables as rc
from tests.receivables.books import AS_OF, book

matplotlib.use("Agg")


def test_plots_return_their_axes():
    inv, pay = book(200)
    items = rc.open_items(inv, pay, AS_OF)
    ax = rc.plot_aging(items)
    assert isinstance(ax, Axes) and len(ax.patches) == 5
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "M1 (1-30 d)"
    snaps = rc.month_end_snapshots(inv, pay, rc.month_ends("2025-01-01", "2025-12-31"))
    rates = rc.roll_rates(snaps)
    _, given = plt.subplots()
    ax = rc.plot_roll_rates(rates, ax=given)
    assert ax is given and ax.get_xlabel() == "a month later"
    shown = {t.get_text() for t in ax.texts}
    assert f"{rates.loc['M1', 'paid']:.0%}" in shown
    assert rc.plot_aging_trend(rc.aging_trend(snaps)).get_title().startswith("Receivables")
    plt.close("all")


def test_roll_rate_heat_map_leaves_empty_rows_blank():
    clients = pd.DataFrame({c: [0, 1, 2] for c in rc.CREDIT_STATUS})
    rates = rc.roll_rates(transitions=rc.credit_default_transitions(clients))
    assert rates.loc["M3"].isna().all()
    ax = rc.plot_roll_rates(rates)
    assert len(ax.texts) == int(np.isfinite(rates.to_numpy()).sum())
    plt.close("all")
