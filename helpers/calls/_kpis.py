"""The telephone-sales KPIs: calls enriched one by one, summed into a cube, ratios of sums.

The call log is first enriched call by call (:func:`prepare_calls`: first call or follow-up,
intent shown, effective call, response time to a call-back request) and then summed once into a
small cube, one row per day × agent × customer tier (:func:`kpi_cube`). Every KPI is a ratio of
sums over that cube, so the dashboard's filters only slice a few hundred thousand rows.
"""

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns
from helpers.scale import kpi_cube_on_engine, use_engine

from ._kpi_config import KpiConfig, as_kpi_config

__all__ = ["KPI_NAMES", "daily_kpis", "kpi_cube", "kpi_table", "kpis", "prepare_calls",
           "response_times"]

KPI_NAMES = ("contact_rate", "conversion", "first_call_intent_rate", "follow_up_conversion",
             "aht_minutes", "cost_per_sale", "calls_per_agent_day",
             "effective_talk_minutes_per_agent_day", "sla_met_rate")
SUMS = ("dials", "answered", "sales", "talk_s", "eff_calls", "eff_talk_s", "first_calls",
        "first_intent", "fu_answered", "fu_sales", "requests", "in_sla")
INTENT = ("interested", "callback_requested", "sale")
_CALL_COLUMNS = ["call_id", "agent_id", "started_at", "duration_s", "answered", "outcome"]


def _sales_calls(calls: pd.DataFrame, agents: pd.DataFrame, purpose: str | None) -> pd.DataFrame:
    """The calls of ``purpose``, sorted by time, every one by a known agent."""
    require_columns(calls, _CALL_COLUMNS, "calls")
    require_columns(agents, ["agent_id", "team"], "agents")
    c = calls
    if purpose and "purpose" in c.columns:
        c = c.loc[c["purpose"].eq(purpose).fillna(False).astype(bool)]
    if c.empty:
        raise DataProblem(f"calls: no {purpose or ''} calls left to build the dashboard from")
    unknown = ~c["agent_id"].isin(agents["agent_id"])
    if unknown.any():
        raise DataProblem(f"calls: {int(unknown.sum())} calls by agents not in the agents table, "
                          f"e.g. {sorted(c.loc[unknown, 'agent_id'].astype(str).unique())[:5]}; "
                          "add them to agents or run validate_calls(..., errors='drop')")
    cols = _CALL_COLUMNS + [x for x in ("customer_id", "lead_id", "direction") if x in c.columns]
    return c[cols].sort_values("started_at", kind="stable").reset_index(drop=True)


def _column_or_na(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)


def _response_minutes(out: pd.DataFrame, inbound: pd.Series) -> pd.Series:
    """Minutes from each call to the next outbound call to the same contact (NaN if none)."""
    outbound_at = out["started_at"].where(~inbound)
    grp = outbound_at.groupby(out["contact"], sort=False)
    next_out = grp.shift(-1).groupby(out["contact"], sort=False).bfill()
    return (next_out - out["started_at"]).dt.total_seconds() / 60


