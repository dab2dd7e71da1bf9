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

>>> set_language("en")
>>> tr("{n:,} customers", n=12345)
'12,345 customers'
"""

from helpers.i18n._core import LANGUAGES, catalog, language, set_language, tr, using_language

__all__ = ["LANGUAGES", "catalog", "language", "set_language", "tr", "using_language"]
