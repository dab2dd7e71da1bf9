r"""The loader's fast path for text files: pyarrow's CSV reader, and reading only a file's head.

:func:`arrow_grid` reads a UTF-8 CSV whose rows all have the same number of fields into the
same grid of text cells the careful reader (:mod:`helpers.data._read`) gives, in a fraction of
the time and memory; any file it cannot read that way (a row too short or too long, an unclosed
quote, bytes that are not UTF-8) returns ``None`` and goes to the careful reader, which names
the problem. :func:`head_bytes` and :func:`first_lines` give the sample that the encoding and
delimiter are judged from, without reading or splitting the whole file.

>>> first_lines("a\nb\nc\n", 2)
['a', 'b']
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["HEAD_SIZE", "arrow_grid", "first_lines", "head_bytes"]

#: Bytes read from the top of a file to judge its encoding and delimiter.
HEAD_SIZE = 1 << 20


def arrow_grid(source: Any, sep: str, width: int) -> pd.DataFrame | None:
    """Every cell as text via pyarrow's CSV reader (the fast path), or ``None`` if it cannot.

    Only UTF-8 files whose every row has ``width`` fields (pyarrow checks both); otherwise (a
    short or long row, an unclosed quote, bad UTF-8) the careful reader names the problem. Cells
    as ``str``, empty ones ``""``, a quoted line break kept in its cell, as that reader gives.
    """
    try:
        table = pacsv.read_csv(source, read_options=pacsv.ReadOptions(
            autogenerate_column_names=True, block_size=1 << 24), parse_options=pacsv.ParseOptions(
            delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, OSError, ValueError):
        return None
    if table.num_columns != width:
        return None
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    grid = table.to_pandas(types_mapper=lambda t: text if t == pa.string() else None,
                           self_destruct=True)
    grid.columns = range(width)
    return grid


def first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting all of a large text."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.splitlines()[:n]
    return text[:end].splitlines()[:n]


def head_bytes(path: Path, size: int = HEAD_SIZE) -> bytes:
    """The first ``size`` bytes of a file (unpacked for ``.gz``)."""
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read(size)
        with path.open("rb") as fh:
            return fh.read(size)
    except (EOFError, OSError, zlib.error):
        return b""