# Long: the docstring lists every column added; the code is 28 lines
def prepare_calls(calls: pd.DataFrame, agents: pd.DataFrame | None,
                  tiers: pd.Series | None = None, config: KpiConfig | None = None,
                  purpose: str | None = "sales", default_tier: str = "low") -> pd.DataFrame:
    """Enrich each call with the flags the KPIs need.

    Adds ``date, team, tier, contact`` (customer or lead id), ``first_call`` (first call ever to
    that contact in the log), ``intent`` (answered with interest, call-back or sale), ``sale``,
    ``effective`` (answered and at least ``effective_call_seconds``), and for call-back
    requests and inbound calls ``request`` and ``response_minutes`` (time until the next outbound
    call to the same contact; NaN if none followed, which counts as outside the service level)
    and ``in_sla``.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` table (validate it first with :func:`helpers.calls.validate_calls`).
    agents : DataFrame or None
        The ``agents`` table (``agent_id``, ``team``). ``None``: the agents are the calls'
        ``agent_id`` values, all in one team ``"all"``.
    tiers : Series, optional
        Value tier per ``customer_id`` (from :func:`helpers.value.assign_tiers`). Calls to leads
        (a ``lead_id`` and no ``customer_id``) get tier ``lead``; every other call without a
        tier gets ``default_tier``.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).
    purpose : str or None
        Keep calls with this purpose only (the sales team's dashboard: ``"sales"``); a call log
        without a ``purpose`` column is kept whole.
    default_tier : str
        Tier of calls no tier is known for: ``"low"`` (default) when ``tiers`` covers the
        customers worth more; ``"all"`` when no value tiers are known at all (its service level
        is the ``low`` tier's, see :meth:`KpiConfig.sla_minutes`).

    Returns
    -------
    DataFrame
        One row per call, sorted by time, with the columns above.

    Raises
    ------
    DataProblem
        A column missing, no call of ``purpose``, or calls by agents not in ``agents``.
    """
    cfg = as_kpi_config(config)
    if agents is None:
        agents = pd.DataFrame({"agent_id": calls["agent_id"].dropna().unique(), "team": "all"})
    out = _sales_calls(calls, agents, purpose)
    cust, lead = _column_or_na(out, "customer_id"), _column_or_na(out, "lead_id")
    out["contact"] = cust.astype("string").fillna("L:" + lead.astype("string")).fillna(
        "C:" + out["call_id"].astype("string"))
    team = agents.drop_duplicates("agent_id").set_index("agent_id")["team"]
    out["team"] = out["agent_id"].map(team).astype("string")
    tier = (cust.map(tiers).astype("string") if tiers is not None
            else pd.Series(pd.NA, index=out.index, dtype="string"))
    out["tier"] = tier.mask(cust.isna() & lead.notna(), "lead").fillna(default_tier)
    out["date"] = out["started_at"].dt.normalize()
    answered = out["answered"].astype("boolean").fillna(False).astype(bool)
    out["answered"] = answered
    out["sale"] = out["outcome"].eq("sale") & answered
    out["intent"] = out["outcome"].isin(INTENT) & answered
    out["first_call"] = ~out["contact"].duplicated()
    out["effective"] = answered & (out["duration_s"] >= cfg.effective_call_seconds)
    inbound = (out["direction"].eq("inbound").fillna(False).astype(bool)
               if "direction" in out.columns else pd.Series(False, index=out.index))
    out["request"] = out["outcome"].eq("callback_requested") | inbound
    out["response_minutes"] = _response_minutes(out, inbound).where(out["request"])
    sla = out["tier"].map(cfg.sla_minutes())
    out["in_sla"] = out["request"] & (out["response_minutes"] <= sla).fillna(False)
    return out


def kpi_cube(prepared: pd.DataFrame | str | Path, engine: str | None = None) -> pd.DataFrame:
    """Sum the enriched calls into one row per day × agent × tier (team kept).

    Parameters
    ----------
    prepared : DataFrame, str or Path
        :func:`prepare_calls`; or a CSV/Parquet file (or folder of Parquet files) of it.
    engine : {None, "auto", "pandas", "duckdb"}
        Default: DuckDB (:mod:`helpers.scale`) for a file (read by the engine, never loaded
        whole) or at least ``helpers.scale.ENGINE_ROWS`` calls; pandas otherwise. Same cube.

    Returns
    -------
    DataFrame
        ``date, team, agent_id, tier`` (categories) and the sums the KPIs are ratios of.
    """
    if use_engine(prepared, engine):
        return kpi_cube_on_engine(prepared)
    p = pd.DataFrame(prepared)  # a frame here: use_engine sends every path to the engine
    fu = ~p["first_call"]
    frame = pd.DataFrame({
        "date": p["date"], "team": p["team"], "agent_id": p["agent_id"], "tier": p["tier"],
        "dials": 1, "answered": p["answered"].astype(int), "sales": p["sale"].astype(int),
        "talk_s": p["duration_s"].where(p["answered"], 0).astype(float),
        "eff_calls": p["effective"].astype(int),
        "eff_talk_s": p["duration_s"].where(p["effective"], 0).astype(float),
        "first_calls": p["first_call"].astype(int),
        "first_intent": (p["first_call"] & p["intent"]).astype(int),
        "fu_answered": (fu & p["answered"]).astype(int),
        "fu_sales": (fu & p["sale"]).astype(int),
        "requests": p["request"].astype(int), "in_sla": p["in_sla"].astype(int),
    })
    cube = frame.groupby(["date", "team", "agent_id", "tier"], observed=True, sort=True).sum()
    cube = cube.reset_index()
    for col in ("team", "agent_id", "tier"):
        cube[col] = cube[col].astype("category")
    return cube


def _ratio(num: Any, den: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(den) > 0, np.asarray(num, dtype=float) / np.asarray(den), np.nan)


