"""Tests for helpers.value._diagnostic_plots: each plot draws its table into the given axes."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import helpers.value as lv
from helpers.errors import DataProblem
from tests.value.support import CDNOW, fit_from
from tests.value.test_sbg import REGULAR


@pytest.fixture()
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def calhold(cdnow_sample_transactions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lv.calibration_holdout(cdnow_sample_transactions, "1997-09-30", "1998-06-30",
                                      freq="D", freq_multiplier=7)


def test_plot_period_transactions(ax, published_summary):
    table = lv.period_transactions(fit_from(CDNOW), published_summary)
    assert lv.plot_period_transactions(table, ax=ax) is ax
    assert len(ax.patches) == 2 * len(table)
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "7+"
    assert "chi-square" in ax.get_title()
    with pytest.raises(DataProblem, match="period_transactions"):
        lv.plot_period_transactions(pd.DataFrame({"a": [1]}))


def test_plot_tracking_and_accuracy(ax, calhold, cdnow_sample_transactions):
    fit = lv.fit_bgnbd(calhold)
    table = lv.tracking(fit, calhold, cdnow_sample_transactions, "1998-06-30")
    lv.plot_tracking(table, ax=ax)
    assert len(ax.lines) == 3            # actual, model, end of calibration
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table["cumulative_actual"])
    fig2, ax2 = plt.subplots()
    lv.plot_tracking(table, cumulative=False, ax=ax2)
    np.testing.assert_allclose(ax2.lines[1].get_ydata(), table["expected"])
    plt.close(fig2)
    fig3, ax3 = plt.subplots()
    acc = lv.holdout_accuracy(fit, calhold)
    assert lv.plot_holdout_accuracy(acc, ax=ax3) is ax3
    assert len(ax3.lines[0].get_xdata()) == 10 and "MAE" in ax3.get_title()
    plt.close(fig3)
    with pytest.raises(DataProblem, match="tracking"):
        lv.plot_tracking(pd.DataFrame({"a": [1]}))
    with pytest.raises(DataProblem, match="holdout_accuracy"):
        lv.plot_holdout_accuracy(pd.DataFrame({"a": [1]}))


def test_plot_survival_check():
    fit = lv.fit_sbg(REGULAR[:5])
    fig, ax = plt.subplots()
    out = lv.plot_survival_check(lv.survival_check(fit, REGULAR, periods=10), ax=ax)
    assert out is ax and len(ax.lines) == 2
    assert len(ax.lines[1].get_xdata()) == 11
    plt.close(fig)
    with pytest.raises(DataProblem, match="survival_check"):
        lv.plot_survival_check(pd.DataFrame({"x": [1]}))
