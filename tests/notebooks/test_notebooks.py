"""Every course notebook, executed with papermill and checked: one harness, one table.

Each notebook runs on the bundled data, on a dataset generated with another seed
(``alt_data_dir``, ``ALT_SEED``), and as its Chinese trainee copy (``notebooks/zh``, exercises
unanswered); some run again on a real public dataset or with other parameters (the ``MORE``
table). What each run must show lives in ``tests/notebooks/checks/nbNN.py``.

The Chinese trainee copy serves two tests: the trainee copy's (every exercise says it is not
answered yet, none is right: ``checks.unanswered`` reads the marks both editions share) and the
Chinese edition's (the same results as the English run, Chinese feedback, no missing glyphs).
A trainee copy keeps exactly the results of its solution notebook (only the answers are blank),
and the Chinese copy is what a Chinese-speaking trainee opens. The English trainee copies differ
from it only in their words; the browser test and the workshop tests run ``00`` in English.

Run one notebook's tests with ``pytest tests/notebooks -k nb03``. Tests that share a run share
an xdist group, so one worker executes it once and reuses the cached run (``execute``): the
bundled run's group ``nbNN`` holds every test that reads that run (bundled, personal data, the
trainee copy and the Chinese edition, which compares with it, and the further runs of
``SHARES_BUNDLED``); the other seed and each further run have groups of their own, so the two
workers share a notebook's runs instead of one worker running them all in a row.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from helpers import COURSE_MAP
from helpers.course import export_html
from helpers.i18n import edition_problems
from helpers.paths import SOLUTIONS_DIR
from tests.conftest import ALT_SEED
from tests.notebooks.checks import (
    feedback_lines,
    nb00,
    nb01,
    nb02,
    nb03,
    nb04,
    nb05,
    nb06,
    nb07,
    nb08,
    nb09,
    nb10,
    nb11,
)
from tests.notebooks.checks.nb06 import german_export  # noqa: F401  (fixture, see SHARES_RUN)
from tests.notebooks.checks.nb07 import campaign_export  # noqa: F401  (fixture, see SHARES_RUN)
from tests.notebooks.checks.nb09 import analyst_export  # noqa: F401  (fixture, see SHARES_RUN)
from tests.notebooks.checks.nb11 import foreign  # noqa: F401  (fixture, see SHARES_RUN)
from tests.notebooks.personal import file_text, leaks, notebook_text

Check = Callable[[Any, Path], None]


@dataclass(frozen=True)
class Notebook:
    """One notebook's three standard runs and what each must show."""

    lesson: str
    bundled: Check
    other_seed: Check
    trainee: Callable[[Any], None]
    other_seed_parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class More:
    """A further run of a notebook (real data, other parameters): ``check(execute, request)``."""

    lesson: str
    check: Callable[[Any, pytest.FixtureRequest], None]

    @property
    def name(self) -> str:
        return self.check.__name__


NOTEBOOKS = [
    Notebook("00", nb00.bundled, nb00.other_seed, nb00.trainee),
    Notebook("01", nb01.bundled, nb01.other_seed, nb01.trainee, nb01.OTHER_SEED),
    Notebook("02", nb02.bundled, nb02.other_seed, nb02.trainee),
    Notebook("03", nb03.bundled, nb03.other_seed, nb03.trainee),
    Notebook("04", nb04.bundled, nb04.other_seed, nb04.trainee, nb04.OTHER_SEED),
    Notebook("05", nb05.bundled, nb05.other_seed, nb05.trainee),
    Notebook("06", nb06.bundled, nb06.other_seed, nb06.trainee),
    Notebook("07", nb07.bundled, nb07.other_seed, nb07.trainee, nb07.OTHER_SEED),
    Notebook("08", nb08.bundled, nb08.other_seed, nb08.trainee),
    Notebook("09", nb09.bundled, nb09.other_seed, nb09.trainee),
    Notebook("10", nb10.bundled, nb10.other_seed, nb10.trainee),
    Notebook("11", nb11.bundled, nb11.other_seed, nb11.trainee),
]

#: Each checks module lists its further runs (real data, minimal exports, other parameters).
MODULES = {"00": nb00, "01": nb01, "02": nb02, "03": nb03, "04": nb04, "05": nb05, "06": nb06,
           "07": nb07, "08": nb08, "09": nb09, "10": nb10, "11": nb11}
MORE = [More(lesson, check) for lesson, module in MODULES.items()
        for check in getattr(module, "MORE", [])]


#: Further runs that also read the bundled run (``execute("NN")``) or another further run's:
#: they join that run's xdist group instead of having one of their own. A check of a section
#: that reads one file alone (CDNOW, Bank Marketing, credit default) reads the run of a check
#: whose parameters leave that section alone: one execution serves both (same parameters, from
#: the session fixture that writes their input files).
SHARES_BUNDLED = {"bank_marketing_leakage_section", "smaller_team_gets_a_shorter_queue"}
SHARES_RUN = {"foreign_export_second_run_never_overwrites": "foreign_export",
              "cdnow_stand_in_on_a_trainee_machine": "minimal_export_with_other_headers",
              "bank_extract_on_a_trainee_machine": "minimal_leads_export_scoring_only",
              "credit_default_extract": "minimal_export_through_mappings"}


def _params(items: list[Any], name: Callable[[Any], str],
            group: Callable[[Any], str]) -> list[Any]:
    return [pytest.param(item, id=name(item), marks=[pytest.mark.notebook,
                                                     pytest.mark.xdist_group(group(item))])
            for item in items]


def _more_group(more: More) -> str:
    if more.name in SHARES_BUNDLED:
        return f"nb{more.lesson}"
    return f"nb{more.lesson}-{SHARES_RUN.get(more.name, more.name)}"


