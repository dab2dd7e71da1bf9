"""The Chinese text of notebooks and lessons, kept beside the English and stamped against it.

A notebook's Chinese text lives in ``solutions/zh/<notebook>.md``: one entry per markdown cell of
the solution notebook, in notebook order::

    <!-- cell: 29ff61d5 | en: 1a2b3c4d -->
    ## 1. 从交易记录到每位客户一行
    ...

``cell`` is the markdown cell's id, ``en`` the :func:`source_hash` of the English source the
entry translates. A Chinese lesson, ``lessons/zh/<lesson>.md``, has one section per English
section (split at ``#``, ``##`` and ``###`` headings), each heading followed by a stamp line
``<!-- en: 1a2b3c4d -->``. Blocks the course generates (``<!-- timings -->`` … and the timing lines
under the title) are left out of the hash, so regenerating them never makes a translation stale.

An entry still to be written holds ``<!-- TODO: translate`` and the English text in a comment:
:func:`notebook_skeleton` and :func:`lesson_skeleton` add such entries for what is missing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

TODO = "<!-- TODO: translate"
_CELL = re.compile(r"^<!-- cell: (?P<id>[\w-]+) \| en: (?P<hash>[0-9a-f]{8}) -->[ \t]*$", re.M)
_STAMP = re.compile(r"^<!-- en: (?P<hash>[0-9a-f]{8}) -->[ \t]*$")
_HEADING = re.compile(r"^#{1,3} ")
_GENERATED_LINE = re.compile(r"^(Teaching: .* min|Tracks: .*|授课：.*|路线：.*)$")
_GENERATED_BLOCK = re.compile(r"(<!-- (?P<name>[\w:-]+) -->\n).*?(<!-- /(?P=name) -->)", re.S)
_BLOCK_EDGE = re.compile(r"^<!-- (?P<close>/?)(?P<name>[\w:-]+) -->$")


def source_hash(text: str) -> str:
    """The stamp of an English text: 8 hex digits of its SHA-256 (outer whitespace ignored).

    >>> source_hash("## Key points")
    '226662e5'
    """
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Entry:
    """One translated cell or section: the stamp of its English and its Chinese text."""

    key: str
    en_hash: str
    text: str

    @property
    def todo(self) -> bool:
        """Whether the entry still waits for its translation."""
        return TODO in self.text


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def markdown_cells(notebook: Path) -> list[tuple[str, str]]:
    """``(cell id, English source)`` of every markdown cell of a notebook, in order."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [(c["id"], _cell_source(c)) for c in nb["cells"] if c["cell_type"] == "markdown"]


def read_notebook_sidecar(path: Path) -> dict[str, Entry]:
    """The entries of a notebook's Chinese file, by cell id (empty if the file is missing)."""
    if not Path(path).exists():
        return {}
    text = Path(path).read_text(encoding="utf-8")
    marks = list(_CELL.finditer(text))
    entries = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        entries[m["id"]] = Entry(m["id"], m["hash"], text[m.end():end].strip("\n"))
    return entries


def write_notebook_sidecar(path: Path, cells: list[tuple[str, str]],
                           entries: dict[str, Entry]) -> None:
    """Write a notebook's Chinese file in notebook order; cells without an entry get a TODO."""
    parts = []
    for cell_id, source in cells:
        entry = entries.get(cell_id)
        body = entry.text if entry else f"{TODO}\n{source.replace('-->', '-- >')}\n-->"
        stamp = entry.en_hash if entry else source_hash(source)
        parts.append(f"<!-- cell: {cell_id} | en: {stamp} -->\n{body}\n")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(parts), encoding="utf-8")


def notebook_skeleton(notebook: Path, sidecar: Path) -> int:
    """Add a TODO entry to ``sidecar`` for every markdown cell of ``notebook`` it lacks.

    Existing entries are kept (also stale ones; :func:`notebook_status` lists those).

    Returns
    -------
    int
        How many entries were added.
    """
    cells = markdown_cells(notebook)
    entries = read_notebook_sidecar(sidecar)
    write_notebook_sidecar(sidecar, cells, entries)
    return sum(1 for cell_id, _ in cells if cell_id not in entries)


