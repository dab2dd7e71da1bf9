"""Pictures of the rule-based classes and the rules widget (:func:`explore_rules`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import new_axes
from helpers.segments._classify import CONFLICT, NOT_APPLICABLE, UNCLASSIFIED, classify
from helpers.segments._standard import ClassificationStandard, load_standard, with_thresholds

if TYPE_CHECKING:
    import ipywidgets
    from matplotlib.axes import Axes

__all__ = ["explore_rules", "plot_dimension_sizes", "plot_label_crosstab", "rules_view"]


def plot_dimension_sizes(labels: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """One stacked bar per dimension: the share of customers with each label.

    Parameters
    ----------
    labels : DataFrame
        From :func:`classify`.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (9, 0.5 * len(labels.columns) + 1.5))
    cmap = plt.get_cmap("tab20")
    for i, dim in enumerate(labels.columns):
        shares = labels[dim].value_counts(normalize=True, sort=False)
        shares = shares[shares > 0]
        left = 0.0
        for j, (label, share) in enumerate(shares.items()):
            colour = "#bbbbbb" if label in (UNCLASSIFIED, CONFLICT, NOT_APPLICABLE) else cmap(j)
            ax.barh(i, share, left=left, color=colour, edgecolor="white")
            if share > 0.06:
                ax.text(left + share / 2, i, tr(str(label)), ha="center", va="center",
                        fontsize=7)
            left += share
    ax.set_yticks(range(len(labels.columns)), [tr(str(c)) for c in labels.columns])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set(xlabel=tr("share of customers (%)"), ylabel=tr("dimension"))
    ax.set_title(tr("Customers by label, each dimension"))
    return ax


