"""Course-wide rules: every notebook has a parameters cell, a lesson, no outputs, and its trainee
copy is exactly the solution notebook with the solutions stripped."""

from __future__ import annotations

import json
import re

import pytest

from helpers import course
from helpers.exercises import registered
from helpers.paths import LESSONS_DIR, NOTEBOOKS_DIR, SOLUTIONS_DIR

SOLUTIONS = course.course_notebooks(SOLUTIONS_DIR)
TRAINEE = course.course_notebooks(NOTEBOOKS_DIR)
LESSON_SECTIONS = ["## Objectives", "## Key terms", "## Concepts", "## Worked case",
                   "## Exercises", "## Discussion questions", "## Key points",
                   "## Instructor notes"]
COMMON_PARAMETERS = {"data_dir", "seed", "output_dir", "reveal_personal"}


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks_numbered_from_00_without_gaps():
    numbers = [int(p.name[:2]) for p in SOLUTIONS]
    assert numbers, "no solution notebooks"
    assert numbers == list(range(len(numbers)))


@pytest.mark.parametrize("path", SOLUTIONS + TRAINEE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebooks_carry_no_outputs(path):
    for cell in _code_cells(_load(path)):
        assert not cell.get("outputs") and cell.get("execution_count") is None, (
            f"{path.name}: a code cell carries outputs; clear them before committing")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_first_code_cell_is_a_documented_parameters_cell(path):
    import papermill as pm

    first = _code_cells(_load(path))[0]
    assert "parameters" in first["metadata"].get("tags", []), f"{path.name}: untagged"
    inferred = pm.inspect_notebook(str(path))
    assert COMMON_PARAMETERS <= set(inferred), f"{path.name}: missing {COMMON_PARAMETERS - set(inferred)}"
    undocumented = [name for name, p in inferred.items() if not p["help"].strip()]
    assert not undocumented, f"{path.name}: parameters without a `# meaning` comment: {undocumented}"


def test_trainee_copies_are_in_step_with_the_solutions():
    assert course.out_of_step() == [], "run `make trainee-notebooks`"


@pytest.mark.parametrize("path", TRAINEE, ids=lambda p: p.name)
def test_trainee_copies_hold_no_solutions(path):
    text = path.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_checked_exercise_exists_and_has_a_solution(path):
    nb = _load(path)
    source = "\n".join("".join(c["source"]) for c in _code_cells(nb))
    keys = re.findall(r"""check\(\s*["'](\d\d\.\d+)["']""", source)
    assert len(keys) >= 3 or path.name.startswith(("00", "11")), f"{path.name}: < 3 exercises"
    for key in keys:
        assert key.startswith(path.name[:2]), f"{path.name}: exercise {key} of another lesson"
        registered(key)
    assert source.count("### BEGIN SOLUTION") >= len(set(keys)) - 1


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_notebook_has_a_lesson_in_the_common_format(path):
    lessons = list(LESSONS_DIR.glob(f"{path.name[:2]}-*.md"))
    assert len(lessons) == 1, f"no lesson text for {path.name}"
    text = lessons[0].read_text(encoding="utf-8")
    missing = [s for s in LESSON_SECTIONS if s not in text]
    assert not missing, f"{lessons[0].name} lacks {missing}"
    assert re.search(r"Teaching: \d+ min · Exercises: \d+ min", text), "timing line missing"
    terms = text.split("## Key terms", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"[\u4e00-\u9fff]", terms), "key terms need their Chinese names"


def test_strip_keeps_assignments_runnable():
    src = ("x = 1\n### BEGIN SOLUTION\nanswer = x + 1\nanswer = int(answer)\nother = 3\n"
           "### END SOLUTION\ncheck('03.1', answer)\n")
    out = course._strip_code(src)
    assert out == ("x = 1\nanswer = None  # YOUR CODE HERE\nother = None  # YOUR CODE HERE\n"
                   "check('03.1', answer)\n")


def test_strip_keeps_indentation_and_removes_markdown_answers():
    src = "for i in range(2):\n    ### BEGIN SOLUTION\n    y = i\n    ### END SOLUTION\n"
    assert course._strip_code(src) == "for i in range(2):\n    y = None  # YOUR CODE HERE\n"
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source":
                     "Q?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->\n"}],
          "metadata": {}}
    assert course.trainee_copy(nb)["cells"][0]["source"] == "Q?\n" + course.TRAINEE_MD


def test_workshop_gives_each_trainee_own_data_and_notebooks(tmp_path):
    import papermill as pm

    folders = course.workshop(tmp_path / "ws", ["wang", "li"], base_seed=500)
    customers = [(f / "data" / "customers.csv").read_bytes() for f in folders]
    assert customers[0] != customers[1], "two trainees got the same dataset"
    for folder, seed in zip(folders, (500, 501), strict=True):
        nb = folder / "notebooks" / SOLUTIONS[3].name
        params = pm.inspect_notebook(str(nb))
        assert params["seed"]["default"] == str(seed)
        assert str((folder / "data").resolve()) in params["data_dir"]["default"]
        assert "BEGIN SOLUTION" not in nb.read_text(encoding="utf-8")
    with pytest.raises(FileExistsError):
        course.workshop(tmp_path / "ws", ["wang"])