def notebook_status(notebook: Path, sidecar: Path) -> dict[str, list[str]]:
    """What is missing, still TODO, stale (English changed) or orphaned in a notebook's Chinese."""
    cells = markdown_cells(notebook)
    entries = read_notebook_sidecar(sidecar)
    ids = {cell_id for cell_id, _ in cells}
    return {
        "missing": [c for c, _ in cells if c not in entries],
        "todo": [c for c, _ in cells if c in entries and entries[c].todo],
        "stale": [c for c, s in cells if c in entries and not entries[c].todo
                  and entries[c].en_hash != source_hash(s)],
        "orphaned": [k for k in entries if k not in ids],
    }


def _strip_generated(text: str) -> str:
    text = _GENERATED_BLOCK.sub(lambda m: m[1] + m[3], text)
    return "\n".join(line for line in text.splitlines() if not _GENERATED_LINE.match(line))


def lesson_sections(text: str) -> list[tuple[str, str]]:
    r"""``(heading line, body)`` of each section of a lesson, split at ``#``–``###`` headings.

    Headings in code blocks and in generated blocks (an agenda's ``### Day 1``) do not split.

    >>> [h for h, _ in lesson_sections("# A\n<!-- agenda:x -->\n### Day 1\n<!-- /agenda:x -->\n## B")]
    ['# A', '## B']
    """
    sections: list[tuple[str, list[str]]] = []
    in_code, block = False, ""
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        edge = _BLOCK_EDGE.match(line.strip())
        if edge and not block and not edge["close"]:
            block = edge["name"]
        elif edge and edge["close"] and edge["name"] == block:
            block = ""
        if not in_code and not block and _HEADING.match(line):
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line)
    return [(head, "\n".join(body)) for head, body in sections]


def section_hash(heading: str, body: str) -> str:
    """The stamp of an English lesson section, generated blocks and timing lines left out."""
    return source_hash(heading + "\n" + _strip_generated(body))


def lesson_skeleton(english: Path, chinese: Path) -> int:
    """Write a Chinese lesson skeleton: one section per English section, each stamped, TODO.

    Sections already in ``chinese`` are kept when their position and heading level match.

    Returns
    -------
    int
        How many TODO sections were added.
    """
    en = lesson_sections(Path(english).read_text(encoding="utf-8"))
    old = lesson_sections(chinese.read_text(encoding="utf-8")) if chinese.exists() else []
    out, added = [], 0
    for i, (head, body) in enumerate(en):
        level = head.split(" ", 1)[0]
        if i < len(old) and old[i][0].split(" ", 1)[0] == level:
            out.append(old[i][0] + "\n" + old[i][1].strip("\n") + "\n")
            continue
        added += 1
        out.append(f"{head}\n<!-- en: {section_hash(head, body)} -->\n{TODO}\n"
                   f"{body.strip().replace('-->', '-- >')}\n-->\n")
    chinese.parent.mkdir(parents=True, exist_ok=True)
    chinese.write_text("\n".join(out), encoding="utf-8")
    return added


def lesson_status(english: Path, chinese: Path) -> dict[str, list[str]]:
    """Sections of a Chinese lesson that are missing, TODO or stale, by English heading."""
    en = lesson_sections(Path(english).read_text(encoding="utf-8"))
    zh = lesson_sections(chinese.read_text(encoding="utf-8")) if chinese.exists() else []
    status: dict[str, list[str]] = {"missing": [], "todo": [], "stale": [], "extra": []}
    for i, (head, body) in enumerate(en):
        if i >= len(zh):
            status["missing"].append(head)
            continue
        lines = zh[i][1].strip("\n").splitlines()
        stamp = _STAMP.match(lines[0]) if lines else None
        if TODO in zh[i][1]:
            status["todo"].append(head)
        elif not stamp or stamp["hash"] != section_hash(head, body):
            status["stale"].append(head)
    status["extra"] = [head for head, _ in zh[len(en):]]
    return status
