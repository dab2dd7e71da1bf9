"""Tests for helpers.value._pareto_nbd: the published CDNOW fit, lifetimes as a peer, the
integral form of the likelihood, predictions and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, special

import helpers.value as lv
from helpers.errors import DataProblem
from helpers.segments import customer_summary
from helpers.value._pareto_nbd import _pairs, _pareto_terms, _parts
from tests.value.simulate_models import pareto_nbd

#: Fader, Hardie & Lee (2005), "A note on implementing the Pareto/NBD model in MATLAB", CDNOW.
PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
PUBLISHED_LL = -9595.0


@pytest.fixture(scope="module")
def fit(published_summary):
    return lv.fit_pareto_nbd(published_summary)


def test_reproduces_the_published_cdnow_fit_from_the_raw_file(cdnow_sample_transactions):
    summary = customer_summary(cdnow_sample_transactions, as_of="1997-09-30", freq="D",
                               freq_multiplier=7)
    fit = lv.fit_pareto_nbd(summary)
    assert fit.converged
    assert {k: round(v, 3) for k, v in fit.params.items()} == PUBLISHED
    assert round(fit.loglik, 1) == PUBLISHED_LL
    # the same fit in days: rates scale by 7, shapes and the likelihood's maximum do not move
    days = lv.fit_pareto_nbd(customer_summary(cdnow_sample_transactions, as_of="1997-09-30"))
    assert days.r == pytest.approx(fit.r, rel=1e-4) and days.s == pytest.approx(fit.s, rel=1e-4)
    assert days.alpha / 7 == pytest.approx(fit.alpha, rel=1e-4)
    assert days.beta / 7 == pytest.approx(fit.beta, rel=1e-4)


def test_published_summary_gives_the_published_fit(fit):
    """The published summary rounds recency and T to 0.01 week: beta moves by 0.001."""
    assert fit.converged
    for k, v in PUBLISHED.items():
        assert fit.params[k] == pytest.approx(v, abs=1.5e-3), k
    assert round(fit.loglik, 1) == PUBLISHED_LL


def _peer(summary):
    lifetimes = pytest.importorskip("lifetimes")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = lifetimes.ParetoNBDFitter()
        peer.fit(summary["frequency"], summary["recency"], summary["T"])
    return peer


def test_matches_lifetimes_fit_and_likelihood(fit, published_summary):
    s = published_summary
    peer = _peer(s)
    for k, v in peer.params_.items():
        assert fit.params[k] == pytest.approx(v, rel=1e-3)
    x, t_x, T = (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    for params in (dict(peer.params_), {"r": 1.3, "alpha": 2.0, "s": 0.4, "beta": 30.0},
                   {"r": 0.3, "alpha": 20.0, "s": 2.0, "beta": 3.0}):
        want = peer._conditional_log_likelihood(list(params.values()), x, t_x, T).sum()
        assert lv.pareto_nbd_loglik(params, s) == pytest.approx(want, rel=1e-10)
    # our optimum is at least as high as the peer's (it stops earlier, Nelder-Mead)
    assert fit.loglik >= lv.pareto_nbd_loglik(dict(peer.params_), s) - 1e-9


def test_predictions_match_lifetimes(published_summary):
    s = published_summary
    peer = _peer(s)
    peer.params_ = pd.Series(PUBLISHED)
    ours = lv.ParetoNBDFit(**PUBLISHED, loglik=0.0, n_customers=0)
    x, t_x, T = s["frequency"], s["recency"], s["T"]
    np.testing.assert_allclose(ours.p_alive(x, t_x, T),
                               peer.conditional_probability_alive(x, t_x, T), rtol=1e-8)
    for t in (1.0, 39.0, 104.0):
        np.testing.assert_allclose(
            ours.expected_purchases(t, x, t_x, T),
            peer.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T), rtol=1e-8)
    ts = np.array([1.0, 13.0, 52.0])
    np.testing.assert_allclose(ours.expected_purchases_new(ts),
                               peer.expected_number_of_purchases_up_to_time(ts), rtol=1e-9)


def _likelihood_by_quadrature(r, alpha, s, beta, x, t_x, T):
    """The model's likelihood from its definition: alive at T, or died at tau in (t_x, T]."""
    def integrand(tau):
        return (alpha + tau) ** -(r + x) * (beta + tau) ** -(s + 1)
    died, _ = integrate.quad(integrand, t_x, T, epsabs=0, epsrel=1e-12)
    head = np.exp(special.gammaln(r + x) - special.gammaln(r)) * alpha ** r * beta ** s
    return np.log(head * ((alpha + T) ** -(r + x) * (beta + T) ** -s + s * died))


