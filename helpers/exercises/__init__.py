"""Self-checks for the exercises: ``check("03.1", answer, **data)`` says right or wrong, with a hint.

The expected answer is *computed* from the data the trainee is working on (so a trainee with their
own seed's dataset is checked against their own data) and is never printed.

Exercises are defined in one module per lesson, ``helpers/exercises/mNN_*.py``, with the
:func:`exercise` decorator::

    @exercise("03.1", hint="Count the rows whose segment is 'champions'.")
    def champions(rfm):
        return int((rfm["segment"] == "champions").sum())

and used in a notebook as::

    answer = ...            # the trainee's code
    check("03.1", answer, rfm=rfm)
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Exercise", "CheckResult", "exercise", "check", "registered", "answers_match"]


@dataclass(frozen=True)
class Exercise:
    """An exercise: how to compute the expected answer, and how to compare."""

    key: str
    expected: Callable[..., Any]
    hint: str
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9
    ordered: bool = True


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check; truthy when the answer is right."""

    key: str
    status: str  # "right", "wrong" or "unanswered"
    message: str

    @property
    def correct(self) -> bool:
        """True when the answer is right."""
        return self.status == "right"

    def __bool__(self) -> bool:
        return self.correct

    def _repr_html_(self) -> str:
        colour = {"right": "#1a7f37", "wrong": "#b35900", "unanswered": "#57606a"}[self.status]
        return f'<div style="color:{colour};font-weight:600">{self.message}</div>'

    def __repr__(self) -> str:
        return self.message


_REGISTRY: dict[str, Exercise] = {}


def exercise(
    key: str,
    hint: str,
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
    ordered: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that computes exercise ``key``'s expected answer.

    Parameters
    ----------
    key : str
        ``"NN.k"``: lesson number and exercise number, e.g. ``"03.2"``.
    hint : str
        Shown when the answer is wrong. Must not give the answer away.
    rel_tol, abs_tol : float
        Tolerance for numeric answers.
    ordered : bool
        For list-like answers: whether order matters.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if key in _REGISTRY and _REGISTRY[key].expected.__qualname__ != func.__qualname__:
            raise ValueError(f"exercise {key!r} is defined twice")
        _REGISTRY[key] = Exercise(key, func, hint, rel_tol, abs_tol, ordered)
        return func

    return register


def _load_lesson(key: str) -> None:
    prefix = f"m{key.split('.')[0]}_"
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith(prefix):
            importlib.import_module(f"{__name__}.{info.name}")


def registered(key: str) -> Exercise:
    """Return the exercise called ``key`` (importing its lesson's module on first use).

    Parameters
    ----------
    key : str
        ``"NN.k"``, e.g. ``"03.2"``.

    Returns
    -------
    Exercise
        How the expected answer is computed and compared.

    Raises
    ------
    KeyError
        If no lesson module defines the exercise (a wrong number in the notebook).
    """
    if key not in _REGISTRY:
        _load_lesson(key)
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"no exercise {key!r}; check the number in the notebook") from None


def _as_plain(value: Any) -> Any:
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
    answer, expected = _as_plain(answer), _as_plain(expected)
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
        return set(answer) == set(expected) and all(
            answers_match(answer[k], expected[k], ex) for k in expected
        )
    if isinstance(expected, pd.DataFrame) and isinstance(answer, pd.DataFrame):
        if list(answer.columns) != list(expected.columns) or answer.shape != expected.shape:
            return False
        return all(
            answers_match(list(answer[c]), list(expected[c]), ex) for c in expected.columns
        )
    return answer == expected


def check(key: str, answer: Any, **data: Any) -> CheckResult:
    """Check a trainee's answer to exercise ``key`` against the data they are working on.

    The expected answer is never shown; a wrong answer gets the exercise's hint.

    Parameters
    ----------
    key : str
        The exercise, ``"NN.k"``.
    answer : Any
        The trainee's answer (``None`` or ``...``: not answered yet).
    **data : Any
        The tables the expected answer is computed from (as the exercise function names them).

    Returns
    -------
    CheckResult
        Shows itself as a coloured line in the notebook; truthy when right.

    Examples
    --------
    >>> check("11.3", None, crm=None)
    ⏳ Exercise 11.3: not answered yet.
    """
    ex = registered(key)
    if answer is None or answer is Ellipsis:
        return CheckResult(key, "unanswered", f"⏳ Exercise {key}: not answered yet.")
    expected = ex.expected(**data)
    if answers_match(answer, expected, ex):
        return CheckResult(key, "right", f"✅ Exercise {key}: right.")
    return CheckResult(key, "wrong", f"❌ Exercise {key}: not yet. Hint: {ex.hint}")
