"""Loading a course table from any export: CSV, Excel or Parquet, mapped and validated.

One loader serves every table of :mod:`helpers.tables`:

>>> tx = load_table("my_export.csv", "transactions", mapping="mappings/my_crm.yaml")  # doctest: +SKIP

What it does, in order:

1. **Reads** CSV/TXT (delimiter sniffed: ``,`` ``;`` tab ``|`` or runs of spaces), ``.gz``,
   Excel (``.xlsx`` via openpyxl, ``.xls`` via xlrd) and Parquet. The text encoding is detected
   (UTF-8, UTF-8 with BOM, then GB18030, which covers GBK and GB2312); title rows above the header
   are detected (or set with ``header=``/``skiprows=``).
2. **Maps** the file's headers to course columns: headers equal to a course column or to its Chinese
   name map by themselves (full-width characters and stray spaces do not matter); any other name
   through a mapping (a dict or a YAML file, see CONTRIBUTING.md), which may also recode values,
   give date formats and derive columns (``amount = Quantity x UnitPrice``).
3. **Coerces** each column to its course type (nullable dtypes): numbers with thousands separators
   or full-width digits, dates in several formats (``2024-03-05``, ``2024/3/5``, ``2024年3月5日``,
   ``20240305`` …), yes/no values (``是/否``, ``Y/N``, ``1/0``, ``true/false``).
4. **Validates**: required columns, unparseable values, values outside the allowed list or below the
   minimum, empty required values, duplicate keys. Every problem is collected; then
   ``on_invalid="raise"`` raises one :class:`DataProblem` listing them all (file, column, up to five
   rows as numbered in the file, the values, and how to fix), ``"drop"`` drops the offending rows,
   ``"keep"`` keeps them with the bad cells empty. Either way the findings are in
   ``df.attrs["load_report"]`` (a :class:`LoadReport`).

The input file is only ever read. Outputs go through :func:`write_table`, which masks personal
data unless asked not to and never overwrites a file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import paths
from helpers.data.mapping import normalise_header, read_mapping, to_halfwidth
from helpers.errors import DataProblem, Problem, require_columns
from helpers.tables import TABLES, Table
from helpers.tables import table as get_table

__all__ = [
    "DataProblem",
    "Problem",
    "LoadReport",
    "CourseData",
    "load_table",
    "load_course_data",
    "write_table",
    "require_columns",
    "read_mapping",
    "normalise_header",
    "to_halfwidth",
    "parse_dates",
    "parse_numbers",
    "parse_bools",
]

MAX_ROWS_SHOWN = 5
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "无", "空", "#n/a"}
TRUE_TOKENS = {"true", "t", "yes", "y", "1", "是", "对", "有", "√", "1.0"}
FALSE_TOKENS = {"false", "f", "no", "n", "0", "否", "错", "无", "×", "0.0"}


# --------------------------------------------------------------------------------------------
# errors and reports


_REPORT_FIELDS = {
    "file": None, "table": None, "rows_read": 0, "rows_kept": 0, "problems": list,
    "notes": list, "dropped_rows": list, "n_dropped": 0, "encoding": None, "sep": None,
    "header_row": None, "columns": dict,
}
MAX_DROPPED_LISTED = 1000


def _plain(value: Any) -> Any:
    """A JSON-friendly version of a cell value (for reports)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item"):
        try:
            return _plain(value.item())
        except (ValueError, AttributeError):
            pass
    return str(value)


