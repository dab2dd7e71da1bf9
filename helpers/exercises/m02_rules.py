"""Expected answers for lesson 02 (classifying customers by rules)."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise


@exercise("02.1", hint="Count the rows of `labels` whose purchase_behaviour is 'frequent'.")
def frequent_customers(labels: pd.DataFrame) -> int:
    """Number of customers labelled ``frequent`` (purchase behaviour)."""
    return int((labels["purchase_behaviour"] == "frequent").sum())


@exercise("02.2", hint="In funnel_table(...), the 'conversion' of a stage is the share of the "
                       "previous stage that reached it; read the row 'loyal'.", rel_tol=1e-4)
def closed_to_loyal(labels: pd.DataFrame) -> float:
    """Funnel conversion from ``closed`` to ``loyal``."""
    counts = labels["funnel"].astype(str).value_counts()
    loyal = counts.get("loyal", 0)
    closed_or_more = loyal + counts.get("closed", 0)
    return float(loyal / closed_or_more)


@exercise("02.3", hint="Join the grades to the leads, group by grade and take the mean of "
                       "'converted'; which grade has the highest mean?")
def best_lead_grade(grades: pd.DataFrame, leads: pd.DataFrame) -> str:
    """The lead grade with the highest conversion rate."""
    rate = leads["converted"].astype(float).groupby(grades["lead_grade"].astype(str)).mean()
    return str(rate.idxmax())


@exercise("02.4", hint="Use classification_problems(...) and keep the rows of dimension "
                       "'life_cycle' whose problem is 'conflict'.")
def life_cycle_conflicts(problems: pd.DataFrame) -> int:
    """Customers with conflicting life-cycle rules."""
    part = problems[(problems["dimension"] == "life_cycle") & (problems["problem"] == "conflict")]
    return int(len(part))
