"""Loader stage 1, reading: the file's cells, its header and the file row of every data row.

:func:`read_raw` reads CSV/TXT (delimiter sniffed: ``,`` ``;`` tab ``|`` or runs of spaces),
``.gz``, Excel (``.xlsx`` via openpyxl, ``.xls`` via xlrd) and Parquet. The text encoding is
detected (UTF-8, UTF-8 with BOM, UTF-16, GB18030 (covers GBK, GB2312), Western, or what
charset-normalizer finds, refusing when the readings disagree); title rows
above the header are detected (or set with ``header=``/``skiprows=``), fully blank rows and
columns dropped. The result, a :class:`RawTable`, keeps the file's own column names; mapping
them to course columns is the next stage (:mod:`helpers.data._columns`). Encodings are
detected by :mod:`helpers.data._encoding`. A UTF-8 CSV with the same number of fields on every
row is read by pyarrow (:mod:`helpers.data._fast_read`), judged from its first megabyte; any other
file by the careful reader below, which names the row that cannot be split.

>>> sniff_sep(["a;b;c", "1;2;3"])
';'
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import warnings
import zlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data._blanks import blank_cells, blank_columns, blank_rows, filled_beyond
from helpers.data._encoding import detect_encoding, detect_encoding_confidence
from helpers.data._fast_read import HEAD_SIZE, arrow_grid, first_lines, head_bytes
from helpers.data._report import MAX_ROWS_SHOWN, Caution, load_problem
from helpers.data.mapping import header_key, normalise_header
from helpers.errors import DataProblem, Problem

__all__ = ["EXCEL_SUFFIXES", "PARQUET_SUFFIXES", "GridInfo", "RawTable", "blank_cells",
           "check_shape", "detect_encoding", "detect_encoding_confidence", "existing_file", "find_header", "frame_as_raw", "read_grid", "read_raw",
           "sniff_sep"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
_SEP_CANDIDATES = (",", ";", "\t", "|")


@dataclass
class RawTable:
    """A file as read: its columns under their own (normalised) names, one row per data row.

    Attributes
    ----------
    frame : DataFrame
        Cells as text (native types for Parquet and for typed Excel cells).
    row_numbers : Series
        The file row of each row of ``frame`` (1 = first row of the file), for messages.
    encoding, sep : str, optional
        Encoding and delimiter used (text files).
    header_row : int, optional
        File row of the header (text and Excel files with a header row).
    notes : list of str
        What the reader did that a user should know (title rows skipped …).
    info : GridInfo
        How the cells were read (encoding and its confidence, delimiter, Excel sheets, cautions).
    """

    frame: pd.DataFrame
    row_numbers: pd.Series
    encoding: str | None = None
    sep: str | None = None
    header_row: int | None = None
    notes: list[str] = field(default_factory=list)
    info: GridInfo = field(default_factory=lambda: GridInfo())


@dataclass
class GridInfo:
    """How a file's cells were read: text encoding and delimiter, or the Excel sheet.

    Attributes
    ----------
    encoding, sep : str, optional
        Text files: the encoding and delimiter used.
    confidence : float, optional
        How sure the encoding detection was (1.0 when certain).
    sheet : str, optional
        Excel: the sheet read; ``other_sheets`` the workbook's other sheets.
    cautions : list of Caution
        Assumptions that may be wrong (several non-empty sheets and no ``sheet=`` …).
    """

    encoding: str | None = None
    sep: str | None = None
    confidence: float | None = None
    sheet: str | None = None
    other_sheets: list[str] = field(default_factory=list)
    cautions: list[Caution] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# bytes and text


def _inner_suffix(path: Path) -> str:
    """The suffix that tells the format: ``.csv`` for ``x.csv.gz``."""
    suffix = path.suffix.lower()
    return Path(path.stem).suffix.lower() if suffix == ".gz" else suffix


def _read_bytes(path: Path, file: str) -> bytes:
    if path.suffix.lower() != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read()
    except (EOFError, OSError, zlib.error) as exc:
        raise load_problem(file, [Problem(
            "unreadable", detail=f"the compressed file is damaged or incomplete ({exc}).",
            fix="download or copy the file again (it was probably cut off), or unpack it with "
                "your archive tool to see what is left.", fatal=True)]) from None


def sniff_sep(lines: list[str]) -> str:
    r"""The delimiter that splits the sample into the most fields, consistently.

    ``r"\s+"`` when no delimiter does but runs of spaces do (CDNOW's text files).

    >>> sniff_sep(["id  date      amount", "1   19970101  29.33"])
    '\\s+'
    """
    best, best_score = ",", (False, 0.0)
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
    if best_score == (False, 0.0):
        counts = [len(ln.split()) for ln in lines]
        mode = max(set(counts), key=counts.count) if counts else 1
        if mode > 1 and counts.count(mode) / len(counts) >= 0.6:
            return r"\s+"
    return best


# --------------------------------------------------------------------------------------------
# the grid of cells


def _read_parquet(path: Path, file: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:
        raise load_problem(file, [Problem(
            "unreadable", detail=f"not a readable Parquet file ({exc}).",
            fix="check the file is complete; re-export it.", fatal=True)]) from None


def _sheets(path: Path, engine: str) -> tuple[list[str], set[str]]:
    """A workbook's sheet names, and those with any filled cell in their first rows."""
    with pd.ExcelFile(path, engine=engine) as xl:
        names = [str(n) for n in xl.sheet_names]
        filled = {n for n in names
                  if xl.parse(n, header=None, nrows=5, dtype=object).notna().any().any()}
    return names, filled


def _read_excel(path: Path, file: str, sheet: str | int | None) -> tuple[pd.DataFrame, GridInfo]:
    engine = "xlrd" if _inner_suffix(path) == ".xls" else "openpyxl"
    try:
        with warnings.catch_warnings():  # pandas 3 deprecates xlrd; it still reads .xls
            warnings.simplefilter("ignore")
            names, filled = _sheets(path, engine)
            grid = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0,
                                 header=None, dtype=object, engine=engine)
    except ValueError as exc:
        raise load_problem(file, [Problem(
            "unreadable", detail=f"cannot read the workbook: {exc}.",
            fix="pass sheet='<name>' or sheet=<number> (0 = first).", fatal=True)]) from None
    except Exception as exc:
        raise load_problem(file, [Problem(
            "unreadable", detail=f"not a readable Excel file ({exc}).",
            fix="open it in Excel and save it again as .xlsx, or export CSV.",
            fatal=True)]) from None
    grid.index = pd.RangeIndex(len(grid))
    read = names[sheet] if isinstance(sheet, int) else str(sheet) if sheet is not None else names[0]
    info = GridInfo(sheet=read, other_sheets=[n for n in names if n != read])
    others = [n for n in info.other_sheets if n in filled]
    if sheet is None and others:
        info.cautions.append(Caution(
            "several_sheets", f"the workbook has {len(others) + 1} sheets with data; the first, "
                              f"{read!r}, was read (others: {', '.join(map(repr, others))}). "
                              "Pass sheet='<name>' (or read: sheet: in the mapping) to choose."))
    return grid, info


