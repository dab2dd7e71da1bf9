"""Loader stage 3, coercing: text cells to numbers, dates, yes/no values and clean strings.

Every function works once per distinct value (exports repeat values a lot), so a column of a
million cells with a few thousand distinct values costs a few thousand conversions.

>>> parse_numbers(pd.Series(["1,234.5", "￥12", "abc"])).tolist()
[1234.5, 12.0, <NA>]
>>> coerce_column(pd.Series(["是", "N"]), "bool").tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data._textbytes import all_ascii, ends_are_not_space, short_values
from helpers.data._zones import without_offsets
from helpers.data.mapping import normalise_header, to_halfwidth

__all__ = ["FALSE_TOKENS", "MISSING_TOKENS", "TRUE_TOKENS", "arrow_text", "clean_strings",
           "cleaned_column", "coerce_column", "convention_and_plain", "day_month_order",
           "number_convention", "parse_bools", "parse_dates", "parse_numbers", "plain_numbers",
           "recode", "to_course_type"]

#: Cell texts read as "no value" (compared in lower case, after trimming).
MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "无", "空", "#n/a"}
TRUE_TOKENS = {"true", "t", "yes", "y", "1", "是", "对", "有", "√", "1.0"}
FALSE_TOKENS = {"false", "f", "no", "n", "0", "否", "错", "无", "×", "0.0"}

_DATE_FORMATS_YFIRST = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S",
                        "%Y-%m-%d %H:%M:%S.%f")
_DATE_FORMATS_COMPACT = ("%Y%m%d", "%Y%m%d%H%M%S")
_DATE_FORMATS_MDY = ("%m-%d-%Y %H:%M", "%m-%d-%Y %H:%M:%S", "%m-%d-%Y")
_DATE_FORMATS_DMY = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y")


def clean_strings(s: pd.Series) -> pd.Series:
    """Strings, half-width, trimmed; missing tokens (``NA``, ``无``, ``-`` …) to <NA>.

    >>> clean_strings(pd.Series([" Ａ１ ", "无", None])).tolist()
    ['A1', <NA>, <NA>]
    """
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.storage != "pyarrow":
        s = s.astype(object).where(s.notna(), None).astype("string[pyarrow]")
    if _already_clean(s):  # the common case, checked on the whole column at once
        return s.astype("string[pyarrow]")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string[pyarrow]")
    wide = u.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(bool)
    if wide.any():
        u[wide] = u[wide].map(to_halfwidth).astype("string[pyarrow]")
    u = u.str.strip()
    u = u.mask(u.str.lower().isin(MISSING_TOKENS))
    return pd.Series(u.array.take(codes, allow_fill=True), index=s.index)


_MISSING_ARROW = pa.array(sorted(MISSING_TOKENS))
_LONGEST_MISSING = max(len(t) for t in MISSING_TOKENS)


def arrow_text(s: pd.Series) -> pa.ChunkedArray | None:
    """A text column's values as an Arrow array, without a copy (``None`` for other columns).

    Text columns are pandas' (pyarrow storage) or Arrow's own (``pd.ArrowDtype(pa.string())``).
    """
    if (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or (
            isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_string(s.dtype.pyarrow_dtype)):
        return pa.chunked_array(pa.array(s.array))
    return None


def _all_match(a: pa.ChunkedArray, pattern: str) -> bool:
    """Every (non-missing) value matches ``pattern`` as a whole."""
    return pc.all(pc.match_substring_regex(a, f"^(?:{pattern})$")).as_py() is not False


def _any_match(a: pa.ChunkedArray, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(a, f"^(?:{pattern})$")).as_py())


def _already_clean(s: pd.Series) -> bool:
    """True when :func:`clean_strings` would change nothing: ASCII, trimmed, no missing token.

    Three vectorised passes over the column, much cheaper than factorising a column of mostly
    distinct values (IDs, amounts, times); any other column is cleaned value by value. Trimmed
    is first asked of each value's first and last byte (:func:`ends_are_not_space`).
    """
    a = arrow_text(s)
    assert a is not None
    if (not all_ascii(a) and pc.all(pc.string_is_ascii(a)).as_py() is False) or not (
            ends_are_not_space(a) or pc.all(pc.equal(pc.utf8_trim_whitespace(a), a)).as_py()
            is not False):
        return False
    for short in short_values(a, _LONGEST_MISSING):  # only these can be tokens (ASCII: bytes)
        if pc.any(pc.is_in(pc.ascii_lower(short), _MISSING_ARROW)).as_py():
            return False
    return True


def _via_uniques(s: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``func`` (Series of unique strings -> Series) once per distinct value."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = func(pd.Series(uniques, dtype="string[pyarrow]"))
    return pd.Series(parsed.array.take(codes, allow_fill=True), index=s.index)


_NUM_JUNK = r"[\s¥￥$€£元]"
#: Values only a decimal comma explains (``12,5``, ``1.234,56``, ``1.234.567``, ``0,123``).
COMMA_EVIDENCE = (r"[+-]?(?:\d+,\d{1,2}|\d+,\d{4,}|0,\d+|,\d+|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?"
                  r"|\d{1,3}(?:\.\d{3})+,\d+)")
#: Values only a decimal point explains (``12.5``, ``1,234.56``, ``1,234,567``, ``0.123``).
POINT_EVIDENCE = (r"[+-]?(?:\d+\.\d{1,2}|\d+\.\d{4,}|0\.\d+|\.\d+|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?"
                  r"|\d{1,3}(?:,\d{3})+\.\d+)")
_AMBIGUOUS = r"[+-]?\d{1,3}[.,]\d{3}"
_COMMA_VALID = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|[+-]?,\d+"
#: Numbers as databases write them (``-12``, ``1234.56``): read at once, not value by value.
_PLAIN_NUMBER = r"[+-]?\d+(?:\.\d+)?"


def plain_numbers(s: pd.Series) -> np.ndarray | None:
    """Which values are plain numbers (``-12``, ``1234.56``); ``None`` if not text or none is."""
    a = arrow_text(s)
    if a is None:
        return None
    plain = pc.fill_null(pc.match_substring_regex(a, f"^(?:{_PLAIN_NUMBER})$"), False)
    mask = plain.to_numpy(zero_copy_only=False).astype(bool)
    return mask if mask.any() else None


def _number_text(u: pd.Series) -> pd.Series:
    """Unique number texts without currency signs and spaces; ``(5)`` as ``-5``."""
    return u.str.replace(_NUM_JUNK, "", regex=True).str.replace(r"^\((.*)\)$", r"-\1", regex=True)


def number_convention(s: pd.Series, sep: str | None = None) -> tuple[str, str, int]:
    """Which character is the decimal mark in a column of numbers as text, judged by its values.

    Parameters
    ----------
    s : Series
        The column (text; each distinct value is looked at once).
    sep : str, optional
        The file's delimiter: in a ``;``-separated file (European Excel) a column whose values
        all fit both readings (``1.234``, ``1,500``) is read with a decimal comma.

    Returns
    -------
    decimal : str
        ``","`` or ``"."``.
    how : str
        ``"values"`` (some values settle it), ``"assumed"`` (every value fits both: the caller
        should warn) or ``"plain"`` (no value has a separator that matters).
    contradicting : int
        Distinct values that only the other reading explains (they cannot be read).

    Examples
    --------
    >>> number_convention(pd.Series(["1.234,56", "12,5"]))
    (',', 'values', 0)
    >>> number_convention(pd.Series(["1,500"]), sep=";")
    (',', 'assumed', 0)
    """
    return convention_and_plain(s, sep, plain_numbers(s))[:3]


def _plain_mask(s: pd.Series, given: np.ndarray | None) -> np.ndarray | None:
    """:func:`plain_numbers` of ``s``, or the caller's mask of it when it fits ``s``."""
    if given is None or len(given) != len(s) or arrow_text(s) is None:
        return plain_numbers(s)
    return given if given.any() else None


