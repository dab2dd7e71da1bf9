"""Tests for helpers.value._gamma_gamma: gradient, lifetimes as a peer, the zero-spend fallback."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import optimize

import helpers.value as lv
from helpers.errors import DataProblem
from helpers.value._gamma_gamma import _gg_terms


def test_gamma_gamma_gradient_and_peer(published_summary):
    s = published_summary[published_summary["frequency"] > 0]
    x, m = s["frequency"].to_numpy(float), s["monetary_value"].to_numpy(float)
    lp = np.log([6.0, 3.5, 15.0])

    def f(p):
        return -_gg_terms(p, x, m, grad=False)[0].sum()

    def g(p):
        return -_gg_terms(p, x, m)[1].sum(axis=1)

    assert optimize.check_grad(f, g, lp) / np.linalg.norm(g(lp)) < 1e-5
    lifetimes = pytest.importorskip("lifetimes")
    peer = lifetimes.GammaGammaFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer.fit(s["frequency"], s["monetary_value"])
    fit = lv.fit_gamma_gamma(published_summary)
    assert fit.p == pytest.approx(peer.params_["p"], rel=1e-3)
    assert fit.q == pytest.approx(peer.params_["q"], rel=1e-3)
    assert fit.gamma == pytest.approx(peer.params_["v"], rel=1e-3)
    want = np.asarray(peer.conditional_expected_average_profit(
        published_summary["frequency"], published_summary["monetary_value"]))
    got = fit.expected_spend(published_summary["frequency"], published_summary["monetary_value"])
    np.testing.assert_allclose(got, want, rtol=2e-3)
    one_timer = fit.expected_spend(0, 0.0)
    assert one_timer == pytest.approx(fit.mean_spend)


def test_gamma_gamma_fallback_for_zero_spend(published_summary):
    s = published_summary.copy()
    repeat = s.index[s["frequency"] > 0][:5]
    s.loc[repeat, "monetary_value"] = 0.0
    fit = lv.fit_gamma_gamma(s)
    assert fit.excluded == 5 and fit.n_customers == 946 - 5
    spend = fit.expected_spend(s["frequency"], s["monetary_value"])
    assert np.isfinite(spend).all() and (spend > 0).all()


def test_gamma_gamma_needs_repeat_buyers():
    with pytest.raises(DataProblem, match="at least 10"):
        lv.fit_gamma_gamma(frequency=[0, 0, 1], monetary_value=[0.0, 0.0, 5.0])
    with pytest.raises(DataProblem, match="negative"):
        lv.fit_gamma_gamma(frequency=[1, 2], monetary_value=[-3.0, 5.0])

