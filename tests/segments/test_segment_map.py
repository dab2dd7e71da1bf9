"""Unit tests for helpers.segments._segment_map: the RFM segment map schema and grid."""

from __future__ import annotations

import pytest

from helpers.config import validate_config
from helpers.errors import ConfigProblem
from helpers.segments import SegmentMap, load_segment_map, segment_grid


def test_bundled_segment_map_covers_every_cell_once():
    smap = load_segment_map()
    grid = segment_grid(smap)
    assert grid.shape == (5, 5) and (grid != "").all().all()
    names = {s.name for s in smap.segments}
    assert {"champions", "loyal", "new", "at risk", "cant lose", "hibernating", "lost"} <= names
    assert grid.loc[5, 5] == "champions" and grid.loc[1, 1] == "lost"
    assert smap.fixed_thresholds is not None and smap.fixed_thresholds.r == [30, 90, 180, 365]
    assert smap.segments[0].zh == "重要价值客户"


def _map(*segments, scale=2):
    return {"scale": scale, "segments": [dict(zip(("name", "r", "f"), s, strict=True))
                                         for s in segments]}


def _problem(raw) -> str:
    with pytest.raises(ConfigProblem) as err:
        validate_config(SegmentMap, raw, "x.yaml")
    return str(err.value)


def test_overlap_gap_unknown_key_and_range_name_the_file_and_segment():
    text = _problem(_map(("a", [1, 2], [1, 2]), ("b", [2, 2], [2, 2])))
    assert "x.yaml: segments.1 (b): overlaps segment 'a' at R=2, F=2" in text
    text = _problem(_map(("a", [1, 1], [1, 2]), ("b", [2, 2], [1, 1])))
    assert "x.yaml: segments: leave 1 (R, F) cell(s) without a segment" in text
    assert "(2, 2)" in text
    bad = _map(("a", [1, 2], [1, 2]))
    bad["segments"][0]["colour"] = "red"
    assert "x.yaml: segments.0.colour: unknown key 'colour'" in _problem(bad)
    text = _problem(_map(("a", [0, 3], [1, 2])))
    assert "x.yaml: segments.0 (a).r: range [0, 3] must satisfy 1 <= low <= high <= 2" in text
    assert "without a segment" not in text  # no spurious gap after a bad range


def test_every_problem_is_reported_at_once():
    raw = _map(("a", [1, 2], [1, 2]), ("a", [2, 2], "two"))
    raw["scale"] = 1
    text = _problem(raw)
    assert "scale: Input should be greater than or equal to 2" in text
    assert "segments.1.f: must be a score or a [low, high] pair of whole numbers" in text


def test_duplicate_names_and_bad_thresholds():
    raw = _map(("a", [1, 2], 1), ("a", [1, 2], 2))
    assert "segments: names ['a'] are used twice" in _problem(raw)
    raw = _map(("a", [1, 2], [1, 2]))
    raw["fixed_thresholds"] = {"r": [90, 30], "f": [2], "m": [1]}
    assert "fixed_thresholds.r: must be a non-empty list of increasing numbers" in _problem(raw)


def test_a_single_score_is_a_range_of_one():
    smap = validate_config(SegmentMap, _map(("a", 1, [1, 2]), ("b", 2, [1, 2])), "x.yaml")
    assert smap.segments[0].r == (1, 1) and smap.names == ["a", "b"]


def test_segment_map_file_errors_name_the_file(tmp_path):
    path = tmp_path / "my_segments.yaml"
    path.write_text("scale: 2\nsegments:\n  - {name: a, r: [1, 2], f: [1, 1]}\n", encoding="utf-8")
    with pytest.raises(ConfigProblem, match="my_segments.yaml: segments: leave 2"):
        load_segment_map(path)
    with pytest.raises(ConfigProblem, match="does not exist"):
        load_segment_map(tmp_path / "missing.yaml")


def test_a_dict_is_validated_and_a_model_passes_through():
    smap = load_segment_map()
    assert load_segment_map(smap) is smap
    with pytest.raises(ConfigProblem, match="segment_map argument"):
        load_segment_map(_map(("a", [1, 1], [1, 2])))
