"""Tests for helpers.receivables._playbook: the collection playbook schema and its plays."""

from __future__ import annotations

import copy

import pytest
import yaml

import helpers.receivables as rc
from helpers.config import CONFIG_DIR, validate_config


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((CONFIG_DIR / "collection_playbook.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def playbook() -> rc.CollectionPlaybook:
    return rc.load_collection_playbook()


def test_bundled_playbook_covers_every_stage_and_type(playbook):
    st = rc.load_stages()
    assert list(playbook.plays) == list(st.names) == list(playbook.stage_names)
    for stage in st.names:
        assert set(playbook.plays[stage]) == set(playbook.types)
        for play in playbook.plays[stage].values():
            assert set(play.model_dump()) == set(rc.PLAY_FIELDS)
            assert play.script_en.strip() and play.script_zh.strip()
    # the material's approach at each stage
    p = playbook.plays
    assert p["M0"]["cooperative"].timing.startswith("5 days before")
    assert "6W3H" in p["M2"]["cooperative"].goal
    assert "legal" in p["M3"]["cooperative"].escalation
    assert "instalment_plan" in p["M1"]["negative"].offers
    assert "targeted_offer" in p["M1"]["lapsed"].offers and p["M1"]["lapsed"].channel == "visit"
    assert p["M3+"]["cooperative"].actor == "legal"
    # overrides only change what they name
    assert p["M1"]["negative"].channel == p["M1"]["cooperative"].channel
    assert playbook.play("M1", "unresponsive").cadence_days == 3
    assert len(play_rows := rc.play_table(playbook)) == len(st.names) * len(playbook.types)
    assert {"stage", "customer_type", "channel"} <= set(play_rows.columns)
    assert "script_en" not in play_rows.columns
    assert playbook.minutes()["visit"] == 90.0
    assert playbook.source.endswith("collection_playbook.yaml")


def broken(raw, edit):
    bad = copy.deepcopy(raw)
    edit(bad)
    return bad


@pytest.mark.parametrize("edit, where, what", [
    (lambda r: r["stages"].pop("M2"), "stages.M2", "is missing"),
    (lambda r: r["stages"]["M1"]["default"].update(chanel="call"), "stages.M1.default.chanel",
     "did you mean 'channel'"),
    (lambda r: r["stages"]["M1"]["negative"].update(tone_of_voice="x"),
     "stages.M1.negative.tone_of_voice", "unknown key"),
    (lambda r: r["stages"]["M3"].update(angry={"tone": "x"}), "stages.M3.angry",
     "is not a customer type"),
    (lambda r: r["stages"].update(M4={"default": {}}), "stages.M4", "is not a stage"),
    (lambda r: r["stages"]["M0"]["default"].pop("script_zh"), "stages.M0.default",
     "misses field(s) ['script_zh']"),
    (lambda r: r["stages"]["M0"].pop("default"), "stages.M0.default", "is missing"),
    (lambda r: r["stages"]["M0"]["default"].update(channel="fax"), "stages.M0.default.channel",
     "'message', 'email', 'call', 'visit' or 'letter'"),
    (lambda r: r["stages"]["M2"]["default"].update(offers=["free_lunch"]),
     "stages.M2.default.offers.0", "instalment_plan"),
    (lambda r: r["stages"]["M2"]["default"].update(uplift=1.5), "stages.M2.default.uplift",
     "less than or equal to 1"),
    (lambda r: r["stages"]["M2"]["default"].update(cadence_days=0),
     "stages.M2.default.cadence_days", "greater than or equal to 1"),
    (lambda r: r["stages"]["M2"]["default"].update(goal="  "), "stages.M2.default.goal",
     "non-empty"),
    (lambda r: r["customer_types"][0]["when"].update(mood=["x"]), "customer_types.0.when.mood",
     "unknown key"),
    (lambda r: r["customer_types"][0]["when"].update(behaviour=["dispute"]),
     "customer_types.0.when.behaviour.0", "did you mean 'disputes'"),
    (lambda r: r["customer_types"][-1].update(when={"attitude": ["positive"]}),
     "customer_types.5.when", "must be empty"),
    (lambda r: r["customer_types"][1].update(when={}), "customer_types.1.when",
     "only the last type may be the catch-all"),
    (lambda r: r["customer_types"][1].update(name="disputing"), "customer_types.1.name",
     "repeats the type 'disputing'"),
    (lambda r: r["effort_minutes"].pop("visit"), "effort_minutes.visit", "Field required"),
    (lambda r: r["effort_minutes"].update(fax=3), "effort_minutes.fax", "unknown key"),
    (lambda r: r["effort_minutes"].update(call=0), "effort_minutes.call", "greater than 0"),
    (lambda r: r.update(stage={}), "stage", "did you mean 'stages'"),
])
def test_bad_playbook_rejected_with_exact_location(raw, edit, where, what):
    with pytest.raises(rc.ConfigProblem) as err:
        validate_config(rc.CollectionPlaybook, broken(raw, edit), "my_playbook.yaml")
    lines = [line for line in str(err.value).splitlines()
             if line.startswith(f"- my_playbook.yaml: {where}: ")]
    assert lines and what in lines[0], str(err.value)


@pytest.mark.parametrize("script, what", [
    ("Hello {agnet}, invoice {invoice}", "placeholder {agnet} names no field (did you mean "
     "'agent'?)"),
    ("Hello {agent, invoice {invoice}", "braces do not pair up"),
])
def test_script_placeholders_name_real_fields(raw, script, what):
    bad = broken(raw, lambda r: r["stages"]["M1"]["lapsed"].update(script_en=script))
    with pytest.raises(rc.ConfigProblem) as err:
        validate_config(rc.CollectionPlaybook, bad, "pb.yaml")
    assert f"pb.yaml: stages.M1.lapsed.script_en: {what}" in str(err.value)


def test_chinese_script_is_chinese(raw):
    bad = broken(raw, lambda r: r["stages"]["M1"]["default"].update(
        script_zh=r["stages"]["M1"]["default"]["script_en"]))
    with pytest.raises(rc.ConfigProblem, match="stages.M1.default.script_zh: has no Chinese"):
        validate_config(rc.CollectionPlaybook, bad, "pb.yaml")


def test_all_problems_are_reported_at_once(raw):
    def two(r):
        r["stages"]["M1"]["default"].update(chanel="call")
        r["effort_minutes"].pop("visit")
    with pytest.raises(rc.ConfigProblem, match="has 2 problem"):
        validate_config(rc.CollectionPlaybook, broken(raw, two), "pb.yaml")


def test_playbook_follows_the_stages_it_is_checked_against(tmp_path, raw):
    stages = tmp_path / "stages.yaml"
    stages.write_text("stages:\n  - {name: M0, max_days: 0}\n  - {name: M1, max_days: null}\n",
                      encoding="utf-8")
    st = rc.load_stages(stages)
    with pytest.raises(rc.ConfigProblem, match="stages.M2: is not a stage"):
        validate_config(rc.CollectionPlaybook, raw, "pb.yaml", context={"stages": st})
    small = broken(raw, lambda r: [r["stages"].pop(s) for s in ("M2", "M3", "M3+")])
    book = validate_config(rc.CollectionPlaybook, small, "pb.yaml", context={"stages": st})
    assert book.stage_names == ("M0", "M1")


def test_load_collection_playbook_from_edited_file(tmp_path, raw):
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(broken(raw, lambda r: r["stages"]["M1"]["default"].update(
        cadence_days=2))), encoding="utf-8")
    book = rc.load_collection_playbook(path)
    assert book.play("M1", "unresponsive").cadence_days == 3
    assert book.play("M1", "cooperative").cadence_days == 2
    assert book.source == str(path)
    path.write_text("stages: [", encoding="utf-8")
    with pytest.raises(rc.ConfigProblem, match="not valid YAML"):
        rc.load_collection_playbook(path)
    with pytest.raises(rc.ConfigProblem, match="does not exist"):
        rc.load_collection_playbook(tmp_path / "missing.yaml")