@pytest.mark.parametrize("params", [(0.55, 10.6, 0.6, 11.7), (0.55, 20.0, 0.6, 2.0),
                                    (2.0, 1.0, 1.0, 1.0), (0.3, 3.0, 2.5, 30.0)])
@pytest.mark.parametrize("history", [(0, 0.0, 30.0), (3, 12.0, 30.0), (40, 29.0, 30.0),
                                     (5, 30.0, 30.0)])
def test_likelihood_equals_its_integral_form(params, history):
    """Both branches (alpha >= beta and alpha < beta) against direct numerical integration."""
    got = lv.pareto_nbd_loglik(params, frequency=[history[0]], recency=[history[1]],
                               T=[history[2]])
    assert got == pytest.approx(_likelihood_by_quadrature(*params, *history), rel=1e-9)


def test_stable_for_frequent_buyers_and_continuous_at_alpha_equal_beta():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ll = lv.pareto_nbd_loglik((0.5, 10.0, 0.6, 12.0), frequency=[400], recency=[1.0],
                                  T=[500.0])
        assert np.isfinite(ll)
    near = [lv.pareto_nbd_loglik((0.5, b, 0.6, 10.0), frequency=[3], recency=[5.0], T=[20.0])
            for b in (10.0 - 1e-7, 10.0, 10.0 + 1e-7)]
    assert max(near) - min(near) < 1e-6


def test_gradient_matches_finite_differences():
    """The chain-rule gradient over (frequency, time) pairs, in both branches of 2F1."""
    s = pareto_nbd(3000, seed=1, days=True)
    x, t, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    pairs = _pairs(x, t, T)
    assert len(pairs[0]) < len(x)
    for lp in (np.log([0.55, 10.6, 0.6, 11.7]), np.log([1.5, 2.0, 3.0, 0.7])):
        def f(p):
            return -_pareto_terms(p, x, t, T, grad=False, pairs=pairs)[0].sum()

        def g(p):
            return -_pareto_terms(p, x, t, T, pairs=pairs)[1].sum(axis=1)

        assert optimize.check_grad(f, g, lp) / np.linalg.norm(g(lp)) < 1e-5
        # computing per pair changes nothing
        np.testing.assert_allclose(_pareto_terms(lp, x, t, T, grad=False, pairs=pairs)[0],
                                   _parts(np.exp(lp), x, t, T)[0], rtol=1e-13)


def test_fit_recovers_simulated_parameters():
    truth = {"r": 0.8, "alpha": 8.0, "s": 0.7, "beta": 12.0}
    fit = lv.fit_pareto_nbd(pareto_nbd(30000, **truth, T_max=78, seed=3, days=True))
    assert fit.converged
    assert fit.extras["distinct_rows"] < 30000
    for k, v in truth.items():
        assert fit.params[k] == pytest.approx(v, rel=0.25), k


def test_count_probabilities_sum_to_one_and_give_the_mean():
    ours = lv.ParetoNBDFit(**PUBLISHED, loglik=0.0, n_customers=0)
    k = np.arange(400)
    for t in (5.0, 39.0, 78.0):
        p = ours.purchase_count_probability(k, t)
        assert p.sum() == pytest.approx(1.0, abs=1e-8)
        assert (k * p).sum() == pytest.approx(float(ours.expected_purchases_new(t)), rel=1e-6)


