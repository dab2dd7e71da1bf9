"""Customer lifetime value: from history, from a simple formula, and from BG/NBD + Gamma-Gamma.

Three ways to put a number on what a customer is worth, in the order the lesson teaches them:

1. :func:`historical_clv`: what the customer has brought in so far (margin to date);
2. :func:`simple_clv`: margin × retention, discounted (``m r / (1 + d - r)`` without a horizon);
3. the probabilistic "buy till you die" models, implemented here with scipy:

   * :func:`fit_bgnbd`: the BG/NBD model of Fader, Hardie & Lee (2005), "Counting your customers
     the easy way", Marketing Science 24(2). While alive, a customer buys at a Poisson rate
     (gamma-distributed across customers, shape ``r`` and rate ``alpha``); after each purchase
     they drop out with a probability ``p`` (beta-distributed, ``a`` and ``b``);
   * :func:`fit_gamma_gamma`: the Gamma-Gamma spend model (Fader & Hardie 2013 note, after
     Colombo & Jiang 1999), parameters ``p``, ``q``, ``gamma``;
   * :func:`customer_lifetime_value`: expected purchases × expected spend × margin over a
     horizon, discounted step by step.

The inputs are the columns of :func:`helpers.segments.rfm.customer_summary`: ``frequency`` (repeat
purchases), ``recency`` (first to last purchase), ``T`` (first purchase to the end of
observation), ``monetary_value`` (mean value of repeat purchases), all in one time unit (days,
or weeks with ``freq_multiplier=7``).

Bad input gets a :class:`~helpers.data.loading.DataProblem` naming the column and a few rows
(recency above T, negative or fractional frequencies, missing values, no repeat buyers at all,
a horizon of zero); an optimiser that does not converge raises a :class:`FitWarning` and sets
``converged=False`` on the fit (or raises with ``strict=True``).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from helpers.errors import DataProblem

__all__ = [
    "FitWarning",
    "BGNBDFit",
    "GammaGammaFit",
    "historical_clv",
    "simple_clv",
    "period_retention",
    "fit_bgnbd",
    "bgnbd_loglik",
    "fit_gamma_gamma",
    "gamma_gamma_loglik",
    "customer_lifetime_value",
    "calibration_holdout",
    "holdout_check",
    "probability_alive_matrix",
    "expected_purchases_matrix",
    "clv_view",
    "explore_clv",
    "plot_holdout_check",
    "plot_matrix",
    "plot_clv_by_segment",
]


class FitWarning(UserWarning):
    """The optimiser stopped without converging; the parameters may be unreliable."""


def _sample(values: Any, n: int = 5) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v for v in list(values)[:n]]


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------
def _column(summary: Any, name: str, given: Any) -> tuple[np.ndarray, pd.Index]:
    if given is not None:
        s = pd.Series(given) if not isinstance(given, pd.Series) else given
    else:
        if not isinstance(summary, pd.DataFrame) or name not in summary.columns:
            cols = list(summary.columns) if isinstance(summary, pd.DataFrame) else None
            raise DataProblem(f"column {name!r} is needed (from helpers.segments.rfm.customer_summary); "
                              f"the table has {cols}.")
        s = summary[name]
    x = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(x)
    if bad.any():
        raise DataProblem(f"column {name!r} has {int(bad.sum())} missing or non-numeric value(s), "
                          f"e.g. customers {_sample(s.index[bad])}. Fix: rebuild the summary "
                          "with helpers.segments.rfm.customer_summary or drop those customers.")
    return x, s.index


def _rft(summary: Any = None, frequency: Any = None, recency: Any = None,
         T: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index]:
    """Validated frequency, recency and T arrays (and the customer index)."""
    x, index = _column(summary, "frequency", frequency)
    t_x, _ = _column(summary, "recency", recency)
    big_t, _ = _column(summary, "T", T)
    if not (len(x) == len(t_x) == len(big_t)):
        raise DataProblem("frequency, recency and T must have the same length.")
    checks = [
        (x < 0, "frequency is negative"),
        (x != np.round(x), "frequency is not a whole number of repeat purchases"),
        (t_x < 0, "recency is negative"),
        (big_t < 0, "T (time since the first purchase) is negative"),
        (t_x > big_t * (1 + 1e-9) + 1e-9, "recency is greater than T (last purchase after the "
                                           "end of observation)"),
        ((x == 0) & (t_x > 1e-12), "recency is above 0 although frequency is 0"),
    ]
    for bad, what in checks:
        if bad.any():
            raise DataProblem(
                f"customer summary: {what} for {int(bad.sum())} customer(s), e.g. "
                f"{_sample(index[bad])} (frequency {_sample(x[bad])}, recency "
                f"{_sample(t_x[bad])}, T {_sample(big_t[bad])}). Fix: build the summary with "
                "helpers.segments.rfm.customer_summary(transactions, observation_end=...), whose "
                "observation end is after every purchase; the BG/NBD model needs "
                "0 <= recency <= T and recency = 0 when frequency = 0."
            )
    return x, t_x, big_t, index


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows of the given columns and how often each occurs (fitting on counts)."""
    frame = pd.DataFrame({f"c{i}": c for i, c in enumerate(columns)})
    counts = frame.value_counts(sort=False)
    keys = counts.index.to_frame(index=False)
    return [keys[f"c{i}"].to_numpy(dtype="float64") for i in range(len(columns))], \
        counts.to_numpy(dtype="float64")


