"""Small pieces shared by the receivables modules: dates and the payment → invoice lookup."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, sample_rows


def as_date(value: Any, name: str = "as_of") -> pd.Timestamp:
    """A date argument as a normalised timestamp, or a :class:`DataProblem` naming it.

    >>> as_date("2025-12-31 17:45")
    Timestamp('2025-12-31 00:00:00')
    >>> as_date("someday")
    Traceback (most recent call last):
    ...
    helpers.errors.DataProblem: as_of='someday' is not a date; give e.g. '2025-12-31'.
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise DataProblem(f"{name}={value!r} is not a date; give e.g. '2025-12-31'.")
    return stamp.normalize()


def column_dates(values: pd.Series, what: str, col: str) -> pd.Series:
    """A date column parsed, refusing empty or unreadable dates (the message shows a few)."""
    out = pd.to_datetime(values, errors="coerce")
    mask = out.isna()
    if mask.any():
        raise DataProblem(
            f"{what}: column {col!r} has {int(mask.sum())} empty or unreadable date(s), e.g. "
            f"{sample_rows(values[mask])}. Fix or remove those rows (dates like 2025-12-31)."
        )
    return out.astype("datetime64[ns]")


def invoice_rows(invoice_ids: pd.Series, payment_invoice_ids: pd.Series) -> np.ndarray:
    """Row of each payment's invoice in ``invoice_ids`` (-1 if absent); ids must be unique.

    One factorisation of both columns together: much faster than ``isin``/``map`` on millions
    of string identifiers.

    >>> invoice_rows(pd.Series(["A", "B"]), pd.Series(["B", "Z", "A"])).tolist()
    [1, -1, 0]
    """
    both = pd.concat([invoice_ids.astype("string"), payment_invoice_ids.astype("string")],
                     ignore_index=True)
    codes, uniques = pd.factorize(both)
    n = len(invoice_ids)
    row_of = np.full(len(uniques) + 1, -1, dtype="int64")
    row_of[codes[:n]] = np.arange(n)
    return row_of[codes[n:]]
