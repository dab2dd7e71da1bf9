"""Tests for helpers.value._mbgnbd: lifetimes' ModifiedBetaGeoFitter as the peer, the
analytic gradient, simulation, and what sets MBG/NBD apart from BG/NBD."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import helpers.value as lv
from helpers.errors import DataProblem
from helpers.value._mbgnbd import _mbg_terms
from tests.value.simulate_models import bgnbd


@pytest.fixture(scope="module")
def peer(published_summary):
    lifetimes = pytest.importorskip("lifetimes")
    s = published_summary
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = lifetimes.ModifiedBetaGeoFitter()
        fitter.fit(s["frequency"], s["recency"], s["T"])
    return fitter


def test_fit_and_likelihood_match_lifetimes(published_summary, peer):
    s = published_summary
    fit = lv.fit_mbgnbd(s)
    assert fit.converged
    for k, v in peer.params_.items():
        assert fit.params[k] == pytest.approx(v, rel=1e-4), k
    x, t_x, T = (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    for params in (dict(peer.params_), {"r": 1.2, "alpha": 0.7, "a": 2.0, "b": 0.4}):
        lp = np.log(list(params.values()))
        want = -len(s) * peer._negative_log_likelihood(lp, x, t_x, T, np.ones(len(s)), 0.0)
        assert lv.mbgnbd_loglik(params, s) == pytest.approx(want, rel=1e-12)
    assert fit.loglik >= lv.mbgnbd_loglik(dict(peer.params_), s) - 1e-9


def test_predictions_match_lifetimes(published_summary, peer):
    s = published_summary
    ours = lv.MBGNBDFit(**dict(peer.params_), loglik=0.0, n_customers=0)
    x, t_x, T = s["frequency"], s["recency"], s["T"]
    np.testing.assert_allclose(ours.p_alive(x, t_x, T),
                               peer.conditional_probability_alive(x, t_x, T), rtol=1e-12)
    for t in (1.0, 39.0, 104.0):
        np.testing.assert_allclose(
            ours.expected_purchases(t, x, t_x, T),
            peer.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T), rtol=1e-9)
    ts = np.array([1.0, 13.0, 52.0])
    np.testing.assert_allclose(ours.expected_purchases_new(ts),
                               peer.expected_number_of_purchases_up_to_time(ts), rtol=1e-9)
    for k in range(5):
        assert float(ours.purchase_count_probability(k, 39.0)) == pytest.approx(
            peer.probability_of_n_purchases_up_to_time(39.0, k), rel=1e-10)


def test_gradient_matches_finite_differences():
    s = bgnbd(500, seed=1, modified=True)
    x, t, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    for lp in (np.log([0.3, 4.0, 0.8, 2.4]), np.log([1.5, 0.5, 3.0, 0.7])):
        def f(p):
            return -_mbg_terms(p, x, t, T, grad=False)[0].sum()

        def g(p):
            return -_mbg_terms(p, x, t, T)[1].sum(axis=1)

        assert optimize.check_grad(f, g, lp) / np.linalg.norm(g(lp)) < 1e-5


def test_fit_recovers_simulated_parameters():
    truth = {"r": 0.6, "alpha": 6.0, "a": 0.9, "b": 3.0}
    fit = lv.fit_mbgnbd(bgnbd(30000, **truth, seed=4, modified=True))
    assert fit.converged
    for k, tol in (("r", 0.15), ("alpha", 0.2), ("a", 0.35), ("b", 0.45)):
        assert fit.params[k] == pytest.approx(truth[k], rel=tol), k


def test_one_time_buyers_are_not_alive_for_sure():
    fit = lv.MBGNBDFit(0.5, 6.0, 0.9, 1.6, 0.0, 0)
    assert fit.p_alive(0, 0.0, 30.0) < 1
    assert lv.BGNBDFit(0.5, 6.0, 0.9, 1.6, 0.0, 0).p_alive(0, 0.0, 30.0) == 1
    k = np.arange(500)
    p = fit.purchase_count_probability(k, 39.0)
    assert p.sum() == pytest.approx(1.0, abs=1e-9)
    assert (k * p).sum() == pytest.approx(float(fit.expected_purchases_new(39.0)), rel=1e-8)


def test_count_probabilities_match_a_simulation():
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    sim = bgnbd(200000, **truth, seed=9, modified=True)
    ours = lv.MBGNBDFit(**truth, loglik=0.0, n_customers=0)
    observed = np.bincount(sim["frequency"].astype(int), minlength=4)[:4] / len(sim)
    expected = [ours.purchase_count_probability(k, sim["T"].to_numpy()).mean() for k in range(4)]
    np.testing.assert_allclose(observed, expected, atol=4e-3)


def test_bad_input_is_explained():
    with pytest.raises(DataProblem, match="repeat purchases"):
        lv.fit_mbgnbd(pd.DataFrame({"frequency": [0] * 5, "recency": [0.0] * 5,
                                    "T": [5.0] * 5}))
    with pytest.raises(DataProblem, match="greater than T"):
        lv.fit_mbgnbd(pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 12.0],
                                    "T": [10.0, 11.0]}))
    with pytest.raises(DataProblem, match="horizon"):
        lv.MBGNBDFit(0.5, 6.0, 0.9, 1.6, 0.0, 0).expected_purchases(-2.0, 1, 1.0, 3.0)
