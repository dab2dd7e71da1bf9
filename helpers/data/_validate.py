"""Loader stage 4, validating: every problem of a mapped table, as :class:`Problem` findings.

Unparseable values, fractions in whole-number columns, values outside the allowed list or below
the minimum, empty required values and duplicate keys. Each finding names the course column and
the file column, counts the rows and shows the first five, numbered as in the file, with their
values as written there. Invalid cells are left empty; the rows are flagged for ``on_invalid``.

>>> from helpers.tables import TABLES
>>> raw = pd.Series(["5", "-3", None])
>>> checked = validate_column(raw, cleaned_column(raw), TABLES["invoices"].column("amount"),
...                           pd.Series([2, 3, 4]))
>>> [p.kind for p in checked.problems], checked.values.tolist(), checked.invalid.tolist()
(['below_minimum', 'missing_value'], [5.0, <NA>, <NA>], [False, True, True])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data._coerce import (
    arrow_text,
    cleaned_column,
    convention_and_plain,
    day_month_order,
    plain_numbers,
    to_course_type,
)
from helpers.data._keys import no_repeats
from helpers.data._lanes import two_lanes
from helpers.data._report import MAX_ROWS_SHOWN, Caution
from helpers.data._textbytes import no_value_contains
from helpers.data._typed import Typed, typed_column, widened
from helpers.errors import Problem
from helpers.i18n import tr
from helpers.tables import Column, Table

__all__ = ["PLAUSIBLE_LIMIT", "CheckedColumn", "ReadHints", "Validated", "duplicate_keys_problem",
           "future_dates_caution", "rows_and_values", "validate", "validate_column"]

#: Numbers at or beyond this size are implausible for amounts and counts (a warning).
PLAUSIBLE_LIMIT = 1e12
#: Days after the as-of date beyond which a date is "in the future" (a warning).
FUTURE_MARGIN_DAYS = 31
_NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "-nan"}
#: Dates that may lie in the future.
FUTURE_OK = {"due_date"}

_KIND_WORDS = {"int": "whole numbers", "float": "numbers", "bool": "yes/no values",
               "date": "dates", "datetime": "dates/times"}
_PARSE_FIXES = {"date": "write dates as 2024-03-05 (also accepted: 2024/3/5, 2024年3月5日, "
                        "20240305), or give the format in the mapping's 'formats' section",
                "bool": "use 是/否, Y/N, yes/no, true/false or 1/0, or recode in the mapping's "
                        "'values' section"}
_NUMBER_FIX = "remove letters and units from the cells (thousands separators and ¥ are fine)"


@dataclass
class CheckedColumn:
    """One course column, validated: its final values, the problems found, the invalid rows.

    ``notes`` say what was decided from the values (a decimal comma, day-first dates, IDs
    repaired); ``cautions`` are assumptions that may be wrong (warnings).
    """

    values: pd.Series
    problems: list[Problem]
    invalid: np.ndarray
    notes: list[str] = field(default_factory=list)
    cautions: list[Caution] = field(default_factory=list)


@dataclass(frozen=True)
class ReadHints:
    """What the reader knows that helps read values.

    The mapping's ``decimal``/``thousands`` and the file's delimiter.
    """

    decimal: str | None = None
    thousands: str | None = None
    sep: str | None = None


class Validated(NamedTuple):
    """Stage 3-4's result for a whole table."""

    frame: pd.DataFrame
    problems: list[Problem]
    invalid: np.ndarray
    notes: list[str]
    cautions: list[Caution]


def rows_and_values(mask: np.ndarray, row_numbers: pd.Series, source: pd.Series
                    ) -> tuple[int, list[int], list[Any]]:
    """How many rows ``mask`` flags, the first five file rows and their values in ``source``.

    >>> rows_and_values(np.array([False, True, True]), pd.Series([2, 3, 4]),
    ...                 pd.Series(["a", "b", None]))
    (2, [3, 4], ['b', None])
    """
    idx = np.flatnonzero(mask)
    shown = idx[:MAX_ROWS_SHOWN]
    values = [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)
              for v in source.iloc[shown]]
    return len(idx), [int(r) for r in row_numbers.iloc[shown]], values


