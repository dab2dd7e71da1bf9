"""Expected answers for lesson 10 (collection strategy and the work queue).

Kinds: 10.1 a read-off of the playbook, 10.2 to 10.4 small analyses (10.4 is asked before the
worked case shows its figure), 10.5 the M2 6W3H question sheet (which items a transcribed
call left open), 10.6 an interpretation (which of three accounts to call first, with each account's
figures as feedback), 10.7 a prediction made before the smaller team's queue is built.
"""

from __future__ import annotations

import pandas as pd

from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr
from helpers.receivables import CollectionPlaybook, work_queue


def _overdue(accounts: pd.DataFrame, with_m0: bool = False) -> pd.DataFrame:
    return accounts if with_m0 else accounts[accounts["stage"].astype(str) != "M0"]


@exercise("10.1", hint="The playbook object knows each (stage, customer type) play; the answer is "
          "one of its fields, as text.", expect=str)
def m2_negative_channel(playbook: CollectionPlaybook) -> str:
    """Channel of the M2 play for negative-attitude customers."""
    return str(playbook.plays["M2"]["negative"].channel)


def _largest_type(accounts: pd.DataFrame, with_m0: bool) -> str:
    over = _overdue(accounts, with_m0)
    return str(over.groupby(over["customer_type"].astype(str))["balance"].sum().idxmax())


@exercise("10.2", hint="Keep only the accounts that are overdue, then compare the customer "
          "types by the money they owe; give the type's name.", expect=str,
          mistakes={"M0 counted": (lambda expected, accounts: (
              _largest_type(accounts, True) if _largest_type(accounts, True) != expected
              else None), "you counted M0 (not yet due) balances too: they are not overdue.")})
def largest_overdue_type(accounts: pd.DataFrame) -> str:
    """Customer type holding the largest overdue balance."""
    return _largest_type(accounts, False)


@exercise("10.3", hint="Each account brings back its balance times its chance to pay; add that "
          "up over the first rows of the queue.", rel_tol=1e-6, expect=float,
          range=(0, 1e15),
          mistakes={"balance only": (lambda expected, queue: float(queue.head(20)["balance"]
                                                                   .sum()),
                                     "that is the balance owed: weigh each account by its "
                                     "probability to pay within 30 days."),
                    "whole queue": (lambda expected, queue: float(
                        (queue["balance"] * queue["p_pay_30d"]).sum()),
                        "that is the whole queue: take its first 20 rows only.")})
def top20_expected(queue: pd.DataFrame) -> float:
    """Expected recovery in 30 days from the first 20 accounts of today's queue."""
    head = queue.head(20)
    return float((head["balance"] * head["p_pay_30d"]).sum())


def _neg_or_lapsed(accounts: pd.DataFrame, attributes: pd.DataFrame, with_m0: bool = False,
                   both: bool = False, by_count: bool = False) -> float:
    over = _overdue(accounts, with_m0).set_index("customer_id")
    a = attributes.reindex(over.index)
    neg, lapsed = a["attitude"].astype(str) == "negative", a["lifecycle"].astype(str) == "lapsed"
    hit = ((neg & lapsed) if both else (neg | lapsed)).to_numpy()
    if by_count:
        return float(hit.mean())
    return float(over.loc[hit, "balance"].sum() / over["balance"].sum())


@exercise("10.4", hint="Which accounts are overdue, which of their customers have either "
          "trait, and over which balance is the share taken?", expect=float, range=(0, 1),
          mistakes={"percent": None,
                    "M0 counted": (lambda expected, accounts, attributes: _neg_or_lapsed(
                        accounts, attributes, with_m0=True),
                        "you included M0 (not yet due) accounts: only balances past their due "
                        "date are overdue."),
                    "and": (lambda expected, accounts, attributes: _neg_or_lapsed(
                        accounts, attributes, both=True),
                        "that counts customers who are negative AND lapsed: the case asks for "
                        "either trait (OR)."),
                    "customers": (lambda expected, accounts, attributes: _neg_or_lapsed(
                        accounts, attributes, by_count=True),
                        "that is the share of overdue *customers*: the question asks for the "
                        "share of the overdue *balance*.")})
