"""The team lead's dashboard: one pure view per choice of filters, and the widget around it."""

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, display
from matplotlib.axes import Axes

from helpers.display import show
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.plotting import ALERT, GOOD, percent_axis

from ._alerts import evaluate_alerts
from ._kpi_config import KpiConfig, as_kpi_config
from ._kpis import SUMS, _metrics, daily_kpis, kpi_table, kpis

__all__ = ["DashboardInputs", "dashboard_view", "explore_dashboard", "plot_daily"]

_PERCENT = ("contact_rate", "conversion", "first_call_intent_rate", "follow_up_conversion",
            "sla_met_rate")
_LABELS = {"dials": "dials", "sales": "sales", "contact_rate": "contact rate",
           "conversion": "conversion", "first_call_intent_rate": "first-call intent",
           "follow_up_conversion": "follow-up conversion", "aht_minutes": "avg handling (min)",
           "cost_per_sale": "cost per sale (CNY)", "calls_per_agent_day": "calls / agent-day",
           "effective_talk_minutes_per_agent_day": "effective talk min / agent-day",
           "sla_met_rate": "call-backs in time"}
_AGENT_COLUMNS = ("dials", "sales", "conversion", "calls_per_agent_day",
                  "effective_talk_minutes_per_agent_day")


def _mask(cube: pd.DataFrame, team: str | None, agent: str | None, tier: str | None,
          start: Any, end: Any) -> np.ndarray:
    """The cube's rows that pass the filters."""
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
    return mask