def _plain_point_evidence(a: pa.ChunkedArray) -> pa.ChunkedArray:
    """Which plain numbers match :data:`POINT_EVIDENCE`, found without a regex.

    For a plain number (:func:`plain_numbers`) that is: a fraction of 1-2 or 4+ digits, or a
    whole part of ``0``.
    """
    length = pc.binary_length(a)
    dot = pc.find_substring(a, ".")
    frac = pc.subtract(pc.subtract(length, dot), 1)
    zero = pc.or_(pc.starts_with(a, "0."), pc.or_(pc.starts_with(a, "-0."),
                                                   pc.starts_with(a, "+0.")))
    return pc.and_(pc.greater_equal(dot, 0), pc.or_(pc.not_equal(frac, 3), zero))


def convention_and_plain(s: pd.Series, sep: str | None, plain: np.ndarray | None
                ) -> tuple[str, str, int, np.ndarray | None]:
    """:func:`number_convention`, given the column's plain-number mask (also returned)."""
    n_point, ambiguous, points = 0, False, None
    mask = plain if plain is not None else np.zeros(len(s), dtype=bool)
    if plain is not None:  # plain values (no comma) judged at once, only the others one by one
        a = pc.filter(arrow_text(s), pa.array(plain))
        points = pc.filter(a, _plain_point_evidence(a))
        ambiguous = sep == ";" and _any_match(a, _AMBIGUOUS)
        del a
        s = s[~plain]
    u = pd.Series(pd.unique(s.dropna().astype("string[pyarrow]")), dtype="string[pyarrow]")
    t = _number_text(u)
    n_comma = int(t.str.fullmatch(COMMA_EVIDENCE).fillna(False).sum())
    if points is not None and len(points):  # distinct values counted only when they may decide
        n_point = pc.count_distinct(points).as_py() if n_comma else 1
    n_point += int(t.str.fullmatch(POINT_EVIDENCE).fillna(False).sum())
    european = sep == ";"
    if n_comma or n_point:
        comma = n_comma > n_point or (n_comma == n_point and european)
        return ("," if comma else "."), "values", min(n_comma, n_point), mask
    if european and (ambiguous or bool(t.str.fullmatch(_AMBIGUOUS).fillna(False).any())):
        return ",", "assumed", 0, mask
    return ".", "plain", 0, mask


