"""Tests for helpers.value.clv: simple CLV, BG/NBD, Gamma-Gamma, CLV, holdout, bad input.

Independent references: closed forms and sums computed here, numerical integration-free
checks (finite-difference gradients, monotonicity), and the ``lifetimes`` package as a peer
(installed for tests only; the helpers never import it).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from helpers.value.clv import DataProblem, FitWarning
from helpers.value import clv as lv
from tests.conftest import shared_file

CDNOW = {"r": 0.242593, "alpha": 4.413532, "a": 0.792886, "b": 2.425752}


@pytest.fixture(scope="module")
def published_summary() -> pd.DataFrame:
    frame = pd.read_csv(shared_file("cdnow", "cdnow_customers_summary_with_transactions.csv"))
    return frame.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
                        ).set_index("ID")


def _fit_from(params: dict[str, float]) -> lv.BGNBDFit:
    return lv.BGNBDFit(**params, loglik=0.0, n_customers=0)


def _synthetic(n: int, seed: int = 0, r=0.5, alpha=5.0, a=0.8, b=2.5, T_max=52.0):
    """Simulate BG/NBD customers (purchase rate, dropout after each purchase)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(T_max / 3, T_max, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    t = np.zeros(n)
    alive = np.ones(n, bool)
    for _ in range(200):
        gap = rng.exponential(1 / np.maximum(lam, 1e-12))
        t_next = t + gap
        buy = alive & (t_next <= T)
        x[buy] += 1
        t_x[buy] = t_next[buy]
        t = np.where(buy, t_next, t)
        alive = buy & (rng.random(n) >= p)
        if not alive.any():
            break
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T})


# ------------------------------------------------------------------------------------------
# simple CLV
# ------------------------------------------------------------------------------------------
def test_simple_clv_closed_form_equals_long_sum():
    m, r, d = 120.0, 0.75, 0.08
    direct = sum(m * r**t / (1 + d) ** t for t in range(1, 2001))
    assert lv.simple_clv(m, r, d) == pytest.approx(direct)
    assert lv.simple_clv(m, r, d, periods=2000) == pytest.approx(direct)
    five = sum(m * r**t / (1 + d) ** t for t in range(1, 6))
    assert lv.simple_clv(m, r, d, periods=5) == pytest.approx(five)
    vec = lv.simple_clv(np.array([100.0, 200.0]), np.array([0.5, 0.9]), 0.1)
    assert vec.tolist() == pytest.approx([100 * 0.5 / 0.6, 200 * 0.9 / 0.2])


@pytest.mark.parametrize("kwargs, match", [
    ({"retention": 1.0}, "retention"),
    ({"retention": -0.1}, "retention"),
    ({"periods": 0}, "horizon"),
    ({"discount_rate": -1.5}, "discount_rate"),
])
def test_simple_clv_bad_input(kwargs, match):
    args = {"margin": 100.0, "retention": 0.8, "discount_rate": 0.1} | kwargs
    with pytest.raises(DataProblem, match=match):
        lv.simple_clv(**args)


def test_period_retention_by_hand():
    tx = pd.DataFrame({"customer_id": ["a", "b", "c", "a", "c", "d"],
                       "purchase_date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-06-01",
                                                        "2025-02-01", "2025-05-01",
                                                        "2025-05-02"]),
                       "amount": [1.0, 1, 1, 1, -1, 1]})
    # previous year: a, b, c; last year: a (c's only purchase is a return), d
    assert lv.period_retention(tx, "2025-12-31") == pytest.approx(1 / 3)
    # a purchase late on the as-of day itself counts
    late = pd.concat([tx, pd.DataFrame({"customer_id": ["b"], "amount": [1.0],
                                        "purchase_date": [pd.Timestamp("2025-12-31 18:30")]})])
    assert lv.period_retention(late, "2025-12-31") == pytest.approx(2 / 3)
    with pytest.raises(DataProblem, match="shorter"):
        lv.period_retention(tx, "2025-12-31", period_days=100)


def test_historical_clv():
    s = pd.DataFrame({"monetary_total": [100.0, 50.0]}, index=["a", "b"])
    assert lv.historical_clv(s, margin=0.3).tolist() == pytest.approx([30.0, 15.0])
    per = pd.Series({"a": 0.5, "b": 0.1})
    assert lv.historical_clv(s, margin=per).tolist() == pytest.approx([50.0, 5.0])


# ------------------------------------------------------------------------------------------
# BG/NBD
# ------------------------------------------------------------------------------------------
def test_gradient_matches_finite_differences():
    s = _synthetic(400, seed=1)
    x, t, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    for lp in (np.log([0.3, 4.0, 0.8, 2.4]), np.log([1.5, 0.5, 3.0, 0.7])):
        def f(p):
            return -lv._bgnbd_terms(p, x, t, T, grad=False)[0].sum()

        def g(p):
            return -lv._bgnbd_terms(p, x, t, T)[1].sum(axis=1)

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
    s = _synthetic(20000, seed=4, r=0.6, alpha=6.0, a=0.9, b=3.0)
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
    s = _synthetic(3000, seed=2)
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
    ours = _fit_from(CDNOW)
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
    fit = _fit_from(CDNOW)
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
    out = _fit_from(CDNOW).predict(published_summary, 39.0)
    assert list(out.columns) == ["p_alive", "expected_purchases"]
    assert out.index.equals(published_summary.index)
    assert out["p_alive"].between(0, 1).all()


