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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.data._coerce import cleaned_column, to_course_type
from helpers.data._report import MAX_ROWS_SHOWN
from helpers.errors import Problem
from helpers.tables import Column, Table

__all__ = ["CheckedColumn", "duplicate_keys_problem", "rows_and_values", "validate",
           "validate_column"]

_KIND_WORDS = {"int": "whole numbers", "float": "numbers", "bool": "yes/no values",
               "date": "dates", "datetime": "dates/times"}
_PARSE_FIXES = {"date": "write dates as 2024-03-05 (also accepted: 2024/3/5, 2024年3月5日, "
                        "20240305), or give the format in the mapping's 'formats' section",
                "bool": "use 是/否, Y/N, yes/no, true/false or 1/0, or recode in the mapping's "
                        "'values' section"}
_NUMBER_FIX = "remove letters and units from the cells (thousands separators and ¥ are fine)"


@dataclass
class CheckedColumn:
    """One course column, validated: its final values, the problems found, the invalid rows."""

    values: pd.Series
    problems: list[Problem]
    invalid: np.ndarray


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


def validate_column(raw: pd.Series, cleaned: pd.Series, c: Column, row_numbers: pd.Series,
                    source: str | None = None, fmt: str | None = None) -> CheckedColumn:
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

    Returns
    -------
    CheckedColumn
        Values in the course type with invalid cells empty, the problems, the invalid rows.
    """
    src = source or c.name
    found: list[Problem] = []
    coerced = to_course_type(cleaned, c.dtype, fmt)
    present = cleaned.notna().to_numpy()
    invalid = np.zeros(len(raw), dtype=bool)
    bad = present & coerced.isna().to_numpy()
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
    return CheckedColumn(coerced, found, invalid)


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


def validate(columns: pd.DataFrame, t: Table, row_numbers: pd.Series, source_of: Mapping[str, str],
             values: Mapping[str, Any], formats: Mapping[str, str]
             ) -> tuple[pd.DataFrame, list[Problem], np.ndarray]:
    """Stage 3 and 4 of the loader for a whole table: coerce and check every course column.

    Parameters
    ----------
    columns : DataFrame
        The course columns as read (from stage 2).
    t : Table
        The course table.
    row_numbers : Series
        File row of each row.
    source_of : dict
        Course column -> file column.
    values, formats : dict
        The mapping's recoding and date formats, per course column.

    Returns
    -------
    table : DataFrame
        The columns in their course types, invalid cells empty.
    problems : list of Problem
        Every finding, column by column (in the table's order), then duplicate keys.
    invalid : ndarray of bool
        Rows with a problem.
    """
    out = columns
    problems: list[Problem] = []
    invalid = np.zeros(len(out), dtype=bool)
    for c in t.columns:
        if c.name not in out.columns:
            continue
        raw = out[c.name]
        checked = validate_column(raw, cleaned_column(raw, values.get(c.name)), c, row_numbers,
                                  source_of.get(c.name, c.name), formats.get(c.name))
        problems += checked.problems
        invalid |= checked.invalid
        out[c.name] = checked.values
    if t.key in out.columns:
        problem, repeats = duplicate_keys_problem(out[t.key], row_numbers,
                                                  source_of.get(t.key, t.key))
        if problem is not None:
            problems.append(problem)
            invalid |= repeats
    return out, problems, invalid