def _csv_width(sample: list[str], sep: str, file: str) -> int:
    """The most fields of any sample line (a field over the csv module's limit: a problem)."""
    if sep == r"\s+":
        return max((len(ln.split()) for ln in sample), default=1)
    try:
        return max((len(r) for r in csv.reader(sample, delimiter=sep)), default=1)
    except csv.Error as exc:
        raise _huge_field(file, exc) from None


def _huge_field(file: str, exc: Exception) -> DataProblem:
    return load_problem(file, [Problem(
        "bad_row", detail=f"a cell is too large to be a cell ({exc}): usually a quote (\") that "
                          "is opened and never closed, so the rest of the file reads as one cell.",
        fix="find the unmatched quote in the file (or the very long cell) and correct it; "
            "re-export with quoting of every cell.", fatal=True)])


def _parser_problem(file: str, exc: Exception, skiprows: int) -> DataProblem:
    msg = str(exc)
    m = re.search(r"line (\d+), saw (\d+)", msg)
    if m:
        detail = (f"row {int(m.group(1)) + skiprows} has {m.group(2)} fields, more fields than "
                  "the header and the rows above it: its cells would shift into the wrong "
                  "columns.")
    elif "EOF inside string" in msg:
        m = re.search(r"row (\d+)", msg)
        where = f" from row {int(m.group(1)) + skiprows + 1}" if m else ""
        detail = f"a quote (\") is opened{where} and never closed."
    else:
        detail = f"the file cannot be split into rows and fields ({msg})."
    return load_problem(file, [Problem(
        "bad_row", detail=detail, fatal=True,
        fix="quote cells that contain the delimiter (or remove the stray delimiter or quote), "
            "or pass sep= explicitly.")])


