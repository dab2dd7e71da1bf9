"""The call-quality scorecard: weights, grades and the rubric's validation."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from helpers.calls import Rubric, load_rubric, rubric_table, score_calls
from helpers.config import config_path


def test_scorecard_weights_and_grades():
    rubric = load_rubric()
    dims = [d.id for d in rubric.dimensions]
    assert {"script_compliance", "problem_solving", "emotion_handling"} <= set(dims)
    ratings = pd.DataFrame([{d: 5 for d in dims}, {d: 1 for d in dims},
                            {d: 3 for d in dims}]).assign(call_id=["x", "y", "z"])
    out = score_calls(ratings, rubric)
    assert out["total"].tolist() == [100.0, 0.0, 50.0]
    assert out["grade"].tolist() == ["excellent", "retrain", "needs coaching"]
    # one dimension differs: its weight moves the total by weight * 100 * (4/4)
    one = ratings.iloc[[1]].assign(problem_solving=5)
    weight = next(d.weight for d in rubric.dimensions if d.id == "problem_solving")
    assert score_calls(one, rubric)["total"].iloc[0] == pytest.approx(100 * weight)
    table = rubric_table(rubric)
    assert len(table) == len(dims)
    assert table.columns.tolist()[-3:] == ["score 1", "score 3", "score 5"]
    assert table.loc[1, "score 3"] == "some questions, little follow-up"


@pytest.fixture
def raw():
    return yaml.safe_load(config_path(Rubric.file).read_text(encoding="utf-8"))


def test_scorecard_bad_input(tmp_path, raw):
    rubric = load_rubric()
    dims = [d.id for d in rubric.dimensions]
    ratings = pd.DataFrame([{d: 3 for d in dims}]).assign(call_id="q1", emotion_handling=7)
    with pytest.raises(ValueError, match="(?s)outside 1-5.*q1"):
        score_calls(ratings, rubric)
    with pytest.raises(ValueError, match="missing"):
        score_calls(ratings.drop(columns="emotion_handling"), rubric)
    raw["dimensions"][0]["weight"] = 0.5
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="rubric.yaml: dimensions: dimension weights add up to "
                                         "1.250"):
        load_rubric(path)


def test_rubric_scale_and_grades_are_checked(tmp_path, raw):
    raw["scale"] = {"min": 5, "max": 1}
    raw["grades"] = [{"grade": "good", "min": 70}]
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_rubric(path)
    assert "rubric.yaml: scale: min (5) must be below max (1)" in str(info.value)
    assert "rubric.yaml: grades: the lowest grade must start at min: 0" in str(info.value)
