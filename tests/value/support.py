"""Shared test data for tests/value: a hand-made rate table, CDNOW's published BG/NBD fit,
a BG/NBD simulator and a small profit table."""

from __future__ import annotations

import numpy as np
import pandas as pd

import helpers.value as lv

#: Cost rates small enough to work the profit bridge out by hand.
RATES = {
    "orders": {"per_order": 3.0},
    "service": {"per_minute": 1.0,
                "per_contact": {"inquiry": 2, "technical_support": 5, "return_request": 3,
                                "complaint": 10}},
    "calls": {"per_call": 0.5, "per_minute": 2.0},
    "returns": {"per_return": 4},
    "late_payment": {"per_late_invoice": 20, "annual_interest_rate": 0.365,
                     "bad_debt_share": 0.5},
    "fallbacks": {"cogs_ratio": 0.5},
}

#: BG/NBD parameters published for the CDNOW sample (Fader, Hardie & Lee 2005).
CDNOW = {"r": 0.242593, "alpha": 4.413532, "a": 0.792886, "b": 2.425752}


def fit_from(params: dict[str, float]) -> lv.BGNBDFit:
    """A BG/NBD fit with the given parameters (no data behind it)."""
    return lv.BGNBDFit(**params, loglik=0.0, n_customers=0)


def synthetic(n: int, seed: int = 0, r=0.5, alpha=5.0, a=0.8, b=2.5, T_max=52.0):
    """Simulate BG/NBD customers (purchase rate, dropout after each purchase)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(T_max / 3, T_max, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    t = np.zeros(n)
    alive = np.ones(n, bool)
    for _ in range(200):
        gap = rng.exponential(1 / np.maximum(lam, 1e-12))
        t_next = t + gap
        buy = alive & (t_next <= T)
        x[buy] += 1
        t_x[buy] = t_next[buy]
        t = np.where(buy, t_next, t)
        alive = buy & (rng.random(n) >= p)
        if not alive.any():
            break
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T})


def profit_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "revenue": [1000.0, 200, 100], "discounts": [0.0, 0, 0], "returns": [0.0, 0, 0],
        "cost_service": [10.0, 50, 80], "cost_complaints": [0.0, 30, 40],
        "cost_calls": [0.0, 20, 0], "profit": [400.0, -20, -90]}, index=["a", "b", "c"])

