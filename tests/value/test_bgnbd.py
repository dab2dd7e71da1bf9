"""Tests for helpers.value._bgnbd: likelihood, gradient, fit, predictions, bad input.

Independent references: closed forms and sums computed here, finite-difference gradients, and
the ``lifetimes`` package as a peer (installed for tests only; the helpers never import it)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import helpers.value as lv
from helpers.errors import DataProblem
from helpers.value import FitWarning
from helpers.value._bgnbd import _bgnbd_terms
from tests.value.support import CDNOW, fit_from, synthetic


def test_gradient_matches_finite_differences():
    s = synthetic(400, seed=1)
    x, t, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    for lp in (np.log([0.3, 4.0, 0.8, 2.4]), np.log([1.5, 0.5, 3.0, 0.7])):
        def f(p):
            return -_bgnbd_terms(p, x, t, T, grad=False)[0].sum()

        def g(p):
            return -_bgnbd_terms(p, x, t, T)[1].sum(axis=1)

        assert optimize.check_grad(f, g, lp) / np.linalg.norm(g(lp)) < 1e-5


def test_loglik_matches_lifetimes(published_summary):
    lifetimes = pytest.importorskip("lifetimes")
    s = published_summary
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = lifetimes.BetaGeoFitter()
        peer.fit(s["frequency"], s["recency"], s["T"])
    for params in (dict(peer.params_), {"r": 1.2, "alpha": 0.7, "a": 2.0, "b": 0.4}):
        log_params = np.log([params[k] for k in ("r", "alpha", "a", "b")])
        ll_peer = -len(s) * peer._negative_log_likelihood(
            log_params, s["frequency"].to_numpy(float), s["recency"].to_numpy(float),
            s["T"].to_numpy(float), np.ones(len(s)), 0.0)
        assert lv.bgnbd_loglik(params, s) == pytest.approx(ll_peer, rel=1e-10)


def test_fit_recovers_simulated_parameters():
    s = synthetic(20000, seed=4, r=0.6, alpha=6.0, a=0.9, b=3.0)
    fit = lv.fit_bgnbd(s)
    assert fit.converged
    assert fit.r == pytest.approx(0.6, rel=0.15)
    assert fit.alpha == pytest.approx(6.0, rel=0.2)
    assert fit.a == pytest.approx(0.9, rel=0.35)
    assert fit.b == pytest.approx(3.0, rel=0.45)
    # the optimum is a maximum: nudging any parameter lowers the likelihood
    for k in fit.params:
        for f in (0.97, 1.03):
            assert lv.bgnbd_loglik(fit.params | {k: fit.params[k] * f}, s) < fit.loglik


def test_compression_changes_nothing():
    s = synthetic(3000, seed=2)
    s["recency"] = s["recency"].round(0)
    s["T"] = s["T"].round(0)
    s.loc[s["frequency"] == 0, "recency"] = 0.0
    s["recency"] = np.minimum(s["recency"], s["T"])
    fit = lv.fit_bgnbd(s)
    assert fit.extras["distinct_rows"] < len(s)
    assert fit.loglik == pytest.approx(lv.bgnbd_loglik(fit.params, s), rel=1e-12)


def test_predictions_match_lifetimes(published_summary):
    lifetimes = pytest.importorskip("lifetimes")
    s = published_summary
    peer = lifetimes.BetaGeoFitter()
    peer.params_ = pd.Series(CDNOW)
    peer.predict = peer.conditional_expected_number_of_purchases_up_to_time
    ours = fit_from(CDNOW)
    for t in (1.0, 10.0, 39.0, 104.0):
        expected = np.asarray(peer.conditional_expected_number_of_purchases_up_to_time(
            t, s["frequency"], s["recency"], s["T"]))
        got = ours.expected_purchases(t, s["frequency"], s["recency"], s["T"])
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(
        ours.p_alive(s["frequency"], s["recency"], s["T"]),
        np.asarray(peer.conditional_probability_alive(s["frequency"], s["recency"], s["T"])),
        rtol=1e-10)
    ts = np.array([1.0, 13.0, 52.0, 78.0])
    np.testing.assert_allclose(ours.expected_purchases_new(ts),
                               np.asarray(peer.expected_number_of_purchases_up_to_time(ts)),
                               rtol=1e-9)


def test_prediction_properties():
    fit = fit_from(CDNOW)
    t = np.linspace(0, 100, 21)
    e = fit.expected_purchases(t, 3, 20.0, 30.0)
    assert e[0] == 0 and (np.diff(e) > 0).all()
    # more recent last purchase -> more likely alive; frequency 0 -> alive with certainty
    assert fit.p_alive(3, 29.0, 30.0) > fit.p_alive(3, 10.0, 30.0)
    assert fit.p_alive(0, 0.0, 30.0) == 1.0
    # a very frequent buyer who stopped long ago: finite, tiny, no overflow
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert 0 <= fit.expected_purchases(52.0, 300, 1.0, 500.0) < 1e-6
        assert np.isfinite(fit.expected_purchases(52.0, 300, 499.0, 500.0))


def test_predict_frame(published_summary):
    out = fit_from(CDNOW).predict(published_summary, 39.0)
    assert list(out.columns) == ["p_alive", "expected_purchases"]
    assert out.index.equals(published_summary.index)
    assert out["p_alive"].between(0, 1).all()


@pytest.mark.parametrize("frame, match", [
    ({"frequency": [1, 2], "recency": [5.0, 12.0], "T": [10.0, 11.0]}, "greater than T"),
    ({"frequency": [1, -1], "recency": [5.0, 0.0], "T": [10.0, 11.0]}, "negative"),
    ({"frequency": [1.5, 1], "recency": [5.0, 1.0], "T": [10.0, 11.0]}, "whole number"),
    ({"frequency": [0, 1], "recency": [3.0, 1.0], "T": [10.0, 11.0]}, "frequency is 0"),
    ({"frequency": [1, np.nan], "recency": [3.0, 1.0], "T": [10.0, 11.0]}, "missing"),
    ({"frequency": [0, 1], "recency": [0.0, 0.0], "T": [-1.0, 11.0]}, "T .* negative"),
])
def test_bad_summary_is_explained(frame, match):
    with pytest.raises(DataProblem, match=match):
        lv.fit_bgnbd(pd.DataFrame(frame, index=["c1", "c2"]))


def test_bad_summary_names_the_customers():
    frame = pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 12.0], "T": [10.0, 11.0]},
                         index=["ok", "late-one"])
    with pytest.raises(DataProblem, match="late-one"):
        lv.fit_bgnbd(frame)


def test_all_one_time_buyers_is_refused():
    s = pd.DataFrame({"frequency": [0] * 50, "recency": [0.0] * 50, "T": np.linspace(1, 50, 50)})
    with pytest.raises(DataProblem, match="repeat purchases.*historical_clv"):
        lv.fit_bgnbd(s)


def test_non_convergence_is_reported():
    s = pd.DataFrame({"frequency": [1, 0, 0], "recency": [5.0, 0, 0], "T": [10.0, 10, 10]})
    with pytest.warns(FitWarning, match="did not converge"):
        fit = lv.fit_bgnbd(s)
    assert not fit.converged
    with pytest.raises(DataProblem, match="did not converge"):
        lv.fit_bgnbd(s, strict=True)


def test_missing_columns_are_named():
    with pytest.raises(DataProblem, match="'T'"):
        lv.fit_bgnbd(pd.DataFrame({"frequency": [1], "recency": [1.0]}))


def test_expected_purchases_when_a_plus_b_below_one():
    """a + b < 1 makes c = a + b - 1 negative for one-time buyers; lifetimes returns NaN there.

    The reference is the paper's formula with 2F1 summed as its power series.
    """
    r, alpha, a, b = 0.5, 3.0, 0.3, 0.4
    x, T, t = 0, 5.0, 10.0
    z = t / (alpha + T + t)
    A, B, C = r + x, b + x, a + b + x - 1
    series, term = 0.0, 1.0
    for n in range(3000):
        series += term
        term *= (A + n) * (B + n) / ((C + n) * (n + 1)) * z
    want = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * series)
    got = lv.BGNBDFit(r, alpha, a, b, 0.0, 0).expected_purchases(t, x, 0.0, T)
    assert float(got) == pytest.approx(want, rel=1e-9)



def _dying_repeaters(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Half buy once; the others buy many times within a day, then never again (3k customers).

    The dropout parameters run off to infinity: before the fix this fit spent 163 s in the
    Nelder-Mead fallback (``maxiter=20000``) on 2 cores.
    """
    rng = np.random.default_rng(seed)
    x = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 50, n))
    return pd.DataFrame({"frequency": x, "recency": np.where(x > 0, rng.uniform(0, 1, n), 0.0),
                         "T": rng.uniform(30, 400, n)})


