"""Unit tests for helpers.segments._standard: the classification standard as a schema."""

from __future__ import annotations

import pytest

from helpers.config import validate_config
from helpers.errors import ConfigProblem, DataProblem
from helpers.segments import ClassificationStandard, load_standard, standard_table, with_thresholds


def _std(rules, mode="exclusive"):
    return {"dimensions": {"d": {"mode": mode, "rules": rules}}}


@pytest.mark.parametrize(
    "rules,message",
    [
        ([{"label": "a", "when": {"x": {"min": 5}}}, {"label": "b", "when": {"x": {"max": 5}}}],
         r"dimensions.d: rules 'b' and 'a' overlap on 'x'"),
        ([{"label": "a", "when": {"x": {"min": 6}}}, {"label": "b", "when": {"x": {"below": 5}}}],
         r"dimensions.d: rules 'b' and 'a' leave a gap on 'x' between 5 and 6"),
        ([{"label": "a", "when": {"x": {"q_min": 0.5}}},
          {"label": "b", "when": {"x": {"q_min": 0.2, "q_below": 0.5}}}],
         r"dimensions.d: rules leave the 'x' quantiles below 0.2 uncovered"),
        ([{"label": "a", "when": {"x": {"in": ["p", "q"]}}},
          {"label": "b", "when": {"x": {"equals": "q"}}}],
         r"dimensions.d: rules 'a' and 'b' both claim x = 'q'"),
        ([{"label": "a", "when": {"x": {"atleast": 5}}}],
         r"dimensions.d.rules.0.when.x.atleast: unknown key 'atleast'"),
        ([{"label": "a", "when": {"x": {"min": "five"}}}],
         r"dimensions.d.rules.0.when.x.min: must be a number, got 'five'"),
        ([{"label": "a", "when": {"x": {"min": True}}}],
         r"dimensions.d.rules.0.when.x.min: must be a number, got True"),
        ([{"label": "a", "when": {"x": {"q_min": 80}}}],
         r"dimensions.d.rules.0.when.x.q_min: is a share between 0 and 1, got 80"),
        ([{"label": "a", "when": {"x": {"min": 5, "below": 3}}}],
         r"dimensions.d.rules.0.when.x: can never hold"),
        ([{"label": "a", "when": {"x": {}}}],
         r"dimensions.d.rules.0.when.x: write at least one condition"),
        ([{"label": "a"}, {"label": "a"}], r"dimensions.d.rules: use the label\(s\) \['a'\] twice"),
        ([], r"dimensions.d.rules: List should have at least 1 item"),
    ],
)
def test_bad_standards_name_the_file_and_the_rule(rules, message):
    with pytest.raises(ConfigProblem, match=message) as err:
        validate_config(ClassificationStandard, _std(rules), "my_standard.yaml")
    assert str(err.value).startswith("my_standard.yaml has ")
    assert "- my_standard.yaml: dimensions.d" in str(err.value)


def test_bad_mode_and_table_suggest_the_allowed_value():
    raw = {"dimensions": {"d": {"mode": "exclusiv", "table": "lead", "rules": [{"label": "a"}]}}}
    with pytest.raises(ConfigProblem) as err:
        validate_config(ClassificationStandard, raw, "s.yaml")
    text = str(err.value)
    assert "s.yaml: dimensions.d.mode:" in text and "(did you mean 'exclusive'?)" in text
    assert "s.yaml: dimensions.d.table:" in text and "(did you mean 'leads'?)" in text


def test_several_problems_are_reported_at_once():
    rules = [{"label": "a", "when": {"x": {"min": 6}}}, {"label": "b", "when": {"x": {"max": 3}}},
             {"label": "c", "when": {"x": {"above": 2, "below": 7}}}]
    with pytest.raises(ConfigProblem) as err:
        validate_config(ClassificationStandard, _std(rules), "s.yaml")
    assert str(err.value).count("overlap on 'x'") == 2


def test_the_bundled_standard_reads_and_names_its_file():
    std = load_standard()
    assert std.source.endswith("classification_standard.yaml")
    assert std.dimensions["funnel"].mode == "first_match"
    assert std.dimensions["outlet_service"].scope["outlet_format"].present is True
    assert std.dimensions_of("leads") == ["lead_grade"]
    assert load_standard(std) is std
    with pytest.raises(DataProblem, match="no dimension 'funel'"):
        std.dimension("funel")


def test_a_standard_file_of_ones_own(tmp_path):
    path = tmp_path / "ours.yaml"
    path.write_text("dimensions:\n  size:\n    rules:\n      - {label: big, when: {n_orders: "
                    "{min: 5}}}\n      - {label: small, when: {n_orders: {below: 5}}}\n",
                    encoding="utf-8")
    std = load_standard(path)
    assert std.source == str(path) and std.dimensions["size"].labels == ["big", "small"]
    path.write_text("dimensions:\n  size:\n    rules:\n      - {label: big, when: {n_orders: "
                    "{min: 5}}}\n      - {label: small, when: {n_orders: {below: 4}}}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigProblem, match=r"ours.yaml: dimensions.size: rules 'small' and "
                                            r"'big' leave a gap"):
        load_standard(path)


def test_with_thresholds(standard):
    edited = with_thresholds(standard, {"purchase_behaviour.frequent.orders_last_year.min": 8,
                                        "purchase_behaviour.occasional.orders_last_year.below": 8})
    assert edited.dimensions["purchase_behaviour"].rules[0].when["orders_last_year"].min == 8
    assert standard.dimensions["purchase_behaviour"].rules[0].when["orders_last_year"].min == 6
    assert edited.source.endswith("(edited)")
    with pytest.raises(DataProblem, match="gap"):
        with_thresholds(standard, {"value.high.revenue_last_year.q_min": 0.9})
    with pytest.raises(DataProblem, match="no rule 'vip'"):
        with_thresholds(standard, {"purchase_behaviour.vip.orders_last_year.min": 8})
    with pytest.raises(DataProblem, match="must look like"):
        with_thresholds(standard, {"purchase_behaviour.frequent": 8})


def test_standard_table_lists_every_rule(standard):
    table = standard_table(standard)
    assert len(table) == sum(len(s.rules) for s in standard.dimensions.values())
    assert {"经常购买客户", "钻石客户", "忠诚客户"} <= set(table["中文"])
    rules = table.set_index("label")["rule"]
    assert rules["occasional"] == "orders_last_year ≥ 2 and orders_last_year < 6"
    assert rules["high"] == "revenue_last_year in top 20%"
    assert rules["C"] == "otherwise"
