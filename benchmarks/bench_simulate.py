"""Benchmarks of the dataset generator (helpers.simulate.generate).

Default scale (the bundled data, ~44k transactions) and scale 25 (~1M transactions, 1M calls).
Peak memory (tracemalloc) goes to ``extra_info``. Run by hand:

    .venv/bin/python -m pytest benchmarks/bench_simulate.py --benchmark-only -p no:xdist

Target: the bundled dataset in a few seconds; generation time linear in ``scale``.
"""

from __future__ import annotations

import tracemalloc

import pytest

from helpers.simulate import generate


@pytest.mark.parametrize("scale", [1.0, 25.0])
def test_generate(benchmark, scale: float) -> None:
    result = benchmark.pedantic(generate, kwargs={"seed": 3, "scale": scale}, rounds=1,
                                iterations=1)
    assert len(result["customers"]) == round(3000 * scale)
    benchmark.extra_info["transactions"] = len(result["transactions"])
    benchmark.extra_info["calls"] = len(result["calls"])
    del result
    tracemalloc.start()
    generate(seed=3, scale=min(scale, 5.0))
    benchmark.extra_info["peak_mb_at_scale_" + str(min(scale, 5.0))] = round(
        tracemalloc.get_traced_memory()[1] / 2**20, 1)
    tracemalloc.stop()
