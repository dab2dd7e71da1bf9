"""Questions about a text column answered from the bytes of its values, at memory speed.

An Arrow text array keeps its values back to back in one buffer; a byte that occurs in no value
occurs nowhere in that stretch of the buffer, so "does any value contain a ``.``?" is one
pass over it, and "does any value start or end with a space?" looks at two bytes per
value. Both answer only in the cheap direction: :func:`no_value_contains` says ``True`` only
when no value can contain the byte (one comparison over the bytes), :func:`ends_are_not_space` only when no value can begin or
end with white space; ``False`` means "look properly" (the vectorised or per-value check).
The same holds for :func:`none_blank` (no blank cell, from each value's first byte) and
:func:`plain_if_numbers` (plain numbers, if Arrow's cast reads them: the typed shortcut's test
instead of a regex, 2-3x faster); :func:`value_spans` gives the offsets and bytes they read.

>>> import pyarrow as pa
>>> a = pa.chunked_array([pa.array(["C1", "T2"])])
>>> no_value_contains(a, b"."), no_value_contains(a, b"2"), ends_are_not_space(a)
(True, False, True)
>>> ends_are_not_space(pa.chunked_array([pa.array(["C1", "T2 "])]))
False
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["all_ascii", "ends_are_not_space", "iso_layout", "no_value_contains", "none_blank", "plain_if_numbers",
           "short_values", "value_spans"]

#: ISO dates and times of one width: ``d`` a digit, ``T`` a space or a ``T``, else that byte.
_ISO_LAYOUTS = {10: "dddd-dd-dd", 16: "dddd-dd-ddTdd:dd", 19: "dddd-dd-ddTdd:dd:dd"}
#: Values checked at once by :func:`iso_layout` (their bytes' bounds tiled once per width).
_TILED_ROWS = 1 << 15
_tiled: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _tiled_bounds(width: int) -> tuple[np.ndarray, np.ndarray]:
    """A layout's lowest byte and span at each byte of ``_TILED_ROWS`` values back to back.

    ``d``: ``0``-``9``; ``T``: ``0x20``-``0x54`` (a space or a ``T``, checked exactly after);
    any other byte exactly itself. So one comparison over the values' bytes checks every
    position of every value (instead of one strided pass per position).
    """
    if width not in _tiled:
        layout = _ISO_LAYOUTS[width]
        low = np.array([48 if k == "d" else 32 if k == "T" else ord(k) for k in layout], np.uint8)
        span = np.array([9 if k == "d" else 52 if k == "T" else 0 for k in layout], np.uint8)
        _tiled[width] = (np.tile(low, _TILED_ROWS), np.tile(span, _TILED_ROWS))
    return _tiled[width]


def value_spans(a: pa.ChunkedArray) -> Iterator[tuple[pa.Array, np.ndarray, np.ndarray]]:
    """For each chunk: the chunk, its value offsets and its data buffer (as bytes)."""
    for chunk in a.chunks:
        if len(chunk) == 0:
            continue
        _, offs_buf, data_buf = chunk.buffers()[:3]
        kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offs_buf, dtype=kind)[chunk.offset:chunk.offset + len(chunk) + 1]
        data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
                else np.zeros(0, dtype=np.uint8))
        yield chunk, offsets, data


def _is_text(a: pa.ChunkedArray) -> bool:
    """Arrow text (``string`` or ``large_string``): what the byte-level answers read."""
    return bool(pa.types.is_string(a.type) or pa.types.is_large_string(a.type))


def no_value_contains(a: pa.ChunkedArray, byte: bytes) -> bool:
    """True when no value of a text array contains ``byte`` (a single byte).

    One search over the bytes of the values (null slots included, which can only make the answer
    ``False``, never wrongly ``True``).
    """
    if not _is_text(a) or len(byte) != 1:
        return False
    code = byte[0]
    for _, offsets, data in value_spans(a):
        if np.any(data[int(offsets[0]):int(offsets[-1])] == code):
            return False
    return True


def all_ascii(a: pa.ChunkedArray) -> bool:
    """True when no byte of any value is above ``0x7F``: every value is ASCII text.

    One pass over the values' bytes (null slots included, which can only make the answer
    ``False``); ``False``: look properly (``pc.string_is_ascii``).

    >>> all_ascii(pa.chunked_array([pa.array(["C1", ""])])), all_ascii(pa.chunked_array([pa.array(["客户"])]))
    (True, False)
    """
    return _is_text(a) and all(int(data[int(offsets[0]):int(offsets[-1])].max(initial=0)) < 0x80
                               for _, offsets, data in value_spans(a))


def short_values(a: pa.ChunkedArray, most: int) -> Iterator[pa.Array]:
    """Each chunk's values of at most ``most`` bytes (chunks without any: none), lengths from offsets.

    A missing value is among them or not as its slot's length says: a caller asking which of
    them are some words (``pc.is_in``) gets the same answer either way.

    >>> [v.to_pylist() for v in short_values(pa.chunked_array([pa.array(["na", "C123", "-"])]), 2)]
    [['na', '-']]
    """
    for chunk, offsets, _ in value_spans(a):
        short = np.diff(offsets) <= most
        if short.any():
            yield pc.filter(chunk, pa.array(short))


def ends_are_not_space(a: pa.ChunkedArray) -> bool:
    """True when no value's first or last byte can be white space (both above ``0x20``).

    For ASCII text (check that first) this means every value is trimmed. Empty values have no
    ends; chunks with nulls answer ``False`` (look properly).
    """
    if not _is_text(a):
        return False
    for chunk, offsets, data in value_spans(a):
        if chunk.null_count:
            return False
        starts, stops = offsets[:-1], offsets[1:]
        filled = stops > starts
        if not filled.all():
            starts, stops = starts[filled], stops[filled]
        if len(starts) and (data[starts].min() <= 0x20 or data[stops - 1].min() <= 0x20):
            return False
    return True


def none_blank(a: pa.ChunkedArray) -> bool:
    """True when no value is missing, empty or only white space, from each value's first byte.

    Each begins with a visible ASCII byte (``!`` to ``~``, or DEL). ``False``: look properly (a
    value may begin with a space, or with a byte of a wider character such as the ideographic
    space).

    >>> import pyarrow as pa
    >>> none_blank(pa.chunked_array([pa.array(["a", "1 "])]))
    True
    >>> none_blank(pa.chunked_array([pa.array(["a", ""])])), none_blank(pa.chunked_array([pa.array([" a"])]))
    (False, False)
    """
    if not _is_text(a):
        return False
    for chunk, offsets, data in value_spans(a):
        starts = offsets[:-1]
        if chunk.null_count or not bool(np.all(offsets[1:] > starts)) or not bool(
                np.all(data[starts] - np.uint8(0x21) <= 0x5E)):
            return False
    return True


def iso_layout(chunk: pa.Array) -> bool:
    r"""True when every value of a text chunk is an ISO date of one width, byte for byte.

    ``2024-03-05``, ``2024-03-05 10:00`` or ``2024-03-05T10:00:00`` (ASCII digits), all of the
    same width and none missing: exactly the values of that width that match the regex
    ``\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?``, checked as a table of bytes (one
    row per value). ``False``: ask the regex.

    >>> import pyarrow as pa
    >>> iso_layout(pa.array(["2024-03-05 10:00:00", "2024-12-31T23:59:59"]))
    True
    >>> iso_layout(pa.array(["2024-03-05", "2024-3-05x"])), iso_layout(pa.array(["2024-03-05", None]))
    (False, False)
    """
    if chunk.null_count or len(chunk) == 0 or not _is_text(pa.chunked_array([chunk])):
        return False
    _, offsets, data = next(value_spans(pa.chunked_array([chunk])))
    width = int(offsets[1] - offsets[0])
    layout = _ISO_LAYOUTS.get(width)
    if layout is None or int(offsets[-1] - offsets[0]) != width * len(chunk) or not bool(
            np.all(np.diff(offsets) == width)):
        return False
    text = data[int(offsets[0]):int(offsets[-1])]
    low, span = _tiled_bounds(width)
    step = len(low)
    for start in range(0, len(text), step):  # uint8: a byte below its lowest wraps above span
        piece = text[start:start + step]
        if not bool(np.all((piece - low[:len(piece)]) <= span[:len(piece)])):
            return False
    cells = text.reshape(len(chunk), width)
    return all(bool(np.all((cells[:, i] == 32) | (cells[:, i] == 84)))
               for i, kind in enumerate(layout) if kind == "T")



def plain_if_numbers(chunk: pa.Array) -> bool:
    r"""True when every value of a text chunk that Arrow reads as a number is a plain number.

    A plain number is what the regex ``[+-]?\d+(?:\.\d+)?`` matches whole (ASCII digits, as
    RE2's ``\d``). Here: only digits, points and signs; each value begins with a digit or a
    sign and ends with a digit; a point has a digit on each side. Such a value that Arrow's cast
    to a float reads (at most one point, a sign only first) is a plain number, and one it cannot
    read makes the cast fail: checked against the regex and the cast on every text of up to 6
    characters of ``01.+-`` (``tests/data/test_textbytes.py``). ``False`` (also for a chunk with
    missing values): ask the regex.

    >>> import pyarrow as pa
    >>> plain_if_numbers(pa.array(["12.5", "", "-3", "+0.25", "7", "1.2.3"]))
    True
    >>> [plain_if_numbers(pa.array([v])) for v in ["1.", ".5", "-.5", "5-", "1e5", "1,5", " 1"]]
    [False, False, False, False, False, False, False]
    """
    if chunk.null_count or not _is_text(pa.chunked_array([chunk])):
        return False
    if len(chunk) == 0:
        return True
    _, offsets, data = next(value_spans(pa.chunked_array([chunk])))
    text = data[int(offsets[0]):int(offsets[-1])]
    shifted = text - np.uint8(ord("+"))  # + , - . / 0-9 are 0-14: all but , and /
    if not bool(np.all((shifted <= 14) & (shifted != 1) & (shifted != 4))):
        return False
    starts, stops = offsets[:-1], offsets[1:]
    filled = stops > starts
    if not filled.all():
        starts, stops = starts[filled], stops[filled]
    digit = np.uint8(ord("0") - ord("+"))
    if len(starts) and not (bool(np.all(data[stops - 1] - np.uint8(ord("0")) <= 9))
                            and bool(np.all(data[starts] != ord(".")))):
        return False  # a value ends in a sign or point, or begins with a point
    # a point has a digit on each side (the first and last bytes are no point: checked above)
    points, digits = shifted == 3, shifted - digit <= 9
    return not bool(np.any(points[1:-1] & ~(digits[:-2] & digits[2:])))
