"""The layers every check goes through before the value: type and range; built-in mistakes."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from helpers.i18n import tr


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the hint aimed at it.

    ``wrong(expected, **data)`` computes the wrong answer (it may name only the data it needs);
    with ``several=True`` it returns a list of wrong answers, any of which is this mistake.
    """

    name: str
    wrong: Callable[..., Any]
    hint: str
    several: bool = False


def _rounded(expected: Any) -> list[Any]:
    if not isinstance(expected, Real) or isinstance(expected, bool):
        return []
    return [round(float(expected), d) for d in (0, 1, 2, 3)]


def _scaled(factor: float) -> Any:
    def wrong(expected: Any) -> Any:
        return expected * factor if isinstance(expected, Real) else None
    return wrong


BUILTIN = {
    "percent": (_scaled(100.0), False,
                "that looks like a percentage: give a fraction between 0 and 1 (divide by 100)."),
    "fraction": (_scaled(0.01), False,
                 "that looks like a fraction: give a percentage, 0 to 100 (multiply by 100)."),
    "rounded": (_rounded, True,
                "close, but rounded: keep every decimal (do not round the answer)."),
    "complement": (lambda expected: 1 - expected if isinstance(expected, Real) else None, False,
                   "that is the other side: the share that does NOT meet the condition."),
}


def builtin_mistake(name: str, hint: str | None = None) -> Mistake:
    """A built-in mistake by name (``percent``, ``fraction``, ``rounded``, ``complement``).

    Parameters
    ----------
    name : str
        The built-in's name.
    hint : str, optional
        A hint of the exercise's own instead of the built-in's.

    Returns
    -------
    Mistake
        The mistake.

    Raises
    ------
    ValueError
        For an unknown name.

    Examples
    --------
    >>> builtin_mistake("percent").wrong(0.25)
    25.0
    """
    if name not in BUILTIN:
        raise ValueError(f"unknown built-in mistake {name!r}; use one of {sorted(BUILTIN)} "
                         f"or give (wrong_function, hint)")
    wrong, several, default = BUILTIN[name]
    return Mistake(name, wrong, hint or default, several)


TYPE_NAMES = {float: "one number", int: "a whole number (a count)", str: "text (a label)",
              list: "a list", dict: "a dict", pd.DataFrame: "a table (DataFrame)",
              bool: "True or False"}


def _what(answer: Any) -> str:
    if isinstance(answer, pd.DataFrame):
        return "a table"
    if isinstance(answer, pd.Series):
        return "a column (Series)"
    if isinstance(answer, bool | np.bool_):
        return "True/False"
    if isinstance(answer, str):
        return "text"
    if isinstance(answer, list | tuple | set | np.ndarray | pd.Index):
        return "a list"
    if isinstance(answer, dict):
        return "a dict"
    if isinstance(answer, Real):
        return "a number"
    return type(answer).__name__


def _fits(answer: Any, want: type) -> bool:
    if want is float:
        return isinstance(answer, Real) and not isinstance(answer, bool | np.bool_)
    if want is int:
        return (isinstance(answer, Real) and not isinstance(answer, bool | np.bool_)
                and float(answer).is_integer())
    if want is list:
        return isinstance(answer, list | tuple | set | np.ndarray | pd.Index | pd.Series)
    if want is bool:
        return isinstance(answer, bool | np.bool_)
    return isinstance(answer, want)


def type_problem(answer: Any, expect: type | tuple[type, ...] | None) -> str:
    """The type layer: an empty string when ``answer`` has the type asked for, else the message.

    Parameters
    ----------
    answer : Any
        The trainee's answer.
    expect : type or tuple of types or None
        What is asked for (None: anything).

    Returns
    -------
    str
        ``""`` or a message such as "give one number, not a table".

    Examples
    --------
    >>> type_problem(pd.DataFrame({"a": [1]}), float)
    'give one number, not a table.'
    >>> type_problem(3.5, int), type_problem(0.3, float)
    ('give a whole number (a count), not a number with decimals.', '')
    """
    if expect is None:
        return ""
    wanted = expect if isinstance(expect, tuple) else (expect,)
    if any(_fits(answer, w) for w in wanted):
        return ""
    what = _what(answer)
    if what == "a number" and int in wanted:
        what = "a number with decimals"
    names = tr(" or ").join(tr(TYPE_NAMES.get(w, w.__name__)) for w in wanted)
    return tr("give {names}, not {what}.", names=names, what=tr(what))


def range_problem(answer: Any, bounds: tuple[float, float] | None, message: str | None) -> str:
    """The range layer: ``""`` when a numeric answer lies within ``bounds`` (inclusive).

    Parameters
    ----------
    answer : Any
        The trainee's answer (only numbers are range-checked).
    bounds : (float, float) or None
        The lowest and highest sensible answer.
    message : str or None
        The exercise's own message.

    Returns
    -------
    str
        ``""`` or the message.

    Examples
    --------
    >>> range_problem(35.0, (0, 1), None)
    'a share is a number between 0 and 1.'
    """
    if bounds is None or not isinstance(answer, Real) or isinstance(answer, bool):
        return ""
    lo, hi = bounds
    value = float(answer)
    if not math.isnan(value) and lo <= value <= hi:
        return ""
    if message:
        return tr(message)
    if (lo, hi) == (0, 1):
        return tr("a share is a number between 0 and 1.")
    return tr("a sensible answer lies between {lo:g} and {hi:g}.", lo=lo, hi=hi)
