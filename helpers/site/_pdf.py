"""Print: HTML to PDF with WeasyPrint, Chinese in Noto Sans CJK, and what a test reads back.

Every handout and slide deck is an HTML string with :func:`page_css` as its style sheet; the
Chinese font is the file of the ``noto-cjk-sans-otc`` package (:func:`helpers.i18n.cjk_font_path`)
loaded by ``@font-face`` from its ``file://`` address, so a PDF never depends on the fonts of the
machine that builds it. :func:`render_pdf` writes the PDF and returns WeasyPrint's document:
:func:`document_text` and :func:`document_fonts` read it back (the tests' way to check the text
and that no Chinese character fell back to a missing-glyph box).
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from markdown_it import MarkdownIt

from helpers.i18n import CJK_FAMILY, font_face_css

#: Latin text in DejaVu Sans (shipped with matplotlib's Linux builds and most distributions),
#: Chinese in Noto Sans CJK SC.
FONT_STACK = f'"DejaVu Sans", "{CJK_FAMILY}", sans-serif'
#: Page sizes: A4 for handouts, a 16:9 slide (254 mm x 142.9 mm, PowerPoint's widescreen).
PAGES = {"a4": "A4", "a4-landscape": "A4 landscape", "slide": "254mm 142.875mm"}



class Printed(NamedTuple):
    """A PDF written by :func:`render_pdf` and WeasyPrint's document of it (to read back)."""

    path: Path
    document: Any


_MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def esc(text: object) -> str:
    """HTML-escape a value for a page.

    >>> esc("R & F <5>")
    'R &amp; F &lt;5&gt;'
    """
    return html_lib.escape(str(text), quote=True)


def markdown_html(text: str) -> str:
    r"""Markdown (CommonMark with tables, as the lessons are written) as HTML.

    >>> markdown_html("**03.1** | a")
    '<p><strong>03.1</strong> | a</p>\n'
    """
    return _MD.render(text)


def page_css(page: str = "a4", extra: str = "") -> str:
    """The style sheet of a printed page: size, margins, fonts (with the CJK ``@font-face``).

    Parameters
    ----------
    page : {"a4", "a4-landscape", "slide"}
        The page size.
    extra : str
        More CSS for this document.

    Returns
    -------
    str
        CSS text.
    """
    margin = "10mm 12mm" if page == "slide" else "13mm"
    return f"""{font_face_css()}
@page {{ size: {PAGES[page]}; margin: {margin};
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }} }}
html {{ font-family: {FONT_STACK}; font-size: 10.5pt; line-height: 1.4; color: #111; }}
body {{ margin: 0; }}
h1 {{ font-size: 17pt; margin: 0 0 6pt; }} h2 {{ font-size: 13pt; margin: 10pt 0 4pt; }}
h3 {{ font-size: 11pt; margin: 8pt 0 3pt; }} p {{ margin: 3pt 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 4pt 0; font-size: 9pt; }}
th, td {{ border: .6pt solid #777; padding: 3pt 4pt; vertical-align: top; text-align: left; }}
th {{ background: #eef2f7; }} tr {{ break-inside: avoid; }}
.page {{ break-after: page; }} .page:last-child {{ break-after: auto; }}
.muted {{ color: #555; font-size: 9pt; }}
{extra}"""


def html_page(title: str, body: str, lang: str = "en") -> str:
    """A complete HTML document around ``body``.

    >>> html_page("Grid", "<p>x</p>").startswith("<!DOCTYPE html>")
    True
    """
    code = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{code}"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title></head>\n<body>\n{body}\n</body></html>\n")


def render_pdf(html: str, path: Path, css: str = "", base_url: str | None = None) -> Any:
    """Write ``html`` as a PDF at ``path`` (its folder created) with ``css`` applied.

    Parameters
    ----------
    html : str
        The document (:func:`html_page`).
    path : Path
        The PDF to write (replaced when it exists: built files, not data).
    css : str
        The style sheet (:func:`page_css`).
    base_url : str, optional
        Where relative image addresses are resolved.

    Returns
    -------
    weasyprint.Document
        The laid-out document (``len(doc.pages)``, :func:`document_text`, :func:`document_fonts`).
    """
    # deferred: WeasyPrint (and Pango behind it) takes seconds to import; only print builds need it
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheet = CSS(string=css or page_css(), font_config=fonts)
    doc = HTML(string=html, base_url=base_url).render(stylesheets=[sheet], font_config=fonts)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(path)
    return doc


def _boxes(box: Any) -> Iterator[Any]:
    """Every box under ``box`` (depth first)."""
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def document_text(doc: Any) -> str:
    """The text of a rendered document, page by page (pages separated by a form feed).

    Parameters
    ----------
    doc : weasyprint.Document
        From :func:`render_pdf`.

    Returns
    -------
    str
        The text of every text box, in layout order.
    """
    pages = []
    for page in doc.pages:
        pages.append(" ".join(b.text for b in _boxes(page._page_box) if getattr(b, "text", None)))
    return "\f".join(pages)


def document_fonts(doc: Any) -> dict[str, set[int]]:
    """The font families a written document uses, each with the code points it had no glyph for.

    Parameters
    ----------
    doc : weasyprint.Document
        From :func:`render_pdf` (after it was written).

    Returns
    -------
    dict of str to set of int
        Family name -> missing code points (empty: no missing-glyph box).
    """
    used: dict[str, set[int]] = {}
    for font in doc.fonts.values():
        used.setdefault(str(font.family), set()).update(getattr(font, "missing", ()) or ())
    return used
