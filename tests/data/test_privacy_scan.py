"""Tests of the vectorised pre-filter of mask_text_series: the RE2 scan picks every value that
masking changes, and the masked column is the same as with the former per-value hint path."""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from helpers.data import mask_text_series, privacy
from helpers.errors import PERSONAL_HINT, PERSONAL_PATTERNS, luhn_ok, re2_pattern, redact_personal

ALPHABET = list("0123456789" * 6 + "*" * 3 + "abcXx@@--  ++.")
#: Digits that are not 0-9 (full-width, Arabic-Indic, Devanagari): Python's \d takes them.
OTHER_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩०१२३४५६७८९"
#: Digits of Unicode 15 (Kawi, Nag Mundari): RE2's \p{Nd} takes them, Python 3.11's \d not.
NEWER_DIGITS = "\U00011F50\U0001E4F0"


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def _luhn(rng: np.random.Generator, n: int, valid: bool) -> str:
    body = "6" + _digits(rng, n - 2)
    return body + next(d for d in "0123456789" if luhn_ok(body + d) == valid)


def _spaced(text: str, sep: str, every: int) -> str:
    return sep.join(text[i:i + every] for i in range(0, len(text), every))


def _mix(n: int = 400, seed: int = 11) -> list[object]:
    """Ids, order numbers, phones, landlines, ID numbers, cards, e-mails, Chinese text, masks."""
    rng = np.random.default_rng(seed)
    out: list[object] = []
    for i in range(n):
        mobile = f"1{rng.integers(3, 10)}{_digits(rng, 9)}"
        id18 = f"110101{rng.integers(1950, 2010)}{rng.integers(1, 13):02d}" \
               f"{rng.integers(1, 29):02d}{_digits(rng, 3)}{rng.choice(list('0123456789X'))}"
        id15 = f"31{_digits(rng, 4)}{rng.integers(50, 99)}{rng.integers(1, 13):02d}" \
               f"{rng.integers(1, 29):02d}{_digits(rng, 3)}"
        card = _luhn(rng, int(rng.integers(13, 20)), valid=bool(i % 2))
        out += [f"C{i:09d}", f"SO2024{i:06d}", f"INV-2024-{i:04d}", mobile, f"+86 {mobile}",
                f"+86{mobile}", f"0086-{_spaced(mobile, '-', 4)}", _spaced(mobile, " ", 4),
                f"021-{_digits(rng, 8)}", f"(0755){_digits(rng, 8)}", f"0755 {_digits(rng, 7)}",
                id18, id15, card, _spaced(card, " ", 4), _spaced(card, "-", 4),
                f"user{i}.x@example.com", f"客户说请拨打 {mobile} 谢谢", f"身份证{id18}，卡号{card}",
                f"订单{i}件", f"{mobile[:3]}****{mobile[-4:]}", f"*{mobile}", f"{mobile}*",
                f"a{id18}", f"{id18}b", mobile + mobile, "VIP 客户", f"12345.{i}",
                "１３８" + _digits(rng, 8), "138" + "".join(rng.choice(list(OTHER_DIGITS), 8)),
                f"{mobile}{NEWER_DIGITS[i % 2]}", f"{NEWER_DIGITS[i % 2]}{card}"]
    return out + [None, np.nan, pd.NA, 13812345678, 3.5, b"13812345678", Decimal("13812345678"),
                  np.str_("13812345678"), "", "x\udcff 13812345678", "x\udcff C000000001"]


def _random_strings(n: int = 4000, seed: int = 7, alphabet: list[str] = ALPHABET) -> list[str]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 32, n)
    return ["".join(rng.choice(alphabet, k)) for k in lengths]


def _hint_path(s: pd.Series) -> pd.Series:
    """mask_text_series as it was: every distinct text passing PERSONAL_HINT is redacted."""
    if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)
            or isinstance(s.dtype, pd.CategoricalDtype)):
        return s
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    found = np.array([isinstance(v, str) and PERSONAL_HINT.search(v) is not None
                      for v in values], dtype=bool)
    masked = values.copy()
    masked[found] = [redact_personal(v, privacy._CONTENT_MASKS) for v in values[found]]
    changed = np.flatnonzero(masked != values)
    if not len(changed):
        return s
    out = s.to_numpy(dtype=object, copy=True)
    rows = np.isin(codes, changed)
    out[rows] = masked[codes[rows]]
    dtype = s.dtype if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object else object
    return pd.Series(out, index=s.index, name=s.name, dtype=dtype)


def _re2_search(texts: list[str], pattern: str) -> list[bool]:
    return pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern).to_pylist()


def _duckdb_search(texts: list[str], pattern: str) -> list[bool]:
    con = duckdb.connect()
    con.register("texts", pd.DataFrame({"t": texts, "i": range(len(texts))}))
    rows = con.execute("SELECT regexp_matches(t, ?) FROM texts ORDER BY i", [pattern]).fetchall()
    return [bool(r[0]) for r in rows]


ASCII_TEXTS = _random_strings() + [v for v in _mix() if isinstance(v, str) and v.isascii()]


