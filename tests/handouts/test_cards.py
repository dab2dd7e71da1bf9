"""helpers.handouts._cards: print-ready HTML cards built from the YAML files."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from helpers.calls import load_rubric
from helpers.config import CONFIG_DIR
from helpers.errors import ConfigProblem
from helpers.handouts import build_cards, cards_html, load_role_play, role_play_cards_for
from helpers.handouts.__main__ import main

RP = load_role_play()
SCENARIOS = [sid for s in RP.sessions for sid in s.scenarios]


class Sections(HTMLParser):
    """Counts the card sections of a document and collects its text per card."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[list[str]] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            assert self.depth == 0, "cards do not nest"
            assert "card" in (dict(attrs).get("class") or "").split()
            self.cards.append([])
            self.depth = 1

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth = 0

    def handle_data(self, data):
        if self.depth:
            self.cards[-1].append(data)


class Balance(HTMLParser):
    """Every element is closed in the order it was opened (void elements aside)."""

    VOID = {"meta", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")


def _texts(document: str) -> list[str]:
    parser = Sections()
    parser.feed(document)
    return [" ".join(t) for t in parser.cards]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_cards(tmp_path_factory.mktemp("cards") / "build" / "cards")


def test_the_files_hold_every_card_one_section_each(built):
    assert set(built.files) == {"all", "lesson-07", "lesson-08", "lesson-10"}
    six = [sid for sid in SCENARIOS if "six_w_three_h" in RP.scenario(sid).techniques]
    assert built.counts() == {"session": 3, "six_w_three_h": 1, "agent": len(SCENARIOS),
                              "customer": len(SCENARIOS), "observer": len(SCENARIOS),
                              "checklist": len(six)} and six
    everything = built.files["all"].read_text(encoding="utf-8")
    assert len(_texts(everything)) == len(built.cards) == 4 + 3 * len(SCENARIOS) + len(six)
    balance = Balance()
    balance.feed(everything)
    assert balance.errors == [] and balance.stack == []
    for lesson in ("07", "08", "10"):
        text = built.files[f"lesson-{lesson}"].read_text(encoding="utf-8")
        cards = [c for c in built.cards if c.lesson == lesson]
        assert len(_texts(text)) == len(cards) > 9
        for sid in (s.id for s in RP.scenarios if s.lesson == lesson):
            s = RP.scenario(sid)
            assert html.escape(s.title.zh) in text and html.escape(s.customer.hidden.zh) in text


def test_print_ready_and_offline(built):
    for path in built.files.values():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
        assert "@page { size: A4;" in text and "break-after: page" in text
        assert re.search(r"[\u4e00-\u9fff]", text) and "Noto Sans CJK SC" in text
        for remote in ("http://", "https://", "<script", "@import", "url(", "<link", "<img"):
            assert remote not in text, f"{path.name} would need {remote}"


def test_the_hidden_situation_is_only_on_the_customer_card_and_observer_sheet(built):
    for card in built.cards:
        if not card.scenario:
            continue
        hidden = html.escape(RP.scenario(card.scenario).customer.hidden.en)
        assert (hidden in card.html) == (card.kind in {"customer", "observer"}), card


def test_days_are_never_negative_and_collector_cards_carry_the_play(built):
    text = built.files["all"].read_text(encoding="utf-8")
    assert not re.search(r"-\d+ days? past due", text)
    m0 = next(c for c in built.cards if c.kind == "agent" and c.scenario == "col_m0_reminder")
    assert "not yet due (due in 5 days)" in m0.html
    m2 = next(c for c in built.cards if c.kind == "agent" and c.scenario == "col_m2_six_w_three_h")
    assert "45 days past due" in m2.html and "instalment_plan" in m2.html
    assert "{" not in m2.html and "¥126,000" in m2.html  # the script's fill-ins are filled


def test_observer_sheets_are_built_from_the_rubric(built, tmp_path):
    rubric = load_rubric()
    for card in (c for c in built.cards if c.kind == "observer"):
        for d in rubric.dimensions:
            assert html.escape(d.id) in card.html and d.zh in card.html
        assert card.html.count("☐") >= len(rubric.dimensions) * 5
    checklist = next(c.html for c in built.cards
                     if c.kind == "checklist" and c.scenario.startswith("col_m2"))
    assert all(f"{html.escape(i.item)} <span lang=\"zh-CN\">{i.zh}</span>" in checklist
               for i in RP.six_w_three_h)
    sheet = next(c for c in built.cards if c.kind == "six_w_three_h")
    assert all(html.escape(i.question.en) in sheet.html and i.question.zh in sheet.html
               for i in RP.six_w_three_h)
    own = tmp_path / "rubric.yaml"
    own.write_text((CONFIG_DIR / "call_quality_rubric.yaml").read_text(encoding="utf-8")
                   .replace("id: compliance_privacy", "id: consent_check"), encoding="utf-8")
    cards = role_play_cards_for(rubric=load_rubric(own), lessons=["07"])
    observers = [c for c in cards if c.kind == "observer"]
    assert observers and all("consent_check" in c.html for c in observers)


def test_one_lesson_a_rebuild_and_what_is_refused(tmp_path):
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    first = build_cards(tmp_path, lessons=["10"])
    assert set(first.files) == {"all", "lesson-10"}
    assert {c.lesson for c in first.cards} == {"10"}
    again = build_cards(tmp_path, lessons=["10"])
    assert again.files["all"].read_text(encoding="utf-8") == cards_html(again.cards)
    assert keep.read_text(encoding="utf-8") == "mine"
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(ConfigProblem, match=r"no session for lesson\(s\) \['09'\]"):
        role_play_cards_for(lessons=["09"])


def test_the_command_line(tmp_path, capsys):
    assert main(["cards", "--out", str(tmp_path), "--lesson", "08"]) == 0
    out = capsys.readouterr().out
    assert "lesson-08.html" in out and "cards: 1 session" in out
    broken = tmp_path / "rp.yaml"
    broken.write_text("scenarios: []\n", encoding="utf-8")
    assert main(["cards", "--out", str(tmp_path), "--role-play", str(broken)]) == 2
    assert "rp.yaml" in capsys.readouterr().err
