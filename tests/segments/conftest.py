"""Fixtures of the helpers.segments tests: a small customer base, three behaviour groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.segments import customer_features, load_standard


@pytest.fixture(scope="module")
def standard():
    """The bundled classification standard."""
    return load_standard()


@pytest.fixture(scope="module")
def small():
    """120 customers (20 never bought), 1,500 purchases over two years, and their features."""
    rng = np.random.default_rng(0)
    n = 120
    customers = pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(n)],
        "attitude": rng.choice(["positive", "neutral", "negative", None], n),
        "need_type": rng.choice(["standard", "personalised"], n),
        "price_orientation": rng.choice(["price", "quality"], n),
        "risk_style": rng.choice(["adventurous", "conservative"], n),
        "consent_marketing": rng.random(n) < 0.5,
        "outlet_format": rng.choice(["supermarket", "convenience", "rural_store", None], n),
    })
    k = 1500
    tx = pd.DataFrame({
        "customer_id": rng.choice(customers["customer_id"][:100], k),
        "purchase_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, k),
                                                                        "D"),
        "amount": rng.gamma(2, 100, k).round(2),
    })
    return customers, tx, customer_features(customers, tx, as_of="2025-12-31")


@pytest.fixture(scope="module")
def groups():
    """Three well separated behaviour groups (in log space), with their true group."""
    rng = np.random.default_rng(1)
    centres = {"best": (10, 20, 5000), "new": (15, 1, 80), "lapsed": (400, 2, 150)}
    parts = []
    for name, (days, orders, money) in centres.items():
        n = 300
        parts.append(pd.DataFrame({
            "days_since_last": np.exp(np.log(days) + rng.normal(0, 0.15, n)),
            "n_orders": np.maximum(1, np.round(np.exp(np.log(orders) + rng.normal(0, 0.1, n)))),
            "monetary_total": np.exp(np.log(money) + rng.normal(0, 0.15, n)),
            "truth": name,
        }))
    frame = pd.concat(parts, ignore_index=True)
    frame.index = [f"C{i:04d}" for i in range(len(frame))]
    return frame
