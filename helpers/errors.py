"""The package's one kind of error: :class:`DataProblem`, and the few helpers that build it.

Every function in :mod:`helpers` that is handed unusable input (a file, a table or a
configuration) raises :class:`DataProblem`: a :class:`ValueError` whose message says what is
wrong, where (file, column or key, a few rows) and how to fix it. A trainee or analyst never sees
a bare pandas traceback.

This module imports nothing from the package, so every module can raise without importing the
loader.

>>> import pandas as pd
>>> require_columns(pd.DataFrame({"customer_id": ["C1"]}), ["customer_id", "amount"], "RFM")
Traceback (most recent call last):
...
helpers.errors.DataProblem: RFM: column(s) ['amount'] missing; the table has ['customer_id']. ...
>>> did_you_mean("stagse", ["stages", "customer_types"])
" (did you mean 'stages'?)"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ConfigProblem",
    "DataProblem",
    "MAPPING_FIX",
    "PERSONAL_HINT",
    "PERSONAL_PATTERNS",
    "Problem",
    "config_problem",
    "did_you_mean",
    "luhn_ok",
    "re2_pattern",
    "redact_personal",
    "require_columns",
    "rows_preview",
    "sample_rows",
]

#: The fix suggested when a helper is handed a table whose columns are not the course's names.
MAPPING_FIX = ("load the file with helpers.data.load_table(path, table, mapping=...) so its "
               "headers are mapped to the course's column names (examples in mappings/*.yaml).")


# --------------------------------------------------------------------------------------------
# personal data inside messages: a message shows a few offending values, never a raw phone number,
# ID number, e-mail or bank-card number. helpers.data.privacy masks free text with the same finders.

#: The finders, in the order they are applied (each works on what the previous left).
PERSONAL_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    # 18-digit resident ID: 6-digit region, birth date (19xx/20xx), 3 digits, check digit or X
    # and the old 15-digit one (issued until 2004, still in CRMs): a province code (11-82), 4
    # digits, birth date as yymmdd, 3 digits. A 15-digit order number is taken for one only if
    # its digits 1-2 and 7-12 happen to look so; masking it then is the safe mistake.
    "id_number": re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                            r"(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
                            r"|(?<![0-9A-Za-z])(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])"
                            r"\d{6}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"),
    # mainland mobile (+86 optional, 1[3-9] and 9 digits), then landlines with an area code
    "phone": re.compile(r"(?<![\d*])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![\d*])"
                        r"|(?<![\d*])(?:\(0\d{2,3}\)|0\d{2,3})[ -]?\d{7,8}(?![\d*])"),
    # 13-19 digits, optionally in groups separated by spaces or hyphens (kept only if Luhn-valid)
    "card": re.compile(r"(?<![\d*])\d(?:[ -]?\d){12,18}(?![\d*])"),
}
_COUNTRY = re.compile(r"((?:(?:\+|00)?86[ -]?)?(?=1[3-9]))?(.*)", re.S)
#: Cheap test that a text may hold any of them (three digits in a row, or an ``@``).
PERSONAL_HINT = re.compile(r"\d{3}|@")


def re2_pattern(pattern: str) -> str:
    r"""``pattern`` for RE2 (DuckDB, pyarrow): it finds at least every text ``pattern`` finds.

    RE2 has no look-around, so ``(?<![…])`` and ``(?![…])`` are spelt as the neighbouring
    character, or the start/end of the text, matched instead of looked at (a search for the
    result then finds a text exactly when a search for ``pattern`` does). Python's ``\d`` is
    any Unicode decimal digit but RE2's only ``0-9``: outside the look-arounds ``\d`` becomes
    ``\p{Nd}`` (RE2's table, which holds all of Python's digits and newer ones), inside them
    ``0-9`` (a look-around refusing fewer characters lets more through). On text whose digits
    are ``0-9`` the result finds exactly what ``pattern`` finds; on any text it finds at least
    that, which is what a pre-filter needs (``tests/data/test_privacy_scan.py``).

    Examples
    --------
    >>> re2_pattern("(?<![0-9*])13[0-9](?![0-9*])")
    '(?:^|[^0-9*])13[0-9](?:[^0-9*]|$)'
    >>> re2_pattern(r"(?<![\d*])1\d(?![\d*])")
    '(?:^|[^0-9*])1\\p{Nd}(?:[^0-9*]|$)'
    """
    def around(template: str) -> Callable[[re.Match[str]], str]:
        return lambda m: template.format(m.group(1).replace("\\d", "0-9"))

    out = re.sub(r"\(\?<!\[([^\]]*)\]\)", around("(?:^|[^{}])"), pattern)
    out = re.sub(r"\(\?!\[([^\]]*)\]\)", around("(?:[^{}]|$)"), out)
    return out.replace("\\d", "\\p{Nd}")


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn check of bank-card numbers.

    >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _keep_ends(text: str, head: int, tail: int, is_pos: Callable[[str], bool]) -> str:
    pos = [i for i, ch in enumerate(text) if is_pos(ch)]
    hide = set(pos[head:len(pos) - tail])
    return "".join("*" if i in hide else ch for i, ch in enumerate(text))


#: How each kind found is masked by default (the rules of helpers.data.privacy).
DEFAULT_MASKS: dict[str, Callable[[str], str]] = {
    "email": lambda t: t[:1] + "*" * (t.rindex("@") - 1) + t[t.rindex("@"):],
    "id_number": lambda t: _keep_ends(t, 6, 4, str.isalnum),
    "card": lambda t: _keep_ends(t, 0, 4, str.isdigit),
    "phone": lambda t: _keep_ends(t, 3, 4, str.isdigit),
}


def redact_personal(text: str, masks: Mapping[str, Callable[[str], str]] | None = None) -> str:
    """``text`` with every phone, resident ID, e-mail and bank-card number in it masked.

    Mainland mobiles (``+86`` optional, separators allowed) and landlines with an area code,
    resident ID numbers (18 digits with ``X`` as check digit, or the old 15 digits), e-mail
    addresses and 13-19 digit card numbers that pass the Luhn check are found anywhere in the
    text, free text included.

    Parameters
    ----------
    text : str
        Any text (a cell value, an error message).
    masks : mapping, optional
        Kind (``email``, ``id_number``, ``card``, ``phone``) -> function masking one match;
        default :data:`DEFAULT_MASKS` (phone: first 3 and last 4 digits, ID: first 6 and last 4,
        card: last 4, e-mail: first character and the domain).

    Returns
    -------
    str
        The text, personal data masked (unchanged when there is none).

    Examples
    --------
    >>> redact_personal("call 13812345678 or mail zhang@example.com")
    'call 138****5678 or mail z****@example.com'
    >>> redact_personal("card 4111 1111 1111 1111, ID 11010119900307123X, order 1234567")
    'card **** **** **** 1111, ID 110101********123X, order 1234567'
    """
    if not isinstance(text, str) or not PERSONAL_HINT.search(text):
        return text
    masks = {**DEFAULT_MASKS, **(masks or {})}
    for kind, pattern in PERSONAL_PATTERNS.items():
        mask = masks[kind]
        if kind == "card":
            def sub(m: re.Match[str], mask: Callable[[str], str] = mask) -> str:
                digits = re.sub(r"\D", "", m.group())
                return mask(m.group()) if luhn_ok(digits) else m.group()
        elif kind == "phone":  # a country code stays as it is: the number keeps 3 + 4 digits
            def sub(m: re.Match[str], mask: Callable[[str], str] = mask) -> str:
                country, number = _COUNTRY.match(m.group()).groups()  # type: ignore[union-attr]
                return (country or "") + mask(number)
        else:
            def sub(m: re.Match[str], mask: Callable[[str], str] = mask) -> str:
                return mask(m.group())
        text = pattern.sub(sub, text)
    return text


@dataclass
class Problem:
    """One finding: what is wrong, where, and how to fix it.

    Parameters
    ----------
    kind : str
        A short machine-readable name (``"missing_column"``, ``"unparseable"`` …).
    column, source_column : str, optional
        The course column, and the column as named in the file.
    count : int
        How many rows are affected.
    rows, values : list
        A few of the affected rows (numbered as in the file, header = 1) and their values.
    fix, detail : str
        How to fix it, and what exactly is wrong.
    fatal : bool
        True when dropping rows cannot fix it (a missing column, say).
    """

    kind: str
    column: str | None = None
    source_column: str | None = None
    count: int = 0
    rows: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    fix: str = ""
    detail: str = ""
    fatal: bool = False

    def _where(self) -> str:
        if self.source_column and self.column and self.source_column != self.column:
            return f"column {self.source_column!r} (course column {self.column!r}): "
        if self.column or self.source_column:
            return f"column {self.source_column or self.column!r}: "
        return ""

    def text(self) -> str:
        r"""One readable paragraph; phones, ID, card numbers and e-mails in it are masked.

        >>> Problem("unparseable", column="amount", count=3, rows=[4, 9], values=["1,2x", "?"],
        ...         detail="3 values are not numbers.", fix="correct them").text()
        "column 'amount': 3 values are not numbers. Rows: 4 ('1,2x'), 9 ('?') and 1 more.\n   Fix: correct them"
        """
        out = f"{self._where()}{redact_personal(self.detail)}"
        if self.rows:
            values = self.values or [None] * len(self.rows)
            shown = ", ".join(f"{r} ({redact_personal(repr(v))})" if v is not None else str(r)
                              for r, v in zip(self.rows, values, strict=False))
            more = f" and {self.count - len(self.rows)} more" if self.count > len(self.rows) else ""
            out += f" Rows: {shown}{more}."
        if self.fix:
            out += f"\n   Fix: {self.fix}"
        return out


class DataProblem(ValueError):
    """Input data or configuration that cannot be used as given; the message says how to fix it.

    Parameters
    ----------
    message : str
        The full, readable explanation.
    problems : iterable of Problem, optional
        The individual findings (for code that wants to inspect them).
    file : str, optional
        The file (or table) concerned.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = (), file: str | None = None):
        super().__init__(message)
        self.problems = list(problems)
        self.file = file


