"""In the Chinese edition show() relabels only what a trainee sees: headers, axis names and text
row labels go through tr(); the table a lesson computes with keeps its English names, and the
formats (¥, %) are still decided from the English column names."""

from __future__ import annotations

import re

import pandas as pd

from helpers.calls import load_monitor_config
from helpers.data import public_dataset
from helpers.display import displayed, show
from helpers.i18n import catalog, using_language


def _table() -> pd.DataFrame:
    frame = pd.DataFrame({"segment": ["champions", "not_a_catalog_key"],
                          "revenue": [1234.5, 2.0], "customer_share": [0.25, 0.75]})
    return frame.set_index("segment")


def test_the_chinese_edition_shows_chinese_headers_and_row_labels():
    with using_language("zh"):
        html = show(_table(), rows=None)._repr_html_()
        text = repr(show(_table(), rows=None))
    zh = catalog("zh")
    for word in ("revenue", "customer_share", "segment", "champions"):
        assert f">{zh[word]}</th>" in html, word
        assert zh[word] in text, word
    assert ">revenue</th>" not in html and ">champions</th>" not in html
    assert "not_a_catalog_key" in html  # not in the catalog: shown as it is


def test_formats_follow_the_english_names_before_renaming():
    with using_language("zh"):
        html = show(_table(), rows=None)._repr_html_()
        _, kinds = displayed(_table())
    assert kinds == ["money", "percent"]
    assert "¥1,234" in html and "25.0%" in html


def test_the_returned_table_stays_english():
    with using_language("zh"):
        shown = show(_table(), rows=None)
    assert list(shown.columns) == ["revenue", "customer_share"]
    assert shown.index.name == "segment" and shown.index[0] == "champions"
    assert shown["revenue"].iloc[0] == 1234.5


def test_the_english_edition_is_unchanged():
    html = show(_table(), rows=None)._repr_html_()
    assert ">revenue</th>" in html and ">champions</th>" in html


def test_new_column_entries_exist_for_the_lesson_tables():
    zh = catalog("zh")
    for column in ("rows_in", "rows_used", "after_observation_end", "revenue_share",
                   "avg_order_value", "tenure_days", "signup_date"):
        assert column in zh and zh[column] != column, column


def test_alert_messages_follow_the_edition():
    rule = load_monitor_config(None).alerts[0]
    english = rule.text()
    with using_language("zh"):
        chinese = rule.text()
    assert "PSI" in english and english != chinese
    assert re.search(r"[\u4e00-\u9fff]", chinese) and str(rule.threshold) in chinese


def test_public_dataset_credits_follow_the_edition(capsys):
    with using_language("zh"):
        public_dataset("bank_marketing")
    out = capsys.readouterr().out
    assert "来源：" in out and "许可：" in out and "Source:" not in out


def test_a_header_that_is_also_a_data_value_has_its_own_entry():
    # "message" is the playbook's SMS channel as a value, an alert's text as a column header
    alerts = pd.DataFrame({"channel": ["message"], "message": ["answer rate under 20 %"]})
    with using_language("zh"):
        copy, _ = displayed(alerts.set_index("channel"))
    zh = catalog("zh")
    assert list(copy.columns) == [zh["message [header]"]] and zh["message [header]"] != zh["message"]
    assert list(copy.index) == [zh["message"]]
