"""Unit tests for helpers.caveats: the check functions and the warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from helpers.caveats import AUC_CHANCE, AUC_LEAK, Caveat, all_equal, auc_caveat, caveat, too_short


def test_caveat_is_a_user_warning_and_warns_only_with_a_message():
    assert issubclass(Caveat, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert caveat(None) is False              # no message: no warning at all
    with pytest.warns(Caveat, match="^something odd$"):
        assert caveat("something odd") is True


def test_caveat_points_at_the_caller_of_the_helper():
    def helper() -> int:
        caveat("odd")
        return 1

    with pytest.warns(Caveat) as record:
        assert helper() == 1                      # the result still comes back
    assert record[0].filename == __file__ and record[0].lineno != helper.__code__.co_firstlineno


def test_all_equal():
    msg = all_equal([0.5, 0.5, 0.5], "look-alike scores", fix="choose other columns.")
    assert msg is not None and msg.startswith("all 3 look-alike scores are equal (0.5)")
    assert msg.endswith("choose other columns.")
    assert all_equal(np.array([1.0, 1.0 + 1e-15, np.nan]), "scores") is not None  # float noise
    assert all_equal([1.0, 1.001], "scores") is None
    assert all_equal([1.0], "scores") is None                  # one value: nothing to rank
    assert all_equal([], "scores") is None
    assert all_equal([np.nan, np.nan], "scores") is None


def test_too_short():
    msg = too_short(9, 365, "the prior period", fix="use a shorter period.")
    assert msg is not None and "only 9 days (at least 365 needed)" in msg
    assert msg.endswith("use a shorter period.")
    assert too_short(365, 365, "the prior period") is None
    assert too_short(364.5, 365, "x") is not None


@pytest.mark.parametrize(("auc", "match"), [
    (0.5, "no better than chance"), (0.3, "no better than chance"),
    (AUC_CHANCE - 0.001, "no better than chance"),
    (0.99, "check for a leak"), (1.0, "check for a leak"), (AUC_LEAK + 0.001, "leak"),
])
def test_auc_caveat_flags_chance_and_leaks(auc, match):
    msg = auc_caveat(auc, "pay model AUC")
    assert msg is not None and msg.startswith("pay model AUC") and match in msg


@pytest.mark.parametrize("auc", [AUC_CHANCE, 0.7, 0.9, AUC_LEAK, float("nan")])
def test_auc_caveat_is_silent_for_plausible_or_unknown_auc(auc):
    assert auc_caveat(auc) is None