def _read_number_texts(u: pd.Series, decimal: str, group: str) -> pd.Series:
    """Unique number texts read with the given decimal mark and thousands separator."""
    t = _number_text(u)
    if group not in ".,":
        t = t.str.replace(group, "", regex=False)
    if decimal == ",":
        ok = t.str.fullmatch(_COMMA_VALID).fillna(False)
        t = t.where(ok).str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        t = t.mask(t.str.fullmatch(COMMA_EVIDENCE).fillna(False)).str.replace(",", "",
                                                                              regex=False)
    return pd.to_numeric(t, errors="coerce").astype("Float64")


def parse_numbers(s: pd.Series, _clean: bool = True, decimal: str | None = None,
                  thousands: str | None = None, _plain: np.ndarray | None = None) -> pd.Series:
    """Text to numbers (Float64): thousands separators, decimal commas, currency signs.

    The decimal mark is judged from the column's values (:func:`number_convention`) unless
    given: ``1.234,56`` and ``12,5`` read as 1234.56 and 12.5, ``1,234.5`` as 1234.5. Values
    that only the other convention explains, and other unparseable values, become <NA>.

    Parameters
    ----------
    s : Series
        Numbers as text (or already numbers).
    decimal, thousands : str, optional
        The decimal mark and thousands separator (a mapping's ``read: decimal:``).
    _plain : ndarray of bool, optional
        Which values of ``s`` (already cleaned) are plain numbers, when the caller knows
        (:func:`convention_and_plain` returns it): not worked out again.

    Returns
    -------
    Series
        ``Float64``; ``(5)`` is read as -5.

    Examples
    --------
    >>> parse_numbers(pd.Series(["1,234.5", "￥12", "(5)", "abc"])).tolist()
    [1234.5, 12.0, -5.0, <NA>]
    >>> parse_numbers(pd.Series(["1.234,56", "12,5"])).tolist()
    [1234.56, 12.5]
    """
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("Float64")
    if _clean:
        s = clean_strings(s)
    if decimal is None and not thousands:
        decimal, _, _, _plain = convention_and_plain(s, None, plain_numbers(s))
    decimal = decimal or ("," if thousands == "." else ".")
    group = thousands or ("." if decimal == "," else ",")
    plain = _plain_mask(s, _plain) if decimal == "." and group == "," else None
    out = None
    if plain is not None and plain.all():  # every value plain: one cast, no copy to filter
        floats = pc.cast(arrow_text(s), pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(pd.arrays.FloatingArray(floats, np.zeros(len(s), dtype=bool)),
                         index=s.index)
    if plain is not None:  # plain values read at once; only the others value by value below
        floats = np.full(len(s), np.nan)
        floats[plain] = pc.cast(pc.filter(arrow_text(s), pa.array(plain)),
                                pa.float64()).to_numpy(zero_copy_only=False)
        out = pd.Series(pd.array(floats, dtype="Float64"), index=s.index)

    def conv(u: pd.Series) -> pd.Series:
        return _read_number_texts(u, decimal, group)

    if out is None or plain is None:
        return _via_uniques(s, conv)
    out[~plain] = _via_uniques(s[~plain], conv).array
    return out


def parse_bools(s: pd.Series, _clean: bool = True) -> pd.Series:
    """Yes/no text to a nullable boolean: 是/否, Y/N, yes/no, 1/0, true/false.

    Parameters
    ----------
    s : Series
        Yes/no values as text (or already booleans).

    Returns
    -------
    Series
        ``boolean``; values that are neither yes nor no become <NA>.

    Examples
    --------
    >>> parse_bools(pd.Series(["是", "N", "1", "maybe"])).tolist()
    [True, False, True, <NA>]
    """
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean")
    if _clean:
        s = clean_strings(s)

    def conv(u: pd.Series) -> pd.Series:
        low = u.str.lower()
        out = pd.Series(pd.array([pd.NA] * len(u), dtype="boolean"), index=u.index)
        out[low.isin(TRUE_TOKENS).fillna(False).to_numpy(bool)] = True
        out[low.isin(FALSE_TOKENS).fillna(False).to_numpy(bool)] = False
        return out

    return _via_uniques(s, conv)


def _normalise_date_text(u: pd.Series) -> pd.Series:
    t = u.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False)
    t = t.str.replace(r"[日号]", " ", regex=True).str.replace("时", ":", regex=False)
    t = t.str.replace("分", ":", regex=False).str.replace("秒", "", regex=False)
    t = t.str.replace(r"(?<=\d)[/.](?=\d)", "-", regex=True)
    t = t.str.replace(r"\s+", " ", regex=True).str.strip().str.rstrip(":")
    return t


