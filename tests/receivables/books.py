"""Small invoice books shared by the receivables tests (test data only: loops allowed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import helpers.receivables as rc

AS_OF = pd.Timestamp("2025-12-31")


def book(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random but valid invoice book with partial, late, early and missing payments."""
    rng = np.random.default_rng(seed)
    issue = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 360, n), "D")
    due = issue + pd.to_timedelta(rng.choice([15, 30, 45, 60], n), "D")
    amount = rng.integers(100, 10_000, n).astype(float)
    inv = pd.DataFrame({"invoice_id": [f"I{i:05d}" for i in range(n)],
                        "customer_id": [f"C{i % 60:03d}" for i in range(n)],
                        "issue_date": issue, "due_date": due, "amount": amount,
                        "currency": "CNY"})
    rows = []
    for i in range(n):
        kind = rng.integers(0, 4)
        if kind == 0:
            continue  # never paid
        delay = int(rng.integers(-10, 150))
        when = max(due[i] + pd.Timedelta(days=delay), issue[i])
        if kind == 3:  # two parts
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when, round(amount[i] * 0.4, 2)))
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when + pd.Timedelta(days=40),
                         round(amount[i] * 0.6, 2)))
        elif kind == 2:  # partial only
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when, round(amount[i] * 0.5, 2)))
        else:
            rows.append((f"I{i:05d}", f"C{i % 60:03d}", when, amount[i]))
    pay = pd.DataFrame(rows, columns=["invoice_id", "customer_id", "payment_date", "amount"])
    pay.insert(0, "payment_id", [f"P{i:05d}" for i in range(len(pay))])
    return inv, pay


def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three invoices: A part-paid, B paid in full on 12-20, C not yet due at 12-31."""
    inv = pd.DataFrame({"invoice_id": ["A", "B", "C"], "customer_id": ["c1", "c1", "c2"],
                        "issue_date": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]),
                        "due_date": pd.to_datetime(["2025-10-31", "2025-12-01", "2026-01-15"]),
                        "amount": [100.0, 200.0, 300.0], "currency": "CNY"})
    pay = pd.DataFrame({"payment_id": ["p1", "p2"], "invoice_id": ["A", "B"],
                        "customer_id": ["c1", "c1"],
                        "payment_date": pd.to_datetime(["2025-11-10", "2025-12-20"]),
                        "amount": [40.0, 200.0]})
    return inv, pay


def behaviour_book() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five customers with planted payment habits: on time, after reminder, chronic, ghost, part."""
    rows, pays = [], []
    start = pd.Timestamp("2025-01-05")
    patterns = {"on": [0] * 6, "rem": [10, 0, 12, 0, 8, 0], "chronic": [45, 60, 50, 70, 40, 55],
                "ghost": [None] * 6}
    for cust, delays in patterns.items():
        for k, d in enumerate(delays):
            iid = f"{cust}{k}"
            issue = start + pd.Timedelta(days=30 * k)
            due = issue + pd.Timedelta(days=30)
            rows.append((iid, cust, issue, due, 1000.0))
            if d is not None:
                pays.append((f"p{iid}", iid, cust, due + pd.Timedelta(days=d) - pd.Timedelta(
                    days=2 if d == 0 else 0), 1000.0))
    for k in range(6):  # partial payer: each invoice in two halves
        iid = f"part{k}"
        issue = start + pd.Timedelta(days=30 * k)
        rows.append((iid, "part", issue, issue + pd.Timedelta(days=30), 1000.0))
        pays.append((f"p{iid}a", iid, "part", issue + pd.Timedelta(days=20), 500.0))
        pays.append((f"p{iid}b", iid, "part", issue + pd.Timedelta(days=50), 500.0))
    inv = pd.DataFrame(rows, columns=["invoice_id", "customer_id", "issue_date", "due_date",
                                      "amount"])
    pay = pd.DataFrame(pays, columns=["payment_id", "invoice_id", "customer_id", "payment_date",
                                      "amount"])
    return inv, pay


def accounts_frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Random collection accounts with every stage, customer type and value tier."""
    rng = np.random.default_rng(seed)
    st = rc.load_stages()
    types = ["cooperative", "negative", "lapsed", "key_account", "disputing", "unresponsive"]
    stage = rng.choice(list(st.names), n)
    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(n)],
        "invoices": rng.integers(1, 5, n),
        "balance": rng.integers(100, 50_000, n).astype(float),
        "max_days_past_due": rng.integers(0, 200, n),
        "stage": pd.Categorical(stage, dtype=st.dtype),
        "p_pay_30d": rng.random(n),
        "customer_type": rng.choice(types, n),
        "value_tier": rng.choice(["low", "silver", "gold", "diamond"], n),
    })
