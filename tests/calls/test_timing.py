"""Best time to call: Wilson intervals against scipy, and the schedule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.calls import call_schedule, contact_rates_by_time


def test_rates_by_time_use_wilson_intervals():
    rng = np.random.default_rng(0)
    n = 3000
    start = pd.Timestamp("2025-03-03") + pd.to_timedelta(rng.integers(0, 28, n), unit="D") \
        + pd.to_timedelta(rng.integers(9, 18, n), unit="h")
    hour = start.hour.to_numpy()
    answered = rng.random(n) < np.where(hour >= 16, 0.6, 0.3)
    sale = answered & (rng.random(n) < 0.2)
    calls = pd.DataFrame({"started_at": start, "answered": answered,
                          "outcome": np.where(sale, "sale", np.where(answered, "refused",
                                                                     "no_answer")),
                          "purpose": "sales"})
    rates = contact_rates_by_time(calls, by=("hour",))
    row = rates.set_index("hour").loc[16]
    ci = stats.binomtest(int(row["answered"]), int(row["dials"])).proportion_ci(method="wilson")
    assert row["answer_low"] == pytest.approx(ci.low) and row["answer_high"] == pytest.approx(
        ci.high)
    assert rates["dials"].sum() == n
    full = contact_rates_by_time(calls)
    sched = call_schedule(full, hours_per_day=2, min_dials=10, metric="answer_rate")
    assert (sched.groupby("weekday", observed=True).size() <= 2).all()
    assert (sched["hour"] >= 16).mean() > 0.8
    with pytest.raises(ValueError, match="min_dials"):
        call_schedule(full, min_dials=10_000)
    with pytest.raises(ValueError, match="no collection calls"):
        contact_rates_by_time(calls, purpose="collection")
