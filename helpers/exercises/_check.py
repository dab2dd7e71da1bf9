"""``check``: the layers (type, range, option), the mistakes, the value; live or from the store."""

from __future__ import annotations

import os
from itertools import islice, product
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.exercises._builtin import range_problem, type_problem
from helpers.exercises._compare import answers_match, as_plain, for_people
from helpers.exercises._core import (
    CheckResult,
    Choice,
    Exercise,
    Mistake,
    call_with,
    find,
    lesson_modules,
)
from helpers.exercises._store import (
    RECORD_ENV,
    digest,
    hashed,
    new_salt,
    plain_entry,
    record,
    seal,
    stored_entry,
    tokens,
    unseal,
)
from helpers.i18n import catalog, language, tr

TYPES: dict[str, type] = {"float": float, "int": int, "str": str, "list": list, "dict": dict,
                          "bool": bool, "DataFrame": pd.DataFrame}


def _type_names(expect: type | tuple[type, ...] | None) -> list[str] | None:
    if expect is None:
        return None
    wanted = expect if isinstance(expect, tuple) else (expect,)
    return [w.__name__ for w in wanted]


class _Live:
    """What the expected-answer code says, for one answer's check."""

    def __init__(self, ex: Exercise, expected: Any, data: dict[str, Any]) -> None:
        self.ex, self.data = ex, data
        if isinstance(expected, Choice):
            right = expected.right
            self.rights = [right] if isinstance(right, str) else list(right)
            self.feedbacks = dict(expected.feedback)
            self.expected: Any = self.rights[0]
        else:
            self.rights, self.feedbacks, self.expected = [expected], dict(ex.options), expected

    def labels(self) -> list[str]:
        return list(self.feedbacks)

    def is_right(self, answer: Any) -> bool:
        return any(answers_match(answer, r, self.ex) for r in self.rights)

    def wrong_answers(self, mistake: Mistake) -> list[Any]:
        wrong = call_with(mistake.wrong, self.expected, **self.data)
        return [] if wrong is None else list(wrong) if mistake.several else [wrong]

    def mistake(self, answer: Any) -> Mistake | None:
        return next((m for m in self.ex.mistakes
                     if any(answers_match(answer, w, self.ex) for w in self.wrong_answers(m))),
                    None)

    def feedback(self, label: str) -> str:
        return self.feedbacks.get(label, "")

    def outcome(self) -> str:
        return for_people(self.expected)


class _Stored:
    """What the hidden store says, for one answer's check (no expected-answer code needed)."""

    def __init__(self, ex: Exercise, salt: str, entry: dict[str, Any]) -> None:
        self.ex, self.salt, self.entry = ex, salt, entry
        self._seen: dict[str, set[str]] = {}

    def _digests(self, answer: Any) -> set[str]:
        name = repr(as_plain(answer)) if not isinstance(answer, pd.DataFrame) else answer.to_json()
        if name not in self._seen:
            self._seen[name] = {digest(self.salt, self.ex.key, t)
                                for t in tokens(answer, self.ex, neighbours=True)}
        return self._seen[name]

    def labels(self) -> list[str]:
        return list(self.entry.get("options", []))

    def is_right(self, answer: Any) -> bool:
        return bool(self._digests(answer) & set(self.entry["right"]))

    def mistake(self, answer: Any) -> Mistake | None:
        for m in self.entry.get("mistakes", []):
            if self._digests(answer) & set(m["wrong"]):
                return Mistake(m["name"], lambda expected: None, m["hint"])
        return None

    def feedback(self, label: str) -> str:
        sealed = self.entry.get("feedback", {}).get(label)
        return "" if sealed is None else unseal(self.salt, self.ex.key, label, sealed)

    def outcome(self) -> str:
        return unseal(self.salt, self.ex.key, "outcome", self.entry.get("outcome", ""))


def _from_entry(key: str, entry: dict[str, Any]) -> Exercise:
    names = entry.get("expect")
    expect = None if names is None else tuple(TYPES[n] for n in names if n in TYPES)
    bounds = entry.get("range")
    return Exercise(key, lambda: None, entry.get("hint", ""), entry["rel_tol"], entry["abs_tol"],
                    entry["ordered"], kind=entry["kind"], expect=expect,
                    range=None if bounds is None else (bounds[0], bounds[1]),
                    range_hint=entry.get("range_hint"), shows=entry.get("shows", ""))


