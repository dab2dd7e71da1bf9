"""Print-ready handouts (PDF, A4) from the course's own sources, in English and Chinese.

Each handout is built from the file an instructor edits, so the paper never disagrees with the
notebooks: the RFM grid from ``rfm_segments.yaml`` (:func:`helpers.segments.load_segment_map`),
the stage x customer-type matrix from ``collection_playbook.yaml``
(:func:`helpers.receivables.load_collection_playbook`), the 6W3H sheet and the role-play and
observer cards from ``role_play.yaml`` (:mod:`helpers.handouts`), the glossary from
``lessons/GLOSSARY.md`` and the agenda from ``lessons/AGENDA.md`` (``lessons/zh/`` for Chinese).
Labels go through :func:`helpers.i18n.tr`; data values (segment keys, channels) are translated
for display only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from helpers.handouts import cards_html, role_play_cards_for, six_w_three_h
from helpers.i18n import tr, using_language
from helpers.paths import PROJECT_DIR
from helpers.receivables import load_collection_playbook
from helpers.segments import load_segment_map

from ._pdf import Printed, esc, html_page, markdown_html, page_css, render_pdf

#: Where the lessons live (``zh/`` beside them for the Chinese edition).
LESSONS_DIR = PROJECT_DIR / "lessons"
#: Pastel, colour-blind-safe fills (Okabe-Ito, lightened) for the grid's segments.
PALETTE = ("#f5d7a1", "#a9d4f0", "#a5dcc9", "#f7f0a6", "#9fc3e3", "#f1c19d", "#e6b8d0",
           "#d8d8d8", "#cfe6a8", "#c7c2e8", "#f0d0c0", "#bfe3e8")
_GRID_NOTE = "R = how recently the customer bought, F = how often; 5 is best. Source: {file}"
_GENERATED = re.compile(r"<!--.*?-->", re.DOTALL)


def _display(value: str) -> str:
    """A data value as shown in the active language (``tr``; else the key, spaced).

    >>> _display("early_settlement_discount")
    'early settlement discount'
    """
    shown = tr(value)
    return shown.replace("_", " ") if shown == value else shown


def rfm_grid_html() -> str:
    """The RFM segment map as a 5 x 5 grid (R rows, F columns) and its segment table."""
    smap = load_segment_map()
    colour = {s.name: PALETTE[i % len(PALETTE)] for i, s in enumerate(smap.segments)}
    cell = {(r, f): s.name for s in smap.segments
            for r in range(s.r[0], s.r[1] + 1) for f in range(s.f[0], s.f[1] + 1)}
    scores = range(smap.scale, 0, -1)
    head = "".join(f"<th>F = {f}</th>" for f in range(1, smap.scale + 1))
    rows = []
    for r in scores:
        tds = "".join(f'<td style="background:{colour[cell[r, f]]}">{esc(_display(cell[r, f]))}'
                      "</td>" for f in range(1, smap.scale + 1))
        rows.append(f"<tr><th>R = {r}</th>{tds}</tr>")
    legend = "".join(
        f'<tr><td style="background:{colour[s.name]}">{esc(_display(s.name))}</td>'
        f"<td>{s.r[0]}–{s.r[1]}</td><td>{s.f[0]}–{s.f[1]}</td><td>{esc(tr(s.action))}</td></tr>"
        for s in smap.segments)
    return (f"<h1>{esc(tr('RFM segment map'))}</h1>"
            f"<p class='muted'>{esc(tr(_GRID_NOTE, file='helpers/config/rfm_segments.yaml'))}</p>"
            f"<table class='grid'><tr><th>{esc(tr('R score'))} \\ {esc(tr('F score'))}</th>"
            f"{head}</tr>{''.join(rows)}</table>"
            f"<h2>{esc(tr('Segments and what to do'))}</h2><table><tr><th>{esc(tr('segment'))}"
            f"</th><th>R</th><th>F</th><th>{esc(tr('action'))}</th></tr>{legend}</table>")


#: What stands in a script's placeholders on paper.
PLACEHOLDERS = {
    "en": {"agent": "(your name)", "company": "(our company)", "name": "(contact)",
           "invoice": "INV-0417", "balance": "¥12,300", "due_date": "(due date)"},
    "zh": {"agent": "（您的名字）", "company": "（本公司）", "name": "（联系人）",
           "invoice": "INV-0417", "balance": "¥12,300", "due_date": "（到期日）"},
}


def _script(text: str, lang: str) -> str:
    """A playbook script with its placeholders filled for print."""
    return text.format_map(PLACEHOLDERS[lang])


def playbook_matrix_html(lang: str) -> str:
    """The collection playbook as a stage x customer-type matrix, then each stage's script."""
    book = load_collection_playbook()
    names = {t.name: (t.zh if lang == "zh" else t.name.replace("_", " "))
             for t in book.customer_types}
    head = "".join(f"<th>{esc(names[t])}</th>" for t in book.types)
    rows = []
    for stage in book.stage_names:
        tds = []
        for kind in book.types:
            play = book.play(stage, kind)
            offers = ("、" if lang == "zh" else ", ").join(_display(o) for o in play.offers)
            tds.append(f"<td><b>{esc(_display(play.channel))} · {esc(_display(play.actor))}</b>"
                       f"<br>{esc(_display(play.timing))}<br><i>{esc(_display(play.tone))}</i>"
                       f"<br>{esc(tr('every {n} days', n=play.cadence_days))}<br>"
                       f"{esc(tr('offers: {offers}', offers=offers or '–'))}</td>")
        rows.append(f"<tr><th>{esc(stage)}</th>{''.join(tds)}</tr>")
    scripts = "".join(
        f"<tr><th>{esc(stage)}</th><td>{esc(_display(book.play(stage, book.types[-1]).goal))}</td>"
        f"<td>{esc(_script(getattr(book.play(stage, book.types[-1]), f'script_{lang}'), lang))}"
        "</td></tr>"
        for stage in book.stage_names)
    return (f"<div class='page'><h1>{esc(tr('Collection playbook: stage × customer type'))}</h1>"
            f"<table class='matrix'><tr><th>{esc(tr('stage'))}</th>{head}</tr>{''.join(rows)}"
            f"</table></div><h2>{esc(tr('Opening scripts ({kind})', kind=names[book.types[-1]]))}"
            f"</h2><table><tr><th>{esc(tr('stage'))}</th><th>{esc(tr('goal'))}</th>"
            f"<th>{esc(tr('script'))}</th></tr>{scripts}</table>")


