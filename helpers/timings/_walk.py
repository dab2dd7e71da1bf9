"""The walk-through: price a notebook cell by cell, and re-time the recorded parts from it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from helpers.timings._schema import KEY, ModuleTiming, Part, Timings, WalkRates, walked_minutes


def _solution_lines(code: str) -> int:
    inside = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", code, flags=re.S)
    return sum(len([x for x in block.splitlines() if x.strip() and not x.strip().startswith("#")])
               for block in inside)


def _part(name: str, kind: str, minutes: float = 0.0, exercise: str | None = None,
          exercise_kind: str = "", section: str = "") -> dict:
    return {"part": name, "kind": kind, "exercise": exercise, "exercise_kind": exercise_kind,
            "section": section or name, "words": 0, "cells": 0, "minutes": minutes}


def _exercise(key: str, rates: WalkRates, kinds: Mapping[str, str], section: str) -> dict:
    return _part(f"exercise {key}", "exercise", rates.exercise_base, key, kinds.get(key, "value"),
                 section)


# Long: one pass over the cells keeps the walk's state (current section, open exercise) together.
def walk_notebook(path: str | Path, rates: WalkRates,
                  kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Walk through a notebook as a trainee would and price every part.

    Sections start at ``## `` headings. Their teaching costs the reading of their text at
    ``words_per_minute`` plus ``code_cell`` per cell run and ``plot_cell`` per chart. An exercise
    (a markdown cell with ``**Exercise NN.k`` or ``**NN.k``, or a code cell calling
    ``check("NN.k", ...)``) costs ``exercise_base`` plus ``exercise_per_line`` per line of its
    solution beyond the first (at most ``exercise_max``); a written answer
    (``<!-- BEGIN SOLUTION -->``) costs ``written_answer``; a widget (``explore_...``) ``widget``.

    Parameters
    ----------
    path : str or Path
        A notebook (``solutions/NN-....ipynb``).
    rates : WalkRates
        The yardstick (``read_timings().walk``).
    kinds : mapping, optional
        Each exercise key's kind (``"value"``, ``"choice"``, ``"predict"``, as registered in
        :mod:`helpers.exercises`); unknown keys are ``"value"``.

    Returns
    -------
    pandas.DataFrame
        One row per part: ``part, kind, exercise, exercise_kind, section, words, cells,
        minutes`` (``section``: the ``## `` section the part is in).
    """
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    section = current = _part("introduction", "teaching")
    rows = [section]
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            key = re.search(rf"\*\*(?:Exercise )?({KEY})", text)
            current = section
            if text.startswith("## "):
                section = current = _part(text.splitlines()[0][3:].strip(), "teaching")
                rows.append(section)
            if key:
                current = _exercise(key.group(1), rates, kinds or {}, section["part"])
                rows.append(current)
            elif "<!-- BEGIN SOLUTION -->" in text:
                rows.append(_part(f"written answer ({section['part']})", "exercise",
                                  rates.written_answer, exercise_kind="written",
                                  section=section["part"]))
            current["words"] += len(text.split())
            current["minutes"] += len(text.split()) / rates.words_per_minute
            continue
        checked = re.search(rf"""\bcheck\(\s*["']({KEY})""", text)
        if checked and current["exercise"] != checked.group(1):
            opened = [r for r in rows if r["exercise"] == checked.group(1)]
            current = opened[0] if opened else _exercise(checked.group(1), rates, kinds or {},
                                                              section["part"])
            if not opened:
                rows.append(current)
        current["cells"] += 1
        if re.search(r"\bexplore_\w+\(", text):
            rows.append(_part(f"widget ({section['part']})", "exercise", rates.widget,
                              exercise_kind="widget", section=section["part"]))
        elif current["kind"] == "exercise":
            extra = rates.exercise_per_line * max(_solution_lines(text) - 1, 0)
            current["minutes"] = min(current["minutes"] + extra, rates.exercise_max)
        else:
            plot = bool(re.search(r"\bplot_\w+\(|plt\.|\.plot\(", text))
            section["minutes"] += rates.plot_cell if plot else rates.code_cell
    out = pd.DataFrame(rows)
    out["minutes"] = out["minutes"].round(1)
    return out[out["minutes"] > 0].reset_index(drop=True)


