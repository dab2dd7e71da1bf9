"""Writing a table for someone else: personal data masked, into an output folder, never overwriting.

Every write is atomic and exclusive: the file is written to a temporary file in the output folder,
flushed to disk, then given its final name with an operation that fails if that name exists. A
write that fails midway leaves nothing under the final name and no temporary file; two writers of
the same name at the same moment both end with a complete file (``name`` and ``name-2``).

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return: OWASP "CSV injection") get a leading single quote in CSV and Excel files
unless ``allow_formulas=True``; numbers stay numbers.

>>> path = write_table(customers, "call_list", output_dir="output", table="customers")  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pandas as pd

from helpers import paths
from helpers.data.privacy import mask_frame
from helpers.errors import DataProblem
from helpers.i18n import tr

__all__ = ["FORMULA_START", "neutralise_formulas", "write_table"]

_FORMATS = ("csv", "xlsx", "parquet")
#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"^[=+\-@\t\r]"
#: errno values meaning "this file system has no hard links" (FAT, exFAT, some network shares).
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, getattr(errno, "ENOTSUP", -1),
             getattr(errno, "EOPNOTSUPP", -1), errno.ENOSYS, errno.EINVAL}


def _neutralise_series(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
        return s  # numbers, dates, booleans: a negative number stays a number
    try:  # .str gives NaN (here False) for what is not text: numbers in a mixed column stay
        risky = s.str.contains(_FORMULA_RE, regex=True, na=False).astype(bool)
    except AttributeError:  # no text at all in the column
        return s
    if not risky.any():
        return s
    out = s.astype(object)
    out[risky] = "'" + s[risky].astype(str)
    return out


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` where no text cell or header can run as a spreadsheet formula.

    Text values starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
    single quote (OWASP's advice against CSV injection); numbers are not changed.

    Parameters
    ----------
    df : DataFrame
        The table about to be written.

    Returns
    -------
    DataFrame
        The neutralised copy.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"note": ["=1+1", "-x", "ok"], "n": [-5, 1, 2]}))
        note  n
    0  '=1+1 -5
    1    '-x  1
    2     ok  2
    """
    out = df.copy()
    for i in range(out.shape[1]):  # by position: duplicate column names are allowed
        out.isetitem(i, _neutralise_series(out.iloc[:, i]))
    out.columns = [f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_START) else c
                   for c in out.columns]
    return out