def _sealed(ex: Exercise, live: _Live, salt: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": ex.kind, "hint": ex.hint, "expect": _type_names(ex.expect),
        "range": None if ex.range is None else list(ex.range), "range_hint": ex.range_hint,
        "rel_tol": ex.rel_tol, "abs_tol": ex.abs_tol, "ordered": ex.ordered, "shows": ex.shows,
        "right": hashed(salt, ex, live.rights),
        "mistakes": [{"name": m.name, "hint": m.hint,
                      "wrong": hashed(salt, ex, live.wrong_answers(m))} for m in ex.mistakes],
    }
    if live.labels():
        entry["options"] = live.labels()
        entry["feedback"] = {label: seal(salt, ex.key, label, text)
                             for label, text in live.feedbacks.items()}
    if ex.kind == "predict":
        entry["outcome"] = seal(salt, ex.key, "outcome", live.outcome())
    return entry


def _record(ex: Exercise, live: _Live) -> None:
    target = os.environ.get(RECORD_ENV)
    if not target:
        return
    path = Path(target)
    shown: Any = live.expected
    if live.labels():
        why = live.feedback(str(live.expected))
        shown = " / ".join(map(str, live.rights)) + (f" ({why})" if why else "")
    record(path, ex, plain_entry(ex, shown), _sealed(ex, live, new_salt(path)))


def _label(answer: Any, labels: list[str]) -> str | None:
    if not isinstance(answer, str):
        return None
    folded = {label.strip().casefold(): label for label in labels}
    return folded.get(answer.strip().casefold())


def _says(*parts: str) -> str:
    """Parts of a feedback line joined by spaces (empty ones left out)."""
    return " ".join(p for p in parts if p)


def _wrong(ex: Exercise, text: str, layer: str, mistake: str = "") -> CheckResult:
    return CheckResult(ex.key, "wrong", _says(tr("❌ Exercise {key}: not yet.", key=ex.key), text),
                       layer, mistake)


def _shown(text: str) -> str:
    """An exercise's own text (hint, mistake, feedback, ``shows``) in the edition's language."""
    return tr(text) if text else ""


def _option(label: str) -> str:
    """An option as a trainee types it; in Chinese with its translation after it."""
    said = tr(label)
    return repr(label) if said == label else f"{label!r}（{said}）"


def _english(text: str) -> list[str]:
    """The English texts the active catalog translates as ``text`` (reverse lookup)."""
    said = text.strip().casefold()
    return [en for en, zh in catalog(language()).items() if zh.strip().casefold() == said]


def _as_keys(answer: Any, labels: list[str], probe: _Live | _Stored) -> Any:
    """A Chinese answer (an option, a segment name, a list of them) as its English key or keys.

    The same for an English answer written as the English edition shows a key (``"can't
    lose"`` for the segment ``cant lose``: the English display catalog).
    Only when the answer is not already an option or right:
    an option among the English texts the catalog translates as ``answer`` replaces it (one
    such option, else the answer stays); without options the first English text that is right
    does (else the first one); a list of texts is mapped item by item (the first of at most 64
    combinations that is right, else the first).
    """
    texts = isinstance(answer, list | tuple) and answer and all(isinstance(a, str) for a in answer)
    if not (texts or isinstance(answer, str)) or not catalog(language()) \
            or _label(answer, labels) or (not labels and probe.is_right(answer)):
        return answer
    if texts:
        choices = [_english(a) or [a] for a in answer]
        tries = [type(answer)(c) for c in islice(product(*choices), 64)]
        return next((t for t in tries if probe.is_right(t)), tries[0])
    found = _english(answer)
    if labels:
        found = [en for en in found if _label(en, labels)]
        return found[0] if len(found) == 1 else answer
    return next((en for en in found if probe.is_right(en)), found[0] if found else answer)


def _predicted(ex: Exercise, answer: Any, right: bool, probe: _Live | _Stored) -> CheckResult:
    said = tr("You predicted {answer}; the run shows {outcome}.",
              answer=_shown(for_people(answer)), outcome=_shown(probe.outcome()))
    extra = _says(_shown(probe.feedback(answer)) if isinstance(answer, str) else "",
                  _shown(ex.shows))
    if right:
        return CheckResult(ex.key, "right",
                           _says(tr("✅ Exercise {key}: right.", key=ex.key), said, extra))
    return CheckResult(ex.key, "wrong", _says(
        tr("❌ Exercise {key}: not what happened.", key=ex.key), said, extra), "value")


