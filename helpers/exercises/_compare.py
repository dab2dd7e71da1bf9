"""Comparing an answer with the expected one, and writing answers down for people."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from helpers.exercises._core import Exercise


def as_plain(value: Any) -> Any:
    """Plain Python values for comparing: lists for Series/arrays, scalars for numpy numbers.

    Examples
    --------
    >>> as_plain(np.int64(3)), as_plain(pd.Series([1, 2])), as_plain((1, 2))
    (3, [1, 2], [1, 2])
    """
    if isinstance(value, pd.DataFrame):
        return value.reset_index(drop=True)
    if isinstance(value, pd.Series | pd.Index | np.ndarray):
        return list(np.asarray(value).tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return value


def answers_match(answer: Any, expected: Any, ex: Exercise) -> bool:
    """Compare an answer with the expected value under the exercise's tolerance rules.

    Numbers match within ``rel_tol``/``abs_tol``, text ignoring case and surrounding spaces,
    lists element by element (in any order unless ``ordered``), dicts and tables key by key.

    Parameters
    ----------
    answer, expected : Any
        The trainee's answer and the computed expected one.
    ex : Exercise
        The exercise (its tolerances and ``ordered``).

    Returns
    -------
    bool
        True when they match.

    Examples
    --------
    >>> ex = Exercise("00.0", expected=lambda: None, hint="", ordered=False)
    >>> answers_match([3, 1.0000001], [1, 3], ex), answers_match(" Gold ", "gold", ex)
    (True, True)
    """
    answer, expected = as_plain(answer), as_plain(expected)
    if expected is None or answer is None:
        return answer is None and expected is None
    if isinstance(expected, bool) or isinstance(answer, bool):
        return bool(answer) == bool(expected) and type(answer) is type(expected)
    if isinstance(expected, int | float) and isinstance(answer, int | float):
        if isinstance(expected, float) and math.isnan(expected):
            return isinstance(answer, float) and math.isnan(answer)
        return math.isclose(answer, expected, rel_tol=ex.rel_tol, abs_tol=ex.abs_tol)
    if isinstance(expected, str) and isinstance(answer, str):
        return answer.strip().casefold() == expected.strip().casefold()
    if isinstance(expected, list) and isinstance(answer, list):
        if len(answer) != len(expected):
            return False
        if not ex.ordered:
            try:
                answer, expected = sorted(answer), sorted(expected)
            except TypeError:
                answer, expected = sorted(map(repr, answer)), sorted(map(repr, expected))
        return all(answers_match(a, e, ex) for a, e in zip(answer, expected, strict=True))
    if isinstance(expected, dict) and isinstance(answer, dict):
        return set(map(str, answer)) == set(map(str, expected)) and all(
            answers_match(answer.get(k, answer.get(str(k))), expected[k], ex) for k in expected)
    if isinstance(expected, pd.DataFrame) and isinstance(answer, pd.DataFrame):
        if list(answer.columns) != list(expected.columns) or answer.shape != expected.shape:
            return False
        return all(
            answers_match(list(answer[c]), list(expected[c]), ex) for c in expected.columns
        )
    return bool(answer == expected)


def for_people(value: Any) -> str:
    """An expected answer written for an instructor's answer sheet.

    Examples
    --------
    >>> for_people(0.123456789), for_people(1234567), for_people(["b", "a"])
    ('0.1235 (12.35 %)', '1,234,567', "['b', 'a']")
    """
    value = as_plain(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isfinite(value) and 0 <= value <= 1:
            return f"{value:.4g} ({100 * value:.2f} %)"
        return f"{value:,.4f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, pd.DataFrame):
        return "table " + "\n" + value.head(20).to_string(index=False)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {for_people(v)}" for k, v in value.items())
    return repr(value) if not isinstance(value, str) else value
