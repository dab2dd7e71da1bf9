"""Benchmark of fuzzy de-duplication (``duplicate_candidates``) on 20k customer records.

    .venv/bin/python -m pytest benchmarks/bench_quality.py --benchmark-only -p no:xdist

Blocking keeps the work near-linear; the unit test used to assert ``< 20`` seconds on these
records (tests/data/test_dedup.py keeps the correctness checks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.data import duplicate_candidates

N = 20_000


def random_customers(n: int, seed: int = 0) -> pd.DataFrame:
    """Random Chinese names, mobile numbers and cities (few true duplicates)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "name": ["".join(rng.choice(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何"), 3)) for _ in range(n)],
        "phone": [f"1{rng.integers(3, 9)}{rng.integers(0, 10**9):09d}" for _ in range(n)],
        "city": rng.choice(["北京市", "上海市", "广州市", "深圳市"], n),
    })


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return random_customers(N)


def test_duplicate_candidates_20k(benchmark, customers):
    pairs = benchmark.pedantic(duplicate_candidates, args=(customers,), rounds=1, iterations=1)
    assert (pairs["score"] >= 70).all()
    assert benchmark.stats.stats.max < 20          # what the unit test used to assert
