"""Script library validation, the keyword recommender and the call-quality scorecard."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from helpers.calls.scripts import (
    FALLBACK_SCRIPT,
    load_rubric,
    load_scripts,
    recommend_script,
    recommend_scripts,
    rubric_table,
    score_calls,
)
from helpers.paths import CONFIG_DIR


def test_bundled_library_covers_every_stage_and_objection():
    lib = load_scripts()
    assert set(lib["stage"]) == {"opening", "spin", "objection", "closing"}
    assert {"obj_price", "obj_timing", "obj_email"} <= set(lib["id"])
    spin = lib.loc[lib["stage"] == "spin", "id"]
    assert len(spin) == 4  # situation, problem, implication, need-payoff
    assert lib["keywords"].map(len).min() >= 1 and lib["id"].is_unique


@pytest.mark.parametrize("note,script", [
    ("Customer says the price is too much for this quarter", "obj_price"),
    ("客户说太贵了,预算不够", "obj_price"),
    ("He asked me to send me an email with details", "obj_email"),
    ("对方说先发资料到邮件", "obj_email"),
    ("busy now, call later next month", "obj_timing"),
    ("asked when can we sign the contract", "close_assumptive"),
])
def test_recommender_picks_the_matching_script(note, script):
    top = recommend_script(note)
    assert top["id"].iloc[0] == script
    assert top["matched"].iloc[0], "the triggering words are shown"


def test_recommender_falls_back_to_discovery():
    top = recommend_script("nice weather today")
    assert list(top["id"]) == [FALLBACK_SCRIPT] and top["hits"].iloc[0] == 0
    with pytest.raises(ValueError, match="must be text"):
        recommend_script(None)


def test_vectorised_recommender_agrees_with_single_notes():
    notes = pd.Series(["too expensive", "send me an email", "", None, "下个月再说"])
    many = recommend_scripts(notes)
    single = [recommend_script(n if isinstance(n, str) else "")["id"].iloc[0] for n in notes]
    assert list(many["script_id"]) == single
    assert many.loc[3, "script_id"] == FALLBACK_SCRIPT


def _write(tmp_path, data):
    path = tmp_path / "lib.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_library_validation_names_the_script(tmp_path):
    raw = yaml.safe_load((CONFIG_DIR / "call_scripts.yaml").read_text(encoding="utf-8"))
    dup = dict(raw, scripts=raw["scripts"] + [raw["scripts"][0]])
    with pytest.raises(ValueError, match="open_intro.*used twice"):
        load_scripts(_write(tmp_path, dup))
    bad_stage = dict(raw, scripts=[dict(raw["scripts"][0], stage="goodbye")] + raw["scripts"][1:])
    with pytest.raises(ValueError, match=r"scripts\[0\] \(open_intro\): stage 'goodbye'"):
        load_scripts(_write(tmp_path, bad_stage))
    no_kw = dict(raw, scripts=[dict(raw["scripts"][0], keywords=[])] + raw["scripts"][1:])
    with pytest.raises(ValueError, match="'keywords' is missing or empty"):
        load_scripts(_write(tmp_path, no_kw))
    no_fallback = dict(raw, scripts=[s for s in raw["scripts"] if s["id"] != FALLBACK_SCRIPT])
    with pytest.raises(ValueError, match=FALLBACK_SCRIPT):
        load_scripts(_write(tmp_path, no_fallback))


def test_scorecard_weights_and_grades():
    rubric = load_rubric()
    dims = [d["id"] for d in rubric["dimensions"]]
    assert {"script_compliance", "problem_solving", "emotion_handling"} <= set(dims)
    ratings = pd.DataFrame([{d: 5 for d in dims}, {d: 1 for d in dims},
                            {d: 3 for d in dims}]).assign(call_id=["x", "y", "z"])
    out = score_calls(ratings, rubric)
    assert out["total"].tolist() == [100.0, 0.0, 50.0]
    assert out["grade"].tolist() == ["excellent", "retrain", "needs coaching"]
    # one dimension differs: its weight moves the total by weight * 100 * (4/4)
    one = ratings.iloc[[1]].assign(problem_solving=5)
    weight = next(d["weight"] for d in rubric["dimensions"] if d["id"] == "problem_solving")
    assert score_calls(one, rubric)["total"].iloc[0] == pytest.approx(100 * weight)
    assert len(rubric_table(rubric)) == len(dims)


def test_scorecard_bad_input(tmp_path):
    rubric = load_rubric()
    dims = [d["id"] for d in rubric["dimensions"]]
    ratings = pd.DataFrame([{d: 3 for d in dims}]).assign(call_id="q1", emotion_handling=7)
    with pytest.raises(ValueError, match="(?s)outside 1-5.*q1"):
        score_calls(ratings, rubric)
    with pytest.raises(ValueError, match="missing"):
        score_calls(ratings.drop(columns="emotion_handling"), rubric)
    raw = yaml.safe_load((CONFIG_DIR / "call_quality_rubric.yaml").read_text(encoding="utf-8"))
    raw["dimensions"][0]["weight"] = 0.5
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="rubric.yaml: dimension weights add up to 1.250"):
        load_rubric(path)
