"""Loader stage 2, mapping: the file's columns become course columns.

Headers equal to a course column or to its Chinese name map by themselves (full-width characters,
case and stray spaces do not matter); any other name through the mapping's ``columns``, which
may also drop a column (``None``). The mapping's ``derive`` section computes columns
(``amount = Quantity x UnitPrice``, ``is_return`` from an invoice prefix, a row number). A table
whose key column is missing and referred to by no other table gets its rows numbered.

>>> from helpers.data.mapping import read_mapping
>>> df = pd.DataFrame({"客户编号": ["C1"], "Total": ["5"], "When": ["2024-01-02"]})
>>> mapped = map_columns(df, TABLES["transactions"],
...                      read_mapping({"Total": "amount", "When": "purchase_date"}), "x.csv")
>>> mapped.frame.columns.tolist(), mapped.columns
(['amount', 'purchase_date', 'customer_id', 'transaction_id'], {'Total': 'amount', 'When': 'purchase_date', '客户编号': 'customer_id'})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.data._coerce import clean_strings, parse_numbers
from helpers.data._report import load_problem
from helpers.data.mapping import ColumnMapping, header_key, normalise_header
from helpers.errors import Problem
from helpers.tables import TABLES, Table

__all__ = ["MappedColumns", "apply_derive", "known_headers", "map_columns"]


@dataclass
class MappedColumns:
    """The file's columns as course columns (values still as read).

    Attributes
    ----------
    frame : DataFrame
        One column per course column found (or derived, or numbered).
    columns : dict
        File column -> course column, as matched (for the report).
    source_of : dict
        Course column -> the file column it came from (derived columns: themselves).
    extra : DataFrame
        The file's columns that map to no course column.
    notes : list of str
        What was done that a user should know (key column numbered …).
    """

    frame: pd.DataFrame
    columns: dict[str, str]
    source_of: dict[str, str]
    extra: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def known_headers(t: Table, mapping_columns: Mapping[str, Any]) -> set[str]:
    """Header keys that identify a header row: course names, Chinese names, mapped names.

    >>> "客户编号" in known_headers(TABLES["customers"], {})
    True
    """
    names = {header_key(c.name) for c in t.columns} | {header_key(c.zh) for c in t.columns}
    return names | {header_key(k) for k in mapping_columns}


def _match(df: pd.DataFrame, t: Table, mapping: ColumnMapping, problems: list[Problem]
           ) -> tuple[dict[str, str], list[str]]:
    """File column -> course column (the mapping's first, then by name), and dropped columns."""
    by_key: dict[str, str] = {}
    for c in t.columns:
        by_key.setdefault(header_key(c.name), c.name)
        by_key.setdefault(header_key(c.zh), c.name)
    rename: dict[str, str] = {}
    dropped: list[str] = []
    norm_cols = {normalise_header(c): c for c in df.columns}
    for src, dst in mapping.columns.items():
        real = norm_cols.get(src) or next(
            (c for n, c in norm_cols.items() if header_key(n) == header_key(src)), None)
        if real is None:
            problems.append(Problem(
                "mapping", source_column=src, column=dst, fatal=True,
                detail=f"the mapping names column {src!r}, which the file does not have.",
                fix=f"correct the name in the mapping; the file's columns are "
                    f"{list(df.columns)[:20]}"))
            continue
        if dst is None:
            dropped.append(real)
        else:
            rename[real] = dst
    chosen = set(rename.values())  # by the mapping: a same-named column stays an extra one
    auto: dict[str, str] = {}
    for c in df.columns:
        if c in rename or c in dropped:
            continue
        target = by_key.get(header_key(c))
        if target and target in auto:  # "name" and "客户名称": which one is meant?
            problems.append(Problem(
                "duplicate_column", column=target, source_column=f"{auto[target]}, {c}",
                fatal=True, detail=f"columns {auto[target]!r} and {c!r} both mean the course "
                                   f"column {target!r}.",
                fix=f"say which one in the mapping (columns: {{{auto[target]}: {target}, "
                    f"{c}: null}}), or rename one of them in the file."))
        elif target and target not in chosen:
            rename[c], auto[target] = target, c
    return rename, dropped


def _derived(df: pd.DataFrame, spec: Any, col: Any) -> pd.Series | None:
    """One derived column (``None`` when a column it needs is missing: reported by ``col``)."""
    if spec == "row_number":
        return pd.Series(np.arange(1, len(df) + 1), index=df.index).astype(str)
    op, args = next(iter(spec.items()))
    args = list(args) if isinstance(args, list | tuple) else [args]
    if op in {"multiply", "add", "subtract"}:
        parts = [col(a) for a in args]
        if any(p is None for p in parts):
            return None
        nums = [parse_numbers(p) for p in parts]
        out = nums[0]
        for n in nums[1:]:
            out = out * n if op == "multiply" else (out + n if op == "add" else out - n)
        return out.round(10)
    if op == "startswith":
        s = col(args[0])
        if s is None:
            return None
        prefix = str(args[1]) if len(args) > 1 else ""
        return clean_strings(s).str.startswith(prefix).fillna(False)
    if op == "copy":
        return col(args[0])
    if op == "constant":  # one value for every row ({constant: individual}); null: empty
        return pd.Series([args[0] if args else None] * len(df), index=df.index, dtype=object)
    return None


def apply_derive(df: pd.DataFrame, derive: Mapping[str, Any], source_of: Mapping[str, str],
                 problems: list[Problem]) -> pd.DataFrame:
    """Create course columns from file columns (named as in the file, or by course name).

    Parameters
    ----------
    df : DataFrame
        The file's columns; the derived columns are added to it (in place) under their course
        names.
    derive : mapping
        The mapping's ``derive`` section: course column -> ``{operation: arguments}`` or
        ``"row_number"``.
    source_of : mapping
        Course column -> file column, so arguments may use course names.
    problems : list of Problem
        A missing argument column is appended here.

    Returns
    -------
    DataFrame
        ``df``.

    Examples
    --------
    >>> df = pd.DataFrame({"Qty": ["2"], "Price": ["1.25"]})
    >>> apply_derive(df, {"amount": {"multiply": ["Qty", "Price"]}}, {}, [])["amount"].tolist()
    [2.5]
    """
    lookup = {normalise_header(c): c for c in df.columns}
    lookup.update({c: c for c in df.columns})
    for course_name, file_name in source_of.items():
        lookup.setdefault(course_name, file_name)

    def col(name: Any) -> pd.Series | None:
        real = lookup.get(normalise_header(name))
        if real is None:
            problems.append(Problem(
                "mapping", column=None, source_column=str(name), fatal=True,
                detail=f"the mapping's 'derive' section uses column {name!r}, which the file does "
                       "not have.", fix=f"use one of the file's columns: {list(df.columns)[:15]}"))
            return None
        return df[real]

    for target, spec in derive.items():
        values = _derived(df, spec, col)
        if values is not None:
            df[target] = values
    return df


def _missing_required(t: Table, out: pd.DataFrame, df: pd.DataFrame,
                      extra: list[str]) -> Problem | None:
    missing = [c for c in t.required if c not in out.columns]
    if not missing:
        return None
    zh = {c.name: c.zh for c in t.columns}
    return Problem(
        "missing_column", column=", ".join(missing), fatal=True,
        detail="required course column(s) not found: "
               + ", ".join(f"{m} ({zh[m]})" for m in missing)
               + f". The file's columns are {list(df.columns)[:20]}.",
        fix="rename the columns in the file, or give a mapping "
            "{your column: course column}, e.g. mapping={'"
            + (str(extra[0]) if extra else "Your column") + f"': '{missing[0]}'}}.")


def map_columns(df: pd.DataFrame, t: Table, mapping: ColumnMapping, file: str) -> MappedColumns:
    """Stage 2 of the loader: the file's columns as course columns.

    Parameters
    ----------
    df : DataFrame
        The file's data rows under its own column names (from stage 1).
    t : Table
        The course table.
    mapping : ColumnMapping
        The column mapping (may be empty).
    file : str
        The file's name, for messages.

    Returns
    -------
    MappedColumns
        The course columns (values as read), where each came from, and the extra columns.

    Raises
    ------
    DataProblem
        Listing every problem: mapped columns the file lacks, derive arguments it lacks,
        required course columns not found.
    """
    problems: list[Problem] = []
    rename, dropped = _match(df, t, mapping, problems)
    df = df.drop(columns=dropped)
    columns = dict(rename)
    source_of = {v: k for k, v in rename.items()}
    extra = [c for c in df.columns if c not in rename]
    if mapping.derive:
        df = apply_derive(df, mapping.derive, source_of, problems)
        for target in mapping.derive:
            if target in df.columns:
                rename[target] = target
                source_of[target] = target
                if target in extra:
                    extra.remove(target)
    out = pd.DataFrame(index=df.index)
    for src, dst in rename.items():
        if src in df.columns:
            out[dst] = df[src]
    notes = []
    foreign = {c for other in TABLES.values() if other.name != t.name for c in other.names}
    if t.key not in out.columns and t.key not in foreign:  # nothing refers to it: number rows
        out[t.key] = pd.Series(np.arange(1, len(out) + 1), index=out.index).astype(str)
        notes.append(f"the file has no {t.key!r} column; rows were numbered 1..{len(out)} as "
                     f"{t.key}.")
    missing = _missing_required(t, out, df, extra)
    if missing is not None:
        problems.append(missing)
    if problems:
        raise load_problem(file, problems, t.name)
    return MappedColumns(out, columns, source_of, df[[c for c in extra if c in df.columns]],
                         notes)