def _problem(kind: str, c: Column, src: str, mask: np.ndarray, rows: pd.Series,
             raw: pd.Series, detail: str, fix: str) -> Problem:
    """A finding about the rows ``mask`` flags (their first values shown as in the file)."""
    n, shown, values = rows_and_values(mask, rows, raw)
    if kind == "missing_value":
        values = [None] * len(shown)
    return Problem(kind, column=c.name, source_column=src, count=n, rows=shown, values=values,
                   detail=detail, fix=fix)


def _whole_numbers(coerced: pd.Series, c: Column, src: str, rows: pd.Series, raw: pd.Series,
                   found: list[Problem]) -> tuple[pd.Series, np.ndarray]:
    """Fractions in a whole-number column are invalid; the rest becomes ``Int64``."""
    frac = coerced.notna().to_numpy() & (coerced.fillna(0) % 1 != 0).to_numpy()
    if frac.any():
        found.append(_problem("unparseable", c, src, frac, rows, raw,
                              f"{int(frac.sum())} value(s) are not whole numbers.",
                              "round them in the file, or check the column is the right one."))
        coerced = coerced.mask(frac)
    return coerced.round().astype("Int64"), frac


def _allowed(coerced: pd.Series, c: Column, src: str, rows: pd.Series, raw: pd.Series,
             found: list[Problem]) -> tuple[pd.Series, np.ndarray]:
    """Values outside the allowed list are invalid; the rest in the list's spelling."""
    if _all_in(coerced, c.allowed):  # the common case: every value spelt as in the list
        return coerced.astype("string"), np.zeros(len(coerced), dtype=bool)
    allowed = {a.lower(): a for a in c.allowed}
    fixed = coerced.str.lower().map(allowed)
    notok = coerced.notna().to_numpy() & fixed.isna().to_numpy()
    if notok.any():
        first = rows_and_values(notok, rows, raw)[2][0]
        found.append(_problem(
            "not_allowed", c, src, notok, rows, raw,
            f"{int(notok.sum())} value(s) are not among the allowed values {list(c.allowed)}.",
            f"recode them in the mapping, e.g. values: {{{c.name}: "
            f"{{'{first}': '{c.allowed[0]}'}}}}, or correct the file."))
    return fixed.astype("string"), notok


def _minimum(coerced: pd.Series, c: Column, src: str, rows: pd.Series, raw: pd.Series,
             found: list[Problem]) -> tuple[pd.Series, np.ndarray]:
    """Values below the column's minimum are invalid (and emptied)."""
    low = c.min_value
    below = coerced.notna().to_numpy() & (coerced.fillna(low) < low).to_numpy()
    if below.any():
        found.append(_problem(
            "below_minimum", c, src, below, rows, raw,
            f"{int(below.sum())} value(s) are below the minimum {low:g}.",
            "check the sign and unit of these values (refunds belong in their own table or "
            "column); correct them or load with on_invalid='drop'."))
        coerced = coerced.mask(below)
    return coerced, below


def _is_text(s: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)
                or pd.api.types.is_bool_dtype(s))


def _decimal(cleaned: pd.Series, src: str, hints: ReadHints, notes: list[str],
             cautions: list[Caution]) -> tuple[str | None, np.ndarray | None]:
    """The decimal mark of a number column: the mapping's, else judged from its values.

    Also which values are plain numbers when that was worked out (so it is done once).
    """
    if hints.decimal or hints.thousands:
        return hints.decimal, None
    decimal, how, _, plain = convention_and_plain(cleaned, hints.sep, plain_numbers(cleaned))
    if decimal == "," and how == "values":
        notes.append(f"column {src!r}: numbers are written with a decimal comma (e.g. 1.234,56 "
                     "= 1234.56); read so.")
    elif how == "assumed":
        example = cleaned.dropna().iloc[0]
        cautions.append(Caution(
            "ambiguous_decimal",
            f"column {src!r}: values such as {example!r} fit both a decimal comma and a "
            f"thousands separator; assumed a decimal comma (the file is ';'-separated), so "
            f"{example!r} is read as {str(example).replace('.', '').replace(',', '.')}. If that "
            "is wrong, set read: {decimal: '.'} in the mapping (or {decimal: ','} to confirm)."))
    return decimal, plain


