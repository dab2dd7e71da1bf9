"""The lessons' timings: recorded from a walk-through, used by every lesson, adding up in the agendas."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from pydantic import ValidationError

from helpers import COURSE_MAP
from helpers.errors import ConfigProblem
from helpers.paths import LESSONS_DIR, SOLUTIONS_DIR
from helpers.timings import (
    TIMINGS_FILE,
    DayPlan,
    ModuleTiming,
    Part,
    agenda_layout,
    agenda_sessions,
    dump_timings,
    lesson_lines,
    module_totals,
    parts_table,
    read_timings,
    retime_module,
    timing_table,
    walk_notebook,
)

TIMINGS = read_timings()
PARTS = parts_table(TIMINGS)
TOTALS = module_totals(PARTS)
AGENDA = (LESSONS_DIR / "AGENDA.md").read_text(encoding="utf-8")
SESSIONS = agenda_sessions(AGENDA)
TAG = re.compile(r"\[(sales · analyst|analyst|sales)\]")


def _keys(notebook: str) -> list[str]:
    cells = json.loads((SOLUTIONS_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return sorted(set(re.findall(r"""\bcheck\(\s*["'](\d\d\.\d+)""", code))
                  | set(re.findall(r"\*\*(?:Exercise )?(\d\d\.\d+)", text)))


def test_every_module_of_the_course_is_timed():
    assert sorted(TIMINGS.modules) == sorted(COURSE_MAP)
    assert (TOTALS["total"] > 0).all() and (TOTALS["analyst"] > 0).all()
    # analysts do everything except the role plays (sales only)
    role_play = PARTS[PARTS["kind"] == "role_play"]
    assert role_play["sales"].all() and not role_play["analyst"].any()
    rest = PARTS[PARTS["kind"] != "role_play"]
    assert (rest["analyst"]).all(), "every part but the role plays is on the analyst track"


@pytest.mark.parametrize("module", sorted(COURSE_MAP))
def test_every_exercise_of_the_notebook_has_its_minutes(module):
    timed = PARTS.loc[(PARTS["module"] == module) & PARTS["exercise"].notna(), "exercise"]
    assert not timed.duplicated().any(), f"{module}: an exercise is timed twice"
    expected = _keys(COURSE_MAP[module].notebook)
    assert sorted(timed) == expected, (
        f"{module}: the notebook checks {expected}, timings.yaml times {sorted(timed)}: re-time it")


@pytest.mark.parametrize("module", sorted(COURSE_MAP))
def test_recorded_minutes_follow_the_walk_through_of_the_notebook(module):
    # the walked parts must still price like the notebook as it is now (within 10 %): after a
    # notebook changes, `python -m helpers.timings --write` re-times
    walk = walk_notebook(SOLUTIONS_DIR / COURSE_MAP[module].notebook, TIMINGS.walk)
    walked = [p for p in TIMINGS.modules[module].parts if p.walk is not None]
    recorded, now = sum(p.walk for p in walked), walk["minutes"].sum()
    assert abs(recorded - now) <= max(3, 0.10 * now), (
        f"{module}: timings.yaml records {recorded:.0f} walked minutes, a walk through the "
        f"notebook now gives {now:.0f}: run `python -m helpers.timings --write`")
    assert sorted(p.name for p in walked) == sorted(walk["part"])


def test_the_walk_prices_reading_cells_exercises_and_widgets(tmp_path):
    cells = [{"cell_type": "markdown", "source": ["## 1. A section\n", "word " * 60]},
             {"cell_type": "code", "source": ["plt.plot([1])"]},
             {"cell_type": "code", "source": ["x = 1"]},
             {"cell_type": "markdown", "source": ["**Exercise 01.1.** How many?"]},
             {"cell_type": "code", "source": ["### BEGIN SOLUTION\na = 1\nb = a + 1\n"
                                              "### END SOLUTION\ncheck('01.1', b)"]},
             {"cell_type": "code", "source": ["explore_things(data)"]},
             {"cell_type": "markdown", "source": ["Why?\n<!-- BEGIN SOLUTION -->\nx\n"
                                                  "<!-- END SOLUTION -->"]}]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    walk = walk_notebook(path, TIMINGS.walk).set_index("part")
    rates = TIMINGS.walk
    section = walk.loc["1. A section", "minutes"]
    # 64 words of the section and 10 of the written answer's cell, a chart and a plain cell
    assert section == pytest.approx(rates.plot_cell + rates.code_cell + 74 / rates.words_per_minute,
                                    abs=0.1)
    assert walk.loc["exercise 01.1", "minutes"] == pytest.approx(
        rates.exercise_base + rates.exercise_per_line + 5 / rates.words_per_minute, abs=0.1)
    assert walk.loc["widget (1. A section)", "minutes"] == rates.widget
    assert walk.loc["written answer (1. A section)", "kind"] == "exercise"


