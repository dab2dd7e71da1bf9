"""Expected answers for lesson 03 (RFM, migration and cohorts)."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise


@exercise("03.1", hint="Count the customers whose 'frequency' (repeat purchase days) is above 0.")
def repeat_buyers(summary: pd.DataFrame) -> int:
    """Customers with at least one repeat purchase day."""
    return int((summary["frequency"] > 0).sum())


@exercise("03.2", hint="Sum monetary_total over the champions and divide by the sum over all "
                       "customers.", rel_tol=1e-4)
def champions_revenue_share(segments: pd.DataFrame) -> float:
    """Share of revenue that comes from the champions."""
    champ = segments.loc[segments["segment"] == "champions", "monetary_total"].sum()
    return float(champ / segments["monetary_total"].sum())


@exercise("03.3", hint="In the transition matrix (counts), take the row of the first "
                       "snapshot's champions and divide the 'champions' cell by the row total.",
          rel_tol=1e-4)
def champions_kept(before: pd.DataFrame, after: pd.DataFrame) -> float:
    """Share of the first snapshot's champions still champions later."""
    was = before.index[before["segment"] == "champions"]
    still = after["segment"].reindex(was) == "champions"
    return float(still.mean()) if len(was) else 0.0


@exercise("03.4", hint="Look at column 1 (one month after the first purchase) of the cohort "
                       "table and take the mean over the cohorts that have a value.",
          rel_tol=1e-4)
def mean_month1_retention(cohorts: pd.DataFrame) -> float:
    """Mean retention one month after the first purchase."""
    return float(cohorts[1].dropna().mean())
