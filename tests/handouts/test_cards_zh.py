"""The Chinese-only role-play cards (``--lang zh``) and the Chinese of the notebook-10 cards."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.calls import load_rubric
from helpers.handouts import build_cards, load_role_play, role_play_cards_for
from helpers.handouts.__main__ import main
from helpers.i18n import catalog, using_language
from helpers.receivables import load_collection_playbook, role_play_cards, type_label

RP = load_role_play()
BOOK = load_collection_playbook()
RUBRIC = load_rubric()
#: Bilingual labels of the default cards that must not appear on the Chinese-only ones.
ENGLISH_LABELS = ["You are", "What you know", "Your goal", "Say these", "How to play",
                  "Watch for", "Debrief", "Rate the call", "lesson 10", "The playbook's play",
                  "Opening", "Account 账户", "Source 来源", "Practises"]


def _text(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text.split("<body>", 1)[1])


@pytest.fixture(scope="module")
def zh_cards():
    return role_play_cards_for(lang="zh")


def test_chinese_cards_hold_the_chinese_of_every_scenario_and_no_english_label(zh_cards):
    text = " ".join(_text("<body>" + c.html) for c in zh_cards)
    for s in RP.scenarios:
        assert s.title.zh in text and s.customer.hidden.zh in text
        assert s.title.en not in text and s.customer.hidden.en not in text
    for label in ENGLISH_LABELS:
        assert label not in text, label
    assert "你的角色" in text and "观察要点" in text and "第 10 课" in text


def test_chinese_collector_cards_carry_the_playbooks_chinese_play(zh_cards):
    collection = [s for s in RP.scenarios if s.account is not None]
    agent = {c.scenario: c.html for c in zh_cards if c.kind == "agent"}
    for s in collection:
        play = BOOK.play(s.account.stage, s.account.customer_type)
        card = agent[s.id]
        assert play.script_zh.split("{")[0] in card  # the Chinese opening script
        assert play.script_en.split("{")[0] not in card
        assert catalog("zh")[play.tone] in card and catalog("zh")[play.channel] in card
        assert "逾期" in card or "未逾期" in card or "到期" in card


def test_chinese_observer_sheets_translate_the_rubric(zh_cards):
    sheets = [c.html for c in zh_cards if c.kind == "observer"]
    assert sheets
    for d in RUBRIC.dimensions:
        assert d.question not in sheets[0]
        assert catalog("zh")[d.question] in sheets[0] and d.zh in sheets[0]


def test_the_bilingual_cards_are_unchanged_by_default():
    cards = role_play_cards_for(lessons=["10"])
    text = " ".join(c.html for c in cards)
    assert "You are 你的角色" in text and "Opening 开场白" in text
    first = RP.scenario(RP.sessions[-1].scenarios[0])
    assert first.title.en in text and first.title.zh in text


def test_the_active_edition_chooses_the_language(tmp_path):
    with using_language("zh"):
        built = build_cards(tmp_path / "zh", lessons=["10"])
    page = built.files["lesson-10"].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "You are" not in page
    en = build_cards(tmp_path / "en", lessons=["10"], lang="en")
    assert '<html lang="en">' in en.files["lesson-10"].read_text(encoding="utf-8")


def test_the_command_line_writes_chinese_cards(tmp_path, capsys):
    assert main(["cards", "--out", str(tmp_path), "--lesson", "10", "--lang", "zh"]) == 0
    assert "lesson-10.html" in capsys.readouterr().out
    page = (tmp_path / "lesson-10.html").read_text(encoding="utf-8")
    assert "<title>第10课角色扮演</title>" in page and "催收员" in page
    assert "Your hidden situation" not in page


def _queue() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C0001234"], "stage": ["M1"],
                         "customer_type": ["negative"], "balance": [42000.0], "invoices": [2],
                         "max_days_past_due": [18], "p_pay_30d": [0.4]})


def test_notebook_cards_in_chinese_use_the_playbooks_names_and_texts():
    play = BOOK.play("M1", "negative")
    with using_language("zh"):
        (card,) = role_play_cards(_queue(), BOOK, n=1)
    assert "消极导向型" in card and "逾期 18 天" in card and "42,000" in card
    assert catalog("zh")[play.goal] in card and "“" + catalog("zh")[play.objections[0]] in card
    assert "Situation" not in card and "negative" not in card
    (english,) = role_play_cards(_queue(), BOOK, n=1)
    assert "### Card: M1 · negative" in english and "18 days past due at worst" in english
    assert f'- "{play.objections[0]}"' in english


def test_type_labels_follow_the_edition():
    assert type_label("lapsed") == "lapsed"
    with using_language("zh"):
        assert type_label("lapsed") == "流失客户" and type_label("key_account", BOOK) == \
            next(t.zh for t in BOOK.customer_types if t.name == "key_account")
        assert type_label("no such type") == "no such type"
