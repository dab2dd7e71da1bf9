"""The day's call queue: who is due, which team calls them, which agent and when."""

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns, rows_preview

from ._response_config import ResponseConfig, as_response_config
from ._vocabulary import TIER_ORDER

__all__ = ["CallQueue", "build_call_queue", "queue_candidates", "routing_tags"]

_ALL = "__all__"


class CallQueue(NamedTuple):
    """The result of :func:`build_call_queue`: today's calls and the candidates left waiting."""

    #: The queued calls in priority order (``agent_id``, ``position``, ``priority`` …).
    queued: pd.DataFrame
    #: The candidates not queued today (no capacity left), in priority order.
    waiting: pd.DataFrame


def routing_tags(customers: pd.DataFrame, config: ResponseConfig | None = None) -> pd.Series:
    """The team each customer belongs to, from the ``routing`` section of the configuration.

    Parameters
    ----------
    customers : DataFrame
        The ``customers`` table (``customer_id`` and the routing column, e.g. ``province``).
    config : ResponseConfig, optional
        From :func:`load_response_config` (default: the bundled file).

    Returns
    -------
    Series
        ``tag`` indexed by ``customer_id`` (empty where no team lists the customer's value:
        those customers go to the whole pool in :func:`build_call_queue`).

    Raises
    ------
    DataProblem
        If ``customer_id`` or the routing column is missing.
    """
    routing = as_response_config(config).routing
    require_columns(customers, ["customer_id"], "customers")
    if routing is None:
        return pd.Series(pd.NA, index=customers["customer_id"], dtype="string", name="tag")
    require_columns(customers, [routing.column], "customers")
    return pd.Series(customers[routing.column].map(routing.lookup()).to_numpy(),
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

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify_response`.
    as_of : date
        Today.
    tiers, tags, consent : Series, optional
        Value tier, routing tag and marketing consent per customer id.
    channel_word : str
        The word in a class's channel that means a phone call.

    Returns
    -------
    DataFrame
        ``customer_id, response_class, urgency, score, tier, tag`` (tier/tag when given).

    Raises
    ------
    DataProblem
        If ``classified`` lacks a column of :func:`classify_response`.
    """
    require_columns(classified, ["response_class", "urgency", "next_contact", "channel",
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


def _by_priority(candidates: pd.DataFrame, key: str, score: str,
                 tier: str | None) -> pd.DataFrame:
    """The candidates sorted high tier first, then by score (ties keep their order)."""
    s = _scores(candidates, key, score)
    rank_tier = (candidates[tier].map({t: i for i, t in enumerate(TIER_ORDER)})
                 .fillna(len(TIER_ORDER)) if tier and tier in candidates.columns else 0)
    return candidates.assign(_tier=rank_tier, _score=s).sort_values(
        ["_tier", "_score"], ascending=[True, False], kind="stable")


def _sales_pool(agents: pd.DataFrame) -> pd.DataFrame:
    require_columns(agents, ["agent_id"], "agents")
    pool = agents
    if "role" in agents.columns:
        pool = agents.loc[agents["role"].eq("sales").fillna(False).astype(bool)]
    if pool.empty:
        raise DataProblem("agents: no sales agents to route calls to (role == 'sales'); check "
                          "the agents table")
    return pool


def _scores(candidates: pd.DataFrame, key: str, score: str) -> pd.Series:
    """The candidates' scores as numbers; one row per candidate and a score for each."""
    require_columns(candidates, [key, score], "candidates")
    if candidates[key].duplicated().any():
        dup = candidates[key].duplicated(keep=False)
        raise DataProblem(f"candidates: {key!r} repeats; one row per customer is needed:\n"
                          + rows_preview(candidates, dup, [key, score]))
    s = pd.to_numeric(candidates[score], errors="coerce")
    if s.isna().any():
        raise DataProblem(f"candidates: {int(s.isna().sum())} rows without a number in "
                          f"{score!r}:\n" + rows_preview(candidates, s.isna(), [key, score])
                          + "\nScore them first.")
    return s


def _day_limit(n_agents: int, calls_per_agent: int, capacity: int | None,
               n_candidates: int) -> int:
    """Calls the centre makes today: agents × calls per agent, capped by ``capacity``."""
    if calls_per_agent <= 0:
        raise DataProblem(f"calls_per_agent must be positive, got {calls_per_agent}")
    limit = n_agents * calls_per_agent
    if capacity is None:
        return limit
    if capacity <= 0:
        raise DataProblem(f"capacity must be positive, got {capacity}")
    if capacity > limit:
        warnings.warn(f"capacity {capacity} exceeds what {n_agents} agents can call "
                      f"({limit} = {n_agents} x {calls_per_agent}); using {limit}",
                      UserWarning, stacklevel=3)
    limit = min(limit, capacity)
    if limit >= n_candidates and capacity > n_candidates:
        warnings.warn(f"capacity {capacity} is larger than the {n_candidates} candidates: "
                      "everyone is queued", UserWarning, stacklevel=3)
    return limit


def _deal_to_agents(work: pd.DataFrame, pool: pd.DataFrame, tag: str | None,
                    agent_tag: str) -> pd.DataFrame:
    """Deal the sorted candidates round-robin to the agents of their tag (else to everyone)."""
    tags_known = set(pool[agent_tag].dropna()) if agent_tag in pool.columns else set()
    if tag and tag in work.columns and tags_known:
        work["_pool"] = work[tag].where(work[tag].isin(tags_known), _ALL)
        agent_pool = pool[["agent_id", agent_tag]].rename(columns={agent_tag: "_pool"})
    else:
        work["_pool"] = _ALL
        agent_pool = pool[["agent_id"]].assign(_pool=_ALL)
    everyone = pool[["agent_id"]].assign(_pool=_ALL)
    agent_pool = pd.concat([agent_pool, everyone]).drop_duplicates(ignore_index=True)
    agent_pool["_k"] = agent_pool.groupby("_pool").cumcount()
    sizes = agent_pool.groupby("_pool").size()
    work["_k"] = work.groupby("_pool", sort=False).cumcount() % work["_pool"].map(sizes)
    work = work.merge(agent_pool, on=["_pool", "_k"], how="left", sort=False)
    work["position"] = work.groupby("agent_id", sort=False).cumcount() + 1
    return work


def _plan_times(queued: pd.DataFrame, day_start: str | pd.Timestamp, minutes_per_call: float,
                sla_minutes: dict[str, int] | None, tier: str | None) -> pd.DataFrame:
    """Add ``planned_at`` per call and, with service levels, ``due_by`` and ``within_sla``."""
    start = pd.Timestamp(day_start)
    queued["planned_at"] = start + pd.to_timedelta(
        (queued["position"] - 1) * minutes_per_call, unit="min")
    if sla_minutes and tier and tier in queued.columns:
        limit_min = queued[tier].map(sla_minutes)
        queued["due_by"] = start + pd.to_timedelta(limit_min, unit="min")
        queued["within_sla"] = (queued["planned_at"] <= queued["due_by"]).where(
            limit_min.notna(), True)
    return queued


# Long: twelve routing options, each documented; the body itself is a dozen lines of stages.
def build_call_queue(candidates: pd.DataFrame, agents: pd.DataFrame, calls_per_agent: int = 60,
                     capacity: int | None = None, key: str = "customer_id", score: str = "score",
                     tier: str | None = "tier", tag: str | None = "tag", agent_tag: str = "team",
                     sla_minutes: dict[str, int] | None = None,
                     day_start: str | pd.Timestamp | None = None,
                     minutes_per_call: float = 6.0) -> CallQueue:
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
    key, score, tier, tag : str
        The candidates' columns: id, score, value tier and routing tag (``agent_tag``: the
        agents' column matched against ``tag``).
    sla_minutes : dict, optional
        Response-time limit per tier (e.g. ``{"diamond": 30}``); adds a ``due_by`` column from
        ``day_start``.
    day_start : timestamp, optional
        When the first call of the day is made; adds ``planned_at`` per call.
    minutes_per_call : float
        Planned minutes per call.

    Returns
    -------
    CallQueue
        ``queued``: the queued candidates in priority order with ``agent_id``, ``position``
        (1 = agent's first call), ``priority`` (1 = most urgent overall) and ``planned_at`` /
        ``due_by`` / ``within_sla`` when ``day_start`` is given; ``waiting``: the candidates
        left for tomorrow. Unpack it: ``queue, waiting = build_call_queue(...)``.

    Raises
    ------
    DataProblem
        No sales agents, repeated candidates, candidates without a score, or a capacity or
        ``calls_per_agent`` that is not positive.

    Examples
    --------
    >>> candidates = pd.DataFrame({"customer_id": ["a", "b", "c"], "score": [0.1, 0.9, 0.5]})
    >>> queue, waiting = build_call_queue(candidates, pd.DataFrame({"agent_id": ["A1"]}),
    ...                                   calls_per_agent=2)
    >>> queue["customer_id"].tolist(), waiting["customer_id"].tolist()
    (['b', 'c'], ['a'])
    """
    pool = _sales_pool(agents)
    ordered = _by_priority(candidates, key, score, tier)
    limit = _day_limit(len(pool), calls_per_agent, capacity, len(candidates))
    work = _deal_to_agents(ordered, pool, tag, agent_tag)
    # every agent's list is filled in priority order; then the centre's capacity cuts the
    # overall list, again in priority order (so a busy team's overflow does not waste slots)
    queued = work.loc[work["position"] <= calls_per_agent].head(limit).copy()
    queued["priority"] = np.arange(1, len(queued) + 1)
    if day_start is not None:
        queued = _plan_times(queued, day_start, minutes_per_call, sla_minutes, tier)
    waiting = work.loc[~work.index.isin(queued.index), list(candidates.columns)]
    queued = queued.drop(columns=["_tier", "_score", "_pool", "_k"]).reset_index(drop=True)
    return CallQueue(queued, waiting.reset_index(drop=True))