# ------------------------------------------------------------------------------------------
# Gamma-Gamma
# ------------------------------------------------------------------------------------------
def test_gamma_gamma_gradient_and_peer(published_summary):
    s = published_summary[published_summary["frequency"] > 0]
    x, m = s["frequency"].to_numpy(float), s["monetary_value"].to_numpy(float)
    lp = np.log([6.0, 3.5, 15.0])

    def f(p):
        return -lv._gg_terms(p, x, m, grad=False)[0].sum()

    def g(p):
        return -lv._gg_terms(p, x, m)[1].sum(axis=1)

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


# ------------------------------------------------------------------------------------------
# CLV over a horizon
# ------------------------------------------------------------------------------------------
def test_clv_against_step_by_step_sum(published_summary):
    s = published_summary
    bg = _fit_from(CDNOW)
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    out = lv.customer_lifetime_value(s, bg, gg, horizon=52.0, step=13.0, discount_rate=0.03,
                                     margin=0.3)
    x, t, T = s["frequency"], s["recency"], s["T"]
    spend = gg.p * (gg.gamma + x * s["monetary_value"]) / (gg.p * x + gg.q - 1)
    total = 0.0
    for i in range(1, 5):
        step = (bg.expected_purchases(13.0 * i, x, t, T)
                - bg.expected_purchases(13.0 * (i - 1), x, t, T))
        total = total + step / 1.03**i
    np.testing.assert_allclose(out["clv"], 0.3 * spend * total, rtol=1e-10)
    np.testing.assert_allclose(out["expected_purchases"], bg.expected_purchases(52.0, x, t, T))
    # an uneven last step is kept
    odd = lv.customer_lifetime_value(s, bg, gg, horizon=50.0, step=13.0, discount_rate=0.0)
    np.testing.assert_allclose(odd["clv"], spend * bg.expected_purchases(50.0, x, t, T))


@pytest.mark.parametrize("kwargs, match", [
    ({"horizon": 0}, "horizon"), ({"horizon": -5}, "horizon"), ({"step": 0}, "step"),
    ({"discount_rate": -2}, "discount_rate")])
def test_clv_bad_horizon(published_summary, kwargs, match):
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    with pytest.raises(DataProblem, match=match):
        lv.customer_lifetime_value(published_summary, _fit_from(CDNOW), gg, **kwargs)


# ------------------------------------------------------------------------------------------
# bad and degenerate input
# ------------------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------
# calibration / holdout, matrices, widget
# ------------------------------------------------------------------------------------------
def test_calibration_holdout_counts_by_hand():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
        "purchase_date": pd.to_datetime(["2025-01-01", "2025-01-10", "2025-02-05", "2025-02-05",
                                         "2025-01-20", "2025-03-15", "2025-02-10"]),
        "amount": [10.0, 20, 5, 5, 7, -7, 3]})
    ch = lv.calibration_holdout(tx, "2025-01-31", "2025-03-31")
    assert sorted(ch.index) == ["a", "b"]                   # c joined in the holdout period
    assert ch.loc["a", "frequency"] == 1 and ch.loc["a", "recency"] == 9
    assert ch.loc["a", "frequency_holdout"] == 1            # two lines on one day = one purchase
    assert ch.loc["b", "frequency_holdout"] == 0            # the return does not count
    assert ch["duration_holdout"].iloc[0] == 59
    with pytest.raises(DataProblem, match="after"):
        lv.calibration_holdout(tx, "2025-03-31", "2025-01-31")


def test_holdout_check_groups():
    fit = _fit_from(CDNOW)
    ch = pd.DataFrame({"frequency": [0, 0, 1, 9], "recency": [0.0, 0, 5, 30],
                       "T": [39.0] * 4, "frequency_holdout": [0, 2, 1, 7],
                       "duration_holdout": [39.0] * 4})
    out = lv.holdout_check(fit, ch, max_frequency=3)
    assert out.loc["0", "customers"] == 2 and out.loc["0", "actual"] == 1.0
    assert out.loc["3+", "actual"] == 7
    assert out.loc["all", "customers"] == 4 and out.loc["all", "actual"] == pytest.approx(2.5)
    assert out.loc["1", "predicted"] == pytest.approx(
        float(fit.expected_purchases(39.0, 1, 5.0, 39.0)))


def test_matrices():
    fit = _fit_from(CDNOW)
    pa = lv.probability_alive_matrix(fit, max_frequency=10, T=39.0, n_recency=14)
    assert pa.shape == (14, 11) and pa.notna().all().all()
    assert (pa[0] == 1).all()
    # for a repeat buyer, a later last purchase means more likely alive
    assert (pa[5].diff().dropna() > 0).all()
    ep = lv.expected_purchases_matrix(fit, 10.0, max_frequency=10, T=39.0)
    assert ep.loc[ep.index.max(), 10] > ep.loc[ep.index.max(), 1]
    with pytest.raises(DataProblem):
        lv.probability_alive_matrix(fit, max_frequency=0)


def test_clv_view_is_the_one_row_clv(published_summary):
    bg = _fit_from(CDNOW)
    gg = lv.GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    row = published_summary.iloc[[0]]
    view = lv.clv_view(bg, gg, *row[["frequency", "recency", "T", "monetary_value"]].iloc[0],
                       horizon=52, step=4.35, discount_rate=0.01)
    full = lv.customer_lifetime_value(row, bg, gg, 52, 4.35, 0.01).iloc[0]
    assert view["clv"] == pytest.approx(full["clv"])
    assert set(view) == {"p_alive", "expected_purchases", "expected_spend", "clv"}


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
