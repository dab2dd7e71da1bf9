"""Loading and validating 1M transaction rows from CSV (and the masking of 100k customers).

Run: ``.venv/bin/python -m pytest benchmarks/bench_loading.py --benchmark-only -p no:xdist``.
The CSV is synthesised once per session (1M rows, ~55 MB) in a temporary folder; peak memory of
one load is measured with tracemalloc and printed.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from helpers.data import duplicate_candidates, load_table, mask_frame

N = 1_000_000


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory):
    rng = np.random.default_rng(1)
    start = pd.Timestamp("2023-01-01").value // 10**9
    secs = rng.integers(0, 3 * 365 * 86400, N)
    df = pd.DataFrame({
        "交易编号": np.char.add("T", np.arange(N).astype(str)),
        "客户编号": np.char.add("C", rng.integers(0, 100_000, N).astype(str)),
        "交易时间": pd.to_datetime(start + secs, unit="s").strftime("%Y-%m-%d %H:%M:%S"),
        "数量": rng.integers(1, 10, N),
        "金额": np.round(rng.lognormal(4, 1, N), 2),
        "销售渠道": rng.choice(["store", "online", "phone"], N),
    })
    path = tmp_path_factory.mktemp("bench") / "tx.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_load_1m_transactions(benchmark, big_csv):
    df, report = benchmark.pedantic(load_table, args=(big_csv, "transactions"),
                                    kwargs={"return_report": True}, rounds=2, iterations=1)
    assert len(df) == N and report.ok
    tracemalloc.start()
    load_table(big_csv, "transactions")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory of one 1M-row load: {peak / 2**20:.0f} MiB")


def test_mask_100k_customers(benchmark):
    rng = np.random.default_rng(2)
    n = 100_000
    df = pd.DataFrame({"name": np.char.add("客户", rng.integers(0, 10**6, n).astype(str)),
                       "phone": np.char.add("138", rng.integers(10**7, 10**8, n).astype(str)),
                       "email": np.char.add(rng.integers(0, 10**6, n).astype(str), "@qq.com")})
    out = benchmark(mask_frame, df, "customers")
    assert out["phone"].str.contains(r"\*\*\*\*").all()


def test_dedup_candidates_20k(benchmark):
    rng = np.random.default_rng(3)
    n = 20_000
    df = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "name": ["".join(rng.choice(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"), 3))
                 for _ in range(n)],
        "phone": [f"13{rng.integers(0, 10**9):09d}" for _ in range(n)],
        "city": rng.choice(["北京市", "上海市", "广州市", "深圳市", "杭州市"], n),
    })
    benchmark.pedantic(duplicate_candidates, args=(df,), rounds=1, iterations=1)
