"""The timings in the Chinese lessons: header lines, timing tables and the agenda, in Chinese.

The same renderers as the English lessons run in the Chinese edition (their words go through
:func:`~helpers.i18n.tr`); a part named after a notebook section (``"3. A tour of the data"``,
``"widget (3. A tour of the data)"``) takes the section's Chinese heading from the notebook's
Chinese text (``solutions/zh/NN-*.md``), so the table says what the trainee sees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from helpers.i18n import tr
from helpers.i18n._sidecar import TODO, read_notebook_sidecar
from helpers.timings._render import lesson_lines, replace_block, timing_table

_TIMING = re.compile(r"^(Teaching: |授课：)")
_TRACKS = re.compile(r"^(Tracks: |路线：)")
_WRAPPED = re.compile(r"^(?P<kind>widget|written answer) \((?P<section>.*)\)$")


def section_headings(notebook: Path, sidecar: Path) -> dict[str, str]:
    """English ``## `` heading of each notebook section -> its Chinese heading (translated ones).

    Parameters
    ----------
    notebook : Path
        The solution notebook.
    sidecar : Path
        Its Chinese text.

    Returns
    -------
    dict
        Heading text without the ``## `` mark, English -> Chinese.
    """
    if not Path(notebook).exists():
        return {}
    entries = read_notebook_sidecar(sidecar)
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    found = {}
    for cell in cells:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        entry = entries.get(cell.get("id", ""))
        if cell["cell_type"] != "markdown" or not src.startswith("## ") or entry is None \
                or TODO in entry.text or not entry.text.startswith("## "):
            continue
        found[src.splitlines()[0][3:].strip()] = entry.text.splitlines()[0][3:].strip()
    return found


def part_name(part: str, headings: dict[str, str]) -> str:
    """A part's name in the active language (sections from ``headings``, the rest via tr).

    >>> part_name("widget (2. Apply)", {"2. Apply": "2. 应用"})
    'widget (2. 应用)'
    >>> part_name("exercise 03.1", {})
    'exercise 03.1'
    """
    if part in headings:
        return headings[part]
    if wrapped := _WRAPPED.match(part):
        section = headings.get(wrapped["section"], wrapped["section"])
        if wrapped["kind"] == "widget":
            return tr("widget ({section})", section=section)
        return tr("written answer ({section})", section=section)
    if exercise := re.fullmatch(r"exercise (\d\d\.\d+)", part):
        return tr("exercise {key}", key=exercise[1])
    return tr(part)


def translated_parts(parts: pd.DataFrame, headings: dict[str, dict[str, str]]) -> pd.DataFrame:
    """The parts table with each part's name in the active language (``headings`` by module)."""
    out = parts.copy()
    out["part"] = [part_name(p, headings.get(m, {})) for m, p in zip(out["module"], out["part"],
                                                                     strict=True)]
    return out


def refresh_zh_lesson(text: str, parts: pd.DataFrame, totals: pd.DataFrame, module: str) -> str:
    """A Chinese lesson with its header lines and timing table from the timings, in Chinese.

    The header lines stand in the title's section, after its stamp (``授课：`` or the English
    ``Teaching:`` line a translator kept); a title section still TODO is left as it is, and so is
    a lesson without a ``<!-- timings -->`` block.

    Parameters
    ----------
    text : str
        The Chinese lesson.
    parts : pandas.DataFrame
        The parts table, names already translated (:func:`translated_parts`).
    totals : pandas.DataFrame
        As returned by :func:`~helpers.timings.module_totals`.
    module : str
        The lesson's module.

    Returns
    -------
    str
        The refreshed text (call it with the Chinese language active).
    """
    timing, tracks = lesson_lines(totals.loc[module])
    lines = text.split("\n")
    for i, line in enumerate(lines[1:6], start=1):
        if TODO in line or line.startswith("#"):
            break
        if _TIMING.match(line):
            lines[i] = timing
            if i + 1 < len(lines) and _TRACKS.match(lines[i + 1]):
                lines[i + 1] = tracks
            else:
                lines.insert(i + 1, tracks)
            break
    out = "\n".join(lines)
    if "<!-- timings -->" in out:
        out = replace_block(out, "timings", timing_table(parts, module))
    return out