def _date_order(cleaned: pd.Series, src: str, notes: list[str],
                cautions: list[Caution]) -> str | None:
    """Day- or month-first for a date column (dd/mm/yyyy or mm/dd/yyyy), from its values."""
    order, settled = day_month_order(cleaned)
    if order is None:
        return None
    words = "day-first (dd/mm/yyyy)" if order == "dmy" else "month-first (mm/dd/yyyy)"
    fmt = "%d/%m/%Y" if order == "dmy" else "%m/%d/%Y"
    if settled:
        notes.append(tr("column {column!r}: dates read {words} for the whole column, as some "
                        "values only fit that order.", column=src, words=tr(words)))
    else:
        example = cleaned.dropna().iloc[0]
        cautions.append(Caution(
            "ambiguous_date_order",
            f"column {src!r}: every date (e.g. {example!r}) fits both day-first and month-first; "
            f"assumed {words}. If that is wrong, give the format in the mapping, e.g. formats: "
            f"{{<course column>: '{'%d/%m/%Y' if order == 'mdy' else '%m/%d/%Y'}'}} (or "
            f"'{fmt}' to confirm)."))
    return order


def _excel_ids(cleaned: pd.Series, c: Column, src: str, rows: pd.Series, raw: pd.Series,
               found: list[Problem], notes: list[str]) -> tuple[pd.Series, np.ndarray]:
    """IDs a spreadsheet mangled: ``4.40106E+17`` (digits lost: invalid), ``17850.0`` (fixed)."""
    if not _any_match(cleaned, _SCI_ID + "|" + _DOT0_ID, (".", "e", "E")):  # usually none
        return cleaned, np.zeros(len(cleaned), dtype=bool)
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string[pyarrow]")
    sci = u.str.fullmatch(_SCI_ID).fillna(False).to_numpy(bool)
    dot0 = u.str.fullmatch(_DOT0_ID).fillna(False).to_numpy(bool)
    invalid = np.zeros(len(cleaned), dtype=bool)
    if sci.any():
        invalid = (codes >= 0) & sci[np.maximum(codes, 0)]
        found.append(_problem(
            "id_scientific", c, src, invalid, rows, raw,
            f"{int(invalid.sum())} ID(s) are in scientific notation, as a spreadsheet shows long "
            "numbers: their last digits are lost and cannot be recovered.",
            "export the IDs again as text (in Excel: format the column as Text before pasting, "
            "or export from the source system to CSV without opening it in Excel)."))
    if dot0.any():
        n = int(((codes >= 0) & dot0[np.maximum(codes, 0)]).sum())
        u = u.mask(pd.Series(dot0), u.str.replace(r"\.0+$", "", regex=True))
        cleaned = pd.Series(u.array.take(codes, allow_fill=True), index=cleaned.index)
        notes.append(f"column {src!r}: {n} ID(s) ended in '.0' (a spreadsheet stored them as "
                     "numbers); the '.0' was removed (17850.0 -> 17850).")
    if invalid.any():
        cleaned = cleaned.mask(invalid)
    return cleaned, invalid


_SCI_ID = r"[+-]?\d(?:\.\d+)?[eE][+-]?\d+"
_DOT0_ID = r"\d+\.0+"


def _any_match(s: pd.Series, pattern: str, hint: tuple[str, ...] = ()) -> bool:
    """Whether any text value contains ``pattern`` (a quick test before working per value).

    ``hint``: substrings one of which every match contains (searched first, much faster).
    """
    a = arrow_text(s)
    if a is None:
        a = pa.chunked_array([pa.array(s.astype("string[pyarrow]").array)])
    if hint and not any(_contains(a, h) for h in hint):
        return False
    return bool(pc.any(pc.match_substring_regex(a, pattern)).as_py())