def negative_or_lapsed_share(accounts: pd.DataFrame, attributes: pd.DataFrame) -> float:
    """Share of the overdue balance owed by negative-attitude or lapsed customers."""
    return _neg_or_lapsed(accounts, attributes)


#: 10.5's M2 call: what the customer said, in order (the notebook shows the same transcript).
#: The collector covered what, when, why, which, how and how much; not who, where, how long.
M2_CALL = [
    ("what", "It's the March invoice, the 12,400 one. The amount is right, we don't dispute it."),
    ("why", "Honestly, our own biggest customer hasn't paid us for two months."),
    ("which", "An instalment plan would suit us better than paying it in one go."),
    ("how much", "We could pay 4,000 now and the rest later."),
    ("when", "The first 4,000 can go out on the 25th."),
    ("how", "By bank transfer, and I'll e-mail you the receipt the same day."),
]


@exercise("10.5", hint="Go through the nine items of the sheet one by one and ask of each: did "
          "a reply pin it down? Give the items' names as a list.", expect=list, ordered=False,
          mistakes={"the course's three": (lambda expected: ["which", "how much", "how long"],
                                           "those are the three items the course adds to the "
                                           "source's six; the question is which items this "
                                           "call left open, whichever list they come from."),
                    "covered ones": (lambda expected: [i for i, _ in M2_CALL],
                                     "those are the items the call did cover: list the ones "
                                     "still open.")})
def m2_call_gaps(sheet: pd.DataFrame) -> list[str]:
    """The 6W3H items the transcribed M2 call did not cover, in the sheet's order."""
    covered = {item for item, _ in M2_CALL}
    return [str(i) for i in sheet["item"] if i not in covered]


@choice("10.6", options={"A": "", "B": "", "C": ""},
        hint="A call is worth what it brings back per minute it takes, weighted by how much "
             "acting now matters.")
def call_first(candidates: pd.DataFrame) -> Choice:
    """Which of the candidate accounts the queue would call first, with each one's figures."""
    right = str(candidates["rank"].astype(int).idxmin())
    feedback = {}
    for label, row in candidates.iterrows():
        money = float(row["balance"]) * float(row["p_pay_30d"])
        figures = tr("{stage}, balance {balance:,.0f}, P(pay in 30 days) {p_pay:.0%}: about "
                     "{money:,.0f} expected back for {minutes:.0f} min by {channel}, queue rank "
                     "{rank}", stage=row["stage"], balance=row["balance"], p_pay=row["p_pay_30d"],
                     money=money, minutes=row["effort_minutes"], channel=tr(str(row["channel"])),
                     rank=int(row["rank"]))
        feedback[str(label)] = (tr("{figures}; the most money back per minute.", figures=figures)
                                if label == right else
                                tr("{figures}: the queue ranks it below {right}.",
                                   figures=figures, right=right))
    return Choice(right, feedback)


@exercise("10.7", kind="predict", hint="Pick one of the three before the smaller queue is "
          "built.", options={"less than a third": "", "about a third": "",
                             "more than a third": ""},
          shows="A third of the minutes brings back more than a third of the money: the queue "
                "is ranked by money per minute, so the first calls are the most valuable ones "
                "and a smaller team drops the least valuable.")
def small_team_share(accounts: pd.DataFrame, playbook: CollectionPlaybook,
                     capacity_minutes: float, min_tier: str | None = None) -> str:
    """How a queue with a third of the minutes compares with today's queue's recovery."""
    def recovery(minutes: float) -> float:
        q = work_queue(accounts, playbook, capacity_minutes=minutes, min_tier=min_tier)
        return float((q["balance"] * q["p_pay_30d"]).sum())
    full = recovery(capacity_minutes)
    share = recovery(capacity_minutes / 3) / full if full else 0.0
    return "less than a third" if share < 0.3 else "about a third" if share <= 0.37 else (
        "more than a third")
