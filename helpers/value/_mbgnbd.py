"""The MBG/NBD model (Batislam, Denizel & Filiztekin 2007).

BG/NBD with one change: a customer may also drop out right after the *first* purchase, so a
customer who never came back is not taken for alive with certainty (BG/NBD's P(alive) is 1 for
every one-time buyer). Purchases while alive ~ Poisson(λ), λ ~ Gamma(r, α); dropout after each
purchase with probability p ~ Beta(a, b). :func:`fit_mbgnbd` → :class:`MBGNBDFit`.

>>> fit = MBGNBDFit(r=0.525, alpha=6.183, a=0.891, b=1.614, loglik=0.0, n_customers=0)
>>> round(float(fit.p_alive(0, 0.0, 38.86)), 3)
0.39
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

from ._fit_base import CountModelFit, param_values
from ._inputs import compress, frequency_recency_t
from ._optimise import minimise, penalised

__all__ = ["MBGNBDFit", "fit_mbgnbd", "mbgnbd_loglik"]

_NAMES = ("r", "alpha", "a", "b")


def _mbg_terms(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
               grad: bool = True, x_groups: tuple[np.ndarray, np.ndarray] | None = None,
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-row log-likelihood (Batislam et al. 2007, eq. 6) and its gradient in log parameters.

    ``x_groups = (distinct frequencies, index of each row's)``: the special functions depend on
    the frequency only and are evaluated once per distinct frequency.
    """
    r, alpha, a, b = np.exp(log_params)
    xs, inv = x_groups if x_groups is not None else np.unique(x, return_inverse=True)
    rx = r + x
    log_at, log_atx = np.log(alpha + big_t), np.log(alpha + t_x)
    a4 = (np.log(a) - np.log(b + xs))[inv] + rx * (log_at - log_atx)
    tail = np.logaddexp(0.0, a4)
    by_x = (special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha)
            + special.gammaln(a + b) + special.gammaln(b + xs + 1) - special.gammaln(b)
            - special.gammaln(a + b + xs + 1))
    ll = by_x[inv] - rx * log_at + tail
    if not grad:
        return ll, None
    w4 = np.exp(a4 - tail)
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + xs + 1)
    d_r = ((special.digamma(r + xs) - special.digamma(r) + np.log(alpha))[inv] - log_at
           + w4 * (log_at - log_atx))
    d_alpha = r / alpha - rx / (alpha + big_t) + w4 * rx * (1 / (alpha + big_t)
                                                             - 1 / (alpha + t_x))
    d_a = (psi_ab - psi_abx)[inv] + w4 / a
    d_b = ((psi_ab + special.digamma(b + xs + 1) - special.digamma(b) - psi_abx)[inv]
           - w4 / (b + xs)[inv])
    return ll, np.vstack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


@dataclass(frozen=True)
class MBGNBDFit(CountModelFit):
    """A fitted MBG/NBD model (attributes as :class:`BGNBDFit`).

    Attributes
    ----------
    r, alpha, a, b : float
        Purchase rates ~ Gamma(shape r, rate alpha); dropout p ~ Beta(a, b).
    loglik : float
        Log-likelihood at the optimum.
    n_customers : int
        Customers fitted on.
    converged, message, iterations, seconds :
        What the optimiser reported, and the fitting time.
    extras : dict
        ``distinct_rows``.
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
    PARAM_NAMES: ClassVar[tuple[str, ...]] = _NAMES


    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that a customer with this history is still alive at ``T``.

        Parameters
        ----------
        frequency, recency, T : float or array-like
            The history, in the model's time unit.

        Returns
        -------
        ndarray
            Below 1 for one-time buyers too (unlike BG/NBD).
        """
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        log_odds = (np.log(self.a) - np.log(self.b + x)
                    + (self.r + x) * (np.log(self.alpha + big_t) - np.log(self.alpha + t_x)))
        return special.expit(-log_odds)

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected purchases in the next ``t`` time units, given the history.

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
            A negative horizon.
        """
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise DataProblem(f"expected_purchases: the horizon t must be 0 or more, got "
                              f"{sample_rows(np.ravel(t)[np.ravel(t) < 0])}.")
        x, big_t = np.asarray(frequency, dtype=float), np.asarray(T, dtype=float)
        r, alpha, b = self.r, self.alpha, self.b
        a = self.a if abs(self.a - 1) > 1e-8 else 1 + 1e-8   # removable singularity at a = 1
        z = t / (alpha + big_t + t)
        # Euler's transformation of 2F1(r+x, b+x+1; a+b+x; z) (see _bgnbd._conditional_expected)
        head = (1 - z) ** (a - 1) * special.hyp2f1(a + b - r, a - 1, a + b + x, z)
        return (a + b + x) / (a - 1) * (1 - head) * self.p_alive(x, recency, big_t)

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a customer just acquired (unconditional E[X(t)])."""
        t = np.asarray(t, dtype=float)
        zero = np.zeros_like(t)
        return self.expected_purchases(t, zero, zero, zero)

    def purchase_count_probability(self, x: Any, t: Any) -> np.ndarray:
        """``P(X(t) = x)`` for a customer just acquired (Batislam et al. 2007, eq. 8).

        Parameters
        ----------
        x, t : array-like
            Counts and horizons; broadcast together.

        Returns
        -------
        ndarray
        """
        from scipy import stats  # deferred: scipy.stats takes over a second to import
        x, t = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(t, dtype=float))
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        q = alpha / (alpha + t)
        nb = stats.nbinom.pmf(x, r, q)
        below = np.where(x > 0, stats.nbinom.cdf(x - 1, r, q), 0.0)
        return (np.exp(special.betaln(a, b + x + 1) - special.betaln(a, b)) * nb
                + np.exp(special.betaln(a + 1, b + x) - special.betaln(a, b)) * (1 - below))