def _contains(a: pa.ChunkedArray, text: str) -> bool:
    """Whether any value contains ``text`` (one byte: a pass over the bytes settles "no")."""
    if len(text.encode()) == 1 and no_value_contains(a, text.encode()):
        return False
    return bool(pc.any(pc.match_substring(a, text)).as_py())


def _all_in(s: pd.Series, allowed: tuple[str, ...]) -> bool:
    """Every value spelt as in ``allowed``; blanks count as in (they stay blank either way)."""
    a = arrow_text(s)
    return a is not None and pc.all(pc.or_kleene(pc.is_in(a, pa.array(list(allowed))),
                                                 pc.is_null(a))).as_py() is not False


def _non_finite(raw: pd.Series, coerced: pd.Series, c: Column, src: str, rows: pd.Series,
                found: list[Problem]) -> np.ndarray:
    """``inf``, ``-inf`` and ``NaN`` written in a number column: not amounts."""
    mask = np.isinf(coerced.to_numpy(dtype=float, na_value=0.0))
    if _is_text(raw) and _any_match(raw, "(?i)inf|nan", ("n", "N")):  # once per distinct value
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        low = pd.Series(uniques, dtype="string").str.strip().str.lower()
        hit = low.isin(_NON_FINITE).fillna(False).to_numpy(bool)
        mask |= (codes >= 0) & hit[np.maximum(codes, 0)] if len(hit) else False
    if mask.any():
        found.append(_problem(
            "non_finite", c, src, mask, rows, raw,
            f"{int(mask.sum())} value(s) are not finite numbers (inf, -inf or NaN written as "
            "text), usually a division by zero or an empty cell in the system that exported it.",
            "leave the cells empty where the value is unknown, or correct them; or load with "
            "on_invalid='drop'."))
    return mask


def _implausible(coerced: pd.Series, src: str, cautions: list[Caution]) -> None:
    big = (coerced.abs() >= PLAUSIBLE_LIMIT).fillna(False)
    if big.any():
        cautions.append(Caution(
            "implausible_number",
            f"column {src!r}: {int(big.sum())} value(s) are {PLAUSIBLE_LIMIT:.0e} or more in "
            f"size (largest {float(coerced.abs().max()):.4g}): a unit, placeholder or "
            "overflow? Check them."))


def _out_of_range(cleaned: pd.Series, bad: np.ndarray) -> np.ndarray:
    """Unreadable dates whose year pandas cannot hold (before 1678, after 2261)."""
    if not bad.any():
        return bad
    years = cleaned[bad].astype("string").str.extract(r"(?<!\d)(\d{4})(?!\d)")[0]
    years = pd.to_numeric(years, errors="coerce")
    out = np.zeros(len(cleaned), dtype=bool)
    out[np.flatnonzero(bad)] = ((years < 1678) | (years > 2261)).fillna(False).to_numpy(bool)
    return out


def _coerced(raw: pd.Series, cleaned: pd.Series, c: Column, src: str, row_numbers: pd.Series,
             fmt: str | None, hints: ReadHints,
             out: tuple[list[Problem], list[str], list[Caution]]
             ) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """The careful coercion of a cleaned column: decimal mark, day/month order, Excel IDs.

    Returns the cleaned column (IDs repaired), its values in the course type and the cells
    already found invalid; findings go to ``out`` (problems, notes, cautions).
    """
    found, notes, cautions = out
    invalid = np.zeros(len(raw), dtype=bool)
    decimal = order = plain = None
    text = _is_text(cleaned)
    if c.dtype in ("int", "float") and text:
        decimal, plain = _decimal(cleaned, src, hints, notes, cautions)
    if c.dtype in ("date", "datetime") and text and not fmt:
        order = _date_order(cleaned, src, notes, cautions)
    if c.dtype == "string" and c.name.endswith("_id") and text:
        cleaned, invalid = _excel_ids(cleaned, c, src, row_numbers, raw, found, notes)
    coerced = to_course_type(cleaned, c.dtype, fmt, decimal, hints.thousands, order, plain)
    return cleaned, coerced, invalid


