"""Byte-level answers (``helpers.data._textbytes``): plain numbers, columns without a blank cell.

The typed shortcut leaves a chunk that this test vouches for to Arrow's cast: together they
must accept exactly the texts the regex ``[+-]?\\d+(?:\\.\\d+)?`` accepts, on every short text
of digits, points and signs and on random chunks (sliced, with empty cells).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data._blanks import blank_of
from helpers.data._textbytes import none_blank, plain_if_numbers

PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")


def _reads(text: str) -> bool:
    try:
        pc.cast(pa.array([text]), pa.float64())
    except pa.ArrowInvalid:
        return False
    return True


def test_with_the_cast_it_accepts_exactly_the_plain_numbers():
    texts = ["".join(t) for n in range(1, 7) for t in itertools.product("01.+-", repeat=n)]
    wrong = [t for t in texts
             if (plain_if_numbers(pa.array([t])) and _reads(t)) != bool(PLAIN.match(t))]
    assert wrong == []
    assert sum(bool(PLAIN.match(t)) for t in texts) == 582  # of 19,530: both kinds seen


def test_it_never_refuses_a_plain_number_and_refuses_other_bytes():
    for t in ["0", "-12", "+3.25", "1234567890.0987654321", "007"]:
        assert plain_if_numbers(pa.array([t, "", t]))
    for t in ["1e5", "1,5", " 1", "1 ", "inf", "nan", "１", "1/2", "٣", "1\n"]:
        assert not plain_if_numbers(pa.array(["1", t]))
    assert not plain_if_numbers(pa.array(["1", None]))  # missing cells: ask the regex
    assert plain_if_numbers(pa.array([], pa.string())) and plain_if_numbers(pa.array(["", ""]))


def test_a_chunk_is_judged_value_by_value():
    rng = np.random.default_rng(11)
    pieces = ["0", "7", "12", ".", "+", "-", "", "e", "5.5"]
    for _ in range(3000):
        values = ["".join(rng.choice(pieces, int(rng.integers(0, 4))))
                  for _ in range(int(rng.integers(1, 8)))]
        start = int(rng.integers(0, len(values)))
        chunk = pa.array(values, pa.string()).slice(start)
        each = all(plain_if_numbers(pa.array([v], pa.string())) for v in values[start:])
        assert plain_if_numbers(chunk) == each, values[start:]


def test_none_blank_only_vouches_for_columns_without_a_blank_cell():

    rng = np.random.default_rng(5)
    pieces = ["a", "1", " ", "\u3000", "\t", "", "\x1f", "é", "~", "\x7f"]
    vouched = 0
    for _ in range(3000):
        values = ["".join(rng.choice(pieces, int(rng.integers(0, 3))))
                  for _ in range(int(rng.integers(1, 6)))]
        a = pa.chunked_array([pa.array(values, pa.string())])
        if none_blank(a):
            vouched += 1
            blank = blank_of(pd.Series(values, dtype="string[pyarrow]"))
            assert not blank.any(), values
    assert vouched > 100
    assert not none_blank(pa.chunked_array([pa.array(["a", None])]))
