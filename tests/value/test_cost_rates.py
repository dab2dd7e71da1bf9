"""Tests for helpers.value._cost_rates: the cost-rate schema and its messages."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import helpers.value as v
from helpers.caveats import Caveat
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


# ------------------------------------------------------------------ currency and assumptions


def _rates_in(tmp_path, currency: str):
    raw = read_yaml(CONFIG_DIR / "cost_rates.yaml")
    raw["currency"] = currency
    path = tmp_path / f"rates_{currency}.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_the_bundled_rates_name_their_currency_and_a_bad_code_is_refused(tmp_path):
    assert v.load_cost_rates().currency == "CNY"
    assert v.load_cost_rates(_rates_in(tmp_path, "gbp")).currency == "GBP"
    with pytest.raises(ConfigProblem, match="currency: must be a three-letter ISO"):
        v.load_cost_rates(_rates_in(tmp_path, "pounds"))
    assert v.load_cost_rates().scaled({"orders": 2.0}).currency == "CNY"


def test_data_in_another_currency_than_the_rates_is_refused_by_default(tmp_path):
    with pytest.raises(DataProblem, match=r"in GBP \(parameter currency\).*in CNY.*"
                                          r"cost_rates_file.*currency_mismatch='warn'"):
        v.cost_assumptions(currency="GBP", own_data=True)
    with pytest.warns(Caveat, match="mixes"):
        loud = v.cost_assumptions(currency="GBP", own_data=True, currency_mismatch="warn")
    assert loud.mismatch and "WARNING: the data is in GBP but the rates are in CNY" in str(loud)
    same = v.cost_assumptions(_rates_in(tmp_path, "GBP"), currency="gbp", own_data=True)
    assert not same.mismatch and same.currency == "GBP"
    assert "every rate is in GBP (the file's currency)" in str(same)
    with pytest.raises(DataProblem, match="currency_mismatch must be"):
        v.cost_assumptions(currency_mismatch="ignore")


def test_where_the_data_currency_comes_from_is_said():
    assert v.cost_assumptions().data_currency_source == "the course data"
    own = v.cost_assumptions(own_data=True)
    assert own.data_currency == "CNY" and "assumed equal to the rates' currency" in str(own)
    mapping = {"table": "transactions", "columns": {"Kunde": "customer_id"}}
    assert v.cost_assumptions(mapping=mapping, own_data=True).data_currency == "CNY"


def test_the_cost_of_goods_fallback_is_a_parameter_stated_with_its_source():
    bundled = v.cost_assumptions()
    assert bundled.rates.fallbacks.cogs_ratio == 0.65
    assert "65% of net sales (fallbacks.cogs_ratio of the bundled rates)" in str(bundled)
    given = v.cost_assumptions(cogs_ratio=0.4)
    assert given.rates.fallbacks.cogs_ratio == 0.4 and given.rates.orders.per_order == 25
    table = v.rates_table(given)
    assert table.loc["fallbacks.cogs_ratio"].tolist() == [0.4, "share", "parameter cogs_ratio"]
    assert table.loc["service.per_contact.complaint", "unit"] == "CNY"
    assert "currency" not in table.index
    with pytest.raises(ConfigProblem, match="cogs_ratio: must be between 0 and 1"):
        v.cost_assumptions(cogs_ratio=1.5)
