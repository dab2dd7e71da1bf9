"""The day's work queue (每日催收清单): accounts ranked by expected recovery per staff minute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.axes import Axes

from helpers.data import write_table
from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr
from helpers.plotting import money_axis, new_axes

from ._display import display_table
from ._playbook import CollectionPlaybook, type_label
from ._stages import Stages, resolve_stages

__all__ = ["TIER_RANK", "RankedAccounts", "collection_accounts", "explore_queue", "export_queue",
           "plot_queue", "queue_view", "rank_accounts", "work_queue"]

#: Value tiers, best first (ties in the queue go to the better tier).
TIER_RANK = {"diamond": 0, "gold": 1, "silver": 2, "low": 3}
#: Play fields copied onto each queue row.
QUEUE_PLAY_FIELDS = ("channel", "actor", "tone", "offers", "goal", "escalation", "script_en",
                     "script_zh")


def collection_accounts(items: pd.DataFrame, types: pd.Series | None = None,
                        tiers: pd.Series | None = None, stages: Stages | None = None
                        ) -> pd.DataFrame:
    """One row per customer with open money: balance, worst stage, oldest invoice, recovery.

    Parameters
    ----------
    items : DataFrame
        Open invoices (:func:`open_items`), best with ``p_pay_30d`` and ``expected_recovery``
        (:func:`predict_pay`); without them the probability is left empty.
    types : Series, optional
        Customer type per customer (:func:`collection_types`).
    tiers : Series, optional
        Value tier per customer.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    DataFrame
        ``customer_id, invoices, balance, max_days_past_due, expected_recovery, stage,
        oldest_invoice, oldest_due_date, p_pay_30d`` and ``customer_type``, ``value_tier`` when
        given.

    Raises
    ------
    DataProblem
        If ``items`` lacks a needed column.
    """
    st = resolve_stages(stages)
    require_columns(items, ["customer_id", "invoice_id", "balance", "days_past_due", "stage"],
                    "open items", fix="build them with helpers.receivables.open_items().")
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
        x["stage"].cat.codes.groupby(x["customer_id"], observed=True).max()
        .reindex(acc.index).to_numpy(),
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


def _check_accounts(accounts: pd.DataFrame, capacity_minutes: float | None) -> None:
    require_columns(accounts, ["customer_id", "balance", "stage", "customer_type", "p_pay_30d"],
                    "accounts", fix="build them with collection_accounts(scored_items, types).")
    if accounts["p_pay_30d"].isna().any():
        bad = accounts["p_pay_30d"].isna()
        raise DataProblem(f"accounts: column 'p_pay_30d' is empty for {int(bad.sum())} account(s),"
                          f" e.g. {accounts.loc[bad, 'customer_id'].head(5).tolist()}; score the "
                          "open items with helpers.receivables.predict_pay first.")
    if capacity_minutes is not None and capacity_minutes <= 0:
        raise DataProblem(f"work_queue: capacity_minutes must be positive, got "
                          f"{capacity_minutes!r}.")


def _tier_rank(acc: pd.DataFrame) -> np.ndarray:
    """0 for diamond … 3 for low; 4 for accounts without a (known) tier."""
    if "value_tier" not in acc:
        return np.full(len(acc), len(TIER_RANK))
    rank = pd.Categorical(acc["value_tier"], categories=list(TIER_RANK)).codes.astype("int64")
    rank[rank < 0] = len(TIER_RANK)
    return rank


def _eligible(acc: pd.DataFrame, st: Stages, include_current: bool,
              min_tier: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The accounts the queue may take, with their tier ranks."""
    if not include_current:
        acc = acc[acc["stage"].astype(str) != st.names[0]]
    tier_rank = _tier_rank(acc)
    if min_tier is not None:
        if min_tier not in TIER_RANK:
            raise DataProblem(f"work_queue: min_tier={min_tier!r}; use one of {list(TIER_RANK)}.")
        keep = tier_rank <= TIER_RANK[min_tier]
        acc, tier_rank = acc[keep], tier_rank[keep]
    return acc, tier_rank


