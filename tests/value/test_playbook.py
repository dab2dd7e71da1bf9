"""Tests for helpers.value._playbook: the tier playbook schema and the action list."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import helpers.value as v
from helpers.errors import ConfigProblem, DataProblem


def test_bundled_playbook_joins_every_tier():
    book = v.load_tier_playbook()
    frame = pd.DataFrame({"tier": ["diamond", "gold", "silver", "low", "gold"],
                          "profit": [900.0, 300, 50, 5, -10],
                          "days_since_last": [10, 400, 20, 30, 5]}, index=list("abcde"))
    out = v.apply_playbook(frame, book)
    assert out.loc["a", "strategy"] == "high_value"
    assert out.loc["b", "strategy"] == "win_back_key_account"       # quiet for 400 days
    assert out.loc["c", "strategy"] == "medium_potential"
    assert out.loc["d", "strategy"] == "low_activity"
    assert out.loc["e", "strategy"] == "cost_to_serve_review"       # loss-making wins first
    assert out.loc["e", "rule"] == "loss-making customer"
    assert out.loc["a", "first_action"] == book.strategies["high_value"].actions[0]
    assert out["actions"].str.len().gt(0).all()


def test_playbook_unknown_tier_and_bad_file(tmp_path):
    with pytest.raises(DataProblem, match="platinum"):
        v.apply_playbook(pd.DataFrame({"tier": ["platinum"]}))
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump({"strategies": {"s": {"zh": "x", "owner": "o",
                                                         "channel": "c", "response_time": "1h",
                                                         "contact_every_days": 0,
                                                         "actions": ["go"]}},
                                    "tier_strategy": {"low": "s"}}))
    with pytest.raises(DataProblem, match=r"book.yaml.*strategies.s.contact_every_days"):
        v.load_tier_playbook(path)
    path.write_text(yaml.safe_dump({"strategies": {"s": {"zh": "x", "owner": "o",
                                                         "channel": "c", "response_time": "1h",
                                                         "contact_every_days": 5,
                                                         "actions": ["go"]}},
                                    "tier_strategy": {"low": "t"}}))
    with pytest.raises(DataProblem, match=r"tier_strategy.low"):
        v.load_tier_playbook(path)


def _strategy(**changes):
    return {"zh": "x", "owner": "o", "channel": "c", "response_time": "1h",
            "contact_every_days": 5, "actions": ["go"]} | changes


def test_playbook_reports_every_problem_with_its_key(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump({
        "strategies": {"care": _strategy(actions=[]), "review": _strategy(owner=3)},
        "tier_strategy": {"gold": "cair", "low": "review"},
        "overrides": [{"name": "quiet", "when": {"days_since_last_abov": 90}, "strategy": "care"},
                      {"name": "loss", "when": {}, "strategy": "care"}]}))
    with pytest.raises(ConfigProblem) as err:
        v.load_tier_playbook(path)
    text = str(err.value)
    assert "book.yaml: strategies.care.actions:" in text
    assert "book.yaml: strategies.review.owner:" in text
    assert ("overrides.0.when.days_since_last_abov: unknown key 'days_since_last_abov' "
            "(did you mean 'days_since_last_above'?)") in text
    assert "overrides.1.when: give at least one condition" in text


def test_playbook_strategies_must_exist():
    raw = {"strategies": {"care": _strategy()}, "tier_strategy": {"gold": "cair"},
           "overrides": [{"name": "loss", "when": {"profit_below": 0}, "strategy": "review"}]}
    with pytest.raises(ConfigProblem) as err:
        v.apply_playbook(pd.DataFrame({"tier": ["gold"]}), raw)
    text = str(err.value)
    assert "tier_strategy.gold: names strategy 'cair', which is not under strategies " \
           "(did you mean 'care'?)" in text
    assert "overrides.0.strategy: 'review' is not under strategies" in text


def test_playbook_conditions_combine_and_tiers_are_text():
    book = v.TierPlaybook.model_validate({
        "strategies": {"care": _strategy(), "push": _strategy(contact_every_days=7)},
        "tier_strategy": {"1": "care", "2": "care"},
        "overrides": [{"name": "top quiet", "when": {"tier_in": [2], "days_since_last_above": 30},
                       "strategy": "push"}]})
    frame = pd.DataFrame({"tier": ["2", "2", "1"], "days_since_last": [40, 10, 40]})
    out = v.apply_playbook(frame, book)
    assert out["strategy"].tolist() == ["push", "care", "care"]
    assert out["contact_every_days"].tolist() == [7, 5, 5]
    assert out["rule"].tolist() == ["top quiet", "tier", "tier"]
