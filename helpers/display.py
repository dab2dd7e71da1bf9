"""Showing results in a notebook: masked tables by default, and the key numbers a lesson keeps.

``keep(...)`` records a lesson's key results under a machine-readable MIME type and shows
nothing, so the test suite (and an instructor's script) can read them from the executed notebook
while a trainee sees no raw dict. ``show(...)`` is the one way tables are displayed: personal data
masked, thousands separators, percentages, ¥ on money columns, ISO dates, text left-aligned, no
meaningless index.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import display

from helpers.data.privacy import mask_frame
from helpers.i18n import language, tr

RESULTS_MIMETYPE = "application/vnd.customer-course.results+json"

__all__ = ["MONEY_WORDS", "PERCENT_WORDS", "RESULTS_MIMETYPE", "Shown", "column_kind", "displayed",
           "formatters", "keep", "read_kept", "show", "style_table", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers into plain JSON values.

    Parameters
    ----------
    value : Any
        A number, string, timestamp, list, dict, Series or DataFrame (nested freely).

    Returns
    -------
    Any
        The same content as plain JSON values (NaN and infinities become ``None``).

    Examples
    --------
    >>> to_jsonable({"n": np.int64(3), "share": float("nan"), "when": pd.Timestamp("2025-12-31")})
    {'n': 3, 'share': None, 'when': '2025-12-31T00:00:00'}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="split")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def keep(**results: Any) -> None:
    """Record a lesson's key results in the notebook's output, showing nothing.

    The results travel under :data:`RESULTS_MIMETYPE` (read back by :func:`read_kept`: the
    notebook tests assert on them) with an empty ``text/plain`` beside them, so a trainee sees
    no raw dict and the cell returns nothing to echo.

    Parameters
    ----------
    **results : Any
        Name and value of each key result (converted with :func:`to_jsonable`).

    Examples
    --------
    >>> keep(n_customers=3000, top20_share=0.74)  # doctest: +SKIP
    """
    display({"text/plain": "", RESULTS_MIMETYPE: to_jsonable(results)}, raw=True)


def read_kept(notebook: dict | Any) -> dict[str, Any]:
    """Collect every ``keep(...)`` result from an executed notebook (dict or nbformat node).

    Parameters
    ----------
    notebook : dict or nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    dict
        Every kept name and value; a later ``keep`` of the same name wins.

    Examples
    --------
    >>> cell = {"outputs": [{"data": {RESULTS_MIMETYPE: {"n_customers": 3000}}}]}
    >>> read_kept({"cells": [cell, {"cell_type": "markdown"}]})
    {'n_customers': 3000}
    """
    found: dict[str, Any] = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIMETYPE in data:
                found.update(data[RESULTS_MIMETYPE])
    return found


#: Name parts of money columns (also the ``MONEY_COLUMNS`` of :mod:`helpers.value`), shown in ¥.
MONEY_WORDS = frozenset({
    "revenue", "monetary", "profit", "cost", "costs", "margin", "cogs", "discounts", "discount",
    "returns", "amount", "balance", "clv", "spend", "price", "loss", "owed", "outstanding",
    "exposure", "paid", "cny", "yuan", "debt", "金额", "收入", "利润", "成本", "余额", "毛利"})
#: Name parts of shares and rates, shown as percentages when every value lies in [-1, 1].
PERCENT_WORDS = frozenset({
    "share", "rate", "pct", "percent", "conversion", "probability", "prob", "p", "churn",
    "retention", "占比", "比例", "转化率"})
_VALUE_OF = {"order", "lifetime", "monetary", "customer", "expected", "total", "mean", "avg",
             "basket", "future"}
_COUNT_FIRST = {"n", "count", "num", "number"}


def _words(name: Any) -> list[str]:
    return [w for w in re.split(r"[_\s/()\-]+", str(name).lower()) if w]


def column_kind(name: Any, values: pd.Series) -> str:
    """How a column is shown: ``"money"``, ``"percent"``, ``"int"``, ``"float"``, ``"date"``, ``"text"``.

    Parameters
    ----------
    name : str
        The column's name (its words decide money and percentages).
    values : Series
        The column.

    Returns
    -------
    str
        The kind.

    Examples
    --------
    >>> column_kind("monetary_total", pd.Series([1.5]))
    'money'
    >>> column_kind("top20_share", pd.Series([0.74])), column_kind("n_returns", pd.Series([3]))
    ('percent', 'int')
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "text"
    words = _words(name)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    finite = numbers[np.isfinite(numbers)]
    if words and words[0] not in _COUNT_FIRST:
        money = bool(MONEY_WORDS & set(words)) or (
            "value" in words and bool(_VALUE_OF & set(words)))
        if PERCENT_WORDS & set(words) and (not len(finite) or np.abs(finite).max() <= 1):
            return "percent"
        if money:
            return "money"
    if pd.api.types.is_integer_dtype(values) or (len(finite) and np.all(finite == np.round(finite))):
        return "int"
    return "float"


