r"""The course's recorded timings: minutes per part of every module, the two tracks, the agendas.

``lessons/timings.yaml`` records, module by module, what a walk-through of each
``solutions/NN`` notebook took: one entry per part (teaching of a section, each exercise, a
widget, the discussion, a role play), its minutes and the tracks it belongs to (``sales``: no code
needed: widgets, Voilà, fill-in cells, discussion and role play; ``analyst``: the code and the
models as well). Everything else is derived from that one file, so it cannot drift:

- each lesson's header lines ``Teaching: N min · Exercises: M min · ...`` and ``Tracks: ...``
  and the timing table of its instructor notes (:func:`refresh_lesson`);
- the totals and both agendas in ``lessons/AGENDA.md`` (:func:`agenda_layout`,
  :func:`agenda_markdown`), whose sessions add up to each track's minutes.

Modules: :mod:`~helpers.timings._schema` (the file's schema, :func:`read_timings`),
:mod:`~helpers.timings._walk` (:func:`walk_notebook`: the walk-through as a repeatable estimate,
cell by cell, with the rates recorded in the same file; :func:`retime_module`,
:func:`dump_timings`), :mod:`~helpers.timings._render` (totals, lesson lines, tables, agendas).
``python -m helpers.timings`` compares the recorded minutes with a walk through the notebooks as
they are now; ``--write`` re-times and refreshes the lessons and the agenda. Tests:
``tests/test_lessons.py``.

>>> text = "| 09:00-09:30 | 30 | 00 | welcome |\n| 09:30-09:45 | 15 | break | |"
>>> agenda_sessions("## Sales workshop\n### Day 1\n" + text)[["day", "module", "minutes"]]
     day module  minutes
0  Day 1     00       30
1  Day 1  break       15
"""

from __future__ import annotations

from helpers.timings._render import (
    DayPlan,
    agenda_layout,
    agenda_markdown,
    agenda_sessions,
    lesson_lines,
    module_totals,
    parts_table,
    refresh_lesson,
    replace_block,
    timing_table,
    totals_markdown,
)
from helpers.timings._schema import (
    KINDS,
    TIMINGS_FILE,
    TRACKS,
    ModuleTiming,
    Part,
    Timings,
    WalkRates,
    read_timings,
    walked_minutes,
)
from helpers.timings._walk import dump_timings, retime_module, walk_notebook

__all__ = [
    "KINDS",
    "TIMINGS_FILE",
    "TRACKS",
    "DayPlan",
    "ModuleTiming",
    "Part",
    "Timings",
    "WalkRates",
    "agenda_layout",
    "agenda_markdown",
    "agenda_sessions",
    "dump_timings",
    "lesson_lines",
    "module_totals",
    "parts_table",
    "read_timings",
    "refresh_lesson",
    "replace_block",
    "retime_module",
    "timing_table",
    "totals_markdown",
    "walk_notebook",
    "walked_minutes",
]
