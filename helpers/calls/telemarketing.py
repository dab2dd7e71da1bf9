"""Classifying and serving customers in telephone sales (电销客户分类及管理).

From a call log this module builds, one pure function at a time:

- :func:`validate_calls`: checks a call log (end before start, negative talk time, unknown
  outcomes, missing agents) and raises a clear :class:`~helpers.data.loading.DataProblem`, or drops
  the offending rows when asked (``errors="drop"``, the documented fallback);
- :func:`interaction_profile`: each customer's response to calls (answer rate, talk time,
  call-backs, refusals) over a window;
- :func:`classify_response`: the response class (engaged, hesitant, hard to reach, refuser …),
  the need urgency (urgent / wait-and-see) and the recommended contact frequency and channel,
  from ``helpers/config/response_classes.yaml``;
- :func:`usage_scenario` and :func:`consumption_behaviour`: the other classification dimensions;
- :func:`lapse_risk`: a transparent points score of churn/lapse risk with the reactivation action;
- :func:`contact_rates_by_time` and :func:`call_schedule`: best time to call, with uncertainty;
- :func:`build_call_queue`: the day's queue, routing customers to agents by tag and priority.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers.paths import config_file

__all__ = [
    "OUTCOMES",
    "load_response_config",
    "validate_calls",
    "interaction_profile",
    "classify_response",
    "usage_scenario",
    "consumption_behaviour",
    "lapse_risk",
    "contact_rates_by_time",
    "call_schedule",
    "routing_tags",
    "queue_candidates",
    "build_call_queue",
    "plot_response_classes",
    "plot_time_heatmap",
]

#: Outcomes a call may have (the ``calls`` table's allowed values).
OUTCOMES = ("no_answer", "refused", "callback_requested", "not_interested", "interested", "sale",
            "promise_to_pay", "paid", "wrong_number")
REFUSALS = ("refused", "not_interested")
POSITIVE = ("interested", "callback_requested", "sale")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TIER_ORDER = ("diamond", "gold", "silver", "low")


def _problem(message: str) -> ValueError:
    """Build the package's data error (``helpers.data.loading.DataProblem``, a ValueError)."""
    from helpers.errors import DataProblem

    return DataProblem(message)


def _rows(frame: pd.DataFrame, mask: pd.Series, cols: list[str], n: int = 5) -> str:
    bad = frame.loc[mask, [c for c in cols if c in frame.columns]].head(n)
    return bad.to_string(index=False, max_colwidth=30)


def _need(frame: pd.DataFrame, cols: list[str], what: str) -> None:
    from helpers.errors import require_columns

    require_columns(frame, cols, what)


# --------------------------------------------------------------------------------------------
# configuration

_OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
        "==": np.equal}
PROFILE_COLUMNS = ("n_calls", "n_answered", "answer_rate", "mean_talk_s", "callbacks",
                   "refusal_share", "positive_share", "sales")


def _parse_condition(text: Any, where: str) -> tuple[str, float]:
    m = re.fullmatch(r"\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*", str(text))
    if not m:
        raise _problem(f"{where}: condition {text!r} is not '<op> <number>' "
                       "(op one of < <= > >= ==), e.g. '>= 0.5'")
    return m.group(1), float(m.group(2))


