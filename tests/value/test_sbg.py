"""Tests for helpers.value._sbg: Fader & Hardie (2007)'s two cohorts, closed forms against
sums, per-customer tenures, projections and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import helpers.value as lv
from helpers.errors import DataProblem

#: Fader & Hardie (2007), "How to project customer retention", Table 1: customers still there
#: after 0..7 years, of 1,000 acquired, and the published maximum-likelihood estimates.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
PUBLISHED = {"regular": (0.704, 1.182), "high_end": (0.668, 3.806)}


@pytest.mark.parametrize("name, survivors", [("regular", REGULAR), ("high_end", HIGH_END)])
def test_reproduces_fader_hardie_2007(name, survivors):
    fit = lv.fit_sbg(survivors)
    assert fit.converged and fit.n_customers == 1000 and fit.periods == 7
    assert (round(fit.alpha, 3), round(fit.beta, 3)) == PUBLISHED[name]


def test_likelihood_by_hand():
    fit = lv.fit_sbg(REGULAR)
    a, b = fit.alpha, fit.beta
    p = [a / (a + b)]
    for t in range(2, 8):
        p.append(p[-1] * (b + t - 2) / (a + b + t - 1))
    lost = -np.diff(REGULAR)
    want = (lost * np.log(p)).sum() + REGULAR[-1] * np.log(1 - sum(p))
    assert fit.loglik == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(fit.survival(np.arange(1, 8)), 1 - np.cumsum(p), rtol=1e-12)


def test_retention_rises_with_tenure_and_projects():
    fit = lv.fit_sbg(REGULAR)
    ret = fit.retention(np.arange(1, 13))
    assert (np.diff(ret) > 0).all()
    np.testing.assert_allclose(fit.retention(np.arange(1, 13)),
                               fit.survival(np.arange(1, 13)) / fit.survival(np.arange(12)),
                               rtol=1e-12)
    proj = fit.projection(12)
    assert list(proj.columns) == ["survival", "retention", "churn"]
    assert proj["survival"].iloc[0] == 1 and np.isnan(proj["retention"].iloc[0])
    assert proj["churn"].iloc[1:].sum() == pytest.approx(1 - proj["survival"].iloc[-1])


def test_a_fit_on_the_first_years_projects_the_later_ones():
    """FH 2007, Figure 3: a fit on years 1-4 projects years 5-7 within a few customers."""
    early = lv.fit_sbg(REGULAR[:5])
    check = lv.survival_check(early, REGULAR)
    later = check.loc[5:7]
    assert (later["error"].abs() < 15).all()
    assert check["observed"].iloc[0] == check["expected"].iloc[0] == 1000


def test_derl_and_lifetime_against_sums():
    fit = lv.fit_sbg(HIGH_END)
    t = np.arange(0, 20000)
    for d in (0.05, 0.1, 0.2):
        for renewals in (0, 3, 10):
            n = renewals + 1
            tt = t[t >= n]
            want = (fit.survival(tt) / fit.survival(n - 1) * np.exp(-(tt - n) * np.log1p(d))).sum()
            assert float(fit.derl(d, renewals)) == pytest.approx(want, rel=1e-9)
    # alpha < 1: some customers practically never leave, the mean lifetime is infinite
    assert fit.expected_lifetime() == float("inf")
    finite = lv.SBGFit(alpha=3.0, beta=5.0, loglik=0.0, n_customers=0)
    assert finite.expected_lifetime() == pytest.approx(finite.survival(t).sum(), rel=1e-6)
    # a customer who has stayed longer is worth more (retention rises with tenure)
    assert fit.derl(0.1, 5) > fit.derl(0.1, 0)
    with pytest.raises(DataProblem, match="discount_rate"):
        fit.derl(0.0)


def test_per_customer_tenures_give_the_cohort_fit():
    lost = -np.diff(REGULAR)
    tenure = np.r_[np.repeat(np.arange(1, 8), lost), np.full(REGULAR[-1], 7)]
    churned = np.r_[np.ones(lost.sum(), bool), np.zeros(REGULAR[-1], bool)]
    by_customer = lv.fit_sbg(tenure=tenure, churned=churned)
    cohort = lv.fit_sbg(REGULAR)
    assert by_customer.alpha == pytest.approx(cohort.alpha, rel=1e-6)
    assert by_customer.beta == pytest.approx(cohort.beta, rel=1e-6)
    # customers observed for different lengths (censored at 3 and at 7 years) are allowed
    mixed = lv.fit_sbg(tenure=np.r_[tenure, [3] * 200], churned=np.r_[churned, [False] * 200])
    assert mixed.converged and mixed.n_customers == 1200


@pytest.mark.parametrize("survivors, match", [
    ([1000, 1100, 900], "rise"),
    ([1000], "at least two"),
    ([1000, -5], "negative"),
    ([1000, 1000, 1000], "no customer has left"),
])
def test_bad_survivors_are_explained(survivors, match):
    with pytest.raises(DataProblem, match=match):
        lv.fit_sbg(survivors)


def test_bad_arguments_are_explained():
    with pytest.raises(DataProblem, match="either survivors"):
        lv.fit_sbg(REGULAR, tenure=[1, 2], churned=[True, False])
    with pytest.raises(DataProblem, match="whole periods"):
        lv.fit_sbg(tenure=[1.5, 2], churned=[True, False])
