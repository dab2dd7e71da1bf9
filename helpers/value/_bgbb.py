"""The BG/BB model for discrete purchase opportunities (Fader, Hardie & Shang 2010).

Some customers can buy only at set moments: a yearly donation drive, an annual event, a
monthly draw. Over ``n_periods`` opportunities an alive customer buys at each with probability
``p ~ Beta(alpha, beta)`` and, before each opportunity, drops out with probability
``theta ~ Beta(gamma, delta)``. The summary is per customer: ``frequency`` (opportunities
taken), ``recency`` (the last one taken, 0 if none) and ``n_periods``; :func:`fit_bgbb` →
:class:`BGBBFit`.

>>> fit = BGBBFit(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783, loglik=0.0, n_customers=0)
>>> round(float(fit.p_alive(3, 6, 6)), 3), round(float(fit.p_alive(3, 3, 6)), 3)
(1.0, 0.102)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from helpers.errors import DataProblem, sample_rows

from ._fit_base import param_values
from ._inputs import compress, summary_column
from ._optimise import minimise, penalised

__all__ = ["BGBBFit", "bgbb_loglik", "fit_bgbb"]

_NAMES = ("alpha", "beta", "gamma", "delta")


def _bgbb_ll(params: np.ndarray, x: np.ndarray, t_x: np.ndarray,
             n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: log-likelihood (FHS 2010, eq. 5) and the log of its "alive at n" term."""
    alpha, beta, gamma, delta = params
    base = special.betaln(alpha, beta) + special.betaln(gamma, delta)
    log_alive = (special.betaln(alpha + x, beta + n - x) + special.betaln(gamma, delta + n)
                 - base)
    total = log_alive
    gap = n - t_x   # opportunities after the last one taken
    for i in range(int(gap.max()) if gap.size else 0):
        term = (special.betaln(alpha + x, beta + t_x - x + i)
                + special.betaln(gamma + 1, delta + t_x + i) - base)
        total = np.where(i < gap, np.logaddexp(total, term), total)
    return total, log_alive - total


