"""The collection notebooks' helpers in the Chinese edition: labels, tables, scripts, plots."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

import helpers.receivables as rc
from helpers.display import show
from helpers.i18n import catalog, using_language

matplotlib.use("Agg")

BOOK = rc.load_collection_playbook()


def _queue() -> pd.DataFrame:
    return pd.DataFrame({"rank": [1, 2], "customer_id": ["C1", "C2"], "stage": ["M1", "M3+"],
                         "customer_type": ["lapsed", "unresponsive"],
                         "balance": [7673.37, 49018.85], "p_pay_30d": [0.968, 0.0003],
                         "channel": ["visit", "letter"], "actor": ["salesperson", "legal"],
                         "offers": ["payment_date_change, targeted_offer", "instalment_plan"]})


def test_display_table_translates_headers_and_play_values_but_not_the_data():
    queue = _queue()
    assert rc.display_table(show(queue)) is not None
    with using_language("zh"):
        shown = rc.display_table(show(queue), BOOK)
    assert list(shown.columns[:4]) == ["排名", "客户编号", "阶段", "客户类型"]
    first = shown.iloc[0].tolist()
    assert first[3] == "流失客户" and "上门拜访" in first and "¥7,673" in first and "96.8%" in first
    assert first[-1] == "调整付款日期、针对性限时优惠"
    assert queue["customer_type"].tolist() == ["lapsed", "unresponsive"]  # the data is kept
    assert rc.display_table(queue) is queue  # English edition: the frame itself


def test_stage_labels_and_plots_follow_the_edition():
    stages = rc.load_stages()
    with using_language("zh"):
        assert stages.label("M0") == "M0\n未逾期" and stages.label("M1") == "M1\n1–30 天"
        ax = rc.plot_queue(_queue().assign(score=[10.0, 1.0]), playbook=BOOK)
        labels = [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_title() == catalog("zh")["Today's queue: who to contact first"]
    assert "#1 流失客户" in labels
    assert stages.label("M1") == "M1 (1-30 d)"


def test_the_chinese_script_of_the_timeline_names_the_company_in_chinese():
    inv = pd.DataFrame({"invoice_id": ["A"], "customer_id": ["c1"],
                        "issue_date": pd.to_datetime(["2025-09-01"]),
                        "due_date": pd.to_datetime(["2025-10-01"]), "amount": [100.0]})
    pay = pd.DataFrame({"payment_id": pd.Series(dtype=str), "invoice_id": pd.Series(dtype=str),
                        "customer_id": pd.Series(dtype=str),
                        "payment_date": pd.Series(dtype="datetime64[ns]"),
                        "amount": pd.Series(dtype=float)})
    acc = pd.DataFrame({"customer_id": ["c1"], "stage": ["M1"], "customer_type": ["lapsed"],
                        "balance": [100.0]})
    action = rc.timeline_view("c1", inv, pay, acc, BOOK, "2025-10-15").next_action
    assert action is not None
    assert "本公司" in action.filled_zh and "our company" not in action.filled_zh
    assert "our company" in action.filled_en


@pytest.mark.parametrize("name", BOOK.types)
def test_every_customer_type_has_a_chinese_name(name):
    with using_language("zh"):
        label = rc.type_label(name)
    assert label != name and any("\u4e00" <= ch <= "\u9fff" for ch in label)
