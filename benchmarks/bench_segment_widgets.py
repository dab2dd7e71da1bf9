"""Benchmarks of the segmentation widgets' pure callbacks on 100k customers (target < 50 ms).

    .venv/bin/python -m pytest benchmarks/bench_segment_widgets.py --benchmark-only -p no:xdist

Only the computation behind each widget is timed (``rfm_view``, ``rules_view``,
``cluster_view``), not the drawing.
"""

from __future__ import annotations

import pandas as pd
import pytest
from bench_widgets import features_frame, summary_frame  # the 100k inputs of every widget benchmark

from helpers.segments import cluster_view, load_segment_map, load_standard, rfm_view, rules_view

N = 100_000


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return summary_frame(N)


@pytest.fixture(scope="module")
def features() -> pd.DataFrame:
    return features_frame(N)


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