def _fast_text(path: Path, file: str, sep: str | None,
               narrow: bool = False) -> tuple[pd.DataFrame, GridInfo] | None:
    """A UTF-8 text file read by pyarrow (sniffing on its first megabyte), or ``None``."""
    head = head_bytes(path)
    if not head.strip() or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    try:  # a character cut at the sample's end is fine; a bad byte before it is not UTF-8
        sample_text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    lines = sample_text.removeprefix("\ufeff").splitlines()
    if len(head) == HEAD_SIZE and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    sample = [ln for ln in lines[:60] if ln.strip()]
    try:
        sep = sep or sniff_sep(sample)
    except csv.Error:
        return None
    if len(sep) != 1:
        return None
    try:
        grid = arrow_grid(str(path), sep, _csv_width(sample, sep, file), narrow)
    except DataProblem:  # a huge cell: the careful reader says so
        return None
    if grid is None:
        return None
    enc = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    return grid, GridInfo(encoding=enc, sep=sep, confidence=1.0)


def _read_text(path: Path, file: str, encoding: str | None, sep: str | None,
               skiprows: int, narrow: bool = False) -> tuple[pd.DataFrame, GridInfo]:
    """A text file's cells as strings (no header applied), and how it was read."""
    if encoding is None and not skiprows:
        fast = _fast_text(path, file, sep, narrow)
        if fast is not None:
            return fast
    data = _read_bytes(path, file)
    if not data or data.isspace():
        raise load_problem(file, [Problem("empty_file", detail="the file is empty.", fatal=True,
                                          fix="export the table again; check the export "
                                              "finished.")])
    enc, confidence = detect_encoding_confidence(data, encoding, file)
    text = data.decode(enc)
    del data
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = [ln for ln in first_lines(text, skiprows + 60)[skiprows:] if ln.strip()]
    try:
        sep = sep or sniff_sep(sample)
    except csv.Error as exc:
        raise _huge_field(file, exc) from None
    width = _csv_width(sample, sep, file)
    try:
        grid = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, names=range(width), dtype=str,
            keep_default_na=False, skip_blank_lines=False, skiprows=skiprows,
            engine="python" if len(sep) > 1 else "c",
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise _parser_problem(file, exc, skiprows) from None
    grid.index = pd.RangeIndex(skiprows, skiprows + len(grid))
    return grid, GridInfo(encoding=enc, sep=sep, confidence=confidence)


def read_grid(path: Path, file: str, options: dict[str, Any],
              narrow: bool = False) -> tuple[pd.DataFrame, GridInfo]:
    """All cells of a file, no header applied; index = file row - 1.

    Parameters
    ----------
    path : Path
        The file.
    file : str
        Its name as the user gave it (for messages).
    options : dict
        Reader options: ``encoding, sep, skiprows`` (text), ``sheet`` (Excel).
    narrow : bool
        Text read by pyarrow comes as ``pd.ArrowDtype(pa.string())`` columns (see
        :func:`~helpers.data._fast_read.arrow_grid`), not pandas' text type.

    Returns
    -------
    grid : DataFrame
        Text cells for text files, native cells for Excel; Parquet files come with their header.
    info : GridInfo
        How the file was read (encoding and confidence, delimiter, sheet, cautions).

    Raises
    ------
    DataProblem
        An empty, unreadable, damaged or wrongly encoded file, a row with too many fields or an
        unclosed quote.
    """
    inner = _inner_suffix(path)
    if inner in PARQUET_SUFFIXES:
        return _read_parquet(path, file), GridInfo()
    if inner in EXCEL_SUFFIXES:
        return _read_excel(path, file, options.get("sheet"))
    return _read_text(path, file, options.get("encoding"), options.get("sep"),
                      options.get("skiprows") or 0, narrow)


# --------------------------------------------------------------------------------------------
# the header


def _filled(v: Any) -> bool:
    """A cell with something in it (not missing, not only white space)."""
    return v is not None and str(v).strip() != "" and not (isinstance(v, float) and np.isnan(v))