def test_a_fit_whose_parameters_run_off_warns_with_a_caveat_and_skips_the_fallback(monkeypatch):
    from helpers.caveats import Caveat
    from helpers.value import _optimise

    methods = []
    real = optimize.minimize

    def counting(*args, **kwargs):
        methods.append(kwargs.get("method"))
        return real(*args, **kwargs)

    monkeypatch.setattr(_optimise.optimize, "minimize", counting)
    with pytest.warns(Caveat, match="did not converge.*ran off to 0 or infinity") as caught:
        fit = lv.fit_bgnbd(_dying_repeaters())
    assert all(issubclass(w.category, FitWarning) for w in caught if "BG/NBD" in str(w.message))
    assert not fit.converged and max(fit.params.values()) > 1e5
    assert methods == ["L-BFGS-B"]  # no derivative-free search along a flat direction
    with pytest.raises(DataProblem, match="did not converge"):
        lv.fit_bgnbd(_dying_repeaters(), strict=True)


def test_gamma_gamma_on_identical_spends_warns_instead_of_searching():
    rng = np.random.default_rng(3)
    with pytest.warns(FitWarning, match="Gamma-Gamma fit: the optimiser did not converge"):
        fit = lv.fit_gamma_gamma(frequency=rng.integers(1, 5, 3000),
                                 monetary_value=np.full(3000, 50.0))
    assert not fit.converged


def test_the_nelder_mead_fallback_stops_at_its_time_budget(monkeypatch):
    from helpers.value import _optimise

    monkeypatch.setattr(_optimise, "FALLBACK_SECONDS", 0.0)
    calls = []

    def wrong_gradient(lp):  # L-BFGS-B fails its line search on a gradient of the wrong sign
        calls.append(1)
        return float(((lp - 1.0) ** 2).sum()), 2 * (lp - 1.0) * -1.0

    with pytest.warns(FitWarning, match="gave up after 0 s"):
        res, ok = _optimise.minimise(wrong_gradient, np.zeros(3), "test fit", strict=False)
    assert not ok and len(calls) < 200  # Nelder-Mead stopped at its first iteration