def _float_format(values: pd.Series) -> str:
    numbers = pd.to_numeric(values, errors="coerce").abs()
    top = float(numbers.max()) if numbers.notna().any() else 0.0
    return "{:,.0f}" if top >= 1000 else "{:,.1f}" if top >= 100 else "{:,.2f}" if top >= 1 else "{:.3g}"


def _formatter(kind: str, values: pd.Series) -> Any:
    """A function from one value to its text (missing values: ``–``)."""
    if kind == "date":
        times = pd.to_datetime(values, errors="coerce")
        fmt = "%Y-%m-%d" if bool((times.dropna() == times.dropna().dt.normalize()).all()) \
            else "%Y-%m-%d %H:%M"
        return lambda v: "–" if pd.isna(v) else pd.Timestamp(v).strftime(fmt)
    if kind == "text":
        return lambda v: "–" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    pattern = {"percent": "{:.1%}", "int": "{:,.0f}"}.get(kind) or _float_format(values)
    if kind == "money":
        pattern = "¥" + ("{:,.0f}" if pattern in ("{:,.0f}", "{:,.1f}") else "{:,.2f}")
    return lambda v: "–" if pd.isna(v) else pattern.format(v)


def _junk_index(frame: pd.DataFrame) -> bool:
    """An unnamed integer index: row numbers, or rows left over from a sort or a filter.

    A named one (``k``, ``cluster``) means something and stays.
    """
    index = frame.index
    return index.nlevels == 1 and index.name is None and pd.api.types.is_integer_dtype(index)


def formatters(frame: pd.DataFrame) -> dict[Any, Any]:
    """One formatter per column (see :func:`column_kind`).

    Parameters
    ----------
    frame : DataFrame
        Any table.

    Returns
    -------
    dict
        Column -> function from a value to its text.

    Examples
    --------
    >>> f = formatters(pd.DataFrame({"revenue": [18242087.72], "conversion": [0.0374]}))
    >>> f["revenue"](18242087.72), f["conversion"](0.0374)
    ('¥18,242,088', '3.7%')
    """
    return {c: _formatter(column_kind(c, frame[c]), frame[c]) for c in frame.columns}


def _label(value: Any) -> Any:
    """A header or row label in the active language (strings only, through :func:`tr`)."""
    return tr(value) if isinstance(value, str) else value


def _header(value: Any) -> Any:
    """A column header in the active language: the catalog's ``"<name> [header]"`` entry first.

    A few names are a data value too, with another meaning: ``message`` is the SMS channel of
    the collection playbook and the text of a KPI alert. The header entry says which one a table
    means (``"message [header]"``: the alert's text); names without one are :func:`_label`'s.
    """
    if isinstance(value, str):
        key = f"{value} [header]"
        if (out := tr(key)) != key:
            return out
    return _label(value)


