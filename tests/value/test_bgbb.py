"""Tests for helpers.value._bgbb: Fader, Hardie & Shang (2010)'s donation data and figures,
lifetimes' BetaGeoBetaBinomFitter as the peer, simulation and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.errors import DataProblem
from tests.value.simulate_models import bgbb

#: The 1995 cohort of donors to a US charity: (frequency, recency, customers) over 6 yearly
#: opportunities, 11,104 donors (Fader, Hardie & Shang 2010, Table 1; lifetimes' donations).
DONATIONS = pd.DataFrame(
    [(0, 0, 3464), (1, 1, 1091), (1, 2, 277), (1, 3, 129), (1, 4, 78), (1, 5, 119),
     (1, 6, 129), (2, 2, 613), (2, 3, 255), (2, 4, 155), (2, 5, 173), (2, 6, 234),
     (3, 3, 322), (3, 4, 181), (3, 5, 225), (3, 6, 357), (4, 4, 240), (4, 5, 284),
     (4, 6, 512), (5, 5, 335), (5, 6, 728), (6, 6, 1203)],
    columns=["frequency", "recency", "weights"]).assign(n_periods=6)
#: FHS 2010: the maximum-likelihood estimates and log-likelihood on that table.
PUBLISHED = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
PUBLISHED_LL = -33225.6


@pytest.fixture(scope="module")
def fit():
    return lv.fit_bgbb(DONATIONS, weights="weights")


def test_reproduces_fader_hardie_shang_2010(fit):
    assert fit.converged and fit.n_customers == 11104
    assert {k: round(v, 3) for k, v in fit.params.items()} == PUBLISHED
    assert round(fit.loglik, 1) == PUBLISHED_LL


def test_the_table_is_lifetimes_donations_data():
    datasets = pytest.importorskip("lifetimes.datasets",
                                   reason="lifetimes' datasets need setuptools < 82")
    theirs = datasets.load_donations()
    np.testing.assert_array_equal(theirs[["frequency", "recency", "weights"]].to_numpy(),
                                  DONATIONS[["frequency", "recency", "weights"]].to_numpy())


@pytest.fixture(scope="module")
def peer():
    lifetimes = pytest.importorskip("lifetimes")
    d = DONATIONS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = lifetimes.BetaGeoBetaBinomFitter()
        fitter.fit(d["frequency"], d["recency"], d["n_periods"], weights=d["weights"])
    return fitter


def test_fit_and_likelihood_match_lifetimes(fit, peer):
    d = DONATIONS
    for k, v in peer.params_.items():
        assert fit.params[k] == pytest.approx(v, rel=1e-5), k
    cols = [d[c].to_numpy(float) for c in ("frequency", "recency", "n_periods", "weights")]
    for params in (dict(peer.params_), {"alpha": 0.5, "beta": 2.0, "gamma": 3.0, "delta": 0.4}):
        want = -peer._negative_log_likelihood(np.log(list(params.values())), *cols) * 11104
        # lifetimes adds 1e-15 inside a log: agreement to 1e-9 relative
        assert lv.bgbb_loglik(params, d, weights="weights") == pytest.approx(want, rel=1e-9)


def test_predictions_match_lifetimes(fit, peer):
    d = DONATIONS
    ours = lv.BGBBFit(**dict(peer.params_), loglik=0.0, n_customers=0)
    x, t_x, n = d["frequency"], d["recency"], d["n_periods"]
    np.testing.assert_allclose(ours.p_alive(x, t_x, n),
                               peer.conditional_probability_alive(0, x, t_x, n), rtol=1e-9)
    for m in (1, 5, 10):
        np.testing.assert_allclose(
            ours.expected_purchases(m, x, t_x, n),
            peer.conditional_expected_number_of_purchases_up_to_time(m, x, t_x, n), rtol=1e-9)
    table = peer.expected_number_of_transactions_in_first_n_periods(6)["model"] / 11104
    np.testing.assert_allclose(ours.purchase_count_probability(np.arange(7), 6),
                               table.to_numpy(), rtol=1e-9)


def test_count_probabilities_are_a_distribution_with_the_right_mean(fit):
    for n in (1, 6, 11):
        p = fit.purchase_count_probability(np.arange(n + 1), n)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert (np.arange(n + 1) * p).sum() == pytest.approx(
            float(fit.expected_purchases_new(n)), rel=1e-10)


def test_fit_recovers_simulated_parameters():
    truth = {"alpha": 1.2, "beta": 0.75, "gamma": 0.66, "delta": 2.8}
    sim = bgbb(60000, **truth, n_periods=8, seed=2)
    fit = lv.fit_bgbb(sim)
    assert fit.converged and fit.extras["distinct_rows"] <= 45
    for k, v in truth.items():
        assert fit.params[k] == pytest.approx(v, rel=0.15), k


def test_simulation_matches_the_count_probabilities():
    truth = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
    sim = bgbb(200000, **truth, seed=3)
    ours = lv.BGBBFit(**truth, loglik=0.0, n_customers=0)
    observed = np.bincount(sim["frequency"], minlength=7) / len(sim)
    np.testing.assert_allclose(observed, ours.purchase_count_probability(np.arange(7), 6),
                               atol=4e-3)


def test_p_alive_and_expectations_behave(fit):
    assert float(fit.p_alive(3, 6, 6)) == pytest.approx(1.0)
    assert fit.p_alive(3, 3, 6) < fit.p_alive(3, 5, 6)
    e = fit.expected_purchases(np.arange(0, 12), 4, 6, 6)
    assert e[0] == 0 and (np.diff(e) > 0).all()
    with pytest.raises(DataProblem, match="0 or more"):
        fit.expected_purchases(-1, 4, 6, 6)


@pytest.mark.parametrize("frame, match", [
    ({"frequency": [1.5], "recency": [2], "n_periods": [6]}, "whole number"),
    ({"frequency": [2], "recency": [7], "n_periods": [6]}, "after the last opportunity"),
    ({"frequency": [3], "recency": [2], "n_periods": [6]}, "frequency is above recency"),
    ({"frequency": [0], "recency": [2], "n_periods": [6]}, "recency is not 0"),
])
def test_bad_summary_is_explained(frame, match):
    good = DONATIONS.drop(columns="weights")
    with pytest.raises(DataProblem, match=match):
        lv.fit_bgbb(pd.concat([good, pd.DataFrame(frame)], ignore_index=True))


def test_missing_column_is_named():
    with pytest.raises(DataProblem, match="'n_periods'"):
        lv.fit_bgbb(DONATIONS.drop(columns="n_periods"))