def write_table(
    df: pd.DataFrame,
    name: str,
    output_dir: str | Path | None = "output",
    table: str | None = None,
    reveal_personal: bool = False,
    fmt: str = "csv",
    encoding: str = "utf-8-sig",
    allow_formulas: bool = False,
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
        Course table the frame holds (tells which columns are personal; else recognised by name;
        phones, ID numbers, e-mails and card numbers inside other text columns are masked too).
    reveal_personal : bool
        Write names, phones, e-mails and ID numbers in clear (opt-in).
    fmt : {"csv", "xlsx", "parquet"}
        File format. CSV is written as UTF-8 with BOM so Excel shows Chinese correctly.
    encoding : str
        CSV encoding: ``"utf-8-sig"`` (default) or ``"gb18030"`` for older CRMs.
    allow_formulas : bool
        Write text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return as it is. By
        default (False) such CSV and Excel cells get a leading ``'`` so a spreadsheet shows them
        as text instead of running them (OWASP CSV injection); Parquet is never changed.

    Returns
    -------
    Path
        The file written. If ``name`` already exists, ``name-2`` (``-3`` …) is used and a note
        printed: nothing is ever overwritten, also when several writers run at once.

    Raises
    ------
    DataProblem
        An unknown format, not a DataFrame, an ``output_dir`` (inside) the bundled data or the
        package, a folder that is a file or not writable, a table the format cannot hold.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise DataProblem(f"write_table: fmt must be 'csv', 'xlsx' or 'parquet', not {fmt!r}")
    if not isinstance(df, pd.DataFrame):
        raise DataProblem(f"write_table: expected a DataFrame, got {type(df).__name__}")
    folder = _folder(output_dir)
    stem = Path(name).name
    if stem.lower().endswith(f".{fmt}"):
        stem = stem[: -len(fmt) - 1]
    out = mask_frame(df, table=table, reveal_personal=reveal_personal)
    if fmt != "parquet" and not allow_formulas:
        out = neutralise_formulas(out)
    out.attrs = {}
    return _write_exclusive(folder, stem, fmt, lambda f: _serialise(out, f, fmt, encoding))


def _folder(output_dir: str | Path | None) -> Path:
    """The output folder, created; a :class:`DataProblem` when it cannot be one."""
    try:
        return paths.output_dir(output_dir)
    except ValueError as exc:  # the bundled data or the package: inputs are never written to
        raise DataProblem(f"write_table: {exc}") from None
    except OSError as exc:
        where = Path(output_dir or "output")
        if isinstance(exc, FileExistsError | NotADirectoryError):
            what = "it (or a folder above it) is a file, not a folder"
        else:
            what = f"it cannot be created ({exc.strerror or exc})"
        raise DataProblem(f"write_table: cannot write into the output folder {where}: {what}. "
                          "Fix: choose another output_dir, e.g. output_dir='output'.",
                          file=str(where)) from None


def _serialise(df: pd.DataFrame, handle: IO[bytes], fmt: str, encoding: str) -> None:
    if fmt == "csv":
        df.to_csv(handle, index=False, encoding=encoding)
    elif fmt == "xlsx":
        # every text cell is written as a string (openpyxl would turn "=..." into a formula;
        # neutralise_formulas has already quoted those unless allow_formulas=True)
        df.to_excel(handle, index=False, engine="openpyxl")
    else:
        df.to_parquet(handle, index=False)


def _write_exclusive(folder: Path, stem: str, fmt: str,
                     serialise: Callable[[IO[bytes]], Any]) -> Path:
    """Write to a temporary file beside the target, fsync it, then claim ``stem[-n].fmt``.

    The final name is claimed with ``os.link(temp, target)``: creating a hard link fails with
    ``FileExistsError`` when ``target`` exists, atomically, on Linux, macOS and Windows (NTFS;
    ``CreateHardLinkW`` never replaces), so no existing file, nor one a concurrent writer has
    just claimed, is ever overwritten, and the file appears complete or not at all. File systems
    without hard links (FAT/exFAT, some network shares) fall back to reserving the name with
    ``os.open(O_CREAT | O_EXCL)`` (exclusive everywhere) and ``os.replace`` of the complete
    temporary file onto the reserved, empty name (atomic on POSIX and Windows).
    """
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=".tmp")
    except OSError as exc:
        raise DataProblem(f"write_table: cannot write into the output folder {folder}: "
                          f"{exc.strerror or exc}. Fix: choose a folder you can write to "
                          "(output_dir=...).", file=str(folder)) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                serialise(handle)
            except (ValueError, TypeError) as exc:  # e.g. mixed types Parquet cannot hold
                raise DataProblem(f"write_table: the table cannot be written as {fmt}: {exc}. "
                                  "Fix: make each column one type (or write CSV); nothing was "
                                  "written.", file=str(folder / f"{stem}.{fmt}")) from exc
            handle.flush()
            os.fsync(handle.fileno())
        target = _claim(tmp, folder, stem, fmt)
    except OSError as exc:  # disk full, folder removed meanwhile ...
        raise DataProblem(f"write_table: writing {folder / f'{stem}.{fmt}'} failed: "
                          f"{exc.strerror or exc}; nothing was written. Fix: free space or "
                          "choose another output_dir.", file=str(folder)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_folder(folder)
    return target


def _claim(tmp: Path, folder: Path, stem: str, fmt: str) -> Path:
    n = 1
    while True:
        target = folder / (f"{stem}.{fmt}" if n == 1 else f"{stem}-{n}.{fmt}")
        try:
            os.link(tmp, target)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            if not _reserve(target):
                n += 1
                continue
            try:
                os.replace(tmp, target)
            except OSError:
                target.unlink(missing_ok=True)  # our empty reservation, nobody else's file
                raise
        if n > 1:
            print(tr("note: {file} already exists; wrote {name} instead (files are never "
                     "overwritten).", file=folder / f"{stem}.{fmt}", name=target.name))
        return target


def _reserve(target: Path) -> bool:
    """Create ``target`` empty if (and only if) it does not exist yet."""
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
