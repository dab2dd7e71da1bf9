r"""The loader's fast path for text files: pyarrow's CSV reader, and reading only a file's head.

:func:`arrow_grid` reads a UTF-8 CSV whose rows all have the same number of fields into the
same grid of text cells the careful reader (:mod:`helpers.data._read`) gives, in a fraction of
the time and memory; any file it cannot read that way (a row too short or too long, an unclosed
quote, bytes that are not UTF-8) returns ``None`` and goes to the careful reader, which names
the problem. :func:`head_bytes` and :func:`first_lines` give the sample that the encoding and
delimiter are judged from, without reading or splitting the whole file.

>>> first_lines("a\nb\nc\n", 2)
['a', 'b']

pyarrow splits rows much faster when it need not look for line breaks inside quoted cells
(``newlines_in_values``); :func:`may_quote_newlines` tells from a byte scan whether a file can
have any (a quote below its first line, or an unbalanced one in it).
"""

from __future__ import annotations

import gzip
import mmap
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["BLOCK_BOUNDS", "HEAD_SIZE", "arrow_grid", "block_size", "first_lines", "head_bytes", "may_quote_newlines"]

#: Bytes read from the top of a file to judge its encoding and delimiter.
HEAD_SIZE = 1 << 20
#: pyarrow's block size: a 32nd of the file, within these bounds (large blocks on a small file
#: leave one of the reader's threads idle and cost memory; small ones on a large file, chunks).
BLOCK_BOUNDS = (1 << 20, 1 << 24)


def block_size(source: Any) -> int:
    """The block size pyarrow reads ``source`` in: a 32nd of its size, 1-16 MiB.

    >>> block_size(b"a,b"), block_size("no such file") == BLOCK_BOUNDS[1]
    (1048576, True)
    """
    low, high = BLOCK_BOUNDS
    try:
        size = os.path.getsize(source) if isinstance(source, str | Path) else len(source)
    except (OSError, TypeError):
        return high
    return int(min(high, max(low, size // 32)))


def may_quote_newlines(source: Any, chunk: int = 1 << 24) -> bool:
    r"""Whether a quoted cell of the file might hold a line break (``False``: it cannot).

    ``False`` only for a plain (not compressed) file that has no ``"`` below its first line and
    an even number in it (a quoted header, as pyarrow and many tools write); a byte search of
    the file mapped into memory (about 0.05 s for 300 MB in the page cache). Anything else,
    say ``True``.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as fh:
    ...     _ = fh.write(b'"id","name"\r\n1,a\n')
    >>> may_quote_newlines(fh.name), may_quote_newlines(b"id\n1")
    (False, True)
    >>> Path(fh.name).unlink()
    """
    if not isinstance(source, str | Path) or Path(source).suffix.lower() in (
            ".gz", ".bz2", ".zst", ".lz4", ".zip"):
        return True
    try:
        with open(source, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
            # the file's pages searched where they lie (no copy): a tenth of the time of reading
            ends = [i for i in (m.find(b"\n", 0, chunk), m.find(b"\r", 0, chunk)) if i >= 0]
            if not ends:  # one line (or a line longer than a chunk): let pyarrow look
                return True
            end = min(ends)
            return bool(m[:end].count(b'"') % 2) or m.find(b'"', end) >= 0
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return True


def arrow_grid(source: Any, sep: str, width: int, narrow: bool = False) -> pd.DataFrame | None:
    """Every cell as text via pyarrow's CSV reader (the fast path), or ``None`` if it cannot.

    Only UTF-8 files whose every row has ``width`` fields (pyarrow checks both); otherwise (a
    short or long row, an unclosed quote, bad UTF-8) the careful reader names the problem. Cells
    as ``str``, empty ones ``""``, a quoted line break kept in its cell, as that reader gives.
    Rows are split without looking for quoted line breaks when the file cannot have any
    (:func:`may_quote_newlines`): about a third less time. Cells are read as ``large_string``,
    the type pandas' text columns hold, so that they are not copied again into that type;
    ``narrow=True`` reads them as ``string`` (4 bytes less per cell) into columns of
    ``pd.ArrowDtype(pa.string())``, for a caller that reads most columns into numbers or dates
    and widens only the others (the loader: :func:`helpers.data._typed.widened`).
    """
    kind = pa.string() if narrow else pa.large_string()
    newlines = may_quote_newlines(source)
    try:
        table = pacsv.read_csv(source, read_options=pacsv.ReadOptions(
            autogenerate_column_names=True, block_size=block_size(source)), parse_options=pacsv.ParseOptions(
            delimiter=sep, newlines_in_values=newlines, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": kind for i in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, OSError, ValueError):
        return None
    finally:  # the reader's working buffers, kept by the allocator, go back to the system
        pa.default_memory_pool().release_unused()
    if table.num_columns != width:
        return None
    text = pd.ArrowDtype(kind) if narrow else pd.StringDtype("pyarrow", na_value=np.nan)
    grid = table.to_pandas(types_mapper=lambda t: text if t == kind else None,
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
