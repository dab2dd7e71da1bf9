"""How good a lead ranking is and what it buys: gains, lift, calibration, call capacity."""

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr

__all__ = ["calibration_table", "capacity_view", "explore_capacity", "gains_table",
           "plot_calibration", "plot_gains"]


def _check_scores(y: Any, score: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    if y.shape != s.shape or y.ndim != 1:
        raise DataProblem(f"outcomes and scores must be two equal-length columns, got {y.shape} "
                          f"and {s.shape}")
    if np.isnan(y).any() or np.isnan(s).any():
        raise DataProblem("outcomes or scores contain empty values; score every lead and drop "
                          "rows without a known outcome")
    return y, s


def gains_table(y: Any, score: Any, bins: int = 10) -> pd.DataFrame:
    """Decile gains and lift table: leads ranked by score, cut into ``bins`` equal groups.

    Parameters
    ----------
    y : array-like
        The outcomes (1/True = converted).
    score : array-like
        The scores (higher = more likely).
    bins : int
        Number of groups.

    Returns
    -------
    DataFrame
        One row per group (1 = highest scores): ``leads, conversions, rate, cum_leads,
        cum_conversions, capture`` (share of all conversions found so far), ``lift`` (group rate
        / overall rate) and ``cum_lift``.

    Raises
    ------
    DataProblem
        Unequal lengths, empty values, fewer leads than bins, or no conversion at all.

    Examples
    --------
    >>> g = gains_table([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3], bins=2)
    >>> g[["group", "conversions", "capture", "lift"]]
       group  conversions  capture  lift
    0      1            2      1.0   2.0
    1      2            0      1.0   0.0
    """
    y, s = _check_scores(y, score)
    if len(y) < bins:
        raise DataProblem(f"{len(y)} leads cannot be cut into {bins} groups; use fewer bins")
    order = np.argsort(-s, kind="stable")
    group = np.arange(len(y)) * bins // len(y) + 1
    t = (pd.DataFrame({"group": group, "y": y[order]}).groupby("group")["y"]
         .agg(leads="size", conversions="sum"))
    total, base = t["conversions"].sum(), y.mean()
    if not total:
        raise DataProblem("no conversions among these leads: gains and lift are undefined")
    t["conversions"] = t["conversions"].astype(int)
    t["rate"] = t["conversions"] / t["leads"]
    t["cum_leads"] = t["leads"].cumsum()
    t["cum_conversions"] = t["conversions"].cumsum()
    t["capture"] = t["cum_conversions"] / total
    t["lift"] = t["rate"] / base
    t["cum_lift"] = (t["cum_conversions"] / t["cum_leads"]) / base
    return t.reset_index()


def calibration_table(y: Any, score: Any, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability against observed rate, in ``bins`` score quantile groups.

    Parameters
    ----------
    y : array-like
        The outcomes.
    score : array-like
        The predicted probabilities.
    bins : int
        Number of groups.

    Returns
    -------
    DataFrame
        ``bin, leads, predicted, observed``.

    Raises
    ------
    DataProblem
        Unequal lengths or empty values.
    """
    y, s = _check_scores(y, score)
    q = pd.qcut(pd.Series(s).rank(method="first"), bins, labels=False) + 1
    return (pd.DataFrame({"bin": q, "predicted": s, "observed": y}).groupby("bin")
            .agg(leads=("observed", "size"), predicted=("predicted", "mean"),
                 observed=("observed", "mean")).reset_index())


def capacity_view(scored: pd.DataFrame, capacity: int, score: str = "score",
                  target: str | None = None) -> dict[str, Any]:
    """Who to call with capacity for ``capacity`` calls, and what to expect.

    A capacity larger than the list is not an error: every lead is called (``capped`` is True).

    Parameters
    ----------
    scored : DataFrame
        Scored leads (e.g. :attr:`ScoredModel.test`).
    capacity : int
        Calls the team can make.
    score : str
        The score column.
    target : str, optional
        The outcome column; when given, ``observed_conversions`` is added.

    Returns
    -------
    dict
        ``called`` (the chosen rows, best first), ``n_called``, ``expected_conversions`` (sum of
        predicted probabilities), ``random_expected`` (same number of calls at random),
        ``expected_lift``, ``observed_conversions`` (when ``target`` is in the frame),
        ``capped``.

    Raises
    ------
    DataProblem
        If ``capacity`` is not positive or a lead has no score.

    Examples
    --------
    >>> scored = pd.DataFrame({"score": [0.9, 0.1, 0.5]})
    >>> round(capacity_view(scored, 2)["expected_conversions"], 2)
    1.4
    """
    require_columns(scored, [score], "scored leads")
    if capacity is None or capacity <= 0:
        raise DataProblem(f"capacity must be a positive number of calls, got {capacity}")
    s = pd.to_numeric(scored[score], errors="coerce")
    if s.isna().any():
        raise DataProblem(f"scored leads: {int(s.isna().sum())} rows have no score; score all "
                          "leads")
    n = min(int(capacity), len(scored))
    top = scored.assign(**{score: s}).nlargest(n, score)
    expected = float(top[score].sum())
    random_expected = float(s.mean() * n)
    out = {"called": top, "n_called": n, "expected_conversions": expected,
           "random_expected": random_expected,
           "expected_lift": expected / random_expected if random_expected else None,
           "capped": capacity > len(scored)}
    if target and target in scored.columns:
        out["observed_conversions"] = int(top[target].sum())
    return out


def plot_gains(gains: pd.DataFrame, ax: Axes | None = None, label: str = "model") -> Axes:
    """Cumulative gains curve: share of conversions found against share of leads called.

    Parameters
    ----------
    gains : DataFrame
        :func:`gains_table`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str
        The legend label of the model's curve.

    Returns
    -------
    Axes
    """
    ax = ax or plt.subplots(figsize=(5, 4))[1]
    x = np.r_[0, gains["cum_leads"] / gains["cum_leads"].iloc[-1]]
    ax.plot(x, np.r_[0, gains["capture"]], marker="o", label=tr(label))
    ax.plot([0, 1], [0, 1], color="grey", ls="--", label=tr("random calling"))
    ax.set(xlabel=tr("share of leads called (best scores first)"),
           ylabel=tr("share of all conversions reached"), title=tr("Cumulative gains"))
    ax.legend()
    return ax


def plot_calibration(table: pd.DataFrame, ax: Axes | None = None, label: str = "model") -> Axes:
    """Reliability diagram: predicted probability against observed conversion rate.

    Parameters
    ----------
    table : DataFrame
        :func:`calibration_table`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str
        The legend label of the model's curve.

    Returns
    -------
    Axes
    """
    ax = ax or plt.subplots(figsize=(4.5, 4))[1]
    top = float(max(table["predicted"].max(), table["observed"].max()))
    ax.plot([0, top], [0, top], color="grey", ls="--", label=tr("perfect calibration"))
    ax.plot(table["predicted"], table["observed"], marker="o", label=tr(label))
    ax.set(xlabel=tr("predicted conversion probability"), ylabel=tr("observed conversion rate"),
           title=tr("Calibration"))
    ax.legend()
    return ax


def explore_capacity(scored: pd.DataFrame, score: str = "score", target: str | None = None,
                     max_capacity: int | None = None) -> w.Widget:
    """Widget: set the daily call capacity; see expected conversions on the gains curve.

    Parameters
    ----------
    scored : DataFrame
        Scored leads (e.g. :attr:`ScoredModel.test`).
    score : str
        The score column.
    target : str, optional
        The outcome column (observed conversions are then shown too).
    max_capacity : int, optional
        The slider's maximum (default: all leads).

    Returns
    -------
    ipywidgets.Widget
        The slider above the chart; its callback is :func:`capacity_view`.
    """
    n = len(scored)
    slider = w.IntSlider(value=max(1, n // 10), min=1, max=max_capacity or n, step=max(1, n // 200),
                         description=tr("calls/day"), continuous_update=False)
    out = w.Output()
    cum_expected = np.cumsum(np.sort(scored[score].to_numpy())[::-1])

    def draw(*_: Any) -> None:
        view = capacity_view(scored, slider.value, score=score, target=target)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 3.5))
            ax.plot(np.arange(1, n + 1), cum_expected, label=tr("call best-scored first"))
            ax.plot([0, n], [0, cum_expected[-1]], ls="--", color="grey",
                    label=tr("call at random"))
            ax.axvline(view["n_called"], color="#d9534f")
            ax.set(xlabel=tr("calls made"), ylabel=tr("expected conversions"),
                   title=tr("{n} calls -> {sales:.0f} expected sales (random: {random:.0f}, "
                            "lift {lift:.2f}x)", n=view["n_called"],
                            sales=view["expected_conversions"], random=view["random_expected"],
                            lift=view["expected_lift"]))
            ax.legend()
            plt.show()

    slider.observe(draw, names="value")
    draw()
    return w.VBox([slider, out])

