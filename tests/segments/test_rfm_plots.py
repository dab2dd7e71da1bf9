"""Unit tests for helpers.segments._rfm_plots: the RFM widget's view and the RFM pictures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from helpers.segments import (
    customer_summary,
    explore_rfm,
    plot_rf_heatmap,
    plot_segments,
    rfm_segments,
    rfm_view,
    segment_profile,
)
from tests.segments._data import random_tx


def test_rfm_view_returns_a_profile_per_scheme():
    s = customer_summary(random_tx(6), as_of="2025-08-22")
    a = rfm_view(s, "quantile")
    b = rfm_view(s, "fixed", r_days=(7, 14, 21, 28))
    assert a["customers"].sum() == b["customers"].sum() == len(s)
    assert not a["customers"].equals(b["customers"])


def test_plots_return_axes_with_the_numbers():
    seg = rfm_segments(customer_summary(random_tx(6), as_of="2025-08-22"))
    ax = plot_rf_heatmap(seg)
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 25 and sum(int(c.replace(",", "")) for c in cells) == len(seg)
    assert ax.get_xlabel() == "F score (orders)"
    ax = plot_rf_heatmap(seg, value="revenue")
    assert ax.get_title() == "Revenue by R and F score"
    ax = plot_segments(segment_profile(seg))
    assert len(ax.patches) == 2 * len(seg["segment"].cat.categories)
    plt.close("all")


def test_explore_rfm_builds_a_widget():
    ipywidgets = __import__("pytest").importorskip("ipywidgets")
    s = customer_summary(random_tx(6), as_of="2025-08-22")
    assert isinstance(explore_rfm(s), ipywidgets.Widget)
    plt.close("all")


def test_explore_rfm_computes_each_scoring_choice_once(monkeypatch):
    import helpers.segments._rfm_plots as rp

    s = customer_summary(random_tx(6), as_of="2025-08-22")
    asked = []
    view = rp.rfm_view
    monkeypatch.setattr(rp, "rfm_view", lambda *a: asked.append(a[1:3]) or view(*a))
    box = explore_rfm(s)
    method, (r_best, _, f_top) = box.children[0], box.children[1].children
    r_best.value, f_top.value = 14, 10  # quantile scores ignore the sliders: nothing computed
    assert [m for m, _ in asked] == ["quantile"]
    method.value = "fixed"
    r_best.value = 21
    r_best.value = 14  # back to a choice already seen: not computed again
    assert [m for m, _ in asked] == ["quantile", "fixed", "fixed"]
    method.value = "quantile"
    assert len(asked) == 3


def test_rfm_profiles_are_rfm_view():
    import pandas as pd

    from helpers.segments import RfmProfiles

    s = customer_summary(random_tx(6), as_of="2025-08-22")
    profiles = RfmProfiles(s)
    pd.testing.assert_frame_equal(profiles.view("quantile", r_days=(1, 2, 3, 4)),
                                  rfm_view(s, "quantile"))
    for r in [(7, 14, 21, 28), (30, 60, 90, 120), (7, 14, 21, 28)]:
        got = profiles.view("fixed", r)
        pd.testing.assert_frame_equal(got, rfm_view(s, "fixed", r_days=r))
        got["customers"] = -1  # a caller's copy: the kept profile is unchanged
