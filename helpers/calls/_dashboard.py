"""The team lead's dashboard: one pure view per choice of filters, and the widget around it."""

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.axes import Axes

from helpers.errors import DataProblem

from ._alerts import evaluate_alerts
from ._kpi_config import KpiConfig, as_kpi_config
from ._kpis import daily_kpis, kpi_table, kpis

__all__ = ["dashboard_view", "explore_dashboard", "plot_daily"]

_PERCENT = ("contact_rate", "conversion", "first_call_intent_rate", "follow_up_conversion",
            "sla_met_rate")
_LABELS = {"dials": "dials", "sales": "sales", "contact_rate": "contact rate",
           "conversion": "conversion", "first_call_intent_rate": "first-call intent",
           "follow_up_conversion": "follow-up conversion", "aht_minutes": "avg handling (min)",
           "cost_per_sale": "cost per sale (CNY)", "calls_per_agent_day": "calls / agent-day",
           "effective_talk_minutes_per_agent_day": "effective talk min / agent-day",
           "sla_met_rate": "call-backs in time"}


def _slice(cube: pd.DataFrame, team: str | None, agent: str | None, tier: str | None,
           start: Any, end: Any) -> pd.DataFrame:
    mask = np.ones(len(cube), dtype=bool)
    for col, value in (("team", team), ("agent_id", agent), ("tier", tier)):
        if value not in (None, "", "all"):
            cat = cube[col].cat
            if value not in cat.categories:
                raise DataProblem(f"dashboard filter: {col} {value!r} does not occur in the data")
            mask &= cat.codes.to_numpy() == cat.categories.get_loc(value)
    dates = cube["date"].to_numpy()
    if start is not None:
        mask &= dates >= np.datetime64(pd.Timestamp(start))
    if end is not None:
        mask &= dates <= np.datetime64(pd.Timestamp(end))
    return cube.loc[mask]


def dashboard_view(cube: pd.DataFrame, team: str | None = None, agent: str | None = None,
                   tier: str | None = None, start: Any = None, end: Any = None,
                   config: KpiConfig | None = None) -> dict[str, Any]:
    """Everything the dashboard shows for one choice of filters (the widget's pure callback).

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube`.
    team, agent, tier : str, optional
        Filters (``None`` or ``"all"``: no filter).
    start, end : date, optional
        First and last day shown.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).

    Returns
    -------
    dict
        ``kpis`` (headline figures), ``daily`` (KPIs per day), ``agents`` (per-agent table),
        ``alerts`` (rule firings within the slice), ``n_rows`` (cube rows selected).

    Raises
    ------
    DataProblem
        A filter value that does not occur in the data, or ``start`` after ``end``.
    """
    cfg = as_kpi_config(config)
    if start is not None and end is not None and pd.Timestamp(start) > pd.Timestamp(end):
        raise DataProblem(f"dashboard filter: start {start} is after end {end}")
    part = _slice(cube, team, agent, tier, start, end)
    if part.empty:
        return {"kpis": {}, "daily": pd.DataFrame(), "agents": pd.DataFrame(),
                "alerts": evaluate_alerts(pd.DataFrame({"date": [], "answered": []}), cfg,
                                          rules=[]), "n_rows": 0}
    daily = daily_kpis(part, cfg)
    return {"kpis": kpis(part, cfg), "daily": daily,
            "agents": kpi_table(part, "agent_id", cfg).sort_values("sales", ascending=False),
            "alerts": evaluate_alerts(daily, cfg), "n_rows": len(part)}


