"""Inputs of the engine: a DataFrame, or a file or folder read by DuckDB with the mapping as SQL.

A path (CSV, Parquet, or a folder of Parquet files) is never loaded into pandas: DuckDB scans it
(``read_csv`` / ``read_parquet``) and the column mapping (:func:`helpers.data.read_mapping`)
becomes column renames, date formats, casts and derived columns in the ``SELECT`` list. Values
that do not parse are reported as :class:`~helpers.errors.DataProblem` with the file, the column,
a few values and how to fix it, as :func:`helpers.data.load_table` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.data import ColumnMapping, read_mapping
from helpers.data.mapping import header_key, normalise_header
from helpers.errors import DataProblem
from helpers.tables import TABLES

if TYPE_CHECKING:
    import duckdb

__all__ = ["Source", "quote", "table_source"]

_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
_NUMERIC = ("float", "int")


def quote(name: str) -> str:
    """A SQL identifier in double quotes (embedded quotes doubled).

    Examples
    --------
    >>> quote("order id")
    '"order id"'
    """
    return '"' + str(name).replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class Source:
    """A table as a SQL ``SELECT`` of course columns.

    Attributes
    ----------
    sql : str
        A query whose columns are the course columns asked for (typed).
    name : str
        What to call it in messages: the file, or the table name for a DataFrame.
    columns : tuple of str
        The course columns it has (optional ones may be absent).
    """

    sql: str
    name: str
    columns: tuple[str, ...]


def _reader(path: Path, mapping: ColumnMapping) -> str:
    """The DuckDB table function that scans ``path``."""
    text = str(path)
    if path.is_dir():
        return f"read_parquet({_literal(text + '/**/*.parquet')}, union_by_name = true)"
    lower = path.name.lower()
    if lower.endswith(_PARQUET):
        return f"read_parquet({_literal(text)})"
    if not lower.endswith(_CSV):
        raise DataProblem(f"{path}: the engine reads CSV and Parquet files (or a folder of Parquet "
                          "files). Fix: save the export as CSV or Parquet, or load it with "
                          "helpers.data.load_table.")
    opts = mapping.read.given()
    # every column as text: identifiers keep leading zeros, dates and numbers parse by the
    # mapping's rules (as load_table does), not by DuckDB's guess
    args = [_literal(text), "header = true", "all_varchar = true"]
    sep = opts.pop("sep", None)
    if sep is not None:
        if len(sep) != 1 and sep != "\\t":
            raise DataProblem(f"{path}: the mapping's read.sep {sep!r} is a pattern; the engine "
                              "needs a single separator character. Fix: load the file with "
                              "helpers.data.load_table, or convert it to CSV/Parquet first.")
        args.append(f"delim = {_literal(sep)}")
    if isinstance(opts.get("skiprows"), int):
        args.append(f"skip = {int(opts.pop('skiprows'))}")
    if opts.pop("encoding", "utf-8").lower().replace("_", "-") not in ("utf-8", "utf-8-sig"):
        raise DataProblem(f"{path}: the engine reads UTF-8 CSV files. Fix: convert the file to "
                          "UTF-8 (or Parquet), or load it with helpers.data.load_table.")
    if set(opts) - {"header"}:
        raise DataProblem(f"{path}: read options {sorted(opts)} are not supported by the engine; "
                          "load the file with helpers.data.load_table.")
    return f"read_csv({', '.join(args)})"


def _file_columns(con: duckdb.DuckDBPyConnection, reader: str, path: Path) -> dict[str, str]:
    import duckdb  # deferred: only the engine path needs it

    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except duckdb.Error as err:
        raise DataProblem(f"{path}: DuckDB cannot read the file: {err}. Fix: check the path and "
                          "that it is a CSV or Parquet file.") from err
    return {str(r[0]): str(r[1]) for r in rows}


def _course_names(raw: Mapping[str, str], mapping: ColumnMapping, table: str) -> dict[str, str]:
    """Course column -> file column, from the mapping, else the header itself (any case)."""
    known = set(TABLES[table].names)
    out: dict[str, str] = {}
    for col in raw:
        head = normalise_header(col)
        if head in mapping.columns:
            target = mapping.columns[head]
        else:
            target = header_key(col) if header_key(col) in known else None
        if target and target not in out:
            out[target] = col
    return out


def _derived_sql(spec: Any, source: Mapping[str, str]) -> str | None:
    """SQL of one ``derive`` entry over file columns (``None`` if unsupported or absent)."""
    if not isinstance(spec, Mapping):
        return None
    op, args = next(iter(spec.items()))
    args = list(args) if isinstance(args, list | tuple) else [args]

    def col(name: Any) -> str | None:
        found = next((c for c in source if normalise_header(c) == normalise_header(name)), None)
        return None if found is None else quote(found)

    if op in {"multiply", "add", "subtract"}:
        parts = [col(a) for a in args]
        if any(p is None for p in parts):
            return None
        sign = {"multiply": " * ", "add": " + ", "subtract": " - "}[op]
        return "round(" + sign.join(f"TRY_CAST({p} AS DOUBLE)" for p in parts) + ", 10)"
    first = col(args[0])
    if first is None:
        return None
    if op == "startswith":
        prefix = str(args[1]) if len(args) > 1 else ""
        return f"coalesce(starts_with(trim(CAST({first} AS VARCHAR)), {_literal(prefix)}), FALSE)"
    return first if op == "copy" else None


def _typed(expr: str, raw_type: str, dtype: str, fmt: str | None) -> tuple[str, str | None]:
    """(typed expression, the test of a value that did not parse or ``None``)."""
    text = raw_type.upper() == "VARCHAR"
    if dtype in ("date", "datetime"):
        if fmt and text:
            typed = f"try_strptime({expr}, {_literal(fmt)})"
        elif text:
            typed = f"TRY_CAST({expr} AS TIMESTAMP)"
        else:
            return f"CAST({expr} AS TIMESTAMP)", None
        return typed, f"({expr}) IS NOT NULL AND {typed} IS NULL"
    if dtype in _NUMERIC:
        typed = f"TRY_CAST({expr} AS DOUBLE)"
        return typed, (f"({expr}) IS NOT NULL AND {typed} IS NULL" if text else None)
    if dtype == "bool":
        if text:
            typed = (f"(lower(trim({expr})) IN ('true', 't', '1', 'yes', 'y', '是'))")
            return typed, None
        return f"CAST({expr} AS BOOLEAN)", None
    return f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')", None


def _recoded(expr: str, values: Mapping[Any, Any] | None) -> str:
    if not values:
        return expr
    cases = " ".join(f"WHEN CAST({expr} AS VARCHAR) = {_literal(str(k))} THEN {_literal(v)}"
                     for k, v in values.items())
    return f"(CASE {cases} ELSE {expr} END)"


def _check_parsed(con: duckdb.DuckDBPyConnection, reader: str, checks: dict[str, tuple[str, str]],
                  path: Path) -> None:
    """Count values that did not parse (one scan); raise with a few of them."""
    if not checks:
        return
    counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {bad})"
                                               for _, bad in checks.values())
                         + f" FROM {reader}").fetchone() or ()
    for (col, (raw, bad)), n in zip(checks.items(), counts, strict=True):
        if n:
            sample = [r[0] for r in con.execute(
                f"SELECT DISTINCT CAST({raw} AS VARCHAR) FROM {reader} WHERE {bad} LIMIT 5"
            ).fetchall()]
            kind = "dates" if "TIMESTAMP" in bad or "strptime" in bad else "numbers"
            raise DataProblem(
                f"{path}: column {col!r} has {n} value(s) that are not {kind}, e.g. {sample}. "
                "Fix: correct them in the export, or give the format in the mapping file "
                "(formats: {purchase_date: '%Y/%m/%d'}); amounts without currency signs or "
                "thousands separators."
            )


def _file_source(con: duckdb.DuckDBPyConnection, data: str | Path, table: str,
                 wanted: Sequence[str], mapping: Any) -> Source:
    path = Path(data)
    if not path.exists():
        raise DataProblem(f"{path}: no such file or folder (expected a DataFrame, or the path "
                          f"of a CSV/Parquet file or folder; got {type(data).__name__} "
                          f"{str(data)!r}). Fix: check the path.")
    m = read_mapping(mapping, table) if mapping is not None else read_mapping({}, table)
    reader = _reader(path, m)
    raw = _file_columns(con, reader, path)
    names = _course_names(raw, m, table)
    spec = TABLES[table]
    select, checks, have = [], {}, []
    for col in wanted:
        if col in m.derive:
            expr, raw_type = _derived_sql(m.derive[col], raw), "DOUBLE"
        elif col in names:
            expr, raw_type = quote(names[col]), raw[names[col]]
        else:
            expr = None
        if expr is None:
            continue
        expr = _recoded(expr, m.values.get(col))
        typed, bad = _typed(expr, raw_type, spec.column(col).dtype, m.formats.get(col))
        if bad:
            checks[col] = (expr, bad)
        select.append(f"{typed} AS {quote(col)}")
        have.append(col)
    _check_parsed(con, reader, checks, path)
    sql = f"SELECT {', '.join(select)} FROM {reader}" if select else f"SELECT 1 FROM {reader}"
    return Source(sql=sql, name=str(path), columns=tuple(have))


def table_source(con: duckdb.DuckDBPyConnection, data: pd.DataFrame | str | Path, table: str,
                 wanted: Sequence[str], rename: Mapping[str, str] | None = None,
                 mapping: Any = None) -> Source:
    """The course columns ``wanted`` of a frame or a file, as a DuckDB query.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        From :func:`~helpers.scale.connect`.
    data : DataFrame, str or Path
        A frame (registered, not copied), or a CSV/Parquet file or a folder of Parquet files.
    table : str
        The course table (``"transactions"``, ``"invoices"`` …).
    wanted : sequence of str
        Course columns to select; those the input lacks are left out of :attr:`Source.columns`.
    rename : mapping, optional
        For a frame: course column -> the frame's column (``customer_col=`` …).
    mapping : str, Path, dict or ColumnMapping, optional
        For a file: the column mapping (as for :func:`helpers.data.load_table`).

    Returns
    -------
    Source

    Raises
    ------
    DataProblem
        A missing file, a format the engine cannot read, values that do not parse.
    """
    if not isinstance(data, pd.DataFrame):
        return _file_source(con, data, table, wanted, mapping)
    rename = dict(rename or {})
    spec = TABLES[table]
    cols = {c: rename.get(c, c) for c in wanted if rename.get(c, c) in data.columns}
    view = f"input_{table}_{id(data)}"
    # as Arrow: DuckDB scans Arrow strings without going through Python objects
    import pyarrow as pa  # deferred with the engine

    con.register(view, pa.Table.from_pandas(data[list(dict.fromkeys(cols.values()))],
                                            preserve_index=False))
    select, checks = [], {}
    for col, src in cols.items():
        raw_type = "VARCHAR" if data[src].dtype == object or pd.api.types.is_string_dtype(
            data[src]) else "ANY"
        if spec.column(col).dtype in ("string",):
            typed, bad = quote(src), None  # identifiers keep the frame's own type
        else:
            typed, bad = _typed(quote(src), raw_type, spec.column(col).dtype, None)
        if bad:
            checks[col] = (quote(src), bad)
        select.append(f"{typed} AS {quote(col)}")
    _check_parsed(con, view, checks, Path(table))
    return Source(sql=f"SELECT {', '.join(select)} FROM {quote(view)}", name=table,
                  columns=tuple(cols))