class ConfigProblem(DataProblem):
    """A configuration file (YAML) that cannot be used: every finding as ``file: key.path: …``."""


def sample_rows(values: Any, n: int = 5) -> list[Any]:
    """A few offending values or row labels, as plain Python values, for error messages.

    Text values have their phones, ID, card numbers and e-mails masked (:func:`redact_personal`).

    >>> sample_rows(np.array([3, 1, 4, 1, 5, 9]), n=3)
    [3, 1, 4]
    >>> sample_rows(["13812345678"])
    ['138****5678']
    """
    return [redact_personal(v) if isinstance(v, str) else v.item() if isinstance(v, np.generic)
            else v for v in list(values)[:n]]


def did_you_mean(word: Any, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, else the list of allowed choices."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (allowed: {list(choices)})"


def config_problem(source: Any, key: str, message: str) -> ConfigProblem:
    """A :class:`ConfigProblem` about one key of a configuration file.

    >>> str(config_problem("stages.yaml", "stages.M1.max_days", "must be a whole number"))
    "stages.yaml: key 'stages.M1.max_days' must be a whole number."
    """
    return ConfigProblem(f"{source}: key {key!r} {message}.", file=str(source))


def rows_preview(frame: pd.DataFrame, mask: Any, columns: Sequence[str], n: int = 5) -> str:
    """The first ``n`` rows where ``mask`` is true, as text (only the columns that exist).

    Phones, ID, card numbers and e-mails in the rows are masked (:func:`redact_personal`).

    >>> df = pd.DataFrame({"invoice_id": ["I1", "I2", "I3"], "amount": [10, -5, -7]})
    >>> print(rows_preview(df, df["amount"] < 0, ["invoice_id", "amount"], n=1))
    invoice_id  amount
            I2      -5
     (and 1 more)
    """
    flags = np.asarray(mask, dtype=bool)
    bad = frame.loc[flags, [c for c in columns if c in frame.columns]]
    total = int(flags.sum())
    more = f"\n (and {total - n} more)" if total > n else ""
    return redact_personal(bad.head(n).to_string(index=False, max_colwidth=30)) + more


def require_columns(frame: Any, columns: Sequence[str], what: str, fix: str = MAPPING_FIX) -> None:
    """Raise a :class:`DataProblem` naming the columns ``frame`` lacks, what it has, and a fix.

    Every helper that needs certain columns calls this, so an analyst whose export is not mapped
    yet gets the same kind of message everywhere.

    Parameters
    ----------
    frame : DataFrame
        The table handed to a helper.
    columns : sequence of str
        Course column names the helper needs.
    what : str
        What is being computed or which table, named at the start of the message.
    fix : str
        How to fix it; by default, map the export with a mapping file.

    Raises
    ------
    DataProblem
        If ``frame`` is not a DataFrame or lacks any of ``columns``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataProblem(f"{what}: expected a table (DataFrame), got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataProblem(f"{what}: column(s) {missing} missing; the table has "
                          f"{list(frame.columns)[:15]}. Fix: {fix}")
