"""The schema of ``kpi_alerts.yaml``: effective calls, costs, service levels, targets, alerts.

>>> validate_config(AlertRule, {"name": "low", "metric": "conversion", "op": "<",
...                             "threshold": 0.1, "days": 3,
...                             "message": "{metric} under {treshold}"}, "kpi.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: kpi.yaml has 1 problem(s):
- kpi.yaml: message: {treshold} names no field (did you mean 'threshold'?)
"""

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from helpers.config import ConfigModel, read_config, validate_config
from helpers.i18n import tr

from ._templates import template_problems

__all__ = ["ALERT_METRICS", "AlertRule", "KpiConfig", "load_kpi_config"]

AlertMetric = Literal["conversion", "contact_rate", "first_call_intent_rate",
                      "follow_up_conversion", "aht_minutes"]
#: The daily KPIs an alert rule may watch.
ALERT_METRICS: tuple[str, ...] = get_args(AlertMetric)
NonNegative = Annotated[float, Field(ge=0)]


class Cost(ConfigModel):
    """The cost model of cost per sale: agent time is talk plus dialling and wrap-up."""

    cost_per_agent_hour: NonNegative
    dial_seconds: NonNegative
    wrap_up_seconds: NonNegative


class Targets(ConfigModel):
    """Daily targets per agent, shown next to the actuals."""

    calls_per_agent_day: NonNegative
    effective_talk_minutes_per_agent_day: NonNegative


class AlertRule(ConfigModel):
    """Fire when ``metric op threshold`` holds on ``days`` consecutive days with calls.

    ``message`` may name the rule's fields as blanks: ``{name}``, ``{metric}``, ``{op}``,
    ``{threshold}``, ``{days}``.
    """

    name: str
    metric: AlertMetric
    op: Literal["<", "<=", ">", ">="]
    threshold: NonNegative
    days: PositiveInt
    message: str = "{metric} {op} {threshold} for {days} days running"

    @field_validator("message")
    @classmethod
    def _blanks_name_fields(cls, message: str) -> str:
        problems = template_problems(message, ["name", "metric", "op", "threshold", "days"])
        if problems:
            raise ValueError("\n- ".join(problems))
        return message

    def text(self) -> str:
        """The message with the rule's values filled in, in the edition's language (:func:`tr`)."""
        return tr(self.message, name=self.name, metric=self.metric, op=self.op,
                  threshold=self.threshold, days=self.days)


class KpiConfig(ConfigModel):
    """``kpi_alerts.yaml``: what the team dashboard counts, costs, promises and watches."""

    file: ClassVar[str | None] = "kpi_alerts.yaml"

    effective_call_seconds: NonNegative
    cost: Cost
    service_levels_minutes: dict[str, NonNegative] = Field(min_length=1)
    targets: Targets
    min_answered: NonNegativeInt
    alerts: list[AlertRule]

    @field_validator("alerts")
    @classmethod
    def _unique_names(cls, rules: list[AlertRule]) -> list[AlertRule]:
        names = [r.name for r in rules]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"rule name(s) {twice} used twice; give every rule its own name")
        return rules

    def sla_minutes(self) -> dict[str, float]:
        """Service level per tier, with leads and tier ``all`` held to the ``low`` tier's.

        Tier ``all`` is what every call gets when no value tiers are known (no transactions):
        no call-back can then claim a faster service level than the slowest tier's. With no
        ``low`` tier, leads and ``all`` have no limit (``inf``).
        """
        levels = {k: float(v) for k, v in self.service_levels_minutes.items()}
        loose = levels.get("low", float("inf"))
        return {"all": loose, **levels, "lead": loose}


def load_kpi_config(path: str | Path | None = None) -> KpiConfig:
    """Read and validate ``kpi_alerts.yaml`` (or the file at ``path``).

    Parameters
    ----------
    path : str or Path, optional
        Your own file; default: the bundled ``helpers/config/kpi_alerts.yaml``.

    Returns
    -------
    KpiConfig
        The typed configuration.

    Raises
    ------
    ConfigProblem
        Naming the file and the key, every problem at once.

    Examples
    --------
    >>> config = load_kpi_config()
    >>> config.min_answered, [rule.name for rule in config.alerts]
    (30, ['low_conversion', 'low_contact_rate'])
    """
    return read_config(KpiConfig, path)


def as_kpi_config(config: KpiConfig | dict[str, Any] | None) -> KpiConfig:
    """``config`` as a :class:`KpiConfig` (default: the bundled file; a dict is validated)."""
    if config is None:
        return load_kpi_config()
    return validate_config(KpiConfig, config, "KPI configuration")