def displayed(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The copy of ``frame`` a trainee sees, and each column's kind (:func:`column_kind`).

    The kinds are decided from the English column names; in the Chinese edition the copy's
    column names, the axes' names and text row labels then go through :func:`tr` (the frame a
    lesson computes with stays English). Repeated headers are numbered (a Styler needs unique
    ones).

    Parameters
    ----------
    frame : DataFrame
        Any table.

    Returns
    -------
    tuple of (DataFrame, list of str)
        The relabelled copy and the kind of each of its columns, in order.

    Examples
    --------
    >>> from helpers.i18n import using_language
    >>> with using_language("zh"):
    ...     copy, kinds = displayed(pd.DataFrame({"revenue": [1.0]}))
    >>> list(copy.columns), kinds
    (['收入'], ['money'])
    """
    frame = pd.DataFrame(frame)
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=_junk_index(frame))
    kinds = [column_kind(c, frame.iloc[:, i]) for i, c in enumerate(frame.columns)]
    if language() != "en":
        frame = frame.copy()
        if frame.columns.nlevels == 1:
            frame.columns = pd.Index([_header(c) for c in frame.columns], name=frame.columns.name)
        frame.columns = frame.columns.set_names([_label(n) for n in frame.columns.names])
        frame.index = frame.index.set_names([_label(n) for n in frame.index.names])
        if frame.index.nlevels == 1 and not pd.api.types.is_numeric_dtype(frame.index) \
                and not pd.api.types.is_datetime64_any_dtype(frame.index):
            frame.index = frame.index.map(_label)
    if not frame.columns.is_unique:
        seen: dict[str, int] = {}
        names = []
        for c in map(str, frame.columns):
            seen[c] = seen.get(c, 0) + 1
            names.append(c if seen[c] == 1 else f"{c} ({seen[c]})")
        frame = frame.set_axis(names, axis=1)
    return frame, kinds


def style_table(frame: pd.DataFrame) -> Any:
    """``frame`` styled as the course shows tables: the rules of :class:`Shown`.

    Parameters
    ----------
    frame : DataFrame
        Any table (not masked here: :func:`show` masks).

    Returns
    -------
    pandas.io.formats.style.Styler
        Thousands separators, percentages, ¥ on money, ISO dates, text left-aligned and not
        cut, the index hidden when it means nothing; headers in the active language
        (:func:`displayed`).
    """
    frame, kinds = displayed(frame)
    formats = {c: _formatter(k, frame.iloc[:, i])
               for i, (c, k) in enumerate(zip(frame.columns, kinds, strict=True))}
    styler = frame.style.format(formats)  # type: ignore[arg-type,unused-ignore]
    text = [c for c, k in zip(frame.columns, kinds, strict=True) if k == "text"]
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left",
                                                      "white-space": "pre-wrap"})
    styler = styler.set_table_styles([{"selector": "th.col_heading", "props": "text-align: left;"}],
                                     overwrite=False)
    if _junk_index(frame):
        styler = styler.hide(axis="index")
    return styler


class Shown(pd.DataFrame):
    """A table as :func:`show` returns it: a DataFrame that displays formatted.

    Operations on it give plain DataFrames; only its display differs (HTML through
    :func:`style_table`, text with the same formatters).
    """

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def _repr_html_(self) -> str:
        return str(style_table(self).to_html())

    def __repr__(self) -> str:
        plain, kinds = displayed(pd.DataFrame(self))
        shown = [_formatter(k, plain.iloc[:, i]) for i, k in enumerate(kinds)]
        with pd.option_context("display.max_colwidth", None, "display.width", 1000):
            return plain.to_string(formatters=shown, index=not _junk_index(plain))


def show(
    frame: pd.DataFrame,
    table: str | None = None,
    rows: int | None = 10,
    reveal_personal: bool = False,
) -> Shown:
    """The first ``rows`` rows of ``frame`` for display: personal data masked, numbers readable.

    Parameters
    ----------
    frame : DataFrame
        Any table.
    table : str, optional
        Canonical table name; tells which columns are personal. Without it, columns are
        recognised by name (``name``, ``phone``, ``email``, ``id_number`` …).
    rows : int or None
        How many rows to show (``None``: all, for a summary table).
    reveal_personal : bool
        Show personal data unmasked (opt-in; only for users entitled to see it).

    Returns
    -------
    Shown
        The first rows (a DataFrame), personal columns masked unless ``reveal_personal``,
        displayed with thousands separators, percentages as %, ¥ on money columns, ISO dates,
        text left-aligned and the index hidden when it means nothing (:func:`style_table`); in the
        Chinese edition its headers and text row labels are shown through :func:`tr` (the
        returned frame keeps the English names: :func:`displayed`).

    Examples
    --------
    >>> show(pd.DataFrame({"customer_id": ["C1"], "phone": ["13812345678"],
    ...                    "revenue": [18242087.72]}), table="customers")
    customer_id       phone     revenue
             C1 138****5678 ¥18,242,088
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    head = frame if rows is None else frame.head(rows)
    return Shown(head if reveal_personal else mask_frame(head, table=table))