@pytest.mark.parametrize("module", sorted(COURSE_MAP))
def test_each_lesson_states_the_recorded_minutes_and_tracks(module):
    text = (LESSONS_DIR / COURSE_MAP[module].lesson_text).read_text(encoding="utf-8")
    timing, tracks = lesson_lines(TOTALS.loc[module])
    head = text.split("## Objectives", 1)[0]
    assert timing in head, f"{module}: the lesson should read\n{timing}"
    assert tracks in head, f"{module}: the lesson should read\n{tracks}"


@pytest.mark.parametrize("module", sorted(COURSE_MAP))
def test_each_concept_and_exercise_is_marked_with_its_track(module):
    text = (LESSONS_DIR / COURSE_MAP[module].lesson_text).read_text(encoding="utf-8")
    concepts = text.split("## Concepts", 1)[1].split("\n## ", 1)[0]
    headings = [h for h in concepts.splitlines() if h.startswith("### ")]
    assert headings and all(TAG.search(h) for h in headings), (
        f"{module}: untagged: {[h for h in headings if not TAG.search(h)]}")
    exercises = text.split("## Exercises", 1)[1].split("\n## ", 1)[0]
    bullets = [b for b in exercises.splitlines() if b.startswith("- ")]
    assert bullets and all(TAG.search(b) for b in bullets)
    for key in _keys(COURSE_MAP[module].notebook):
        assert f"**{key}**" in exercises, f"{module}: exercise {key} is not listed in the lesson"
        bullet = next(b for b in bullets if f"**{key}**" in b)
        part = PARTS[PARTS["exercise"] == key].iloc[0]
        tag = "sales · analyst" if part["sales"] else "analyst"
        assert f"[{tag}]" in bullet, f"{module}: {key} is tagged unlike its timing ({tag})"


def _agenda(title: str) -> pd.DataFrame:
    rows = SESSIONS[SESSIONS["agenda"].str.startswith(title)]
    assert len(rows), f"AGENDA.md has no '## {title}' section with session rows"
    return rows


@pytest.mark.parametrize(("title", "track", "days"),
                         [("Sales workshop", "sales", {2}), ("Analyst course", "analyst", {3, 4})])
def test_the_agendas_add_up_to_the_recorded_minutes(title, track, days):
    rows = _agenda(title)
    assert rows["day"].nunique() in days
    assert (rows["end"] - rows["start"] == rows["minutes"]).all(), (
        rows[rows["end"] - rows["start"] != rows["minutes"]])
    for _, day in rows.groupby("day", sort=False):
        gaps = day["start"].iloc[1:].to_numpy() != day["end"].iloc[:-1].to_numpy()
        assert not gaps.any(), f"{title}: sessions of {day['day'].iloc[0]} do not follow on"
    modules = rows[rows["module"].str.fullmatch(r"\d\d")]
    planned = modules.groupby("module")["minutes"].sum()
    recorded = TOTALS[track][TOTALS[track] > 0]
    assert planned.to_dict() == recorded.to_dict()
    text = AGENDA.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    assert f"{int(recorded.sum())} minutes" in text, f"{title}: state the total of the sessions"


def test_a_broken_timings_file_is_refused_with_its_key_paths(tmp_path):
    bad = tmp_path / "timings.yaml"
    raw = TIMINGS_FILE.read_text(encoding="utf-8").replace("kind: teaching", "kind: lecture", 1)
    bad.write_text(raw.replace("tracks: [sales, analyst]", "tracks: []", 1), encoding="utf-8")
    with pytest.raises(ConfigProblem) as err:
        read_timings(bad)
    text = str(err.value)
    assert "modules.00.parts.0.kind" in text and "modules.00.parts.0.tracks" in text


