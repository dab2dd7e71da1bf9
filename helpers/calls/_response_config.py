"""The schema of ``response_classes.yaml``: response classes, urgency, lapse risk, routing.

Every check of the file is written here once, as part of the schema, so a mistake is reported
as ``file: key.path: what is wrong``:

>>> validate_config(ResponseClass, {"name": "x", "when": {"answer_rate": "about half"},
...                                 "contact_every_days": 7, "channel": "phone",
...                                 "approach": "call"}, "rc.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: rc.yaml has 1 problem(s):
- rc.yaml: when.answer_rate: condition 'about half' is not '<op> <number>' (op one of < <= > >= ==), e.g. '>= 0.5'
"""

import re
from pathlib import Path
from typing import Annotated, Any, ClassVar

import numpy as np
from pydantic import BeforeValidator, Field, PositiveInt, field_validator, model_validator

from helpers.config import ConfigModel, read_config, validate_config

from ._vocabulary import ProfileColumn

__all__ = ["ResponseClass", "ResponseConfig", "load_response_config", "parse_condition"]

_CONDITION = re.compile(r"\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*")
_OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
        "==": np.equal}


def parse_condition(text: Any) -> tuple[str, float]:
    """Split a condition such as ``'>= 0.5'`` into its operator and number.

    Raises
    ------
    ValueError
        If ``text`` is not ``'<op> <number>'``.

    Examples
    --------
    >>> parse_condition(">= 0.5")
    ('>=', 0.5)
    """
    m = _CONDITION.fullmatch(str(text))
    if not m:
        raise ValueError(f"condition {text!r} is not '<op> <number>' (op one of < <= > >= ==), "
                         "e.g. '>= 0.5'")
    return m.group(1), float(m.group(2))


def _condition(value: Any) -> str:
    parse_condition(value)
    return str(value).strip()


def _none_as_empty(value: Any) -> Any:
    return {} if value is None else value


Condition = Annotated[str, BeforeValidator(_condition)]


class ResponseClass(ConfigModel):
    """One response class: when it applies, how often and how to contact its customers."""

    name: str
    zh: str | None = None
    when: Annotated[dict[ProfileColumn, Condition], BeforeValidator(_none_as_empty)] = Field(
        default_factory=dict)
    contact_every_days: PositiveInt
    channel: str
    approach: str

    def matches(self, profile: Any) -> np.ndarray:
        """True for the rows of ``profile`` that meet every condition of the class."""
        ok = np.ones(len(profile), dtype=bool)
        for column, condition in self.when.items():
            op, value = parse_condition(condition)
            ok &= _OPS[op](profile[column].to_numpy(dtype=float), value)
        return ok


class Urgency(ConfigModel):
    """When a customer counts as urgent, and how often urgent customers are called."""

    urgent_within_days: PositiveInt
    urgent_contact_every_days: PositiveInt


class LapsePoints(ConfigModel):
    """Points each lapse signal adds to the risk score."""

    no_purchase_90_days: float
    no_purchase_180_days: float
    mostly_refuses: float
    rarely_answers: float
    recent_complaint: float
    unresolved_complaint: float


class LapseLevels(ConfigModel):
    """Scores at or above which the medium and the high level start."""

    medium: float
    high: float

    @model_validator(mode="after")
    def _increasing(self) -> "LapseLevels":
        if self.medium > self.high:
            raise ValueError(f"medium ({self.medium:g}) must not exceed high ({self.high:g})")
        return self


class LapseActions(ConfigModel):
    """The reactivation action of each risk level."""

    low: str
    medium: str
    high: str


class LapseRisk(ConfigModel):
    """The lapse-risk score: points per signal, level boundaries, action per level."""

    points: LapsePoints
    levels: LapseLevels
    actions: LapseActions


class Routing(ConfigModel):
    """Which team calls which customers: a customer column and, per team, its values."""

    column: str
    teams: dict[str, list[str]]

    @field_validator("teams")
    @classmethod
    def _one_team_per_value(cls, teams: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        twice = []
        for team, values in teams.items():
            for value in values:
                if value in seen:
                    twice.append(f"{value!r} is listed for both {seen[value]!r} and {team!r}")
                seen[value] = team
        if twice:
            raise ValueError("\n- ".join(twice))
        return teams

    def lookup(self) -> dict[str, str]:
        """Value → team."""
        return {value: team for team, values in self.teams.items() for value in values}


class ResponseConfig(ConfigModel):
    """``response_classes.yaml``: classes tried in order (the last one catches everyone)."""

    file: ClassVar[str | None] = "response_classes.yaml"

    window_days: PositiveInt
    urgency: Urgency
    classes: list[ResponseClass] = Field(min_length=1)
    lapse_risk: LapseRisk
    routing: Annotated[Routing | None, BeforeValidator(lambda v: v or None)] = None

    @model_validator(mode="after")
    def _unique_names_and_catch_all(self) -> "ResponseConfig":
        problems, seen = [], set()
        for i, c in enumerate(self.classes):
            if c.name in seen:
                problems.append(f"classes.{i}.name: class name {c.name!r} is used twice")
            seen.add(c.name)
        last = self.classes[-1]
        if last.when:
            problems.append(f"classes.{len(self.classes) - 1}.when: the last class "
                            f"({last.name!r}) must have no conditions, so that every customer "
                            "gets a class")
        if problems:
            raise ValueError("\n- ".join(problems))
        return self


def load_response_config(path: str | Path | None = None) -> ResponseConfig:
    """Read and validate ``response_classes.yaml`` (or the file at ``path``).

    Parameters
    ----------
    path : str or Path, optional
        Your own file; default: the bundled ``helpers/config/response_classes.yaml``.

    Returns
    -------
    ResponseConfig
        The typed configuration.

    Raises
    ------
    ConfigProblem
        Naming the file and the key that is missing or wrong, every problem at once.

    Examples
    --------
    >>> config = load_response_config()
    >>> [c.name for c in config.classes][:2], config.urgency.urgent_within_days
    (['not_yet_called', 'refuser'], 14)
    """
    return read_config(ResponseConfig, path)


def as_response_config(config: ResponseConfig | dict[str, Any] | None) -> ResponseConfig:
    """``config`` as a :class:`ResponseConfig` (default: the bundled file; a dict is validated)."""
    if config is None:
        return load_response_config()
    return validate_config(ResponseConfig, config, "response configuration")