def six_w_three_h_html(lang: str) -> str:
    """The 6W3H question sheet with a column to write the answers in."""
    sheet = six_w_three_h()
    rows = "".join(
        f"<tr><th>{esc(row.item)}<br>{esc(row.zh)}</th><td>{esc(row[f'question_{lang}'])}</td>"
        f"<td class='muted'>{esc(row[f'listen_for_{lang}'])}</td><td class='write'></td></tr>"
        for _, row in sheet.iterrows())
    return (f"<h1>{esc(tr('6W3H question sheet'))}</h1>"
            f"<table><tr><th>6W3H</th><th>{esc(tr('question'))}</th>"
            f"<th>{esc(tr('listen for'))}</th><th>{esc(tr('notes'))}</th></tr>{rows}</table>")


def _lesson_file(name: str, lang: str) -> Path | None:
    """``lessons/<name>`` or its Chinese twin ``lessons/zh/<name>``; None when absent or unfinished."""
    path = LESSONS_DIR / name if lang == "en" else LESSONS_DIR / "zh" / name
    if not path.is_file() or "<!-- TODO" in path.read_text(encoding="utf-8"):
        return None
    return path


def markdown_file_html(name: str, lang: str) -> str | None:
    """A lesson-folder Markdown file (the agenda, the glossary) as HTML, comments removed."""
    path = _lesson_file(name, lang)
    if path is None:
        return None
    return markdown_html(_GENERATED.sub("", path.read_text(encoding="utf-8")))


_EXTRA_CSS = """
table.grid { table-layout: fixed; font-size: 10pt; } table.grid td { height: 22mm;
  text-align: center; vertical-align: middle; font-weight: bold; }
table.matrix { font-size: 7.2pt; } td.write { width: 55mm; height: 16mm; }
"""


def _card_kinds(kinds: set[str]) -> Callable[[str], str | None]:
    """A builder of the role-play cards of ``kinds`` (the cards carry both languages)."""
    def build(lang: str) -> str | None:
        cards = [c for c in role_play_cards_for() if c.kind in kinds]
        return cards_html(cards) if cards else None
    return build


#: Handout name -> (page size, builder(lang) -> HTML body or whole document, None = no source).
HANDOUTS: dict[str, tuple[str, Callable[[str], str | None]]] = {
    "rfm-grid": ("a4", lambda lang: rfm_grid_html()),
    "playbook-matrix": ("a4-landscape", playbook_matrix_html),
    "6w3h-sheet": ("a4", six_w_three_h_html),
    "role-play-cards": ("a4", _card_kinds({"agent", "customer", "checklist", "session",
                                           "six_w_three_h"})),
    "observer-cards": ("a4", _card_kinds({"observer"})),
    # the glossary is bilingual: the Chinese edition prints it too until lessons/zh has its own
    "glossary": ("a4-landscape", lambda lang: markdown_file_html("GLOSSARY.md", lang)
                 or markdown_file_html("GLOSSARY.md", "en")),
    "agenda": ("a4-landscape", lambda lang: markdown_file_html("AGENDA.md", lang)),
}


def build_handouts(output_dir: Path, langs: tuple[str, ...] = ("en", "zh"),
                   only: tuple[str, ...] = ()) -> dict[str, Printed]:
    """Write the handouts as PDFs into ``output_dir / lang``; say which were skipped and why.

    Parameters
    ----------
    output_dir : Path
        The folder (``build/handouts``); existing PDFs of the same name are replaced.
    langs : tuple of str
        The editions to print.
    only : tuple of str
        Handout names (keys of :data:`HANDOUTS`); all when empty.

    Returns
    -------
    dict
        ``"lang/name"`` -> :class:`Printed` (the PDF and its document). A handout whose source
        is absent (no ``lessons/GLOSSARY.md`` yet) is left out.
    """
    written: dict[str, Printed] = {}
    for lang in langs:
        with using_language(lang):
            for name, (page, build) in HANDOUTS.items():
                if only and name not in only:
                    continue
                body = build(lang)
                if body is None:
                    continue
                doc = body if body.lstrip().startswith("<!DOCTYPE") else html_page(name, body, lang)
                path = Path(output_dir) / lang / f"{name}.pdf"
                written[f"{lang}/{name}"] = Printed(path, render_pdf(doc, path,
                                                                     page_css(page, _EXTRA_CSS)))
    return written