# Long: one step per kind of check, each a helper; reads top to bottom as the list of checks.
def validate_column(raw: pd.Series, cleaned: pd.Series, c: Column, row_numbers: pd.Series,
                    source: str | None = None, fmt: str | None = None,
                    hints: ReadHints = ReadHints(), typed: Typed | None = None) -> CheckedColumn:
    """Stage 4 of the loader for one column: coerce it and check it against its course column.

    Parameters
    ----------
    raw : Series
        The column as read (its values are shown in messages).
    cleaned : Series
        The same, cleaned and recoded (:func:`~helpers.data._coerce.cleaned_column`).
    c : Column
        The course column (type, allowed values, minimum, required).
    row_numbers : Series
        File row of each row.
    source : str, optional
        The column's name in the file (default: the course name).
    fmt : str, optional
        Date format from the mapping.
    hints : ReadHints, optional
        The mapping's decimal mark and thousands separator, the file's delimiter.
    typed : Typed, optional
        The column already in its type (:func:`~helpers.data._typed.typed_column`: every cell
        plainly a number, ISO date or yes/no); then ``cleaned`` is not looked at.

    Returns
    -------
    CheckedColumn
        Values in the course type with invalid cells empty, the problems, the invalid rows.
    """
    src = source or c.name
    found: list[Problem] = []
    notes: list[str] = []
    cautions: list[Caution] = []
    invalid = np.zeros(len(raw), dtype=bool)
    if typed is not None:  # every cell plainly of the type: the careful steps change nothing
        coerced, present = typed.coerced, typed.present.copy()
    else:
        cleaned, coerced, invalid = _coerced(raw, cleaned, c, src, row_numbers, fmt, hints,
                                             (found, notes, cautions))
        present = cleaned.notna().to_numpy() | invalid
    bad = present & coerced.isna().to_numpy() & ~invalid
    if c.dtype in ("int", "float"):
        flagged = _non_finite(raw, coerced, c, src, row_numbers, found)
        coerced = coerced.mask(flagged)
        invalid |= flagged
        present |= flagged
        bad &= ~flagged
        _implausible(coerced, src, cautions)
    if c.dtype in ("date", "datetime"):
        flagged = _out_of_range(cleaned, bad)
        if flagged.any():
            found.append(_problem(
                "out_of_range", c, src, flagged, row_numbers, raw,
                f"{int(flagged.sum())} date(s) lie outside the years 1678-2261 that pandas can "
                "hold (placeholders such as 9999-12-31 for 'no end', or 0001-01-01 for 'unknown')"
                ".", "leave the cells empty where the date is unknown, or correct them; or load "
                     "with on_invalid='drop'."))
            invalid |= flagged
            bad &= ~flagged
    if c.dtype in _KIND_WORDS and bad.any():
        fix = _PARSE_FIXES.get("date" if c.dtype == "datetime" else c.dtype, _NUMBER_FIX)
        found.append(_problem("unparseable", c, src, bad, row_numbers, raw,
                              f"{int(bad.sum())} value(s) cannot be read as "
                              f"{_KIND_WORDS[c.dtype]}.", fix + "; or load with on_invalid='drop'."))
        invalid |= bad
    if c.dtype == "int":
        coerced, flagged = _whole_numbers(coerced, c, src, row_numbers, raw, found)
        invalid |= flagged
    if c.dtype == "category":
        coerced, flagged = _allowed(coerced, c, src, row_numbers, raw, found)
        invalid |= flagged
    if c.min_value is not None and c.dtype in ("int", "float"):
        coerced, flagged = _minimum(coerced, c, src, row_numbers, raw, found)
        invalid |= flagged
    if c.required and not present.all():
        found.append(_problem(
            "missing_value", c, src, ~present, row_numbers, raw,
            f"{int((~present).sum())} row(s) have no {c.name} ({c.zh}), which every row needs.",
            "fill the cells in the source system, or load with on_invalid='drop' to leave these "
            "rows out (they are reported)."))
        invalid |= ~present
    return CheckedColumn(coerced, found, invalid, notes, cautions)


