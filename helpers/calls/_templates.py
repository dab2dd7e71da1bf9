"""Texts with ``{placeholder}`` blanks (call scripts, alert messages): the one check of their names.

>>> unknown_placeholders("Hello {agent}, calling from {compnay}", ["agent", "company"])
["{compnay} names no field (did you mean 'company'?)"]
"""

import string
from collections.abc import Iterable

from helpers.errors import did_you_mean


def placeholders(text: str) -> list[str]:
    """The names of the ``{name}`` blanks in ``text``, in order.

    Raises
    ------
    ValueError
        If the braces do not pair up (pydantic reports it as a configuration problem).

    Examples
    --------
    >>> placeholders("{metric} {op} {threshold:.0%} for {days} days")
    ['metric', 'op', 'threshold', 'days']
    """
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}; write a blank as {{name}}") from None
    return [name for _, name, _, _ in parsed if name is not None]


def unknown_placeholders(text: str, fields: Iterable[str]) -> list[str]:
    """One finding per blank in ``text`` that names none of ``fields`` (empty: all is well)."""
    known = list(fields)
    return [f"{{{name}}} names no field{did_you_mean(name, known)}"
            for name in placeholders(text) if name not in known]


def template_problems(text: str, fields: Iterable[str]) -> list[str]:
    """Every problem of a template: unpaired braces, or blanks that name none of ``fields``.

    Examples
    --------
    >>> template_problems("{metric} under {threshold", ["metric", "threshold"])
    ["'{metric} under {threshold': expected '}' before end of string; write a blank as {name}"]
    >>> template_problems("{metric} for {day} days", ["metric", "days"])
    ["{day} names no field (did you mean 'days'?)"]
    """
    try:
        return unknown_placeholders(text, fields)
    except ValueError as exc:
        return [str(exc)]
