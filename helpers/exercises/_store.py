"""The hidden answer store: expected answers as salted, slow hashes.

Trainees can be checked without the expected-answer code.

An instructor's run of the solution notebooks with ``COURSE_RECORD_ANSWERS=<file>`` set records
every exercise's expected answer twice: in plain words for the instructor (the answer sheet) and
hashed for the trainees (:func:`trainee_store` extracts that part). A number is hashed on two grids
its tolerance defines (``round(ln|x| / ln(1 + rel_tol))`` and ``round(x / abs_tol)``); a trainee's
answer is hashed on the same grids, neighbours included, so any answer within the tolerance
matches and no boundary falls between two grid points unseen. Text, lists and tables are hashed
in a canonical form (case folded, sorted when order does not matter, numbers rounded to the
significant digits the tolerance allows). Hashes are PBKDF2 (SHA-256, :data:`ITERATIONS`
rounds) with a salt per store and the exercise key, so a table of precomputed answers is useless
and trying every count is slow. The store keeps honest trainees honest; it is not an exam safe.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
from collections.abc import Iterable
from numbers import Real
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.exercises._compare import as_plain, for_people
from helpers.exercises._core import Exercise

ITERATIONS = 20_000
RECORD_ENV = "COURSE_RECORD_ANSWERS"
STORE_ENV = "COURSE_ANSWERS"
STORE_NAME = "answers.json"
FORMAT = 1


def digest(salt: str, key: str, token: str) -> str:
    """The slow salted hash of one canonical token."""
    raw = hashlib.pbkdf2_hmac("sha256", token.encode(), f"{salt}|{key}".encode(), ITERATIONS)
    return raw.hex()[:24]


def _sig(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}") if math.isfinite(value) else value


def _canonical(value: Any, ex: Exercise, digits: int) -> Any:
    value = as_plain(value)
    if isinstance(value, pd.DataFrame):
        return {"columns": [str(c) for c in value.columns],
                "rows": [_canonical(list(r), ex, digits) for r in value.itertuples(index=False)]}
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Real):
        return _sig(float(value), digits)
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, list):
        items = [_canonical(v, ex, digits) for v in value]
        return items if ex.ordered else sorted(items, key=repr)
    if isinstance(value, dict):
        return {str(k): _canonical(v, ex, digits) for k, v in sorted(value.items(), key=repr)}
    return repr(value)


def tokens(value: Any, ex: Exercise, neighbours: bool = False) -> set[str]:
    """Canonical tokens of an answer; two answers match when their token sets meet.

    Examples
    --------
    >>> ex = Exercise("0.0", lambda: None, "", rel_tol=1e-3, abs_tol=0)
    >>> bool(tokens(0.25, ex) & tokens(0.25001, ex, neighbours=True))
    True
    >>> bool(tokens(0.25, ex) & tokens(0.26, ex, neighbours=True))
    False
    """
    value = as_plain(value)
    if isinstance(value, Real) and not isinstance(value, bool):
        x = float(value)
        if math.isnan(x):
            return {"nan"}
        steps = (-1, 0, 1) if neighbours else (0,)
        found = set()
        if ex.rel_tol > 0 and x != 0 and math.isfinite(x):
            k = round(math.log(abs(x)) / math.log1p(ex.rel_tol))
            found |= {f"r:{x > 0}:{k + s}" for s in steps}
        if ex.abs_tol > 0 and abs(x / ex.abs_tol) < 1e15:
            k = round(x / ex.abs_tol)
            found |= {f"a:{k + s}" for s in steps}
        return found or {f"e:{x!r}"}
    digits = max(2, round(-math.log10(ex.rel_tol)) - 1) if ex.rel_tol > 0 else 15
    return {"j:" + json.dumps(_canonical(value, ex, digits), ensure_ascii=False, sort_keys=True)}


def hashed(salt: str, ex: Exercise, values: Iterable[Any]) -> list[str]:
    """The hashes of the tokens of every value (an expected answer, or a mistake's answers)."""
    return sorted({digest(salt, ex.key, t) for v in values for t in tokens(v, ex)})


def hashes_meet(salt: str, ex: Exercise, answer: Any, stored: Iterable[str]) -> bool:
    """Whether ``answer`` matches one of the stored hashes (within the tolerance)."""
    stored = set(stored)
    return any(digest(salt, ex.key, t) in stored for t in tokens(answer, ex, neighbours=True))


def _keystream(salt: str, key: str, label: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{salt}|{key}|{label}|{counter}".encode()).digest()
        counter += 1
    return out[:n]


def seal(salt: str, key: str, label: str, text: str) -> str:
    """Obscure a feedback text so that it is read only by picking its option (not a secret)."""
    data = text.encode()
    return bytes(a ^ b for a, b in zip(data, _keystream(salt, key, label, len(data)),
                                       strict=True)).hex()


def unseal(salt: str, key: str, label: str, sealed: str) -> str:
    """The text :func:`seal` obscured."""
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _keystream(salt, key, label, len(data)),
                                       strict=True)).decode()


