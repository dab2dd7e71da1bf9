"""The active language and the lookup of code strings in the Chinese catalog."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from helpers.config import read_yaml
from helpers.errors import ConfigProblem

#: The editions: English (the default) and Simplified Chinese.
LANGUAGES = ("en", "zh")
CATALOG_DIR = Path(__file__).resolve().parent
_STATE = {"lang": os.environ.get("COURSE_LANG", "en") if os.environ.get(
    "COURSE_LANG", "en") in LANGUAGES else "en"}


def language() -> str:
    """The active edition's language code, ``"en"`` or ``"zh"``."""
    return _STATE["lang"]


def set_language(lang: str) -> None:
    """Switch the edition: plot labels, widgets, feedback and tables follow from now on.

    Parameters
    ----------
    lang : {"en", "zh"}
        English or Simplified Chinese.

    Raises
    ------
    ConfigProblem
        For any other code, naming the allowed ones.
    """
    if lang not in LANGUAGES:
        raise ConfigProblem(f"language {lang!r} is not an edition of this course; use one of "
                            f"{', '.join(LANGUAGES)} (the notebook parameter `lang`).")
    _STATE["lang"] = lang
    for hook in _HOOKS:
        hook(lang)


#: Functions called with the new language whenever it changes (e.g. the CJK font set-up).
_HOOKS: list[Any] = []


@contextmanager
def using_language(lang: str) -> Iterator[None]:
    """Run a block in another edition's language, then switch back.

    >>> with using_language("zh"):
    ...     language()
    'zh'
    >>> language()
    'en'
    """
    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


@cache
def catalog(lang: str = "zh") -> dict[str, str]:
    """The code-string catalog of one language: English text -> its translation.

    It merges every ``helpers/i18n/<lang>/*.yaml`` file (one per part of the course, a flat
    mapping). An English text given two different translations is an error.

    Parameters
    ----------
    lang : str
        The catalog's language (``"zh"``).

    Returns
    -------
    dict
        The merged catalog.

    Raises
    ------
    ConfigProblem
        If a file is not a flat mapping of strings or two files disagree on a text.
    """
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for file in sorted((CATALOG_DIR / lang).glob("*.yaml")):
        entries = read_yaml(file) or {}
        if not isinstance(entries, dict):
            raise ConfigProblem(f"{file}: must be a mapping of English text to its translation.",
                                file=str(file))
        for en, text in entries.items():
            if not isinstance(en, str) or not isinstance(text, str):
                raise ConfigProblem(f"{file}: entry {en!r} must map a string to a string.",
                                    file=str(file))
            if en in merged and merged[en] != text:
                raise ConfigProblem(f"{file}: {en!r} is translated as {text!r} here and as "
                                    f"{merged[en]!r} in {origin[en]}; keep one.", file=str(file))
            merged[en], origin[en] = text, file.name
    return merged


def tr(text: str, /, **fields: Any) -> str:
    """Translate a code string into the active language, then fill its ``{fields}``.

    Parameters
    ----------
    text : str
        The English text (the catalog key), with ``str.format`` fields.
    **fields
        Values for the fields.

    Returns
    -------
    str
        The text in the active language (the English one when the catalog lacks it: the
        completeness test of the catalog keeps that from reaching a trainee).

    Examples
    --------
    >>> tr("share of revenue")
    'share of revenue'
    >>> with using_language("zh"):
    ...     tr("share of revenue")
    '收入占比'
    """
    lang = language()
    out = catalog(lang).get(text, text)  # English: a few display names of data keys
    return out.format(**fields) if fields else out
