"""Whether a table's key repeats: the cheap question asked before the rows are named.

:func:`no_repeats` answers it for millions of keys; only when a key does repeat does the loader
(:func:`helpers.data._validate.duplicate_keys_problem`) look for the rows that share one. Keys of
up to 8 bytes (``C00012345`` is 9 and goes the general way; ``T123456`` is 7) are read as one
64-bit number each, straight from the bytes of the Arrow array, and the numbers sorted: about
a fifth of the time of sorting the text. Longer keys are sorted as text.

>>> no_repeats(pd.Series(["C1", "C2", None, None], dtype="string[pyarrow]"))
True
>>> no_repeats(pd.Series(["C1", "C2", "C1"], dtype="string[pyarrow]")), no_repeats(pd.Series([1, 1]))
(False, False)
>>> packed_keys(pa.chunked_array([pa.array(["ab", "", None, "ba"])])).tolist()
[25185, 0, 24930]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data._coerce import arrow_text
from helpers.data._textbytes import value_spans

__all__ = ["no_repeats", "packed_keys"]

#: Sorted keys compared a block at a time (not a sorted copy of the whole column).
_BLOCK = 1 << 19
#: The low ``n`` bytes of a 64-bit word, for ``n`` = 0 … 8.
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)


def _words(data: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The 8 bytes from each start (little-endian, zeros past the end of ``data``)."""
    tail = np.zeros(16, dtype=np.uint8)
    cut = max(len(data) - 8, 0)
    tail[:len(data) - cut] = data[cut:]
    out = np.empty(len(starts), dtype=np.uint64)
    late = starts > len(data) - 8
    if len(data) >= 8:  # an unaligned 8-byte view of the bytes: one word per byte position
        words = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
        out[~late] = words[starts[~late]]
    out[late] = np.ndarray((9,), dtype="<u8", buffer=tail, strides=(1,))[starts[late] - cut]
    return out


def packed_keys(a: pa.ChunkedArray) -> np.ndarray | None:
    """Each filled text key as one ``uint64`` (its bytes, zeros after), or ``None``.

    Two different keys give two different numbers when no key is longer than 8 bytes and none
    holds a zero byte; otherwise (or for a sliced or odd array) ``None``.
    """
    out = np.empty(len(a) - a.null_count, dtype=np.uint64)  # filled chunk by chunk: no copy
    start = 0
    for chunk, offsets, data in value_spans(a):
        lens = np.diff(offsets)
        if len(lens) and int(lens.max()) > 8:
            return None
        if np.any(data[int(offsets[0]):int(offsets[-1])] == 0):
            return None
        words = _words(data, offsets[:-1].astype(np.int64)) & _LOW_BYTES[lens]
        if chunk.null_count:
            words = words[np.asarray(chunk.is_valid())]
        out[start:start + len(words)] = words
        start += len(words)
    return out


def no_repeats(keys: pd.Series) -> bool:
    """True when no filled key occurs twice (sorted: sorting text keys beats hashing millions)."""
    a = arrow_text(keys)
    if a is None:
        return bool(keys.dropna().is_unique)
    if len(a) < 2:
        return True
    packed = packed_keys(a)
    if packed is not None:
        packed.sort()
        return not bool(np.any(packed[1:] == packed[:-1]))
    order = pc.sort_indices(a)
    for start in range(0, len(a) - 1, _BLOCK):  # neighbours in sorted order, a block at a time
        ordered = a.take(order[start:start + _BLOCK + 1])
        if pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py():
            return False
    return True
