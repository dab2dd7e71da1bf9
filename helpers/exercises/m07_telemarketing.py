"""Expected answers for lesson 07 (classifying and scoring for telephone sales)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.calls import capacity_view, contact_rates_by_time
from helpers.exercises import exercise


@exercise("07.1", hint="Count the rows of `classified` whose response_class is "
                       "'hard_to_reach'.")
def hard_to_reach(classified: pd.DataFrame) -> int:
    """Customers classified hard to reach."""
    return int((classified["response_class"] == "hard_to_reach").sum())


@exercise("07.2", hint="Sort the test leads by score (highest first), take the first "
                       "len(test) // 10 of them, and divide their conversion rate by the "
                       "conversion rate of all test leads.", rel_tol=1e-3)
def top_decile_lift(test: pd.DataFrame, target: str = "converted") -> float:
    """Conversion rate of the best-scored tenth over the overall rate."""
    y = test[target].astype(float).to_numpy()
    order = np.argsort(-test["score"].to_numpy(), kind="stable")
    return float(y[order[: len(y) // 10]].mean() / y.mean())


@exercise("07.3", hint="Take the `capacity` leads with the highest score and add up their "
                       "scores (each score is a probability of a sale).", rel_tol=1e-4)
def expected_sales(test: pd.DataFrame, capacity: int) -> float:
    """Expected sales when calling the ``capacity`` best-scored leads."""
    return capacity_view(test, capacity)["expected_conversions"]


@exercise("07.4", hint="Among outbound sales calls, group by the hour the call started and take "
                       "the hour with the highest share of answered calls (ignore hours with "
                       "fewer than `min_dials` dials).")
def best_answer_hour(calls: pd.DataFrame, min_dials: int = 30) -> int:
    """The hour with the highest answer rate among well-sampled hours."""
    rates = contact_rates_by_time(calls, by=("hour",))
    rates = rates.loc[rates["dials"] >= min_dials]
    return int(rates.loc[rates["answer_rate"].idxmax(), "hour"])
