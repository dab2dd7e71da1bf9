"""Tests for helpers.value._cost_rates: the cost-rate schema and its messages."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import helpers.value as v
from helpers.config import CONFIG_DIR, read_yaml, validate_config
from helpers.errors import ConfigProblem, DataProblem


def test_bundled_cost_rates_load():
    rates = v.load_cost_rates()
    assert rates.service.per_contact.complaint > rates.service.per_contact.inquiry
    assert 0 < rates.fallbacks.cogs_ratio < 1


@pytest.mark.parametrize("edit, key", [
    (lambda r: r["service"]["per_contact"].pop("complaint"), "service.per_contact.complaint"),
    (lambda r: r["calls"].__setitem__("per_minute", "two"), "calls.per_minute"),
    (lambda r: r["returns"].__setitem__("per_return", -1), "returns.per_return"),
    (lambda r: r["late_payment"].__setitem__("annual_interest_rate", 6), "annual_interest_rate"),
    (lambda r: r.__setitem__("bonus", {}), "bonus"),
    (lambda r: r["service"]["per_contact"].__setitem__("gossip", 1), "gossip"),
])
def test_bad_cost_rate_file_names_file_and_key(tmp_path, edit, key):
    raw = read_yaml(CONFIG_DIR / "cost_rates.yaml")
    edit(raw)
    path = tmp_path / "my_rates.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(DataProblem) as err:
        v.load_cost_rates(path)
    assert "my_rates.yaml" in str(err.value) and key in str(err.value)


def test_every_problem_is_reported_at_once_with_the_value():
    raw = v.load_cost_rates().model_dump()
    raw["calls"]["per_minute"] = "two"
    raw["returns"]["per_return"] = -1
    raw["servise"] = raw.pop("service")
    with pytest.raises(ConfigProblem) as err:
        validate_config(v.CostRates, raw, "my_rates.yaml")
    text = str(err.value)
    assert "my_rates.yaml has 4 problem(s)" in text
    assert "calls.per_minute: must be a number, got 'two'" in text
    assert "returns.per_return: must be 0 or more, got -1" in text
    assert "unknown key 'servise' (did you mean 'service'?)" in text
    assert "service: Field required" in text


def test_scaled_rates_cap_shares_and_refuse_unknown_sections():
    rates = v.load_cost_rates()
    more = rates.scaled({"late_payment": 100.0, "service": 2.0})
    assert more.late_payment.bad_debt_share == 1.0
    assert more.late_payment.per_late_invoice == 100 * rates.late_payment.per_late_invoice
    assert more.service.per_contact.complaint == 2 * rates.service.per_contact.complaint
    assert rates.scaled({"fallbacks": 3.0}).fallbacks == rates.fallbacks
    with pytest.raises(DataProblem, match="marketing"):
        rates.scaled({"marketing": 2.0})


def test_cost_rates_given_as_a_dict_are_validated():
    with pytest.raises(ConfigProblem, match="cost_rates argument.*orders"):
        v.apply_cost_rates(pd.DataFrame(), {"service": {}})
