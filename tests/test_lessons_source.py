"""Lessons 06-11 against the source material: the facts issue 13 found wrong stay right.

Each check names the source document; where the course extends the source, the lesson must say
so. The role-play sections must match the session plans the cards are printed from.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers import COURSE_MAP
from helpers.handouts import load_role_play, six_w_three_h
from helpers.paths import LESSONS_DIR, SOLUTIONS_DIR


def lesson(module: str) -> str:
    return (LESSONS_DIR / COURSE_MAP[module].lesson_text).read_text(encoding="utf-8")


def test_06_quotes_the_three_value_potential_criteria_of_source_003():
    text = lesson("06")
    for zh in ("当前贡献度", "交叉销售潜力", "生命周期预测"):
        assert zh in text
    assert "activity)" not in text  # the old misquote: "(current contribution, cross-selling, activity)"


def test_the_30_minute_rule_is_a_response_to_the_customers_contact():
    for module in ("06", "07", "08", "11"):
        text = lesson(module)
        assert "30 minutes of the start of the day" not in text
        assert re.search(r"(inquiry|contact)[^.]{0,80}30\s+minutes", text, flags=re.S), module


def test_07_and_08_do_not_present_their_own_illustrations_as_the_sources_cases():
    for module in ("07", "08"):
        text = lesson(module)
        assert "The material's centre" not in text
        assert "telemarketing course works through" not in text
        worked = " ".join(text.split("## Worked case", 1)[1].split("\n## ", 1)[0].split())
        assert "course's own illustration" in worked, module


def test_07_teaches_needs_spin_objections_and_staff_resistance():
    concepts = lesson("07").split("## Concepts", 1)[1].split("## Worked case", 1)[0].lower()
    for term in ("显性需求", "隐性需求", "spin questions", "objections", "staff resistance",
                 "source 001", "source 003"):
        assert term in concepts, term


def test_08_teaches_the_cypress_case_where_alerts_are_taught():
    text = lesson("08")
    concepts = text.split("## Concepts", 1)[1].split("## Worked case", 1)[0]
    assert "Cypress Semiconductor" in concepts and "within 24 hours" in concepts
    assert "Source 002" in concepts
    assert concepts.index("Cypress") > concepts.index("### KPIs, alerts and the dashboard")


def test_09_and_10_flag_the_courses_stage_choices():
    for module in ("09", "10"):
        text = lesson(module)
        assert "0–30" in text, f"{module}: the source's M1 is 0-30 days"
        assert re.search(r"M3\+[^.]*course's extension|course's extension[^.]*M3\+", text), module


def test_10_shows_the_canonical_6w3h_table():
    text = lesson("10")
    sheet = six_w_three_h()
    rows = re.findall(r"^\| (who|what|when|where|why|which|how|how much|how long) \| (\S+) \| "
                      r"(yes|course) \|", text, flags=re.M)
    assert [r[0] for r in rows] == list(sheet["item"])
    assert [r[1] for r in rows] == list(sheet["zh"])
    assert [r[2] == "yes" for r in rows] == list(sheet["in_source"])


@pytest.mark.parametrize("session", load_role_play().sessions, ids=lambda s: s.lesson)
def test_each_role_play_section_matches_its_session_plan(session):
    text = lesson(session.lesson)
    section = text.split(f"## Role play ({session.minutes} min)", 1)
    assert len(section) == 2, f"{session.lesson}: no '## Role play ({session.minutes} min)' section"
    body = section[1].split("\n## ", 1)[0]
    assert f"python -m helpers.handouts cards --out build/cards --lesson {session.lesson}" in body
    minutes = [int(m) for m in re.findall(r"^\|[^|\n]+\| (\d+) \|$", body, flags=re.M)]
    assert minutes == [step.minutes for step in session.plan]
    assert f"Role play: {session.minutes} min" in text.split("## Objectives", 1)[0]


@pytest.mark.parametrize("module", ["06", "07", "08", "09", "10", "11"])
def test_each_exercise_of_the_notebook_is_listed_in_its_lesson(module):
    cells = json.loads((SOLUTIONS_DIR / COURSE_MAP[module].notebook).read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "code")
    keys = sorted(set(re.findall(r"""\bcheck\(\s*["'](\d\d\.\d+)""", code)))
    exercises = lesson(module).split("## Exercises", 1)[1].split("\n## ", 1)[0]
    assert keys, module
    missing = [k for k in keys if f"**{k}**" not in exercises]
    assert missing == [], f"{module}: exercises {missing} are not listed in the lesson"
