"""Data quality, freshness: records not confirmed or updated for too long ("stale").

>>> df = pd.DataFrame({"last_updated": pd.to_datetime(["2025-06-01", "2020-01-01", None])})
>>> flag_stale(df, as_of="2025-12-31", days=730)["stale"].tolist()
[False, True, True]
>>> round(stale_share(df, as_of="2025-12-31", missing_is_stale=False), 3)
0.333
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.errors import DataProblem

__all__ = ["flag_stale", "stale_share"]


def flag_stale(df: pd.DataFrame, as_of: Any, days: int = 730, column: str = "last_updated",
               missing_is_stale: bool = True) -> pd.DataFrame:
    """Add ``days_since_update`` and ``stale`` (not updated for more than ``days`` days).

    Parameters
    ----------
    df : DataFrame
        A table with a date column ``column``.
    as_of : date-like
        The day the check is made (the course data's ``as_of``).
    days : int
        Records older than this are stale (the course's default: two years).
    column : str
        The date the record was last checked or updated.
    missing_is_stale : bool
        A record never confirmed (no date) counts as stale.

    Returns
    -------
    DataFrame
        A copy with ``days_since_update`` (``Int64``) and ``stale`` (bool).

    Raises
    ------
    DataProblem
        If ``column`` is missing or ``days`` is negative.
    """
    if column not in df.columns:
        raise DataProblem(f"flag_stale: column {column!r} not found; load the table with a "
                          "mapping that gives the record's last update date (资料更新日期)")
    if days < 0:
        raise DataProblem(f"flag_stale: days must be 0 or more, got {days}")
    when = pd.to_datetime(df[column], errors="coerce")
    age = (pd.Timestamp(as_of) - when).dt.days
    out = df.copy()
    out["days_since_update"] = age.astype("Int64")
    stale = age > days
    out["stale"] = (stale | age.isna()) if missing_is_stale else stale.fillna(False)
    out["stale"] = out["stale"].astype(bool)
    return out


def stale_share(df: pd.DataFrame, as_of: Any, days: int = 730, column: str = "last_updated",
                missing_is_stale: bool = True) -> float:
    """Share of records that are stale (see :func:`flag_stale`).

    Returns
    -------
    float
        Between 0 and 1 (0 for an empty table).
    """
    if len(df) == 0:
        return 0.0
    return float(flag_stale(df, as_of, days, column, missing_is_stale)["stale"].mean())
