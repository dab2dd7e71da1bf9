"""helpers.capstone._actions: the action view (pure), its widget and the heat map.

How fast :func:`action_view` is on 100k customers is measured in benchmarks/bench_capstone.py.
"""

from __future__ import annotations

import matplotlib
import pytest

from helpers.capstone import (
    action_view,
    crm_customer_table,
    explore_actions,
    plot_segment_tiers,
    segment_customers,
    value_table,
)
from tests.capstone.conftest import crm_frame

matplotlib.use("Agg")


def test_action_view_matches_pandas():
    crm = crm_frame(100_000)
    view = action_view(crm, "loyal", "gold")
    sel = crm[(crm["segment"] == "loyal") & (crm["tier"] == "gold")]
    assert view.customers == len(sel)
    assert view.clv == pytest.approx(sel["clv"].sum())
    assert view.strategies.sum() == len(sel)
    assert action_view(crm).customers == len(crm)
    assert action_view(crm.drop(columns="clv")).clv is None


def test_widget_and_plot_build(small):
    seg = segment_customers(small)
    crm = crm_customer_table(small, seg, value_table(small, seg))
    assert explore_actions(crm) is not None
    ax = plot_segment_tiers(crm)
    assert ax.get_xlabel() == "value tier"
    assert ax.get_ylabel() == "RFM segment"
    counts = sorted(int(t.get_text().replace(",", "")) for t in ax.texts)
    assert sum(counts) == len(crm)                    # every customer in one annotated cell