def find_header(grid: pd.DataFrame, known: Collection[str]) -> int:
    """Position (0-based in ``grid``) of the header row among the first 20 rows.

    The row with the most cells that are known headers (keys as made by
    :func:`helpers.data.mapping.header_key`); without any, the first of the widest rows.

    >>> grid = pd.DataFrame([["Sales 2024", None], ["客户编号", "金额"], ["C1", "5"]])
    >>> find_header(grid, {"客户编号", "金额"})
    1
    """
    head = grid.head(20)
    if len(head) == 0:
        return 0
    rows = list(head.itertuples(index=False, name=None))  # plain tuples: no Series per row
    filled = np.array([sum(map(_filled, row)) for row in rows])
    scores = [sum(header_key(v) in known for v in row if isinstance(v, str)) for row in rows]
    if max(scores) > 0:
        return int(np.argmax(scores))
    widest = filled.max()
    return int(np.flatnonzero(filled >= widest)[0])


def _header_names(header: Sequence[Any], file: str, table: str) -> list[str]:
    """Header cells as column names: normalised, blanks named ``column_N``; repeats refused.

    Raises
    ------
    DataProblem
        Naming the repeated headers: which of two ``Amount`` columns is the amount is not for the
        loader to guess.
    """
    names = [normalise_header("" if pd.isna(v) else str(v)) or f"column_{i + 1}"
             for i, v in enumerate(header)]
    counts = Counter(names)
    repeated = {n: [i + 1 for i, m in enumerate(names) if m == n] for n, k in counts.items()
                if k > 1}
    if repeated:
        raise load_problem(file, [Problem(
            "duplicate_column", source_column=", ".join(repeated), fatal=True,
            detail="the header names a column more than once: " + "; ".join(
                f"{n!r} (columns {', '.join(map(str, pos))})" for n, pos in repeated.items())
            + ".", fix="rename or delete the repeated columns in the file so that each header "
                       "is unique.")], table)
    return names


def _extra_fields(grid: pd.DataFrame, hpos: int, file: str, table: str) -> None:
    """Refuse rows with cells to the right of the header's last column (shifted cells)."""
    width, rows = filled_beyond(grid, hpos)
    if len(rows) == 0:
        return
    shown = [int(grid.index[hpos + 1 + r]) + 1 for r in rows[:MAX_ROWS_SHOWN]]
    raise load_problem(file, [Problem(
        "bad_row", count=len(rows), rows=shown, fatal=True,
        detail=f"{len(rows)} row(s) have more fields than the header ({width} "
               "columns): their cells are shifted, probably by a delimiter inside a cell.",
        fix="quote cells that contain the delimiter (or remove it, e.g. a thousands comma in "
            "an unquoted amount), or pass sep= explicitly.")], table)


def _named_by_mapping(grid: pd.DataFrame, names: Sequence[str], file: str,
                      table: str) -> RawTable:
    """A file without a header line: the mapping names its columns (e.g. CDNOW_sample.txt)."""
    given = [normalise_header(n) for n in names]
    if grid.shape[1] != len(given):
        raise load_problem(file, [Problem(
            "bad_names", detail=f"the mapping names {len(given)} columns but the file has "
                                f"{grid.shape[1]}.", fix="list one name per column under read: names:",
            fatal=True)], table)
    blank = blank_cells(grid).all(axis=1)
    df = grid.loc[~blank.to_numpy()].copy()
    df.columns = given
    return RawTable(df, pd.Series(df.index.to_numpy() + 1, index=df.index),
                    notes=["the file has no header row; columns named by the mapping."])


def _with_header(grid: pd.DataFrame, header: int | None, known: Collection[str], file: str,
                 table: str, text: bool = False) -> RawTable:
    """The rows below the header row (given as a file row, or found), named by it."""
    grid = grid.loc[:, ~blank_columns(grid)]  # blank from top to bottom: not a column
    if header is not None:
        hpos = int(header) - 1 - int(grid.index[0] if len(grid) else 0)
    else:
        hpos = find_header(grid, known)
    if len(grid) == 0 or hpos >= len(grid):
        raise load_problem(file, [Problem("empty_file", detail="the file has no rows.",
                                          fix="export the table again.", fatal=True)], table)
    header_row = int(grid.index[hpos]) + 1
    notes = []
    if hpos > 0:
        notes.append(f"{hpos} title row(s) above the header skipped; the header is on row "
                     f"{header_row}.")
    body = grid.iloc[hpos + 1:]
    filled = ~blank_rows(grid, hpos + 1)
    if not filled.all():
        body = body.loc[filled]  # blank lines are not data
    df = body.copy()
    if text:
        _extra_fields(grid, hpos, file, table)
    df.columns = _header_names(list(grid.iloc[hpos]), file, table)
    return RawTable(df, pd.Series(_positions(body.index) + 1, index=body.index, copy=False),
                    header_row=header_row, notes=notes)


