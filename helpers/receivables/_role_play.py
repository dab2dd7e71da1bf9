"""Role-play cards for the training room, drawn from (masked) accounts of the queue."""

from __future__ import annotations

import pandas as pd

from ._playbook import CollectionPlaybook

__all__ = ["role_play_cards"]


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
        masked = f"customer ···{str(r['customer_id'])[-3:]}"
        objections = "\n".join(f"  - \"{o}\"" for o in play.objections)
        cards.append(
            f"### Card: {r['stage']} · {r['customer_type']}\n"
            f"- **Situation**: {masked} owes {r['balance']:,.0f} on {int(r['invoices'])} "
            f"invoice(s), {int(r['max_days_past_due'])} days past due at worst; "
            f"estimated chance to pay within 30 days {r['p_pay_30d']:.0%}.\n"
            f"- **You are**: {play.actor}, by {play.channel}; tone: {play.tone}.\n"
            f"- **Goal**: {play.goal}\n"
            f"- **Offers you may make**: {', '.join(play.offers)}\n"
            f"- **Objections to expect**:\n{objections}\n"
            f"- **If it fails**: {play.escalation}\n"
        )
    return cards
