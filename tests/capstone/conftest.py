"""Small hand-made inputs for the capstone's unit tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.data import CourseData

AS_OF = pd.Timestamp("2025-06-30")


def make_transactions(rows: list[tuple]) -> pd.DataFrame:
    """A transactions table from (customer_id, purchase_date, amount) rows."""
    frame = pd.DataFrame(rows, columns=["customer_id", "purchase_date", "amount"])
    frame["purchase_date"] = pd.to_datetime(frame["purchase_date"])
    frame.insert(0, "transaction_id", [f"T{i}" for i in range(len(frame))])
    frame["is_return"] = frame["amount"] < 0
    return frame


@pytest.fixture()
def small() -> CourseData:
    """Five customers whose life-cycle stage is known by construction, plus a return."""
    tx = make_transactions([
        ("new", "2025-06-01", 100.0),                                   # first bought 29 days ago
        ("active", "2024-12-01", 50.0), ("active", "2025-06-20", 70.0),
        ("atrisk", "2024-10-01", 30.0), ("atrisk", "2025-02-15", 40.0),  # last 135 days ago
        ("lapsed", "2024-05-01", 20.0), ("lapsed", "2024-09-01", 25.0),  # last 302 days ago
        ("refund", "2025-05-01", -60.0),                                 # only a return
        ("late", "2025-07-05", 90.0),                                    # after as_of
    ])
    customers = pd.DataFrame({"customer_id": ["new", "active", "atrisk", "prospect"],
                              "name": ["王小明", "李四海", "张三丰", "赵六一"],
                              "phone": ["13812345678", "13912345678", "13712345678",
                                        "13612345678"]})
    return CourseData(data_dir=AS_OF, as_of=AS_OF, transactions=tx, customers=customers)


def synthetic_buyers(n: int, seed: int = 0) -> pd.DataFrame:
    """Poisson buyers who never drop out (a history BG/NBD cannot fit)."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    rows = []
    for i in range(n):
        k = int(rng.poisson(2.0)) + 1
        days = np.sort(rng.integers(0, 400, k))
        for d in days:
            rows.append((f"C{i:04d}", first[i] + pd.Timedelta(days=int(d)),
                         float(rng.gamma(2.0, 50.0))))
    tx = make_transactions(rows)
    return tx[tx["purchase_date"] <= AS_OF].reset_index(drop=True)


def crm_frame(n: int, seed: int = 3) -> pd.DataFrame:
    """A random CRM table of ``n`` customers (for the action view and its benchmark)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "segment": rng.choice(["champions", "loyal", "lost"], n),
        "tier": rng.choice(["low", "silver", "gold", "diamond"], n),
        "revenue": rng.gamma(2, 100, n), "clv": rng.gamma(2, 30, n),
        "strategy": rng.choice(["high_value", "low_activity"], n),
        "recommended_action": "call",
    })