def _positions(index: pd.Index) -> np.ndarray:
    """An index's values (a range made afresh: not cached in the index, 8 bytes a row)."""
    if isinstance(index, pd.RangeIndex):
        return np.arange(index.start, index.stop, index.step)
    return index.to_numpy()


def frame_as_raw(df: pd.DataFrame) -> RawTable:
    """A DataFrame (or a Parquet file's table) as read: column names as text, rows from 1.

    >>> frame_as_raw(pd.DataFrame({0: ["a"]})).frame.columns.tolist()
    ['0']
    """
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    return RawTable(df, pd.Series(np.arange(1, len(df) + 1), index=df.index))


def read_raw(path: Path, file: str, table: str, options: dict[str, Any],
             known: Collection[str], narrow: bool = False) -> RawTable:
    """Stage 1 of the loader: a file's cells under its header, with the file row of each row.

    Parameters
    ----------
    path : Path
        An existing file.
    file : str
        Its name as the user gave it (for messages).
    table : str
        The course table it is loaded as (for messages).
    options : dict
        Reader options (``encoding, sep, sheet, header, skiprows, names``).
    known : collection of str
        Header keys that identify the header row (course columns, Chinese names, the mapping's
        file columns).
    narrow : bool
        See :func:`read_grid` (the loader widens each column it keeps as text).

    Returns
    -------
    RawTable
        The file's data rows under its own column names.

    Raises
    ------
    DataProblem
        An empty, unreadable or wrongly encoded file, a row with too many fields, or a
        mapping's ``read.names`` that does not fit the file.
    """
    grid, info = read_grid(path, file, options, narrow)
    inner = _inner_suffix(path)
    if inner in PARQUET_SUFFIXES:
        raw = frame_as_raw(grid)
    elif options.get("names"):
        raw = _named_by_mapping(grid, options["names"], file, table)
    else:
        raw = _with_header(grid, options.get("header"), known, file, table,
                           text=inner not in EXCEL_SUFFIXES)
    raw.encoding, raw.sep, raw.info = info.encoding, info.sep, info
    return raw


def check_shape(raw: RawTable, file: str, table: str) -> None:
    """Refuse a table without columns or data rows, or read with the wrong delimiter.

    Raises
    ------
    DataProblem
        Naming the file, what is wrong and how to fix it.
    """
    df = raw.frame
    if df.shape[1] == 0:
        raise load_problem(file, [Problem("empty_file", detail="the file has no columns.",
                                          fix="export the table again.", fatal=True)], table)
    if len(df) == 0:
        raise load_problem(file, [Problem(
            "header_only", detail=f"the file has a header ({', '.join(map(str, df.columns[:8]))}) "
                                  "but no data rows.", fatal=True,
            fix="check the export's filters or date range; export again with data.")], table)
    if df.shape[1] == 1:  # one column whose header contains another likely separator
        h = str(df.columns[0])
        for cand, label in ((";", "semicolon"), ("\t", "tab"), (",", "comma"), ("|", "bar")):
            if cand in h or (cand == "\t" and re.search(r"\s{2,}", h)):
                raise load_problem(file, [Problem(
                    "wrong_delimiter", source_column=h, fatal=True,
                    detail=f"only one column was found, and its header contains {label}s: the "
                           f"delimiter is probably {cand!r}, not {raw.sep!r}.",
                    fix=f"pass sep={cand!r} (or remove the wrong sep= / the mapping's read.sep).")],
                    table)


def existing_file(path: str | Path) -> Path:
    """``path`` as a Path, if it is a file.

    Raises
    ------
    DataProblem
        If it is not, saying where relative paths start from.
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise DataProblem(f"file {path} does not exist. Check the path (relative paths start "
                          f"from the notebook's folder: {Path.cwd()}).", file=str(path))
    return p
