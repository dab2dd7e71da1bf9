"""Helpers behind the customer-classification course.

Every notebook cell mostly calls a function from one of these subpackages and shows the result.
The package is laid out by course part: each lesson's notebook imports the public API of one
subpackage, whose unit tests live in the folder of the same name under ``tests/``.

======  ======================================  ==========================  ======================
lesson  notebook (``solutions/``)               subpackage                  unit tests
======  ======================================  ==========================  ======================
00      ``00-welcome``                          :mod:`helpers.data`         ``tests/data/``
01      ``01-collecting-customer-information``  :mod:`helpers.data`         ``tests/data/``
02      ``02-classifying-by-rules``             :mod:`helpers.segments`     ``tests/segments/``
03      ``03-rfm-migration-cohorts``            :mod:`helpers.segments`     ``tests/segments/``
04      ``04-clustering-lookalike``             :mod:`helpers.segments`     ``tests/segments/``
05      ``05-value-profitability``              :mod:`helpers.value`        ``tests/value/``
06      ``06-customer-lifetime-value``          :mod:`helpers.value`        ``tests/value/``
07      ``07-telemarketing-scoring``            :mod:`helpers.calls`        ``tests/calls/``
08      ``08-scripts-ab-tests-dashboard``       :mod:`helpers.calls`        ``tests/calls/``
09      ``09-receivables-aging-roll-rates``     :mod:`helpers.receivables`  ``tests/receivables/``
10      ``10-collection-strategy-queue``        :mod:`helpers.receivables`  ``tests/receivables/``
11      ``11-capstone-own-data``                :mod:`helpers.capstone`     ``tests/capstone/``
======  ======================================  ==========================  ======================

Every notebook is also run end to end by the one notebook harness, ``tests/notebooks/``
(``pytest tests/notebooks -k nb03`` runs lesson 03's). The lesson texts are
``lessons/NN-<slug>.md``. :data:`COURSE_MAP` holds this table for code (the architecture test
checks it is true).

The core every part builds on:

- :mod:`helpers.errors`      :class:`~helpers.errors.DataProblem` and the helpers that build it
- :mod:`helpers.caveats`     :class:`~helpers.caveats.Caveat`: a result that comes back but may mean little
- :mod:`helpers.config`      typed, validated YAML configuration (``read_config``)
- :mod:`helpers.tables`      the course's data model (canonical tables, data dictionary)
- :mod:`helpers.paths`       where the course reads and writes
- :mod:`helpers.plotting`    ``new_axes``: every ``plot_*`` draws into the caller's axes or a new figure
- :mod:`helpers.display`     ``show`` (masked tables) and ``keep`` (numbers the tests check)
- :mod:`helpers.exercises`   ``check(...)`` for the exercises
- :mod:`helpers.scale`       DuckDB (and ibis/Spark) for data larger than pandas can hold
- :mod:`helpers.simulate`    the seeded generator of the course's datasets
- :mod:`helpers.handouts`    role-play scenarios (``role_play.yaml``) and printable cards (lessons 07, 08, 10)
- :mod:`helpers.course`      running, exporting and preparing the course for a workshop
- :mod:`helpers.timings`     the recorded minutes per part of every module (``lessons/timings.yaml``)
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["COURSE_MAP", "CourseStep", "__version__"]

#: The package version (the only copy: pyproject.toml reads it from here).
__version__ = "0.1.0"


class CourseStep(NamedTuple):
    """One lesson: its notebook, the subpackage it teaches and where that is tested."""

    lesson: str
    slug: str
    subpackage: str
    tests: str

    @property
    def notebook(self) -> str:
        """The notebook's file name (in ``solutions/`` and ``notebooks/``)."""
        return f"{self.lesson}-{self.slug}.ipynb"

    @property
    def lesson_text(self) -> str:
        """The lesson text's file name (in ``lessons/``)."""
        return f"{self.lesson}-{self.slug}.md"


def _steps(subpackage: str, *lessons: tuple[str, str]) -> list[CourseStep]:
    tests = "tests/" + subpackage.rsplit(".", 1)[-1]
    return [CourseStep(lesson, slug, subpackage, tests) for lesson, slug in lessons]


#: Lesson number -> :class:`CourseStep` (notebook, subpackage, tests), in course order.
COURSE_MAP: dict[str, CourseStep] = {
    step.lesson: step for step in [
        *_steps("helpers.data", ("00", "welcome"), ("01", "collecting-customer-information")),
        *_steps("helpers.segments", ("02", "classifying-by-rules"),
                ("03", "rfm-migration-cohorts"), ("04", "clustering-lookalike")),
        *_steps("helpers.value", ("05", "value-profitability"),
                ("06", "customer-lifetime-value")),
        *_steps("helpers.calls", ("07", "telemarketing-scoring"),
                ("08", "scripts-ab-tests-dashboard")),
        *_steps("helpers.receivables", ("09", "receivables-aging-roll-rates"),
                ("10", "collection-strategy-queue")),
        *_steps("helpers.capstone", ("11", "capstone-own-data")),
    ]
}