def load_response_config(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate ``response_classes.yaml`` (or the file at ``path``).

    Raises
    ------
    DataProblem
        Naming the file and the key that is missing or wrong.
    """
    file = config_file("response_classes.yaml", path)
    try:
        cfg = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise _problem(f"{file}: not valid YAML ({exc})") from None
    for key in ("window_days", "urgency", "classes", "lapse_risk"):
        if key not in cfg:
            raise _problem(f"{file}: key {key!r} is missing")
    if not isinstance(cfg["window_days"], int) or cfg["window_days"] <= 0:
        raise _problem(f"{file}: window_days must be a positive whole number of days")
    for key in ("urgent_within_days", "urgent_contact_every_days"):
        if not isinstance(cfg["urgency"].get(key), int) or cfg["urgency"][key] <= 0:
            raise _problem(f"{file}: urgency.{key} must be a positive whole number")
    classes = cfg["classes"]
    if not isinstance(classes, list) or not classes:
        raise _problem(f"{file}: classes must be a non-empty list")
    names = set()
    for i, c in enumerate(classes):
        where = f"{file}: classes[{i}]"
        for key in ("name", "contact_every_days", "channel", "approach"):
            if key not in c:
                raise _problem(f"{where}: key {key!r} is missing")
        if c["name"] in names:
            raise _problem(f"{where}: class name {c['name']!r} is used twice")
        names.add(c["name"])
        if not isinstance(c["contact_every_days"], int) or c["contact_every_days"] <= 0:
            raise _problem(f"{where}.contact_every_days must be a positive whole number")
        when = c.get("when") or {}
        if not isinstance(when, dict):
            raise _problem(f"{where}.when must be a mapping column: condition")
        for col, cond in when.items():
            if col not in PROFILE_COLUMNS:
                raise _problem(f"{where}.when: unknown column {col!r}; use one of "
                               f"{list(PROFILE_COLUMNS)}")
            _parse_condition(cond, f"{where}.when.{col}")
        c["when"] = when
    if classes[-1]["when"]:
        raise _problem(f"{file}: the last class ({classes[-1]['name']!r}) must have no "
                       "conditions, so that every customer gets a class")
    lapse = cfg["lapse_risk"]
    for key in ("points", "levels", "actions"):
        if key not in lapse:
            raise _problem(f"{file}: lapse_risk.{key} is missing")
    for key in ("no_purchase_90_days", "no_purchase_180_days", "mostly_refuses", "rarely_answers",
                "recent_complaint", "unresolved_complaint"):
        if not isinstance(lapse["points"].get(key), int | float):
            raise _problem(f"{file}: lapse_risk.points.{key} must be a number")
    for key in ("medium", "high"):
        if not isinstance(lapse["levels"].get(key), int | float):
            raise _problem(f"{file}: lapse_risk.levels.{key} must be a number")
    if lapse["levels"]["medium"] > lapse["levels"]["high"]:
        raise _problem(f"{file}: lapse_risk.levels.medium must not exceed levels.high")
    for key in ("low", "medium", "high"):
        if not isinstance(lapse["actions"].get(key), str):
            raise _problem(f"{file}: lapse_risk.actions.{key} must be a text")
    routing = cfg.get("routing") or {}
    if routing:
        if not isinstance(routing.get("column"), str):
            raise _problem(f"{file}: routing.column must name a customer column, e.g. province")
        teams = routing.get("teams")
        if not isinstance(teams, dict) or not all(isinstance(v, list) for v in teams.values()):
            raise _problem(f"{file}: routing.teams must map each team to a list of values")
        seen: dict[str, str] = {}
        for team, values in teams.items():
            for v in values:
                if v in seen:
                    raise _problem(f"{file}: routing.teams: {v!r} is listed for both "
                                   f"{seen[v]!r} and {team!r}")
                seen[v] = team
    cfg["routing"] = routing
    cfg["_file"] = str(file)
    return cfg


# --------------------------------------------------------------------------------------------
# validating a call log

def validate_calls(
    calls: pd.DataFrame,
    agents: pd.DataFrame | None = None,
    errors: str = "raise",
    source: str = "calls",
) -> pd.DataFrame:
    """Check a call log before any analysis; return it (or its valid rows).

    Checks: calls that end before they start, negative talk time, outcomes outside
    :data:`OUTCOMES`, calls with no agent or with an agent not in ``agents``.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` table.
    agents : DataFrame, optional
        The ``agents`` table; when given, every ``agent_id`` must appear in it.
    errors : {"raise", "drop"}
        ``"raise"`` (default): raise on the first kind of problem found. ``"drop"``: the
        documented fallback, remove offending rows and warn how many were removed and why.
    source : str
        Name of the file or table, used in messages.

    Raises
    ------
    DataProblem
        Naming the check, the column, up to five offending rows and how to fix it.
    """
    _need(calls, ["call_id", "agent_id", "started_at", "duration_s", "outcome"], source)
    if errors not in ("raise", "drop"):
        raise ValueError("errors must be 'raise' or 'drop'")
    checks: list[tuple[str, pd.Series, list[str], str]] = []
    if "ended_at" in calls.columns:
        end_before = (calls["ended_at"] < calls["started_at"]).fillna(False).astype(bool)
        checks.append(("end before start", end_before, ["call_id", "started_at", "ended_at"],
                       "fix the clock or swap the two columns in the export"))
    negative = (pd.to_numeric(calls["duration_s"], errors="coerce") < 0).fillna(False)
    checks.append(("negative duration", negative.astype(bool), ["call_id", "duration_s"],
                   "talk time must be >= 0 seconds; 0 for unanswered calls"))
    unknown = ~calls["outcome"].isin(OUTCOMES)
    checks.append(("unknown outcome", unknown, ["call_id", "outcome"],
                   f"recode outcomes to one of {list(OUTCOMES)} with a mapping file's "
                   "`values:` section"))
    no_agent = calls["agent_id"].isna()
    if agents is not None:
        _need(agents, ["agent_id"], "agents")
        no_agent |= ~calls["agent_id"].isin(agents["agent_id"])
    checks.append(("agent missing", no_agent, ["call_id", "agent_id"],
                   "every call needs an agent_id listed in the agents table; add the agent or "
                   "correct the id"))
    bad_any = pd.Series(False, index=calls.index)
    reasons = []
    for name, mask, cols, fix in checks:
        count = int(mask.sum())
        if not count:
            continue
        if errors == "raise":
            raise _problem(f"{source}: {count} call(s) with {name} (column "
                           f"{cols[-1]!r}). First rows:\n{_rows(calls, mask, cols)}\nFix: {fix}; "
                           "or call validate_calls(..., errors='drop') to leave them out.")
        bad_any |= mask
        reasons.append(f"{count} with {name}")
    if reasons:
        warnings.warn(f"{source}: dropped {int(bad_any.sum())} of {len(calls)} calls "
                      f"({'; '.join(reasons)})", UserWarning, stacklevel=2)
        return calls.loc[~bad_any].copy()
    return calls


# --------------------------------------------------------------------------------------------
# classification dimensions

def interaction_profile(
    calls: pd.DataFrame,
    as_of: str | pd.Timestamp,
    window_days: int = 180,
    key: str = "customer_id",
    purpose: str | None = "sales",
) -> pd.DataFrame:
    """Summarise each customer's response to calls in the ``window_days`` before ``as_of``.

    Returns
    -------
    DataFrame
        Indexed by ``key``: ``n_calls, n_answered, answer_rate, mean_talk_s, callbacks,
        refusal_share, positive_share, sales, inbound, last_call, last_signal`` (time of the
        latest call-back request, interest or inbound call; NaT if none). Shares are 0 when a
        customer never answered (documented; never NaN).
    """
    _need(calls, [key, "started_at", "answered", "outcome", "duration_s"], "calls")
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.Timedelta(days=window_days)
    mask = calls[key].notna() & (calls["started_at"] > start) & (
        calls["started_at"] <= as_of + pd.Timedelta(days=1))
    if purpose and "purpose" in calls.columns:
        mask &= calls["purpose"].eq(purpose).fillna(False).astype(bool)
    c = calls.loc[mask, [key, "started_at", "answered", "outcome", "duration_s"]
                  + (["direction"] if "direction" in calls.columns else [])]
    answered = c["answered"].astype("boolean").fillna(False).astype(bool)
    signal = c["outcome"].isin(("callback_requested", "interested"))
    if "direction" in c.columns:
        signal |= c["direction"].eq("inbound").fillna(False).astype(bool)
    work = pd.DataFrame({
        key: c[key],
        "n_calls": 1,
        "n_answered": answered.astype(int),
        "talk": c["duration_s"].where(answered, 0).astype(float),
        "callbacks": c["outcome"].eq("callback_requested").astype(int),
        "refusals": (c["outcome"].isin(REFUSALS) & answered).astype(int),
        "positive": (c["outcome"].isin(POSITIVE) & answered).astype(int),
        "sales": c["outcome"].eq("sale").astype(int),
        "inbound": (c["direction"].eq("inbound").fillna(False).astype(int)
                    if "direction" in c.columns else 0),
        "last_call": c["started_at"],
        "last_signal": c["started_at"].where(signal),
    })
    g = work.groupby(key, sort=True).agg(
        n_calls=("n_calls", "sum"), n_answered=("n_answered", "sum"), talk=("talk", "sum"),
        callbacks=("callbacks", "sum"), refusals=("refusals", "sum"),
        positive=("positive", "sum"), sales=("sales", "sum"), inbound=("inbound", "sum"),
        last_call=("last_call", "max"), last_signal=("last_signal", "max"))
    answered_n = g["n_answered"].where(g["n_answered"] > 0)
    g["answer_rate"] = g["n_answered"] / g["n_calls"]
    g["mean_talk_s"] = (g["talk"] / answered_n).fillna(0.0)
    g["refusal_share"] = (g["refusals"] / answered_n).fillna(0.0)
    g["positive_share"] = (g["positive"] / answered_n).fillna(0.0)
    cols = ["n_calls", "n_answered", "answer_rate", "mean_talk_s", "callbacks", "refusal_share",
            "positive_share", "sales", "inbound", "last_call", "last_signal"]
    return g[cols]


def classify_response(
    profile: pd.DataFrame,
    as_of: str | pd.Timestamp,
    config: dict[str, Any] | None = None,
    customers: pd.Index | pd.Series | None = None,
) -> pd.DataFrame:
    """Give every customer a response class, a need urgency and a contact plan.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`interaction_profile`.
    as_of : date
        The day the plan is made for.
    config : dict, optional
        From :func:`load_response_config` (default: the bundled file).
    customers : Index or Series, optional
        All customer ids to classify; those without calls get the class whose conditions match
        ``n_calls == 0`` (``not_yet_called`` in the bundled configuration).

    Returns
    -------
    DataFrame
        The profile plus ``response_class, response_class_zh, urgency, contact_every_days,
        channel, approach, next_contact``.
    """
    cfg = config or load_response_config()
    as_of = pd.Timestamp(as_of)
    prof = profile
    if customers is not None:
        prof = profile.reindex(pd.Index(pd.unique(pd.Series(customers).dropna()),
                                        name=profile.index.name))
        fill = {c: 0 for c in PROFILE_COLUMNS + ("inbound",)}
        prof = prof.fillna(fill)
        prof[["n_calls", "n_answered", "callbacks", "sales", "inbound"]] = prof[
            ["n_calls", "n_answered", "callbacks", "sales", "inbound"]].astype(int)
    classes = cfg["classes"]
    conditions = []
    for c in classes:
        ok = np.ones(len(prof), dtype=bool)
        for col, cond in c["when"].items():
            op, value = _parse_condition(cond, col)
            ok &= _OPS[op](prof[col].to_numpy(dtype=float), value)
        conditions.append(ok)
    idx = np.argmax(np.vstack(conditions), axis=0) if len(prof) else np.array([], dtype=int)
    pick = np.asarray(classes, dtype=object)[idx] if len(prof) else []
    out = prof.copy()
    out["response_class"] = [c["name"] for c in pick]
    out["response_class_zh"] = [c.get("zh", c["name"]) for c in pick]
    urgent_days = cfg["urgency"]["urgent_within_days"]
    recent = (as_of - out["last_signal"]).dt.days <= urgent_days
    out["urgency"] = np.where(recent.fillna(False).astype(bool), "urgent", "wait_and_see")
    every = pd.Series([c["contact_every_days"] for c in pick], index=out.index, dtype=int)
    out["contact_every_days"] = every.where(
        out["urgency"] != "urgent",
        np.minimum(every, cfg["urgency"]["urgent_contact_every_days"]))
    out["channel"] = [c["channel"] for c in pick]
    out["approach"] = [c["approach"] for c in pick]
    base = out["last_call"].fillna(as_of)
    out["next_contact"] = (base + pd.to_timedelta(out["contact_every_days"], unit="D")).clip(
        lower=as_of).dt.normalize()
    return out


def usage_scenario(customers: pd.DataFrame) -> pd.Series:
    """Usage scenario (应用场景): ``personal`` for individuals, ``business`` for organisations."""
    _need(customers, ["customer_id", "customer_kind"], "customers")
    kinds = customers["customer_kind"]
    unknown = ~kinds.isin(("individual", "organisation"))
    if unknown.any():
        raise _problem("customers: customer_kind must be 'individual' or 'organisation'; rows:\n"
                       + _rows(customers, unknown, ["customer_id", "customer_kind"]))
    return pd.Series(np.where(kinds.eq("organisation"), "business", "personal"),
                     index=pd.Index(customers["customer_id"], name="customer_id"),
                     name="usage_scenario")


def consumption_behaviour(summary: pd.DataFrame, frequency: str = "n_orders",
                          monetary: str = "monetary_total", cut: float = 0.5) -> pd.Series:
    """Consumption-behaviour class (消费行为) from a per-customer purchase summary.

    Each customer is high or low on purchase frequency and on spend, relative to the ``cut``
    quantile of all customers: ``high_freq_high_value``, ``high_freq_low_value``,
    ``low_freq_high_value`` or ``low_freq_low_value``. The summary is the RFM teammate's
    :func:`helpers.segments.rfm.customer_summary` (or any frame with the two columns).
    """
    _need(summary, [frequency, monetary], "customer summary")
    f = pd.to_numeric(summary[frequency], errors="coerce")
    m = pd.to_numeric(summary[monetary], errors="coerce")
    if f.isna().any() or m.isna().any():
        bad = f.isna() | m.isna()
        raise _problem(f"customer summary: {int(bad.sum())} rows without a number in "
                       f"{frequency!r}/{monetary!r}:\n{_rows(summary, bad, [frequency, monetary])}"
                       "\nFill or drop them first.")
    hf = np.where(f > f.quantile(cut), "high_freq", "low_freq")
    hv = np.where(m > m.quantile(cut), "high_value", "low_value")
    return pd.Series(np.char.add(np.char.add(hf.astype(str), "_"), hv.astype(str)),
                     index=summary.index, name="consumption_behaviour")


def lapse_risk(
    profile: pd.DataFrame,
    as_of: str | pd.Timestamp,
    last_purchase: pd.Series | None = None,
    service_contacts: pd.DataFrame | None = None,
    config: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Transparent lapse (churn) risk score from interaction history, with the action to take.

    Points (from ``response_classes.yaml``, ``lapse_risk``) are added for: no purchase in 90 and
    in 180 days, mostly refusing calls, rarely answering, a complaint in the last 90 days and an
    unresolved one. The level (low / medium / high) picks the reactivation action of the
    low-activity strategy.

    Parameters
    ----------
    profile : DataFrame
        :func:`interaction_profile` (optionally reindexed to all customers).
    as_of : date
    last_purchase : Series, optional
        Date of each customer's latest purchase, indexed by customer id. Customers missing from it
        count as not having bought in 180 days.
    service_contacts : DataFrame, optional
        The ``service_contacts`` table (``kind``, ``contacted_at``, ``resolved``).

    Returns
    -------
    DataFrame
        Indexed like ``profile``: one 0/1 column per signal, ``risk_score``, ``risk_level``,
        ``action``.
    """
    cfg = (config or load_response_config())["lapse_risk"]
    as_of = pd.Timestamp(as_of)
    idx = profile.index
    out = pd.DataFrame(index=idx)
    if last_purchase is not None:
        days = (as_of - last_purchase.reindex(idx)).dt.days
        out["no_purchase_90_days"] = (days > 90).where(days.notna(), True).astype(int)
        out["no_purchase_180_days"] = (days > 180).where(days.notna(), True).astype(int)
    out["mostly_refuses"] = ((profile["refusal_share"] >= 0.5)
                             & (profile["n_answered"] >= 2)).astype(int)
    out["rarely_answers"] = ((profile["answer_rate"] < 0.3) & (profile["n_calls"] >= 3)).astype(int)
    if service_contacts is not None:
        _need(service_contacts, ["customer_id", "contacted_at", "kind"], "service_contacts")
        sc = service_contacts
        recent = (sc["kind"].eq("complaint") & (sc["contacted_at"] > as_of - pd.Timedelta(days=90))
                  & (sc["contacted_at"] <= as_of + pd.Timedelta(days=1)))
        unresolved = recent & (~sc["resolved"].astype("boolean").fillna(True).astype(bool)
                               if "resolved" in sc.columns else False)
        out["recent_complaint"] = idx.isin(sc.loc[recent, "customer_id"]).astype(int)
        out["unresolved_complaint"] = idx.isin(sc.loc[unresolved, "customer_id"]).astype(int)
    points = pd.Series({k: v for k, v in cfg["points"].items() if k in out.columns})
    out["risk_score"] = out[points.index].to_numpy() @ points.to_numpy()
    lv = cfg["levels"]
    out["risk_level"] = np.select([out["risk_score"] >= lv["high"],
                                   out["risk_score"] >= lv["medium"]], ["high", "medium"], "low")
    out["action"] = out["risk_level"].map(cfg["actions"])
    return out


# --------------------------------------------------------------------------------------------
# best time to call

def _wilson(x: np.ndarray, n: np.ndarray, z: float = 1.959963984540054) -> tuple[np.ndarray, np.ndarray]:
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, x / n, 0.0)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.where(n > 0, centre - half, 0.0), np.where(n > 0, centre + half, 1.0)


def contact_rates_by_time(
    calls: pd.DataFrame,
    purpose: str | None = "sales",
    by: tuple[str, ...] = ("weekday", "hour"),
    z: float = 1.959963984540054,
) -> pd.DataFrame:
    """Answer rate and sales per dial by weekday and hour, with Wilson intervals.

    Returns
    -------
    DataFrame
        One row per slot: ``dials, answered, sales, answer_rate, answer_low, answer_high,
        sales_per_dial, sales_low, sales_high``. ``weekday`` is Mon..Sun (ordered category).
    """
    _need(calls, ["started_at", "answered", "outcome"], "calls")
    c = calls
    if purpose and "purpose" in c.columns:
        c = c.loc[c["purpose"].eq(purpose).fillna(False).astype(bool)]
    if c.empty:
        raise _problem(f"calls: no {purpose or ''} calls to compute contact rates from")
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
    g["answer_low"], g["answer_high"] = _wilson(g["answered"].to_numpy(), g["dials"].to_numpy(), z)
    g["sales_per_dial"] = g["sales"] / g["dials"]
    g["sales_low"], g["sales_high"] = _wilson(g["sales"].to_numpy(), g["dials"].to_numpy(), z)
    return g


def call_schedule(rates: pd.DataFrame, hours_per_day: int = 3, min_dials: int = 30,
                  metric: str = "sales_per_dial") -> pd.DataFrame:
    """Pick the best ``hours_per_day`` hours of each weekday for outbound sales calls.

    Slots with fewer than ``min_dials`` dials are too uncertain and are skipped. Hours are ranked
    by ``metric`` (default sales per dial); the interval columns travel along so the uncertainty
    stays visible.
    """
    _need(rates, ["weekday", "hour", "dials", metric], "rates")
    ok = rates.loc[rates["dials"] >= min_dials]
    if ok.empty:
        raise _problem(f"rates: no weekday/hour slot has at least {min_dials} dials; lower "
                       "min_dials or use a longer call history")
    ranked = ok.sort_values(["weekday", metric], ascending=[True, False])
    ranked = ranked.assign(rank=ranked.groupby("weekday", observed=True).cumcount() + 1)
    return ranked.loc[ranked["rank"] <= hours_per_day].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the day's queue

def routing_tags(customers: pd.DataFrame, config: dict[str, Any] | None = None) -> pd.Series:
    """The team each customer belongs to, from the ``routing`` section of the configuration.

    Returns a Series indexed by ``customer_id`` (empty where no team lists the customer's value:
    those customers go to the whole pool in :func:`build_call_queue`).
    """
    routing = (config or load_response_config()).get("routing") or {}
    _need(customers, ["customer_id"], "customers")
    if not routing:
        return pd.Series(pd.NA, index=customers["customer_id"], dtype="string", name="tag")
    _need(customers, [routing["column"]], "customers")
    lookup = {v: team for team, values in routing["teams"].items() for v in values}
    return pd.Series(customers[routing["column"]].map(lookup).to_numpy(),
                     index=customers["customer_id"], name="tag").astype("string")


def queue_candidates(
    classified: pd.DataFrame,
    as_of: str | pd.Timestamp,
    tiers: pd.Series | None = None,
    tags: pd.Series | None = None,
    consent: pd.Series | None = None,
    channel_word: str = "phone",
) -> pd.DataFrame:
    """Today's phone candidates from :func:`classify_response`, with a transparent score.

    A customer is a candidate when the next contact is due (``next_contact <= as_of``), the
    class's channel includes the phone and marketing consent was not refused. The score orders
    candidates within a tier: ``2`` for an urgent need, plus the share of answered calls that
    showed interest, plus half the answer rate (so a reachable, interested customer comes first).

    Returns
    -------
    DataFrame
        ``customer_id, response_class, urgency, score, tier, tag`` (tier/tag when given).
    """
    _need(classified, ["response_class", "urgency", "next_contact", "channel",
                       "positive_share", "answer_rate"], "classified customers")
    as_of = pd.Timestamp(as_of).normalize()
    due = (classified["next_contact"] <= as_of) & classified["channel"].str.contains(
        channel_word, case=False, regex=False)
    if consent is not None:
        due &= consent.reindex(classified.index).astype("boolean").fillna(True).astype(bool)
    c = classified.loc[due]
    out = pd.DataFrame({
        "customer_id": c.index.astype(str),
        "response_class": c["response_class"].to_numpy(),
        "urgency": c["urgency"].to_numpy(),
        "score": (2.0 * (c["urgency"] == "urgent") + c["positive_share"]
                  + c["answer_rate"] / 2).to_numpy(),
    })
    if tiers is not None:
        out["tier"] = tiers.reindex(c.index).astype("string").fillna("low").to_numpy()
    if tags is not None:
        out["tag"] = tags.reindex(c.index).astype("string").to_numpy()
    return out


def build_call_queue(
    candidates: pd.DataFrame,
    agents: pd.DataFrame,
    calls_per_agent: int = 60,
    capacity: int | None = None,
    key: str = "customer_id",
    score: str = "score",
    tier: str | None = "tier",
    tag: str | None = "tag",
    agent_tag: str = "team",
    sla_minutes: dict[str, int] | None = None,
    day_start: str | pd.Timestamp | None = None,
    minutes_per_call: float = 6.0,
) -> pd.DataFrame:
    """Route the day's calls to agents: high tier first, then by score, within each tag.

    A candidate whose ``tag`` matches an agent's ``agent_tag`` (e.g. a customer's region and the
    team covering it) goes to one of those agents; candidates whose tag no agent carries go to
    the whole pool (documented fallback). Each agent gets at most ``calls_per_agent`` calls;
    within a pool calls are dealt round-robin in priority order so every agent's first call is a
    top customer. A ``capacity`` larger than the candidate list is not an error: every candidate
    is queued and a warning says so.

    Parameters
    ----------
    candidates : DataFrame
        One row per customer or lead to call: ``key``, ``score`` (higher = call first) and
        optionally ``tier`` (diamond, gold, silver, low) and ``tag``.
    agents : DataFrame
        The ``agents`` table (only ``role == 'sales'`` agents when the column exists).
    calls_per_agent : int
        Calls one agent can make in a day.
    capacity : int, optional
        Total calls the centre will make today (default: agents × calls_per_agent).
    sla_minutes : dict, optional
        Response-time limit per tier (e.g. ``{"diamond": 30}``); adds a ``due_by`` column from
        ``day_start``.
    day_start : timestamp, optional
        When the first call of the day is made; adds ``planned_at`` per call.

    Returns
    -------
    DataFrame
        The queued candidates in priority order with ``agent_id``, ``position`` (1 = agent's
        first call), ``priority`` (1 = most urgent overall) and ``planned_at`` / ``due_by`` when
        ``day_start`` is given; ``queue.attrs["unqueued"]`` counts candidates left for tomorrow.
    """
    _need(candidates, [key, score], "candidates")
    _need(agents, ["agent_id"], "agents")
    if calls_per_agent <= 0:
        raise _problem(f"calls_per_agent must be positive, got {calls_per_agent}")
    pool = agents
    if "role" in agents.columns:
        pool = agents.loc[agents["role"].eq("sales").fillna(False).astype(bool)]
    if pool.empty:
        raise _problem("agents: no sales agents to route calls to (role == 'sales'); check the "
                       "agents table")
    if candidates[key].duplicated().any():
        dup = candidates[key].duplicated(keep=False)
        raise _problem(f"candidates: {key!r} repeats; one row per customer is needed:\n"
                       + _rows(candidates, dup, [key, score]))
    s = pd.to_numeric(candidates[score], errors="coerce")
    if s.isna().any():
        raise _problem(f"candidates: {int(s.isna().sum())} rows without a number in {score!r}:\n"
                       + _rows(candidates, s.isna(), [key, score]) + "\nScore them first.")
    limit = len(pool) * calls_per_agent
    if capacity is not None:
        if capacity <= 0:
            raise _problem(f"capacity must be positive, got {capacity}")
        if capacity > limit:
            warnings.warn(f"capacity {capacity} exceeds what {len(pool)} agents can call "
                          f"({limit} = {len(pool)} x {calls_per_agent}); using {limit}",
                          UserWarning, stacklevel=2)
        limit = min(limit, capacity)
    if limit >= len(candidates) and capacity is not None and capacity > len(candidates):
        warnings.warn(f"capacity {capacity} is larger than the {len(candidates)} candidates: "
                      "everyone is queued", UserWarning, stacklevel=2)
    work = candidates.copy()
    rank_tier = (work[tier].map({t: i for i, t in enumerate(TIER_ORDER)}).fillna(len(TIER_ORDER))
                 if tier and tier in work.columns else 0)
    work = work.assign(_tier=rank_tier, _score=s).sort_values(
        ["_tier", "_score"], ascending=[True, False], kind="stable")
    tags_known = (set(pool[agent_tag].dropna()) if agent_tag in pool.columns else set())
    if tag and tag in work.columns and tags_known:
        work["_pool"] = work[tag].where(work[tag].isin(tags_known), "__all__")
        agent_pool = pool[["agent_id", agent_tag]].rename(columns={agent_tag: "_pool"})
    else:
        work["_pool"] = "__all__"
        agent_pool = pool[["agent_id"]].assign(_pool="__all__")
    everyone = pool[["agent_id"]].assign(_pool="__all__")
    agent_pool = pd.concat([agent_pool, everyone]).drop_duplicates(ignore_index=True)
    agent_pool["_k"] = agent_pool.groupby("_pool").cumcount()
    sizes = agent_pool.groupby("_pool").size()
    work["_k"] = work.groupby("_pool", sort=False).cumcount() % work["_pool"].map(sizes)
    work = work.merge(agent_pool, on=["_pool", "_k"], how="left", sort=False)
    work["position"] = work.groupby("agent_id", sort=False).cumcount() + 1
    # every agent's list is filled in priority order; then the centre's capacity cuts the
    # overall list, again in priority order (so a busy team's overflow does not waste slots)
    queued = work.loc[work["position"] <= calls_per_agent].head(limit).copy()
    queued["priority"] = np.arange(1, len(queued) + 1)
    if day_start is not None:
        start = pd.Timestamp(day_start)
        queued["planned_at"] = start + pd.to_timedelta(
            (queued["position"] - 1) * minutes_per_call, unit="min")
        if sla_minutes and tier and tier in queued.columns:
            limit_min = queued[tier].map(sla_minutes)
            queued["due_by"] = start + pd.to_timedelta(limit_min, unit="min")
            queued["within_sla"] = (queued["planned_at"] <= queued["due_by"]).where(
                limit_min.notna(), True)
    queued = queued.drop(columns=["_tier", "_score", "_pool", "_k"]).reset_index(drop=True)
    queued.attrs["unqueued"] = len(candidates) - len(queued)
    return queued


# --------------------------------------------------------------------------------------------
# plots

def plot_response_classes(classified: pd.DataFrame, ax: Any = None) -> Any:
    """Horizontal bars: customers per response class, split by urgency."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    table = pd.crosstab(classified["response_class"], classified["urgency"])
    table.loc[table.sum(axis=1).sort_values().index].plot.barh(stacked=True, ax=ax,
                                                                color=["#d9534f", "#9bb7d4"])
    ax.set(xlabel="customers", ylabel="", title="Response classes and need urgency")
    return ax


def plot_time_heatmap(rates: pd.DataFrame, metric: str = "sales_per_dial", ax: Any = None) -> Any:
    """Heat map of a contact metric by weekday (rows) and hour (columns)."""
    import matplotlib.pyplot as plt

    grid = rates.pivot_table(index="weekday", columns="hour", values=metric, observed=True)
    ax = ax or plt.subplots(figsize=(8, 3.2))[1]
    im = ax.imshow(grid.to_numpy(), aspect="auto", cmap="YlGn")
    ax.set_xticks(range(grid.shape[1]), [str(h) for h in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(d) for d in grid.index])
    ax.set(xlabel="hour of day", title=metric.replace("_", " ") + " by weekday and hour")
    ax.figure.colorbar(im, ax=ax, fraction=0.03)
    return ax
