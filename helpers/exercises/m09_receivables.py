"""Expected answers for lesson 09 (receivables aging and roll rates), computed from the data.

Kinds: 09.1, 09.2 and 09.5 are small analyses, 09.3 and 09.4 counts, 09.6 a prediction made
before the roll rates are computed, 09.7 an interpretation (the stage where money leaks most,
a choice among the stages with each one's figures as feedback).
"""

from __future__ import annotations

import pandas as pd

from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr
from helpers.receivables import cure_rates, roll_forward_rates


def _open_balance_share(items: pd.DataFrame, past: int) -> float:
    total = items["balance"].sum()
    return float(items.loc[items["days_past_due"] > past, "balance"].sum() / total)


@exercise("09.1", hint="Which invoices are in M2, M3 or M3+ (look at the stage table's "
          "boundaries), and over which balance is the share taken?", expect=float,
          range=(0, 1),
          mistakes={"percent": None,
                    "M1 included": (lambda expected, items: _open_balance_share(items, 0),
                                    "that includes M1 (1-30 days): M2 starts at 31 days past "
                                    "due."),
                    "overdue only": (lambda expected, items: float(
                        items.loc[items["days_past_due"] > 30, "balance"].sum()
                        / items.loc[items["days_past_due"] > 0, "balance"].sum()),
                        "you divided by the overdue balance only: the share is of the whole "
                        "open balance, not-yet-due (M0) money included.")})
def share_m2_or_worse(items: pd.DataFrame) -> float:
    """Share of the open balance that is 31 days or more past due (M2, M3, M3+)."""
    return _open_balance_share(items, 30)


@exercise("09.2", hint="Follow one row of the flow matrix: what it sent to M2, over what it "
          "started with.", rel_tol=1e-4, expect=float, range=(0, 1),
          mistakes={"percent": None})
def m1_to_m2(snapshots: pd.DataFrame) -> float:
    """Roll rate M1 -> M2, recomputed from consecutive month-end rows with plain pandas."""
    s = snapshots.sort_values(["invoice_id", "date"])
    nxt = s.groupby("invoice_id")[["stage", "balance"]].shift(-1)
    start = (s["stage"].astype(str) == "M1") & nxt["balance"].notna() & (s["balance"] > 0)
    moved = start & (nxt["stage"].astype(str) == "M2")
    return float(nxt.loc[moved, "balance"].sum() / s.loc[start, "balance"].sum())


@exercise("09.3", hint="Count customers, one class of the behaviour table.", expect=int,
          range=(0, 10_000_000))
def n_chronic_late(behaviour: pd.DataFrame) -> int:
    """Number of customers classified as chronic late payers."""
    return int((behaviour["behaviour"].astype(str) == "chronic_late").sum())


@exercise("09.4", hint="September 2005 is the last status column; M3+ is four months late or "
          "more.", expect=int, range=(0, 10_000_000),
          mistakes={"M3 included": (lambda expected, credit: int((credit["PAY_0"] >= 3).sum()),
                                    "that includes M3 (three months late): M3+ starts at four.")})
def credit_m3_plus(credit: pd.DataFrame) -> int:
    """Clients more than 3 months late in September 2005 (PAY_0 of 4 or more)."""
    return int((credit["PAY_0"] >= 4).sum())


def _customer_overdue_share(items: pd.DataFrame, past: int) -> float:
    worst = items.groupby("customer_id")["days_past_due"].max()
    return float((worst > past).mean())


@exercise("09.5", hint="Take each customer's worst invoice; when is an invoice overdue? Count "
          "customers, not invoices.", expect=float, range=(0, 1),
          mistakes={"percent": None,
                    "M0 counted": (lambda expected, items: _customer_overdue_share(items, -10**9),
                                   "every customer with an open balance is not overdue: an "
                                   "invoice not yet due (M0, 0 days or less) is not overdue."),
                    "invoices": (lambda expected, items: float((items["days_past_due"] > 0)
                                                               .mean()),
                                 "that is the share of open *invoices* past due: the question "
                                 "asks about customers (one with several invoices counts once)."),
                    "balance": (lambda expected, items: _open_balance_share(items, 0),
                                "that is the share of the *balance* past due: the question "
                                "asks what share of customers.")})
def customers_overdue(items: pd.DataFrame) -> float:
    """Share of customers with an open balance who have at least one invoice past due."""
    return _customer_overdue_share(items, 0)


#: 09.6's predictions: how much of the money in M1 at a month end is paid within the month after.
CURE_BANDS = {"under a third": "", "a third to two thirds": "", "over two thirds": ""}


@exercise("09.6", kind="predict", hint="Pick one of the three before the roll rates are "
          "computed.", options=CURE_BANDS,
          shows="Compare the cure rates down the stages: by M3+ almost nothing comes back within "
                "a month, so the earlier the call, the more of the money is still collectable.")
def m1_cure(rates: pd.DataFrame) -> str:
    """How much of the M1 balance is paid (or cured) a month later, in three bands."""
    cure = float(cure_rates(rates)["M1"])
    return ("under a third" if cure < 1 / 3 else "a third to two thirds" if cure <= 2 / 3
            else "over two thirds")


@choice("09.7", options={"M1": "", "M2": "", "M3": ""},
        hint="Compare, row by row, the share of each stage's balance that moves to a worse stage "
             "a month later.")
def leakiest_stage(rates: pd.DataFrame) -> Choice:
    """Of M1, M2 and M3, the stage whose balance most often rolls on to a worse stage."""
    forward = roll_forward_rates(rates).reindex(["M1", "M2", "M3"])
    right = str(forward.idxmax())
    feedback = {
        s: (tr("{share:.0%} of {stage}'s balance is in a worse stage a month later, the most of "
               "the three; a call there stops the most money from rolling on.", share=v, stage=s)
            if s == right else
            tr("{stage} rolls {share:.0%} forward a month later, less than {right}'s "
               "{right_share:.0%}.", stage=s, share=v, right=right,
               right_share=forward[right]))
        for s, v in forward.items()}
    return Choice(right, feedback)
