"""Collection strategy (催收策略): the playbook, customer types, the day's work queue and cases.

The playbook (``helpers/config/collection_playbook.yaml``) says, for each collection stage and
customer type, which channel to use, the tone, who acts, timing and cadence, allowed offers,
escalation and an opening script in English and Chinese. An instructor edits it without touching
code; :func:`load_playbook` rejects a file with a missing stage, an unknown customer type or a
misspelt field, naming the exact key.

Typical use (after :mod:`helpers.receivables.aging` has scored the open invoices)::

    playbook = load_playbook()
    types = collection_types(customers, behaviour, tiers, lifecycle, playbook)
    accounts = collection_accounts(scored_items, types)
    queue = work_queue(accounts, playbook, capacity_minutes=3 * 8 * 60)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem
from helpers.receivables.aging import Stages, load_stages

__all__ = [
    "PLAY_FIELDS",
    "load_playbook",
    "validate_playbook",
    "play_table",
    "lifecycle_status",
    "value_tiers",
    "collection_types",
    "collection_attributes",
    "collection_accounts",
    "work_queue",
    "queue_view",
    "export_queue",
    "account_timeline",
    "timeline_view",
    "explore_timeline",
    "worked_case",
    "role_play_cards",
    "plot_queue",
    "plot_worked_case",
]

PLAYBOOK_FILE = "collection_playbook.yaml"
CHANNELS = ("message", "email", "call", "visit", "letter")
ACTORS = ("salesperson", "collector", "manager", "legal")
OFFERS = ("none", "instalment_plan", "early_settlement_discount", "payment_date_change",
          "targeted_offer")
PLAY_FIELDS = ("channel", "tone", "actor", "timing", "cadence_days", "offers", "escalation",
               "goal", "objections", "uplift", "script_en", "script_zh")
TYPE_KEYS = ("name", "zh", "when")
WHEN_KEYS = ("behaviour", "lifecycle", "attitude", "value_tier")
TOP_KEYS = ("customer_types", "effort_minutes", "stages")
TIER_RANK = {"diamond": 0, "gold": 1, "silver": 2, "low": 3}


# --------------------------------------------------------------------------- playbook


def _problem(source: str, key: str, message: str) -> DataProblem:
    return DataProblem(f"{source}: key {key!r} {message}.")


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (allowed: {list(choices)})"


def _check_play(play: Any, source: str, where: str, full: bool) -> dict[str, Any]:
    if not isinstance(play, Mapping):
        raise _problem(source, where, "must be a mapping of play fields")
    for key in play:
        if key not in PLAY_FIELDS:
            raise _problem(source, f"{where}.{key}", "is not a known field" + _suggest(key,
                                                                                      PLAY_FIELDS))
    if full:
        missing = [f for f in PLAY_FIELDS if f not in play]
        if missing:
            raise _problem(source, where, f"misses field(s) {missing}; a stage's default play "
                           "must set every field")
    out = dict(play)
    if "channel" in out and out["channel"] not in CHANNELS:
        raise _problem(source, f"{where}.channel", f"is {out['channel']!r}" +
                       _suggest(out["channel"], CHANNELS))
    if "actor" in out and out["actor"] not in ACTORS:
        raise _problem(source, f"{where}.actor", f"is {out['actor']!r}" +
                       _suggest(out["actor"], ACTORS))
    if "offers" in out:
        offers = out["offers"]
        if not isinstance(offers, list) or any(o not in OFFERS for o in offers):
            bad = offers if not isinstance(offers, list) else [o for o in offers
                                                              if o not in OFFERS][0]
            raise _problem(source, f"{where}.offers", f"has {bad!r}" + _suggest(bad, OFFERS))
    if "cadence_days" in out:
        c = out["cadence_days"]
        if isinstance(c, bool) or not isinstance(c, int) or c < 1:
            raise _problem(source, f"{where}.cadence_days", f"must be a whole number >= 1, "
                           f"got {c!r}")
    if "uplift" in out:
        u = out["uplift"]
        if isinstance(u, bool) or not isinstance(u, int | float) or not 0 <= u <= 1:
            raise _problem(source, f"{where}.uplift", f"must be between 0 and 1, got {u!r}")
    if "objections" in out and not isinstance(out["objections"], list):
        raise _problem(source, f"{where}.objections", "must be a list of sentences")
    for f in ("script_en", "script_zh", "tone", "goal", "timing", "escalation"):
        if f in out and (not isinstance(out[f], str) or not out[f].strip()):
            raise _problem(source, f"{where}.{f}", "must be a non-empty text")
    return out


def validate_playbook(raw: Any, source: str = PLAYBOOK_FILE,
                      stages: Stages | None = None) -> dict[str, Any]:
    """Check a parsed playbook and return it with every stage × type play filled in.

    Returns
    -------
    dict
        ``{"types": [...], "type_rules": [...], "effort_minutes": {...},
        "plays": {stage: {type: play}}, "source": source}``; each play has every field.

    Raises
    ------
    DataProblem
        Naming the file and the exact key: a missing stage or default play, an unknown stage,
        customer type or field (with the nearest correct spelling), a bad channel, actor, offer,
        cadence or uplift, a customer-type rule on an unknown attribute.
    """
    st = load_stages() if stages is None else stages
    if not isinstance(raw, Mapping):
        raise _problem(source, "(top)", "must be a mapping with customer_types, effort_minutes "
                       "and stages")
    for key in raw:
        if key not in TOP_KEYS:
            raise _problem(source, key, "is not a known section" + _suggest(key, TOP_KEYS))
    for key in TOP_KEYS:
        if key not in raw:
            raise _problem(source, key, "is missing")
    types, rules = [], []
    if not isinstance(raw["customer_types"], list) or not raw["customer_types"]:
        raise _problem(source, "customer_types", "must be a non-empty list")
    for i, item in enumerate(raw["customer_types"]):
        where = f"customer_types[{i}]"
        if not isinstance(item, Mapping) or "name" not in item:
            raise _problem(source, where, "must be a mapping with a name")
        for key in item:
            if key not in TYPE_KEYS:
                raise _problem(source, f"{where}.{key}", "is not a known field" +
                               _suggest(key, TYPE_KEYS))
        when = item.get("when") or {}
        if not isinstance(when, Mapping):
            raise _problem(source, f"{where}.when", "must be a mapping")
        for key, values in when.items():
            if key not in WHEN_KEYS:
                raise _problem(source, f"{where}.when.{key}", "is not a known attribute" +
                               _suggest(key, WHEN_KEYS))
            if not isinstance(values, list) or not values:
                raise _problem(source, f"{where}.when.{key}", "must be a non-empty list")
        if item["name"] in types:
            raise _problem(source, f"{where}.name", f"repeats the type {item['name']!r}")
        types.append(str(item["name"]))
        rules.append({"name": str(item["name"]), "zh": str(item.get("zh", "")),
                      "when": {k: list(v) for k, v in when.items()}})
    if rules[-1]["when"]:
        raise _problem(source, f"customer_types[{len(rules) - 1}].when",
                       "must be empty ({}) for the last type, so every customer gets a type")
    effort = raw["effort_minutes"]
    if not isinstance(effort, Mapping):
        raise _problem(source, "effort_minutes", "must map each channel to minutes")
    for ch in CHANNELS:
        v = effort.get(ch)
        if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
            raise _problem(source, f"effort_minutes.{ch}", f"must be a positive number, got {v!r}")
    for ch in effort:
        if ch not in CHANNELS:
            raise _problem(source, f"effort_minutes.{ch}", "is not a channel" +
                           _suggest(ch, CHANNELS))
    stages_raw = raw["stages"]
    if not isinstance(stages_raw, Mapping):
        raise _problem(source, "stages", "must map each stage to its plays")
    for name in stages_raw:
        if name not in st.names:
            raise _problem(source, f"stages.{name}", "is not a stage of " + st.source +
                           _suggest(name, st.names))
    plays: dict[str, dict[str, dict[str, Any]]] = {}
    for name in st.names:
        if name not in stages_raw:
            raise _problem(source, f"stages.{name}", "is missing: every stage needs plays "
                           f"(stages are {list(st.names)})")
        block = stages_raw[name]
        if not isinstance(block, Mapping) or "default" not in block:
            raise _problem(source, f"stages.{name}.default", "is missing: each stage needs a "
                           "default play")
        default = _check_play(block["default"], source, f"stages.{name}.default", full=True)
        plays[name] = {}
        for key in block:
            if key != "default" and key not in types:
                raise _problem(source, f"stages.{name}.{key}", "is not a customer type" +
                               _suggest(key, types))
        for t in types:
            override = block.get(t) or {}
            plays[name][t] = {**default, **_check_play(override, source, f"stages.{name}.{t}",
                                                       full=False)}
    return {"types": types, "type_rules": rules,
            "effort_minutes": {k: float(v) for k, v in effort.items()}, "plays": plays,
            "source": source}


def load_playbook(path: str | Path | None = None, stages: Stages | None = None) -> dict[str, Any]:
    """Load and validate the playbook (default ``helpers/config/collection_playbook.yaml``)."""
    import yaml

    from helpers.paths import config_file

    chosen = config_file(PLAYBOOK_FILE, path)
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataProblem(f"{chosen}: not valid YAML ({exc}).") from None
    return validate_playbook(raw, str(chosen), stages)


def play_table(playbook: Mapping[str, Any]) -> pd.DataFrame:
    """The playbook as a table: one row per stage × customer type."""
    rows = [{"stage": s, "customer_type": t, **{k: v for k, v in play.items()
                                                  if k not in ("script_en", "script_zh")}}
            for s, by_type in playbook["plays"].items() for t, play in by_type.items()]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- customer type


def lifecycle_status(transactions: pd.DataFrame, as_of: Any, customers: pd.Index | None = None,
                     lapsed_days: int = 180) -> pd.Series:
    """``active`` or ``lapsed`` (no purchase in ``lapsed_days``) per customer.

    Collections only need "has this customer stopped buying?": this is the ``lapsed`` rule of the
    classification standard's life cycle (``helpers.segments.rules.life_cycle_stage``), with customers
    who never bought counted as lapsed too.
    """
    if not {"customer_id", "purchase_date"} <= set(transactions.columns):
        raise DataProblem("transactions: columns 'customer_id' and 'purchase_date' are needed "
                          "to tell lapsed customers apart.")
    day = pd.Timestamp(as_of)
    last = pd.to_datetime(transactions["purchase_date"]).groupby(
        transactions["customer_id"]).max()
    index = last.index if customers is None else pd.Index(customers)
    since = (day - last.reindex(index)).dt.days
    out = pd.Series(np.where(since.isna() | (since > lapsed_days), "lapsed", "active"),
                    index=index, name="lifecycle")
    out.index.name = "customer_id"
    return out


def value_tiers(values: pd.Series) -> pd.Series:
    """Value tier (low / silver / gold / diamond) per customer, as the value lesson defines it.

    ``helpers.value.assign_tiers(values, cuts=(0.5, 0.8, 0.95))``, returned as plain strings.
    """
    from helpers.value.profitability import assign_tiers

    tiers = assign_tiers(values, cuts=(0.5, 0.8, 0.95), labels=("low", "silver", "gold", "diamond"))
    return pd.Series(np.asarray(tiers), index=values.index, name="value_tier").astype(str)


def collection_attributes(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    behaviour: pd.DataFrame,
    as_of: Any,
    lapsed_days: int = 180,
    value_months: int = 12,
) -> pd.DataFrame:
    """Everything the customer-type rules look at, one row per customer with receivables.

    ``behaviour`` from :func:`helpers.receivables.classify_payment_behaviour`; ``lifecycle``
    from :func:`lifecycle_status`; ``attitude`` from the customers table; ``value_tier`` from
    revenue in the last ``value_months`` months (:func:`value_tiers`, over all customers).
    """
    need = {"customer_id", "amount", "purchase_date"}
    if not need <= set(transactions.columns):
        raise DataProblem(f"transactions: columns {sorted(need - set(transactions.columns))} "
                          "missing.")
    day = pd.Timestamp(as_of)
    when = pd.to_datetime(transactions["purchase_date"])
    recent = transactions[(when > day - pd.DateOffset(months=value_months)) & (when <= day
                                                                              + pd.Timedelta(days=1))]
    revenue = recent.groupby("customer_id")["amount"].sum().reindex(
        customers["customer_id"], fill_value=0.0)
    tiers = value_tiers(revenue)
    ids = behaviour.index
    out = pd.DataFrame(index=ids)
    out["behaviour"] = behaviour["behaviour"].astype(str)
    out["lifecycle"] = lifecycle_status(transactions, day, ids, lapsed_days)
    att = customers.set_index("customer_id")["attitude"] if "attitude" in customers else None
    out["attitude"] = att.reindex(ids).astype("string") if att is not None else pd.NA
    out["value_tier"] = tiers.reindex(ids).astype(str)
    out.index.name = "customer_id"
    return out


def collection_types(
    attributes: pd.DataFrame,
    playbook: Mapping[str, Any],
) -> pd.Series:
    """Collection customer type per customer, by the playbook's ordered rules.

    Parameters
    ----------
    attributes : DataFrame
        Indexed by ``customer_id``, with any of ``behaviour`` (from
        :func:`helpers.receivables.classify_payment_behaviour`), ``lifecycle``, ``attitude``,
        ``value_tier``. Empty values match no rule.
    """
    conds, names = [], []
    for rule in playbook["type_rules"]:
        cond = np.ones(len(attributes), dtype=bool)
        for key, values in rule["when"].items():
            if key not in attributes.columns:
                raise DataProblem(f"{playbook['source']}: customer type {rule['name']!r} needs "
                                  f"the column {key!r}, which the attributes table lacks "
                                  f"(it has {list(attributes.columns)}).")
            cond &= attributes[key].astype("string").isin([str(v) for v in values]).fillna(
                False).to_numpy(dtype=bool)
        conds.append(cond)
        names.append(rule["name"])
    out = np.select(conds, names, default=names[-1])
    return pd.Series(pd.Categorical(out, categories=names), index=attributes.index,
                     name="customer_type")


def collection_accounts(items: pd.DataFrame, types: pd.Series | None = None,
                        tiers: pd.Series | None = None, stages: Stages | None = None
                        ) -> pd.DataFrame:
    """One row per customer with open money: balance, worst stage, oldest invoice, recovery.

    ``items`` are open invoices with ``p_pay_30d`` and ``expected_recovery``
    (:func:`helpers.receivables.predict_pay`); without them the probability is left empty.
    """
    st = load_stages() if stages is None else stages
    need = {"customer_id", "invoice_id", "balance", "days_past_due", "stage"}
    if not need <= set(items.columns):
        raise DataProblem(f"open items: columns {sorted(need - set(items.columns))} missing; "
                          "build them with helpers.receivables.open_items().")
    x = items.copy()
    if "expected_recovery" not in x.columns:
        x["expected_recovery"] = np.nan
    g = x.groupby("customer_id", observed=True)
    acc = pd.DataFrame({
        "invoices": g.size(),
        "balance": g["balance"].sum(),
        "max_days_past_due": g["days_past_due"].max(),
        "expected_recovery": g["expected_recovery"].sum(min_count=1),
    })
    acc["stage"] = pd.Categorical.from_codes(
        g["stage"].apply(lambda s: s.cat.codes.max()).reindex(acc.index).to_numpy(),
        dtype=st.dtype)
    worst = x.sort_values(["days_past_due", "balance"], ascending=False).drop_duplicates(
        "customer_id").set_index("customer_id")
    acc["oldest_invoice"] = worst["invoice_id"].reindex(acc.index)
    acc["oldest_due_date"] = worst["due_date"].reindex(acc.index) if "due_date" in worst else pd.NaT
    acc["p_pay_30d"] = acc["expected_recovery"] / acc["balance"]
    if types is not None:
        acc["customer_type"] = types.reindex(acc.index)
    if tiers is not None:
        acc["value_tier"] = tiers.reindex(acc.index)
    acc.index.name = "customer_id"
    return acc.reset_index()


# --------------------------------------------------------------------------- work queue


def work_queue(
    accounts: pd.DataFrame,
    playbook: Mapping[str, Any],
    capacity_minutes: float | None = 8 * 60,
    stages: Stages | None = None,
    min_tier: str | None = None,
    include_current: bool = True,
) -> pd.DataFrame:
    """Today's prioritised collection list.

    Score = balance × probability to pay in 30 days × stage urgency / effort minutes: the money
    expected back per minute of staff time, weighted by how much acting now matters at the stage.
    Ties are broken by value tier (diamond first), then balance. Accounts are taken in score order
    until their minutes exceed ``capacity_minutes`` (``None``: no limit).

    Parameters
    ----------
    accounts : DataFrame
        From :func:`collection_accounts` with ``customer_type`` (and optionally ``value_tier``).
    min_tier : str, optional
        Constraint: only accounts of this value tier or better (e.g. ``"gold"``).
    include_current : bool
        Keep M0 (not yet due) accounts, which get a reminder.

    Returns
    -------
    DataFrame
        Ranked rows with ``rank, score, effort_minutes, cumulative_minutes``, the play's
        ``channel, actor, tone, offers, goal, script_en, script_zh``.
    """
    st = load_stages() if stages is None else stages
    need = {"customer_id", "balance", "stage", "customer_type", "p_pay_30d"}
    if not need <= set(accounts.columns):
        raise DataProblem(f"accounts: columns {sorted(need - set(accounts.columns))} missing; "
                          "build them with collection_accounts(scored_items, types).")
    if accounts["p_pay_30d"].isna().any():
        bad = accounts["p_pay_30d"].isna()
        raise DataProblem(f"accounts: column 'p_pay_30d' is empty for {int(bad.sum())} account(s),"
                          f" e.g. {accounts.loc[bad, 'customer_id'].head(5).tolist()}; score the "
                          "open items with helpers.receivables.predict_pay first.")
    if capacity_minutes is not None and capacity_minutes <= 0:
        raise DataProblem(f"work_queue: capacity_minutes must be positive, got "
                          f"{capacity_minutes!r}.")
    acc = accounts
    if not include_current:
        acc = acc[acc["stage"].astype(str) != st.names[0]]
    tiers = list(TIER_RANK)  # best first
    if "value_tier" in acc:
        tier_rank = pd.Categorical(acc["value_tier"], categories=tiers).codes.astype("int64")
        tier_rank[tier_rank < 0] = len(tiers)
    else:
        tier_rank = np.full(len(acc), len(tiers))
    if min_tier is not None:
        if min_tier not in TIER_RANK:
            raise DataProblem(f"work_queue: min_tier={min_tier!r}; use one of {list(TIER_RANK)}.")
        keep = tier_rank <= TIER_RANK[min_tier]
        acc, tier_rank = acc[keep], tier_rank[keep]
    types = list(playbook["types"])
    s_code = pd.Categorical(acc["stage"], categories=list(st.names)).codes.astype("int64")
    t_code = pd.Categorical(acc["customer_type"], categories=types).codes.astype("int64")
    bad = (s_code < 0) | (t_code < 0)
    if bad.any():
        raise DataProblem(
            f"accounts: {int(bad.sum())} row(s) have a stage or customer_type the playbook does not "
            f"know, e.g. {acc.loc[bad, ['customer_id', 'stage', 'customer_type']].head(5).to_dict('records')}"
            f"; stages are {list(st.names)}, types {types}.")
    pair = s_code * len(types) + t_code
    # one row per (stage, type) pair, in pair-code order: the play's fields and its effort
    lut = pd.DataFrame([playbook["plays"][sn][tn] for sn in st.names for tn in types])
    lut["offers"] = lut["offers"].map(", ".join)
    effort = lut["channel"].map(playbook["effort_minutes"]).to_numpy(dtype="float64")
    urgency = np.asarray(st.urgency, dtype="float64")
    balance = acc["balance"].to_numpy(dtype="float64")
    minutes = effort[pair]
    score = balance * acc["p_pay_30d"].to_numpy(dtype="float64") * urgency[s_code] / minutes
    order = np.lexsort((-balance, tier_rank, -score))  # score desc, tier best, balance desc
    cumulative = np.cumsum(minutes[order])
    if capacity_minutes is not None:
        order = order[cumulative <= capacity_minutes]
        cumulative = cumulative[: len(order)]
    out = acc.iloc[order].reset_index(drop=True)
    out["urgency"] = urgency[s_code[order]]
    out["effort_minutes"] = minutes[order]
    out["score"] = score[order]
    plays = lut.iloc[pair[order]].reset_index(drop=True)
    for col in ("channel", "actor", "tone", "offers", "goal", "escalation", "script_en",
                "script_zh"):
        out[col] = plays[col].to_numpy()
    out["cumulative_minutes"] = cumulative
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def playbook_pairs(playbook: Mapping[str, Any]) -> list[tuple[str, str]]:
    """All (stage, customer type) pairs of a validated playbook."""
    return [(s, t) for s, by_type in playbook["plays"].items() for t in by_type]


def queue_view(accounts: pd.DataFrame, playbook: Mapping[str, Any], collectors: int = 3,
               hours: float = 6.0, min_tier: str | None = None) -> pd.DataFrame:
    """Work queue for a team size and hours per day (the widget's pure function)."""
    if collectors < 1 or hours <= 0:
        raise DataProblem("queue_view: collectors must be >= 1 and hours > 0.")
    return work_queue(accounts, playbook, capacity_minutes=collectors * hours * 60,
                      min_tier=min_tier)


def export_queue(queue: pd.DataFrame, output_dir: str | Path = "output",
                 reveal_personal: bool = False, fmt: str = "csv") -> Path:
    """Write the queue for a CRM through ``helpers.data.loading.write_table`` (masked by default)."""
    from helpers.data.loading import write_table

    return write_table(queue, "collection_queue", output_dir=output_dir,
                       reveal_personal=reveal_personal, fmt=fmt)


# --------------------------------------------------------------------------- timeline


def account_timeline(customer_id: str, invoices: pd.DataFrame, payments: pd.DataFrame,
                     calls: pd.DataFrame | None = None,
                     service_contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Everything that happened on one account, in date order: invoices, payments, contacts."""
    inv = invoices[invoices["customer_id"] == customer_id]
    if inv.empty:
        raise DataProblem(f"account_timeline: customer {customer_id!r} has no invoices; pick one "
                          "from the work queue.")
    parts = [
        pd.DataFrame({"date": pd.to_datetime(inv["issue_date"]), "event": "invoice issued",
                      "reference": inv["invoice_id"], "amount": inv["amount"],
                      "detail": "due " + pd.to_datetime(inv["due_date"]).dt.strftime("%Y-%m-%d")}),
        pd.DataFrame({"date": pd.to_datetime(inv["due_date"]), "event": "invoice due",
                      "reference": inv["invoice_id"], "amount": np.nan, "detail": ""}),
    ]
    pay = payments[payments["customer_id"] == customer_id]
    parts.append(pd.DataFrame({"date": pd.to_datetime(pay["payment_date"]), "event": "payment",
                               "reference": pay["invoice_id"], "amount": pay["amount"],
                               "detail": pay.get("method", pd.Series("", index=pay.index))
                               .astype("string").fillna("")}))
    if calls is not None and len(calls):
        c = calls[calls["customer_id"] == customer_id]
        parts.append(pd.DataFrame({"date": pd.to_datetime(c["started_at"]), "event": "call",
                                   "reference": c["call_id"], "amount": np.nan,
                                   "detail": c.get("purpose", "").astype("string").fillna("")
                                   + ": " + c["outcome"].astype("string")}))
    if service_contacts is not None and len(service_contacts):
        s = service_contacts[service_contacts["customer_id"] == customer_id]
        parts.append(pd.DataFrame({"date": pd.to_datetime(s["contacted_at"]),
                                   "event": "service contact", "reference": s["contact_id"],
                                   "amount": np.nan, "detail": s["kind"].astype("string")}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def timeline_view(customer_id: str, invoices: pd.DataFrame, payments: pd.DataFrame,
                  accounts: pd.DataFrame, playbook: Mapping[str, Any], as_of: Any,
                  calls: pd.DataFrame | None = None) -> dict[str, Any]:
    """Timeline, balance path and next action for one account (the widget's pure function)."""
    events = account_timeline(customer_id, invoices, payments, calls)
    day = pd.Timestamp(as_of)
    start = events["date"].min()
    dates = pd.date_range(start + pd.offsets.MonthEnd(0), day + pd.offsets.MonthEnd(0), freq="ME")
    inv = invoices[invoices["customer_id"] == customer_id]
    pay = payments[payments["customer_id"] == customer_id]
    from helpers.receivables.aging import month_end_snapshots

    snaps = month_end_snapshots(inv, pay, dates=dates)
    path = snaps.pivot_table(index="date", columns="stage", values="balance", aggfunc="sum",
                             observed=False, fill_value=0.0)
    row = accounts[accounts["customer_id"] == customer_id]
    action: dict[str, Any] = {}
    if len(row):
        r = row.iloc[0]
        play = playbook["plays"][str(r["stage"])][str(r["customer_type"])]
        action = {"stage": str(r["stage"]), "customer_type": str(r["customer_type"]),
                  "balance": float(r["balance"]), **{k: play[k] for k in
                                                     ("channel", "actor", "tone", "goal",
                                                      "script_en")}}
    return {"events": events, "balance_path": path, "next_action": action}


def explore_timeline(invoices: pd.DataFrame, payments: pd.DataFrame, accounts: pd.DataFrame,
                     playbook: Mapping[str, Any], as_of: Any, calls: pd.DataFrame | None = None,
                     options: Sequence[str] | None = None) -> Any:
    """Widget: pick an account, see its stage over time, its events and the next action."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    ids = list(options if options is not None else accounts["customer_id"].head(50))
    pick = w.Dropdown(options=ids, description="account")
    out = w.Output()

    def update(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            view = timeline_view(pick.value, invoices, payments, accounts, playbook, as_of, calls)
            fig, ax = plt.subplots(figsize=(8, 2.8))
            path = view["balance_path"]
            colours = plt.cm.YlOrRd(np.linspace(0.15, 0.9, path.shape[1]))
            ax.stackplot(path.index, path.T.to_numpy(), labels=list(path.columns),
                         colors=colours)
            ax.legend(loc="upper left", fontsize=7)
            ax.set_title(f"{pick.value}: open balance by stage at month ends")
            plt.show()
            display(view["events"].tail(12))
            a = view["next_action"]
            if a:
                print(f"Next action: {a['channel']} by {a['actor']} ({a['tone']}). "
                      f"Goal: {a['goal']}\nScript: {a['script_en']}")

    pick.observe(update, names="value")
    update()
    return w.VBox([pick, out])


# --------------------------------------------------------------------------- worked case


def worked_case(accounts: pd.DataFrame, playbook: Mapping[str, Any],
                baseline_type: str = "cooperative") -> pd.DataFrame:
    """The electronics-company case: what the tailored plays would recover, by customer type.

    For overdue accounts (stage past M0), the baseline is the stage's play for
    ``baseline_type`` (the same approach for everyone); the strategy uses the play for the
    account's own type (e.g. gentle reminder plus instalment plan for negative-attitude
    customers, a revisit plus a targeted offer for lapsed ones). Each play's ``uplift`` is a
    planning assumption from the playbook: ``p_new = p + uplift × (1 - p)``.

    Returns
    -------
    DataFrame
        By customer type: ``accounts, balance, share_of_overdue, expected_now, expected_baseline,
        expected_strategy, gain``.
    """
    need = {"stage", "customer_type", "balance", "p_pay_30d"}
    if not need <= set(accounts.columns):
        raise DataProblem(f"accounts: columns {sorted(need - set(accounts.columns))} missing.")
    st_names = list(playbook["plays"])
    over = accounts[accounts["stage"].astype(str) != st_names[0]].copy()
    up_own = np.array([playbook["plays"][s][t]["uplift"] for s, t in
                       zip(over["stage"].astype(str), over["customer_type"].astype(str),
                           strict=True)], dtype="float64")
    up_base = over["stage"].astype(str).map(
        {s: playbook["plays"][s][baseline_type]["uplift"] for s in st_names}).to_numpy(
        dtype="float64")
    p = over["p_pay_30d"].to_numpy(dtype="float64")
    bal = over["balance"].to_numpy(dtype="float64")
    over["expected_now"] = bal * p
    over["expected_baseline"] = bal * (p + up_base * (1 - p))
    over["expected_strategy"] = bal * (p + up_own * (1 - p))
    g = over.groupby("customer_type", observed=True)
    out = pd.DataFrame({
        "accounts": g.size(),
        "balance": g["balance"].sum(),
        "expected_now": g["expected_now"].sum(),
        "expected_baseline": g["expected_baseline"].sum(),
        "expected_strategy": g["expected_strategy"].sum(),
    })
    out["share_of_overdue"] = out["balance"] / out["balance"].sum()
    out["gain"] = out["expected_strategy"] - out["expected_baseline"]
    return out.sort_values("balance", ascending=False)


def role_play_cards(queue: pd.DataFrame, playbook: Mapping[str, Any], n: int = 4,
                    seed: int = 0) -> list[str]:
    """Role-play cards (Markdown) for instructors: one per sampled account of the queue.

    One account per (stage, customer type) pair where possible, so the cards cover different
    situations. Only masked identifiers appear: no names, phones or e-mails.
    """
    if queue.empty:
        return []
    pick = (queue.sample(frac=1.0, random_state=seed)
            .drop_duplicates(["stage", "customer_type"]).head(n))
    cards = []
    for _, r in pick.iterrows():  # a handful of cards, not a data loop
        play = playbook["plays"][str(r["stage"])][str(r["customer_type"])]
        masked = f"customer ···{str(r['customer_id'])[-3:]}"
        objections = "\n".join(f"  - \"{o}\"" for o in play["objections"])
        cards.append(
            f"### Card: {r['stage']} · {r['customer_type']}\n"
            f"- **Situation**: {masked} owes {r['balance']:,.0f} on {int(r['invoices'])} "
            f"invoice(s), {int(r['max_days_past_due'])} days past due at worst; "
            f"estimated chance to pay within 30 days {r['p_pay_30d']:.0%}.\n"
            f"- **You are**: {play['actor']}, by {play['channel']}; tone: {play['tone']}.\n"
            f"- **Goal**: {play['goal']}\n"
            f"- **Offers you may make**: {', '.join(play['offers'])}\n"
            f"- **Objections to expect**:\n{objections}\n"
            f"- **If it fails**: {play['escalation']}\n"
        )
    return cards


# --------------------------------------------------------------------------- plots


def plot_queue(queue: pd.DataFrame, ax: Any = None, top: int = 20) -> Any:
    """Horizontal bars of the top accounts' scores, coloured by stage."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    head = queue.head(top).iloc[::-1]
    stages = sorted(head["stage"].astype(str).unique())
    cmap = dict(zip(stages, plt.cm.YlOrRd(np.linspace(0.25, 0.9, len(stages))), strict=True))
    labels = [f"#{r} {t}" for r, t in zip(head["rank"], head["customer_type"].astype(str),
                                          strict=True)]
    ax.barh(labels, head["score"], color=[cmap[s] for s in head["stage"].astype(str)])
    for s, c in cmap.items():
        ax.barh([labels[0]], [0], color=c, label=s)
    ax.legend(title="stage", fontsize=8)
    ax.set_xlabel("expected recovery per staff minute (urgency-weighted)")
    ax.set_title("Today's queue: who to contact first")
    return ax


def plot_worked_case(case: pd.DataFrame, ax: Any = None) -> Any:
    """Grouped bars: expected recovery with one approach for all vs the tailored strategy."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    x = np.arange(len(case))
    ax.bar(x - 0.2, case["expected_baseline"], width=0.4, label="same approach for all",
           color="#9aa5b1")
    ax.bar(x + 0.2, case["expected_strategy"], width=0.4, label="tailored by type",
           color="#d9822b")
    ax.set_xticks(x, [str(i) for i in case.index], rotation=20)
    ax.set_ylabel("expected recovery in 30 days")
    ax.legend()
    ax.set_title("Overdue accounts: what the tailored plays would recover")
    return ax
