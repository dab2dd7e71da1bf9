"""Benchmark of the capstone's action widget callback on 100k customers (target < 100 ms).

    .venv/bin/python -m pytest benchmarks/bench_capstone.py --benchmark-only -p no:xdist

Only the pure computation behind the widget (``action_view``) is timed, not the drawing. This
replaces the ``elapsed < 0.1`` assertion the unit test used to make; the correctness checks stay
in tests/capstone/test_actions.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.capstone import action_view
from tests.capstone.conftest import crm_frame

N = 100_000


@pytest.fixture(scope="module")
def crm() -> pd.DataFrame:
    return crm_frame(N)


def test_action_view_one_segment_and_tier(benchmark, crm):
    view = benchmark(action_view, crm, "loyal", "gold")
    sel = crm[(crm["segment"] == "loyal") & (crm["tier"] == "gold")]
    assert view.customers == len(sel)
    assert benchmark.stats.stats.median < 0.1


def test_action_view_everyone(benchmark, crm):
    view = benchmark(action_view, crm)
    assert view.customers == N