def test_count_probabilities_match_a_simulation():
    truth = {"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 11.7}
    ours = lv.ParetoNBDFit(**truth, loglik=0.0, n_customers=0)
    sim = pareto_nbd(200000, **truth, T_max=39.0, seed=5)
    observed = np.bincount(sim["frequency"].astype(int), minlength=4)[:4] / len(sim)
    # the simulation's T is uniform on [T_max / 3, T_max]: average P(X(T) = k) over it by
    # Gauss-Legendre (exact for this smooth curve; the mean over the 200,000 drawn T differs by
    # 1e-4 and costs 200,000 x 64 quadrature points per count). Binomial SD of each share
    # <= 1.1e-3: atol is 3.6 SD; r 5 % or s 10 % off already misses by 1e-2.
    assert sim["T"].between(39.0 / 3, 39.0).all()
    u, w = np.polynomial.legendre.leggauss(32)
    horizons = 39.0 / 3 + (39.0 - 39.0 / 3) * (u + 1) / 2
    expected = np.array([(ours.purchase_count_probability(k, horizons) * w).sum() / 2
                         for k in range(4)])
    np.testing.assert_allclose(observed, expected, atol=4e-3)


def test_expected_purchases_at_s_equal_one_is_the_limit():
    f = [lv.ParetoNBDFit(0.5, 10.0, s, 12.0, 0.0, 0).expected_purchases(20.0, 2, 10.0, 30.0)
         for s in (1 - 1e-6, 1.0, 1 + 1e-6)]
    assert float(f[1]) == pytest.approx(float(f[0]), rel=1e-5)
    assert float(f[1]) == pytest.approx(float(f[2]), rel=1e-5)


def test_predict_frame_and_properties(fit, published_summary):
    out = fit.predict(published_summary, 39.0)
    assert list(out.columns) == ["p_alive", "expected_purchases"]
    assert out["p_alive"].between(0, 1).all() and (out["expected_purchases"] >= 0).all()
    assert fit.p_alive(3, 29.0, 30.0) > fit.p_alive(3, 10.0, 30.0)
    with pytest.raises(DataProblem, match="horizon"):
        fit.expected_purchases(-1.0, 1, 1.0, 2.0)


def test_bad_input_is_explained():
    with pytest.raises(DataProblem, match="repeat purchases"):
        lv.fit_pareto_nbd(pd.DataFrame({"frequency": [0] * 5, "recency": [0.0] * 5,
                                        "T": [5.0] * 5}))
    with pytest.raises(DataProblem, match="late-one"):
        lv.fit_pareto_nbd(pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 12.0],
                                        "T": [10.0, 11.0]}, index=["ok", "late-one"]))
    with pytest.raises(DataProblem, match="penalizer"):
        lv.fit_pareto_nbd(pareto_nbd(100), penalizer=-1)


def test_a_customer_base_where_nobody_leaves_fails_fast_with_a_fit_warning():
    """The course data's calibration year: hardly anybody stops buying, so the likelihood is flat
    in s and beta, and each step slows down as beta grows (its 2F1 nears z = 1; the fit took
    7-20 s before). It stops a few iterations after fewer than 1 in 1,000 customers are expected
    to leave over the data, says why, and has the same purchase process (and almost the same
    likelihood) as BG/NBD's "nobody leaves" limit."""
    from helpers.data import load_course_data
    from helpers.paths import DATASETS_DIR

    data = load_course_data(DATASETS_DIR)
    calhold = lv.calibration_holdout(data.transactions, data.as_of - pd.DateOffset(years=1),
                                     data.as_of, freq="D", freq_multiplier=7)
    with pytest.warns(lv.FitWarning, match="dropout rate ran off to 0"):
        fit = lv.fit_pareto_nbd(calhold)
    assert not fit.converged and fit.iterations < 60
    assert fit.params["s"] / fit.params["beta"] * calhold["T"].max() < 1e-3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lv.FitWarning)
        bg = lv.fit_bgnbd(calhold)
    assert fit.params["r"] / fit.params["alpha"] == pytest.approx(
        bg.params["r"] / bg.params["alpha"], rel=0.01)
    assert fit.loglik == pytest.approx(bg.loglik, abs=1.0)
    with pytest.raises(DataProblem, match="dropout rate ran off to 0"), warnings.catch_warnings():
        warnings.simplefilter("ignore", lv.FitWarning)
        lv.fit_pareto_nbd(calhold, strict=True)
