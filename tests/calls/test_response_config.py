"""The schema of response_classes.yaml: every mistake named by file and key path."""

from __future__ import annotations

import pytest
import yaml

from helpers.calls import ResponseConfig, load_response_config
from helpers.calls._response_config import parse_condition
from helpers.config import config_path, validate_config


@pytest.fixture
def good():
    return yaml.safe_load(config_path(ResponseConfig.file).read_text(encoding="utf-8"))


@pytest.fixture
def write(tmp_path):
    def _write(data):
        path = tmp_path / "rc.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path
    return _write


def test_bundled_file_is_typed():
    cfg = load_response_config()
    assert [c.name for c in cfg.classes][-1] == "hesitant" and not cfg.classes[-1].when
    assert cfg.lapse_risk.levels.medium <= cfg.lapse_risk.levels.high
    assert cfg.routing is not None and cfg.routing.lookup()["上海市"] == "Sales East"


def test_config_errors_name_file_and_key(good, write):
    bad = dict(good, classes=[*good["classes"][:-1]])
    with pytest.raises(ValueError, match=r"rc.yaml: classes.3.when: the last class "
                                         r"\('engaged'\) must have no conditions"):
        load_response_config(write(bad))
    bad = dict(good)
    bad["classes"] = [dict(good["classes"][0], when={"answer_rate": "about half"}),
                      good["classes"][-1]]
    with pytest.raises(ValueError, match=r"rc.yaml: classes.0.when.answer_rate: condition "
                                         r"'about half' is not '<op> <number>'"):
        load_response_config(write(bad))
    bad = {k: v for k, v in good.items() if k != "urgency"}
    with pytest.raises(ValueError, match="rc.yaml: urgency: Field required"):
        load_response_config(write(bad))


def test_every_problem_is_reported_at_once(good, write):
    bad = dict(good)
    bad["classes"] = [dict(good["classes"][0], when={"answer_rat": ">= 0.5"}),
                      dict(good["classes"][1], contact_every_days=0), good["classes"][-1]]
    bad["lapse_risk"] = dict(good["lapse_risk"], levels={"medium": 4, "high": 3})
    bad["routing"] = dict(good["routing"], teams={"A": ["上海市"], "B": ["上海市"]})
    with pytest.raises(ValueError) as info:
        load_response_config(write(bad))
    text = str(info.value)
    assert "rc.yaml has 4 problem(s)" in text
    assert "classes.0.when.answer_rat" in text and "did you mean 'answer_rate'" in text
    assert "classes.1.contact_every_days" in text
    assert "lapse_risk.levels: medium (4) must not exceed high (3)" in text
    assert "routing.teams: '上海市' is listed for both 'A' and 'B'" in text


def test_class_names_are_unique(good, write):
    bad = dict(good, classes=[good["classes"][0], *good["classes"]])
    with pytest.raises(ValueError, match=r"rc.yaml: classes.1.name: class name 'not_yet_called' "
                                         "is used twice"):
        load_response_config(write(bad))


def test_routing_is_optional(good):
    cfg = validate_config(ResponseConfig, {k: v for k, v in good.items() if k != "routing"})
    assert cfg.routing is None
    assert validate_config(ResponseConfig, dict(good, routing={})).routing is None


def test_parse_condition():
    assert parse_condition(" == 0") == ("==", 0.0) and parse_condition("<-1.5") == ("<", -1.5)
    with pytest.raises(ValueError, match="'<op> <number>'"):
        parse_condition("=> 3")
