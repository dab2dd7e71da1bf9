"""The course in two languages: English (the default) and Simplified Chinese, from one source.

Text a trainee sees comes from one of two places:

- **Notebook and lesson prose** is written once per language. A solution notebook
  (``solutions/NN-*.ipynb``) holds the English cells; ``solutions/zh/NN-*.md`` holds the Chinese
  text of each markdown cell, keyed by cell id and stamped with a hash of the English it
  translates (:mod:`helpers.i18n._sidecar`). The Chinese lesson is ``lessons/zh/NN-*.md``, one
  section per English section, stamped the same way. The editions are generated from these; a
  test fails when a cell or section exists in one language only, or when its English changed
  after it was translated (the stamp no longer matches).
- **Strings in code** (plot titles and axis labels, widget labels, exercise feedback, table
  headers, printed summaries) are written in English and passed through :func:`tr`, which looks
  them up in the Chinese catalog ``helpers/i18n/zh/*.yaml`` when the Chinese edition is active.

The editions are built from these (:mod:`helpers.i18n._edition`: ``notebooks/zh/`` only for
notebooks whose Chinese is complete), the drift between them is checked by the tests
(:mod:`helpers.i18n._drift`), ``lessons/GLOSSARY.md`` is generated from the lessons' key terms
(:mod:`helpers.i18n._glossary`), and plots draw Chinese with Noto Sans CJK
(:mod:`helpers.i18n._fonts`). Command line: ``python -m helpers.i18n skeleton|status|glossary|fonts``.

>>> set_language("en")
>>> tr("{n:,} customers", n=12345)
'12,345 customers'
"""

from helpers.i18n._core import LANGUAGES, catalog, language, set_language, tr, using_language
from helpers.i18n._edition import EDITION_DIR, edition_problems, set_lang, zh_solution
from helpers.i18n._fonts import (
    CJK_FAMILY,
    cjk_font_path,
    font_face_css,
    fontconfig_knows_cjk,
    install_user_font,
    setup_fonts,
)

__all__ = ["CJK_FAMILY", "EDITION_DIR", "LANGUAGES", "catalog", "cjk_font_path",
           "edition_problems", "font_face_css", "fontconfig_knows_cjk", "install_user_font",
           "language", "set_lang", "set_language", "setup_fonts", "tr", "using_language",
           "zh_solution"]
