"""A/B-test helpers checked against textbook formulas, scipy and simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from helpers.calls import (
    arms_from_calls,
    bayesian_ab,
    power_two_proportions,
    sample_size_per_arm,
    simulate_peeking,
    two_proportion_test,
)


def test_sample_size_agrees_with_arcsine_formula():
    # Cohen's effect size h: n per arm = 2 ((z_a + z_b) / h)^2, an independent approximation.
    for p1, p2 in [(0.10, 0.12), (0.05, 0.07), (0.30, 0.36)]:
        h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
        cohen = 2 * ((stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) / h) ** 2
        assert sample_size_per_arm(p1, p2 - p1) == pytest.approx(cohen, rel=0.01)


def test_sample_size_relative_lift_and_power_round_trip():
    n = sample_size_per_arm(0.12, 0.25, relative=True)
    assert n == sample_size_per_arm(0.12, 0.03)
    assert power_two_proportions(n, 0.12, 0.15) >= 0.8
    assert power_two_proportions(int(n * 0.9), 0.12, 0.15) < 0.8


def test_planned_sample_size_achieves_power_by_simulation():
    rng = np.random.default_rng(1)
    n = sample_size_per_arm(0.10, 0.03)
    a = rng.binomial(n, 0.10, 4000)
    b = rng.binomial(n, 0.13, 4000)
    pooled = (a + b) / (2 * n)
    z = (b - a) / n / np.sqrt(pooled * (1 - pooled) * 2 / n)
    assert np.mean(np.abs(z) > 1.96) == pytest.approx(0.80, abs=0.03)


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5])
def test_sample_size_rejects_rates_outside_zero_one(bad):
    with pytest.raises(ValueError, match="between 0 and 1"):
        sample_size_per_arm(bad, 0.02)


def test_z_test_p_value_equals_chi_square_without_correction():
    res = two_proportion_test(130, 1100, 168, 1080)
    table = [[130, 1100 - 130], [168, 1080 - 168]]
    chi2_p = stats.chi2_contingency(table, correction=False)[1]
    assert res["method"] == "z test"
    assert res["p_value"] == pytest.approx(chi2_p, rel=1e-9)
    assert res["diff"] == pytest.approx(168 / 1080 - 130 / 1100)
    assert res["ci_low"] < res["diff"] < res["ci_high"]


def test_newcombe_interval_covers_the_true_difference():
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(400):
        a, b = rng.binomial(500, 0.1), rng.binomial(500, 0.14)
        r = two_proportion_test(int(a), 500, int(b), 500)
        covered += r["ci_low"] <= 0.04 <= r["ci_high"]
    assert covered / 400 == pytest.approx(0.95, abs=0.03)


def test_zero_conversions_in_one_arm_falls_back_to_fisher():
    res = two_proportion_test(0, 40, 6, 40)
    assert res["method"].startswith("Fisher")
    assert res["p_value"] == pytest.approx(stats.fisher_exact([[6, 34], [0, 40]])[1])
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in res.values() if v is not None)
    assert res["ci_low"] > -1 and res["ci_high"] < 1


def test_no_conversions_anywhere_or_empty_arm_is_a_clear_error():
    with pytest.raises(ValueError, match="no conversions"):
        two_proportion_test(0, 100, 0, 120)
    with pytest.raises(ValueError, match="arm B has no calls"):
        two_proportion_test(3, 100, 0, 0)
    with pytest.raises(ValueError, match="between 0 and the number of calls"):
        two_proportion_test(30, 20, 1, 20)


def test_bayesian_probability_matches_numerical_integration():
    ca, na, cb, nb = 40, 400, 58, 410
    res = bayesian_ab(ca, na, cb, nb, draws=400_000, seed=2)
    a, b = stats.beta(1 + ca, 1 + na - ca), stats.beta(1 + cb, 1 + nb - cb)
    exact = integrate.quad(lambda x: b.pdf(x) * a.cdf(x), 0, 1)[0]  # P(A < B)
    assert res["prob_b_better"] == pytest.approx(exact, abs=0.005)
    assert res["diff_low"] < res["diff_mean"] < res["diff_high"]


def test_peeking_inflates_false_positives():
    res = simulate_peeking(p=0.1, n_per_arm=4000, looks=20, n_sims=3000, seed=5)
    assert res["false_positive_fixed"] == pytest.approx(0.05, abs=0.015)
    assert res["false_positive_peeking"] > 2 * res["false_positive_fixed"]
    shares = res["by_look"]["share_declared_winner"]
    assert shares.is_monotonic_increasing and shares.iloc[-1] == res["false_positive_peeking"]


def test_arms_from_calls_counts_answered_sales_calls_only():
    calls = pd.DataFrame({
        "script_variant": ["A", "A", "B", "B", "B", None, "A"],
        "answered": [True, True, True, True, False, True, True],
        "outcome": ["sale", "refused", "sale", "sale", "no_answer", "sale", "sale"],
        "purpose": ["sales"] * 6 + ["collection"],
    })
    arms = arms_from_calls(calls)
    assert arms.to_dict("list") == {"variant": ["A", "B"], "calls": [2, 2],
                                    "conversions": [1, 2], "rate": [0.5, 1.0]}
    with pytest.raises(ValueError, match="script_variant"):
        arms_from_calls(calls.drop(columns="script_variant"))
    with pytest.raises(ValueError, match="nothing to test"):
        arms_from_calls(calls, purpose="service")
    # no variant column at all: one arm "all", the log's own base rate (answered sales calls)
    base = arms_from_calls(calls.drop(columns="script_variant"), variant_col=None)
    assert base.to_dict("list") == {"variant": ["all"], "calls": [5], "conversions": [4],
                                    "rate": [0.8]}
    assert "_arm" not in calls.columns  # the caller's frame is untouched


def test_documented_example_values():
    res = two_proportion_test(120, 1000, 150, 1000)
    assert res["p_value"] == pytest.approx(0.0496, abs=5e-5) and res["significant"]
    assert isinstance(res["ci_low"], float) and isinstance(res["ci_high"], float)