# --------------------------------------------------------------------------------------------
# simple CLV
# --------------------------------------------------------------------------------------------
def historical_clv(summary: pd.DataFrame, margin: float | pd.Series = 1.0,
                   value_col: str = "monetary_total") -> pd.Series:
    """Value a customer has brought in so far: money spent to date × margin.

    ``margin`` is a share of sales (0.3 = 30 %) or, per customer, a Series. With a profit
    table use ``value_col="profit"`` and ``margin=1``.
    """
    v, index = _column(summary, value_col, None)
    m = margin.reindex(index).to_numpy(dtype=float) if isinstance(margin, pd.Series) else margin
    out = pd.Series(v * m, index=index, name="historical_clv")
    if out.isna().any():
        raise DataProblem(f"historical_clv: margin missing for customers "
                          f"{_sample(out.index[out.isna()])}.")
    return out


def simple_clv(margin: Any, retention: Any, discount_rate: float,
               periods: int | None = None) -> Any:
    """Margin × retention CLV: ``sum_{t=1..N} m r^t / (1 + d)^t``; ``m r / (1 + d - r)`` for N = ∞.

    Parameters
    ----------
    margin : float or array-like
        Margin a customer brings per period (per year, say) while they stay.
    retention : float or array-like
        Probability a customer is still there the next period (0 ≤ r < 1).
    discount_rate : float
        Discount rate per period (0.1 = 10 % a year).
    periods : int, optional
        Horizon in periods; ``None`` for no horizon (the closed form).

    Notes
    -----
    The margin of a period is counted at its end, for customers retained into it (the textbook
    convention of Gupta & Lehmann). Add the current period's margin yourself if it is not yet
    earned.

    Examples
    --------
    >>> round(simple_clv(100.0, 0.8, 0.1), 2)
    266.67
    """
    m = np.asarray(margin, dtype=float)
    r = np.asarray(retention, dtype=float)
    if np.any((r < 0) | (r >= 1)) or not np.all(np.isfinite(r)):
        raise DataProblem(f"simple_clv: retention must be in [0, 1), got {_sample(np.ravel(r))}. "
                          "A retention of 1 (nobody ever leaves) has no finite value without "
                          "a horizon.")
    if not math.isfinite(discount_rate) or discount_rate <= -1:
        raise DataProblem(f"simple_clv: discount_rate must be above -1, got {discount_rate!r}.")
    if periods is None:
        out = m * r / (1 + discount_rate - r)
    else:
        if periods <= 0:
            raise DataProblem(f"simple_clv: periods (the horizon) must be positive, got "
                              f"{periods!r}; use None for no horizon.")
        q = r / (1 + discount_rate)
        out = m * np.where(np.isclose(q, 1.0), periods,
                           q * (1 - q ** periods) / np.where(np.isclose(q, 1.0), 1, 1 - q))
    return float(out) if np.ndim(out) == 0 else out


def period_retention(transactions: pd.DataFrame, as_of: Any, period_days: int = 365,
                     customer_col: str = "customer_id", date_col: str = "purchase_date") -> float:
    """Share of the customers who bought in the previous period that bought again in the last.

    The last period is the ``period_days`` calendar days ending with the day ``as_of`` (all of
    that day counts, whatever the time of a purchase), the previous one the ``period_days``
    before it. Returns are left out (negative amounts, ``is_return``).
    """
    for col in (customer_col, date_col):
        if col not in transactions.columns:
            raise DataProblem(f"transactions: column {col!r} not found; the table has "
                              f"{list(transactions.columns)}.")
    if period_days <= 0:
        raise DataProblem(f"period_retention: period_days must be positive, got {period_days}.")
    end = pd.Timestamp(as_of).normalize()
    dates = pd.to_datetime(transactions[date_col], errors="coerce").dt.normalize()  # whole days
    keep = dates.notna()
    if "amount" in transactions.columns:
        keep &= pd.to_numeric(transactions["amount"], errors="coerce").fillna(0) >= 0
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).astype(bool)
    ids, d = transactions.loc[keep, customer_col], dates[keep]
    span = pd.Timedelta(days=period_days)
    last = set(ids[(d > end - span) & (d <= end)])
    before = set(ids[(d > end - 2 * span) & (d <= end - span)])
    if not before:
        raise DataProblem(f"period_retention: nobody bought between {end - 2 * span:%Y-%m-%d} "
                          f"and {end - span:%Y-%m-%d}; the data is shorter than two periods. "
                          "Choose a shorter period_days.")
    return len(before & last) / len(before)