@pytest.mark.parametrize("module", sorted(COURSE_MAP))
def test_each_lesson_shows_its_parts_as_recorded(module):
    text = (LESSONS_DIR / COURSE_MAP[module].lesson_text).read_text(encoding="utf-8")
    block = re.search(r"<!-- timings -->\n(.*?)\n<!-- /timings -->", text, flags=re.S)
    assert block, f"{module}: the instructor notes lack the timing table (<!-- timings -->)"
    assert block.group(1).strip() == timing_table(PARTS, module)


def test_a_part_budgets_its_walk_rounded_up_plus_what_its_note_explains():
    base = {"name": "1. A section", "kind": "teaching", "tracks": ["sales"]}
    assert Part(**base, minutes=5, walk=4.2).minutes == 5
    assert Part(**base, minutes=9, walk=4.2, added=4, note="a new model to explain").added == 4
    with pytest.raises(ValidationError, match="rounded up plus added"):
        Part(**base, minutes=4, walk=4.2)
    with pytest.raises(ValidationError, match="say in 'note' why"):
        Part(**base, minutes=9, walk=4.2, added=4)
    with pytest.raises(ValidationError, match="only an exercise part"):
        Part(**base, minutes=5, walk=4.2, exercise="01.1")


def test_the_file_is_what_dump_timings_writes_and_reads_back():
    assert read_timings() == TIMINGS
    assert TIMINGS_FILE.read_text(encoding="utf-8").split("modules:", 1)[1] == (
        dump_timings(TIMINGS).split("modules:", 1)[1])


def test_a_retime_keeps_tracks_and_additions_and_follows_the_notebook():
    timing = ModuleTiming(title="t", parts=[
        Part(name="1. Old", kind="teaching", minutes=9, tracks=("analyst",), walk=3.5, added=5,
             note="a model"),
        Part(name="exercise 01.1", kind="exercise", minutes=7, tracks=("analyst",), walk=6.5,
             exercise="01.1", note="value"),
        Part(name="discussion", kind="discussion", minutes=10, tracks=("sales", "analyst"))])
    walk = pd.DataFrame([
        {"part": "1. Old", "kind": "teaching", "exercise": None, "exercise_kind": "",
         "section": "1. Old", "minutes": 5.2},
        {"part": "exercise 01.1", "kind": "exercise", "exercise": "01.1",
         "exercise_kind": "choice", "section": "1. Old", "minutes": 7.0},
        {"part": "2. New", "kind": "teaching", "exercise": None, "exercise_kind": "",
         "section": "2. New", "minutes": 2.0},
        {"part": "exercise 01.2", "kind": "exercise", "exercise": "01.2",
         "exercise_kind": "value", "section": "2. New", "minutes": 6.0}])
    parts = {p.name: p for p in retime_module(timing, walk).parts}
    assert list(parts) == ["1. Old", "exercise 01.1", "2. New", "exercise 01.2", "discussion"]
    assert parts["1. Old"].minutes == 6 + 5 and parts["1. Old"].tracks == ("analyst",)
    assert parts["exercise 01.1"].tracks == ("analyst",)  # follows its (analyst) section
    assert parts["2. New"].tracks == ("sales", "analyst")  # the module has sales parts
    assert parts["exercise 01.2"].tracks == ("analyst",)  # a pandas exercise
    assert parts["discussion"].minutes == 10


def test_the_layout_fills_days_in_order_and_splits_only_between_parts():
    parts = pd.DataFrame({"module": ["00"] * 6 + ["01"] * 6, "part": [f"p{i}" for i in range(12)],
                          "kind": ["teaching"] * 12, "minutes": [50] * 12,
                          "exercise": [None] * 12, "sales": [True] * 12, "analyst": [True] * 12})
    plan = DayPlan(start=9 * 60, lunch_after=12 * 60, end=17 * 60, block=100)
    sessions = agenda_layout(parts, "sales", plan)
    work = sessions[~sessions["module"].isin(["break", "lunch"])]
    assert work["minutes"].sum() == 600 and (work["minutes"] % 50 == 0).all()
    assert sessions.groupby("day")["end"].max().max() <= plan.end
    assert (sessions.groupby("day")["module"].apply(lambda m: (m == "lunch").sum()) == 1).all()
    assert sessions["start"].iloc[1:].tolist() == [
        e if d1 == d2 else plan.start for e, d1, d2 in
        zip(sessions["end"].iloc[:-1], sessions["day"].iloc[:-1], sessions["day"].iloc[1:],
            strict=True)]
