"""Standard errors from the Hessian and bootstrap intervals (helpers/value/_uncertainty.py).

Checked against lifetimes' ``summary`` (se(coef)) on the published CDNOW summary, and calibrated
by simulation from known BG/NBD parameters: the 90 % intervals cover the truth 85-95 % of the
time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.caveats import Caveat
from helpers.errors import DataProblem

from .simulate_models import bgnbd, pareto_nbd

TRUE = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}


@pytest.fixture(scope="module")
def cdnow_fits(published_summary):
    s = published_summary
    return s, lv.fit_bgnbd(s), lv.fit_gamma_gamma(s)


def test_bgnbd_standard_errors_match_lifetimes_on_cdnow(cdnow_fits):
    from lifetimes import BetaGeoFitter  # the test peer

    s, fit, _ = cdnow_fits
    peer = BetaGeoFitter().fit(s.frequency, s.recency, s["T"])
    ours = lv.standard_errors(fit, s)
    theirs = peer.summary.loc[["r", "alpha", "a", "b"], "se(coef)"]
    np.testing.assert_allclose(ours.se.to_numpy(), theirs.to_numpy(), rtol=2e-3)
    assert (ours.lower < ours.estimate).all() and (ours.estimate < ours.upper).all()


def test_gamma_gamma_standard_errors_match_lifetimes_on_cdnow(cdnow_fits):
    from lifetimes import GammaGammaFitter  # the test peer

    s, _, gg = cdnow_fits
    repeat = s[s.frequency > 0]
    peer = GammaGammaFitter().fit(repeat.frequency, repeat.monetary_value)
    ours = lv.standard_errors(gg, s)
    theirs = peer.summary.loc[["p", "q", "v"], "se(coef)"]
    np.testing.assert_allclose(ours.se.to_numpy(), theirs.to_numpy(), rtol=1e-2)


def test_pareto_and_mbgnbd_have_standard_errors():
    s = pareto_nbd(3000, seed=3)
    fit = lv.fit_pareto_nbd(s)
    se = lv.standard_errors(fit, s)
    assert se.se.notna().all() and (se.se > 0).all()
    # the truth (r .55, alpha 10.6, s .61, beta 11.7) within a few standard errors
    truth = pd.Series({"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 11.7})
    assert (((se.estimate - truth) / se.se).abs() < 3.5).all()
    m = bgnbd(3000, seed=4, modified=True)
    mse = lv.standard_errors(lv.fit_mbgnbd(m), m)
    assert (mse.se > 0).all()


def test_hessian_intervals_are_calibrated_by_simulation():
    """150 datasets of 2,000 customers from known parameters: 90 % intervals cover 85-95 %."""
    hits = []
    for k in range(150):
        s = bgnbd(2000, seed=1000 + k, **TRUE)
        se = lv.standard_errors(lv.fit_bgnbd(s), s, level=0.90)
        hits.append([se.lower[p] <= v <= se.upper[p] for p, v in TRUE.items()])
    coverage = np.mean(hits, axis=0)          # measured: 0.94, 0.93, 0.94, 0.92
    assert ((coverage >= 0.85) & (coverage <= 0.95)).all(), coverage


def test_bootstrap_intervals_cover_a_profiles_expected_purchases():
    """The smaller bootstrap check: 20 datasets × 30 replicates (measured 19 of 20 covered)."""
    profile = (2, 30.0, 40.0)
    truth = float(lv.BGNBDFit(**TRUE, loglik=0, n_customers=0).expected_purchases(52, *profile))
    hits = 0
    for k in range(20):
        s = bgnbd(2000, seed=2000 + k, **TRUE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Caveat)    # 30 replicates: below the usual 50
            draws = lv.bootstrap_parameters(s, lv.fit_bgnbd(s), replicates=30, seed=k)
        values = [float(lv.BGNBDFit(**row, loglik=0, n_customers=0).expected_purchases(
            52, *profile)) for row in draws[list(TRUE)].to_dict("records")]
        lo, hi = np.percentile(values, [5, 95])
        hits += lo <= truth <= hi
    assert 16 <= hits <= 20


def segments(s, fit, gg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Caveat)    # 20 replicates: below the usual 50
        return lv.bootstrap_intervals(s, fit, gg, horizon="52W", replicates=20, seed=1,
                                      by="segment", statistic="sum")


def test_bootstrap_intervals_per_customer_and_segment(published_summary, cdnow_fits):
    s, fit, gg = cdnow_fits
    s = s.assign(tenure_days=np.round(s["T"] * 7), segment=np.where(s.frequency > 2, "hi", "lo"))
    with pytest.warns(Caveat, match="only 20 bootstrap replicates"):
        out = lv.bootstrap_intervals(s, fit, gg, horizon="52W", replicates=20, seed=1)
    assert set(out.quantity) == {"expected_purchases", "p_alive", "clv"}
    assert len(out) == 3 * len(s)
    clv = out[out.quantity == "clv"]
    point = lv.lifetime_value(s, fit, gg, "52W", "1M").clv
    np.testing.assert_allclose(clv.estimate.to_numpy(), point.loc[clv.index].to_numpy())
    inside = (clv.lower <= clv.estimate + 1e-9) & (clv.estimate <= clv.upper + 1e-9)
    assert inside.mean() > 0.95 and (clv.upper > clv.lower).mean() > 0.99
    seg = segments(s, fit, gg)
    assert list(seg.index.unique()) == ["hi", "lo"]
    totals = seg[seg.quantity == "expected_purchases"]
    expected = lv.predict_customers(s, fit, "52W").groupby(s.segment).expected_purchases.sum()
    np.testing.assert_allclose(totals.estimate.to_numpy(), expected.to_numpy())
    assert totals.customers.sum() == len(s)
    pd.testing.assert_frame_equal(seg, segments(s, fit, gg))      # seeded


def test_bootstrap_without_spend_has_no_clv_and_is_fast_enough():
    s = bgnbd(3000, seed=5).assign(tenure_days=lambda d: np.round(d["T"] * 7))
    fit = lv.fit_bgnbd(s)
    out = lv.bootstrap_intervals(s, fit, horizon="26W", replicates=50, seed=2)
    assert set(out.quantity) == {"expected_purchases", "p_alive"}
    width = out[out.quantity == "expected_purchases"].eval("upper - lower")
    assert (width >= 0).all() and width.mean() > 0


def test_bad_requests_are_data_problems(cdnow_fits):
    s, fit, _ = cdnow_fits
    with pytest.raises(DataProblem, match="by='nope' is not a column"):
        lv.bootstrap_intervals(s, fit, horizon=52, unit="W", by="nope")
    with pytest.raises(DataProblem, match="level must be between 0 and 1"):
        lv.standard_errors(fit, s, level=95)
    with pytest.raises(DataProblem, match="replicates must be"):
        lv.bootstrap_parameters(s, fit, replicates=1)
    with pytest.raises(DataProblem, match="not supported"):
        lv.standard_errors(lv.SBGFit(alpha=1.0, beta=1.0, loglik=0.0, n_customers=0), s)


def test_a_fit_from_another_summary_or_a_flat_likelihood_says_so(cdnow_fits):
    s, fit, _ = cdnow_fits
    other = lv.BGNBDFit(r=0.5, alpha=5.0, a=0.8, b=2.5, loglik=0.0, n_customers=0)
    with pytest.warns(Caveat, match="not 0"):
        lv.standard_errors(other, s)
    with pytest.warns(lv.HessianWarning, match="not positive definite"):
        cov = lv.parameter_covariance(other, s.assign(frequency=0, recency=0.0),
                                      check_optimum=False)
    assert cov.isna().all().all()
