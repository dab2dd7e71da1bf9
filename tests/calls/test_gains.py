"""Gains, lift, calibration and the capacity view, against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.calls import calibration_table, capacity_view, gains_table


def test_gains_table_against_plain_pandas():
    rng = np.random.default_rng(0)
    score = rng.random(1000)
    y = rng.random(1000) < score * 0.3
    g = gains_table(y, score, bins=10)
    top = pd.DataFrame({"y": y, "s": score}).sort_values("s", ascending=False).head(100)
    assert g.loc[0, "conversions"] == top["y"].sum() and g["leads"].sum() == 1000
    assert g["capture"].iloc[-1] == pytest.approx(1.0)
    assert g.loc[0, "lift"] == pytest.approx(top["y"].mean() / y.mean())
    assert g["cum_lift"].iloc[-1] == pytest.approx(1.0)
    assert g.loc[0, "lift"] > g.loc[9, "lift"]


def test_gains_and_calibration_bad_input():
    with pytest.raises(ValueError, match="no conversions"):
        gains_table(np.zeros(20), np.arange(20.0))
    with pytest.raises(ValueError, match="empty values"):
        gains_table([1, 0, np.nan] * 5, np.arange(15.0), bins=5)
    with pytest.raises(ValueError, match="equal-length"):
        calibration_table([1, 0], [0.5])
    with pytest.raises(ValueError, match="cannot be cut into 10 groups"):
        gains_table([1, 0, 1], [0.3, 0.2, 0.1])


def test_calibration_of_true_probabilities_is_close():
    rng = np.random.default_rng(11)
    p = rng.beta(2, 8, 6000)
    cal = calibration_table(rng.random(6000) < p, p, bins=5)
    assert (cal["predicted"] - cal["observed"]).abs().max() < 0.04


def test_capacity_view_and_capacity_larger_than_list():
    scored = pd.DataFrame({"id": list("abcde"), "score": [0.9, 0.1, 0.5, 0.3, 0.2],
                           "converted": [1, 0, 1, 0, 0]})
    v = capacity_view(scored, 2, target="converted")
    assert list(v["called"]["id"]) == ["a", "c"] and v["expected_conversions"] == pytest.approx(
        1.4)
    assert v["random_expected"] == pytest.approx(0.4 * 2) and v["observed_conversions"] == 2
    big = capacity_view(scored, 50)
    assert big["capped"] and big["n_called"] == 5 and "observed_conversions" not in big
    with pytest.raises(ValueError, match="positive"):
        capacity_view(scored, 0)