_NS_MIN, _NS_MAX = pd.Timestamp.min, pd.Timestamp.max


def _in_ns_range(out: pd.Series) -> pd.Series:
    """Datetimes as ``datetime64[ns]``; those outside pandas' range (1677-2262) as NaT."""
    if out.dtype != "datetime64[ns]":
        out = out.mask((out < _NS_MIN.as_unit("us")) | (out > _NS_MAX.as_unit("us")))
    return out.astype("datetime64[ns]")


def _start_with_3_digits(a: pa.ChunkedArray) -> bool:
    r"""Every value starts with 3 ASCII digits and has no 秒 (missing values aside).

    What the regex ``\d{3}[^秒]*`` matched on every value, found without it.
    """
    digits = pc.and_(pc.greater_equal(pc.utf8_length(a), 3),
                     pc.ascii_is_decimal(pc.utf8_slice_codeunits(a, 0, 3)))
    return pc.all(pc.and_(digits, pc.invert(pc.match_substring(a, "秒")))).as_py() is not False


def day_month_order(s: pd.Series) -> tuple[str | None, bool]:
    """Whether dates written ``dd/mm/yyyy`` or ``mm/dd/yyyy`` are day- or month-first.

    Parameters
    ----------
    s : Series
        Dates as text (each distinct value is looked at once).

    Returns
    -------
    order : {"dmy", "mdy"} or None
        What the values say (a first number over 12: day-first, a second: month-first; the more
        common when both occur); ``None`` when no value has that layout.
    settled : bool
        False when every such value fits both orders (``03/04/2023``): then ``order`` is the
        assumption (month-first).

    Examples
    --------
    >>> day_month_order(pd.Series(["03/04/2023", "25/04/2023"]))
    ('dmy', True)
    >>> day_month_order(pd.Series(["03/04/2023"]))
    ('mdy', False)
    """
    a = arrow_text(s)
    if a is not None and _start_with_3_digits(a):  # ISO dates, 20240305: none has it
        return None, True
    s = s.dropna().astype("string[pyarrow]")
    # a value that starts with 3 digits (ISO dates, 20240305) keeps them when normalised, so
    # cannot start with dd-mm: only the others go through the (slower) normalisation
    s = s[~(s.str.match(r"\d{3}") & ~s.str.contains("秒", regex=False)).fillna(False)]
    u = pd.Series(pd.unique(s), dtype="string[pyarrow]")
    parts = _normalise_date_text(u).str.extract(r"^(\d{1,2})-(\d{1,2})-\d{4}(?:\s|$)")
    parts = parts.dropna().astype(int)
    if parts.empty:
        return None, True
    dmy, mdy = int((parts[0] > 12).sum()), int((parts[1] > 12).sum())
    if not dmy and not mdy:
        return "mdy", False
    return ("dmy" if dmy > mdy else "mdy"), True


