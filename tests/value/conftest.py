"""Fixtures for tests/value: a tiny hand-made course dataset and the CDNOW summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture()
def tiny() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"]})
    tx = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o3"],     # b's two lines are one order
        "customer_id": ["a", "a", "b", "b"],
        "purchase_date": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-03-01",
                                         "2025-03-05"]),
        "amount": [100.0, -30.0, 200.0, 50.0],
        "discount": [10.0, 0.0, 0.0, 5.0],
        "cost": [60.0, -18.0, 120.0, np.nan],   # b's second line has no cost: ratio 0.5
        "is_return": [False, True, False, False],
    })
    svc = pd.DataFrame({"contact_id": ["s1", "s2", "s3"], "customer_id": ["a", "a", "c"],
                        "kind": ["complaint", "inquiry", "technical_support"],
                        "minutes": [15.0, 5.0, 10.0]})
    calls = pd.DataFrame({"call_id": ["k1", "k2", "k3", "k4"],
                          "customer_id": ["a", "b", "b", None],
                          "duration_s": [120, 0, 300, 60],
                          "purpose": ["sales", "collection", "collection", "sales"]})
    invoices = pd.DataFrame({"invoice_id": ["i1", "i2", "i3", "i4"],
                             "customer_id": ["b", "b", "a", "b"],
                             "issue_date": pd.to_datetime(["2025-01-01"] * 3 + ["2024-10-01"]),
                             "due_date": pd.to_datetime(["2025-01-31", "2025-02-28",
                                                         "2025-12-31", "2024-11-01"]),
                             "amount": [100.0, 50.0, 10.0, 80.0]})
    payments = pd.DataFrame({"payment_id": ["p1", "p2", "p3", "p4"],
                             "invoice_id": ["i1", "i1", "i3", "i4"],
                             "customer_id": ["b", "b", "a", "b"],
                             "payment_date": pd.to_datetime(["2025-01-20", "2025-02-10",
                                                             "2025-06-01", "2024-12-01"]),
                             "amount": [60.0, 40.0, 10.0, 30.0]})
    return {"customers": customers, "transactions": tx, "service_contacts": svc, "calls": calls,
            "invoices": invoices, "payments": payments, "as_of": pd.Timestamp("2025-03-30")}


@pytest.fixture(scope="module")
def published_summary(cdnow_published_summary) -> pd.DataFrame:
    return cdnow_published_summary.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
                        ).set_index("ID")

