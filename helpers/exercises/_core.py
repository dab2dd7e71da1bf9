"""What an exercise is: the registry, the decorator, mistakes, choices and check results."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.exercises._builtin import Mistake, builtin_mistake

KINDS = ("value", "choice", "predict")


@dataclass(frozen=True)
class Choice:
    """The expected answer of a choice computed from the data (an interpretation exercise).

    ``right`` is the option to pick; ``feedback`` gives, for every option (the right one too),
    the reason shown when a trainee picks it.
    """

    right: str | tuple[str, ...]
    feedback: Mapping[str, str]


@dataclass(frozen=True)
class Exercise:
    """An exercise: how to compute the expected answer, and how to compare and explain.

    ``kind`` is ``"value"`` (a number, text, list or table), ``"choice"`` (one option of several,
    with feedback for each) or ``"predict"`` (a prediction written before a cell runs, compared
    with what the run shows; ``shows`` says what the result means).
    """

    key: str
    expected: Callable[..., Any]
    hint: str
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9
    ordered: bool = True
    kind: str = "value"
    expect: type | tuple[type, ...] | None = None
    range: tuple[float, float] | None = None
    range_hint: str | None = None
    mistakes: tuple[Mistake, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)
    shows: str = ""


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check; truthy when the answer is right.

    ``layer`` says which check decided: ``"type"``, ``"range"``, ``"option"``, ``"mistake"``,
    ``"value"`` (or ``""`` when right or unanswered); ``mistake`` names the mistake recognised.
    """

    key: str
    status: str  # "right", "wrong", "unanswered" or "unchecked"
    message: str
    layer: str = ""
    mistake: str = ""

    @property
    def correct(self) -> bool:
        """True when the answer is right."""
        return self.status == "right"

    def __bool__(self) -> bool:
        return self.correct

    def _repr_html_(self) -> str:
        colour = {"right": "#1a7f37", "wrong": "#b35900", "unanswered": "#57606a",
                  "unchecked": "#57606a"}[self.status]
        return f'<div style="color:{colour};font-weight:600">{self.message}</div>'

    def __repr__(self) -> str:
        return self.message


_REGISTRY: dict[str, Exercise] = {}


def _mistakes(given: Mapping[str, Any] | Iterable[Any] | None) -> tuple[Mistake, ...]:
    """Mistakes as given to :func:`exercise`: names of built-ins, (wrong, hint) pairs, Mistakes."""
    if given is None:
        return ()
    items = given.items() if isinstance(given, Mapping) else ((g, None) for g in given)
    found = []
    for name, spec in items:
        if isinstance(name, Mistake):
            found.append(name)
        elif spec is None or isinstance(spec, str):
            found.append(builtin_mistake(name, hint=spec))
        else:
            wrong, hint = spec
            found.append(Mistake(name, wrong, hint))
    return tuple(found)


# Long: the docstring documents each declarative option; the body is ten lines.
def exercise(
    key: str,
    hint: str,
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
    ordered: bool = True,
    *,
    kind: str = "value",
    expect: type | tuple[type, ...] | None = None,
    range: tuple[float, float] | None = None,
    range_hint: str | None = None,
    mistakes: Mapping[str, Any] | Iterable[Any] | None = None,
    options: Mapping[str, str] | None = None,
    shows: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that computes exercise ``key``'s expected answer.

    Parameters
    ----------
    key : str
        ``"NN.k"``: lesson number and exercise number, e.g. ``"03.2"``.
    hint : str
        Shown when the answer is wrong and no mistake below explains it. Must not spell out the
        method or give the answer away.
    rel_tol, abs_tol : float
        Tolerance for numeric answers.
    ordered : bool
        For list-like answers: whether order matters.
    kind : {"value", "choice", "predict"}
        What is asked: a value (number, text, list, table), one of ``options``, or a prediction
        compared with what the run shows.
    expect : type or tuple of types, optional
        The type checked first (``float``, ``int``, ``str``, ``list``, ``pandas.DataFrame``):
        a wrong type gets its own message ("give one number, not a table").
    range : (float, float), optional
        Bounds checked second (inclusive), e.g. ``(0, 1)`` for a share.
    range_hint : str, optional
        The message when out of range (default: "a share is between 0 and 1" for (0, 1)).
    mistakes : dict or list, optional
        Typical mistakes, checked before the generic hint: ``{name: (wrong, hint)}`` where
        ``wrong(expected, **data)`` computes the wrong answer, or names of built-ins
        (``"percent"``, ``"fraction"``, ``"rounded"``, ``"complement"``), optionally mapped to
        a hint of their own.
    options : dict, optional
        For ``kind="choice"`` (and ``"predict"`` among labels): each option's label and the
        feedback shown when it is picked. The function returns the right label, or a
        :class:`Choice` when options and reasons are computed from the data.
    shows : str
        For ``kind="predict"``: what the result shows, said after any prediction.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """
    if kind not in KINDS:
        raise ValueError(f"exercise {key!r}: kind must be one of {KINDS}, not {kind!r}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if key in _REGISTRY and _REGISTRY[key].expected.__qualname__ != func.__qualname__:
            raise ValueError(f"exercise {key!r} is defined twice")
        _REGISTRY[key] = Exercise(
            key, func, hint, rel_tol, abs_tol, ordered, kind=kind, expect=expect, range=range,
            range_hint=range_hint, mistakes=_mistakes(mistakes), options=dict(options or {}),
            shows=shows)
        return func

    return register


def choice(key: str, options: Mapping[str, str], hint: str = "",
           **more: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a multiple-choice exercise: ``exercise(key, hint, kind="choice", options=...)``.

    Parameters
    ----------
    key : str
        ``"NN.k"``.
    options : dict
        Each option's label and the feedback shown when a trainee picks it (for the right option:
        why it is right). The decorated function returns the right label.
    hint : str
        Shown with a wrong option's feedback (may be empty).
    **more : Any
        Further arguments of :func:`exercise`.

    Returns
    -------
    callable
        The decorator.
    """
    return exercise(key, hint, kind="choice", options=options, **more)


def lesson_modules(key: str) -> list[str]:
    """The installed expected-answer modules of exercise ``key``'s lesson (none in a trainee's package)."""
    prefix = f"m{key.split('.')[0]}_"
    folder = Path(__file__).parent
    return [f"helpers.exercises.{info.name}" for info in pkgutil.iter_modules([str(folder)])
            if info.name.startswith(prefix)]


def find(key: str) -> Exercise | None:
    """The exercise ``key`` if its expected-answer code is installed (imported on first use)."""
    if key not in _REGISTRY:
        for module in lesson_modules(key):
            importlib.import_module(module)
    return _REGISTRY.get(key)


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
    found = find(key)
    if found is None:
        raise KeyError(f"no exercise {key!r}; check the number in the notebook")
    return found


def all_keys() -> list[str]:
    """Keys of every exercise whose code is installed, in course order."""
    folder = Path(__file__).parent
    for info in pkgutil.iter_modules([str(folder)]):
        if info.name[:1] == "m" and info.name[1:3].isdigit():
            importlib.import_module(f"helpers.exercises.{info.name}")
    return sorted(_REGISTRY, key=lambda k: tuple(int(p) for p in k.split(".")))


def call_with(func: Callable[..., Any], *args: Any, **data: Any) -> Any:
    """Call ``func`` with ``args`` and the items of ``data`` it names (all if it takes ``**``)."""
    params = inspect.signature(func).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return func(*args, **data)
    names = {p.name for p in params}
    return func(*args, **{k: v for k, v in data.items() if k in names})