# --------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BGNBDFit:
    """A fitted BG/NBD model.

    Attributes
    ----------
    r, alpha, a, b : float
        Parameters: purchase rates ~ Gamma(shape r, rate alpha); dropout p ~ Beta(a, b).
    loglik : float
        Log-likelihood at the optimum (sum over customers).
    n_customers : int
    converged : bool
        The optimiser reported success.
    message : str
        The optimiser's message.
    iterations : int
    seconds : float
        Fitting time.
    """

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    n_customers: int
    converged: bool = True
    message: str = ""
    iterations: int = 0
    seconds: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def params(self) -> dict[str, float]:
        """``{"r": …, "alpha": …, "a": …, "b": …}``."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that a customer with this history is still alive at ``T``."""
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return _p_alive(self.r, self.alpha, self.a, self.b, x, t_x, big_t)

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected number of purchases in the next ``t`` time units, given the history."""
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise DataProblem(f"expected_purchases: the horizon t must be 0 or more, got "
                              f"{_sample(np.ravel(t)[np.ravel(t) < 0])}.")
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return _conditional_expected(self.r, self.alpha, self.a, self.b, t, x, t_x, big_t)

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a customer just acquired (unconditional E[X(t)])."""
        t = np.asarray(t, dtype=float)
        zero = np.zeros_like(t)
        return _conditional_expected(self.r, self.alpha, self.a, self.b, t, zero, zero, zero)

    def predict(self, summary: pd.DataFrame, t: float) -> pd.DataFrame:
        """``p_alive`` and ``expected_purchases`` over ``t`` for every customer of ``summary``."""
        x, t_x, big_t, index = _rft(summary)
        return pd.DataFrame({"p_alive": self.p_alive(x, t_x, big_t),
                             "expected_purchases": self.expected_purchases(t, x, t_x, big_t)},
                            index=index)


def _p_alive(r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray,
             big_t: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                    + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x)))
    return np.where(x > 0, special.expit(-log_odds), 1.0)


def _conditional_expected(r: float, alpha: float, a: float, b: float, t: np.ndarray,
                          x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    """E[Y(t) | x, t_x, T] (FHL 2005, eq. 10), with Euler's transformation of 2F1.

    ``((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)`` equals
    ``(1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)`` with ``z = t/(α+T+t)``: the second form
    neither overflows for frequent buyers nor loses precision for long horizons.
    """
    if abs(a - 1) < 1e-8:
        a = 1 + 1e-8  # the formula has a removable singularity at a = 1
    c = a + b + x - 1
    if np.any((c <= 0) & (np.abs(c - np.round(c)) < 1e-9)):   # 2F1 has poles at c = 0, -1, ...
        raise DataProblem(f"BG/NBD: a + b + frequency - 1 = {float(np.min(c)):.3g}; the "
                          "closed form for expected purchases is undefined with these parameters "
                          f"(a={a:.3g}, b={b:.3g}). The fit is degenerate: check the data.")
    z = t / (alpha + big_t + t)
    head = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, c, z)
    body = (a + b + x - 1) / (a - 1) * (1 - head)
    return body * _p_alive(r, alpha, a, b, x, t_x, big_t)


