"""Role-play cards for the training room, drawn from (masked) accounts of the queue."""

from __future__ import annotations

import pandas as pd

from helpers.i18n import tr

from ._playbook import CollectionPlaybook

__all__ = ["days_past_due_text", "role_play_cards"]


def days_past_due_text(days: int) -> str:
    """Days past due in words: a negative number means not yet due (never "-5 days past due").

    Parameters
    ----------
    days : int
        As-of date minus due date, in days.

    Returns
    -------
    str

    Examples
    --------
    >>> [days_past_due_text(d) for d in (-30, -1, 0)]
    ['not yet due (due in 30 days)', 'not yet due (due tomorrow)', 'due today']
    >>> [days_past_due_text(d) for d in (1, 45)]
    ['1 day past due', '45 days past due']
    """
    days = int(days)
    if days < -1:
        return tr("not yet due (due in {n} days)", n=-days)
    if days == -1:
        return tr("not yet due (due tomorrow)")
    if days == 0:
        return tr("due today")
    return tr("1 day past due") if days == 1 else tr("{n} days past due", n=days)


def role_play_cards(queue: pd.DataFrame, playbook: CollectionPlaybook, n: int = 4,
                    seed: int = 0) -> list[str]:
    """Role-play cards (Markdown) for instructors: one per sampled account of the queue.

    One account per (stage, customer type) pair where possible, so the cards cover different
    situations. Only masked identifiers appear: no names, phones or e-mails.

    Parameters
    ----------
    queue : DataFrame
        From :func:`work_queue`.
    playbook : CollectionPlaybook
        From :func:`load_collection_playbook`.
    n : int
        Number of cards.
    seed : int
        Random seed of the account choice.

    Returns
    -------
    list of str
        Markdown cards (empty for an empty queue).
    """
    if queue.empty:
        return []
    pick = (queue.sample(frac=1.0, random_state=seed)
            .drop_duplicates(["stage", "customer_type"]).head(n))
    cards = []
    for _, r in pick.iterrows():  # a handful of cards, not a data loop
        play = playbook.play(str(r["stage"]), str(r["customer_type"]))
        objections = "\n".join(tr('  - "{objection}"', objection=tr(o))
                               for o in play.objections)
        cards.append("\n".join([
            tr("### Card: {stage} · {customer_type}", stage=r["stage"],
               customer_type=playbook.label(str(r["customer_type"]))),
            tr("- **Situation**: customer ···{masked} owes {balance:,.0f} on {invoices} "
               "invoice(s), {worst}; estimated chance to pay within 30 days {p_pay:.0%}.",
               masked=str(r["customer_id"])[-3:], balance=r["balance"],
               invoices=int(r["invoices"]), worst=_worst(int(r["max_days_past_due"])),
               p_pay=r["p_pay_30d"]),
            tr("- **You are**: {actor}, by {channel}; tone: {tone}.", actor=tr(play.actor),
               channel=tr(play.channel), tone=tr(play.tone)),
            tr("- **Goal**: {goal}", goal=tr(play.goal)),
            tr("- **Offers you may make**: {offers}",
               offers=tr(", ").join(tr(o) for o in play.offers)),
            tr("- **Objections to expect**:") + "\n" + objections,
            tr("- **If it fails**: {escalation}", escalation=tr(play.escalation)),
        ]) + "\n")
    return cards


def _worst(days: int) -> str:
    """The oldest invoice's position: "N days past due at worst" or "not yet due (…)"."""
    return (tr("{text} at worst", text=days_past_due_text(days)) if days > 0
            else days_past_due_text(days))