def _metrics(s: pd.DataFrame, agent_days: Any, cfg: KpiConfig) -> pd.DataFrame:
    cost = cfg.cost
    hours = (s["dials"] * cost.dial_seconds + s["talk_s"]
             + s["answered"] * cost.wrap_up_seconds) / 3600
    return pd.DataFrame({
        "contact_rate": _ratio(s["answered"], s["dials"]),
        "conversion": _ratio(s["sales"], s["answered"]),
        "first_call_intent_rate": _ratio(s["first_intent"], s["first_calls"]),
        "follow_up_conversion": _ratio(s["fu_sales"], s["fu_answered"]),
        "aht_minutes": _ratio(s["talk_s"] / 60, s["answered"]),
        "cost_per_sale": _ratio(hours * cost.cost_per_agent_hour, s["sales"]),
        "calls_per_agent_day": _ratio(s["dials"], agent_days),
        "effective_talk_minutes_per_agent_day": _ratio(s["eff_talk_s"] / 60, agent_days),
        "sla_met_rate": _ratio(s["in_sla"], s["requests"]),
    }, index=s.index)


def kpis(cube: pd.DataFrame, config: KpiConfig | None = None) -> dict[str, float | None]:
    """The headline KPIs over the whole cube (or a filtered slice of it).

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube` (or a slice of it).
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).

    Returns
    -------
    dict
        One entry per :data:`KPI_NAMES` plus ``dials`` and ``sales``. Ratios with nothing to
        divide by (no sales, no answered call) are ``None``, never NaN.
    """
    cfg = as_kpi_config(config)
    s = cube[list(SUMS)].sum().to_frame().T
    agent_days = cube.loc[cube["dials"] > 0, ["date", "agent_id"]].drop_duplicates().shape[0]
    row = _metrics(s, agent_days, cfg).iloc[0]
    out: dict[str, Any] = {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
    out.update(dials=int(s["dials"].iloc[0]), sales=int(s["sales"].iloc[0]))
    return out


def daily_kpis(cube: pd.DataFrame, config: KpiConfig | None = None) -> pd.DataFrame:
    """KPIs per day (the series alert rules are judged on), with the day's counts.

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube` (or a slice of it).
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).

    Returns
    -------
    DataFrame
        One row per date: ``dials, answered, sales`` and the KPIs.
    """
    cfg = as_kpi_config(config)
    s = cube.groupby("date", observed=True)[list(SUMS)].sum()
    agent_days = cube.loc[cube["dials"] > 0].groupby("date", observed=True)["agent_id"].nunique()
    return pd.concat([s[["dials", "answered", "sales"]], _metrics(s, agent_days, cfg)],
                     axis=1).reset_index()


def kpi_table(cube: pd.DataFrame, by: str | list[str] = "agent_id",
              config: KpiConfig | None = None) -> pd.DataFrame:
    """KPIs per group (agent, team or tier), with counts; for per-agent daily calls and talk.

    Parameters
    ----------
    cube : DataFrame
        :func:`kpi_cube` (or a slice of it).
    by : str or list of str
        The grouping columns.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).

    Returns
    -------
    DataFrame
        One row per group: ``dials, answered, sales`` and the KPIs.
    """
    cfg = as_kpi_config(config)
    by = [by] if isinstance(by, str) else list(by)
    s = cube.groupby(by, observed=True)[list(SUMS)].sum()
    active = cube.loc[cube["dials"] > 0]
    agent_days = (active.drop_duplicates([*dict.fromkeys([*by, "date", "agent_id"])])
                  .groupby(by, observed=True).size())
    return pd.concat([s[["dials", "answered", "sales"]], _metrics(s, agent_days, cfg)],
                     axis=1).reset_index()


def response_times(prepared: pd.DataFrame, config: KpiConfig | None = None) -> pd.DataFrame:
    """Response time to call-back requests by tier, against the tier's service level.

    Parameters
    ----------
    prepared : DataFrame
        :func:`prepare_calls`.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).

    Returns
    -------
    DataFrame
        One row per tier: ``requests, median_minutes, sla_minutes, met`` (share answered in time;
        a request never followed up counts as missed).

    Raises
    ------
    DataProblem
        If there is no call-back request or inbound call.
    """
    cfg = as_kpi_config(config)
    req = prepared.loc[prepared["request"]]
    if req.empty:
        raise DataProblem("calls: no call-back requests or inbound calls, so no response times")
    g = req.groupby("tier", observed=True).agg(requests=("request", "size"),
                                                median_minutes=("response_minutes", "median"),
                                                met=("in_sla", "mean"))
    g["sla_minutes"] = g.index.map(cfg.sla_minutes())
    order = [t for t in (*cfg.service_levels_minutes, "lead") if t in g.index]
    return g.loc[order, ["requests", "median_minutes", "sla_minutes", "met"]].reset_index()
