"""Unit tests for helpers.segments._cohorts: the cohort retention table and its heat map."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.segments import cohort_retention, plot_cohorts
from tests.segments._data import random_tx, tx


def test_cohort_retention_by_hand():
    frame = tx([("a", "2025-01-03", 1), ("a", "2025-02-10", 1), ("b", "2025-01-20", 1),
                ("b", "2025-03-01", 1), ("c", "2025-02-02", 1), ("c", "2025-02-25", -1)])
    table = cohort_retention(frame)
    assert table.loc[pd.Period("2025-01", "M"), "size"] == 2
    assert table.loc[pd.Period("2025-01", "M"), 1] == 0.5
    assert table.loc[pd.Period("2025-01", "M"), 2] == 0.5
    assert table.loc[pd.Period("2025-02", "M"), 0] == 1.0
    assert table.loc[pd.Period("2025-02", "M"), 1] == 0.0
    assert np.isnan(table.loc[pd.Period("2025-02", "M"), 2])  # not observed yet
    assert list(cohort_retention(frame, max_months=1).columns) == ["size", 0, 1]


def test_no_purchase_is_a_clear_error():
    with pytest.raises(DataProblem, match="no purchase to build cohorts from"):
        cohort_retention(tx([("a", "2025-01-03", -1)]))


def test_plot_cohorts_draws_every_cohort():
    table = cohort_retention(random_tx(9))
    ax = plot_cohorts(table, max_months=6)
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(p) for p in table.index]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(i) for i in range(7)]
    plt.close("all")