@pytest.mark.parametrize("kind", list(PERSONAL_PATTERNS))
@pytest.mark.parametrize("search", [_re2_search, _duckdb_search], ids=["pyarrow", "duckdb"])
def test_re2_pattern_finds_what_the_python_pattern_finds_on_ascii_text(kind, search):
    pattern = PERSONAL_PATTERNS[kind]
    expected = [pattern.search(t) is not None for t in ASCII_TEXTS]
    assert search(ASCII_TEXTS, re2_pattern(pattern.pattern)) == expected
    assert 20 < sum(expected) < len(expected) - 20  # both answers are exercised


@pytest.mark.parametrize("kind", list(PERSONAL_PATTERNS))
@pytest.mark.parametrize("search", [_re2_search, _duckdb_search], ids=["pyarrow", "duckdb"])
def test_re2_pattern_finds_at_least_what_python_finds_with_other_digits(kind, search):
    texts = _random_strings(3000, seed=3, alphabet=ALPHABET + list(OTHER_DIGITS) * 2)
    texts += [v for v in _mix() if isinstance(v, str) and not v.isascii() and v.isprintable()]
    pattern = PERSONAL_PATTERNS[kind]
    python = [pattern.search(t) is not None for t in texts]
    found = search(texts, re2_pattern(pattern.pattern))
    missed = [t for t, p, r in zip(texts, python, found, strict=True) if p and not r]
    assert not missed
    if kind != "email":
        assert any(p and not t.isascii() for t, p in zip(texts, python, strict=True))


def test_every_python_digit_is_an_re2_digit():
    """re2_pattern turns \\d into \\p{Nd}: RE2's table must hold every digit Python's \\d takes
    (it holds 20 newer ones too, which only adds candidates). Fails if an upgrade breaks it."""
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    python = re.findall(r"\d", every)
    assert len(python) > 600 and "٣" in python and "３" in python
    assert all(_re2_search(python, r"^\p{Nd}$"))
    assert all(_duckdb_search(python, r"^\p{Nd}$"))


@pytest.mark.parametrize("odd", [False, True], ids=["utf8", "with-surrogates"])
def test_the_scan_picks_every_value_masking_changes(odd):
    values = np.array([v for v in _mix() + _random_strings()
                       if odd or not (isinstance(v, str) and "\udcff" in v)], dtype=object)
    candidates = privacy._candidates(values)
    changes = np.array([isinstance(v, str) and redact_personal(v, privacy._CONTENT_MASKS) != v
                        for v in values])
    assert changes.sum() > 1000
    assert not (changes & ~candidates).any(), values[changes & ~candidates][:5]
    ids = np.array([f"C{i:09d}" for i in range(1000)], dtype=object)
    assert not privacy._candidates(ids).any()  # the hint took them all, the scan takes none
    assert all(PERSONAL_HINT.search(v) for v in ids)
    odd = np.array(["x\udcff 13812345678", "x\udcff"] + list(ids), dtype=object)
    assert privacy._candidates(odd).tolist() == [True] + [False] * (len(odd) - 1)


def _series(values: list[object], dtype: str) -> pd.Series:
    if dtype == "object":
        return pd.Series(values, dtype=object, name="remark")
    texts = [v if isinstance(v, str) and v.isascii() or isinstance(v, str) and v.isprintable()
             else None for v in values]
    if dtype == "category":
        return pd.Series(texts, dtype="category", name="remark")
    return pd.Series(texts, dtype=dtype, name="remark")


@pytest.mark.parametrize("dtype", ["object", "category", "string[python]", "string[pyarrow]"])
def test_mask_text_series_equals_the_hint_path(dtype):
    s = _series(_mix() + _random_strings(2000, seed=5), dtype)
    s.index = s.index * 3  # an index that is not the positions
    expected = _hint_path(s)
    got = mask_text_series(s)
    pd.testing.assert_series_equal(got, expected)
    assert (got.astype(object) != s.astype(object)).sum() > 500


@pytest.mark.parametrize("dtype", ["object", "category", "string[pyarrow]"])
def test_nothing_found_gives_the_series_itself(dtype):
    s = _series([f"C{i:09d}" for i in range(50)] + ["138****5678", None], dtype)
    assert mask_text_series(s) is s
    assert _hint_path(s) is s


def test_text_arrow_cannot_hold_is_still_masked():
    s = pd.Series(["x\udcff 13812345678", "x\udcff C000000001", 7], dtype=object)
    assert mask_text_series(s).tolist() == ["x\udcff 138****5678", "x\udcff C000000001", 7]


def test_the_shortcut_for_plain_digits_masks_as_the_general_rule():
    rng = np.random.default_rng(2)
    texts = [_digits(rng, n) for n in range(0, 25) for _ in range(20)] + ["١٢٣٤٥٦٧٨٩", "１２３４５６７８９"]
    for text in texts:
        general = privacy._positions_mask(text, lambda ch: ch.isdigit() or ch == "*",
                                          *((3, 4) if len(text) >= 8 else (0, 2)))
        assert privacy.mask_phone(text) == general, text
    assert privacy.mask_phone("13812345678") == "138****5678"
