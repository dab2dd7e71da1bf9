"""The shifted-Beta-Geometric model for contractual customers (Fader & Hardie 2007).

Memberships, subscriptions and B2B contracts are renewed (or not) once a period, and the firm
sees who leaves: RFM and BG/NBD do not apply. Each customer leaves at the end of any period
with a constant probability ``theta``; ``theta ~ Beta(alpha, beta)`` across customers, so the
cohort's retention *rises* with tenure (the quick leavers go first). :func:`fit_sbg` fits it on
the survivors of a cohort per period, or on per-customer tenures with who has left;
:class:`SBGFit` projects survival, retention, expected lifetime and the discounted expected
residual lifetime (DERL, Fader & Hardie 2010) that values a contract.

>>> fit = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
>>> round(fit.alpha, 3), round(fit.beta, 3)
(0.704, 1.182)
>>> [round(float(v)) for v in 1000 * fit.survival([8, 12])]
[220, 170]
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from helpers.errors import DataProblem, sample_rows

from ._optimise import minimise, penalised

__all__ = ["SBGFit", "fit_sbg", "survival_check"]


def _sbg_terms(log_params: np.ndarray, t: np.ndarray, churned: np.ndarray,
               grad: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row: log P(leaves at the end of period t) if churned, else log S(t); gradient."""
    a, b = np.exp(log_params)
    # churned at t: B(a+1, b+t-1)/B(a, b); still there after t: B(a, b+t)/B(a, b)
    ka, kb = np.where(churned, a + 1, a), np.where(churned, b + t - 1, b + t)
    ll = special.betaln(ka, kb) - special.betaln(a, b)
    if not grad:
        return ll, None
    psi_all, psi_ab = special.digamma(ka + kb), special.digamma(a + b)
    d_a = special.digamma(ka) - psi_all - special.digamma(a) + psi_ab
    d_b = special.digamma(kb) - psi_all - special.digamma(b) + psi_ab
    return ll, np.vstack([d_a * a, d_b * b])


