"""Slides per module (PDF, 16:9) generated from the lesson and the notebook's executed plots.

A deck is: the title, the objectives, one slide per concept (its heading and first paragraph),
the worked case, up to :data:`MAX_PLOTS` plots of the executed notebook (from ``make course``:
``build/course/solutions/NN-*.ipynb``), the discussion questions and the key points. The Chinese
deck is made from ``lessons/zh/NN-*.md``, whose sections pair one to one with the English ones
(so a section's role is known from the English heading whatever the Chinese heading says); a
Chinese lesson still holding a ``TODO`` entry gets no deck.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from helpers.paths import PROJECT_DIR

from ._pdf import Printed, esc, html_page, markdown_html, page_css, render_pdf

LESSONS_DIR = PROJECT_DIR / "lessons"
#: Where ``make course`` leaves the executed notebooks (``zh/solutions`` for the Chinese edition).
EXECUTED_DIR = PROJECT_DIR / "build" / "course"
#: Plots of the notebook put on slides, at most.
MAX_PLOTS = 4
#: The roles of a lesson's level-2 sections, by their English heading.
ROLES = ("Objectives", "Concepts", "Worked case", "Discussion questions", "Key points")

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TRACK = re.compile(r"\s*\[[^\]]*\]\s*$")
_HEADING = re.compile(r"^(#{1,3}) (.*)$", re.MULTILINE)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

_CSS = """
.slide { break-after: page; }
.slide:last-child { break-after: auto; }
.slide h1 { font-size: 24pt; color: #1f3a5f; border-bottom: 2pt solid #1f3a5f; padding-bottom: 3pt; }
.slide.title h1 { font-size: 28pt; border: none; margin-top: 30mm; }
.slide p, .slide li { font-size: 15pt; line-height: 1.35; } .slide li { margin: 2pt 0; }
.slide.dense p, .slide.dense li { font-size: 12pt; line-height: 1.3; }
.slide.denser p, .slide.denser li { font-size: 10.5pt; line-height: 1.25; }
.slide img { display: block; max-height: 98mm; max-width: 100%; margin: 0 auto; }
.slide table { font-size: 11pt; } .slide .muted { font-size: 11pt; }
"""


class Section(NamedTuple):
    """One heading of a lesson and the Markdown under it (comments removed)."""

    level: int
    heading: str
    body: str


def lesson_sections(text: str) -> list[Section]:
    r"""Split a lesson into its headings (levels 1-3) with the text under each.

    >>> [s.heading for s in lesson_sections("# T\nx\n## Objectives\n- a\n### C [analyst]\ny")]
    ['T', 'Objectives', 'C']
    """
    text = _COMMENT.sub("", text)
    marks = list(_HEADING.finditer(text))
    return [Section(len(m.group(1)), _TRACK.sub("", m.group(2)).strip(),
                    text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip())
            for i, m in enumerate(marks)]


def _first_paragraph(body: str) -> str:
    """The first block of prose (not a table) of a section's Markdown."""
    for block in re.split(r"\n\s*\n", body):
        if block.strip() and not block.lstrip().startswith("|"):
            return block.strip()
    return ""


def _roles(english: list[Section], shown: list[Section]) -> list[tuple[str, Section]]:
    """Each section of ``shown`` with the role its English twin (same position) gives it."""
    out, role = [], ""
    for en, section in zip(english, shown, strict=False):
        if en.level == 2:
            role = en.heading if en.heading in ROLES else ""
        if role and (en.level == 2 or role == "Concepts"):
            out.append((role if en.level == 2 else "concept", section))
    return out


def notebook_plots(notebook: Path, limit: int = MAX_PLOTS) -> list[tuple[str, str]]:
    """The first ``limit`` PNG plots of an executed notebook, each with the heading above it.

    Parameters
    ----------
    notebook : Path
        An executed notebook (absent: no plots).
    limit : int
        How many plots at most.

    Returns
    -------
    list of (str, str)
        (the last Markdown heading before the plot, the PNG as base64).
    """
    if not notebook.is_file():
        return []
    cells: list[dict[str, Any]] = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    heading, plots = "", list[tuple[str, str]]()
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            found = _HEADING.findall(source)
            heading = found[-1][1].strip() if found else heading
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png and len(plots) < limit:
                plots.append((heading, "".join(png).replace("\n", "")))
    return plots


#: Characters of text above which a slide's type gets smaller (a longer one flows onto a
#: second page rather than being cut).
DENSE, DENSER = 650, 1000


def _slide(title: str, body: str, kind: str = "") -> str:
    """One slide's HTML; long text gets a smaller type."""
    text = re.sub(r"<[^>]+>", "", body) if "<img" not in body else ""
    length = len(text) + len(_CJK.findall(text))  # a Chinese character is about two wide
    size = "denser" if length > DENSER else "dense" if length > DENSE else ""
    return f"<section class='slide {kind} {size}'><h1>{esc(title)}</h1>{body}</section>"


def slides_html(english: str, shown: str | None = None,
                plots: list[tuple[str, str]] | None = None) -> str:
    """The slides of one lesson as HTML sections.

    Parameters
    ----------
    english : str
        The English lesson (gives each section its role).
    shown : str, optional
        The lesson in the language of the slides (default: the English one).
    plots : list of (str, str), optional
        From :func:`notebook_plots`.

    Returns
    -------
    str
        One ``<section class="slide">`` per slide.
    """
    en_sections = lesson_sections(english)
    sections = lesson_sections(shown) if shown is not None else en_sections
    title = sections[0]
    lines = [ln for ln in title.body.splitlines() if ln.strip()]
    slides = [_slide(title.heading, f"<p class='muted'>{esc(lines[0]) if lines else ''}</p>",
                     "title")]
    for role, section in _roles(en_sections, sections):
        if role == "Concepts":
            continue
        text = _first_paragraph(section.body) if role in ("concept", "Worked case") else section.body
        slides.append(_slide(section.heading, markdown_html(text)))
        if role == "Worked case":
            slides.extend(_slide(heading or section.heading,
                                 f"<img src='data:image/png;base64,{png}'>")
                          for heading, png in plots or [])
    return "\n".join(slides)


def build_slides(output_dir: Path, langs: tuple[str, ...] = ("en", "zh"),
                 only: tuple[str, ...] = (), executed: Path = EXECUTED_DIR) -> dict[str, Printed]:
    """Write each module's slides as a 16:9 PDF into ``output_dir / lang / NN-slug.pdf``.

    Parameters
    ----------
    output_dir : Path
        The folder (``build/slides``).
    langs : tuple of str
        The editions; a Chinese deck only where ``lessons/zh`` has the lesson with no TODO.
    only : tuple of str
        Module number prefixes (``("03",)``); all when empty.
    executed : Path
        Where the executed notebooks are (``make course``); without them the decks have no plots.

    Returns
    -------
    dict
        ``"lang/NN-slug"`` -> :class:`Printed` (the PDF and its document).
    """
    written: dict[str, Printed] = {}
    for lesson in sorted(LESSONS_DIR.glob("[0-9][0-9]-*.md")):
        if only and not any(lesson.name.startswith(o) for o in only):
            continue
        english = lesson.read_text(encoding="utf-8")
        for lang in langs:
            source = lesson if lang == "en" else LESSONS_DIR / lang / lesson.name
            if not source.is_file() or "<!-- TODO" in source.read_text(encoding="utf-8"):
                continue
            folder = executed / ("solutions" if lang == "en" else f"{lang}/solutions")
            plots = notebook_plots(folder / f"{lesson.stem}.ipynb")
            body = slides_html(english, source.read_text(encoding="utf-8"), plots)
            path = Path(output_dir) / lang / f"{lesson.stem}.pdf"
            doc = render_pdf(html_page(lesson.stem, body, lang), path, page_css("slide", _CSS))
            written[f"{lang}/{lesson.stem}"] = Printed(path, doc)
    return written
