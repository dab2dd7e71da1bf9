"""Script library validation and the keyword recommender."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from helpers.calls import (
    FALLBACK_SCRIPT,
    ScriptLibrary,
    load_scripts,
    recommend_script,
    recommend_scripts,
)
from helpers.config import config_path
from helpers.i18n import using_language


def test_bundled_library_covers_every_stage_and_objection():
    lib = load_scripts().table()
    assert set(lib["stage"]) == {"opening", "spin", "objection", "closing"}
    assert {"obj_price", "obj_timing", "obj_email"} <= set(lib["id"])
    spin = lib.loc[lib["stage"] == "spin", "id"]
    assert len(spin) == 4  # situation, problem, implication, need-payoff
    assert lib["keywords"].map(len).min() >= 1 and lib["id"].is_unique
    assert load_scripts().stages == ["opening", "spin", "objection", "closing"]


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


@pytest.fixture
def raw():
    return yaml.safe_load(config_path(ScriptLibrary.file).read_text(encoding="utf-8"))


def test_library_validation_names_the_script(tmp_path, raw):
    dup = dict(raw, scripts=raw["scripts"] + [raw["scripts"][0]])
    with pytest.raises(ValueError, match=r"lib.yaml: scripts.13.id: 'open_intro' is used twice"):
        load_scripts(_write(tmp_path, dup))
    bad_stage = dict(raw, scripts=[dict(raw["scripts"][0], stage="goodbye")] + raw["scripts"][1:])
    with pytest.raises(ValueError, match=r"lib.yaml: scripts.0.stage: 'goodbye' \(script "
                                         r"'open_intro'\) is not one of the stages"):
        load_scripts(_write(tmp_path, bad_stage))
    no_kw = dict(raw, scripts=[dict(raw["scripts"][0], keywords=[])] + raw["scripts"][1:])
    with pytest.raises(ValueError, match="lib.yaml: scripts.0.keywords: list at least one word"):
        load_scripts(_write(tmp_path, no_kw))
    no_fallback = dict(raw, scripts=[s for s in raw["scripts"] if s["id"] != FALLBACK_SCRIPT])
    with pytest.raises(ValueError, match=FALLBACK_SCRIPT):
        load_scripts(_write(tmp_path, no_fallback))


def test_a_blank_that_is_no_fill_in_is_reported(tmp_path, raw):
    typo = dict(raw, scripts=[dict(raw["scripts"][0], text="This is {agnet} from {company}.")]
                + raw["scripts"][1:])
    with pytest.raises(ValueError, match=r"lib.yaml: scripts.0.text: \{agnet\} names no field "
                                         r"\(did you mean 'agent'\?\) \(script 'open_intro'"):
        load_scripts(_write(tmp_path, typo))
    # a library that declares no fill-ins is not checked for them
    plain = {k: v for k, v in typo.items() if k != "fill_ins"}
    assert load_scripts(_write(tmp_path, plain)).scripts[0].text.startswith("This is {agnet}")


def test_keywords_are_matched_lower_case(tmp_path, raw):
    shouty = dict(raw, scripts=[dict(raw["scripts"][0], keywords=["  FIRST Call "])]
                  + raw["scripts"][1:])
    lib = load_scripts(_write(tmp_path, shouty))
    assert lib.scripts[0].keywords == ["first call"]
    assert recommend_script("our First call today", lib)["id"].iloc[0] == "open_intro"


def test_every_bundled_script_has_its_chinese_wording():
    lib = load_scripts()
    assert all(s.zh is not None for s in lib.scripts)
    zh, en = lib.table("zh"), lib.table("en")
    assert zh["id"].tolist() == en["id"].tolist()
    assert not (zh["text"] == en["text"]).any()
    assert zh["text"].str.contains(r"[\u4e00-\u9fff]").all()
    # the recommender speaks the edition's language, the English edition stays as it was
    assert recommend_script("太贵了", lib, top=1)["title"].iloc[0] == "Price objection"
    with using_language("zh"):
        assert recommend_script("太贵了", lib, top=1)["title"].iloc[0] == "价格异议"


def test_a_chinese_text_keeps_the_blanks_of_the_english(tmp_path, raw):
    first = raw["scripts"][0]
    lost = dict(first, zh={"title": "自我介绍", "text": "您好，我是{agent}。"})
    with pytest.raises(ValueError, match=r"lib.yaml: scripts.0.zh.text: blanks \['agent'\] differ "
                                         r"from the English text's \['agent', 'company', 'reason'\]"):
        load_scripts(_write(tmp_path, dict(raw, scripts=[lost] + raw["scripts"][1:])))
    typo = dict(first, zh={"title": "自我介绍", "text": "我是{company}的{agnet}，关于{reason}。"})
    with pytest.raises(ValueError, match=r"scripts.0.zh.text: \{agnet\} names no field \(did you "
                                         r"mean 'agent'\?\)"):
        load_scripts(_write(tmp_path, dict(raw, scripts=[typo] + raw["scripts"][1:])))
    untitled = dict(first, zh={"text": first["zh"]["text"]})
    with pytest.raises(ValueError, match=r"scripts.0.zh.title"):
        load_scripts(_write(tmp_path, dict(raw, scripts=[untitled] + raw["scripts"][1:])))
    # a script without Chinese wording is shown in English in the Chinese edition
    plain = {k: v for k, v in first.items() if k != "zh"}
    lib = load_scripts(_write(tmp_path, dict(raw, scripts=[plain] + raw["scripts"][1:])))
    assert lib.table("zh")["title"].iloc[0] == "Short introduction"