@dataclass(frozen=True)
class SBGFit:
    """A fitted shifted-Beta-Geometric model.

    Attributes
    ----------
    alpha, beta : float
        Per-period churn probability ~ Beta(alpha, beta) across customers.
    loglik : float
        Log-likelihood at the optimum.
    n_customers : int
        Customers in the cohort(s) fitted on.
    periods : int
        Longest tenure observed (periods).
    converged, message, seconds :
        What the optimiser reported, and the fitting time.
    """

    alpha: float
    beta: float
    loglik: float
    n_customers: int
    periods: int = 0
    converged: bool = True
    message: str = ""
    seconds: float = 0.0

    @property
    def params(self) -> dict[str, float]:
        """``{"alpha": …, "beta": …}``."""
        return {"alpha": self.alpha, "beta": self.beta}

    @property
    def mean_churn(self) -> float:
        """Mean churn probability per period among new customers, ``alpha / (alpha + beta)``."""
        return self.alpha / (self.alpha + self.beta)

    def survival(self, t: Any) -> np.ndarray:
        """``S(t)``: share of a new cohort still a customer after ``t`` periods.

        Parameters
        ----------
        t : float or array-like
            Periods, 0 or more.

        Returns
        -------
        ndarray
        """
        t = np.asarray(t, dtype=float)
        return np.exp(special.betaln(self.alpha, self.beta + t)
                      - special.betaln(self.alpha, self.beta))

    def retention(self, t: Any) -> np.ndarray:
        """Retention rate in period ``t`` (1, 2, …): ``S(t)/S(t-1) = (β+t-1)/(α+β+t-1)``.

        Parameters
        ----------
        t : float or array-like
            Periods, 1 or more.

        Returns
        -------
        ndarray
        """
        t = np.asarray(t, dtype=float)
        return (self.beta + t - 1) / (self.alpha + self.beta + t - 1)

    def expected_lifetime(self) -> float:
        """Mean number of periods a new customer stays, ``(α+β-1)/(α-1)``; infinite if α <= 1.

        With ``alpha <= 1`` a few customers almost never leave and the mean is infinite:
        value such customers with :meth:`derl` (discounting keeps it finite).
        """
        if self.alpha <= 1:
            return float("inf")
        return (self.alpha + self.beta - 1) / (self.alpha - 1)

    def derl(self, discount_rate: float, renewals: Any = 0) -> np.ndarray:
        """Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6).

        The expected number of further payments, discounted, of a customer who has renewed
        ``renewals`` times so far (0: just acquired, first payment made):
        ``Σ_{t>=n} S(t)/S(n-1) / (1+d)^(t-n)`` with ``n = renewals + 1``, which equals
        ``(β+n-1)/(α+β+n-1) · 2F1(1, β+n; α+β+n; 1/(1+d))``. Times the margin per period it is
        the value of the contract still to come.

        Parameters
        ----------
        discount_rate : float
            Per period, above 0.
        renewals : int or array-like
            Renewals made so far.

        Returns
        -------
        ndarray

        Raises
        ------
        DataProblem
            A discount rate of 0 or below (the sum may be infinite) or negative renewals.
        """
        if not discount_rate > 0:
            raise DataProblem(f"derl: discount_rate must be above 0, got {discount_rate!r}; "
                              "without discounting the expected lifetime may be infinite.")
        n = np.asarray(renewals, dtype=float) + 1
        if np.any(n < 1):
            raise DataProblem("derl: renewals must be 0 or more.")
        a, b = self.alpha, self.beta
        return ((b + n - 1) / (a + b + n - 1)
                * special.hyp2f1(1.0, b + n, a + b + n, 1 / (1 + discount_rate)))

    def projection(self, periods: int) -> pd.DataFrame:
        """Survival, retention and churn of a new cohort for periods ``0 … periods``.

        Parameters
        ----------
        periods : int
            Last period shown.

        Returns
        -------
        DataFrame
            Index ``period``; ``survival``, ``retention`` (NaN for period 0) and ``churn``
            (share of the cohort leaving at the end of the period before).
        """
        t = np.arange(periods + 1, dtype=float)
        surv = self.survival(t)
        return pd.DataFrame({"survival": surv,
                             "retention": np.r_[np.nan, self.retention(t[1:])],
                             "churn": np.r_[np.nan, -np.diff(surv)]},
                            index=pd.Index(t.astype(int), name="period"))