def _dates_with_format(u: pd.Series, fmt: str) -> pd.Series:
    """Unique date texts read with one explicit format (also on normalised text)."""
    out = pd.to_datetime(u, format=fmt, errors="coerce")
    left = out.isna() & u.notna()
    if left.any():  # the format as given may use / or 年; retry on normalised text
        norm_fmt = fmt.replace("/", "-").replace(".", "-")
        out[left] = pd.to_datetime(_normalise_date_text(u[left]), format=norm_fmt,
                                   errors="coerce")
    return _in_ns_range(out)


def _dates_any_format(u: pd.Series, order: str | None = None) -> pd.Series:
    """Unique date texts read with the first common format that fits each.

    ``order`` (``"dmy"`` or ``"mdy"``) allows only that order for dates with the year last.
    """
    u = without_offsets(u)
    # fast path: ISO dates (what the course's own files and most databases write)
    out = _in_ns_range(pd.to_datetime(u, format="ISO8601", errors="coerce"))
    left = out.isna() & u.notna()
    if not left.any():
        return out
    t = pd.Series(pd.NA, index=u.index, dtype="string[pyarrow]")
    t[left] = _normalise_date_text(u[left])
    rest = t[left]
    mdy = sum(pd.to_datetime(rest, format=f, errors="coerce").notna().sum()
              for f in _DATE_FORMATS_MDY)
    dmy = sum(pd.to_datetime(rest, format=f, errors="coerce").notna().sum()
              for f in _DATE_FORMATS_DMY)
    formats: tuple[str, ...] = _DATE_FORMATS_YFIRST + _DATE_FORMATS_COMPACT
    if order is not None:
        formats += _DATE_FORMATS_DMY if order == "dmy" else _DATE_FORMATS_MDY
    else:
        formats += (_DATE_FORMATS_DMY + _DATE_FORMATS_MDY) if dmy > mdy else (
            _DATE_FORMATS_MDY + _DATE_FORMATS_DMY)
    for f in formats:
        left = out.isna() & t.notna()
        if not left.any():
            break
        out[left] = _in_ns_range(pd.to_datetime(t[left], format=f, errors="coerce"))
    return out


_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?"


