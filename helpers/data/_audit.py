"""Data quality, the audit: how complete, valid and varied each column of a table is.

Rules for "invalid" values: a phone, e-mail or ID number that cannot be standardised (see
:mod:`helpers.data._cleaning`); in a course table, a value outside the column's allowed list or
below its minimum.

>>> df = pd.DataFrame({"customer_id": ["C1", "C2"], "phone": ["13800138000", "12"],
...                    "email": [None, "a@b.cn"]})
>>> quality_report(df, "customers")[["column", "missing", "invalid"]].values.tolist()
[['customer_id', 0, 0], ['phone', 0, 1], ['email', 1, 0]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.data._cleaning import (
    standardise_city,
    standardise_email,
    standardise_id_number,
    standardise_phone,
)
from helpers.data._freshness import stale_share
from helpers.errors import DataProblem
from helpers.i18n import language, tr
from helpers.tables import TABLES

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["explore_quality", "invalid_mask", "issues_by_column_view", "plot_completeness",
           "quality_report", "quality_summary", "skip_without"]

_MEASURES = ("missing", "nonstandard", "invalid", "completeness")


def invalid_mask(df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """True where a present value is invalid (see the module's rules), per column.

    Parameters
    ----------
    df : DataFrame
        Any table.
    table : str, optional
        Course table name: adds the checks of allowed values and minimums.

    Returns
    -------
    DataFrame
        Booleans, same shape as ``df``.
    """
    t = TABLES.get(table) if table else None
    out = pd.DataFrame(False, index=df.index, columns=df.columns)
    for col in df.columns:
        s = df[col]
        present = s.notna()
        if col == "phone":
            out[col] = present & standardise_phone(s).isna()
        elif col == "email":
            out[col] = present & standardise_email(s).isna()
        elif col == "id_number":
            out[col] = present & standardise_id_number(s).isna()
        elif t is not None and col in t.names:
            c = t.column(col)
            if c.allowed:
                out[col] = present & ~s.astype("string").isin(c.allowed).fillna(False)
            elif c.min_value is not None and pd.api.types.is_numeric_dtype(s):
                out[col] = present & (s < c.min_value).fillna(False)
    return out.astype(bool)


def skip_without(df: pd.DataFrame | None, section: str, *columns: str, table: str = "customers",
                 parameter: str | None = None) -> bool:
    """Print why ``section`` is skipped and return True when ``df`` lacks a column it needs.

    The column-level twin of :meth:`helpers.data.Inputs.skip`: a notebook section that needs
    columns an analyst's export may not have starts with ``if not skip_without(df, ...):``
    instead of failing with a ``KeyError``.

    Parameters
    ----------
    df : DataFrame or None
        The table the section reads (None: every column is missing).
    section : str
        The section's name, as the notebook's heading gives it.
    *columns : str
        The course columns it needs.
    table : str
        The course table (for the columns' Chinese names).
    parameter : str, optional
        The notebook parameter that maps the table's columns (default ``<table>_mapping``).

    Returns
    -------
    bool
        True (and a printed note naming the missing columns) when the section must be skipped.

    Examples
    --------
    >>> skip_without(pd.DataFrame({"city": ["北京"]}), "the city count", "city")
    False
    >>> skip_without(pd.DataFrame({"name": ["x"]}), "the city count", "city", "phone")
    Skipped: the city count needs the column(s) city (城市), phone (联系电话), which this customers table does not have. Add them to customers_mapping (or the export) to run it.
    True
    """
    absent = [c for c in columns if df is None or c not in df.columns]
    if not absent:
        return False
    t = TABLES.get(table)
    named = [f"{c} ({t.column(c).zh})" if t is not None and c in t.names else c for c in absent]
    print(tr("Skipped: {section} needs the column(s) {columns}, which this {table} table does not "
             "have. Add them to {parameter} (or the export) to run it.", section=tr(section),
             columns=", ".join(named), table=table, parameter=parameter or table + "_mapping"))
    return True


def quality_report(df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """One row per column: how complete, how valid, how varied.

    Parameters
    ----------
    df : DataFrame
        Any table (course column names give the best report).
    table : str, optional
        Course table name: adds the Chinese name, whether the column is required and checks
        allowed values and minimums.

    Returns
    -------
    DataFrame
        ``column, 中文, required, filled, missing, completeness, invalid, invalid_share,
        nonstandard, distinct, example`` sorted as in ``df``. ``nonstandard`` counts usable values
        written in a non-standard form (phone, e-mail, ID number, city): fixed by
        :func:`~helpers.data.clean_customers`.
    """
    t = TABLES.get(table) if table else None
    bad = invalid_mask(df, table)
    standardisers = {"phone": standardise_phone, "email": standardise_email,
                     "id_number": standardise_id_number, "city": standardise_city}
    rows = []
    n = len(df)
    for col in df.columns:
        s = df[col]
        filled = int(s.notna().sum())
        nonstandard = 0
        if col in standardisers and filled:
            std = standardisers[col](s)
            nonstandard = int((std.notna() & (std != s.astype("string"))).fillna(False).sum())
        c = t.column(col) if t is not None and col in t.names else None
        example = s.dropna().iloc[0] if filled else None
        rows.append({
            "column": col,
            "中文": c.zh if c else "",
            "required": bool(c.required) if c else False,
            "filled": filled,
            "missing": n - filled,
            "completeness": filled / n if n else np.nan,
            "invalid": int(bad[col].sum()),
            "invalid_share": float(bad[col].sum()) / filled if filled else 0.0,
            "nonstandard": nonstandard,
            "distinct": int(s.nunique(dropna=True)),
            "example": None if example is None else str(example),
        })
    return pd.DataFrame(rows)


def quality_summary(df: pd.DataFrame, table: str, as_of: Any = None, stale_days: int = 730
                    ) -> dict[str, Any]:
    """The headline numbers of an audit of one course table.

    Parameters
    ----------
    df : DataFrame
        A course table.
    table : str
        Its name.
    as_of : date-like, optional
        With it (and a ``last_updated`` column), the stale share is added.
    stale_days : int
        Age in days from which a record is stale.

    Returns
    -------
    dict
        ``rows, complete_required_rows, missing_cells, invalid_cells, duplicate_keys,
        exact_duplicate_rows`` and, with ``as_of``, ``stale_share``.
    """
    t = TABLES[table]
    bad = invalid_mask(df, table)
    required = [c for c in t.required if c in df.columns]
    out: dict[str, Any] = {
        "rows": len(df),
        "complete_required_rows": int(df[required].notna().all(axis=1).sum()) if required
        else len(df),
        "missing_cells": int(df.isna().sum().sum()),
        "invalid_cells": int(bad.to_numpy().sum()),
        "duplicate_keys": int(df[t.key].duplicated().sum()) if t.key in df else 0,
        "exact_duplicate_rows": int(df.drop(columns=[t.key], errors="ignore").duplicated().sum()),
    }
    if as_of is not None and "last_updated" in df.columns:
        out["stale_share"] = stale_share(df, as_of, stale_days)
    return out


def issues_by_column_view(report: pd.DataFrame, measure: str = "missing") -> pd.DataFrame:
    """The columns sorted by a problem measure (the quality widget's pure function).

    Parameters
    ----------
    report : DataFrame
        From :func:`quality_report`.
    measure : {"missing", "nonstandard", "invalid", "completeness"}
        Columns without any problem of this kind are left out (except for completeness).

    Returns
    -------
    DataFrame
        ``column, 中文``, the measure and (but for completeness) ``filled``.

    Raises
    ------
    DataProblem
        For an unknown measure.
    """
    if measure not in _MEASURES:
        raise DataProblem(f"measure must be 'missing', 'invalid', 'nonstandard' or "
                          f"'completeness', not {measure!r}")
    if measure == "completeness":
        return report.sort_values("completeness")[["column", "中文", "completeness"]]
    return report[report[measure] > 0].sort_values(measure, ascending=False)[
        ["column", "中文", measure, "filled"]]


def plot_completeness(report: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: share of filled cells per column, invalid share stacked in orange.

    Parameters
    ----------
    report : DataFrame
        From :func:`quality_report`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.5, 0.28 * len(report))))
    r = report.iloc[::-1]
    valid = r["completeness"] * (1 - r["invalid_share"])
    invalid = r["completeness"] * r["invalid_share"]
    names = (r["中文"] + " " + r["column"]).to_numpy() if language() == "zh" and "中文" in r \
        else r["column"].to_numpy()  # the Chinese edition shows each column's Chinese name too
    ax.barh(names, valid, color="#4c72b0", label=tr("filled, valid"))
    ax.barh(names, invalid, left=valid, color="#dd8452", label=tr("filled, invalid"))
    ax.barh(names, 1 - r["completeness"], left=r["completeness"], color="#dddddd",
            label=tr("missing"))
    ax.set_xlim(0, 1)
    ax.set_xlabel(tr("share of records"))
    ax.set_ylabel(tr("column"))
    ax.set_title(tr("Completeness and validity by column"))
    ax.legend(loc="lower right", fontsize="small")
    return ax


def explore_quality(report: pd.DataFrame) -> ipywidgets.Widget:
    """Widget: pick a measure (missing / invalid / completeness) and see the columns it flags.

    Parameters
    ----------
    report : DataFrame
        From :func:`quality_report`.

    Returns
    -------
    ipywidgets.Widget
    """
    # deferred: ipywidgets is only needed for the widget (run_checks reports it when missing)
    import ipywidgets as w
    from IPython.display import display

    pick = w.ToggleButtons(options=[(tr(m), m) for m in _MEASURES], description=tr("Show"))
    out = w.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            display(issues_by_column_view(report, pick.value))

    pick.observe(redraw, names="value")
    redraw()
    return w.VBox([pick, out])
