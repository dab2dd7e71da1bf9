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

import pandas as pd

from helpers.data.mapping import normalise_header, to_halfwidth

__all__ = [
    "FALSE_TOKENS",
    "MISSING_TOKENS",
    "TRUE_TOKENS",
    "clean_strings",
    "cleaned_column",
    "coerce_column",
    "parse_bools",
    "parse_dates",
    "parse_numbers",
    "recode",
    "to_course_type",
]

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
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="string[pyarrow]")
    wide = u.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(bool)
    if wide.any():
        u[wide] = u[wide].map(to_halfwidth).astype("string[pyarrow]")
    u = u.str.strip()
    u = u.mask(u.str.lower().isin(MISSING_TOKENS))
    return pd.Series(u.array.take(codes, allow_fill=True), index=s.index)


def _via_uniques(s: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``func`` (Series of unique strings -> Series) once per distinct value."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = func(pd.Series(uniques, dtype="string[pyarrow]"))
    return pd.Series(parsed.array.take(codes, allow_fill=True), index=s.index)


def parse_numbers(s: pd.Series, _clean: bool = True) -> pd.Series:
    """Text to numbers (Float64): thousands separators, currency signs, full-width digits.

    Unparseable values become <NA>; compare with the input to find them.

    Parameters
    ----------
    s : Series
        Numbers as text (or already numbers).

    Returns
    -------
    Series
        ``Float64``; ``(5)`` is read as -5.

    Examples
    --------
    >>> parse_numbers(pd.Series(["1,234.5", "￥12", "(5)", "abc"])).tolist()
    [1234.5, 12.0, -5.0, <NA>]
    """
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("Float64")
    if _clean:
        s = clean_strings(s)

    def conv(u: pd.Series) -> pd.Series:
        t = u.str.replace(r"[,\s¥￥$€£元]", "", regex=True).str.replace(r"^\((.*)\)$", r"-\1",
                                                                     regex=True)
        return pd.to_numeric(t, errors="coerce").astype("Float64")

    return _via_uniques(s, conv)


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


def _dates_with_format(u: pd.Series, fmt: str) -> pd.Series:
    """Unique date texts read with one explicit format (also on normalised text)."""
    out = pd.to_datetime(u, format=fmt, errors="coerce")
    left = out.isna() & u.notna()
    if left.any():  # the format as given may use / or 年; retry on normalised text
        norm_fmt = fmt.replace("/", "-").replace(".", "-")
        out[left] = pd.to_datetime(_normalise_date_text(u[left]), format=norm_fmt,
                                   errors="coerce")
    return out.astype("datetime64[ns]")


def _dates_any_format(u: pd.Series) -> pd.Series:
    """Unique date texts read with the first common format that fits each."""
    # fast path: ISO dates (what the course's own files and most databases write)
    out = pd.to_datetime(u, format="ISO8601", errors="coerce").astype("datetime64[ns]")
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
    order: tuple[str, ...] = _DATE_FORMATS_YFIRST + _DATE_FORMATS_COMPACT
    order += (_DATE_FORMATS_DMY + _DATE_FORMATS_MDY) if dmy > mdy else (
        _DATE_FORMATS_MDY + _DATE_FORMATS_DMY)
    for f in order:
        left = out.isna() & t.notna()
        if not left.any():
            break
        out[left] = pd.to_datetime(t[left], format=f, errors="coerce")
    return out


def parse_dates(s: pd.Series, fmt: str | None = None, _clean: bool = True) -> pd.Series:
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

    Returns
    -------
    Series
        ``datetime64[ns]``.

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
    return _via_uniques(s, _dates_any_format).astype("datetime64[ns]")


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


def to_course_type(s: pd.Series, dtype: str, fmt: str | None = None) -> pd.Series:
    """A cleaned column (see :func:`cleaned_column`) in a course type; unreadable cells empty.

    >>> to_course_type(pd.Series([17850.0, None]), "string").tolist()
    ['17850', <NA>]
    """
    if dtype in ("int", "float"):
        return parse_numbers(s, _clean=False)
    if dtype == "bool":
        return parse_bools(s, _clean=False)
    if dtype in ("date", "datetime"):
        out = parse_dates(s, fmt, _clean=False)
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