def _read(path: Path) -> dict[str, Any]:
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"format": FORMAT, "salt": secrets.token_hex(16), "exercises": {}}


def _write(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


def record(path: Path, ex: Exercise, plain: dict[str, Any], sealed: dict[str, Any]) -> None:
    """Add (or replace) one exercise in an instructor's record of expected answers."""
    content = _read(path)
    content["exercises"][ex.key] = {"plain": plain, "hashed": sealed}
    _write(path, content)


def new_salt(path: Path) -> str:
    """The salt of the record at ``path`` (a new record, with a new salt, if there is none)."""
    content = _read(path)
    if not path.exists():
        _write(path, content)
    return str(content["salt"])


def trainee_store(record_path: Path, store_path: Path) -> Path:
    """Write the trainees' store (hashes, hints and sealed feedback only) from a record.

    Parameters
    ----------
    record_path : Path
        An instructor's record (written by runs with ``COURSE_RECORD_ANSWERS`` set).
    store_path : Path
        The store to write (``answers.json`` in the trainee's data folder).

    Returns
    -------
    Path
        ``store_path``.
    """
    content = _read(record_path)
    store = {"format": FORMAT, "salt": content["salt"],
             "exercises": {k: v["hashed"] for k, v in content["exercises"].items()}}
    _write(store_path, store)
    return store_path


def answer_sheet(record_path: Path, title: str = "") -> str:
    """The instructor's answer sheet: each exercise's expected answer written for people.

    Parameters
    ----------
    record_path : Path
        An instructor's record.
    title : str
        A first line (the trainee, the seed).

    Returns
    -------
    str
        Markdown text, one exercise per item, in course order.
    """
    content = _read(record_path)
    lines = [f"# Expected answers{': ' + title if title else ''}", ""]
    order = sorted(content["exercises"], key=lambda k: tuple(int(p) for p in k.split(".")))
    for key in order:
        plain = content["exercises"][key]["plain"]
        lines.append(f"- **{key}** ({plain['kind']}): {plain['shown']}")
    if len(lines) == 2:
        lines.append("(no exercise was recorded)")
    return "\n".join(lines) + "\n"


def plain_entry(ex: Exercise, expected: Any) -> dict[str, Any]:
    """What the instructor's record says about one expected answer."""
    shown = for_people(getattr(expected, "right", expected))
    return {"kind": ex.kind, "shown": shown}


def find_store() -> Path | None:
    """The trainees' answer store, if there is one.

    ``$COURSE_ANSWERS``, else ``answers.json`` in the current folder, else in ``../data`` (a
    workshop folder's layout: ``notebooks/`` beside ``data/``).
    """
    given = os.environ.get(STORE_ENV)
    candidates = [Path(given)] if given else []
    candidates += [Path.cwd() / STORE_NAME, Path.cwd().parent / "data" / STORE_NAME]
    return next((p for p in candidates if p.is_file()), None)


def stored_entry(key: str) -> tuple[str, dict[str, Any]] | None:
    """The salt and the stored entry of exercise ``key``, if a store holds it."""
    path = find_store()
    if path is None:
        return None
    content = json.loads(path.read_text(encoding="utf-8"))
    entry = content.get("exercises", {}).get(key)
    return None if entry is None else (str(content["salt"]), entry)
