"""Exercises of lessons 08-11: right answers pass, each planted mistake gets its own hint, every
option of a choice has feedback, and predictions compare with what the data show.

The data are small tables built by hand, so every expected figure here is worked out on paper.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.calls import load_kpi_config
from helpers.exercises import check, registered
from helpers.i18n import using_language
from helpers.receivables import load_collection_playbook, work_queue

# --- lesson 08 -----------------------------------------------------------------------------

#: 100 sales calls per variant, 80 answered; A sells 8 (10 % of answered), B 12 (15 %).
CALLS = pd.DataFrame({
    "script_variant": ["A"] * 100 + ["B"] * 100,
    "answered": ([True] * 80 + [False] * 20) * 2,
    "outcome": (["sale"] * 8 + ["refused"] * 92) + (["sale"] * 12 + ["refused"] * 88),
    "purpose": "sales",
})


def test_08_1_difference_and_its_mistakes():
    assert check("08.1", 0.05, calls=CALLS)
    assert check("08.1", 5.0, calls=CALLS).mistake == "percent"
    # per dialled call: 12/100 - 8/100 = 0.04
    assert check("08.1", 0.04, calls=CALLS).mistake == "all calls"
    assert check("08.1", -0.05, calls=CALLS).mistake == "A minus B"
    wrong = check("08.1", pd.DataFrame({"x": [1]}), calls=CALLS)
    assert wrong.layer == "type"


def test_08_3_relative_lift_is_recognised():
    assert check("08.3", registered("08.3").expected(p_base=0.12, min_lift=0.02),
                 p_base=0.12, min_lift=0.02)
    from helpers.calls import sample_size_per_arm
    relative = sample_size_per_arm(0.12, 0.0024)
    assert check("08.3", relative, p_base=0.12, min_lift=0.02).mistake == "relative lift"


def test_08_4_single_low_days_are_a_named_mistake():
    config = load_kpi_config()
    days = pd.date_range("2025-06-01", periods=8, freq="D")
    conv = [0.2, 0.05, 0.2, 0.05, 0.05, 0.05, 0.2, 0.2]
    daily = pd.DataFrame({"date": days, "answered": 100, "conversion": conv, "contact_rate": 0.5})
    right = ["2025-06-04", "2025-06-05", "2025-06-06"]
    assert check("08.4", right, daily=daily, config=config)
    every = ["2025-06-02", *right]
    assert check("08.4", every, daily=daily, config=config).mistake == "single low days"


def test_08_5_reading_follows_the_interval():
    # 80 answered each, 8 vs 12 sales: the interval of +5 points includes zero
    result = check("08.5", "c", calls=CALLS, prob_b_better=0.82)
    assert result and "contains 0" in result.message
    for wrong in "abd":
        out = check("08.5", wrong, calls=CALLS, prob_b_better=0.82)
        assert not out and out.message.count("interval") >= 1, wrong
    # a large test with the same rates: the interval excludes zero, so "d" is right
    big = pd.concat([CALLS] * 40, ignore_index=True)
    assert check("08.5", "d", calls=big, prob_b_better=0.999)
    assert not check("08.5", "c", calls=big, prob_b_better=0.999)
    assert check("08.5", "e", calls=CALLS, prob_b_better=0.8).layer == "option"


def test_08_5_feedback_built_from_the_data_speaks_the_edition():
    english = check("08.5", "c", calls=CALLS, prob_b_better=0.82, min_lift=0.03).message
    assert "contains 0 and P(B better) = 82%" in english
    with using_language("zh"):
        chinese = check("08.5", "c", calls=CALLS, prob_b_better=0.82, min_lift=0.03).message
        wrong = check("08.5", "a", calls=CALLS, prob_b_better=0.82).message
    assert "包含 0，且 P(B 更好) = 82%" in chinese and "contains" not in chinese
    assert "“肯定”说得太重了" in wrong
    # the same check in English afterwards is unchanged
    assert check("08.5", "c", calls=CALLS, prob_b_better=0.82, min_lift=0.03).message == english


@pytest.mark.parametrize(("rate", "label"), [(0.06, "same"), (0.10, "double"),
                                             (0.25, "triple or more")])
def test_08_6_prediction_bands(rate, label):
    peek = {"false_positive_peeking": rate}
    assert check("08.6", label, peek=peek, alpha=0.05)
    wrong = next(x for x in ("same", "double", "triple or more") if x != label)
    assert "not what happened" in check("08.6", wrong, peek=peek, alpha=0.05).message


def test_08_7_every_option_has_feedback():
    ex = registered("08.7")
    assert len(ex.options) == 4 and all(ex.options.values())
    assert check("08.7", "Effective talk minutes per agent-day")
    assert "rises" in check("08.7", "contact rate").message


# --- lesson 09 -----------------------------------------------------------------------------

#: Three customers: c1 one invoice not yet due and one 45 days late; c2 one 10 days late;
#: c3 one not yet due. Balance 1,000 total; past 30 days: 300 (c1's late invoice).
ITEMS = pd.DataFrame({"customer_id": ["c1", "c1", "c2", "c3"],
                      "days_past_due": [-5, 45, 10, 0], "balance": [200.0, 300.0, 100.0, 400.0]})


def test_09_1_share_m2_or_worse_and_its_mistakes():
    assert check("09.1", 0.3, items=ITEMS)
    assert check("09.1", 30.0, items=ITEMS).mistake == "percent"
    assert check("09.1", 0.4, items=ITEMS).mistake == "M1 included"
    assert check("09.1", 0.75, items=ITEMS).mistake == "overdue only"


def test_09_5_customers_overdue_catches_m0_as_overdue():
    assert check("09.5", 2 / 3, items=ITEMS)  # c1 and c2; day 0 is not yet due
    m0 = check("09.5", 1.0, items=ITEMS)
    assert m0.mistake == "M0 counted" and "not yet due" in m0.message
    assert check("09.5", 0.5, items=ITEMS).mistake == "invoices"
    assert check("09.5", 0.4, items=ITEMS).mistake == "balance"


def _rates(m1_paid: float) -> pd.DataFrame:
    cols = ["M0", "M1", "M2", "M3", "M3+", "paid"]
    rows = {"M0": [0.5, 0.2, 0, 0, 0, 0.3], "M1": [0, 1 - m1_paid - 0.2, 0.2, 0, 0, m1_paid],
            "M2": [0, 0, 0.3, 0.5, 0, 0.2], "M3": [0, 0, 0, 0.5, 0.4, 0.1],
            "M3+": [0, 0, 0, 0, 0.95, 0.05]}
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols)


def test_09_6_and_09_7_read_the_roll_rates():
    assert check("09.6", "a third to two thirds", rates=_rates(0.6))
    assert check("09.6", "under a third", rates=_rates(0.1))
    assert check("09.6", "over two thirds", rates=_rates(0.7))
    assert "not what happened" in check("09.6", "over two thirds", rates=_rates(0.3)).message
    leak = check("09.7", "M2", rates=_rates(0.6))  # M2 rolls 50 %, M3 40 %, M1 20 %
    assert leak and "50%" in leak.message
    m1 = check("09.7", "M1", rates=_rates(0.6))
    assert not m1 and "20%" in m1.message and "M2" in m1.message


def test_09_4_m3_included_is_a_named_mistake():
    credit = pd.DataFrame({"PAY_0": [0, 1, 3, 4, 8]})
    assert check("09.4", 2, credit=credit)
    assert check("09.4", 3, credit=credit).mistake == "M3 included"
    assert check("09.4", 2.5, credit=credit).layer == "type"


# --- lesson 10 -----------------------------------------------------------------------------

ACCOUNTS = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                         "stage": ["M0", "M1", "M2", "M3+"],
                         "customer_type": ["cooperative", "negative", "lapsed", "cooperative"],
                         "balance": [5000.0, 1000.0, 2000.0, 1000.0],
                         "p_pay_30d": [0.9, 0.6, 0.4, 0.1]})
ATTRIBUTES = pd.DataFrame({"attitude": ["neutral", "negative", "neutral", "negative"],
                           "lifecycle": ["active", "lapsed", "lapsed", "active"]},
                          index=pd.Index(["a", "b", "c", "d"], name="customer_id"))


def test_10_2_and_10_4_catch_m0_as_overdue():
    assert check("10.2", "lapsed", accounts=ACCOUNTS)  # 2,000 against 1,000 and 1,000
    assert check("10.2", "cooperative", accounts=ACCOUNTS).mistake == "M0 counted"
    data = {"accounts": ACCOUNTS, "attributes": ATTRIBUTES}
    assert check("10.4", 1.0, **data)  # b, c and d are negative or lapsed: all 4,000 overdue
    assert check("10.4", 4000 / 9000, **data).mistake == "M0 counted"
    assert check("10.4", 0.25, **data).mistake == "and"  # only b is both
    assert check("10.4", 100.0, **data).layer == "range"


def test_10_3_balance_only_and_whole_queue():
    queue = pd.DataFrame({"balance": [100.0] * 25, "p_pay_30d": [0.5] * 25})
    assert check("10.3", 1000.0, queue=queue)
    assert check("10.3", 2000.0, queue=queue).mistake == "balance only"
    assert check("10.3", 1250.0, queue=queue).mistake == "whole queue"


def test_10_5_the_m2_call_gaps():
    from helpers.handouts import six_w_three_h
    sheet = six_w_three_h()
    assert check("10.5", ["how long", "who", "where"], sheet=sheet)
    assert check("10.5", ["which", "how much", "how long"], sheet=sheet).mistake == (
        "the course's three")
    assert not check("10.5", ["who"], sheet=sheet)


def test_10_6_call_first_explains_each_account():
    candidates = pd.DataFrame({"rank": [7, 1, 40], "stage": ["M3+", "M1", "M2"],
                               "balance": [9000.0, 800.0, 12000.0],
                               "p_pay_30d": [0.05, 0.8, 0.2], "effort_minutes": [15, 5, 15],
                               "channel": ["letter", "phone", "phone"]}, index=list("ABC"))
    right = check("10.6", "B", candidates=candidates)
    assert right and "640 expected back" in right.message
    wrong = check("10.6", "C", candidates=candidates)
    assert not wrong and "rank 40" in wrong.message and "below B" in wrong.message


def test_10_7_a_third_of_the_minutes_brings_more_than_a_third():
    playbook = load_collection_playbook()
    accounts = pd.DataFrame({"customer_id": [f"c{i}" for i in range(30)],
                             "stage": ["M1"] * 30, "customer_type": "cooperative",
                             "balance": [1000.0 * (30 - i) for i in range(30)],
                             "p_pay_30d": 0.5})
    minutes = float(work_queue(accounts, playbook, None)["effort_minutes"].sum())
    # a third of the minutes: the ten largest of 30 descending balances, 255 of 465 thousand
    result = check("10.7", "more than a third", accounts=accounts, playbook=playbook,
                   capacity_minutes=minutes)
    assert result, result.message


# --- lesson 11 -----------------------------------------------------------------------------

CRM = pd.DataFrame({"revenue": [10.0, 500.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 140.0]})


def test_11_5_and_11_6_top_fifth():
    # the top 2 of 10: 500 + 140 of 1,000
    assert check("11.5", "half to 80 %", values=CRM)
    assert not check("11.5", "over 80 %", values=CRM)
    assert check("11.6", 0.64, crm=CRM)
    assert check("11.6", 64.0, crm=CRM).mistake == "percent"
    assert check("11.6", 0.51, crm=CRM).mistake == "unsorted"  # first two rows: 10 + 500


def test_11_7_every_option_has_feedback():
    ex = registered("11.7")
    assert set(ex.options) == set("abcd") and all(ex.options.values())
    assert check("11.7", "B")
    assert "wrong figures" in check("11.7", "c").message


# --- every module ----------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", ["08", "09", "10", "11"])
def test_each_module_has_enough_exercises_beyond_read_offs(lesson):
    """Issue 13: at least four exercises per module, at least two not a read-off (here: choices
    and predictions; small analyses come on top), every value exercise with a type layer."""
    exercises = [registered(f"{lesson}.{k}") for k in range(1, 8)]
    assert len(exercises) >= 4
    assert sum(ex.kind in ("choice", "predict") for ex in exercises) >= 2
    for ex in exercises:
        assert ex.kind != "value" or ex.expect is not None, ex.key
        assert ex.kind == "value" or ex.options, ex.key


def test_11_2_and_11_4_mistakes():
    crm = pd.DataFrame({"tier": ["low", "silver", "gold", "diamond"],
                        "revenue": [100.0, 200.0, 300.0, 400.0]})
    assert check("11.2", 0.7, crm=crm)
    assert check("11.2", 70.0, crm=crm).mistake == "percent"
    assert check("11.2", 0.4, crm=crm).mistake == "diamond only"

    class Report:
        rows_read, rows_kept = 1000, 940

    assert check("11.4", 60, report=Report())
    assert check("11.4", 940, report=Report()).mistake == "rows kept"