def _tracks_for(row: pd.Series, previous: Part | None, section: tuple[str, ...],
                default: tuple[str, ...]) -> tuple[str, ...]:
    if row["kind"] == "teaching" or (previous and row["exercise_kind"] in ("widget", "written")):
        return previous.tracks if previous else default
    if row["exercise_kind"] == "value":  # written in pandas: the analyst track's
        return ("analyst",)
    return section


def retime_module(timing: ModuleTiming, walk: pd.DataFrame) -> ModuleTiming:
    """One module's parts re-priced from a new walk through its notebook.

    Sections, widgets and written answers keep their tracks by name, every part its added
    minutes and notes; a new section gets both tracks (only ``analyst`` in a module without
    sales parts); an exercise written in pandas (``exercise_kind == "value"``) is the analyst
    track's, any other exercise (and a new widget or written answer) follows its section. Parts
    the walk does not price (discussion, role play) stay.

    Parameters
    ----------
    timing : ModuleTiming
        The recorded parts.
    walk : pandas.DataFrame
        :func:`walk_notebook` of the module's notebook.

    Returns
    -------
    ModuleTiming
        The re-timed parts (walked parts in notebook order, then the others).
    """
    old = {p.name: p for p in timing.parts}
    has_sales = any("sales" in p.tracks for p in timing.parts)
    default: tuple[str, ...] = ("sales", "analyst") if has_sales else ("analyst",)
    sections: dict[str, tuple[str, ...]] = {}
    parts = []
    for _, row in walk.iterrows():
        previous = old.get(row["part"])
        tracks = _tracks_for(row, previous, sections.get(row["section"], default), default)
        if row["kind"] == "teaching":
            sections[row["part"]] = tracks
        added = previous.added if previous else 0
        note = previous.note if previous and previous.added else str(row["exercise_kind"])
        key = row["exercise"] if isinstance(row["exercise"], str) else None
        parts.append(Part(name=row["part"], kind=row["kind"], tracks=tracks, exercise=key,
                          walk=float(row["minutes"]), added=added, note=note,
                          minutes=walked_minutes(float(row["minutes"])) + added))
    parts += [p for p in timing.parts if p.walk is None]
    return ModuleTiming(title=timing.title, parts=parts)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def dump_timings(timings: Timings) -> str:
    """The timings as the YAML text of ``lessons/timings.yaml`` (one line per part).

    Parameters
    ----------
    timings : Timings
        The timings to write.

    Returns
    -------
    str
        YAML that :func:`~helpers.timings.read_timings` reads back to the same timings.
    """
    lines = ["# The course's recorded timings: minutes per part of every module.",
             "# Written by `python -m helpers.timings --write` (re-time after a notebook changes);",
             "# tracks, added minutes and notes are edited here by hand and kept by a re-time.",
             f"walked: {_q(timings.walked)}", f"method: {_q(timings.method)}", "walk:"]
    lines += [f"  {k}: {v}" for k, v in timings.walk.model_dump().items()]
    lines.append("modules:")
    for module, timing in timings.modules.items():
        lines += [f'  "{module}":', f"    title: {_q(timing.title)}", "    parts:"]
        for p in timing.parts:
            fields = [f"name: {_q(p.name)}", f"kind: {p.kind}", f"minutes: {p.minutes}",
                      f"tracks: [{', '.join(p.tracks)}]"]
            fields += [f"exercise: {_q(p.exercise)}"] if p.exercise else []
            fields += [f"walk: {p.walk}"] if p.walk is not None else []
            fields += [f"added: {p.added}"] if p.added else []
            fields += [f"note: {_q(p.note)}"] if p.note else []
            lines.append("      - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"