class DashboardInputs:
    """The KPI cube read into arrays once, so a choice of filters sums a slice of them.

    Every sum of the cube is a count or a whole number of seconds, so adding the rows of a
    slice in any order gives exactly what pandas' group-bys give; a cube with fractional
    seconds (or too large to add exactly) is summed by pandas, as a plain call does.

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube`.
    """

    def __init__(self, cube: pd.DataFrame) -> None:
        self.cube = cube
        values = {c: cube[c].to_numpy() for c in SUMS}
        self.exact = all((v.dtype.kind in "iu" or (v.dtype.kind == "f"
                                                   and bool(np.all(np.floor(v) == v))))
                         and float(np.abs(v).sum()) < 2.0 ** 52 for v in values.values())
        self.sums = {c: v.astype("float64") for c, v in values.items()}
        self.dtypes = {c: v.dtype for c, v in values.items()}
        day_codes, self.days = pd.factorize(cube["date"], sort=True)
        self.day = day_codes.astype("int64")
        self.agent = np.asarray(cube["agent_id"].cat.codes, dtype="int64")
        self.n_agents = len(cube["agent_id"].cat.categories)
        self.active = values["dials"] > 0

    def view(self, mask: np.ndarray, cfg: KpiConfig) -> dict[str, Any]:
        """KPIs, daily series and per-agent table of the rows in ``mask`` (not empty)."""
        rows = np.flatnonzero(mask)
        day, agent = self.day[rows], self.agent[rows]
        # distinct (day, agent) pairs with calls: the agent-days
        pairs = np.unique((day * self.n_agents + agent)[self.active[rows]])
        by_day = self._grouped(rows, day, len(self.days), pairs // self.n_agents)
        by_agent = self._grouped(rows, agent, self.n_agents, pairs % self.n_agents)
        daily_index = pd.Index(self.days[by_day[0]], name="date")
        cats = self.cube["agent_id"].dtype
        agent_index = pd.CategoricalIndex(pd.Categorical.from_codes(by_agent[0], dtype=cats),
                                          name="agent_id")
        total = _Sums({c: self._cast(c, self.sums[c][rows].sum(keepdims=True)) for c in SUMS},
                      pd.RangeIndex(1))
        row = _metrics(total, len(pairs), cfg).iloc[0]  # type: ignore[arg-type,unused-ignore]
        head: dict[str, Any] = {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
        head.update(dials=int(total["dials"][0]), sales=int(total["sales"][0]))
        return {"kpis": head, "daily": self._table(by_day, daily_index, cfg),
                "agents": self._table(by_agent, agent_index, cfg)}

    def _cast(self, col: str, x: np.ndarray) -> np.ndarray:
        return x.astype(self.dtypes[col])

    def _grouped(self, rows: np.ndarray, codes: np.ndarray, k: int,
                 pair_codes: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
        """Groups present (in code order), their sums and their agent-days."""
        present = np.flatnonzero(np.bincount(codes, minlength=k))
        sums = {c: self._cast(c, np.bincount(codes, weights=self.sums[c][rows],
                                             minlength=k)[present]) for c in SUMS}
        return present, sums, np.bincount(pair_codes, minlength=k)[present]

    @staticmethod
    def _table(grouped: tuple[np.ndarray, dict[str, np.ndarray], np.ndarray], index: pd.Index,
               cfg: KpiConfig) -> pd.DataFrame:
        """As :func:`daily_kpis` and :func:`kpi_table`: counts and KPIs per group."""
        _, sums, agent_days = grouped
        metrics = _metrics(_Sums(sums, index), agent_days, cfg)  # type: ignore[arg-type,unused-ignore]
        counts = {c: sums[c] for c in ("dials", "answered", "sales")}
        return pd.DataFrame({**counts, **{k: metrics[k].to_numpy() for k in metrics}},
                            index=index).reset_index()


class _Sums(dict[str, np.ndarray]):
    """Sums by column as arrays, with the ``index`` of the table they make.

    What :func:`_metrics` reads of a frame, without a pandas operation per KPI.
    """

    def __init__(self, columns: dict[str, np.ndarray], index: pd.Index) -> None:
        super().__init__(columns)
        self.index = index


def dashboard_view(cube: pd.DataFrame | DashboardInputs, team: str | None = None,
                   agent: str | None = None, tier: str | None = None, start: Any = None,
                   end: Any = None, config: KpiConfig | None = None) -> dict[str, Any]:
    """Everything the dashboard shows for one choice of filters (the widget's pure callback).

    Given a :class:`DashboardInputs` (what :func:`explore_dashboard` builds once), the slice
    is summed from arrays read once; the result is the same.

    Parameters
    ----------
    cube : DataFrame or DashboardInputs
        :func:`kpi_cube`, or prepared from it.
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
        raise DataProblem(tr("dashboard filter: 'from' {start} is after 'to' {end}; set 'to' on or "
                             "after 'from'", start=f"{pd.Timestamp(start):%Y-%m-%d}",
                             end=f"{pd.Timestamp(end):%Y-%m-%d}"))
    prep = cube if isinstance(cube, DashboardInputs) else None
    frame = cube.cube if isinstance(cube, DashboardInputs) else cube
    mask = _mask(frame, team, agent, tier, start, end)
    n_rows = int(mask.sum())
    if not n_rows:
        return {"kpis": {}, "daily": pd.DataFrame(), "agents": pd.DataFrame(),
                "alerts": evaluate_alerts(pd.DataFrame({"date": [], "answered": []}), cfg,
                                          rules=[]), "n_rows": 0}
    if prep is not None and prep.exact:
        view = prep.view(mask, cfg)
    else:
        part = frame.loc[mask]
        view = {"kpis": kpis(part, cfg), "daily": daily_kpis(part, cfg),
                "agents": kpi_table(part, "agent_id", cfg)}
    return {**view, "agents": view["agents"].sort_values("sales", ascending=False),
            "alerts": evaluate_alerts(view["daily"], cfg), "n_rows": n_rows}


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
    ax.plot(daily["date"], daily[metric], lw=1, color=GOOD)
    share = metric in _PERCENT
    if threshold is not None:
        shown = f"{threshold:.1%}" if share else f"{threshold:g}"
        ax.axhline(threshold, color=ALERT, ls="--", lw=1, label=tr("threshold {value}", value=shown))
    if alerts is not None:
        for _, a in alerts.loc[alerts["metric"] == metric].iterrows():
            ax.axvspan(a["start"] - pd.Timedelta(hours=12), a["end"] + pd.Timedelta(hours=12),
                       color=ALERT, alpha=0.25)
    label = tr(_LABELS.get(metric, metric.replace("_", " ")))
    ax.set(xlabel=tr("day"), ylabel=label + (" (%)" if share else ""),
           title=tr("Daily {metric}", metric=label))
    if share:
        percent_axis(ax)
    if threshold is not None:
        ax.legend(loc="upper right")
    return ax


def _labelled(values: list[str]) -> list[tuple[str, str]]:
    """Dropdown options: the value shown in the edition's language, the data value kept."""
    return [(tr(v), v) for v in values]


def _card_value(name: str, value: Any) -> str:
    if name in ("dials", "sales"):
        return f"{value or 0:,}"
    if value is None:
        return "n/a"
    return f"{value:.1%}" if name in _PERCENT else f"{value:,.1f}"


def _cards(k: dict[str, Any]) -> str:
    cells = "".join(
        f'<div class="kpi-card" style="display:inline-block;margin:4px;padding:6px 10px;'
        f'border:1px solid #ccc;border-radius:6px;min-width:120px">'
        f'<div style="font-size:12px;color:#333">{tr(label)}</div>'
        f'<div style="font-size:18px;font-weight:600">{_card_value(key, k.get(key))}'
        f"</div></div>" for key, label in _LABELS.items())
    return f'<div class="kpi-cards">{cells}</div>'


def _day(text: Any, which: str) -> pd.Timestamp | None:
    """A filter's day from ISO text (``2025-06-30``); empty: no limit."""
    if text is None or not str(text).strip():
        return None
    try:
        return pd.Timestamp(str(text).strip())
    except ValueError:
        raise DataProblem(tr("dashboard filter: {which} {text!r} is not a day; write it as "
                             "YYYY-MM-DD, e.g. 2025-06-30", which=tr(which), text=text)) from None


def _alert_rows(alerts: pd.DataFrame) -> pd.DataFrame:
    """The alerts as the dashboard lists them: readable headers, the worst value in its unit."""
    worst = [f"{v:.1%}" if m in _PERCENT else f"{v:,.2f}"
             for m, v in zip(alerts["metric"], alerts["worst"], strict=True)]
    return pd.DataFrame({tr("alert"): alerts["rule"].map(tr), tr("KPI"): alerts["metric"].map(
        lambda m: tr(str(_LABELS.get(m, m)))), tr("from"): alerts["start"], tr("to"): alerts["end"],
        tr("days"): alerts["n_days"], tr("worst value"): worst})


def _show_view(view: dict[str, Any], metric: str, threshold: float | None, ax: Axes) -> None:
    """Draw the trend (on the widget's one figure), list the alerts and the top agents."""
    ax.clear()
    plot_daily(view["daily"], metric, threshold, view["alerts"], ax=ax)
    display(ax.figure)
    alerts = view["alerts"]
    if len(alerts):
        display(HTML(f"<h4>{tr('Alerts in this selection')}</h4>"))
        display(show(_alert_rows(alerts), rows=20))
    else:
        print(tr("No alert fired in this selection."))
    display(HTML(f"<h4>{tr('Top 10 agents by sales')}</h4>"))
    agents = view["agents"][["agent_id", *_AGENT_COLUMNS]]
    display(show(agents.set_axis([tr("agent"), *(tr(_LABELS[c]) for c in _AGENT_COLUMNS)],
                                 axis=1), rows=10))


def _filters(cube: pd.DataFrame, metric: str) -> dict[str, w.Widget]:
    """The dashboard's controls: team, agent, tier, the first and last day, the chart's KPI."""
    # a log without teams or tiers has one called "all" (see prepare_calls): listed once
    options = {col: ["all", *(c for c in map(str, cube[col].cat.categories) if c != "all")]
               for col in ("team", "agent_id", "tier")}
    controls: dict[str, w.Widget] = {
        name: w.Dropdown(options=_labelled(options[col]), description=tr(name))
        for name, col in (("team", "team"), ("agent", "agent_id"), ("tier", "tier"))}
    # days as ISO text: a browser's date picker shows its own locale's format (mm/dd/yyyy)
    for name, day in (("from", cube["date"].min()), ("to", cube["date"].max())):
        controls[name] = w.Text(value=f"{day:%Y-%m-%d}", description=tr(name),
                                placeholder="YYYY-MM-DD", continuous_update=False)
    charted = [k for k in _LABELS if k not in ("dials", "sales")]
    controls["chart"] = w.Dropdown(options=[(tr(_LABELS[k]), k) for k in charted],
                                   value=metric if metric in charted else "conversion",
                                   description=tr("chart"))
    return controls


def explore_dashboard(cube: pd.DataFrame, config: KpiConfig | None = None,
                      metric: str = "conversion", title: str | None = None) -> w.Widget:
    """The team lead's dashboard: filter by team, agent, tier and dates; KPIs, trend, alerts.

    Works in JupyterLab and under Voilà (no code needed on the page:
    ``solutions/dashboard.ipynb``, ``make dashboard``). A filter that cannot be applied ("to"
    before "from", a day that is not ``YYYY-MM-DD``) replaces the cards by what is wrong and
    clears the chart and tables, so no stale numbers stay on screen.

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube`.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).
    metric : str
        The KPI drawn as the daily trend at first (a dropdown changes it).
    title : str, optional
        A heading above the filters (the dashboard notebook's).

    Returns
    -------
    ipywidgets.Widget
        Filters, KPI cards, trend, alerts and top agents; callback :func:`dashboard_view`.
    """
    cfg = as_kpi_config(config)
    prep = DashboardInputs(cube)  # the cube's arrays, read once
    c = _filters(cube, metric)
    cards, out = w.HTML(), w.Output()
    fig, ax = plt.subplots(figsize=(9, 3))
    plt.close(fig)  # one figure, redrawn on each choice and shown with display(fig)

    def agents_of_team(*_: Any) -> None:
        agents = cube["agent_id"].cat.categories if c["team"].value == "all" else (
            cube.loc[cube["team"] == c["team"].value, "agent_id"].astype(str).unique())
        c["agent"].options = _labelled(["all", *sorted(a for a in map(str, agents) if a != "all")])

    def draw(*_: Any) -> None:
        try:
            view = dashboard_view(prep, c["team"].value, c["agent"].value, c["tier"].value,
                                  _day(c["from"].value, "from"), _day(c["to"].value, "to"), cfg)
        except DataProblem as exc:  # no stale numbers: the cards, chart and tables go
            cards.value = f'<b class="filter-problem" style="color:#8a3b00">{exc}</b>'
            out.clear_output()
            return
        cards.value = _cards(view["kpis"]) if view["n_rows"] else f"<i>{tr('no calls')}</i>"
        chart = c["chart"].value
        threshold = next((r.threshold for r in cfg.alerts if r.metric == chart), None)
        with out:
            out.clear_output(wait=True)
            if view["n_rows"]:
                _show_view(view, chart, threshold, ax)

    c["team"].observe(agents_of_team, names="value")
    for widget in c.values():
        widget.observe(draw, names="value")
    draw()
    rows = [w.HBox([c[k] for k in ("team", "agent", "tier")]),
            w.HBox([c[k] for k in ("from", "to", "chart")]), cards, out]
    return w.VBox(([w.HTML(f"<h2>{title}</h2>")] if title else []) + rows)
