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
    shown = rc.style_worked_case(case).data  # the numbers underneath are unchanged
    assert shown.to_numpy().tolist() == case.to_numpy().tolist()
    assert list(shown.columns) == list(case.columns)  # English edition: the same labels
    with pytest.raises(rc.DataProblem, match="share_of_overdue"):
        rc.style_worked_case(case.drop(columns="share_of_overdue"))


def test_negative_or_lapsed_counts_overdue_customers_and_their_balance():
    """The worked case's question, moved out of notebook 10: customers past M0 who are
    negative-attitude or lapsed, and their share of the overdue balance; unknown attributes
    count as neither and are named; nothing to count gives None."""
    acc = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                        "stage": ["M1", "M2", "M0", "M3", "M3+"],
                        "balance": [100.0, 300.0, 50.0, 200.0, 400.0]})
    att = pd.DataFrame({"attitude": ["negative", None, "negative", None, "cooperative"],
                        "lifecycle": ["active", "active", "lapsed", "lapsed", "active"]},
                       index=["a", "b", "c", "d", "e"])
    got = rc.negative_or_lapsed(acc, att)
    assert got.overdue_customers == 4 and got.unknown == ()
    assert got.customers_share == pytest.approx(2 / 4)          # a (negative), d (lapsed)
    assert got.balance_share == pytest.approx(300 / 1000)       # c is M0: not overdue
    no_attitude = rc.negative_or_lapsed(acc, att.assign(attitude=None))
    assert no_attitude.unknown == ("attitude",) and no_attitude.customers_share == 0.25
    nothing = rc.negative_or_lapsed(acc, att.assign(attitude=None, lifecycle=None))
    assert nothing.balance_share is None and nothing.customers_share is None
    assert rc.negative_or_lapsed(acc[acc["stage"] == "M0"], att).overdue_customers == 0
    with pytest.raises(rc.DataProblem, match="lifecycle"):
        rc.negative_or_lapsed(acc, att.drop(columns="lifecycle"))