def _bgbb_terms(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray,
                grad: bool = True, step: float = 1e-6) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-row log-likelihood and its gradient in the log parameters (central differences)."""
    ll, _ = _bgbb_ll(np.exp(log_params), x, t_x, n)
    if not grad:
        return ll, None
    g = np.empty((4, len(x)))
    for k in range(4):
        up, down = log_params.copy(), log_params.copy()
        up[k] += step
        down[k] -= step
        g[k] = (_bgbb_ll(np.exp(up), x, t_x, n)[0] - _bgbb_ll(np.exp(down), x, t_x, n)[0]) / (
            2 * step)
    return ll, g


def _gamma_ratio(gamma: float, delta: float, n: np.ndarray) -> np.ndarray:
    """``Γ(1+δ+n) / Γ(γ+δ+n)``."""
    return np.exp(special.gammaln(1 + delta + n) - special.gammaln(gamma + delta + n))


@dataclass(frozen=True)
class BGBBFit:
    """A fitted BG/BB model.

    Attributes
    ----------
    alpha, beta : float
        Purchase probability per opportunity ~ Beta(alpha, beta).
    gamma, delta : float
        Dropout probability before each opportunity ~ Beta(gamma, delta).
    loglik : float
        Log-likelihood at the optimum.
    n_customers : int
        Customers fitted on (the sum of the weights).
    converged, message, iterations, seconds :
        What the optimiser reported, and the fitting time.
    extras : dict
        ``distinct_rows``.
    """

    alpha: float
    beta: float
    gamma: float
    delta: float
    loglik: float
    n_customers: int
    converged: bool = True
    message: str = ""
    iterations: int = 0
    seconds: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def params(self) -> dict[str, float]:
        """``{"alpha": …, "beta": …, "gamma": …, "delta": …}``."""
        return {"alpha": self.alpha, "beta": self.beta, "gamma": self.gamma, "delta": self.delta}

    def _arrays(self, *values: Any) -> list[np.ndarray]:
        return list(np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values)))

    def p_alive(self, frequency: Any, recency: Any, n_periods: Any) -> np.ndarray:
        """Probability that the customer is alive at the last opportunity observed.

        Parameters
        ----------
        frequency, recency, n_periods : int or array-like
            Opportunities taken, the last one taken and the number observed.

        Returns
        -------
        ndarray
        """
        x, t_x, n = self._arrays(frequency, recency, n_periods)
        return np.exp(_bgbb_ll(np.array(list(self.params.values())), x, t_x, n)[1])

    def expected_purchases(self, t: Any, frequency: Any, recency: Any,
                           n_periods: Any) -> np.ndarray:
        """Expected purchases in the next ``t`` opportunities, given the history (FHS eq. 13).

        Parameters
        ----------
        t : int or array-like
            Future opportunities, 0 or more.
        frequency, recency, n_periods : int or array-like
            The history.

        Returns
        -------
        ndarray

        Raises
        ------
        DataProblem
            A negative number of opportunities.
        """
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise DataProblem(f"expected_purchases: the number of future opportunities must be "
                              f"0 or more, got {sample_rows(np.ravel(t)[np.ravel(t) < 0])}.")
        x, t_x, n = self._arrays(frequency, recency, n_periods)
        alpha, beta, delta = self.alpha, self.beta, self.delta
        gamma = self.gamma if abs(self.gamma - 1) > 1e-8 else 1 + 1e-8
        ll, _ = _bgbb_ll(np.array([alpha, beta, gamma, delta]), x, t_x, n)
        scale = np.exp(special.betaln(alpha + x + 1, beta + n - x) - special.betaln(alpha, beta)
                       + special.gammaln(gamma + delta) - special.gammaln(1 + delta) - ll)
        return scale * delta / (gamma - 1) * (_gamma_ratio(gamma, delta, n)
                                              - _gamma_ratio(gamma, delta, n + t))

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """Expected purchases in the first ``t`` opportunities of a new customer (FHS eq. 9)."""
        t = np.asarray(t, dtype=float)
        gamma = self.gamma if abs(self.gamma - 1) > 1e-8 else 1 + 1e-8
        ratio = np.exp(special.gammaln(gamma + self.delta) - special.gammaln(1 + self.delta))
        return (self.alpha / (self.alpha + self.beta) * self.delta / (gamma - 1)
                * (1 - ratio * _gamma_ratio(gamma, self.delta, t)))

    def purchase_count_probability(self, x: Any, t: Any) -> np.ndarray:
        """``P(X(t) = x)``: ``x`` purchases in the first ``t`` opportunities (FHS eq. 7).

        Parameters
        ----------
        x, t : int or array-like
            Counts and numbers of opportunities; broadcast together.

        Returns
        -------
        ndarray
        """
        x, n = self._arrays(x, t)
        a, b, g, d = self.alpha, self.beta, self.gamma, self.delta
        base = special.betaln(a, b) + special.betaln(g, d)

        def log_choose(top: np.ndarray, k: np.ndarray) -> np.ndarray:
            return special.gammaln(top + 1) - special.gammaln(k + 1) - special.gammaln(top - k + 1)

        with np.errstate(invalid="ignore"):
            out = np.exp(log_choose(n, x) + special.betaln(a + x, b + n - x)
                         + special.betaln(g, d + n) - base)
            for i in range(int(n.max()) if n.size else 0):
                term = np.exp(log_choose(np.full_like(x, i), x) + special.betaln(a + x, b + i - x)
                              + special.betaln(g + 1, d + i) - base)
                out = out + np.where((i >= x) & (i < n), term, 0.0)
        return np.where(x <= n, out, 0.0)


def _bgbb_input(summary: Any, frequency: Any, recency: Any, n_periods: Any,
                weights: Any) -> tuple[np.ndarray, ...]:
    """Validated frequency, recency, n_periods and weights of a BG/BB summary."""
    x, index = summary_column(summary, "frequency", frequency)
    t_x, _ = summary_column(summary, "recency", recency)
    n, _ = summary_column(summary, "n_periods", n_periods)
    if isinstance(weights, str):
        w, _ = summary_column(summary, weights, None)
    else:
        w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    if not (len(x) == len(t_x) == len(n) == len(w)):
        raise DataProblem("BG/BB: frequency, recency, n_periods and weights must have the same "
                          "length.")
    checks = [
        ((x != np.round(x)) | (t_x != np.round(t_x)) | (n != np.round(n)),
         "a value is not a whole number of opportunities"),
        ((x < 0) | (t_x < 0), "frequency or recency is negative"),
        (t_x > n, "recency is after the last opportunity (n_periods)"),
        (x > t_x, "frequency is above recency (more purchases than opportunities up to the last)"),
        ((x == 0) & (t_x != 0), "recency is not 0 although frequency is 0"),
        (~(w > 0), "a weight is not above 0"),
    ]
    for bad, what in checks:
        if bad.any():
            raise DataProblem(
                f"BG/BB summary: {what} for {int(bad.sum())} row(s), e.g. "
                f"{sample_rows(index[bad])} (frequency {sample_rows(x[bad])}, recency "
                f"{sample_rows(t_x[bad])}, n_periods {sample_rows(n[bad])}). Fix: count, per "
                "customer, the opportunities taken (frequency), the last one taken (recency, "
                "0 if none) and the opportunities observed (n_periods).")
    return x, t_x, n, w


def bgbb_loglik(params: Mapping[str, float] | Sequence[float],
                summary: pd.DataFrame | None = None, frequency: Any = None, recency: Any = None,
                n_periods: Any = None, weights: Any = None) -> float:
    """Total BG/BB log-likelihood of ``(alpha, beta, gamma, delta)`` (weighted rows).

    Parameters
    ----------
    params : mapping or sequence of float
        ``{"alpha", "beta", "gamma", "delta"}``, or the four values in that order.
    summary : DataFrame, optional
        ``frequency``, ``recency``, ``n_periods`` per customer (or per distinct history).
    frequency, recency, n_periods : array-like, optional
        Instead of the columns of ``summary``.
    weights : str or array-like, optional
        How many customers each row stands for (a column name of ``summary``, or values).

    Returns
    -------
    float
    """
    vals = param_values(params, _NAMES)
    x, t_x, n, w = _bgbb_input(summary, frequency, recency, n_periods, weights)
    return float(w @ _bgbb_ll(np.asarray(vals, dtype=float), x, t_x, n)[0])


def fit_bgbb(
    summary: pd.DataFrame | None = None,
    frequency: Any = None,
    recency: Any = None,
    n_periods: Any = None,
    weights: Any = None,
    penalizer: float = 0.0,
    strict: bool = False,
) -> BGBBFit:
    """Fit the BG/BB model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame, optional
        ``frequency``, ``recency``, ``n_periods`` per customer, or per distinct history with
        ``weights``.
    frequency, recency, n_periods : array-like, optional
        Instead of the columns of ``summary``.
    weights : str or array-like, optional
        Customers per row (a column name, e.g. ``"weights"``, or values); default 1 each.
    penalizer : float
        L2 penalty on the parameters; 0 = plain maximum likelihood.
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    BGBBFit

    Raises
    ------
    DataProblem
        Values that are not whole numbers, inconsistent histories (recency after the last
        opportunity, frequency above recency), no repeat purchase, or (``strict``) no
        convergence.
    """
    x, t_x, n, weights_in = _bgbb_input(summary, frequency, recency, n_periods, weights)
    if not (x > 0).any():
        raise DataProblem("BG/BB: no customer took any opportunity; nothing to fit.")
    if penalizer < 0:
        raise DataProblem(f"fit_bgbb: penalizer must be 0 or more, got {penalizer!r}.")
    began = time.perf_counter()
    (ux, ut, un, uw), counts = compress(x, t_x, n, weights_in)
    w = counts * uw
    objective = penalised(lambda lp: _bgbb_terms(lp, ux, ut, un), w, penalizer)
    res, ok = minimise(objective, np.zeros(4), "BG/BB fit", strict)
    ll, _ = _bgbb_terms(res.x, ux, ut, un, grad=False)
    alpha, beta, gamma, delta = (float(v) for v in np.exp(res.x))
    return BGBBFit(alpha, beta, gamma, delta, float(w @ ll), int(round(w.sum())), ok,
                   str(res.message), int(getattr(res, "nit", 0)), time.perf_counter() - began,
                   {"distinct_rows": len(w)})
