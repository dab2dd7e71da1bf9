"""Customers drawn from the customer-base models (vectorised), for the tests and benchmarks.

Each returns a summary (``frequency``, ``recency``, ``T`` or ``n_periods``) drawn from the
model with known parameters, so a fit can be checked against the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _observed_T(rng: np.random.Generator, n: int, T_max: float, days: bool) -> np.ndarray:
    T = rng.uniform(T_max / 3, T_max, n)
    return np.round(T * 7) / 7 if days else T          # whole days when the unit is weeks


def _last_of_first(rng: np.random.Generator, x: np.ndarray, n_events: np.ndarray,
                   span: np.ndarray) -> np.ndarray:
    """Time of the x-th of n_events uniform events on [0, span] (0 when x = 0)."""
    k = np.maximum(x, 1)
    frac = rng.beta(k, np.maximum(n_events - k + 1, 1))
    return np.where(x > 0, span * frac, 0.0)


def pareto_nbd(n: int, r=0.55, alpha=10.6, s=0.61, beta=11.7, T_max=39.0, seed=0,
               days=False) -> pd.DataFrame:
    """Pareto/NBD: Poisson purchases at λ ~ Gamma(r, α) until an exponential lifetime (μ ~ Gamma(s, β))."""
    rng = np.random.default_rng(seed)
    lam, mu = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    T = _observed_T(rng, n, T_max, days)
    span = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * span).astype(float)
    t_x = _last_of_first(rng, x, x, span)
    return _rounded(x, t_x, T, days)


def _rounded(x, t_x, T, days):
    if days:
        t_x = np.minimum(np.round(t_x * 7) / 7, T)
        t_x = np.where(x > 0, np.maximum(t_x, 1 / 7), 0.0)
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T})


def bgnbd(n: int, r=0.5, alpha=5.0, a=0.8, b=2.5, T_max=52.0, seed=0, modified=False,
          days=False) -> pd.DataFrame:
    """BG/NBD (or, ``modified``, MBG/NBD): dropout after a purchase with p ~ Beta(a, b)."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    T = _observed_T(rng, n, T_max, days)
    n_events = rng.poisson(lam * T)
    # repeat purchases before dropping out: at least 1 (BG/NBD), at least 0 (MBG/NBD)
    k = rng.geometric(np.clip(p, 1e-12, 1)) - (1 if modified else 0)
    x = np.minimum(n_events, k).astype(float)
    t_x = _last_of_first(rng, x, n_events, T)
    return _rounded(x, t_x, T, days)


def bgbb(n: int, alpha=1.2, beta=0.75, gamma=0.66, delta=2.8, n_periods=6,
         seed=0) -> pd.DataFrame:
    """BG/BB: at each of n_periods opportunities, drop out (θ) first, then buy (p) if alive."""
    rng = np.random.default_rng(seed)
    p, theta = rng.beta(alpha, beta, n), rng.beta(gamma, delta, n)
    alive = np.cumprod(rng.random((n, n_periods)) >= theta[:, None], axis=1).astype(bool)
    buys = alive & (rng.random((n, n_periods)) < p[:, None])
    x = buys.sum(axis=1)
    last = np.where(x > 0, n_periods - np.argmax(buys[:, ::-1], axis=1), 0)
    return pd.DataFrame({"frequency": x, "recency": last, "n_periods": n_periods})
