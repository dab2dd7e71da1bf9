"""RFM pictures and the RFM widget: the R x F heat map, segment bars, :func:`explore_rfm`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.i18n import tr
from helpers.plotting import new_axes
from helpers.segments._scores import rfm_segments, segment_profile
from helpers.segments._segment_map import SegmentMap, load_segment_map

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.axes import Axes

__all__ = ["RfmProfiles", "explore_rfm", "plot_rf_heatmap", "plot_segments", "rfm_view"]

_DEFAULT_FIXED = {"r": [30, 90, 180, 365], "f": [2, 3, 5, 8], "m": [100, 300, 1000, 3000]}


def plot_rf_heatmap(segmented: pd.DataFrame, value: str = "customers",
                    ax: Axes | None = None) -> Axes:
    """Heat map of the R x F grid: number of customers (or ``value="revenue"``) per cell.

    Parameters
    ----------
    segmented : DataFrame
        From :func:`rfm_segments`.
    value : {"customers", "revenue"}
        What each cell shows.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (6, 5))
    if value == "revenue":
        grid = segmented.pivot_table(index="r_score", columns="f_score", values="monetary_total",
                                     aggfunc="sum", fill_value=0)
    else:
        grid = pd.crosstab(segmented["r_score"], segmented["f_score"])
    grid = grid.sort_index(ascending=False)
    sns.heatmap(grid, ax=ax, cmap="YlGnBu", annot=True, fmt=",.0f", annot_kws={"fontsize": 8},
                cbar_kws={"label": tr(value)})
    ax.set_xlabel(tr("F score (orders)"))
    ax.set_ylabel(tr("R score (recency)"))
    ax.set_title(tr("Revenue by R and F score") if value == "revenue"
                 else tr("Customers by R and F score"))
    return ax


def plot_segments(profile: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars: share of customers and share of revenue per segment.

    Parameters
    ----------
    profile : DataFrame
        From :func:`segment_profile`.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (9, 4))
    x = np.arange(len(profile))
    ax.bar(x - 0.2, profile["customer_share"], width=0.4, label=tr("share of customers"))
    ax.bar(x + 0.2, profile["revenue_share"], width=0.4, label=tr("share of revenue"))
    ax.set_xticks(x, [tr(str(i)) for i in profile.index], rotation=35, ha="right")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set(xlabel=tr("segment"), ylabel=tr("share (%)"))
    ax.legend()
    ax.set_title(tr("Segments: customers vs revenue"))
    return ax


def rfm_view(
    summary: pd.DataFrame,
    method: str = "quantile",
    r_days: Sequence[float] = (30, 90, 180, 365),
    f_orders: Sequence[float] = (2, 3, 5, 8),
    m_money: Sequence[float] = (100, 300, 1000, 3000),
    segment_map: SegmentMap | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """What the RFM widget shows: the segment profile for one scoring choice (pure, fast).

    Parameters
    ----------
    summary : DataFrame
        From :func:`customer_summary`.
    method : {"quantile", "fixed"}
        Scoring scheme.
    r_days, f_orders, m_money : sequence of float
        Fixed thresholds (used with ``method="fixed"``).
    segment_map : SegmentMap, optional
        Default: the bundled map.

    Returns
    -------
    DataFrame
        :func:`segment_profile` of the segments.
    """
    thresholds = {"r": list(r_days), "f": list(f_orders), "m": list(m_money)}
    seg = rfm_segments(summary, method=method,
                       thresholds=thresholds if method == "fixed" else None,
                       segment_map=load_segment_map(segment_map))
    return segment_profile(seg)


class RfmProfiles:
    """:func:`rfm_view` for one summary, each scoring choice computed once.

    Quantile scores ignore the thresholds, so they are one profile whatever the sliders say.

    Parameters
    ----------
    summary : DataFrame
        From :func:`customer_summary`.
    segment_map : SegmentMap, optional
        Default: the bundled map.
    """

    def __init__(self, summary: pd.DataFrame,
                 segment_map: SegmentMap | Mapping[str, Any] | None = None) -> None:
        self.summary, self.segment_map = summary, load_segment_map(segment_map)
        self._seen: dict[tuple[Any, ...], pd.DataFrame] = {}

    def view(self, method: str = "quantile", r_days: Sequence[float] = (30, 90, 180, 365),
             f_orders: Sequence[float] = (2, 3, 5, 8),
             m_money: Sequence[float] = (100, 300, 1000, 3000)) -> pd.DataFrame:
        """:func:`rfm_view` with these arguments (a copy of the profile computed once).

        Parameters
        ----------
        method, r_days, f_orders, m_money
            As for :func:`rfm_view`.

        Returns
        -------
        DataFrame
            :func:`segment_profile` of the segments.
        """
        key = (method,) if method == "quantile" else (
            method, tuple(r_days), tuple(f_orders), tuple(m_money))
        if key not in self._seen:
            self._seen[key] = rfm_view(self.summary, method, r_days, f_orders, m_money,
                                       self.segment_map)
        return self._seen[key].copy()


def explore_rfm(summary: pd.DataFrame,
                segment_map: SegmentMap | Mapping[str, Any] | None = None) -> ipywidgets.Widget:
    """Widget: choose the scoring scheme and thresholds; segments and revenue shares update.

    Parameters
    ----------
    summary : DataFrame
        From :func:`customer_summary`.
    segment_map : SegmentMap, optional
        Default: the bundled map.

    Returns
    -------
    ipywidgets.Widget
    """
    smap = load_segment_map(segment_map)
    fixed = smap.fixed_thresholds.as_dict() if smap.fixed_thresholds else _DEFAULT_FIXED
    method = w.ToggleButtons(options=[(tr(m), m) for m in ("quantile", "fixed")],
                             description=tr("Scoring"))
    wide = {"description_width": "initial"}  # the whole label, not "R=5 if da…"
    r_best = w.IntSlider(value=int(fixed["r"][0]), min=7, max=180, step=7,
                         description=tr("R=5 if days ≤"), style=wide)
    r_worst = w.IntSlider(value=int(fixed["r"][-1]), min=90, max=730, step=15,
                          description=tr("R=1 if days >"), style=wide)
    f_top = w.IntSlider(value=int(fixed["f"][-1]), min=3, max=30, description=tr("F=5 if orders ≥"),
                        style=wide)
    out = w.Output()
    profiles = RfmProfiles(summary, smap)  # each scoring choice computed once

    def redraw(*_: Any) -> None:
        for slider in (r_best, r_worst, f_top):  # thresholds apply to fixed scoring only
            slider.disabled = method.value == "quantile"
        lo, hi = r_best.value, max(r_worst.value, r_best.value + 3)
        r_edges = list(np.linspace(lo, hi, 4).round())
        f_edges = sorted({2, *np.linspace(2, max(f_top.value, 5), 4).round().astype(int)})
        while len(f_edges) < 4:
            f_edges.append(f_edges[-1] + 1)
        prof = profiles.view(method.value, r_edges, f_edges[:4], fixed["m"])
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(9, 4))
            plot_segments(prof, ax=ax)
            plt.show()

    for control in (method, r_best, r_worst, f_top):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([method, w.HBox([r_best, r_worst, f_top]), out])
