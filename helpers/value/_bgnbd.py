"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive, a customer buys at a Poisson rate (gamma-distributed across customers, shape ``r``
and rate ``alpha``); after each purchase they drop out with a probability ``p``
(beta-distributed, ``a`` and ``b``). :func:`fit_bgnbd` fits it by maximum likelihood on a
customer summary (``frequency``, ``recency``, ``T``); :class:`BGNBDFit` predicts from it.

>>> fit = BGNBDFit(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, loglik=0.0, n_customers=0)
>>> round(float(fit.p_alive(2, 30.0, 38.9)), 3)
0.721
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from helpers.errors import DataProblem, sample_rows

from ._fit_base import CountModelFit
from ._inputs import compress, frequency_recency_t
from ._optimise import minimise, penalised

__all__ = ["BGNBDFit", "bgnbd_loglik", "fit_bgnbd"]


@dataclass(frozen=True)
class BGNBDFit(CountModelFit):
    """A fitted BG/NBD model.

    Attributes
    ----------
    r, alpha, a, b : float
        Parameters: purchase rates ~ Gamma(shape r, rate alpha); dropout p ~ Beta(a, b).
    loglik : float
        Log-likelihood at the optimum (sum over customers).
    n_customers : int
        Customers fitted on.
    converged : bool
        The optimiser reported success.
    message : str
        The optimiser's message.
    iterations : int
        The optimiser's iterations.
    seconds : float
        Fitting time.
    extras : dict
        ``distinct_rows`` (distinct histories the likelihood was computed on) and
        ``repeat_share`` (share of customers with a repeat purchase).
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
    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")


    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that a customer with this history is still alive at ``T``.

        Parameters
        ----------
        frequency, recency, T : float or array-like
            The history, in the model's time unit.

        Returns
        -------
        ndarray
            One probability per history (1 for customers who never bought again).
        """
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return _p_alive(self.r, self.alpha, self.a, self.b, x, t_x, big_t)

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected number of purchases in the next ``t`` time units, given the history.

        Parameters
        ----------
        t : float or array-like
            The horizon, 0 or more, in the model's time unit.
        frequency, recency, T : float or array-like
            The history.

        Returns
        -------
        ndarray

        Raises
        ------
        DataProblem
            A negative horizon, or parameters for which the closed form is undefined.
        """
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise DataProblem(f"expected_purchases: the horizon t must be 0 or more, got "
                              f"{sample_rows(np.ravel(t)[np.ravel(t) < 0])}.")
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return _conditional_expected(self.r, self.alpha, self.a, self.b, t, x, t_x, big_t)

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a customer just acquired (unconditional E[X(t)])."""
        t = np.asarray(t, dtype=float)
        zero = np.zeros_like(t)
        return _conditional_expected(self.r, self.alpha, self.a, self.b, t, zero, zero, zero)



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
    """Total BG/NBD log-likelihood of ``(r, alpha, a, b)`` on a customer summary.

    Parameters
    ----------
    params : mapping or sequence of float
        ``{"r", "alpha", "a", "b"}``, or the four values in that order.
    summary : DataFrame, optional
        ``frequency``, ``recency``, ``T`` per customer.
    frequency, recency, T : array-like, optional
        Instead of the columns of ``summary``.

    Returns
    -------
    float

    Raises
    ------
    DataProblem
        A bad summary (see :func:`fit_bgnbd`).
    """
    vals = ([params[k] for k in ("r", "alpha", "a", "b")] if isinstance(params, Mapping)
            else list(params))
    x, t_x, big_t, _ = frequency_recency_t(summary, frequency, recency, T)
    ll, _ = _bgnbd_terms(np.log(np.asarray(vals, dtype=float)), x, t_x, big_t, grad=False)
    return float(ll.sum())



def _fit_input(summary: Any, frequency: Any, recency: Any, T: Any,
               penalizer: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, t_x, big_t, _ = frequency_recency_t(summary, frequency, recency, T)
    if len(x) < 3 or not (x > 0).any():
        raise DataProblem(
            f"BG/NBD: {int((x > 0).sum())} of {len(x)} customers bought more than once; the model "
            "needs repeat purchases to separate the purchase rate from the dropout. Fix: use a "
            "longer observation period, or value this base with historical_clv / simple_clv."
        )
    if penalizer < 0:
        raise DataProblem(f"fit_bgnbd: penalizer must be 0 or more, got {penalizer!r}.")
    return x, t_x, big_t


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
        :func:`helpers.segments.customer_summary` output (``frequency``, ``recency``, ``T``).
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
        The parameters, log-likelihood and convergence of the fit.

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
    x, t_x, big_t = _fit_input(summary, frequency, recency, T, penalizer)
    start_time = time.perf_counter()
    (ux, ut, uT), w = compress(x, t_x, big_t)
    groups = np.unique(ux, return_inverse=True)
    objective = penalised(lambda lp: _bgnbd_terms(lp, ux, ut, uT, x_groups=groups), w, penalizer)
    init = dict(initial or {})
    start = np.log([init.get("r", 1.0), init.get("alpha", max(float(big_t.mean()), 1e-3)),
                    init.get("a", 1.0), init.get("b", 1.0)])
    res, ok = minimise(objective, start, "BG/NBD fit", strict)
    r, alpha, a, b = np.exp(res.x)
    ll, _ = _bgnbd_terms(res.x, ux, ut, uT, grad=False)
    return BGNBDFit(float(r), float(alpha), float(a), float(b), float(w @ ll), int(w.sum()), ok,
                    str(res.message), int(getattr(res, "nit", 0)),
                    time.perf_counter() - start_time,
                    {"distinct_rows": len(w), "repeat_share": float((x > 0).mean())})
