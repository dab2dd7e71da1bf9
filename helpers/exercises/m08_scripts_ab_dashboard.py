"""Expected answers for lesson 08 (call scripts, A/B tests and the team dashboard)."""

from __future__ import annotations

import pandas as pd

from helpers.calls import (
    KpiConfig,
    arms_from_calls,
    evaluate_alerts,
    sample_size_per_arm,
    two_proportion_test,
)
from helpers.exercises import exercise


def _test(calls: pd.DataFrame, alpha: float) -> dict:
    arms = arms_from_calls(calls).set_index("variant")
    return two_proportion_test(int(arms.loc["A", "conversions"]), int(arms.loc["A", "calls"]),
                               int(arms.loc["B", "conversions"]), int(arms.loc["B", "calls"]),
                               alpha)


@exercise("08.1", hint="Among answered sales calls with a script variant, conversion rate of B "
                       "minus conversion rate of A (a fraction, e.g. 0.031).", rel_tol=1e-4)
def ab_difference(calls: pd.DataFrame) -> float:
    """Conversion rate of variant B minus that of A."""
    return float(_test(calls, 0.05)["diff"])


@exercise("08.2", hint="Run the two-proportion test and compare its p-value with alpha; answer "
                       "True or False.")
def ab_significant(calls: pd.DataFrame, alpha: float = 0.05) -> bool:
    """Whether the two-proportion test is significant at ``alpha``."""
    return bool(_test(calls, alpha)["significant"])


@exercise("08.3", hint="Use sample_size_per_arm with the base rate and the absolute lift.")
def planned_calls(p_base: float, min_lift: float, alpha: float = 0.05,
                  power: float = 0.8) -> int:
    """Answered calls needed per variant."""
    return sample_size_per_arm(p_base, min_lift, alpha=alpha, power=power)


@exercise("08.4", hint="List (as 'YYYY-MM-DD' texts, in date order) every day that belongs to a "
                       "run of at least three consecutive days with calls where conversion was "
                       "under 10%; skip days with too few answered calls.")
def alert_dates(daily: pd.DataFrame, config: KpiConfig) -> list[str]:
    """The days of every run that fires the low-conversion alert."""
    fired = evaluate_alerts(daily, config)
    fired = fired.loc[fired["rule"] == "low_conversion"]
    return [d for dates in fired["dates"] for d in dates]
