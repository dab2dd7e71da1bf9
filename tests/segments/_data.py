"""Small transaction tables for the tests of helpers.segments."""

from __future__ import annotations

import numpy as np
import pandas as pd


def tx(rows):
    """Transactions from (customer, date, amount) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "purchase_date", "amount"])
    frame["purchase_date"] = pd.to_datetime(frame["purchase_date"], format="ISO8601")
    return frame


def random_tx(seed: int, n: int = 3000, customers: int = 300) -> pd.DataFrame:
    """``n`` purchases of ``customers`` customers over 600 days from 2024-01-01."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00")
    minutes = rng.integers(0, 600 * 24 * 60, n)
    return pd.DataFrame({
        "customer_id": rng.integers(0, customers, n).astype(str),
        "purchase_date": pd.to_datetime(start + minutes.astype("timedelta64[m]")),
        "amount": rng.gamma(2.0, 50.0, n).round(2),
    })