def plot_daily(daily: pd.DataFrame, metric: str = "conversion", threshold: float | None = None,
               alerts: pd.DataFrame | None = None, ax: Axes | None = None) -> Axes:
    """Daily KPI line with the alert threshold and the alert runs shaded.

    Parameters
    ----------
    daily : DataFrame
        :func:`daily_kpis`.
    metric : str
        The KPI to draw.
    threshold : float, optional
        Drawn as a dashed line.
    alerts : DataFrame, optional
        :func:`evaluate_alerts`; the runs of this metric are shaded.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = ax or plt.subplots(figsize=(9, 3))[1]
    ax.plot(daily["date"], daily[metric], lw=1, color="#3b6ea5")
    if threshold is not None:
        ax.axhline(threshold, color="#d9534f", ls="--", lw=1, label=f"threshold {threshold:g}")
    if alerts is not None:
        for _, a in alerts.loc[alerts["metric"] == metric].iterrows():
            ax.axvspan(a["start"] - pd.Timedelta(hours=12), a["end"] + pd.Timedelta(hours=12),
                       color="#d9534f", alpha=0.25)
    ax.set(ylabel=metric.replace("_", " "), title=f"Daily {metric.replace('_', ' ')}")
    if threshold is not None:
        ax.legend(loc="upper right")
    return ax


def _card_value(name: str, value: Any) -> str:
    if name in ("dials", "sales"):
        return f"{value or 0:,}"
    if value is None:
        return "n/a"
    return f"{value:.1%}" if name in _PERCENT else f"{value:,.1f}"


def _cards(k: dict[str, Any]) -> str:
    cells = "".join(
        f'<div style="display:inline-block;margin:4px;padding:6px 10px;border:1px solid #ccc;'
        f'border-radius:6px;min-width:120px"><div style="font-size:11px;color:#555">{label}</div>'
        f'<div style="font-size:18px;font-weight:600">{_card_value(key, k.get(key))}'
        f"</div></div>" for key, label in _LABELS.items())
    return f"<div>{cells}</div>"


def _show_view(view: dict[str, Any], metric: str, threshold: float | None) -> None:
    """Draw the trend, list the alerts and the top agents of one dashboard view."""
    fig, ax = plt.subplots(figsize=(9, 3))
    plot_daily(view["daily"], metric, threshold, view["alerts"], ax=ax)
    plt.show()
    alerts = view["alerts"]
    if len(alerts):
        display(alerts[["rule", "start", "end", "n_days", "worst"]])
    else:
        print("No alert fired in this selection.")
    display(view["agents"].head(10)[["agent_id", "dials", "sales", "conversion",
                                     "calls_per_agent_day",
                                     "effective_talk_minutes_per_agent_day"]].round(3))


def explore_dashboard(cube: pd.DataFrame, config: KpiConfig | None = None,
                      metric: str = "conversion") -> w.Widget:
    """The team lead's dashboard: filter by team, agent, tier and dates; KPIs, trend, alerts.

    Works in JupyterLab and under Voilà (no code needed on the page).

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube`.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).
    metric : str
        The KPI drawn as the daily trend.

    Returns
    -------
    ipywidgets.Widget
        Filters, KPI cards and the trend; its callback is :func:`dashboard_view`.
    """
    cfg = as_kpi_config(config)
    # a log without teams or tiers has one called "all" (see prepare_calls): listed once
    options = {col: ["all", *(c for c in map(str, cube[col].cat.categories) if c != "all")]
               for col in ("team", "agent_id", "tier")}
    team = w.Dropdown(options=options["team"], description="team")
    agent = w.Dropdown(options=options["agent_id"], description="agent")
    tier = w.Dropdown(options=options["tier"], description="tier")
    start = w.DatePicker(value=cube["date"].min().date(), description="from")
    end = w.DatePicker(value=cube["date"].max().date(), description="to")
    cards, out = w.HTML(), w.Output()
    threshold = next((r.threshold for r in cfg.alerts if r.metric == metric), None)

    def agents_of_team(*_: Any) -> None:
        if team.value == "all":
            agent.options = options["agent_id"]
        else:
            sub = cube.loc[cube["team"] == team.value, "agent_id"].astype(str).unique()
            agent.options = ["all", *sorted(sub)]

    def draw(*_: Any) -> None:
        try:
            view = dashboard_view(cube, team.value, agent.value, tier.value, start.value,
                                  end.value, cfg)
        except DataProblem as exc:
            cards.value = f'<b style="color:#b35900">{exc}</b>'
            return
        cards.value = _cards(view["kpis"]) if view["n_rows"] else "<i>no calls</i>"
        with out:
            out.clear_output(wait=True)
            if view["n_rows"]:
                _show_view(view, metric, threshold)

    team.observe(agents_of_team, names="value")
    for widget in (team, agent, tier, start, end):
        widget.observe(draw, names="value")
    draw()
    return w.VBox([w.HBox([team, agent, tier]), w.HBox([start, end]), cards, out])