def _crosstab(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Cross-tab of two categorical Series by counting codes (fast, keeps category order)."""
    na, nb = len(a.cat.categories), len(b.cat.categories)
    counts = np.bincount(a.cat.codes.to_numpy() * nb + b.cat.codes.to_numpy(),
                         minlength=na * nb).reshape(na, nb)
    table = pd.DataFrame(counts, index=pd.Index(a.cat.categories, name=a.name),
                         columns=pd.Index(b.cat.categories, name=b.name))
    return table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]


def rules_view(
    features: pd.DataFrame,
    standard: ClassificationStandard,
    frequent_min: int = 6,
    occasional_min: int = 2,
    at_risk_days: int = 90,
    lapsed_days: int = 180,
    rows: str = "purchase_behaviour",
    columns: str = "life_cycle",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the rules widget shows (pure, fast): segment sizes and a cross-tab of two dimensions.

    The four thresholds move the purchase-behaviour and life-cycle rules of the bundled
    standard; the neighbouring rules are kept in step so no gap or overlap appears.

    Parameters
    ----------
    features : DataFrame
        From :func:`customer_features`.
    standard : ClassificationStandard
        From :func:`load_standard`.
    frequent_min, occasional_min : int
        Orders last year needed to be ``frequent`` and ``occasional``.
    at_risk_days, lapsed_days : int
        Days since the last purchase after which a customer is ``at risk`` and ``lapsed``.
    rows, columns : str
        The two dimensions of the cross-tab.

    Returns
    -------
    sizes : DataFrame
        Customers per (dimension, label).
    cross : DataFrame
        Customers per label of ``rows`` (index) and ``columns``.

    Raises
    ------
    DataProblem
        If the thresholds are not in order.
    """
    if not 0 < occasional_min < frequent_min:
        raise DataProblem("rules_view: need 0 < occasional_min < frequent_min, got "
                          f"{occasional_min} and {frequent_min}")
    if not 0 < at_risk_days < lapsed_days:
        raise DataProblem("rules_view: need 0 < at_risk_days < lapsed_days, got "
                          f"{at_risk_days} and {lapsed_days}")
    std = with_thresholds(standard, _moved_thresholds(frequent_min, occasional_min,
                                                      at_risk_days, lapsed_days))
    labels = classify(features, std, dimensions=list(dict.fromkeys([rows, columns])))
    sizes = pd.concat({d: pd.Series(np.bincount(labels[d].cat.codes.to_numpy(),
                                                minlength=len(labels[d].cat.categories)),
                                    index=labels[d].cat.categories)
                       for d in labels.columns}, names=["dimension", "label"]).rename("customers")
    sizes = sizes[sizes > 0].to_frame()
    cross = _crosstab(labels[rows], labels[columns])
    return sizes, cross


def _moved_thresholds(frequent_min: int, occasional_min: int, at_risk_days: int,
                      lapsed_days: int) -> dict[str, int]:
    """The widget's four thresholds, with the neighbouring rules kept in step."""
    return {
        "purchase_behaviour.frequent.orders_last_year.min": frequent_min,
        "purchase_behaviour.occasional.orders_last_year.min": occasional_min,
        "purchase_behaviour.occasional.orders_last_year.below": frequent_min,
        "purchase_behaviour.rare.orders_last_year.below": occasional_min,
        "life_cycle.active.days_since_last.max": at_risk_days,
        "life_cycle.at risk.days_since_last.above": at_risk_days,
        "life_cycle.at risk.days_since_last.max": lapsed_days,
        "life_cycle.lapsed.days_since_last.above": lapsed_days,
    }


def plot_label_crosstab(cross: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of customers per pair of labels (the cross-tab of :func:`rules_view`).

    Parameters
    ----------
    cross : DataFrame
        Counts, one dimension's labels as rows and another's as columns.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (8, 3.5))
    shown = cross.rename(index=lambda v: tr(str(v)), columns=lambda v: tr(str(v)))
    sns.heatmap(shown, ax=ax, cmap="Blues", annot=True, fmt=",", annot_kws={"fontsize": 8},
                cbar_kws={"label": tr("customers")})
    ax.set_xticklabels(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_xlabel(tr(str(cross.columns.name or "")) if cross.columns.name else "")
    ax.set_ylabel(tr(str(cross.index.name or "")) if cross.index.name else "")
    return ax


def explore_rules(features: pd.DataFrame,
                  standard: ClassificationStandard | None = None) -> ipywidgets.Widget:
    """Widget: move the thresholds, watch segment sizes and a two-dimension cross-tab update.

    Parameters
    ----------
    features : DataFrame
        From :func:`customer_features`.
    standard : ClassificationStandard, optional
        Default: the bundled standard.

    Returns
    -------
    ipywidgets.Widget
        The cross-tab offers only the dimensions whose columns ``features`` has.
    """
    std = load_standard(standard)
    unusable = set(std.missing_columns(features.columns)["dimension"])  # columns the data lacks
    dims = [d for d in std.dimensions_of("customers") if d not in unusable]
    freq = w.IntSlider(value=6, min=2, max=20, description=tr("frequent ≥"))
    occ = w.IntSlider(value=2, min=1, max=10, description=tr("occasional ≥"))
    risk = w.IntSlider(value=90, min=30, max=360, step=15, description=tr("at risk after"))
    lapsed = w.IntSlider(value=180, min=60, max=720, step=15, description=tr("lapsed after"))
    choices = [(tr(d), d) for d in dims]
    rows = w.Dropdown(options=choices, value="purchase_behaviour", description=tr("rows"))
    cols = w.Dropdown(options=choices, value="life_cycle", description=tr("columns"))
    out = w.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                _, cross = rules_view(features, std, freq.value, occ.value, risk.value,
                                      lapsed.value, rows.value, cols.value)
            except DataProblem as err:
                print(f"⚠ {err}")
                return
            plot_label_crosstab(cross)
            plt.show()

    for control in (freq, occ, risk, lapsed, rows, cols):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([freq, occ]), w.HBox([risk, lapsed]), w.HBox([rows, cols]), out])