def _pair_codes(acc: pd.DataFrame, st: Stages, types: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stage and customer-type codes of each account; unknown ones are an error."""
    s_code = pd.Index(st.names).get_indexer(acc["stage"]).astype("int64")
    t_code = pd.Index(types).get_indexer(acc["customer_type"]).astype("int64")
    bad = (s_code < 0) | (t_code < 0)
    if bad.any():
        raise DataProblem(
            f"accounts: {int(bad.sum())} row(s) have a stage or customer_type the playbook does "
            f"not know, e.g. "
            f"{acc.loc[bad, ['customer_id', 'stage', 'customer_type']].head(5).to_dict('records')}"
            f"; stages are {list(st.names)}, types {types}.")
    return s_code, t_code


def _play_lookup(playbook: CollectionPlaybook, st: Stages, types: list[str]) -> pd.DataFrame:
    """One row per (stage, type) pair, in pair-code order: the play's fields, offers as text."""
    lut = pd.DataFrame([playbook.play(sn, tn).model_dump() for sn in st.names for tn in types])
    lut["offers"] = lut["offers"].map(", ".join)
    return lut


@dataclass(frozen=True)
class RankedAccounts:
    """The eligible accounts in queue order, computed once (:func:`rank_accounts`).

    :func:`queue_view` only cuts this ranking at a capacity (and a tier), so a widget that moves
    the team size does not rebuild codes and re-sort on every move.
    """

    accounts: pd.DataFrame  # eligible accounts, best first
    tier_rank: np.ndarray
    minutes: np.ndarray
    score: np.ndarray
    urgency: np.ndarray
    pair: np.ndarray  # (stage, type) pair code of each row, into ``plays``
    plays: pd.DataFrame


def rank_accounts(accounts: pd.DataFrame, playbook: CollectionPlaybook,
                  stages: Stages | None = None, include_current: bool = True,
                  min_tier: str | None = None) -> RankedAccounts:
    """Score and order the accounts once; :func:`queue_view` then cuts the list per capacity.

    Parameters
    ----------
    accounts, playbook, stages, min_tier, include_current
        As for :func:`work_queue`.

    Returns
    -------
    RankedAccounts
        The eligible accounts best first, with their minutes, scores and plays.

    Raises
    ------
    DataProblem
        As :func:`work_queue`.
    """
    st = resolve_stages(stages)
    _check_accounts(accounts, None)
    acc, tier_rank = _eligible(accounts, st, include_current, min_tier)
    types = list(playbook.types)
    s_code, t_code = _pair_codes(acc, st, types)
    pair = s_code * len(types) + t_code
    lut = _play_lookup(playbook, st, types)
    effort = lut["channel"].map(playbook.minutes()).to_numpy(dtype="float64")
    urgency = np.asarray(st.urgency, dtype="float64")
    balance = acc["balance"].to_numpy(dtype="float64")
    minutes = effort[pair]
    score = balance * acc["p_pay_30d"].to_numpy(dtype="float64") * urgency[s_code] / minutes
    order = np.lexsort((-balance, tier_rank, -score))  # score desc, tier best, balance desc
    return RankedAccounts(acc.iloc[order].reset_index(drop=True), tier_rank[order],
                          minutes[order], score[order], urgency[s_code[order]], pair[order], lut)


def _cut(ranked: RankedAccounts, capacity_minutes: float | None,
         min_tier: str | None) -> pd.DataFrame:
    """The head of the ranking that fits in ``capacity_minutes`` (accounts of ``min_tier`` up)."""
    if min_tier is not None:
        if min_tier not in TIER_RANK:
            raise DataProblem(f"work_queue: min_tier={min_tier!r}; use one of {list(TIER_RANK)}.")
        rows = np.flatnonzero(ranked.tier_rank <= TIER_RANK[min_tier])
    else:
        rows = np.arange(len(ranked.minutes))
    cumulative = np.cumsum(ranked.minutes[rows])
    if capacity_minutes is not None:
        fits = cumulative <= capacity_minutes
        rows, cumulative = rows[fits], cumulative[fits]
    out = ranked.accounts.iloc[rows].reset_index(drop=True)
    out["urgency"] = ranked.urgency[rows]
    out["effort_minutes"] = ranked.minutes[rows]
    out["score"] = ranked.score[rows]
    return _with_plays(out, ranked.plays.iloc[ranked.pair[rows]], cumulative)


def work_queue(accounts: pd.DataFrame, playbook: CollectionPlaybook,
               capacity_minutes: float | None = 8 * 60, stages: Stages | None = None,
               min_tier: str | None = None, include_current: bool = True) -> pd.DataFrame:
    """Today's prioritised collection list.

    Score = balance × probability to pay in 30 days × stage urgency / effort minutes: the money
    expected back per minute of staff time, weighted by how much acting now matters at the stage.
    Ties are broken by value tier (diamond first), then balance. Accounts are taken in score order
    until their minutes exceed ``capacity_minutes`` (``None``: no limit).

    Parameters
    ----------
    accounts : DataFrame
        From :func:`collection_accounts` with ``customer_type`` (and optionally ``value_tier``).
    playbook : CollectionPlaybook
        From :func:`load_collection_playbook`.
    capacity_minutes : float or None
        Staff minutes available today.
    stages : Stages, optional
        Default: the bundled stages.
    min_tier : str, optional
        Constraint: only accounts of this value tier or better (e.g. ``"gold"``).
    include_current : bool
        Keep M0 (not yet due) accounts, which get a reminder.

    Returns
    -------
    DataFrame
        Ranked rows with ``rank, score, urgency, effort_minutes, cumulative_minutes``, the play's
        ``channel, actor, tone, offers, goal, escalation, script_en, script_zh``.

    Raises
    ------
    DataProblem
        Missing columns or probabilities, a stage or type the playbook does not know, a
        non-positive capacity, an unknown ``min_tier``.
    """
    _check_accounts(accounts, capacity_minutes)
    ranked = rank_accounts(accounts, playbook, stages, include_current, min_tier)
    return _cut(ranked, capacity_minutes, None)


def _with_plays(out: pd.DataFrame, plays: pd.DataFrame, cumulative: np.ndarray) -> pd.DataFrame:
    """The queue rows with their plays' fields, cumulative minutes and a rank in front."""
    for col in QUEUE_PLAY_FIELDS:
        out[col] = plays[col].to_numpy()
    out["cumulative_minutes"] = cumulative
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def queue_view(accounts: pd.DataFrame | RankedAccounts,
               playbook: CollectionPlaybook | None = None, collectors: int = 3,
               hours: float = 6.0, min_tier: str | None = None) -> pd.DataFrame:
    """Work queue for a team size and hours per day (the widget's pure function).

    Given a :class:`RankedAccounts` (:func:`rank_accounts`, what :func:`explore_queue` builds
    once) it only cuts the ranking, which is what keeps the widget fast; given the accounts and
    the playbook it ranks them first (same result).

    Parameters
    ----------
    accounts : DataFrame or RankedAccounts
        As for :func:`work_queue`, or the accounts already ranked.
    playbook : CollectionPlaybook, optional
        As for :func:`work_queue` (not needed with ranked accounts).
    collectors : int
        People working the queue.
    hours : float
        Hours each spends on it.
    min_tier : str, optional
        Only accounts of this value tier or better.

    Returns
    -------
    DataFrame
        :func:`work_queue` with ``collectors × hours × 60`` minutes.

    Raises
    ------
    DataProblem
        If ``collectors < 1`` or ``hours <= 0``, or as :func:`work_queue`.
    """
    if collectors < 1 or hours <= 0:
        raise DataProblem("queue_view: collectors must be >= 1 and hours > 0.")
    if isinstance(accounts, RankedAccounts):
        return _cut(accounts, collectors * hours * 60, min_tier)
    if playbook is None:
        raise DataProblem("queue_view: pass the playbook (load_collection_playbook()) with the "
                          "accounts, or accounts ranked by rank_accounts(accounts, playbook).")
    return work_queue(accounts, playbook, capacity_minutes=collectors * hours * 60,
                      min_tier=min_tier)


def explore_queue(accounts: pd.DataFrame, playbook: CollectionPlaybook,
                  columns: Sequence[str] | None = None, rows: int = 12) -> w.Widget:
    """Widget: team size, hours and a minimum tier; the day's queue updates.

    The accounts are ranked once (:func:`rank_accounts`); each move only cuts the ranking.

    Parameters
    ----------
    accounts, playbook
        As for :func:`work_queue`.
    columns : sequence of str, optional
        Queue columns shown (default: all).
    rows : int
        Queue rows shown.

    Returns
    -------
    ipywidgets.Widget
        The controls and the queue's head; its callback is :func:`queue_view`.
    """
    ranked = rank_accounts(accounts, playbook)
    collectors = w.IntSlider(value=3, min=1, max=10, description=tr("collectors"))
    hours = w.FloatSlider(value=6.0, min=1.0, max=8.0, step=0.5, description=tr("hours"))
    tier = w.Dropdown(options=[(tr(t), t) for t in ("all", "silver", "gold", "diamond")],
                      value="all", description=tr("min tier"))
    out = w.Output()

    def update(*_: Any) -> None:
        view = queue_view(ranked, collectors=collectors.value, hours=hours.value,
                          min_tier=None if tier.value == "all" else tier.value)
        with out:
            out.clear_output(wait=True)
            print(tr("{n:,} accounts, expected recovery {amount:,.0f}", n=len(view),
                     amount=(view["balance"] * view["p_pay_30d"]).sum()))
            shown = view[list(columns)].head(rows) if columns else view.head(rows)
            display(display_table(shown, playbook))

    for control in (collectors, hours, tier):
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox([collectors, hours, tier]), out])