def _iso_dates(s: pd.Series) -> pd.Series | None:
    """Cleaned text of plain ISO dates (``2024-03-05 10:00:00``) read at once, else ``None``.

    The fast path of :func:`parse_dates` for what databases write: when every value has that
    exact shape and is a real date that pandas can hold, pyarrow reads the column in one pass;
    anything else (another layout, 2024-02-30, 9999-12-31) goes the careful way, value by value.
    """
    a = arrow_text(s)
    if a is None or not _all_match(a, _ISO_DATE):
        return None
    try:
        ts = pc.cast(a, pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(ts.to_numpy(), index=s.index, dtype="datetime64[ns]")


def parse_dates(s: pd.Series, fmt: str | None = None, _clean: bool = True,
                order: str | None = None) -> pd.Series:
    """Text to datetimes, trying the common formats of Chinese and Western exports.

    ``2024-03-05``, ``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305`` and the same with a
    time; day-first/month-first dates with the year last (``05/03/2024``) are read month-first
    unless the values only make sense day-first. Unparseable values become NaT.

    Parameters
    ----------
    s : Series
        Dates as text (or already datetimes).
    fmt : str, optional
        An explicit ``strptime`` format; then only that format is tried.
    order : {"dmy", "mdy"}, optional
        Day- or month-first for dates with the year last (see :func:`day_month_order`).

    Returns
    -------
    Series
        ``datetime64[ns]``; dates outside pandas' range (before 1677, after 2262) are NaT.

    Examples
    --------
    >>> parse_dates(pd.Series(["2024/3/5", "2024年3月5日", "20240305"])).dt.day.tolist()
    [5, 5, 5]
    >>> parse_dates(pd.Series(["24/07/2020", "09/04/2024"])).dt.month.tolist()
    [7, 4]
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("datetime64[ns]")
    if _clean:
        s = clean_strings(s)
    if fmt:
        return _via_uniques(s, lambda u: _dates_with_format(u, fmt)).astype("datetime64[ns]")
    fast = _iso_dates(s)
    if fast is not None:
        return fast
    return _via_uniques(s, lambda u: _dates_any_format(u, order)).astype("datetime64[ns]")


def recode(cleaned: pd.Series, values: Mapping[Any, Any]) -> pd.Series:
    """Replace values as a mapping's ``values`` section says (keys compared as normalised text).

    A YAML key or value ``yes``/``no`` arrives as a boolean: it matches ``true``/``yes``
    (``false``/``no``) in the file and becomes ``"true"`` (``"false"``).

    >>> recode(pd.Series(["个人", "企业", "其他"], dtype="string"),
    ...        {"个人": "individual", "企业": "organisation"}).tolist()
    ['individual', 'organisation', '其他']
    """
    table: dict[str, Any] = {}
    for k, v in values.items():
        keys = [str(k)]
        if isinstance(k, bool):
            keys = ["true", "yes", "True", "Yes"] if k else ["false", "no", "False", "No"]
        for kk in keys:
            table[normalise_header(kk)] = ("true" if v else "false") if isinstance(v, bool) else v
    return _via_uniques(cleaned, lambda u: u.map(
        lambda x: table.get(x, x) if isinstance(x, str) else x).astype("string[pyarrow]"))


def _is_native(s: pd.Series) -> bool:
    """Numbers, dates or booleans already (Parquet, Excel): no text cleaning needed."""
    return bool(pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)
                or pd.api.types.is_bool_dtype(s))


def to_course_type(s: pd.Series, dtype: str, fmt: str | None = None, decimal: str | None = None,
                   thousands: str | None = None, order: str | None = None,
                   plain: np.ndarray | None = None) -> pd.Series:
    """A cleaned column (see :func:`cleaned_column`) in a course type; unreadable cells empty.

    ``decimal``/``thousands`` (and ``plain``, which values are plain numbers, when known) go to
    :func:`parse_numbers`, ``order`` to :func:`parse_dates`.

    >>> to_course_type(pd.Series([17850.0, None]), "string").tolist()
    ['17850', <NA>]
    """
    if dtype in ("int", "float"):
        return parse_numbers(s, _clean=False, decimal=decimal, thousands=thousands, _plain=plain)
    if dtype == "bool":
        return parse_bools(s, _clean=False)
    if dtype in ("date", "datetime"):
        out = parse_dates(s, fmt, _clean=False, order=order)
        return out.dt.normalize() if dtype == "date" else out
    if isinstance(s.dtype, pd.StringDtype):
        return s
    if pd.api.types.is_float_dtype(s) and bool(((s.dropna() % 1) == 0).all()):
        s = s.astype("Int64")  # IDs stored as 17850.0 by a spreadsheet read as "17850"
    return clean_strings(s)


def coerce_column(raw: pd.Series, dtype: str, fmt: str | None = None,
                  values: Mapping[Any, Any] | None = None) -> pd.Series:
    """One column as read to its course type (before validation); see :func:`cleaned_column`.

    Parameters
    ----------
    raw : Series
        The column as read (text, or native types from Parquet/Excel).
    dtype : str
        Course type: ``string, category, int, float, bool, date, datetime``.
    fmt : str, optional
        Date format (the mapping's ``formats``).
    values : mapping, optional
        Recoding (the mapping's ``values``).

    Returns
    -------
    Series
        Numbers as ``Float64`` (whole numbers are checked and made ``Int64`` by validation),
        ``boolean``, ``datetime64[ns]`` or ``string``; unreadable cells as missing.

    Examples
    --------
    >>> coerce_column(pd.Series(["2024/3/5 10:00"]), "date").tolist()
    [Timestamp('2024-03-05 00:00:00')]
    """
    return to_course_type(cleaned_column(raw, values), dtype, fmt)


def cleaned_column(raw: pd.Series, values: Mapping[Any, Any] | None = None) -> pd.Series:
    """A column as read, cleaned (text trimmed, half-width, missing tokens empty) and recoded.

    Native numbers, dates and booleans pass unchanged unless they are to be recoded. A cell that
    is filled here but empty after :func:`coerce_column` could not be read.

    >>> cleaned_column(pd.Series(["  是 ", "无"])).tolist()
    ['是', <NA>]
    """
    if not values:
        return raw if _is_native(raw) else clean_strings(raw)
    return recode(clean_strings(raw), values)