ALL = _params(NOTEBOOKS, lambda nb: f"nb{nb.lesson}", lambda nb: f"nb{nb.lesson}")
OTHER_SEED = _params(NOTEBOOKS, lambda nb: f"nb{nb.lesson}", lambda nb: f"nb{nb.lesson}-seed")
# the Chinese trainee copy is also the Chinese edition's run, which reads the bundled run
TRAINEE = _params(NOTEBOOKS, lambda nb: f"nb{nb.lesson}", lambda nb: f"nb{nb.lesson}")
EXTRA = _params(MORE, lambda more: f"nb{more.lesson}-{more.name}", _more_group)


@pytest.mark.parametrize("nb", ALL)
def test_bundled(execute, bundled_dir, nb: Notebook):
    nb.bundled(execute(nb.lesson), bundled_dir)


@pytest.mark.parametrize("nb", OTHER_SEED)
def test_other_seed(execute, alt_data_dir, nb: Notebook):
    run = execute(nb.lesson, data_dir=str(alt_data_dir), seed=ALT_SEED,
                  **nb.other_seed_parameters)
    nb.other_seed(run, alt_data_dir)


@pytest.mark.parametrize("nb", TRAINEE)
def test_trainee_copy_runs_unanswered(execute, nb: Notebook):
    """The Chinese trainee copy runs top to bottom with its answers blank (see the docstring)."""
    nb.trainee(execute(nb.lesson, which="zh-trainee"))


@pytest.mark.parametrize("nb", ALL)
def test_chinese_edition(execute, nb: Notebook):
    """The Chinese edition on the bundled data keeps the English run's results and speaks Chinese.

    The run is the Chinese trainee copy's (``test_trainee_copy_runs_unanswered``), in the same
    shared kernel; the English run is the cached ``test_bundled`` one. A notebook without a
    complete Chinese text fails here by name.
    """
    (solution,) = SOLUTIONS_DIR.glob(f"{nb.lesson}-*.ipynb")
    problems = edition_problems(solution)
    assert not problems, (f"nb{nb.lesson} has no Chinese edition yet: {problems} "
                          f"(see tests/test_i18n.py)")
    english, chinese = execute(nb.lesson), execute(nb.lesson, which="zh-trainee")
    differ = {k: (v, chinese.results.get(k)) for k, v in english.results.items()
              if json.dumps(v, sort_keys=True, default=str)
              != json.dumps(chinese.results.get(k), sort_keys=True, default=str)}
    assert not differ, f"nb{nb.lesson}: the Chinese edition kept other results: {differ}"
    said = feedback_lines(chinese)
    assert said, f"nb{nb.lesson}: the Chinese run shows no exercise feedback"
    english_said = [line for line in said if "练习" not in line or "Exercise" in line]
    assert not english_said, f"nb{nb.lesson}: feedback not in Chinese: {english_said[:3]}"
    tofu = [line for line in chinese.outputs_text().splitlines() if "missing from font" in line]
    assert not tofu, f"nb{nb.lesson}: glyphs missing in plots: {tofu[:2]}"


@pytest.mark.parametrize("more", EXTRA)
def test_more(execute, request, more: More):
    more.check(execute, request)


def _written_files(run: Any) -> dict[str, str]:
    """Every file a run wrote (its output folder, its working folder), the notebook aside."""
    return {f"file {path.relative_to(run.out_dir)}": file_text(path)
            for path in sorted(run.out_dir.rglob("*"))
            if path.is_file() and path != run.path and path.suffix != ".html"}


@pytest.mark.parametrize("nb", ALL)
def test_no_personal_data_in_outputs(execute, nb: Notebook):
    """No clear phone, ID number, e-mail or person's name of the bundled data in what a run shows
    (cell outputs, error messages, widget state) or writes (issue 10); the bundled run is reused."""
    run = execute(nb.lesson)
    places = {**notebook_text(run.notebook), **_written_files(run)}
    assert any(place.startswith("cell") for place in places)
    found = leaks(places)
    assert not found, f"nb{nb.lesson} shows or writes clear personal data: {found}"


@pytest.mark.notebook
@pytest.mark.xdist_group("nb01")
def test_html_export_has_no_personal_data(execute, tmp_path: Path):
    """The HTML export (``make course``) of the lesson that shows customer rows masks them too."""
    run = execute("01")
    copy = tmp_path / run.path.name
    copy.write_bytes(run.path.read_bytes())
    html = export_html(copy).read_text(encoding="utf-8")
    assert re.search(r"1[3-9]\d\*{4}\d{4}", html), "the export shows no (masked) phone at all"
    found = leaks({"html export": html})
    assert not found, f"the HTML export of nb01 shows clear personal data: {found}"


def test_every_notebook_is_in_the_harness():
    """A new notebook cannot be forgotten: the course map and the harness list the same ones."""
    assert [nb.lesson for nb in NOTEBOOKS] == list(COURSE_MAP)
    assert {more.lesson for more in MORE} <= set(COURSE_MAP)


def test_the_runs_a_further_run_shares_are_in_its_group():
    """A further run that reads the bundled run (``execute("NN")`` alone) must be listed in
    ``SHARES_BUNDLED``, else it would run the notebook a second time on another worker."""
    for more in MORE:
        bare = f'execute("{more.lesson}")' in inspect.getsource(more.check)
        assert bare == (more.name in SHARES_BUNDLED), more.name
    names = {more.name for more in MORE}
    assert SHARES_BUNDLED <= names and set(SHARES_RUN) | set(SHARES_RUN.values()) <= names
