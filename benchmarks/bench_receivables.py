"""Benchmarks of aging and roll rates at 10M invoice-month rows, and the work queue at 1M accounts.

Run by hand (not part of ``make test``):

    .venv/bin/python -m pytest benchmarks/bench_receivables.py --benchmark-only -p no:xdist

Sizes: 1M invoices aged over 10 month ends (about 10M invoice-month rows before settled
invoices drop out), the roll-rate matrix over 10M transition rows, the aging of 1M invoices at
one date, and the work queue over 1M open accounts. Peak memory (tracemalloc) goes into
``extra_info``. Widget callback: ``aging_view`` on 100k invoices.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

import helpers.receivables as rc

_CACHE: dict[tuple, object] = {}


def book(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` invoices issued over 2025 and about 0.8 payments per invoice."""
    key = ("book", n)
    if key not in _CACHE:
        rng = np.random.default_rng(seed)
        issue = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 60, n), "D")
        due = issue + pd.to_timedelta(rng.choice([30, 60], n), "D")
        amount = rng.gamma(2.0, 800.0, n).round(2) + 1
        ids = pd.array(np.char.add("I", np.arange(n).astype(str)), dtype="string")
        inv = pd.DataFrame({"invoice_id": ids,
                            "customer_id": pd.array(np.char.add("C", (np.arange(n) // 8)
                                                                .astype(str)), dtype="string"),
                            "issue_date": issue, "due_date": due, "amount": amount})
        paid = rng.random(n) < 0.8
        idx = np.flatnonzero(paid)
        delay = rng.gamma(1.5, 40.0, len(idx)).astype(int)
        pay = pd.DataFrame({"invoice_id": ids[idx], "customer_id": inv["customer_id"].array[idx],
                            "payment_date": due[idx] + pd.to_timedelta(delay - 20, "D"),
                            "amount": amount[idx]})
        pay["payment_date"] = np.maximum(pay["payment_date"], issue[idx])
        _CACHE[key] = (inv, pay)
    return _CACHE[key]


def peak(func, *args, **kwargs) -> float:
    tracemalloc.start()
    func(*args, **kwargs)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


@pytest.mark.benchmark(group="receivables")
def test_month_end_snapshots_10m_rows(benchmark):
    inv, pay = book(1_000_000)
    dates = rc.month_ends("2025-01-01", "2025-10-31")
    st = rc.load_stages()
    snaps = benchmark.pedantic(rc.month_end_snapshots, args=(inv, pay, dates, st), rounds=1,
                               iterations=1)
    benchmark.extra_info["rows_out"] = len(snaps)
    benchmark.extra_info["rows_before_dropping_settled"] = 1_000_000 * len(dates)
    benchmark.extra_info["peak_mib"] = round(peak(rc.month_end_snapshots, inv, pay, dates, st))
    assert len(snaps) > 1_000_000


@pytest.mark.benchmark(group="receivables")
def test_roll_rates_10m_transitions(benchmark):
    rng = np.random.default_rng(2)
    n = 10_000_000
    st = rc.load_stages()
    frm = rng.integers(0, 5, n)
    to = np.minimum(frm + rng.integers(0, 2, n), 4)
    start = rng.gamma(2.0, 500.0, n)
    paid = np.where(rng.random(n) < 0.4, start, 0.0)
    t = pd.DataFrame({"from_stage": pd.Categorical.from_codes(frm, dtype=st.dtype),
                      "to_stage": pd.Categorical.from_codes(to, dtype=st.dtype),
                      "start_balance": start, "end_balance": start - paid, "paid": paid})
    rates = benchmark.pedantic(rc.roll_rates, kwargs={"transitions": t, "stages": st}, rounds=3,
                               iterations=1)
    benchmark.extra_info["peak_mib"] = round(peak(rc.roll_rates, transitions=t, stages=st))
    np.testing.assert_allclose(rates.sum(axis=1), 1.0)


@pytest.mark.benchmark(group="receivables")
def test_open_items_1m_invoices(benchmark):
    inv, pay = book(1_000_000)
    st = rc.load_stages()
    items = benchmark.pedantic(rc.open_items, args=(inv, pay, "2025-06-30", st), rounds=3,
                               iterations=1)
    benchmark.extra_info["peak_mib"] = round(peak(rc.open_items, inv, pay, "2025-06-30", st))
    assert len(items) > 0


@pytest.mark.benchmark(group="collection")
def test_work_queue_1m_accounts(benchmark):
    rng = np.random.default_rng(3)
    n = 1_000_000
    st = rc.load_stages()
    playbook = rc.load_collection_playbook(stages=st)
    acc = pd.DataFrame({
        "customer_id": np.char.add("C", np.arange(n).astype(str)),
        "invoices": rng.integers(1, 5, n),
        "balance": rng.gamma(2.0, 3000.0, n),
        "max_days_past_due": rng.integers(-30, 200, n),
        "stage": pd.Categorical.from_codes(rng.integers(0, 5, n), dtype=st.dtype),
        "p_pay_30d": rng.random(n),
        "customer_type": rng.choice(list(playbook.types), n),
        "value_tier": rng.choice(["low", "silver", "gold", "diamond"], n),
    })
    q = benchmark.pedantic(rc.work_queue, args=(acc, playbook, 20 * 8 * 60, st), rounds=3,
                           iterations=1)
    benchmark.extra_info["peak_mib"] = round(peak(rc.work_queue, acc, playbook, 20 * 8 * 60, st))
    assert q["effort_minutes"].sum() <= 20 * 8 * 60


@pytest.mark.benchmark(group="widgets")
def test_aging_view_100k(benchmark):
    inv, pay = book(100_000)
    st = rc.load_stages()
    v, p = rc.validate_receivables(inv, pay)
    table = benchmark(rc.aging_view, v, p, "2025-06-30", 20, 50, 80, st, validate=False)
    assert table["balance"].sum() > 0
