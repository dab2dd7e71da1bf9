"""Repeated keys (``helpers.data._keys``): packed into numbers or sorted as text, the same answer.

``no_repeats`` must say what a set of the filled keys says, whichever way it takes: keys of up
to 8 bytes packed into one number each, longer keys (or keys with a zero byte) sorted as text;
in chunks, sliced, with missing and empty keys, as ``string`` or ``large_string``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.data._keys import no_repeats, packed_keys

WORDS = ["a", "b", "ab", "ba", "", "abcdefgh", "abcdefgi", "abcdefghi", "a\x00", "\x00", "é",
         "C0001", "T1234567"]


def _series(values: list[str | None], cuts: list[int], kind: pa.DataType) -> pd.Series:
    chunks = [pa.array(values[i:j], kind)
              for i, j in zip([0, *cuts], [*cuts, len(values)], strict=True)]
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks, kind)))


def test_no_repeats_is_what_a_set_says():
    rng = np.random.default_rng(7)
    packed_seen = text_seen = 0
    for trial in range(3000):
        n = int(rng.integers(0, 12))
        values = [None if rng.random() < 0.1 else WORDS[int(rng.integers(0, len(WORDS)))]
                  for _ in range(n)]
        cuts = sorted(int(c) for c in rng.integers(0, n + 1, int(rng.integers(0, 3))))
        s = _series(values, cuts, pa.large_string() if trial % 2 else pa.string())
        filled = [v for v in values if v is not None]
        assert no_repeats(s) == (len(set(filled)) == len(filled)), (values, cuts)
        if packed_keys(pa.chunked_array(pa.array(s.array))) is None:
            text_seen += 1
        else:
            packed_seen += 1
    assert packed_seen > 500 and text_seen > 500  # both ways were taken


def test_packed_keys_are_one_number_per_filled_key_and_tell_keys_apart():
    keys = [w for w in WORDS if len(w.encode()) <= 8 and "\x00" not in w]
    packed = packed_keys(pa.chunked_array([pa.array(keys[:3]), pa.array([None, *keys[3:]])]))
    assert packed is not None and len(packed) == len(keys) == len(set(packed.tolist()))
    assert packed_keys(pa.chunked_array([pa.array(["abcdefghi"])])) is None  # 9 bytes
    assert packed_keys(pa.chunked_array([pa.array(["a\x00"])])) is None      # a zero byte


def test_a_million_short_keys_with_one_repeat():
    keys = np.char.add("T", np.arange(1_000_000).astype(str)).astype(object)
    assert no_repeats(pd.Series(keys, dtype="string[pyarrow]"))
    keys[999_999] = "T123"
    assert not no_repeats(pd.Series(keys, dtype="string[pyarrow]"))