def mbgnbd_loglik(params: Mapping[str, float] | Sequence[float],
                  summary: pd.DataFrame | None = None, frequency: Any = None,
                  recency: Any = None, T: Any = None) -> float:
    """Total MBG/NBD log-likelihood of ``(r, alpha, a, b)`` on a customer summary.

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
    """
    vals = param_values(params, _NAMES)
    x, t_x, big_t, _ = frequency_recency_t(summary, frequency, recency, T)
    ll, _ = _mbg_terms(np.log(np.asarray(vals, dtype=float)), x, t_x, big_t, grad=False)
    return float(ll.sum())


def fit_mbgnbd(
    summary: pd.DataFrame | None = None,
    frequency: Any = None,
    recency: Any = None,
    T: Any = None,
    penalizer: float = 0.0,
    initial: Mapping[str, float] | None = None,
    strict: bool = False,
) -> MBGNBDFit:
    """Fit the MBG/NBD model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame, optional
        ``frequency``, ``recency``, ``T`` per customer.
    frequency, recency, T : array-like, optional
        Instead of (or overriding columns of) ``summary``.
    penalizer : float
        L2 penalty on the parameters (as in ``lifetimes``); 0 = plain maximum likelihood.
    initial : mapping, optional
        Starting values; default ``r = a = b = 1`` and ``alpha`` = mean of ``T``.
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    MBGNBDFit

    Raises
    ------
    DataProblem
        A bad summary, no repeat purchase at all, or (``strict``) no convergence.
    """
    x, t_x, big_t, _ = frequency_recency_t(summary, frequency, recency, T)
    if len(x) < 3 or not (x > 0).any():
        raise DataProblem(
            f"MBG/NBD: {int((x > 0).sum())} of {len(x)} customers bought more than once; the "
            "model needs repeat purchases. Fix: use a longer observation period, or value this "
            "base with historical_clv / simple_clv.")
    if penalizer < 0:
        raise DataProblem(f"fit_mbgnbd: penalizer must be 0 or more, got {penalizer!r}.")
    began = time.perf_counter()
    (ux, ut, u_big), w = compress(x, t_x, big_t)
    groups = np.unique(ux, return_inverse=True)
    objective = penalised(lambda lp: _mbg_terms(lp, ux, ut, u_big, x_groups=groups), w,
                          penalizer)
    init = dict(initial or {})
    start = np.log([init.get("r", 1.0), init.get("alpha", max(float(big_t.mean()), 1e-3)),
                    init.get("a", 1.0), init.get("b", 1.0)])
    res, ok = minimise(objective, start, "MBG/NBD fit", strict)
    ll, _ = _mbg_terms(res.x, ux, ut, u_big, grad=False, x_groups=groups)
    r, alpha, a, b = (float(v) for v in np.exp(res.x))
    return MBGNBDFit(r, alpha, a, b, float(w @ ll), int(w.sum()), ok, str(res.message),
                     int(getattr(res, "nit", 0)), time.perf_counter() - began,
                     {"distinct_rows": len(w)})
