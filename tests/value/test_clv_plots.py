"""Tests for helpers.value._clv_plots: CLV distribution, holdout check, matrices, segments."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.errors import DataProblem
from tests.value.support import CDNOW, fit_from


@pytest.fixture()
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_clv_distribution_clips_the_tail(ax):
    values = pd.Series(np.r_[np.arange(99.0), 1e6], name="historical_clv")
    out = lv.plot_clv_distribution(values, ax=ax, clip_quantile=0.99, bins=10)
    assert out is ax and ax.get_title() == "CLV (top 1% clipped)"
    assert ax.get_xlabel() == "historical_clv"
    assert sum(p.get_height() for p in ax.patches) == 100
    assert max(p.get_x() + p.get_width() for p in ax.patches) < 1e6    # the outlier is clipped
    with pytest.raises(DataProblem, match="clip_quantile"):
        lv.plot_clv_distribution(values, clip_quantile=0)


def test_plot_matrix_is_a_heat_map_with_recent_buyers_on_top(ax):
    matrix = lv.probability_alive_matrix(fit_from(CDNOW), max_frequency=10, T=39.0, n_recency=14)
    lv.plot_matrix(matrix, ax=ax, title="P(alive)")
    assert ax.get_title() == "P(alive)" and ax.get_xlabel().startswith("frequency")
    (mesh,) = ax.collections
    shown = np.asarray(mesh.get_array()).reshape(matrix.shape)
    np.testing.assert_allclose(shown, matrix.iloc[::-1].to_numpy())
    assert ax.get_yticklabels()[0].get_text() == "39"


def test_plot_holdout_check_and_segments(ax):
    table = pd.DataFrame({"customers": [3, 2, 5], "actual": [0.1, 0.8, 0.4],
                          "predicted": [0.2, 0.7, 0.4]}, index=["0", "1+", "all"])
    lv.plot_holdout_check(table, ax=ax)
    assert [line.get_label() for line in ax.get_lines()] == ["actual", "BG/NBD predicted"]
    clv = pd.Series([1.0, 2, 3, 10, 20, 30], index=list("abcdef"))
    seg = pd.Series(["low", "low", "low", "top", "top"], index=list("abcde"))
    other = lv.plot_clv_by_segment(clv, seg)
    # ordered by median CLV: (none) 30, top 15, low 2
    assert [t.get_text() for t in other.get_xticklabels()] == ["(none)", "top", "low"]
    plt.close("all")
