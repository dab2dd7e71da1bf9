r"""The loader's typed shortcut: text columns that are plainly numbers, ISO dates or yes/no.

Stage 3 (:mod:`helpers.data._coerce`) cleans a text column, judges its decimal mark or its
day/month order, and reads it, with a shortcut for clean columns inside each step. For the
columns most exports are made of, :func:`typed_column` goes straight to the typed column, in
one vectorised check and one Arrow cast, and only when every cell is one of:

- numbers: a plain number (``-12``, ``1234.56``: ``[+-]?\d+(\.\d+)?``) or empty;
- dates: an ISO date or date and time (``2024-03-05``, ``2024-03-05 10:00:00``) or empty;
- yes/no: an ASCII yes/no word (``true``, ``N``, ``1`` …, as written in the loader's lists)
  or empty.

On such a column every rule of the careful path gives the same result: the cleaning changes
nothing but empties an empty cell, the decimal mark is ``.`` with nothing to note, an ISO date
has no day/month order to judge, and the cast is the one the careful path makes of the same
text. Anything else (a thousands separator, a currency sign, a space, ``nan``, ``1e5``,
``2024/3/5``, a date pandas cannot hold, a mapping's recoding, date format, decimal mark, or a
``;``-separated file, where ``1.234`` may be a decimal comma) returns ``None``, and the column
goes the careful way, value by value, which names every problem as before.

The fast reader hands the loader narrow text (``pd.ArrowDtype(pa.string())``, see
:func:`~helpers.data._fast_read.arrow_grid`); a column read here never becomes pandas' wider text
type, and one that goes the careful way is first :func:`widened` to the type it had before.

>>> from helpers.tables import TABLES
>>> fast = typed_column(pd.Series(["12.5", "", "-3"], dtype="string[pyarrow]"),
...                     TABLES["transactions"].column("amount"))
>>> fast.coerced.tolist(), fast.present.tolist()
([12.5, <NA>, -3.0], [True, False, True])
>>> typed_column(pd.Series(["1,234.5"], dtype="string[pyarrow]"),
...              TABLES["transactions"].column("amount")) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data._coerce import (
    _ISO_DATE,
    _PLAIN_NUMBER,
    FALSE_TOKENS,
    MISSING_TOKENS,
    TRUE_TOKENS,
    arrow_text,
)
from helpers.data._textbytes import iso_layout, plain_if_numbers
from helpers.tables import Column

__all__ = ["Typed", "typed_column", "widened"]

_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


class Typed(NamedTuple):
    """A column read the typed way: its values in the course type, and which cells are filled."""

    coerced: pd.Series
    present: np.ndarray


def _spellings(words: set[str]) -> pa.Array:
    """ASCII yes (or no) words as a file may write them: ``true``, ``TRUE``, ``True``."""
    out = {v for w in words if w.isascii() for v in (w, w.upper(), w.capitalize())}
    # a spelling that is also the other kind or a missing word goes the careful way
    other = (TRUE_TOKENS | FALSE_TOKENS) - words
    return pa.array(sorted(v for v in out if v.lower() in words and v.lower() not in other
                           and v.lower() not in MISSING_TOKENS))


_TRUE = _spellings(TRUE_TOKENS)
_FALSE = _spellings(FALSE_TOKENS)
#: Both kinds, yes first: a cell's index in it (one lookup) says which it is (none is both).
_YES_NO = pa.concat_arrays([_TRUE, _FALSE])


def _empty(a: pa.ChunkedArray) -> np.ndarray:
    """Which cells are empty (``""``) or missing: what cleaning turns into <NA>."""
    blank = pc.or_kleene(pc.is_null(a), pc.equal(a, ""))
    return np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


def _every(a: pa.ChunkedArray | pa.Array, good: pa.ChunkedArray | pa.Array,
           empty: np.ndarray) -> bool:
    """Every cell is ``good`` or empty."""
    if not empty.any():
        return pc.all(pc.fill_null(good, False)).as_py() is True
    return pc.all(pc.or_(pc.fill_null(good, False), pa.array(empty))).as_py() is True


def _cast(a: pa.ChunkedArray, empty: np.ndarray, to: pa.DataType, fill: Any) -> np.ndarray:
    """The filled cells cast to ``to`` (pyarrow's cast, as the careful path makes it).

    Chunk by chunk into one array: no whole-column copy besides the result.
    """
    kind = to.to_pandas_dtype()  # no empty cell: every slot is written below, none filled first
    out = np.full(len(a), fill, dtype=kind) if empty.any() else np.empty(len(a), dtype=kind)
    start = 0
    for chunk in a.chunks:
        stop = start + len(chunk)
        gap = empty[start:stop]
        if gap.any():
            out[start:stop][~gap] = pc.cast(pc.filter(chunk, pa.array(~gap)), to).to_numpy(
                zero_copy_only=False)
        else:
            out[start:stop] = pc.cast(chunk, to).to_numpy(zero_copy_only=False)
        start = stop
    return out


def _plain(a: pa.ChunkedArray, empty: np.ndarray) -> bool:
    """Every cell a plain number (or empty), if the cast reads it: by bytes, else by regex.

    A chunk whose bytes say each value is plain if it is a number at all
    (:func:`~helpers.data._textbytes.plain_if_numbers`) is left to the cast, which fails (and
    the column goes the careful way) on any value it cannot read; the regex would have sent the
    column that way too, as it would any chunk the bytes cannot vouch for.
    """
    start = 0
    for chunk in a.chunks:
        stop = start + len(chunk)
        if not plain_if_numbers(chunk) and not _every(
                chunk, pc.match_substring_regex(chunk, f"^(?:{_PLAIN_NUMBER})$"),
                empty[start:stop]):
            return False
        start = stop
    return True


def _numbers(raw: pd.Series, a: pa.ChunkedArray, empty: np.ndarray) -> pd.Series | None:
    """Plain numbers (or empty cells) as ``Float64``; ``None`` when any cell is not one."""
    if not _plain(a, empty):
        return None
    floats = _cast(a, empty, pa.float64(), np.nan)
    return pd.Series(pd.arrays.FloatingArray(floats, empty.copy()), index=raw.index)


def _iso(a: pa.ChunkedArray, empty: np.ndarray) -> bool:
    """Every cell an ISO date (or empty): chunks of one layout by their bytes, others by regex."""
    start = 0
    for chunk in a.chunks:
        stop = start + len(chunk)
        if not iso_layout(chunk) and not _every(
                chunk, pc.match_substring_regex(chunk, f"^(?:{_ISO_DATE})$"), empty[start:stop]):
            return False
        start = stop
    return True


def _dates(raw: pd.Series, a: pa.ChunkedArray, empty: np.ndarray, dtype: str
           ) -> pd.Series | None:
    """ISO dates (or empty cells) as ``datetime64[ns]``; ``None`` when any cell is not one."""
    if not _iso(a, empty):
        return None
    when = _cast(a, empty, pa.timestamp("ns"), np.datetime64("NaT", "ns"))
    out = pd.Series(when, index=raw.index, dtype="datetime64[ns]", copy=False)
    return out.dt.normalize() if dtype == "date" else out


def _bools(raw: pd.Series, a: pa.ChunkedArray, empty: np.ndarray) -> pd.Series | None:
    """ASCII yes/no words (or empty cells) as ``boolean``; ``None`` when any cell is not one.

    Chunk by chunk (each cell's place among the words is 4 bytes: not for the whole column).
    """
    if not len(a):  # as the whole column's all() said: no answer, the careful way
        return None
    values = np.empty(len(a), dtype=bool)
    start = 0
    for chunk in a.chunks:
        stop = start + len(chunk)
        if not len(chunk):  # nothing to ask (and no answer from an empty all())
            continue
        where = pc.index_in(chunk, value_set=_YES_NO)  # missing: no yes/no word, or no cell
        if not _every(chunk, pc.is_valid(where), empty[start:stop]):
            return None
        yes = pc.fill_null(pc.less(where, len(_TRUE)), False)
        values[start:stop] = np.asarray(yes.to_numpy(zero_copy_only=False), dtype=bool)
        start = stop
    return pd.Series(pd.arrays.BooleanArray(values, empty.copy()), index=raw.index)


def typed_column(raw: pd.Series, c: Column, values: Mapping[Any, Any] | None = None,
                 fmt: str | None = None, decimal: str | None = None,
                 thousands: str | None = None, sep: str | None = None) -> Typed | None:
    """A text column in its course type when every cell is plainly of it, else ``None``.

    Parameters
    ----------
    raw : Series
        The column as read (pyarrow-backed text; any other column returns ``None``).
    c : Column
        The course column (its type says what to look for).
    values, fmt : optional
        The mapping's recoding and date format for the column: either sends it the careful way.
    decimal, thousands, sep : str, optional
        The mapping's decimal mark and thousands separator, the file's delimiter: a number
        column with either of the first two, or in a ``;``-separated file, goes the careful way.

    Returns
    -------
    Typed or None
        ``coerced`` (``Float64``, ``datetime64[ns]`` or ``boolean``, empty cells <NA>) and
        ``present`` (the filled cells), exactly as the careful path gives them.
    """
    a = arrow_text(raw)
    if a is None or values or c.dtype not in ("int", "float", "date", "datetime", "bool"):
        return None
    if c.dtype in ("int", "float") and (decimal or thousands or sep == ";"):
        return None
    if c.dtype in ("date", "datetime") and fmt:
        return None
    empty = _empty(a)
    try:
        if c.dtype in ("int", "float"):
            out = _numbers(raw, a, empty)
        elif c.dtype == "bool":
            out = _bools(raw, a, empty)
        else:
            out = _dates(raw, a, empty, c.dtype)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # e.g. 2024-02-30: the careful way
        return None
    return None if out is None else Typed(out, ~empty)


def widened(raw: pd.Series) -> pd.Series:
    """A narrow text column (``pd.ArrowDtype(pa.string())``) as pandas' text column.

    What the reader gives without ``narrow`` (the same values; only the offsets are widened,
    the characters are not copied); any other column unchanged.

    >>> widened(pd.Series(["a"], dtype=pd.ArrowDtype(pa.string()))).dtype
    <StringDtype(na_value=nan)>
    """
    if not (isinstance(raw.dtype, pd.ArrowDtype) and pa.types.is_string(raw.dtype.pyarrow_dtype)):
        return raw
    wide = pc.cast(pa.chunked_array(pa.array(raw.array)), pa.large_string())
    return pd.Series(_TEXT.__from_arrow__(wide), index=raw.index, name=raw.name, copy=False)