# Long: the layers in order (options, type, range, value, mistakes), each a few lines.
def _judge(ex: Exercise, answer: Any, probe: _Live | _Stored) -> CheckResult:
    labels = probe.labels()
    answer = _as_keys(answer, labels, probe)
    if labels:
        label = _label(answer, labels)
        if label is None:
            return _wrong(ex, tr("Answer with one of: {options}.",
                                 options=", ".join(_option(x) for x in labels)), "option")
        if ex.kind == "predict":
            return _predicted(ex, label, probe.is_right(label), probe)
        if probe.is_right(label):
            return CheckResult(ex.key, "right", _says(tr("✅ Exercise {key}: right.", key=ex.key),
                                                      _shown(probe.feedback(label))))
        return _wrong(ex, _says(_shown(probe.feedback(label)), _shown(ex.hint)), "value")
    problem = type_problem(answer, ex.expect)
    if problem:
        return _wrong(ex, problem[0].upper() + problem[1:], "type")
    right = probe.is_right(answer)
    mistake = None if right else probe.mistake(answer)
    problem = range_problem(answer, ex.range, ex.range_hint)
    if problem and not right:
        text = _says(problem[0].upper() + problem[1:],
                     tr("Hint: {hint}", hint=_shown(mistake.hint)) if mistake else "")
        return _wrong(ex, text, "range", mistake.name if mistake else "")
    if ex.kind == "predict":
        return _predicted(ex, answer, right, probe)
    if right:
        return CheckResult(ex.key, "right", tr("✅ Exercise {key}: right.", key=ex.key))
    if mistake is not None:
        return _wrong(ex, tr("Hint: {hint}", hint=_shown(mistake.hint)), "mistake", mistake.name)
    return _wrong(ex, tr("Hint: {hint}", hint=_shown(ex.hint)), "value")


def check(key: str, answer: Any, **data: Any) -> CheckResult:
    """Check a trainee's answer to exercise ``key`` against the data they are working on.

    The layers come in order: the type asked for ("give one number, not a table"), the range
    ("a share is between 0 and 1"), the options of a choice, then the value; a wrong value that
    matches a typical mistake (a percentage for a fraction, a rounded figure, a wrong
    denominator) gets the hint aimed at that mistake, any other the exercise's hint. The expected
    answer is never shown (a prediction's outcome is: the run shows it anyway).

    Where the expected-answer code is not installed (a trainee's package), the answer is checked
    against the hidden answer store (``answers.json``, see :mod:`helpers.exercises._store`).

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

    Raises
    ------
    KeyError
        If the lesson's expected-answer code is installed but has no such exercise (a wrong
        number in the notebook). Without the code and without a stored answer the result says
        so ("cannot be checked here") instead: a trainee's notebook keeps running.

    Examples
    --------
    >>> check("11.3", None, crm=None)
    ⏳ Exercise 11.3: not answered yet.
    """
    ex = find(key)
    if ex is None:
        return _check_stored(key, answer)
    if (answer is None or answer is Ellipsis) and not os.environ.get(RECORD_ENV):
        return CheckResult(key, "unanswered", tr("⏳ Exercise {key}: not answered yet.", key=key))
    live = _Live(ex, call_with(ex.expected, **data), data)
    _record(ex, live)
    if answer is None or answer is Ellipsis:
        return CheckResult(key, "unanswered", tr("⏳ Exercise {key}: not answered yet.", key=key))
    return _judge(ex, answer, live)


def _check_stored(key: str, answer: Any) -> CheckResult:
    if lesson_modules(key):  # the lesson's code is installed: the number is wrong
        raise KeyError(f"no exercise {key!r}; check the number in the notebook")
    found = stored_entry(key)
    if found is None:
        return CheckResult(key, "unchecked", tr(
            "⚠️ Exercise {key}: cannot be checked here: this installation has no expected "
            "answers and no answers.json for your data folder holds it. Ask your instructor for "
            "the answers.json of your data folder (it goes into the data folder or beside the "
            "notebook).", key=key))
    salt, entry = found
    if answer is None or answer is Ellipsis:
        return CheckResult(key, "unanswered", tr("⏳ Exercise {key}: not answered yet.", key=key))
    ex = _from_entry(key, entry)
    return _judge(ex, answer, _Stored(ex, salt, entry))
