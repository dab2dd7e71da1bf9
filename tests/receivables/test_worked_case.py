"""Tests for helpers.receivables._worked_case: tailored plays against one approach for all."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from matplotlib.axes import Axes

import helpers.receivables as rc

matplotlib.use("Agg")


def test_worked_case_by_hand():
    playbook = rc.load_collection_playbook()
    acc = pd.DataFrame({"customer_id": ["a", "b", "c"], "balance": [1000.0, 2000.0, 500.0],
                        "p_pay_30d": [0.2, 0.5, 0.9],
                        "stage": ["M1", "M1", "M0"],
                        "customer_type": ["negative", "lapsed", "negative"]})
    case = rc.worked_case(acc, playbook)
    base = playbook.play("M1", "cooperative").uplift
    neg = playbook.play("M1", "negative").uplift
    assert set(case.index) == {"negative", "lapsed"}  # M0 is not overdue
    assert case.loc["negative", "expected_strategy"] == pytest.approx(1000 * (0.2 + neg * 0.8))
    assert case.loc["negative", "expected_baseline"] == pytest.approx(1000 * (0.2 + base * 0.8))
    assert case["share_of_overdue"].sum() == pytest.approx(1.0)
    assert (case["gain"] > 0).all()
    assert isinstance(rc.plot_worked_case(case), Axes)
    with pytest.raises(rc.DataProblem, match="p_pay_30d"):
        rc.worked_case(acc.drop(columns="p_pay_30d"), playbook)


def test_style_worked_case_shows_shares_as_percentages():
    """``case.round(0)`` showed every share as 0.0; the styled table shows 66.7% and 33.3%."""
    playbook = rc.load_collection_playbook()
    acc = pd.DataFrame({"customer_id": ["a", "b"], "balance": [1000.0, 2000.0],
                        "p_pay_30d": [0.2, 0.5], "stage": ["M1", "M2"],
                        "customer_type": ["negative", "lapsed"]})
    case = rc.worked_case(acc, playbook)
    html = rc.style_worked_case(case).to_html()
    assert "66.7%" in html and "33.3%" in html and "2,000" in html
    assert rc.style_worked_case(case).data is case  # the numbers underneath are unchanged
    with pytest.raises(rc.DataProblem, match="share_of_overdue"):
        rc.style_worked_case(case.drop(columns="share_of_overdue"))
