"""Shared constants and small vectorised utilities of the generator."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2025-12-31")
START = pd.Timestamp("2023-01-01")
CALLS_START = pd.Timestamp("2025-01-01")
GENERATOR = "helpers.simulate"
FORMAT_VERSION = 1

#: Latent customer types, their share of customers and the chance that one is an organisation.
TYPE_SHARES = {
    "loyal": 0.15,
    "occasional": 0.30,
    "new": 0.10,
    "lapsed": 0.14,
    "bargain_hunter": 0.12,
    "high_value_org": 0.08,
    "chronic_late_payer": 0.11,
}
ORG_SHARE = {
    "loyal": 0.14,
    "occasional": 0.08,
    "new": 0.08,
    "lapsed": 0.10,
    "bargain_hunter": 0.04,
    "high_value_org": 1.0,
    "chronic_late_payer": 0.55,
}
TYPES = tuple(TYPE_SHARES)

#: Days of the Spring Festival (New Year's Day of the lunar calendar) in the simulated years.
SPRING_FESTIVAL = ("2023-01-22", "2024-02-10", "2025-01-29")

#: Public holidays without telephone work (2025) and the planted alert dip.
HOLIDAYS_2025 = (
    [f"2025-01-{d:02d}" for d in (1, 28, 29, 30, 31)]
    + [f"2025-02-{d:02d}" for d in (3, 4)]
    + ["2025-04-04", "2025-05-01", "2025-05-02", "2025-05-05", "2025-06-02"]
    + [f"2025-10-{d:02d}" for d in range(1, 9)]
)
DIP_DATES = ("2025-06-10", "2025-06-11", "2025-06-12")


def days(ts: pd.Timestamp | str) -> int:
    """Whole days since 1970-01-01 (the integer form dates are drawn in)."""
    return int(pd.Timestamp(ts).value // 86_400_000_000_000)


def to_dates(day_numbers: np.ndarray) -> pd.Series:
    """Integer day numbers to a ``datetime64[ns]`` Series at midnight."""
    return pd.Series(np.asarray(day_numbers, dtype="int64").astype("datetime64[D]")).astype(
        "datetime64[ns]"
    )


def to_datetimes(day_numbers: np.ndarray, seconds: np.ndarray) -> pd.Series:
    """Day numbers plus seconds within the day to a ``datetime64[ns]`` Series."""
    total = np.asarray(day_numbers, dtype="int64") * 86_400 + np.asarray(seconds, dtype="int64")
    return pd.Series(total.astype("datetime64[s]")).astype("datetime64[ns]")


def pick(rng: np.random.Generator, options: Sequence, size: int,
         p: Sequence[float] | np.ndarray | None = None) -> np.ndarray:
    """Draw ``size`` items from ``options`` (a sequence) with probabilities ``p``."""
    choices = np.asarray(options, dtype=object)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return choices[rng.choice(len(choices), size=size, p=p)]


def pick_by(rng: np.random.Generator, keys: np.ndarray, table: dict,
            options: Sequence) -> np.ndarray:
    """Draw one of ``options`` per row with probabilities that depend on the row's key.

    ``table`` maps each key to a probability vector over ``options``; vectorised through the
    inverse-CDF of each row's vector.
    """
    choices = np.asarray(options, dtype=object)
    key_list = list(table)
    probs = np.array([np.asarray(table[k], float) / np.sum(table[k]) for k in key_list])
    cum = probs.cumsum(axis=1)
    index = pd.Index(key_list).get_indexer(keys)
    if (index < 0).any():
        missing = sorted(set(np.asarray(keys)[index < 0]))
        raise KeyError(f"no probabilities for {missing}")
    u = rng.random(len(keys))
    choice = (u[:, None] > cum[index]).sum(axis=1)
    return choices[np.minimum(choice, len(choices) - 1)]


def ids(prefix: str, n: int, width: int | None = None) -> np.ndarray:
    """Identifiers ``prefix`` + zero-padded running number 1..n."""
    width = width or max(5, len(str(n)))
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
