"""The KPI cube and the segment-migration counts on DuckDB, against the pandas path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.scale._engine as engine_rules
from helpers.calls import daily_kpis, kpi_cube, load_kpi_config, prepare_calls
from helpers.errors import DataProblem
from helpers.scale import kpi_cube_on_engine, migration_counts_on_engine
from helpers.segments import segment_migration
from tests.calls.conftest import AGENTS, TIERS, random_calls

CFG = load_kpi_config()


@pytest.fixture(scope="module")
def prepared() -> pd.DataFrame:
    return prepare_calls(random_calls(), AGENTS, TIERS, CFG)


def test_kpi_cube_on_the_engine_is_the_pandas_cube(prepared):
    want = kpi_cube(prepared, engine="pandas")
    got = kpi_cube(prepared, engine="duckdb")
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert len(want) > 50 and want["tier"].nunique() > 1  # several agents, days and tiers
    pd.testing.assert_frame_equal(daily_kpis(got, CFG), daily_kpis(want, CFG), check_exact=True)


def test_kpi_cube_edge_cases_match(prepared):
    # a single call, unanswered calls only, a call with no tier (dropped by both paths), and a
    # log without teams or tiers ("all")
    one = prepared.head(1)
    pd.testing.assert_frame_equal(kpi_cube(one, engine="duckdb"), kpi_cube(one, engine="pandas"),
                                  check_exact=True)
    unanswered = prepared[~prepared["answered"]]
    pd.testing.assert_frame_equal(kpi_cube(unanswered, engine="duckdb"),
                                  kpi_cube(unanswered, engine="pandas"), check_exact=True)
    holes = prepared.copy()
    holes["tier"] = holes["tier"].astype(object)
    holes.loc[holes.index[:5], "tier"] = None
    pd.testing.assert_frame_equal(kpi_cube(holes, engine="duckdb"),
                                  kpi_cube(holes, engine="pandas"), check_exact=True)
    plain = prepare_calls(random_calls(300).drop(columns="lead_id"), None, None, CFG,
                          default_tier="all")
    pd.testing.assert_frame_equal(kpi_cube(plain, engine="duckdb"),
                                  kpi_cube(plain, engine="pandas"), check_exact=True)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_kpi_cube_reads_a_file_on_the_engine(prepared, tmp_path, suffix):
    path = tmp_path / f"prepared{suffix}"
    cols = ["date", "team", "agent_id", "tier", "answered", "sale", "duration_s", "effective",
            "first_call", "intent", "request", "in_sla"]
    frame = prepared[cols].astype({"team": str, "agent_id": str, "tier": str})
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    got = kpi_cube(path)  # a path goes to the engine by itself
    want = kpi_cube(prepared, engine="pandas")
    # a file's names come back as plain strings (the frame's were pandas' "string" type)
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=False,
                                  check_categorical=False)
    for col in ("team", "agent_id", "tier"):
        assert list(got[col].cat.categories) == list(want[col].cat.categories)
    assert (got["date"].to_numpy() == want["date"].to_numpy()).all()
    with pytest.raises(DataProblem, match="does not exist"):
        kpi_cube(tmp_path / "nothing.parquet")
    frame.drop(columns="in_sla").to_parquet(tmp_path / "short.parquet")
    with pytest.raises(DataProblem, match="in_sla"):
        kpi_cube_on_engine(tmp_path / "short.parquet")


def test_a_large_frame_goes_to_the_engine(prepared, monkeypatch):
    import helpers.calls._kpis as kp

    used = []
    monkeypatch.setattr(engine_rules, "ENGINE_ROWS", 100)
    monkeypatch.setattr(kp, "kpi_cube_on_engine", lambda p: used.append(len(p)) or
                        kpi_cube_on_engine(p))
    kpi_cube(prepared.head(50))
    kpi_cube(prepared)
    assert used == [len(prepared)]


def _snapshots(seed=0, n=400):
    rng = np.random.default_rng(seed)
    cats = ["champions", "loyal", "at risk", "lost"]
    before = pd.DataFrame({"segment": pd.Categorical(rng.choice(cats, n), categories=cats)},
                          index=[f"c{i}" for i in range(n)])
    after = pd.DataFrame({"segment": pd.Categorical(rng.choice(cats[:3], n), categories=cats)},
                         index=[f"c{i}" for i in range(n // 4, n + n // 4)])
    return before, after


@pytest.mark.parametrize("normalize", [False, True])
def test_segment_migration_on_the_engine_is_the_pandas_matrix(normalize):
    before, after = _snapshots()
    before.loc[before.index[:3], "segment"] = np.nan  # no segment: counted as absent by both
    want = segment_migration(before, after, normalize=normalize, engine="pandas")
    got = segment_migration(before, after, normalize=normalize, engine="duckdb")
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert not normalize or want.loc["(none)"].sum() == pytest.approx(1.0)
    # nobody left to "lost" after: its column is kept, with zeros
    assert (want["lost"] == 0).all() and "(none)" in want.columns


def test_migration_counts_and_the_size_rule(monkeypatch):
    before, after = _snapshots(1, 40)
    counts = migration_counts_on_engine(before["segment"], after["segment"], "gone")
    assert counts["n"].sum() == len(before.index.union(after.index))
    assert set(counts["before"]) <= {*before["segment"].cat.categories, "gone"}
    import helpers.segments._migration as mg

    used = []
    monkeypatch.setattr(engine_rules, "ENGINE_ROWS", 30)
    monkeypatch.setattr(mg, "migration_counts_on_engine",
                        lambda *a: used.append(1) or migration_counts_on_engine(*a))
    segment_migration(before, after)
    segment_migration(before.head(10), after.head(10))
    assert used == [1]