def export_queue(queue: pd.DataFrame, output_dir: str | Path = "output",
                 reveal_personal: bool = False, fmt: str = "csv") -> Path:
    """Write the queue for a CRM through ``write_table`` (masked by default, never overwrites).

    Parameters
    ----------
    queue : DataFrame
        From :func:`work_queue`.
    output_dir : str or Path
        Output folder.
    reveal_personal : bool
        Write personal data unmasked (only if you are entitled).
    fmt : str
        File format (``"csv"``, ``"xlsx"`` …).

    Returns
    -------
    Path
        The file written (``collection_queue.csv`` or a numbered name).
    """
    return write_table(queue, "collection_queue", output_dir=output_dir,
                       reveal_personal=reveal_personal, fmt=fmt)


def plot_queue(queue: pd.DataFrame, ax: Axes | None = None, top: int = 20,
               playbook: CollectionPlaybook | None = None) -> Axes:
    """Horizontal bars of the top accounts' scores, coloured by stage.

    Parameters
    ----------
    queue : DataFrame
        From :func:`work_queue`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    top : int
        Accounts shown.
    playbook : CollectionPlaybook, optional
        Names the customer types in the labels (default: the bundled playbook).

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (7, 4.5))
    head = queue.head(top).iloc[::-1]
    stages = sorted(head["stage"].astype(str).unique())
    cmap = dict(zip(stages, plt.cm.YlOrRd(np.linspace(0.25, 0.9, len(stages))), strict=True))
    labels = [f"#{r} {type_label(t, playbook)}"
              for r, t in zip(head["rank"], head["customer_type"].astype(str), strict=True)]
    ax.barh(labels, head["score"], color=[cmap[s] for s in head["stage"].astype(str)])
    for s, c in cmap.items():
        ax.barh([labels[0]], [0], color=c, label=s)
    ax.legend(title=tr("stage"), fontsize=8)
    ax.set_xlabel(tr("expected recovery per staff minute (urgency-weighted)"))
    ax.set_ylabel(tr("queue rank and customer type"))
    money_axis(ax, "x")
    ax.set_title(tr("Today's queue: who to contact first"))
    return ax
