"""The schema of kpi_alerts.yaml: every mistake named by file and key path."""

from __future__ import annotations

import pytest
import yaml

from helpers.calls import AlertRule, KpiConfig, load_kpi_config
from helpers.config import config_path, validate_config


@pytest.fixture
def raw():
    return yaml.safe_load(config_path(KpiConfig.file).read_text(encoding="utf-8"))


def _write(tmp_path, data):
    path = tmp_path / "kpi.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_config_validation(tmp_path, raw):
    raw["alerts"][0]["metric"] = "happiness"
    with pytest.raises(ValueError, match=r"kpi.yaml: alerts.0.metric: Input should be "
                                         r"'conversion'"):
        load_kpi_config(_write(tmp_path, raw))
    raw = yaml.safe_load(config_path(KpiConfig.file).read_text(encoding="utf-8"))
    raw["cost"]["cost_per_agent_hour"] = "sixty"
    with pytest.raises(ValueError, match="kpi.yaml: cost.cost_per_agent_hour: Input should be a "
                                         "valid number"):
        load_kpi_config(_write(tmp_path, raw))


def test_every_problem_at_once(tmp_path, raw):
    raw["alerts"][1].update(metric="conversoin", op="=<", days=0)
    raw["min_answered"] = -1
    del raw["targets"]
    with pytest.raises(ValueError) as info:
        load_kpi_config(_write(tmp_path, raw))
    text = str(info.value)
    assert "alerts.1.metric" in text and "did you mean 'conversion'" in text
    assert "alerts.1.op" in text and "alerts.1.days" in text
    assert "kpi.yaml: min_answered: Input should be greater than or equal to 0" in text
    assert "kpi.yaml: targets: Field required" in text


def test_rule_names_unique_and_messages(tmp_path, raw):
    raw["alerts"][1]["name"] = raw["alerts"][0]["name"]
    with pytest.raises(ValueError, match=r"alerts: rule name\(s\) \['low_conversion'\] used "
                                         "twice"):
        load_kpi_config(_write(tmp_path, raw))
    rule = validate_config(AlertRule, {"name": "r", "metric": "conversion", "op": "<",
                                       "threshold": 0.1, "days": 3})
    assert rule.text() == "conversion < 0.1 for 3 days running"
    rule = rule.model_copy(update={"message": "{metric} under {threshold:.0%}"})
    assert rule.text() == "conversion under 10%"


def test_service_levels_hold_leads_and_unknown_tiers_to_the_low_tier():
    assert load_kpi_config().sla_minutes() == {"all": 1440, "diamond": 30, "gold": 120,
                                               "silver": 480, "low": 1440, "lead": 1440}