def _bgnbd_terms(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
                 grad: bool = True, x_groups: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer log-likelihood (FHL 2005, eq. 6) and its gradient in the log parameters.

    ``x_groups = (distinct frequencies, index of each row's frequency)`` lets the special
    functions, which depend on the frequency only, be evaluated once per distinct frequency.
    """
    r, alpha, a, b = np.exp(log_params)
    xs, inv = x_groups if x_groups is not None else (x, slice(None))
    rx = r + x
    log_at, log_atx = np.log(alpha + big_t), np.log(alpha + t_x)
    # terms that depend on the frequency only
    a12 = (special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha)
           + special.betaln(a, b + xs) - special.betaln(a, b))
    repeat_s = xs > 0
    log_bx1 = np.log(np.where(repeat_s, b + xs - 1, 1.0))
    a3 = -rx * log_at
    repeat = x > 0
    a4 = np.where(repeat, (np.log(a) - log_bx1)[inv] - rx * log_atx, -np.inf)
    tail = np.logaddexp(a3, a4)
    ll = a12[inv] + tail
    if not grad:
        return ll, None
    w4 = np.exp(a4 - tail)          # share of the "dropped out after the last purchase" branch
    w3 = 1 - w4
    psi_ab = special.digamma(a + b)
    psi_abx = special.digamma(a + b + xs)
    d_r_s = special.digamma(r + xs) - special.digamma(r) + np.log(alpha)
    d_a_s = psi_ab - psi_abx
    d_b_s = psi_ab + special.digamma(b + xs) - special.digamma(b) - psi_abx
    inv_bx1 = np.where(repeat_s, 1 / np.where(repeat_s, b + xs - 1, 1.0), 0.0)
    d_r = d_r_s[inv] - w3 * log_at - w4 * log_atx
    d_alpha = r / alpha - rx * (w3 / (alpha + big_t) + w4 / (alpha + t_x))
    d_a = d_a_s[inv] + w4 / a
    d_b = d_b_s[inv] - w4 * inv_bx1[inv]
    g = np.vstack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, g


def bgnbd_loglik(params: Mapping[str, float] | Sequence[float], summary: pd.DataFrame | None = None,
                 frequency: Any = None, recency: Any = None, T: Any = None) -> float:
    """Total BG/NBD log-likelihood of ``(r, alpha, a, b)`` on a customer summary."""
    vals = ([params[k] for k in ("r", "alpha", "a", "b")] if isinstance(params, Mapping)
            else list(params))
    x, t_x, big_t, _ = _rft(summary, frequency, recency, T)
    ll, _ = _bgnbd_terms(np.log(np.asarray(vals, dtype=float)), x, t_x, big_t, grad=False)
    return float(ll.sum())


def _minimise(objective: Any, start: np.ndarray, what: str, strict: bool,
              ) -> tuple[optimize.OptimizeResult, bool]:
    with np.errstate(all="ignore"):
        res = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                                bounds=[(-25.0, 25.0)] * len(start),
                                options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9})
        if not res.success or not np.all(np.isfinite(res.x)):
            # second chance: a derivative-free search from where L-BFGS-B stopped
            alt = optimize.minimize(lambda p: objective(p)[0], res.x if np.all(
                np.isfinite(res.x)) else start, method="Nelder-Mead",
                options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-12})
            if alt.success and (not np.isfinite(res.fun) or alt.fun <= res.fun):
                res = alt
    # a parameter beyond 1e5 or below 1e-5 means the likelihood is flat in that direction
    at_bound = bool(np.any(np.abs(res.x) >= math.log(1e5)))
    ok = bool(res.success) and np.all(np.isfinite(res.x)) and not at_bound
    if not ok:
        reason = ("a parameter ran off to 0 or infinity (the data does not pin it down)"
                  if at_bound else str(res.message) or "stopped early")
        text = (f"{what}: the optimiser did not converge ({reason}); the parameters "
                f"{[float(f'{v:.4g}') for v in np.exp(res.x)]} are unreliable. Try more data, a "
                "penalizer > 0, or check the summary (time unit, observation end).")
        if strict:
            raise DataProblem(text)
        warnings.warn(text, FitWarning, stacklevel=3)
    return res, ok


def fit_bgnbd(
    summary: pd.DataFrame | None = None,
    frequency: Any = None,
    recency: Any = None,
    T: Any = None,
    penalizer: float = 0.0,
    initial: Mapping[str, float] | None = None,
    strict: bool = False,
) -> BGNBDFit:
    """Fit the BG/NBD model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame, optional
        :func:`helpers.segments.rfm.customer_summary` output (``frequency``, ``recency``, ``T``).
    frequency, recency, T : array-like, optional
        Instead of (or overriding columns of) ``summary``.
    penalizer : float
        L2 penalty ``penalizer × sum(params²)`` added to the mean negative log-likelihood (as in
        ``lifetimes``); 0 = plain maximum likelihood.
    initial : mapping, optional
        Starting values; default ``r = a = b = 1`` and ``alpha`` = mean of ``T``.
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    BGNBDFit

    Raises
    ------
    DataProblem
        Bad summary (see module notes), or no repeat purchase at all: with every frequency 0
        the model cannot tell how often people buy from how soon they leave. Value such a base
        with :func:`historical_clv` or :func:`simple_clv`.

    Notes
    -----
    The log-likelihood is vectorised over customers, computed once per distinct
    ``(frequency, recency, T)`` and weighted by its count, and maximised over the log
    parameters with L-BFGS-B using the analytic gradient (Nelder-Mead as a fallback).
    """
    x, t_x, big_t, _ = _rft(summary, frequency, recency, T)
    if len(x) < 3 or not (x > 0).any():
        raise DataProblem(
            f"BG/NBD: {int((x > 0).sum())} of {len(x)} customers bought more than once; the model "
            "needs repeat purchases to separate the purchase rate from the dropout. Fix: use a "
            "longer observation period, or value this base with historical_clv / simple_clv."
        )
    if penalizer < 0:
        raise DataProblem(f"fit_bgnbd: penalizer must be 0 or more, got {penalizer!r}.")
    start_time = time.perf_counter()
    (ux, ut, uT), w = _compress(x, t_x, big_t)
    n = w.sum()
    groups = np.unique(ux, return_inverse=True)

    def objective(lp: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g = _bgnbd_terms(lp, ux, ut, uT, x_groups=groups)
        p = np.exp(lp)
        f = -(w @ ll) / n + penalizer * (p @ p)
        grad = -(g @ w) / n + penalizer * 2 * p * p
        if not np.isfinite(f):
            return 1e100, np.zeros_like(lp)
        return f, grad

    init = dict(initial or {})
    start = np.log([init.get("r", 1.0), init.get("alpha", max(float(big_t.mean()), 1e-3)),
                    init.get("a", 1.0), init.get("b", 1.0)])
    res, ok = _minimise(objective, start, "BG/NBD fit", strict)
    r, alpha, a, b = np.exp(res.x)
    ll, _ = _bgnbd_terms(res.x, ux, ut, uT, grad=False)
    return BGNBDFit(float(r), float(alpha), float(a), float(b), float(w @ ll), int(n), ok,
                    str(res.message), int(getattr(res, "nit", 0)),
                    time.perf_counter() - start_time,
                    {"distinct_rows": len(w), "repeat_share": float((x > 0).mean())})


# --------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model.

    Each purchase's value ~ Gamma(p, ν); ν ~ Gamma(q, γ) across customers. ``n_customers`` is
    the number of repeat buyers used; ``excluded`` those left out (monetary value 0 or
    below); ``corr_frequency_spend`` the Pearson correlation between frequency and mean spend
    among them (the model assumes it is near 0).
    """

    p: float
    q: float
    gamma: float
    loglik: float
    n_customers: int
    excluded: int = 0
    corr_frequency_spend: float = 0.0
    converged: bool = True
    message: str = ""
    seconds: float = 0.0

    @property
    def params(self) -> dict[str, float]:
        """``{"p": …, "q": …, "gamma": …}``."""
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def mean_spend(self) -> float:
        """Population mean value of a purchase, ``p γ / (q - 1)``."""
        return self.p * self.gamma / (self.q - 1)

    def expected_spend(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """Expected value of a customer's future purchases, given x and their mean spend.

        A weighted average of the population mean and the customer's own mean
        (``(p (γ + x m)) / (p x + q - 1)``); one-time buyers get the population mean. Mean
        values of 0 (e.g. only free orders) shrink to the population; negative ones are refused.
        """
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary_value, dtype=float)
        if np.any(m < 0) or not np.all(np.isfinite(m)):
            raise DataProblem("Gamma-Gamma: monetary_value must be 0 or more and present for "
                              "every customer.")
        m = np.where(x > 0, m, 0.0)
        return self.p * (self.gamma + x * m) / (self.p * x + self.q - 1)


def _gg_terms(log_params: np.ndarray, x: np.ndarray, m: np.ndarray,
              grad: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    p, q, g = np.exp(log_params)
    px = p * x
    log_xmg = np.log(x * m + g)
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_xmg)
    if not grad:
        return ll, None
    psi = special.digamma(px + q)
    d_p = x * (psi - special.digamma(px) + np.log(m) + np.log(x) - log_xmg)
    d_q = psi - special.digamma(q) + np.log(g) - log_xmg
    d_g = q / g - (px + q) / (x * m + g)
    return ll, np.vstack([d_p * p, d_q * q, d_g * g])


def gamma_gamma_loglik(params: Mapping[str, float] | Sequence[float], frequency: Any,
                       monetary_value: Any) -> float:
    """Total Gamma-Gamma log-likelihood of ``(p, q, gamma)`` over repeat buyers (x > 0, m > 0)."""
    vals = ([params[k] for k in ("p", "q", "gamma")] if isinstance(params, Mapping)
            else list(params))
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    use = (x > 0) & (m > 0)
    ll, _ = _gg_terms(np.log(np.asarray(vals, dtype=float)), x[use], m[use], grad=False)
    return float(ll.sum())


def fit_gamma_gamma(
    summary: pd.DataFrame | None = None,
    frequency: Any = None,
    monetary_value: Any = None,
    penalizer: float = 0.0,
    strict: bool = False,
) -> GammaGammaFit:
    """Fit the Gamma-Gamma spend model on the repeat buyers.

    Parameters
    ----------
    summary : DataFrame, optional
        With ``frequency`` and ``monetary_value`` (mean value of the repeat purchases).
    frequency, monetary_value : array-like, optional
        Instead of the columns of ``summary``.
    penalizer : float
        L2 penalty on the parameters, as in :func:`fit_bgnbd`.
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Notes
    -----
    Documented fallback: repeat buyers whose mean value is 0 or below (free orders, refunds
    netted in) cannot come from a gamma distribution and are left out of the fit; their number
    is ``fit.excluded``. Fewer than 10 usable repeat buyers raise :class:`DataProblem`. The
    fit also raises when ``q <= 1`` comes out, because the mean spend is then infinite.
    """
    x, index = _column(summary, "frequency", frequency)
    m, _ = _column(summary, "monetary_value", monetary_value)
    if len(x) != len(m):
        raise DataProblem("frequency and monetary_value must have the same length.")
    if np.any(m < 0):
        bad = m < 0
        raise DataProblem(f"Gamma-Gamma: monetary_value is negative for {int(bad.sum())} "
                          f"customer(s), e.g. {_sample(index[bad])}. Fix: summarise without "
                          "returns (customer_summary(exclude_returns=True)).")
    repeat = x > 0
    use = repeat & (m > 0)
    excluded = int((repeat & ~use).sum())
    if use.sum() < 10:
        raise DataProblem(f"Gamma-Gamma: only {int(use.sum())} repeat buyer(s) with a positive "
                          "mean spend; at least 10 are needed. Use the plain mean order value "
                          "instead.")
    start_time = time.perf_counter()
    (ux, um), w = _compress(x[use], m[use])
    n = w.sum()

    def objective(lp: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g = _gg_terms(lp, ux, um)
        p = np.exp(lp)
        f = -(w @ ll) / n + penalizer * (p @ p)
        if not np.isfinite(f):
            return 1e100, np.zeros_like(lp)
        return f, -(g @ w) / n + penalizer * 2 * p * p

    start = np.log([1.0, 2.0, max(float(np.median(um)), 1e-3)])
    res, ok = _minimise(objective, start, "Gamma-Gamma fit", strict)
    p, q, g = np.exp(res.x)
    if q <= 1:
        raise DataProblem(f"Gamma-Gamma: q = {q:.3f} <= 1, so the expected spend is infinite "
                          "(very heavy-tailed order values). Cap extreme orders or use the "
                          "mean order value.")
    ll, _ = _gg_terms(res.x, ux, um, grad=False)
    corr = float(np.corrcoef(x[use], m[use])[0, 1]) if np.std(m[use]) > 0 and np.std(
        x[use]) > 0 else 0.0
    return GammaGammaFit(float(p), float(q), float(g), float(w @ ll), int(n), excluded, corr, ok,
                         str(res.message), time.perf_counter() - start_time)


# --------------------------------------------------------------------------------------------
# CLV over a horizon
# --------------------------------------------------------------------------------------------
def customer_lifetime_value(
    summary: pd.DataFrame,
    bgnbd: BGNBDFit,
    gamma_gamma: GammaGammaFit,
    horizon: float = 365.0,
    step: float = 30.0,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> pd.DataFrame:
    """Expected purchases, spend and discounted CLV of every customer over a horizon.

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T``, ``monetary_value`` (model time units).
    bgnbd, gamma_gamma : fits
    horizon : float
        How far ahead, in the model's time unit (365 for a year in days, 52 in weeks).
    step : float
        Length of one discounting step in that unit (30 days, 4.35 weeks: monthly).
    discount_rate : float
        Discount rate per step (0.01 a month is about 12.7 % a year).
    margin : float
        Share of the spend that is profit (1 = value in sales).

    Returns
    -------
    DataFrame
        Indexed by customer: ``p_alive``, ``expected_purchases`` (over the horizon),
        ``expected_spend`` (per purchase), ``clv`` (discounted margin).

    Notes
    -----
    The horizon is cut in steps ``(t_{i-1}, t_i]``; the purchases expected in each step are
    valued at the expected spend × margin and discounted by ``(1 + discount_rate)^i``.
    """
    if not (isinstance(horizon, int | float) and math.isfinite(horizon)) or horizon <= 0:
        raise DataProblem(f"customer_lifetime_value: horizon must be above 0, got {horizon!r}.")
    if not (isinstance(step, int | float) and math.isfinite(step)) or step <= 0:
        raise DataProblem(f"customer_lifetime_value: step must be above 0, got {step!r}.")
    if discount_rate <= -1 or not math.isfinite(discount_rate):
        raise DataProblem(f"customer_lifetime_value: discount_rate must be above -1, got "
                          f"{discount_rate!r}.")
    x, t_x, big_t, index = _rft(summary)
    m, _ = _column(summary, "monetary_value", None)
    spend = gamma_gamma.expected_spend(x, m)
    edges = np.r_[np.arange(0.0, horizon, step), horizon][1:]
    cum = np.vstack([bgnbd.expected_purchases(t, x, t_x, big_t) for t in edges])
    per_step = np.diff(np.vstack([np.zeros(len(x)), cum]), axis=0)
    disc = (1 + discount_rate) ** -np.arange(1, len(edges) + 1)
    value = margin * spend * (disc @ per_step)
    out = pd.DataFrame({"p_alive": bgnbd.p_alive(x, t_x, big_t), "expected_purchases": cum[-1],
                        "expected_spend": spend, "clv": value}, index=index)
    if not np.isfinite(out.to_numpy()).all():
        bad = ~np.isfinite(out.to_numpy()).all(axis=1)
        raise DataProblem(f"customer_lifetime_value: no finite value for {int(bad.sum())} "
                          f"customer(s), e.g. {_sample(index[bad])}; the fitted parameters "
                          f"({bgnbd.params}) are probably degenerate.")
    return out


# --------------------------------------------------------------------------------------------
# calibration / holdout
# --------------------------------------------------------------------------------------------
def calibration_holdout(
    transactions: pd.DataFrame,
    calibration_end: Any,
    holdout_end: Any,
    freq: str = "D",
    freq_multiplier: float = 1.0,
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Summaries of a calibration period and the purchases the same customers made afterwards.

    Returns
    -------
    DataFrame
        :func:`helpers.segments.rfm.customer_summary` of the purchases up to ``calibration_end`` (the
        customers acquired by then), plus ``frequency_holdout`` (purchase days — or weeks with
        ``freq="W"`` — in ``(calibration_end, holdout_end]``) and ``duration_holdout`` (its
        length, in the same unit as ``T``).
    """
    from helpers.segments.rfm import FREQ_DAYS, customer_summary

    cal_end, hold_end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if hold_end <= cal_end:
        raise DataProblem(f"calibration_holdout: holdout_end {hold_end:%Y-%m-%d} must come after "
                          f"calibration_end {cal_end:%Y-%m-%d}.")
    cal = customer_summary(transactions, observation_end=cal_end, freq=freq,
                           freq_multiplier=freq_multiplier, customer_col=customer_col,
                           date_col=date_col, amount_col=amount_col)
    dates = pd.to_datetime(transactions[date_col], errors="coerce")
    step = FREQ_DAYS[freq]
    day = dates.to_numpy().astype("datetime64[D]").view("int64")
    end_day = int(np.datetime64(hold_end.normalize(), "D").astype("int64"))
    period = day if freq == "D" else day - ((day + 3) % 7)   # weeks start on Monday
    cal_period_end = int(cal.attrs["observation_end"].to_datetime64().astype("datetime64[D]")
                         .astype("int64"))
    keep = dates.notna().to_numpy() & (day > cal_period_end) & (day <= end_day)
    amount = pd.to_numeric(transactions[amount_col], errors="coerce").to_numpy()
    keep &= ~(amount < 0)
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    ids = transactions[customer_col].astype("string").to_numpy()
    hold = pd.DataFrame({"customer_id": ids[keep], "period": period[keep]}).drop_duplicates()
    counts = hold.groupby("customer_id").size()
    out = cal.copy()
    out["frequency_holdout"] = counts.reindex(out.index.astype("string")).fillna(0).to_numpy(
        dtype="int64")
    out["duration_holdout"] = (end_day - cal_period_end) / (step * freq_multiplier)
    out.attrs.update(cal.attrs)
    out.attrs["calibration_end"], out.attrs["holdout_end"] = cal_end, hold_end
    return out


def holdout_check(fit: BGNBDFit, calhold: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Predicted against actual holdout purchases, by number of repeat purchases in calibration.

    Returns
    -------
    DataFrame
        Index: calibration frequency ``0 … max_frequency-1`` and ``"{max}+"``; columns
        ``customers``, ``actual`` and ``predicted`` (mean holdout purchases per customer), and
        a final row ``"all"``. This is Figure 4 of Fader, Hardie & Lee (2005).
    """
    for col in ("frequency_holdout", "duration_holdout"):
        if col not in calhold.columns:
            raise DataProblem(f"holdout_check: column {col!r} missing; build the table with "
                              "calibration_holdout(...).")
    x, t_x, big_t, index = _rft(calhold)
    pred = fit.expected_purchases(calhold["duration_holdout"].to_numpy(dtype=float), x, t_x,
                                  big_t)
    group = np.minimum(x, max_frequency).astype(int)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    frame = pd.DataFrame({"group": pd.Categorical.from_codes(group, labels),
                          "actual": calhold["frequency_holdout"].to_numpy(dtype=float),
                          "predicted": pred})
    out = frame.groupby("group", observed=False).agg(customers=("actual", "size"),
                                                     actual=("actual", "mean"),
                                                     predicted=("predicted", "mean"))
    out = out[out["customers"] > 0]
    out.loc["all"] = [len(frame), frame["actual"].mean(), frame["predicted"].mean()]
    out["customers"] = out["customers"].astype("int64")
    out.index.name = "calibration_frequency"
    return out


# --------------------------------------------------------------------------------------------
# matrices, widget, plots
# --------------------------------------------------------------------------------------------
def _grid(fit: BGNBDFit, max_frequency: int, max_recency: float, T: float,
          n_recency: int) -> tuple[np.ndarray, np.ndarray]:
    if max_frequency < 1 or T <= 0 or max_recency <= 0 or max_recency > T:
        raise DataProblem(f"matrix: need max_frequency >= 1 and 0 < max_recency <= T, got "
                          f"{max_frequency}, {max_recency}, {T}.")
    freqs = np.arange(0, max_frequency + 1)
    recs = np.linspace(0, max_recency, n_recency)
    return np.meshgrid(freqs, recs)


def probability_alive_matrix(fit: BGNBDFit, max_frequency: int = 20,
                             max_recency: float | None = None, T: float = 52.0,
                             n_recency: int = 27) -> pd.DataFrame:
    """P(alive) for every (recency, frequency) pair of a customer observed for ``T`` units.

    Rows: recency from 0 to ``max_recency`` (default ``T``); columns: frequency 0 … max.
    (Frequency 0 has recency 0 by definition; its column shows that customer's value.)
    """
    xx, rr = _grid(fit, max_frequency, max_recency or T, T, n_recency)
    rr_used = np.where(xx == 0, 0.0, rr)
    values = fit.p_alive(xx, rr_used, np.full_like(rr, T))
    return pd.DataFrame(values, index=pd.Index(np.round(rr[:, 0], 2), name="recency"),
                        columns=pd.Index(xx[0], name="frequency"))


def expected_purchases_matrix(fit: BGNBDFit, t: float, max_frequency: int = 20,
                              max_recency: float | None = None, T: float = 52.0,
                              n_recency: int = 27) -> pd.DataFrame:
    """Expected purchases in the next ``t`` units over a (recency, frequency) grid."""
    xx, rr = _grid(fit, max_frequency, max_recency or T, T, n_recency)
    rr_used = np.where(xx == 0, 0.0, rr)
    values = fit.expected_purchases(t, xx, rr_used, np.full_like(rr, T))
    return pd.DataFrame(values, index=pd.Index(np.round(rr[:, 0], 2), name="recency"),
                        columns=pd.Index(xx[0], name="frequency"))


def clv_view(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, frequency: float, recency: float,
             T: float, monetary_value: float, horizon: float = 365.0, step: float = 30.0,
             discount_rate: float = 0.01, margin: float = 1.0) -> dict[str, float]:
    """What the CLV widget shows for one customer history (pure; also for made-up values)."""
    one = pd.DataFrame({"frequency": [frequency], "recency": [recency], "T": [T],
                        "monetary_value": [monetary_value]})
    row = customer_lifetime_value(one, bgnbd, gamma_gamma, horizon, step, discount_rate,
                                  margin).iloc[0]
    return {k: float(v) for k, v in row.items()}


def explore_clv(summary: pd.DataFrame, bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit,
                horizon: float = 365.0, step: float = 30.0, discount_rate: float = 0.01,
                margin: float = 1.0) -> Any:
    """Widget: choose a customer, or set frequency / recency / T / spend, and read the CLV."""
    import ipywidgets as w

    x, t_x, big_t, index = _rft(summary)
    top = summary.sort_values("frequency", ascending=False).index[:200]
    pick = w.Dropdown(options=["(set values)"] + [str(i) for i in top], description="customer")
    f = w.IntSlider(value=2, min=0, max=int(max(x.max(), 1)), description="frequency")
    tmax = float(big_t.max())
    big = w.FloatSlider(value=float(np.median(big_t)), min=0.1, max=tmax, step=tmax / 100,
                        description="T")
    rec = w.FloatSlider(value=float(np.median(big_t)) / 2, min=0.0, max=tmax, step=tmax / 100,
                        description="recency")
    spend = w.FloatText(value=float(summary["monetary_value"].median()), description="spend")
    out = w.HTML()

    def redraw(*_: Any) -> None:
        r_val = 0.0 if f.value == 0 else min(rec.value, big.value)
        res = clv_view(bgnbd, gamma_gamma, f.value, r_val, big.value, max(spend.value, 0.0),
                       horizon, step, discount_rate, margin)
        out.value = (f"<b>P(alive)</b> {res['p_alive']:.1%} · <b>expected purchases</b> "
                     f"{res['expected_purchases']:.2f} · <b>expected spend</b> "
                     f"{res['expected_spend']:.2f} · <b>CLV</b> {res['clv']:,.2f}")

    def choose(*_: Any) -> None:
        if pick.value != "(set values)":
            row = summary.loc[summary.index.astype(str) == pick.value].iloc[0]
            f.value, big.value = int(row["frequency"]), float(row["T"])
            rec.value, spend.value = float(row["recency"]), float(row["monetary_value"])
        redraw()

    pick.observe(choose, names="value")
    for widget in (f, rec, big, spend):
        widget.observe(redraw, names="value")
    redraw()
    return w.VBox([pick, w.HBox([f, rec]), w.HBox([big, spend]), out])


def plot_holdout_check(table: pd.DataFrame, ax: Any = None) -> Any:
    """Mean holdout purchases, actual against predicted, by calibration frequency."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4))
    t = table.drop(index="all", errors="ignore")
    ax.plot(t.index.astype(str), t["actual"], marker="o", label="actual")
    ax.plot(t.index.astype(str), t["predicted"], marker="s", linestyle="--",
            label="BG/NBD predicted")
    ax.set(xlabel="repeat purchases in the calibration period",
           ylabel="mean purchases in the holdout", title="Calibration / holdout check")
    ax.legend()
    return ax


def plot_matrix(matrix: pd.DataFrame, ax: Any = None, title: str = "", fmt: str = "{:.0%}",
                cmap: str = "viridis") -> Any:
    """Heat map of a (recency × frequency) matrix, recent buyers at the top."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 5))
    m = matrix.iloc[::-1]
    im = ax.imshow(m.to_numpy(), aspect="auto", cmap=cmap)
    ax.figure.colorbar(im, ax=ax)
    ax.set_xticks(range(0, m.shape[1], max(1, m.shape[1] // 10)))
    ax.set_xticklabels(m.columns[:: max(1, m.shape[1] // 10)])
    ticks = range(0, m.shape[0], max(1, m.shape[0] // 6))
    ax.set_yticks(list(ticks))
    ax.set_yticklabels([f"{m.index[i]:g}" for i in ticks])
    ax.set(xlabel="frequency (repeat purchases)", ylabel="recency (time of last purchase)",
           title=title)
    del fmt
    return ax


def plot_clv_by_segment(clv: pd.Series, segment: pd.Series, ax: Any = None) -> Any:
    """Box plot of CLV per segment (segments ordered by median CLV)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 4))
    seg = segment.reindex(clv.index).astype("string").fillna("(none)")
    order = clv.groupby(seg).median().sort_values(ascending=False).index
    ax.boxplot([clv[seg == s].to_numpy() for s in order], showfliers=False)
    ax.set_xticks(range(1, len(order) + 1))
    ax.set_xticklabels(order, rotation=30, ha="right")
    ax.set(ylabel="CLV", title="CLV by segment (outliers hidden)")
    return ax