class LoadReport(dict):
    """What the loader found and did: problems, dropped rows, notes. ``str()`` reads well.

    A dict underneath (so it survives ``df.to_parquet`` and copying frames cheaply); read it
    through the attributes ``file, table, rows_read, rows_kept, problems`` (list of
    :class:`Problem`), ``notes, dropped_rows`` (file row numbers, the first 1000),
    ``n_dropped, encoding, sep, header_row, columns`` (file column -> course column).
    """

    def __init__(self, file: str = "", table: str = "", **values: Any):
        super().__init__()
        for key, default in _REPORT_FIELDS.items():
            self[key] = default() if callable(default) else default
        self["file"], self["table"] = file, table
        for key, value in values.items():
            setattr(self, key, value)

    def __getattr__(self, key: str) -> Any:
        if key == "problems":
            return [Problem(**p) for p in self["problems"]]
        if key in _REPORT_FIELDS:
            return self[key]
        raise AttributeError(key)

    def __setattr__(self, key: str, value: Any) -> None:
        if key not in _REPORT_FIELDS:
            raise AttributeError(f"LoadReport has no field {key!r}")
        if key == "problems":
            value = [
                {**vars(p), "values": [_plain(v) for v in p.values]} if isinstance(p, Problem)
                else dict(p) for p in value
            ]
        if key == "dropped_rows":
            value = [int(v) for v in list(value)[:MAX_DROPPED_LISTED]]
        self[key] = value

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self["problems"]

    def to_frame(self) -> pd.DataFrame:
        """The problems as a small table: kind, column, count, first rows, fix."""
        return pd.DataFrame(
            [
                {
                    "kind": p.kind,
                    "column": p.column,
                    "file column": p.source_column,
                    "count": p.count,
                    "rows": ", ".join(map(str, p.rows)),
                    "problem": p.detail,
                    "fix": p.fix,
                }
                for p in self.problems
            ],
            columns=["kind", "column", "file column", "count", "rows", "problem", "fix"],
        )

    def __str__(self) -> str:
        lines = [
            f"Load report for {self.file} -> table {self.table!r}: {self.rows_read} data row(s) "
            f"read, {self.rows_kept} kept."
        ]
        bits = []
        if self.encoding:
            bits.append(f"encoding {self.encoding}")
        if self.sep:
            bits.append(f"delimiter {self.sep!r}")
        if self.header_row:
            bits.append(f"header on row {self.header_row}")
        if bits:
            lines.append("Read with " + ", ".join(bits) + ".")
        lines += [f"Note: {n}" for n in self.notes]
        problems = self.problems
        if problems:
            lines.append(f"{len(problems)} problem(s):")
            lines += [f"{i}. {p.text()}" for i, p in enumerate(problems, 1)]
        else:
            lines.append("No problems found.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        from html import escape

        return f"<pre>{escape(str(self))}</pre>"


def _fail(file: str, problems: list[Problem], table: str | None = None) -> DataProblem:
    what = f" as table {table!r}" if table else ""
    head = f"Cannot load {file}{what}: {len(problems)} problem(s) found."
    body = "\n".join(f"{i}. {p.text()}" for i, p in enumerate(problems, 1))
    return DataProblem(f"{head}\n{body}", problems=problems, file=file)


# --------------------------------------------------------------------------------------------
# text normalisation and parsing (vectorised over unique values)


def _key(text: Any) -> str:
    """Lenient matching key: lower case, spaces/hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", normalise_header(text).lower())


def _clean_strings(s: pd.Series) -> pd.Series:
    """Strings, half-width, trimmed; missing tokens to <NA> (computed once per distinct value)."""
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.storage != "pyarrow":
        s = s.astype(object).where(s.notna(), None).astype("string[pyarrow]")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string[pyarrow]")
    wide = u.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(bool)
    if wide.any():
        u[wide] = u[wide].map(to_halfwidth).astype("string[pyarrow]")
    u = u.str.strip()
    u = u.mask(u.str.lower().isin(MISSING_TOKENS))
    return pd.Series(u.array.take(codes, allow_fill=True), index=s.index)


def _via_uniques(s: pd.Series, func) -> pd.Series:
    """Apply ``func`` (Series of unique strings -> Series) once per distinct value."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = func(pd.Series(uniques, dtype="string[pyarrow]"))
    return pd.Series(parsed.array.take(codes, allow_fill=True), index=s.index)


def parse_numbers(s: pd.Series, _clean: bool = True) -> pd.Series:
    """Text to numbers (Float64): thousands separators, currency signs, full-width digits.

    Unparseable values become <NA>; compare with the input to find them.

    >>> parse_numbers(pd.Series(["1,234.5", "￥12", "abc"])).tolist()
    [1234.5, 12.0, <NA>]
    """
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("Float64")
    if _clean:
        s = _clean_strings(s)

    def conv(u: pd.Series) -> pd.Series:
        t = u.str.replace(r"[,\s¥￥$€£元]", "", regex=True).str.replace(r"^\((.*)\)$", r"-\1",
                                                                     regex=True)
        return pd.to_numeric(t, errors="coerce").astype("Float64")

    return _via_uniques(s, conv)


def parse_bools(s: pd.Series, _clean: bool = True) -> pd.Series:
    """Yes/no text to a nullable boolean: 是/否, Y/N, yes/no, 1/0, true/false.

    >>> parse_bools(pd.Series(["是", "N", "1", "maybe"])).tolist()
    [True, False, True, <NA>]
    """
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean")
    if _clean:
        s = _clean_strings(s)

    def conv(u: pd.Series) -> pd.Series:
        low = u.str.lower()
        out = pd.Series(pd.array([pd.NA] * len(u), dtype="boolean"), index=u.index)
        out[low.isin(TRUE_TOKENS).fillna(False).to_numpy(bool)] = True
        out[low.isin(FALSE_TOKENS).fillna(False).to_numpy(bool)] = False
        return out

    return _via_uniques(s, conv)


_DATE_FORMATS_YFIRST = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S",
                        "%Y-%m-%d %H:%M:%S.%f")
_DATE_FORMATS_COMPACT = ("%Y%m%d", "%Y%m%d%H%M%S")
_DATE_FORMATS_MDY = ("%m-%d-%Y %H:%M", "%m-%d-%Y %H:%M:%S", "%m-%d-%Y")
_DATE_FORMATS_DMY = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y")


def _normalise_date_text(u: pd.Series) -> pd.Series:
    t = u.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False)
    t = t.str.replace(r"[日号]", " ", regex=True).str.replace("时", ":", regex=False)
    t = t.str.replace("分", ":", regex=False).str.replace("秒", "", regex=False)
    t = t.str.replace(r"(?<=\d)[/.](?=\d)", "-", regex=True)
    t = t.str.replace(r"\s+", " ", regex=True).str.strip().str.rstrip(":")
    return t