def duplicate_keys_problem(keys: pd.Series, row_numbers: pd.Series, source: str | None = None
                           ) -> tuple[Problem | None, np.ndarray]:
    """The rows sharing a key with another row, and the rows ``on_invalid="drop"`` drops.

    Parameters
    ----------
    keys : Series
        The table's key column (final values).
    row_numbers : Series
        File row of each row.
    source : str, optional
        The key's name in the file.

    Returns
    -------
    problem : Problem or None
        ``duplicate_key`` listing every row of a repeated key; ``None`` when keys are unique.
    invalid : ndarray of bool
        Every repeat after the first of each key.

    Examples
    --------
    >>> problem, invalid = duplicate_keys_problem(pd.Series(["C1", "C2", "C1"], name="customer_id"),
    ...                                           pd.Series([2, 3, 4]))
    >>> problem.rows, invalid.tolist()
    ([2, 4], [False, False, True])
    """
    name = str(keys.name)
    if no_repeats(keys):  # the common case, checked on the sorted column
        return None, np.zeros(len(keys), dtype=bool)
    filled = keys.notna().to_numpy()
    dup = keys.duplicated(keep=False).to_numpy() & filled
    if not dup.any():
        return None, np.zeros(len(keys), dtype=bool)
    n, rows, vals = rows_and_values(dup, row_numbers, keys)
    problem = Problem(
        "duplicate_key", column=name, source_column=source or name, count=n, rows=rows,
        values=vals, detail=f"{n} row(s) share a {name} with another row; the key must be unique.",
        fix="remove the repeated rows (see helpers.data.duplicate_candidates for near-duplicates), "
            "or map another column as the key; on_invalid='drop' keeps the first of each.")
    return problem, keys.duplicated(keep="first").to_numpy() & filled


_TYPED_FIRST = ("int", "float", "date", "datetime", "bool")
#: Tables of at least the first and fewer than the second many rows are validated in two lanes
#: at once (:mod:`._lanes`). Smaller, a thread costs more than it saves; larger, two columns'
#: working copies at once would take the peak past twice the loaded table (2.2x at 5M rows,
#: 1.7x one column at a time), while below the bound the reader's own peak is the larger.
LANES_ROWS = (100_000, 2_000_000)


def _check_column(out: pd.DataFrame, c: Column, row_numbers: pd.Series, source: str,
                  values: Mapping[Any, Any] | None, fmt: str | None,
                  hints: ReadHints) -> CheckedColumn:
    """One column of ``out`` validated: the typed shortcut when it applies, else the careful way."""
    return _check_raw(out[c.name], c, row_numbers, source, values, fmt, hints)


def _check_raw(raw: pd.Series, c: Column, row_numbers: pd.Series, source: str,
               values: Mapping[Any, Any] | None, fmt: str | None,
               hints: ReadHints) -> CheckedColumn:
    """One column as read, validated (:func:`_check_column` of a column taken out of its table)."""
    typed = typed_column(raw, c, values, fmt, hints.decimal, hints.thousands, hints.sep)
    if typed is None:  # the careful way, on the text as the careful reader gives it
        raw = widened(raw)
    cleaned = raw if typed is not None else cleaned_column(raw, values)
    return validate_column(raw, cleaned, c, row_numbers, source, fmt, hints, typed)


def _column_task(raws: dict[str, pd.Series], c: Column, row_numbers: pd.Series, source: str,
                 values: Mapping[Any, Any] | None, fmt: str | None, hints: ReadHints,
                 early: dict[str, Any] | None = None) -> Callable[[], CheckedColumn]:
    """A lane's task: validate one column taken out of ``raws`` (its text freed once checked).

    With ``early`` (the key), its repeats are found next, beside the other lane's work:
    ``early["key"]``, what :func:`duplicate_keys_problem` of the key as validated returns.
    """
    def task() -> CheckedColumn:
        checked = _check_raw(raws.pop(c.name), c, row_numbers, source, values, fmt, hints)
        pa.default_memory_pool().release_unused()  # the text just freed goes back to the system
        if early is not None:
            early["key"] = duplicate_keys_problem(checked.values.rename(c.name), row_numbers,
                                                  source)
        return checked
    return task


