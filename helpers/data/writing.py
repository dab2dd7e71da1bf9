"""Writing a table for someone else: personal data masked, into an output folder, never overwriting.

>>> path = write_table(customers, "call_list", output_dir="output", table="customers")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.data.privacy import mask_frame
from helpers.errors import DataProblem

__all__ = ["write_table"]

_FORMATS = ("csv", "xlsx", "parquet")


def _free_name(folder: Path, stem: str, fmt: str) -> Path:
    """``stem.fmt`` in ``folder``, or ``stem-2.fmt`` (``-3`` …) when that exists (with a note)."""
    target = folder / f"{stem}.{fmt}"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}.{fmt}"
        n += 1
    if n > 2:
        print(f"note: {folder / f'{stem}.{fmt}'} already exists; wrote {target.name} instead "
              "(files are never overwritten).")
    return target


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

    Raises
    ------
    DataProblem
        An unknown format, something other than a DataFrame to write, or an ``output_dir``
        (inside) the bundled data or the package.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise DataProblem(f"write_table: fmt must be 'csv', 'xlsx' or 'parquet', not {fmt!r}")
    if not isinstance(df, pd.DataFrame):
        raise DataProblem(f"write_table: expected a DataFrame, got {type(df).__name__}")
    try:
        folder = paths.output_dir(output_dir)
    except ValueError as exc:  # the bundled data or the package: inputs are never written to
        raise DataProblem(f"write_table: {exc}") from None
    stem = Path(name).name
    if stem.lower().endswith(f".{fmt}"):
        stem = stem[: -len(fmt) - 1]
    target = _free_name(folder, stem, fmt)
    out = df if reveal_personal else mask_frame(df, table=table)
    _write(out, target, fmt, encoding)
    return target


def _write(df: pd.DataFrame, target: Path, fmt: str, encoding: str) -> None:
    out = df.copy()
    out.attrs = {}
    if fmt == "csv":
        out.to_csv(target, index=False, encoding=encoding)
    elif fmt == "xlsx":
        out.to_excel(target, index=False)
    else:
        out.to_parquet(target, index=False)
