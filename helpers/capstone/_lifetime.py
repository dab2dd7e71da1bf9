"""Capstone, step 4: BG/NBD + Gamma-Gamma lifetime value, or a note saying why not.

Chains :mod:`helpers.value` (lesson 06) on the weekly customer summary; a short or
degenerate history gives a :class:`ClvResult` without a table and with the reason, never an
error.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers import value as lv
from helpers.capstone._inputs import transactions_of
from helpers.data import CourseData
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.segments import customer_summary

__all__ = ["ClvResult", "clv_table"]


@dataclass
class ClvResult:
    """Outcome of :func:`clv_table`: the table (or ``None``), the fits and a note for the reader."""

    table: pd.DataFrame | None
    note: str
    n_repeat: int = 0
    n_fit: int = 0
    bgnbd: Any = None
    gamma_gamma: Any = None
    converged: bool = False

    @property
    def fitted(self) -> bool:
        """True when CLV was computed."""
        return self.table is not None


def _fitting_sample(weekly: pd.DataFrame, max_fit_customers: int,
                    seed: int) -> tuple[pd.DataFrame, str]:
    """The customers the models are fitted on, and a sentence when it is a sample."""
    if len(weekly) <= max_fit_customers:
        return weekly, ""
    return weekly.sample(max_fit_customers, random_state=seed), tr(
        " The models were fitted on a random sample of {n:,} of the {total:,} customers "
        "(seed {seed}) to keep the run short.", n=max_fit_customers, total=len(weekly), seed=seed)


def _skipped_short(n_repeat: int, min_repeat_buyers: int) -> ClvResult:
    return ClvResult(None, tr("CLV skipped: only {n} customer(s) bought more than once (at "
                              "least {needed} are needed to fit BG/NBD and Gamma-Gamma). Export "
                              "a longer history, or lower min_repeat_buyers knowingly.",
                              n=n_repeat, needed=min_repeat_buyers), n_repeat=n_repeat)


def clv_table(
    data: CourseData,
    min_repeat_buyers: int = 100,
    max_fit_customers: int = 20_000,
    horizon_weeks: float = 52.0,
    step_weeks: float = 4.35,
    discount_rate: float = 0.01,
    margin: float = 0.25,
    seed: int = 2024,
) -> ClvResult:
    """BG/NBD + Gamma-Gamma lifetime value per customer, when there is enough repeat history.

    Parameters
    ----------
    data : CourseData
        From :func:`~helpers.capstone.load_inputs` (transactions up to ``data.as_of``).
    min_repeat_buyers : int
        Fewer customers with a repeat purchase than this: no model, a note says why.
    max_fit_customers : int
        Above this many customers the models are fitted on a seeded random sample of this size
        (the note says so); CLV is then predicted for everyone.
    horizon_weeks, step_weeks, discount_rate, margin : float
        See :func:`helpers.value.customer_lifetime_value` (time unit: weeks).
    seed : int
        Seed of the fitting sample.

    Returns
    -------
    ClvResult
        The CLV table (``None`` when skipped), the fits, and a note saying how it was done or
        why it was skipped.
    """
    weekly = customer_summary(transactions_of(data), as_of=data.as_of, freq="D",
                              freq_multiplier=7)
    weekly.index = weekly.index.astype(str)
    n_repeat = int((weekly["frequency"] > 0).sum())
    if n_repeat < min_repeat_buyers:
        return _skipped_short(n_repeat, min_repeat_buyers)
    fit_on, sampled = _fitting_sample(weekly, max_fit_customers, seed)
    result = _fit_and_predict(weekly, fit_on, n_repeat, horizon=horizon_weeks, step=step_weeks,
                              discount_rate=discount_rate, margin=margin)
    if result.fitted:
        result.note = tr("CLV over {weeks:g} weeks at a {margin:.0%} margin, from BG/NBD and "
                         "Gamma-Gamma fitted on {n:,} customers ({repeat:,} repeat buyers).",
                         weeks=horizon_weeks, margin=margin, n=len(fit_on),
                         repeat=n_repeat) + sampled + result.note
    return result


def _fit_and_predict(weekly: pd.DataFrame, fit_on: pd.DataFrame, n_repeat: int,
                     **clv_options: float) -> ClvResult:
    """Fit both models on ``fit_on`` and predict everyone's CLV; a note when it fails.

    A fitted result's note only holds the convergence warning (if any); the caller adds how
    the models were fitted.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", lv.FitWarning)
        try:
            bgnbd = lv.fit_bgnbd(fit_on)
            spend = lv.fit_gamma_gamma(fit_on)
        except DataProblem as exc:
            return ClvResult(None, tr("CLV skipped: the models could not be fitted ({problem}).",
                                      problem=exc),
                             n_repeat=n_repeat)
        converged = bool(bgnbd.converged and spend.converged)
        try:
            table = lv.customer_lifetime_value(weekly, bgnbd, spend, **clv_options)
        except DataProblem as exc:
            return ClvResult(None, tr("CLV skipped: the fitted models give no usable value on "
                                      "this history ({problem}) The purchase pattern may not fit "
                                      "the buy-till-you-die assumptions; use revenue tiers "
                                      "instead.", problem=exc),
                             n_repeat=n_repeat, n_fit=len(fit_on))
    warn = ""
    if not converged or any(issubclass(w.category, lv.FitWarning) for w in caught):
        warn = tr(" Warning: an optimiser did not converge; read the CLV as a rough ranking.")
    return ClvResult(table, warn, n_repeat=n_repeat, n_fit=len(fit_on), bgnbd=bgnbd,
                     gamma_gamma=spend, converged=converged)
