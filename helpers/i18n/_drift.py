"""What keeps the two editions from drifting apart: checks run by the tests and ``status``.

Each check compares one English text with its Chinese text (a markdown cell with its entry, a
lesson section, a catalog entry) and names what differs: exercise numbers, solution markers,
the code spans that name variables and answers, ``{fields}``, English left over.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from typing import Any

_EXERCISE = re.compile(r"(?:Exercises?|练习)\s*\**\s*(\d{2}\.\d+)")
_MARKERS = ("<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->")
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
_SPAN = re.compile(r"(`+)(.+?)\1")
#: A span that names something a trainee types: an identifier or a quoted answer string.
_NAMED = re.compile(r"""^(?:[A-Za-z_][A-Za-z0-9_]*|(["'])[^"'`]+\1)$""")
_NOISE = re.compile(r"<!--.*?-->|https?://\S+|\[([^\]]*)\]\([^)]*\)|<[^>]+>", re.S)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: More consecutive English words than this in a Chinese text is English left over.
MAX_ENGLISH_WORDS = 12


def exercise_numbers(text: str) -> list[str]:
    """The exercise numbers a text names (``Exercise 03.4`` or ``练习 03.4``), sorted.

    >>> exercise_numbers("**Exercise 03.4.** … see Exercise 03.1") == exercise_numbers("**练习 03.4.** 练习 03.1")
    True
    """
    return sorted(set(_EXERCISE.findall(text)))


def solution_markers(text: str) -> tuple[int, int]:
    """How many ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` markers a text has."""
    return text.count(_MARKERS[0]), text.count(_MARKERS[1])


def named_spans(text: str) -> set[str]:
    """Inline code spans naming a variable or an answer string (``answer``, ``"champions"``).

    >>> sorted(named_spans('Assign `answer` to `"more than half"`; see `mappings/` and `f(x)`.'))
    ['"more than half"', 'answer']
    """
    prose = _FENCE.sub("", text)
    return {m[2].strip() for m in _SPAN.finditer(prose) if _NAMED.match(m[2].strip())}


def missing_spans(english: str, chinese: str) -> list[str]:
    """The named code spans of the English that the Chinese text does not carry."""
    zh = {m[2].strip() for m in _SPAN.finditer(chinese)}
    return sorted(named_spans(english) - zh)


def english_runs(text: str, limit: int = MAX_ENGLISH_WORDS) -> list[str]:
    """Runs of more than ``limit`` consecutive English words outside code, comments and links.

    >>> english_runs("这是中文。" + "and this is a very long English sentence left over here by mistake ok")
    ['and this is a very long English sentence left over here by mistake ok']
    >>> english_runs("用 `customer_summary` 计算，参数 `as_of` 见 [docs](https://x.y/a-b-c).")
    []
    """
    prose = _NOISE.sub(lambda m: f" {m[1] or ''} 。", _FENCE.sub("。", text))
    prose = _SPAN.sub("。", prose)
    runs = []
    for chunk in re.split(r"[^\x00-\x7f]+|[|*_#>]", prose):
        words = _WORD.findall(chunk)
        if len(words) > limit:
            runs.append(" ".join(words))
    return runs


def fields(text: str) -> set[str]:
    """The ``str.format`` field names of a text (``{n:,}`` -> ``n``).

    >>> sorted(fields("{n:,} customers, {share:.0%} of {who}"))
    ['n', 'share', 'who']
    """
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return names


def tr_literals(source: str) -> Iterator[tuple[int, str]]:
    r"""``(line, text)`` of every ``tr("literal", ...)`` call in Python source.

    >>> list(tr_literals("x = tr(\"Hello {n}\", n=1)\ny = tr(name)"))
    [(1, 'Hello {n}')]
    """
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "tr"
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value


def untranslated(texts: dict[str, str], catalog: dict[str, str]) -> list[str]:
    """Which of ``texts`` (English -> where it comes from) the catalog lacks or fills wrongly.

    Returns
    -------
    list of str
        ``"<where>: <text>"`` for a missing entry, ``"<where>: <text> (fields ...)"`` for an
        entry whose ``{fields}`` differ.
    """
    problems = []
    for text, where in texts.items():
        if text not in catalog:
            problems.append(f"{where}: {text!r}")
        elif fields(text) != fields(catalog[text]):
            problems.append(f"{where}: {text!r} (fields {sorted(fields(text))} vs "
                            f"{sorted(fields(catalog[text]))})")
    return problems


def exercise_texts(ex: Any) -> dict[str, str]:
    """Every fixed string of an exercise a trainee may see, mapped to where it comes from."""
    found = {ex.hint: f"{ex.key} hint", ex.shows: f"{ex.key} shows",
             ex.range_hint or "": f"{ex.key} range_hint"}
    for m in ex.mistakes:
        found.setdefault(m.hint, f"{ex.key} mistake {m.name!r}")
    for label, feedback in ex.options.items():
        if not re.fullmatch(r"\w{1,2}", label):  # "a", "b", "c" stay as they are
            found.setdefault(label, f"{ex.key} option")
        found.setdefault(feedback, f"{ex.key} option {label!r} feedback")
    return {k: v for k, v in found.items() if k}
