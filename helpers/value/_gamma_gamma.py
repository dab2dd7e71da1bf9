"""The Gamma-Gamma spend model (Fader & Hardie 2013 note, after Colombo & Jiang 1999).

Each purchase's value ~ Gamma(p, ν) around the customer's mean; ν ~ Gamma(q, γ) across
customers. :func:`fit_gamma_gamma` fits ``p, q, gamma`` on the repeat buyers;
:meth:`GammaGammaFit.expected_spend` shrinks each customer's mean towards the population's.

>>> fit = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
>>> round(fit.mean_spend, 2), round(float(fit.expected_spend(2, 40.0)), 2)
(35.22, 39.14)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from helpers.errors import DataProblem, sample_rows

from ._inputs import compress, summary_column
from ._optimise import minimise, penalised

__all__ = ["GammaGammaFit", "fit_gamma_gamma", "gamma_gamma_loglik"]


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

        Parameters
        ----------
        frequency, monetary_value : float or array-like
            Repeat purchases and their mean value, per customer.

        Returns
        -------
        ndarray

        Raises
        ------
        DataProblem
            Mean values that are negative or missing.
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
    """Total Gamma-Gamma log-likelihood of ``(p, q, gamma)`` over repeat buyers (x > 0, m > 0).

    Parameters
    ----------
    params : mapping or sequence of float
        ``{"p", "q", "gamma"}``, or the three values in that order.
    frequency, monetary_value : array-like
        Repeat purchases and their mean value, per customer.

    Returns
    -------
    float
    """
    vals = ([params[k] for k in ("p", "q", "gamma")] if isinstance(params, Mapping)
            else list(params))
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    use = (x > 0) & (m > 0)
    ll, _ = _gg_terms(np.log(np.asarray(vals, dtype=float)), x[use], m[use], grad=False)
    return float(ll.sum())


def _repeat_buyers(x: np.ndarray, m: np.ndarray, index: pd.Index) -> tuple[np.ndarray, int]:
    """Repeat buyers with a positive mean spend (the fit's rows) and how many were left out."""
    if len(x) != len(m):
        raise DataProblem("frequency and monetary_value must have the same length.")
    if np.any(m < 0):
        bad = m < 0
        raise DataProblem(f"Gamma-Gamma: monetary_value is negative for {int(bad.sum())} "
                          f"customer(s), e.g. {sample_rows(index[bad])}. Fix: summarise without "
                          "returns (customer_summary(exclude_returns=True)).")
    repeat = x > 0
    use = repeat & (m > 0)
    if use.sum() < 10:
        raise DataProblem(f"Gamma-Gamma: only {int(use.sum())} repeat buyer(s) with a positive "
                          "mean spend; at least 10 are needed. Use the plain mean order value "
                          "instead.")
    return use, int((repeat & ~use).sum())


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

    Returns
    -------
    GammaGammaFit
        The parameters, the customers used and left out, and convergence.

    Raises
    ------
    DataProblem
        Negative mean values, fewer than 10 usable repeat buyers, ``q <= 1`` (infinite mean
        spend), or (``strict``) no convergence.

    Notes
    -----
    Documented fallback: repeat buyers whose mean value is 0 or below (free orders, refunds
    netted in) cannot come from a gamma distribution and are left out of the fit; their number
    is ``fit.excluded``. Fewer than 10 usable repeat buyers raise :class:`DataProblem`. The
    fit also raises when ``q <= 1`` comes out, because the mean spend is then infinite.
    """
    x, index = summary_column(summary, "frequency", frequency)
    m, _ = summary_column(summary, "monetary_value", monetary_value)
    use, excluded = _repeat_buyers(x, m, index)
    if penalizer < 0:
        raise DataProblem(f"fit_gamma_gamma: penalizer must be 0 or more, got {penalizer!r}.")
    start_time = time.perf_counter()
    (ux, um), w = compress(x[use], m[use])
    objective = penalised(lambda lp: _gg_terms(lp, ux, um), w, penalizer)
    start = np.log([1.0, 2.0, max(float(np.median(um)), 1e-3)])
    res, ok = minimise(objective, start, "Gamma-Gamma fit", strict)
    p, q, g = np.exp(res.x)
    if q <= 1:
        raise DataProblem(f"Gamma-Gamma: q = {q:.3f} <= 1, so the expected spend is infinite "
                          "(very heavy-tailed order values). Cap extreme orders or use the "
                          "mean order value.")
    ll, _ = _gg_terms(res.x, ux, um, grad=False)
    corr = float(np.corrcoef(x[use], m[use])[0, 1]) if np.std(m[use]) > 0 and np.std(
        x[use]) > 0 else 0.0
    return GammaGammaFit(float(p), float(q), float(g), float(w @ ll), int(w.sum()), excluded,
                         corr, ok, str(res.message), time.perf_counter() - start_time)
