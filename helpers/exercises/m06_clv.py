"""Expected answers for lesson 06 (customer lifetime value).

The BG/NBD expectation is computed here from the paper's original formula (Fader, Hardie & Lee
2005, eq. 10) with scipy, independently of helpers.value (which uses a transformed one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from helpers.exercises import exercise


@exercise("06.1", hint="Use margin x retention / (1 + discount_rate - retention).", rel_tol=1e-6)
def simple_formula(margin: float, retention: float, discount_rate: float) -> float:
    """Margin x retention CLV without a horizon."""
    return float(margin * retention / (1 + discount_rate - retention))


@exercise("06.2", hint="Count the customers whose p_alive is below 0.5 in the CLV table.")
def probably_gone(clv: pd.DataFrame) -> int:
    """Customers whose probability of being alive is below one half."""
    return int((clv["p_alive"] < 0.5).sum())


@exercise("06.3", hint="Call the fitted model's expected_purchases(t, frequency, recency, T) "
                       "with t = 52.", rel_tol=1e-6)
def expected_for_one(params: dict, frequency: float, recency: float, T: float) -> float:
    """BG/NBD expected purchases in the next 52 weeks for one history (FHL 2005, eq. 10)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t = frequency, 52.0
    z = t / (alpha + T + t)
    head = ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x,
                                                                       a + b + x - 1, z)
    body = (a + b + x - 1) / (a - 1) * (1 - head)
    alive = 1.0 if x == 0 else 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + recency))
                                    ** (r + x))
    return float(body * alive)


@exercise("06.4", hint="Sort the clv column from high to low, take the first round(0.2 * n) "
                       "customers and divide their CLV by the total.", rel_tol=1e-6)
def top20_clv_share(clv: pd.DataFrame) -> float:
    """Share of the total CLV held by the top 20% of customers."""
    v = np.sort(clv["clv"].to_numpy())[::-1]
    return float(v[: int(round(0.2 * len(v)))].sum() / v.sum())
