"""Tests for helpers.value._matrices: P(alive) and expected-purchase grids."""

from __future__ import annotations

import pytest

import helpers.value as lv
from helpers.errors import DataProblem
from tests.value.support import CDNOW, fit_from


def test_matrices():
    fit = fit_from(CDNOW)
    pa = lv.probability_alive_matrix(fit, max_frequency=10, T=39.0, n_recency=14)
    assert pa.shape == (14, 11) and pa.notna().all().all()
    assert (pa[0] == 1).all()
    # for a repeat buyer, a later last purchase means more likely alive
    assert (pa[5].diff().dropna() > 0).all()
    ep = lv.expected_purchases_matrix(fit, 10.0, max_frequency=10, T=39.0)
    assert ep.loc[ep.index.max(), 10] > ep.loc[ep.index.max(), 1]
    with pytest.raises(DataProblem):
        lv.probability_alive_matrix(fit, max_frequency=0)

