"""Benchmarks of the segmentation widgets' pure callbacks on 100k customers (target < 50 ms).

    .venv/bin/python -m pytest benchmarks/bench_segment_widgets.py --benchmark-only -p no:xdist

Only the computation behind each widget is timed (``rfm_view``, ``rules_view``,
``cluster_view``), not the drawing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.segments import cluster_view, load_segment_map, load_standard, rfm_view, rules_view

N = 100_000


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    orders = rng.geometric(0.35, N)
    return pd.DataFrame({
        "days_since_last": rng.integers(0, 900, N),
        "n_orders": orders,
        "frequency": orders - 1,
        "monetary_total": rng.gamma(1.5, 300, N) * orders,
    }, index=pd.Index([f"C{i:07d}" for i in range(N)], name="customer_id"))


@pytest.fixture(scope="module")
def features(summary) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    never = rng.random(N) < 0.1
    out = summary.copy()
    out.loc[never, ["n_orders", "monetary_total"]] = 0
    out["days_since_last"] = out["days_since_last"].astype(float).mask(never)
    out["days_since_first"] = out["days_since_last"] + rng.integers(0, 700, N)
    out["orders_last_year"] = np.where(out["days_since_last"] <= 365, out["n_orders"] // 2, 0)
    out["revenue_last_year"] = out["monetary_total"] / 2
    return out


def test_rfm_view_quantile(benchmark, summary):
    smap = load_segment_map()
    prof = benchmark(rfm_view, summary, "quantile", segment_map=smap)
    assert prof["customers"].sum() == N


def test_rfm_view_fixed(benchmark, summary):
    smap = load_segment_map()
    prof = benchmark(rfm_view, summary, "fixed", (14, 60, 120, 300), segment_map=smap)
    assert prof["customers"].sum() == N


def test_rules_view(benchmark, features):
    std = load_standard()
    sizes, cross = benchmark(rules_view, features, std, 8, 3, 60, 200)
    assert cross.to_numpy().sum() == N


def test_cluster_view(benchmark, summary):
    prof, _ = benchmark(cluster_view, summary, 4)
    assert prof["customers"].sum() == N