def parse_dates(s: pd.Series, fmt: str | None = None, _clean: bool = True) -> pd.Series:
    """Text to datetimes, trying the common formats of Chinese and Western exports.

    ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305`` and the same with a
    time; day-first/month-first dates with the year last (``05/03/2024``) are read month-first
    unless the values only make sense day-first. Unparseable values become NaT.

    Parameters
    ----------
    s : Series
        Dates as text (or already datetimes).
    fmt : str, optional
        An explicit ``strptime`` format; then only that format is tried.

    >>> parse_dates(pd.Series(["2024/3/5", "2024年3月5日", "20240305"])).dt.day.tolist()
    [5, 5, 5]
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("datetime64[ns]")
    if _clean:
        s = _clean_strings(s)

    def conv(u: pd.Series) -> pd.Series:
        if fmt:
            out = pd.to_datetime(u, format=fmt, errors="coerce")
            left = out.isna() & u.notna()
            if left.any():  # the format as given may use / or 年; retry on normalised text
                norm_fmt = fmt.replace("/", "-").replace(".", "-")
                out[left] = pd.to_datetime(_normalise_date_text(u[left]), format=norm_fmt,
                                           errors="coerce")
            return out.astype("datetime64[ns]")
        # fast path: ISO dates (what the course's own files and most databases write)
        out = pd.to_datetime(u, format="ISO8601", errors="coerce").astype("datetime64[ns]")
        left = out.isna() & u.notna()
        if not left.any():
            return out
        t = pd.Series(pd.NA, index=u.index, dtype="string[pyarrow]")
        t[left] = _normalise_date_text(u[left])
        rest = t[left]
        mdy = sum(pd.to_datetime(rest, format=f, errors="coerce").notna().sum()
                  for f in _DATE_FORMATS_MDY)
        dmy = sum(pd.to_datetime(rest, format=f, errors="coerce").notna().sum()
                  for f in _DATE_FORMATS_DMY)
        order = _DATE_FORMATS_YFIRST + _DATE_FORMATS_COMPACT
        order += (_DATE_FORMATS_DMY + _DATE_FORMATS_MDY) if dmy > mdy else (
            _DATE_FORMATS_MDY + _DATE_FORMATS_DMY)
        for f in order:
            left = out.isna() & t.notna()
            if not left.any():
                break
            out[left] = pd.to_datetime(t[left], format=f, errors="coerce")
        return out

    return _via_uniques(s, conv).astype("datetime64[ns]")


# --------------------------------------------------------------------------------------------
# mappings


# --------------------------------------------------------------------------------------------
# reading raw cells


def _read_bytes(path: Path) -> bytes:
    if path.suffix.lower() == ".gz":
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def _detect_encoding(data: bytes, encoding: str | None, file: str) -> str:
    if encoding:
        try:
            data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise _fail(file, [Problem(
                "encoding", detail=f"the file cannot be read as {encoding!r} ({exc}).",
                fix="leave encoding=None to detect it (UTF-8, UTF-8 with BOM or GB18030/GBK), or "
                    "pass the encoding your system exported with, e.g. encoding='latin-1'.",
                fatal=True)]) from None
        return encoding
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        return "utf-16"
    for enc in ("utf-8-sig", "gb18030"):
        try:
            data.decode(enc)
            return "utf-8-sig" if enc == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else (
                "utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise _fail(file, [Problem(
        "encoding", detail="the text is neither UTF-8 nor GB18030/GBK.", fatal=True,
        fix="find out how the file was exported and pass it, e.g. encoding='big5' or "
            "encoding='latin-1'; or re-export as UTF-8 CSV.")])


_SEP_CANDIDATES = (",", ";", "\t", "|")


def _sniff_sep(lines: list[str]) -> str:
    """The delimiter that splits the sample into the most fields, consistently."""
    best, best_score = ",", (0, 0)
    for sep in _SEP_CANDIDATES:
        counts = [len(r) for r in csv.reader(lines, delimiter=sep)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        share = counts.count(mode) / len(counts)
        if mode > 1 and share >= 0.5:
            score = (mode * share > 1, mode * share)
            if score > best_score:
                best, best_score = sep, score
    if best_score == (0, 0):
        counts = [len(ln.split()) for ln in lines]
        mode = max(set(counts), key=counts.count) if counts else 1
        if mode > 1 and counts.count(mode) / len(counts) >= 0.6:
            return r"\s+"
    return best


def _read_grid(path: Path, file: str, opts: dict[str, Any], report: LoadReport) -> pd.DataFrame:
    """All cells as text (or native types for Parquet), no header applied; index = file row - 1."""
    suffix = path.suffix.lower()
    inner = Path(path.stem).suffix.lower() if suffix == ".gz" else suffix
    if inner in PARQUET_SUFFIXES:
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise _fail(file, [Problem("unreadable", detail=f"not a readable Parquet file ({exc}).",
                                       fix="check the file is complete; re-export it.",
                                       fatal=True)]) from None
        report.header_row = None
        return df
    if inner in EXCEL_SUFFIXES:
        sheet = opts.get("sheet", 0)
        try:
            with warnings.catch_warnings():  # pandas 3 deprecates xlrd; it still reads .xls
                warnings.simplefilter("ignore")
                grid = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0,
                                     header=None, dtype=object,
                                     engine="xlrd" if inner == ".xls" else "openpyxl")
        except ValueError as exc:
            raise _fail(file, [Problem("unreadable", detail=f"cannot read the workbook: {exc}.",
                                       fix="pass sheet='<name>' or sheet=<number> (0 = first).",
                                       fatal=True)]) from None
        except Exception as exc:
            raise _fail(file, [Problem("unreadable", detail=f"not a readable Excel file ({exc}).",
                                       fix="open it in Excel and save it again as .xlsx, or "
                                           "export CSV.", fatal=True)]) from None
        grid.index = pd.RangeIndex(len(grid))
        return grid
    data = _read_bytes(path)
    if not data.strip():
        raise _fail(file, [Problem("empty_file", detail="the file is empty.", fatal=True,
                                   fix="export the table again; check the export finished.")])
    enc = _detect_encoding(data, opts.get("encoding"), file)
    report.encoding = enc
    text = data.decode(enc)
    del data
    if text.startswith("\ufeff"):
        text = text[1:]
    skip = opts.get("skiprows") or 0
    sample = [ln for ln in text.splitlines()[skip:skip + 60] if ln.strip()]
    sep = opts.get("sep") or _sniff_sep(sample)
    report.sep = sep
    if sep == r"\s+":
        width = max((len(ln.split()) for ln in sample), default=1)
    else:
        width = max((len(r) for r in csv.reader(sample, delimiter=sep)), default=1)
    try:
        grid = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, names=range(width), dtype=str,
            keep_default_na=False, skip_blank_lines=False, skiprows=skip,
            engine="python" if len(sep) > 1 else "c",
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = f" Row {int(m.group(1)) + skip}." if m else ""
        raise _fail(file, [Problem(
            "bad_row", detail=f"a row has more fields than the header ({exc}).{where}",
            fix="quote cells that contain the delimiter, or pass sep= explicitly.",
            fatal=True)]) from None
    grid.index = pd.RangeIndex(skip, skip + len(grid))
    return grid


def _blank_cells(grid: pd.DataFrame) -> pd.DataFrame:
    """True where a cell is missing or only spaces."""
    out = {}
    for c in grid.columns:
        col = grid[c]
        if col.dtype == object:
            out[c] = col.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                             or (isinstance(v, str) and not v.strip())).astype(bool)
        else:
            out[c] = (col.isna() | col.astype("string").str.strip().eq("")).fillna(True).astype(
                bool)
    return pd.DataFrame(out, index=grid.index)


def _known_headers(t: Table, mapping_cols: Mapping[str, Any]) -> set[str]:
    names = {_key(c.name) for c in t.columns} | {_key(c.zh) for c in t.columns}
    return names | {_key(k) for k in mapping_cols}


def _find_header(grid: pd.DataFrame, known: set[str]) -> int:
    """Position (0-based in ``grid``) of the header row among the first 20 rows."""
    head = grid.head(20)
    filled = head.apply(lambda r: r.map(lambda v: v is not None and str(v).strip() != ""
                                        and not (isinstance(v, float) and np.isnan(v))).sum(),
                        axis=1).to_numpy()
    if len(head) == 0:
        return 0
    scores = [sum(_key(v) in known for v in row if isinstance(v, str)) for row in
              head.itertuples(index=False)]
    if max(scores) > 0:
        return int(np.argmax(scores))
    widest = filled.max()
    return int(np.flatnonzero(filled >= widest)[0])


# --------------------------------------------------------------------------------------------
# the loader


def _rows_and_values(df: pd.DataFrame, col: str, mask: np.ndarray, rownum: pd.Series,
                     raw: pd.Series | None = None) -> tuple[int, list[int], list[Any]]:
    idx = np.flatnonzero(mask)
    shown = idx[:MAX_ROWS_SHOWN]
    src = raw if raw is not None else df[col]
    values = [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)
              for v in src.iloc[shown]]
    return len(idx), [int(r) for r in rownum.iloc[shown]], values


def _apply_derive(df: pd.DataFrame, derive: Mapping[str, Any], rename: Mapping[str, str],
                  problems: list[Problem]) -> pd.DataFrame:
    """Create course columns from file columns (names as in the file, or course names)."""
    lookup = {normalise_header(c): c for c in df.columns}
    lookup.update({k: v for k, v in ((c, c) for c in df.columns)})
    for course_name, file_name in rename.items():
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
        if spec == "row_number":
            df[target] = pd.Series(np.arange(1, len(df) + 1), index=df.index).astype(str)
            continue
        op, args = next(iter(spec.items()))
        args = list(args) if isinstance(args, list | tuple) else [args]
        if op in {"multiply", "add", "subtract"}:
            parts = [col(a) for a in args]
            if any(p is None for p in parts):
                continue
            nums = [parse_numbers(p) for p in parts]
            out = nums[0]
            for n in nums[1:]:
                out = out * n if op == "multiply" else (out + n if op == "add" else out - n)
            df[target] = out.round(10)
        elif op == "startswith":
            s = col(args[0])
            if s is None:
                continue
            prefix = str(args[1]) if len(args) > 1 else ""
            df[target] = _clean_strings(s).str.startswith(prefix).fillna(False)
        elif op == "copy":
            s = col(args[0])
            if s is not None:
                df[target] = s
    return df


def _coerce(s: pd.Series, dtype: str, fmt: str | None) -> pd.Series:
    """Coerce a cleaned column (see :func:`_clean_strings`) to a course type."""
    if dtype in ("int", "float"):
        return parse_numbers(s, _clean=False)
    if dtype == "bool":
        return parse_bools(s, _clean=False)
    if dtype in ("date", "datetime"):
        out = parse_dates(s, fmt, _clean=False)
        return out.dt.normalize() if dtype == "date" else out
    if isinstance(s.dtype, pd.StringDtype):
        return s
    if pd.api.types.is_float_dtype(s) and bool(((s.dropna() % 1) == 0).all()):
        s = s.astype("Int64")  # IDs stored as 17850.0 by a spreadsheet read as "17850"
    return _clean_strings(s)


def load_table(
    path: str | Path | pd.DataFrame,
    table: str,
    mapping: str | Path | Mapping[str, Any] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    header: int | None = None,
    skiprows: int | None = None,
    on_invalid: str = "raise",
    keep_extra: bool = True,
) -> pd.DataFrame:
    """Load one course table from a CSV, Excel or Parquet file (or a DataFrame), validated.

    Parameters
    ----------
    path : str, Path or DataFrame
        The file (``.csv``, ``.txt``, ``.tsv``, ``.gz``, ``.xlsx``, ``.xls``, ``.parquet``) or a
        DataFrame to validate.
    table : str
        Course table the file holds (``customers``, ``transactions`` …; see :mod:`helpers.tables`).
    mapping : str, Path or dict, optional
        Column mapping (YAML file or dict; see :func:`read_mapping`). Headers equal to a course
        column or its Chinese name need no mapping.
    encoding, sep : str, optional
        Text encoding and delimiter; detected when not given (override the mapping's ``read``).
    sheet : str or int, optional
        Excel sheet (default: the first).
    header : int, optional
        Row number (1 = first row of the file) of the header; detected when not given.
    skiprows : int, optional
        Lines to skip at the top of a text file before anything else.
    on_invalid : {"raise", "drop", "keep"}
        What to do with invalid rows: raise one :class:`DataProblem` listing every problem, drop
        the rows (reported), or keep them with the invalid cells empty (reported).
    keep_extra : bool
        Keep file columns that map to no course column (at the end, as text).

    Returns
    -------
    DataFrame
        Course columns in canonical order with nullable dtypes (``string``, ``Int64``,
        ``Float64``, ``boolean``, ``datetime64[ns]``); ``df.attrs["load_report"]`` holds the
        :class:`LoadReport`.

    Raises
    ------
    DataProblem
        Listing every problem found (file, column, up to five rows as numbered in the file with
        their values, and how to fix). Problems that concern the whole file (empty, unreadable,
        missing required columns, a bad mapping) raise whatever ``on_invalid`` says.
    """
    if on_invalid not in {"raise", "drop", "keep"}:
        raise DataProblem(f"on_invalid must be 'raise', 'drop' or 'keep', not {on_invalid!r}")
    t = get_table(table) if table in TABLES else None
    if t is None:
        raise DataProblem(f"unknown table {table!r}; the course's tables are {sorted(TABLES)}")
    spec = read_mapping(mapping, table=table) if mapping is not None else read_mapping(
        {"columns": {}}, table=table)
    opts = {k: v for k, v in spec.read.given().items()}
    for k, v in {"encoding": encoding, "sep": sep, "sheet": sheet, "header": header,
                 "skiprows": skiprows}.items():
        if v is not None:
            opts[k] = v

    if isinstance(path, pd.DataFrame):
        file = "the DataFrame"
        report = LoadReport(file=file, table=table)
        df = path.copy()
        df.columns = [str(c) for c in df.columns]
        rownum = pd.Series(np.arange(1, len(df) + 1), index=df.index)
        row_word = "row (counting from 1)"
    else:
        p = Path(path).expanduser()
        file = str(path)
        if not p.is_file():
            raise DataProblem(f"file {file} does not exist. Check the path (relative paths start "
                              f"from the notebook's folder: {Path.cwd()}).", file=file)
        report = LoadReport(file=file, table=table)
        grid = _read_grid(p, file, opts, report)
        if Path(p.stem if p.suffix.lower() == ".gz" else p.name).suffix.lower() in \
                PARQUET_SUFFIXES:
            df = grid
            df.columns = [str(c) for c in df.columns]
            rownum = pd.Series(np.arange(1, len(df) + 1), index=df.index)
            row_word = "row (counting from 1)"
        elif opts.get("names"):
            # a file without a header line: the mapping names its columns (e.g. CDNOW_sample.txt)
            given = [normalise_header(n) for n in opts["names"]]
            if grid.shape[1] != len(given):
                raise _fail(file, [Problem(
                    "bad_names", detail=f"the mapping names {len(given)} columns but the file has "
                    f"{grid.shape[1]}.", fix="list one name per column under read: names:",
                    fatal=True)], table)
            blank = _blank_cells(grid).all(axis=1)
            df = grid.loc[~blank.to_numpy()].copy()
            df.columns = given
            rownum = pd.Series(df.index.to_numpy() + 1, index=df.index)
            row_word = "row"
            report.notes.append("the file has no header row; columns named by the mapping.")
        else:
            blank_cells = _blank_cells(grid)
            keep_cols = ~blank_cells.all(axis=0)
            grid, blank_cells = grid.loc[:, keep_cols], blank_cells.loc[:, keep_cols]
            if "header" in opts and opts["header"] is not None:
                hpos = int(opts["header"]) - 1 - int(grid.index[0] if len(grid) else 0)
            else:
                hpos = _find_header(grid, _known_headers(t, spec.columns))
            if len(grid) == 0 or hpos >= len(grid):
                raise _fail(file, [Problem("empty_file", detail="the file has no rows.",
                                           fix="export the table again.", fatal=True)], table)
            header_vals = ["" if pd.isna(v) else str(v) for v in grid.iloc[hpos]]
            report.header_row = int(grid.index[hpos]) + 1
            if hpos > 0:
                report.notes.append(f"{hpos} title row(s) above the header skipped; the header is "
                                    f"on row {report.header_row}.")
            body = grid.iloc[hpos + 1:]
            # fully blank lines are not data
            blank = blank_cells.iloc[hpos + 1:].all(axis=1)
            body = body.loc[~blank.to_numpy()]
            names, seen = [], {}
            for i, h in enumerate(header_vals):
                h = normalise_header(h) or f"column_{i + 1}"
                if h in seen:
                    seen[h] += 1
                    h = f"{h}.{seen[h]}"
                else:
                    seen[h] = 0
                names.append(h)
            df = body.copy()
            df.columns = names
            rownum = pd.Series(body.index.to_numpy() + 1, index=body.index)
            row_word = "row"
    del row_word
    report.rows_read = len(df)
    if df.shape[1] == 0 or (len(df) == 0 and df.shape[1] == 0):
        raise _fail(file, [Problem("empty_file", detail="the file has no columns.",
                                   fix="export the table again.", fatal=True)], table)
    if len(df) == 0:
        raise _fail(file, [Problem(
            "header_only", detail=f"the file has a header ({', '.join(map(str, df.columns[:8]))}) "
                                  "but no data rows.", fatal=True,
            fix="check the export's filters or date range; export again with data.")], table)

    problems: list[Problem] = []

    # wrong delimiter: one column whose header contains another likely separator
    if df.shape[1] == 1:
        h = str(df.columns[0])
        for cand, label in ((";", "semicolon"), ("\t", "tab"), (",", "comma"), ("|", "bar")):
            if cand in h or (cand == "\t" and re.search(r"\s{2,}", h)):
                raise _fail(file, [Problem(
                    "wrong_delimiter", source_column=h, fatal=True,
                    detail=f"only one column was found, and its header contains {label}s: the "
                           f"delimiter is probably {cand!r}, not {report.sep!r}.",
                    fix=f"pass sep={cand!r} (or remove the wrong sep= / the mapping's read.sep).")],
                    table)

    # ---- map headers to course columns
    col_spec = spec.columns
    by_key = {}
    for c in t.columns:
        by_key.setdefault(_key(c.name), c.name)
        by_key.setdefault(_key(c.zh), c.name)
    rename: dict[str, str] = {}
    dropped_cols: list[str] = []
    norm_cols = {normalise_header(c): c for c in df.columns}
    for src, dst in col_spec.items():
        real = norm_cols.get(src) or next((c for n, c in norm_cols.items() if _key(n) == _key(src)),
                                          None)
        if real is None:
            problems.append(Problem(
                "mapping", source_column=src, column=dst, fatal=True,
                detail=f"the mapping names column {src!r}, which the file does not have.",
                fix=f"correct the name in the mapping; the file's columns are "
                    f"{list(df.columns)[:20]}"))
            continue
        if dst is None:
            dropped_cols.append(real)
        else:
            rename[real] = dst
    for c in df.columns:
        if c in rename or c in dropped_cols:
            continue
        target = by_key.get(_key(c))
        if target and target not in rename.values():
            rename[c] = target
    df = df.drop(columns=dropped_cols)
    report.columns = dict(rename)
    source_of = {v: k for k, v in rename.items()}
    extra = [c for c in df.columns if c not in rename]

    # ---- derive
    if spec.derive:
        df = _apply_derive(df, spec.derive, source_of, problems)
        for target in spec.derive:
            if target in df.columns:
                rename[target] = target
                source_of[target] = target
                if target in extra:
                    extra.remove(target)

    out = pd.DataFrame(index=df.index)
    for src, dst in rename.items():
        if src in df.columns:
            out[dst] = df[src]

    # ---- missing required columns (auto-number the key when nothing refers to it)
    foreign = {c for other in TABLES.values() if other.name != t.name for c in other.names}
    if t.key not in out.columns and t.key not in foreign:
        out[t.key] = pd.Series(np.arange(1, len(out) + 1), index=out.index).astype(str)
        report.notes.append(f"the file has no {t.key!r} column; rows were numbered 1..{len(out)} "
                            f"as {t.key}.")
    missing = [c for c in t.required if c not in out.columns]
    if missing:
        zh = {c.name: c.zh for c in t.columns}
        problems.append(Problem(
            "missing_column", column=", ".join(missing), fatal=True,
            detail="required course column(s) not found: "
                   + ", ".join(f"{m} ({zh[m]})" for m in missing)
                   + f". The file's columns are {list(df.columns)[:20]}.",
            fix="rename the columns in the file, or give a mapping "
                "{your column: course column}, e.g. mapping={'"
                + (str(extra[0]) if extra else "Your column") + f"': '{missing[0]}'}}."))
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise _fail(file, problems, table)

    # ---- recode values, then coerce and validate each column
    invalid = np.zeros(len(out), dtype=bool)
    for c in t.columns:
        if c.name not in out.columns:
            continue
        raw = out[c.name]
        src = source_of.get(c.name, c.name)
        native = (pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_datetime64_any_dtype(raw)
                  or pd.api.types.is_bool_dtype(raw))
        cleaned = raw if native else _clean_strings(raw)
        recode = spec.values.get(c.name)
        if recode:
            table_map = {}
            for k, v in recode.items():
                keys = [str(k)]
                if isinstance(k, bool):
                    keys = ["true", "yes", "True", "Yes"] if k else ["false", "no", "False", "No"]
                for kk in keys:
                    table_map[normalise_header(kk)] = (("true" if v else "false")
                                                       if isinstance(v, bool) else v)
            if native:
                cleaned = _clean_strings(raw)
                native = False
            cleaned = _via_uniques(cleaned, lambda u, m=table_map: u.map(
                lambda x: m.get(x, x) if isinstance(x, str) else x).astype("string[pyarrow]"))
        coerced = _coerce(cleaned, c.dtype, spec.formats.get(c.name))
        present = cleaned.notna().to_numpy()
        bad = present & coerced.isna().to_numpy()
        kind_word = {"int": "whole numbers", "float": "numbers", "bool": "yes/no values",
                     "date": "dates", "datetime": "dates/times"}.get(c.dtype)
        if kind_word and bad.any():
            n, rows, vals = _rows_and_values(out, c.name, bad, rownum, raw)
            fixes = {"date": "write dates as 2024-03-05 (also accepted: 2024/3/5, 2024年3月5日, "
                             "20240305), or give the format in the mapping's 'formats' section",
                     "bool": "use 是/否, Y/N, yes/no, true/false or 1/0, or recode in the "
                             "mapping's 'values' section"}
            problems.append(Problem(
                "unparseable", column=c.name, source_column=src, count=n, rows=rows, values=vals,
                detail=f"{n} value(s) cannot be read as {kind_word}.",
                fix=fixes.get(c.dtype if c.dtype != "datetime" else "date",
                              "remove letters and units from the cells (thousands separators and "
                              "¥ are fine)") + "; or load with on_invalid='drop'."))
            invalid |= bad
        if c.dtype == "int":
            frac = coerced.notna().to_numpy() & (coerced.fillna(0) % 1 != 0).to_numpy()
            if frac.any():
                n, rows, vals = _rows_and_values(out, c.name, frac, rownum, raw)
                problems.append(Problem(
                    "unparseable", column=c.name, source_column=src, count=n, rows=rows,
                    values=vals, detail=f"{n} value(s) are not whole numbers.",
                    fix="round them in the file, or check the column is the right one."))
                invalid |= frac
                coerced = coerced.mask(frac)
            coerced = coerced.round().astype("Int64")
        if c.dtype == "category":
            allowed = {a.lower(): a for a in c.allowed}
            low = coerced.str.lower()
            fixed = low.map(allowed)
            notok = coerced.notna().to_numpy() & fixed.isna().to_numpy()
            coerced = fixed.astype("string")
            if notok.any():
                n, rows, vals = _rows_and_values(out, c.name, notok, rownum, raw)
                problems.append(Problem(
                    "not_allowed", column=c.name, source_column=src, count=n, rows=rows,
                    values=vals, detail=f"{n} value(s) are not among the allowed values "
                                        f"{list(c.allowed)}.",
                    fix=f"recode them in the mapping, e.g. values: {{{c.name}: "
                        f"{{'{vals[0]}': '{c.allowed[0]}'}}}}, or correct the file."))
                invalid |= notok
        if c.min_value is not None and c.dtype in ("int", "float"):
            below = coerced.notna().to_numpy() & (coerced.fillna(c.min_value) < c.min_value
                                                   ).to_numpy()
            if below.any():
                n, rows, vals = _rows_and_values(out, c.name, below, rownum, raw)
                problems.append(Problem(
                    "below_minimum", column=c.name, source_column=src, count=n, rows=rows,
                    values=vals, detail=f"{n} value(s) are below the minimum {c.min_value:g}.",
                    fix="check the sign and unit of these values (refunds belong in their own "
                        "table or column); correct them or load with on_invalid='drop'."))
                invalid |= below
                coerced = coerced.mask(below)
        if c.required:
            empty = ~present
            if empty.any():
                n, rows, _ = _rows_and_values(out, c.name, empty, rownum, raw)
                problems.append(Problem(
                    "missing_value", column=c.name, source_column=src, count=n, rows=rows,
                    values=[None] * len(rows),
                    detail=f"{n} row(s) have no {c.name} ({c.zh}), which every row needs.",
                    fix="fill the cells in the source system, or load with on_invalid='drop' to "
                        "leave these rows out (they are reported)."))
                invalid |= empty
        out[c.name] = coerced

    # ---- duplicate keys
    if t.key in out.columns:
        dup = out[t.key].duplicated(keep=False).to_numpy() & out[t.key].notna().to_numpy()
        if dup.any():
            n, rows, vals = _rows_and_values(out, t.key, dup, rownum)
            problems.append(Problem(
                "duplicate_key", column=t.key, source_column=source_of.get(t.key, t.key),
                count=n, rows=rows, values=vals,
                detail=f"{n} row(s) share a {t.key} with another row; the key must be unique.",
                fix="remove the repeated rows (see helpers.data.quality for near-duplicates), or map "
                    "another column as the key; on_invalid='drop' keeps the first of each."))
            invalid |= out[t.key].duplicated(keep="first").to_numpy() & out[t.key].notna(
            ).to_numpy()

    # ---- order: course columns, then extras
    ordered = [c for c in t.names if c in out.columns]
    result = out[ordered]
    if keep_extra and extra:
        extras = df[[c for c in extra if c in df.columns]]
        result = pd.concat([result, extras.astype("string")], axis=1)
    if t.name == "transactions":
        _transaction_notes(result, report)

    report.problems = problems
    if problems and on_invalid == "raise":
        raise _fail(file, problems, table)
    if on_invalid == "drop" and invalid.any():
        report.dropped_rows = rownum.to_numpy()[invalid][:MAX_DROPPED_LISTED]
        report.n_dropped = int(invalid.sum())
        report.notes.append(f"{int(invalid.sum())} row(s) with problems were dropped "
                            f"(first rows: {report.dropped_rows[:MAX_ROWS_SHOWN]}).")
        result = result.loc[~invalid]
    elif on_invalid == "keep" and problems:
        report.notes.append("rows with problems were kept; their invalid cells are empty.")
    result = result.reset_index(drop=True)
    report.rows_kept = len(result)
    result.attrs["load_report"] = report
    return result


def _transaction_notes(df: pd.DataFrame, report: LoadReport) -> None:
    notes = []
    if "is_return" in df.columns:
        n = int(df["is_return"].fillna(False).sum())
        if n:
            extra = ""
            if "order_id" in df.columns:
                extra = f" on {df.loc[df['is_return'].fillna(False), 'order_id'].nunique()} order(s)"
            notes.append(f"{n} row(s) are returns or cancellations{extra}.")
    for c in ("quantity", "amount"):
        if c in df.columns:
            n = int((df[c] < 0).fillna(False).sum())
            if n:
                notes.append(f"{n} row(s) have a negative {c} (returns are negative).")
    report.notes += notes


# --------------------------------------------------------------------------------------------
# the course's folder of tables


@dataclass
class CourseData:
    """The course tables of one data folder, loaded and validated.

    Attributes are the tables (``None`` when not loaded), ``as_of`` (the observation end date)
    and ``truth`` (planted truths from ``truth.json``; empty when absent).
    """

    data_dir: Path
    as_of: pd.Timestamp
    truth: dict[str, Any] = field(default_factory=dict)
    customers: pd.DataFrame | None = None
    transactions: pd.DataFrame | None = None
    invoices: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    agents: pd.DataFrame | None = None
    calls: pd.DataFrame | None = None
    leads: pd.DataFrame | None = None
    service_contacts: pd.DataFrame | None = None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The loaded tables by name."""
        return {n: getattr(self, n) for n in TABLES if getattr(self, n) is not None}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = getattr(self, name, None) if name in TABLES else None
        if frame is None:
            raise KeyError(f"table {name!r} is not loaded; loaded are {sorted(self.tables)}")
        return frame

    def sizes(self) -> pd.DataFrame:
        """Rows and columns of each loaded table."""
        return pd.DataFrame(
            [{"table": n, "rows": len(f), "columns": f.shape[1]} for n, f in self.tables.items()]
        )


def _table_file(folder: Path, name: str) -> Path | None:
    for suffix in (".csv", ".csv.gz", ".parquet", ".xlsx"):
        p = folder / f"{name}{suffix}"
        if p.is_file():
            return p
    return None


def load_course_data(
    data_dir: str | Path | None = None,
    tables: Iterable[str] | None = None,
) -> CourseData:
    """Load the course tables from a folder (default: the bundled ``datasets/``).

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with ``customers.csv``, ``transactions.csv`` … (as written by
        ``helpers.simulate.write_datasets``); ``None`` for the bundled data.
    tables : iterable of str, optional
        Which tables to load (default: every course table whose file is present).

    Returns
    -------
    CourseData
        ``as_of`` comes from ``truth.json`` (key ``as_of``) or else the latest date in the data.

    Raises
    ------
    DataProblem
        When a requested table's file is missing or a file does not validate.
    """
    try:
        folder = paths.data_dir(data_dir)
    except FileNotFoundError as exc:
        raise DataProblem(str(exc)) from None
    wanted = list(tables) if tables is not None else list(TABLES)
    unknown = [n for n in wanted if n not in TABLES]
    if unknown:
        raise DataProblem(f"unknown table(s) {unknown}; the course's tables are {sorted(TABLES)}")
    loaded: dict[str, pd.DataFrame] = {}
    for name in wanted:
        f = _table_file(folder, name)
        if f is None:
            if tables is not None:
                raise DataProblem(f"{folder} has no file for table {name!r} (expected {name}.csv). "
                                  "Generate a dataset with `python -m helpers.simulate` or point "
                                  "data_dir at the folder holding your tables.", file=str(folder))
            continue
        loaded[name] = load_table(f, name)
    if not loaded:
        raise DataProblem(f"{folder} holds none of the course tables ({', '.join(TABLES)}; "
                          "expected e.g. customers.csv).", file=str(folder))
    truth: dict[str, Any] = {}
    tf = folder / "truth.json"
    if tf.is_file():
        try:
            truth = json.loads(tf.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataProblem(f"{tf} is not valid JSON ({exc}); regenerate the dataset.") from None
    as_of = pd.Timestamp(truth["as_of"]) if truth.get("as_of") else None
    if as_of is None:
        latest = [
            frame[c.name].max()
            for name, frame in loaded.items()
            for c in TABLES[name].columns
            if c.dtype in ("date", "datetime") and c.name in frame.columns
            and c.name not in ("due_date",)
        ]
        latest = [v for v in latest if pd.notna(v)]
        as_of = max(latest).normalize() if latest else pd.Timestamp.today().normalize()
    return CourseData(data_dir=folder, as_of=as_of, truth=truth, **loaded)


# --------------------------------------------------------------------------------------------
# writing


def write_table(
    df: pd.DataFrame,
    name: str,
    output_dir: str | Path | None = "output",
    table: str | None = None,
    reveal_personal: bool = False,
    fmt: str = "csv",
    encoding: str = "utf-8-sig",
) -> Path:
    """Write a table into the output folder, personal data masked, never overwriting a file.

    Parameters
    ----------
    df : DataFrame
        The table to write.
    name : str
        File name without folder (``"call_list"`` or ``"call_list.csv"``).
    output_dir : str or Path
        Output folder (created if needed; never the bundled ``datasets/`` or the package).
    table : str, optional
        Course table the frame holds (tells which columns are personal; else recognised by name).
    reveal_personal : bool
        Write names, phones, e-mails and ID numbers in clear (opt-in).
    fmt : {"csv", "xlsx", "parquet"}
        File format. CSV is written as UTF-8 with BOM so Excel shows Chinese correctly.
    encoding : str
        CSV encoding: ``"utf-8-sig"`` (default) or ``"gb18030"`` for older CRMs.

    Returns
    -------
    Path
        The file written. If ``name`` already exists, ``name-2`` (``-3`` …) is used and a note
        printed: nothing is ever overwritten.
    """
    from helpers.data.privacy import mask_frame

    fmt = fmt.lower().lstrip(".")
    if fmt not in {"csv", "xlsx", "parquet"}:
        raise DataProblem(f"write_table: fmt must be 'csv', 'xlsx' or 'parquet', not {fmt!r}")
    if not isinstance(df, pd.DataFrame):
        raise DataProblem(f"write_table: expected a DataFrame, got {type(df).__name__}")
    folder = paths.output_dir(output_dir)
    stem = Path(name).name
    if stem.lower().endswith(f".{fmt}"):
        stem = stem[: -len(fmt) - 1]
    target = folder / f"{stem}.{fmt}"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}.{fmt}"
        n += 1
    if n > 2:
        print(f"note: {folder / f'{stem}.{fmt}'} already exists; wrote {target.name} instead "
              "(files are never overwritten).")
    out = df if reveal_personal else mask_frame(df, table=table)
    out = out.copy()
    out.attrs = {}
    if fmt == "csv":
        out.to_csv(target, index=False, encoding=encoding)
    elif fmt == "xlsx":
        out.to_excel(target, index=False)
    else:
        out.to_parquet(target, index=False)
    return target
