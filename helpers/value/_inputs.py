"""Input checks shared by the value helpers: course tables, values per customer, RFM summaries.

Every check raises :class:`~helpers.errors.DataProblem` naming the table or column, a few
offending rows and how to fix them, so the public functions stay short.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns, sample_rows

_SUMMARY_FIX = ("rebuild the summary with helpers.segments.customer_summary or drop those "
                "customers.")


# --------------------------------------------------------------------------------------------
# course tables (customer profitability)
# --------------------------------------------------------------------------------------------
def table(data: Any, name: str) -> pd.DataFrame | None:
    """Table ``name`` of a :class:`CourseData` or a dict of tables, or ``None`` when absent."""
    value = data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)
    if value is None:
        return None
    if not isinstance(value, pd.DataFrame):
        raise DataProblem(f"table {name!r} should be a DataFrame, got {type(value).__name__}.")
    return value


def need(frame: pd.DataFrame, table_name: str, columns: list[str]) -> None:
    """Raise unless ``frame`` has ``columns`` (message names the table and the fix)."""
    require_columns(frame, columns, f"{table_name} (customer profitability)")


def numbers(frame: pd.DataFrame, table_name: str, col: str,
            allow_missing: bool = False) -> np.ndarray:
    """Column ``col`` as float64; text that is not a number (or, unless allowed, empty) raises."""
    try:
        x = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        x = np.full(len(frame), np.nan)
    bad = np.isnan(x) & frame[col].notna().to_numpy()
    if not allow_missing:
        bad |= np.isnan(x)
    if bad.any():
        raise DataProblem(
            f"{table_name}: column {col!r} has {int(bad.sum())} value(s) that are not numbers or "
            f"are empty, e.g. rows {sample_rows(frame.index[bad])} "
            f"(values {sample_rows(frame[col][bad])}). Fix them in the export, or drop those rows."
        )
    return x


def dates(frame: pd.DataFrame, table_name: str, col: str) -> pd.Series:
    """Column ``col`` as datetimes; values that are not dates raise."""
    parsed = pd.to_datetime(frame[col], errors="coerce")
    bad = parsed.isna() & frame[col].notna()
    if bad.any():
        raise DataProblem(
            f"{table_name}: column {col!r} has {int(bad.sum())} value(s) that are not dates, e.g. "
            f"rows {sample_rows(frame.index[bad])} (values {sample_rows(frame[col][bad])}). Fix: "
            "use YYYY-MM-DD, or give the date format in the mapping file."
        )
    return parsed


def by_customer(ids: pd.Series, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Sum each array of ``columns`` (one value per row of ``ids``) per customer."""
    frame = pd.DataFrame(dict(columns), index=ids.index)
    frame["customer_id"] = ids.astype("string")
    return frame.groupby("customer_id", sort=False).sum()


def finite_values(values: pd.Series, what: str) -> np.ndarray:
    """One finite number per customer, else a :class:`DataProblem` naming a few customers."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
    if len(x) == 0:
        raise DataProblem(f"{what}: no customers to rank.")
    bad = ~np.isfinite(x)
    if bad.any():
        raise DataProblem(f"{what}: {int(bad.sum())} customer(s) have no value, e.g. "
                          f"{sample_rows(pd.Series(values).index[bad])}; fill or drop them first.")
    return x


# --------------------------------------------------------------------------------------------
# customer summaries (lifetime value)
# --------------------------------------------------------------------------------------------
def summary_column(summary: Any, name: str, given: Any) -> tuple[np.ndarray, pd.Index]:
    """Column ``name`` of a customer summary (or the array ``given`` instead), as float64."""
    if given is not None:
        s = pd.Series(given) if not isinstance(given, pd.Series) else given
    else:
        if not isinstance(summary, pd.DataFrame) or name not in summary.columns:
            cols = list(summary.columns) if isinstance(summary, pd.DataFrame) else None
            raise DataProblem(f"column {name!r} is needed (from helpers.segments."
                              f"customer_summary); the table has {cols}.")
        s = summary[name]
    x = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(x)
    if bad.any():
        raise DataProblem(f"column {name!r} has {int(bad.sum())} missing or non-numeric value(s), "
                          f"e.g. customers {sample_rows(s.index[bad])}. Fix: {_SUMMARY_FIX}")
    return x, s.index


def frequency_recency_t(summary: Any = None, frequency: Any = None, recency: Any = None,
                        T: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index]:
    """Validated frequency, recency and T arrays (and the customer index)."""
    x, index = summary_column(summary, "frequency", frequency)
    t_x, _ = summary_column(summary, "recency", recency)
    big_t, _ = summary_column(summary, "T", T)
    if not (len(x) == len(t_x) == len(big_t)):
        raise DataProblem("frequency, recency and T must have the same length.")
    checks = [
        (x < 0, "frequency is negative"),
        (x != np.round(x), "frequency is not a whole number of repeat purchases"),
        (t_x < 0, "recency is negative"),
        (big_t < 0, "T (time since the first purchase) is negative"),
        (t_x > big_t * (1 + 1e-9) + 1e-9, "recency is greater than T (last purchase after the "
                                           "end of observation)"),
        ((x == 0) & (t_x > 1e-12), "recency is above 0 although frequency is 0"),
    ]
    for bad, what in checks:
        if bad.any():
            raise DataProblem(
                f"customer summary: {what} for {int(bad.sum())} customer(s), e.g. "
                f"{sample_rows(index[bad])} (frequency {sample_rows(x[bad])}, recency "
                f"{sample_rows(t_x[bad])}, T {sample_rows(big_t[bad])}). Fix: build the summary "
                "with helpers.segments.customer_summary(transactions, as_of), whose observation "
                "end (as_of) is after every purchase; the BG/NBD model needs "
                "0 <= recency <= T and recency = 0 when frequency = 0."
            )
    return x, t_x, big_t, index


def compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows of the given columns and how often each occurs (fitting on counts)."""
    frame = pd.DataFrame({f"c{i}": c for i, c in enumerate(columns)})
    counts = frame.value_counts(sort=False)
    keys = counts.index.to_frame(index=False)
    return ([keys[f"c{i}"].to_numpy(dtype="float64") for i in range(len(columns))],
            counts.to_numpy(dtype="float64"))
