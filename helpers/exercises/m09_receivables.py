"""Expected answers for lesson 09 (receivables aging and roll rates), computed from the data."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise


@exercise("09.1", hint="Add up the balance of open invoices more than 30 days past due, then "
          "divide by the whole open balance.")
def share_m2_or_worse(items: pd.DataFrame) -> float:
    """Share of the open balance that is 31 days or more past due (M2, M3, M3+)."""
    total = items["balance"].sum()
    return float(items.loc[items["days_past_due"] > 30, "balance"].sum() / total)


@exercise("09.2", hint="Take the M1 row of the flow matrix: the amount that is in M2 a month "
          "later, divided by everything that row started with.", rel_tol=1e-4)
def m1_to_m2(snapshots: pd.DataFrame) -> float:
    """Roll rate M1 -> M2, recomputed from consecutive month-end rows with plain pandas."""
    s = snapshots.sort_values(["invoice_id", "date"])
    nxt = s.groupby("invoice_id")[["stage", "balance"]].shift(-1)
    start = (s["stage"].astype(str) == "M1") & nxt["balance"].notna() & (s["balance"] > 0)
    moved = start & (nxt["stage"].astype(str) == "M2")
    return float(nxt.loc[moved, "balance"].sum() / s.loc[start, "balance"].sum())


@exercise("09.3", hint="Count the customers whose behaviour is 'chronic_late'.")
def n_chronic_late(behaviour: pd.DataFrame) -> int:
    """Number of customers classified as chronic late payers."""
    return int((behaviour["behaviour"].astype(str) == "chronic_late").sum())


@exercise("09.4", hint="Stage of September = column '2005-09'; count the clients in 'M3+'.")
def credit_m3_plus(credit: pd.DataFrame) -> int:
    """Clients more than 3 months late in September 2005 (PAY_0 of 4 or more)."""
    return int((credit["PAY_0"] >= 4).sum())
