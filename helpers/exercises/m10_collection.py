"""Expected answers for lesson 10 (collection strategy and the work queue)."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise
from helpers.receivables import CollectionPlaybook


@exercise("10.1", hint="Look the play up with playbook.play(stage, customer_type) and take its "
          "channel.")
def m2_negative_channel(playbook: CollectionPlaybook) -> str:
    """Channel of the M2 play for negative-attitude customers."""
    return str(playbook.plays["M2"]["negative"].channel)


@exercise("10.2", hint="Group the overdue accounts (stage other than M0) by customer_type and "
          "sum the balance; which type is largest?")
def largest_overdue_type(accounts: pd.DataFrame) -> str:
    """Customer type holding the largest overdue balance."""
    over = accounts[accounts["stage"].astype(str) != "M0"]
    return str(over.groupby(over["customer_type"].astype(str))["balance"].sum().idxmax())


@exercise("10.3", hint="Sum balance × p_pay_30d over the first 20 rows of the queue.",
          rel_tol=1e-6)
def top20_expected(queue: pd.DataFrame) -> float:
    """Expected recovery in 30 days from the first 20 accounts of today's queue."""
    head = queue.head(20)
    return float((head["balance"] * head["p_pay_30d"]).sum())


@exercise("10.4", hint="Among overdue accounts, the balance of customers whose attitude is "
          "'negative' OR whose lifecycle is 'lapsed', over all overdue balance.")
def negative_or_lapsed_share(accounts: pd.DataFrame, attributes: pd.DataFrame) -> float:
    """Share of the overdue balance owed by negative-attitude or lapsed customers."""
    over = accounts[accounts["stage"].astype(str) != "M0"].set_index("customer_id")
    a = attributes.reindex(over.index)
    hit = (a["attitude"].astype(str) == "negative") | (a["lifecycle"].astype(str) == "lapsed")
    return float(over.loc[hit.to_numpy(), "balance"].sum() / over["balance"].sum())
