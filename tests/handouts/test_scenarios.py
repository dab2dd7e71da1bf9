"""helpers.handouts._scenarios: the role-play file, the canonical 6W3H sheet, the session plans."""

from __future__ import annotations

import pytest

from helpers.config import CONFIG_DIR
from helpers.errors import ConfigProblem
from helpers.handouts import SIX_W_THREE_H, load_role_play, six_w_three_h
from helpers.paths import LESSONS_DIR
from helpers.receivables import load_collection_playbook, stage_of

RP = load_role_play()
SOURCE_SIX = "谁、什么、何时、何地、为什么、怎样"  # source 000, the M2 stage


def test_the_6w3h_sheet_is_the_sources_six_items_plus_the_courses_three():
    sheet = six_w_three_h()
    assert list(sheet["item"]) == list(SIX_W_THREE_H)
    assert "、".join(sheet.loc[sheet["in_source"], "zh"]) == SOURCE_SIX
    assert list(sheet.loc[~sheet["in_source"], "item"]) == ["which", "how much", "how long"]
    assert sheet["question_zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert sheet["question_en"].str.endswith("?").all()


def test_lesson_10_and_the_playbook_use_the_same_6w3h():
    lesson = (LESSONS_DIR / "10-collection-strategy-queue.md").read_text(encoding="utf-8")
    assert SOURCE_SIX in lesson
    assert "who, what, when, where, why, which; how, how much, how long" in lesson
    goal = load_collection_playbook().play("M2", "cooperative").goal
    positions = [goal.find(word) for word in ("who", "what", "when", "where", "why", "which",
                                              "how it", "how much", "how long")]
    assert -1 not in positions and positions == sorted(positions), goal


def test_sessions_are_30_to_40_minutes_and_cover_every_scenario_once():
    assert {s.lesson: s.minutes for s in RP.sessions} == {"07": 35, "08": 30, "10": 40}
    listed = [sid for s in RP.sessions for sid in s.scenarios]
    assert sorted(listed) == sorted(s.id for s in RP.scenarios)
    assert all(len(s.scenarios) >= 3 for s in RP.sessions)
    for s in RP.sessions:
        assert sum(step.minutes for step in s.plan) == s.minutes


def test_the_scenarios_practise_what_the_lessons_teach():
    by_lesson = {lesson: {t for s in RP.scenarios if s.lesson == lesson for t in s.techniques}
                 for lesson in ("07", "08", "10")}
    assert {"spin", "explicit_implicit_needs", "objection_handling"} <= by_lesson["07"]
    assert {"objection_handling", "alert_call_back"} <= by_lesson["08"]
    assert {"six_w_three_h", "instalment_plan"} <= by_lesson["10"]
    cypress = [s for s in RP.scenarios if "alert_call_back" in s.techniques]
    assert cypress and "Cypress" in cypress[0].source.en and "24 hours" in cypress[0].source.en
    for s in RP.scenarios:  # the customer's hidden situation is not on the agent's card
        assert s.customer.hidden.en not in s.agent.brief.en
        assert "course illustration" in s.source.en or "source 00" in s.source.en


def test_collection_accounts_fit_the_stages_and_the_playbooks_types():
    book = load_collection_playbook()
    accounts = [s.account for s in RP.scenarios if s.account is not None]
    assert {a.stage for a in accounts} >= {"M0", "M1", "M2", "M3"}
    staged = stage_of([a.days_past_due for a in accounts])
    assert list(staged) == [a.stage for a in accounts]
    assert all(a.customer_type in book.types for a in accounts)


def test_a_broken_file_is_refused_with_every_problem_at_once(tmp_path):
    raw = (CONFIG_DIR / "role_play.yaml").read_text(encoding="utf-8")
    bad = (raw.replace("days_past_due: -5", "days_past_due: 5", 1)
              .replace("techniques: [spin, explicit_implicit_needs, objection_handling]",
                       "techniques: [spim, explicit_implicit_needs]", 1)
              .replace("minutes: 6}", "minutes: 7}", 1)
              .replace("- item: which\n    zh: 哪个\n    in_source: false",
                       "- item: which\n    zh: 哪个\n    in_source: true", 1))
    assert bad.count("\n") == raw.count("\n") and bad != raw
    path = tmp_path / "role_play.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigProblem) as err:
        load_role_play(path)
    text = str(err.value)
    assert "scenarios.0.techniques.0" in text and "(did you mean 'spin'?)" in text
    assert "M0 is exactly the accounts not yet due" in text
    assert "add up to 36 minutes, not the session's 35" in text
    assert "the 6W3H sheet must list" in text


def test_a_session_naming_an_unknown_scenario_is_refused(tmp_path):
    raw = (CONFIG_DIR / "role_play.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rp.yaml"
    path.write_text(raw.replace("[tm_price_objection,", "[tm_price_objection, col_m2_six_w_three_h,"
                                " tm_nothing,", 1), encoding="utf-8")
    with pytest.raises(ConfigProblem) as err:
        load_role_play(path)
    assert "names no such scenario 'tm_nothing'" in str(err.value)
    assert "lists 'col_m2_six_w_three_h' of lesson 10" in str(err.value)
    with pytest.raises(KeyError, match="known"):
        RP.scenario("nope")


def test_the_subpackage_follows_the_architecture_rules():
    # helpers.handouts is not a lesson's subpackage (no entry in COURSE_MAP), so the architecture
    # test does not parametrise it; the same rule is applied here
    from tests.test_architecture import test_subpackages_document_and_list_their_public_api

    test_subpackages_document_and_list_their_public_api("helpers.handouts")
    import helpers.handouts as handouts

    missing = [n for n in handouts.__all__ if not hasattr(handouts, n)]
    assert handouts.__all__ and missing == []
