"""The best time to call, with its uncertainty: contact rates by weekday and hour."""

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr

from ._stats import Z95, wilson_interval
from ._vocabulary import WEEKDAYS

__all__ = ["call_schedule", "contact_rates_by_time", "plot_time_heatmap"]


def contact_rates_by_time(
    calls: pd.DataFrame,
    purpose: str | None = "sales",
    by: tuple[str, ...] = ("weekday", "hour"),
    z: float = Z95,
) -> pd.DataFrame:
    """Answer rate and sales per dial by weekday and hour, with Wilson intervals.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` table (``started_at, answered, outcome``, optionally ``purpose``).
    purpose : str or None
        Keep calls with this purpose only (``None``: all calls).
    by : tuple of str
        The slots: ``("weekday", "hour")``, ``("hour",)`` or ``("weekday",)``.
    z : float
        The normal quantile of the intervals (1.96: 95%).

    Returns
    -------
    DataFrame
        One row per slot: ``dials, answered, sales, answer_rate, answer_low, answer_high,
        sales_per_dial, sales_low, sales_high``. ``weekday`` is Mon..Sun (ordered category).

    Raises
    ------
    DataProblem
        If a column is missing or no call has the purpose.

    Examples
    --------
    >>> calls = pd.DataFrame({"started_at": pd.to_datetime(["2025-03-03 09:10",
    ...                                                     "2025-03-03 09:40"]),
    ...                       "answered": [True, False], "outcome": ["sale", "no_answer"]})
    >>> contact_rates_by_time(calls, by=("hour",))[["hour", "dials", "answer_rate"]]
       hour  dials  answer_rate
    0     9      2          0.5
    """
    require_columns(calls, ["started_at", "answered", "outcome"], "calls")
    c = calls
    if purpose and "purpose" in c.columns:
        c = c.loc[c["purpose"].eq(purpose).fillna(False).astype(bool)]
    if c.empty:
        raise DataProblem(f"calls: no {purpose or ''} calls to compute contact rates from")
    t = c["started_at"]
    work = pd.DataFrame({
        "weekday": pd.Categorical.from_codes(t.dt.day_of_week.to_numpy(), WEEKDAYS, ordered=True),
        "hour": t.dt.hour,
        "answered": c["answered"].astype("boolean").fillna(False).astype(int),
        "sales": c["outcome"].eq("sale").astype(int),
    })
    g = work.groupby(list(by), observed=True).agg(
        dials=("answered", "size"), answered=("answered", "sum"), sales=("sales", "sum"))
    g = g.reset_index()
    g["answer_rate"] = g["answered"] / g["dials"]
    g["answer_low"], g["answer_high"] = wilson_interval(g["answered"], g["dials"], z)
    g["sales_per_dial"] = g["sales"] / g["dials"]
    g["sales_low"], g["sales_high"] = wilson_interval(g["sales"], g["dials"], z)
    return g


def call_schedule(rates: pd.DataFrame, hours_per_day: int = 3, min_dials: int = 30,
                  metric: str = "sales_per_dial") -> pd.DataFrame:
    """Pick the best ``hours_per_day`` hours of each weekday for outbound sales calls.

    Slots with fewer than ``min_dials`` dials are too uncertain and are skipped. Hours are ranked
    by ``metric`` (default sales per dial); the interval columns travel along so the uncertainty
    stays visible.

    Parameters
    ----------
    rates : DataFrame
        :func:`contact_rates_by_time` by weekday and hour.
    hours_per_day : int
        How many hours to pick per weekday.
    min_dials : int
        Slots with fewer dials are skipped.
    metric : str
        The column to rank hours by.

    Returns
    -------
    DataFrame
        The chosen slots, by weekday, best first, with ``rank``.

    Raises
    ------
    DataProblem
        If a column is missing or no slot has ``min_dials`` dials.
    """
    require_columns(rates, ["weekday", "hour", "dials", metric], "rates")
    ok = rates.loc[rates["dials"] >= min_dials]
    if ok.empty:
        raise DataProblem(f"rates: no weekday/hour slot has at least {min_dials} dials; lower "
                          "min_dials or use a longer call history")
    ranked = ok.sort_values(["weekday", metric], ascending=[True, False])
    ranked = ranked.assign(rank=ranked.groupby("weekday", observed=True).cumcount() + 1)
    return ranked.loc[ranked["rank"] <= hours_per_day].reset_index(drop=True)


def plot_time_heatmap(rates: pd.DataFrame, metric: str = "sales_per_dial",
                      ax: Axes | None = None) -> Axes:
    """Heat map of a contact metric by weekday (rows) and hour (columns).

    Parameters
    ----------
    rates : DataFrame
        :func:`contact_rates_by_time` by weekday and hour.
    metric : str
        The column to show.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    grid = rates.pivot_table(index="weekday", columns="hour", values=metric, observed=True)
    grid = grid.rename(index=lambda day: tr(str(day)))
    ax = ax or plt.subplots(figsize=(8, 3.2))[1]
    sns.heatmap(grid, ax=ax, cmap="YlGn", cbar_kws={"fraction": 0.03})
    ax.tick_params(axis="y", rotation=0)
    ax.set(xlabel=tr("hour of day"), ylabel=tr("weekday"),
           title=tr("{metric} by weekday and hour", metric=tr(metric.replace("_", " "))))
    return ax
