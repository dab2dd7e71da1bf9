"""What the course looks like off the screen: offline HTML exports, the course site, slides, handouts.

* ``_offline``: :func:`export_html` (an executed notebook as HTML whose widgets draw from their
  stored state with the vendored renderer, no CDN; ``helpers.course`` exports with it),
  :func:`copy_vendor`, :func:`remote_urls` (what a page would fetch from the network).
* ``vendor/``: require.js and ``@jupyter-widgets/html-manager`` from the npm registry, committed
  with their licences (``vendor/README.md``), so a clean clone builds and views offline.
* ``_site``: :func:`build_site` (Sphinx + myst-nb + sphinx-book-theme, ``site/conf.py``; the
  lessons, executed notebooks, agenda and glossary in course-map order, English and Chinese),
  :func:`stage_sources`, :func:`offline_problems`.
* ``_slides``: :func:`build_slides` (one 16:9 PDF per module from the lesson and the executed
  notebook's plots), :func:`slides_html`, :func:`lesson_sections`.
* ``_handouts``: :func:`build_handouts` (A4 PDFs: RFM grid, playbook matrix, 6W3H sheet,
  role-play and observer cards, glossary, agenda), :data:`HANDOUTS`.
* ``_pdf``: WeasyPrint with the Noto Sans CJK font (:func:`render_pdf`, :func:`page_css`) and what
  a test reads back (:func:`document_text`, :func:`document_fonts`).
* ``__main__``: ``python -m helpers.site site|slides|handouts|export`` (``make site``,
  ``make slides``, ``make handouts``).

Tests: ``tests/site/``.
"""

import importlib
from typing import Any

from ._offline import VENDOR_DIR, copy_vendor, export_html, remote_urls
from ._pdf import Printed, document_fonts, document_text, page_css, render_pdf
from ._site import build_site, offline_problems, stage_sources
from ._slides import build_slides, lesson_sections, slides_html

__all__ = ["HANDOUTS", "Printed", "VENDOR_DIR", "build_handouts", "build_site", "build_slides",
           "copy_vendor", "document_fonts", "document_text", "export_html", "lesson_sections",
           "offline_problems", "page_css", "remote_urls", "render_pdf", "slides_html",
           "stage_sources"]


def __getattr__(name: str) -> Any:
    """The handout builders, imported on first use.

    ``_handouts`` reads the role-play cards, whose module pulls in :mod:`helpers.calls` (and
    scipy behind it): seconds that ``helpers.course``, which exports through this package, and the
    site build do not need.
    """
    if name in ("HANDOUTS", "build_handouts"):
        return getattr(importlib.import_module(f"{__name__}._handouts"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