def _survivor_rows(survivors: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (t, churned, weight) of a cohort's survivors per period."""
    n = pd.to_numeric(pd.Series(survivors), errors="coerce").to_numpy(dtype=float,
                                                                       na_value=np.nan)
    if len(n) < 2 or not np.all(np.isfinite(n)) or np.any(n < 0) or n[0] <= 0:
        raise DataProblem(f"fit_sbg: survivors must be at least two counts of customers, the "
                          f"cohort's size first, none missing or negative; got "
                          f"{sample_rows(n)}.")
    if np.any(np.diff(n) > 0):
        up = np.flatnonzero(np.diff(n) > 0) + 1
        raise DataProblem(f"fit_sbg: survivors rise at period(s) {sample_rows(up)} "
                          f"({sample_rows(n[up])}); a cohort can only shrink. Give one cohort's "
                          "survivors per period (customers won later belong to a later cohort).")
    t = np.arange(1, len(n), dtype=float)
    return (np.r_[t, t[-1]], np.r_[np.ones(len(t), bool), False],
            np.r_[n[:-1] - n[1:], n[-1]])


def _tenure_rows(tenure: Any, churned: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows (t, churned, weight) of per-customer tenures (right-censored when still there)."""
    t = pd.to_numeric(pd.Series(tenure), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    gone = pd.Series(churned).astype(bool).to_numpy()
    bad = ~np.isfinite(t) | (t != np.round(t)) | (t < 0) | (gone & (t < 1))
    if len(t) != len(gone) or bad.any():
        raise DataProblem(
            f"fit_sbg: tenure must be whole periods (0 or more; 1 or more for customers who left) "
            f"and as long as churned; bad values {sample_rows(t[bad])}. Fix: count, per customer, "
            "the periods paid for and whether the contract has ended.")
    return t, gone, np.ones(len(t))


def fit_sbg(survivors: Any = None, tenure: Any = None, churned: Any = None,
            strict: bool = False) -> SBGFit:
    """Fit the shifted-Beta-Geometric model by maximum likelihood.

    Parameters
    ----------
    survivors : array-like, optional
        One cohort's customers at the start (period 0) and still there after each period:
        ``[1000, 631, 468, …]``.
    tenure, churned : array-like, optional
        Instead: per customer, the periods completed and whether they have left (a customer
        still there after ``tenure`` periods is censored).
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    SBGFit

    Raises
    ------
    DataProblem
        Survivors that rise, missing or negative counts, no customer leaving (or every one
        leaving at once: the spread of churn cannot be told), or both forms given.
    """
    if (survivors is None) == (tenure is None):
        raise DataProblem("fit_sbg: give either survivors=[…] (one cohort per period) or "
                          "tenure= and churned= (per customer), not both.")
    t, gone, w = (_survivor_rows(survivors) if survivors is not None
                  else _tenure_rows(tenure, churned if churned is not None else np.ones(0)))
    if not (w[gone] > 0).any() or not (w[~gone | (t > 1)] > 0).any():
        raise DataProblem("fit_sbg: either no customer has left or every one left after the "
                          "first period; the model cannot tell how churn varies between "
                          "customers. Use a longer history.")
    began = time.perf_counter()
    rows = pd.DataFrame({"t": t, "gone": gone, "w": w}).groupby(["t", "gone"])["w"].sum()
    rows = rows[rows > 0]        # one row per distinct (tenure, left) with its customers
    ut = rows.index.get_level_values("t").to_numpy(dtype=float)
    ug = rows.index.get_level_values("gone").to_numpy(dtype=bool)
    uw = rows.to_numpy(dtype=float)
    objective = penalised(lambda lp: _sbg_terms(lp, ut, ug), uw, 0.0)
    res, ok = minimise(objective, np.zeros(2), "sBG fit", strict)
    ll, _ = _sbg_terms(res.x, ut, ug, grad=False)
    alpha, beta = (float(v) for v in np.exp(res.x))
    return SBGFit(alpha, beta, float(uw @ ll), int(round(w.sum())), int(t.max()), ok,
                  str(res.message), time.perf_counter() - began)


def survival_check(fit: SBGFit, survivors: Any, periods: int | None = None) -> pd.DataFrame:
    """Observed against fitted survivors of a cohort, and the projection beyond the data.

    Parameters
    ----------
    fit : SBGFit
        A fit (on these survivors, or on an earlier part of them to test the projection).
    survivors : array-like
        The cohort's survivors per period, its size first.
    periods : int, optional
        Last period shown (default: the data's last).

    Returns
    -------
    DataFrame
        Index ``period``; ``observed`` (NaN beyond the data), ``expected`` (cohort size ×
        S(t)), ``retention_observed``, ``retention_expected`` and ``error`` (expected -
        observed).
    """
    obs = pd.to_numeric(pd.Series(survivors), errors="coerce").to_numpy(dtype=float)
    last = len(obs) - 1 if periods is None else int(periods)
    t = np.arange(last + 1)
    observed = np.full(last + 1, np.nan)
    k = min(len(obs), last + 1)
    observed[:k] = obs[:k]
    expected = obs[0] * fit.survival(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        ret_obs = np.r_[np.nan, observed[1:] / observed[:-1]]
    return pd.DataFrame({"observed": observed, "expected": expected,
                         "retention_observed": ret_obs,
                         "retention_expected": np.r_[np.nan, fit.retention(t[1:])],
                         "error": expected - observed}, index=pd.Index(t, name="period"))
