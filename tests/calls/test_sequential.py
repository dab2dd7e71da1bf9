"""Alpha-spending boundaries for looking at a running A/B test: helpers/calls/_sequential."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.calls import (
    plot_sequential,
    sequential_looks,
    simulate_sequential,
    spending_boundaries,
    spent_alpha,
)
from helpers.errors import DataProblem

# Lan-DeMets boundaries for 5 equally spaced looks, two-sided alpha 0.05 (0.025 each side), as
# published in the ldbounds / gsDesign documentation and Jennison & Turnbull's tables.
PUBLISHED = {"obrien_fleming": [4.8769, 3.3569, 2.6803, 2.2898, 2.0310],
             "pocock": [2.4380, 2.4268, 2.4101, 2.3966, 2.3859]}


@pytest.mark.parametrize("spending", list(PUBLISHED))
def test_boundaries_match_the_published_tables(spending):
    b = spending_boundaries(5, 0.05, spending)
    assert b["z_boundary"].to_numpy() == pytest.approx(PUBLISHED[spending], abs=2e-4)
    assert b["alpha_spent"].iloc[-1] == pytest.approx(0.05)
    assert b["alpha_look"].sum() == pytest.approx(0.05)


def test_one_look_is_the_fixed_test_and_spending_grows():
    assert spending_boundaries(1)["z_boundary"].item() == pytest.approx(1.959964, abs=1e-6)
    spent = spent_alpha(np.linspace(0.05, 1, 20))
    assert (np.diff(spent) > 0).all() and spent[-1] == pytest.approx(0.05)


def test_crossing_probabilities_equal_the_alpha_spent_on_brownian_paths():
    # the boundaries' defining property, checked on simulated score paths (unequal looks)
    info = np.array([0.15, 0.4, 0.55, 0.8, 1.0])
    b = spending_boundaries(info, 0.05)
    rng = np.random.default_rng(3)
    sims = 400_000
    w = (rng.standard_normal((sims, len(info))) * np.sqrt(np.diff(info, prepend=0))).cumsum(1)
    crossed = np.maximum.accumulate(np.abs(w / np.sqrt(info)) > b["z_boundary"].to_numpy(), 1)
    tol = 4 * np.sqrt(0.05 * 0.95 / sims)
    assert crossed.mean(0) == pytest.approx(b["alpha_spent"].to_numpy(), abs=tol)


@pytest.mark.parametrize("spending", ["obrien_fleming", "pocock"])
def test_alpha_spending_keeps_false_winners_at_alpha_while_peeking_does_not(spending):
    sims = 4000
    sim = simulate_sequential(p=0.1, n_per_arm=2000, looks=20, n_sims=sims, spending=spending,
                              seed=11)
    mc = 3 * np.sqrt(0.05 * 0.95 / sims)
    assert sim["spending"] <= 0.05 + mc
    assert sim["peeking"] > 0.05 + 5 * mc      # the peeking demonstration: far above 5 %
    assert sim["fixed"] == pytest.approx(0.05, abs=mc)


def test_alpha_spending_keeps_most_of_the_power():
    sim = simulate_sequential(p=0.1, n_per_arm=4000, looks=10, n_sims=3000, lift=0.02, seed=5)
    assert sim["spending"] >= sim["fixed"] - 0.05
    assert sim["spending"] > 0.7


def test_sequential_looks_judge_a_running_test():
    looks = pd.DataFrame({"n_a": [400, 800, 1200, 1600], "conv_a": [40, 80, 120, 160],
                          "n_b": [400, 800, 1200, 1600], "conv_b": [62, 104, 150, 190]})
    out = sequential_looks(looks, planned_per_arm=1600)
    assert out["information"].tolist() == [0.25, 0.5, 0.75, 1.0]
    z = (62 / 400 - 40 / 400) / np.sqrt(0.1275 * 0.8725 * 2 / 400)
    assert out["z"].iloc[0] == pytest.approx(z)
    assert out["naive_significant"].iloc[0] and not out["stop"].iloc[0]   # peeking would stop
    assert out["z_boundary"].is_monotonic_decreasing
    assert out["stop"].tolist() == list(np.maximum.accumulate(np.abs(out["z"])
                                                              > out["z_boundary"]))
    assert stats.norm.sf(out["z_boundary"].iloc[0]) < 0.005


def test_bad_looks_are_a_data_problem():
    looks = pd.DataFrame({"n_a": [800, 400], "conv_a": [80, 40], "n_b": [800, 400],
                          "conv_b": [90, 45]})
    with pytest.raises(DataProblem, match="grow from look to look"):
        sequential_looks(looks, 1000)
    with pytest.raises(DataProblem, match="conv_b"):
        sequential_looks(looks.drop(columns="conv_b"), 1000)
    with pytest.raises(DataProblem, match="information fractions must increase"):
        spending_boundaries([0.5, 0.4, 1.0])
    with pytest.raises(DataProblem, match="looks"):
        simulate_sequential(n_per_arm=5, looks=10)


def test_plot_sequential_draws_the_boundary_the_naive_line_and_the_path():
    looks = pd.DataFrame({"n_a": [500, 1000], "conv_a": [50, 100], "n_b": [500, 1000],
                          "conv_b": [70, 135]})
    ax = plot_sequential(sequential_looks(looks, 1000))
    assert len(ax.lines) == 3 and ax.get_xlabel() == "share of the planned calls"
    assert len(plot_sequential(spending_boundaries(4)).lines) == 2
    with pytest.raises(DataProblem, match="z_boundary"):
        plot_sequential(looks)