def validate(columns: pd.DataFrame, t: Table, row_numbers: pd.Series, source_of: Mapping[str, str],
             values: Mapping[str, Any], formats: Mapping[str, str],
             hints: ReadHints = ReadHints()) -> Validated:
    """Stage 3 and 4 of the loader for a whole table: coerce and check every course column.

    Parameters
    ----------
    columns : DataFrame
        The course columns as read (from stage 2; they are taken out of it as they are checked).
    t : Table
        The course table.
    row_numbers : Series
        File row of each row.
    source_of : dict
        Course column -> file column.
    values, formats : dict
        The mapping's recoding and date formats, per course column.
    hints : ReadHints, optional
        Decimal mark, thousands separator (the mapping's ``read``), the file's delimiter.

    Returns
    -------
    Validated
        ``frame`` (the columns in their course types, invalid cells empty), ``problems``
        (column by column in the table's order, then duplicate keys), ``invalid`` (rows with a
        problem), ``notes`` and ``cautions`` (assumptions that may be wrong).
    """
    order = list(columns.columns)
    found = [c for c in t.columns if c.name in columns.columns]
    raws = {c.name: columns.pop(c.name) for c in found}  # each freed once its lane checks it
    # two lanes: the columns that may become numbers, dates or yes/no (their text goes early),
    # and the others; on a small table the first lane and then the second, on this thread
    lanes = [[c for c in found if (c.dtype in _TYPED_FIRST) == typed] for typed in (True, False)]
    threads = LANES_ROWS[0] <= len(columns) < LANES_ROWS[1]
    early: dict[str, Any] = {}  # in two lanes, the key's repeats are found in the key's lane
    first, second = ([_column_task(raws, c, row_numbers, source_of.get(c.name, c.name),
                                   values.get(c.name), formats.get(c.name), hints,
                                   early if threads and c.name == t.key else None)
                      for c in lane] for lane in lanes)
    done = two_lanes(first, second, threads=threads)
    checked = {c.name: col for lane, cols in zip(lanes, done, strict=True)
               for c, col in zip(lane, cols, strict=True)}
    out = columns.assign(**{name: checked[name].values for name in checked})[order]
    repeated: tuple[Problem | None, np.ndarray] = early.get("key", (None, np.zeros(0, dtype=bool)))
    if t.key in checked and not early:  # once every column is read, when little else is held
        repeated = duplicate_keys_problem(out[t.key], row_numbers, source_of.get(t.key, t.key))
    problems: list[Problem] = []
    notes: list[str] = []
    cautions: list[Caution] = []
    invalid = np.zeros(len(out), dtype=bool)
    for c in found:  # findings in the table's order of columns, then repeated keys
        problems += checked[c.name].problems
        notes += checked[c.name].notes
        cautions += checked[c.name].cautions
        invalid |= checked[c.name].invalid
    if repeated[0] is not None:
        problems.append(repeated[0])
        invalid |= repeated[1]
    return Validated(out, problems, invalid, notes, cautions)


def future_dates_caution(frame: pd.DataFrame, t: Table, as_of: pd.Timestamp,
                         margin_days: int = FUTURE_MARGIN_DAYS) -> list[Caution]:
    """Dates more than ``margin_days`` after ``as_of`` (due dates excepted), as cautions.

    >>> from helpers.tables import TABLES
    >>> tx = pd.DataFrame({"purchase_date": pd.to_datetime(["2024-01-05", "2099-01-01"])})
    >>> [c.kind for c in future_dates_caution(tx, TABLES["transactions"], pd.Timestamp("2024-02-01"))]
    ['future_dates']
    """
    limit = as_of + pd.Timedelta(days=margin_days)
    out = []
    for c in t.columns:
        if c.dtype not in ("date", "datetime") or c.name in FUTURE_OK or c.name not in frame:
            continue
        late = (frame[c.name] > limit).fillna(False).to_numpy(bool)
        if late.any():
            vals = frame.loc[late, c.name]
            out.append(Caution(
                "future_dates",
                f"{t.name}.{c.name}: {int(late.sum())} date(s) lie more than {margin_days} days "
                f"after the as-of date {as_of.date()} (latest {vals.max().date()}); they are kept "
                "but do not move the as-of date. Check them (a typo in the year?)."))
    return out
