"""The collection playbook (催收策略手册): what to do at each stage for each customer type.

``helpers/config/collection_playbook.yaml`` gives, for each collection stage, a ``default`` play
(channel, tone, actor, timing, cadence, offers, escalation, goal, objections, uplift and an
opening script in English and Chinese) and per customer type only the fields that differ. The
schema :class:`CollectionPlaybook` checks the file (every stage of the stages file present with a
full default play, overrides naming only known customer types and fields, scripts whose
placeholders the CRM can fill, one catch-all customer type at the end) and gives every
stage × type play filled in.
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import (
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from helpers.config import ConfigModel, config_path, read_yaml, validate_config
from helpers.errors import did_you_mean
from helpers.i18n import language

from ._stages import Stages, resolve_stages

__all__ = ["PLACEHOLDERS", "PLAY_FIELDS", "CollectionPlaybook", "CustomerType", "Play",
           "PlayOverride", "load_collection_playbook", "play_table", "type_label"]

Channel = Literal["message", "email", "call", "visit", "letter"]
Actor = Literal["salesperson", "collector", "manager", "legal"]
Offer = Literal["none", "instalment_plan", "early_settlement_discount", "payment_date_change",
                "targeted_offer"]
Behaviour = Literal["on_time", "after_reminder", "chronic_late", "partial_payer", "disputes",
                    "unresponsive", "new_account"]
Tier = Literal["low", "silver", "gold", "diamond"]

#: The fields a script may name in braces, filled in by the CRM for each account.
PLACEHOLDERS = {
    "agent": "the collector's name",
    "company": "your company's name",
    "name": "the customer's contact name",
    "invoice": "number of the account's oldest open invoice",
    "balance": "the open balance",
    "due_date": "due date of that invoice",
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _script_problems(text: str, field: str) -> list[str]:
    """What is wrong with a script: malformed braces, unknown placeholders, wrong language."""
    try:
        named = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return [f"braces do not pair up ({exc}); write placeholders as {{balance}}"]
    problems = [f"placeholder {{{name}}} names no field{did_you_mean(name, list(PLACEHOLDERS))}"
                for name in named if name not in PLACEHOLDERS]
    if field == "script_zh" and not _CJK.search(text):
        problems.append("has no Chinese text; is it the English script?")
    return problems


class PlayOverride(ConfigModel):
    """A customer type's changes to a stage's default play (only the fields that differ)."""

    channel: Channel | None = None
    tone: str | None = Field(default=None, min_length=1)
    actor: Actor | None = None
    timing: str | None = Field(default=None, min_length=1)
    cadence_days: StrictInt | None = Field(default=None, ge=1)
    offers: list[Offer] | None = None
    escalation: str | None = Field(default=None, min_length=1)
    goal: str | None = Field(default=None, min_length=1)
    objections: list[str] | None = None
    uplift: StrictFloat | None = Field(default=None, ge=0, le=1)
    script_en: str | None = Field(default=None, min_length=1)
    script_zh: str | None = Field(default=None, min_length=1)

    @field_validator("tone", "timing", "escalation", "goal", "script_en", "script_zh")
    @classmethod
    def _text(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if not value.strip():
            raise ValueError("must be a non-empty text")
        problems = (_script_problems(value, str(info.field_name))
                    if str(info.field_name).startswith("script_") else [])
        if problems:
            raise ValueError("\n- ".join(problems))
        return value


class Play(PlayOverride):
    """One play, every field set: how to collect at one stage from one customer type."""

    channel: Channel
    tone: str = Field(min_length=1)
    actor: Actor
    timing: str = Field(min_length=1)
    cadence_days: StrictInt = Field(ge=1)
    offers: list[Offer]
    escalation: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    objections: list[str]
    uplift: StrictFloat = Field(ge=0, le=1)
    script_en: str = Field(min_length=1)
    script_zh: str = Field(min_length=1)


#: The fields of a play, in the file's order.
PLAY_FIELDS = tuple(Play.model_fields)


class TypeRule(ConfigModel):
    """When a customer is of a type: every attribute named must have one of the values."""

    behaviour: list[Behaviour] | None = Field(default=None, min_length=1)
    lifecycle: list[Literal["active", "lapsed"]] | None = Field(default=None, min_length=1)
    attitude: list[Literal["positive", "neutral", "negative"]] | None = Field(default=None,
                                                                             min_length=1)
    value_tier: list[Tier] | None = Field(default=None, min_length=1)

    def conditions(self) -> dict[str, list[str]]:
        """The attributes the rule looks at, with their allowed values."""
        return {k: list(v) for k, v in self.model_dump(exclude_none=True).items()}


class CustomerType(ConfigModel):
    """A collection customer type and the rule that assigns it."""

    name: str = Field(min_length=1)
    zh: str = ""
    when: TypeRule = Field(default_factory=TypeRule)


class EffortMinutes(ConfigModel):
    """Staff minutes per contact, by channel (the work queue's unit of effort)."""

    message: StrictFloat = Field(gt=0)
    email: StrictFloat = Field(gt=0)
    call: StrictFloat = Field(gt=0)
    visit: StrictFloat = Field(gt=0)
    letter: StrictFloat = Field(gt=0)


class CollectionPlaybook(ConfigModel):
    """The collection playbook: customer types, effort per channel, plays per stage and type.

    ``plays[stage][type]`` (or :meth:`play`) is the full play of a stage for a customer type:
    the stage's default with the type's overrides. Stages follow the stages file the playbook
    was checked against (``context={"stages": ...}``, default: the bundled one).

    >>> book = load_collection_playbook()
    >>> book.types
    ('disputing', 'unresponsive', 'lapsed', 'negative', 'key_account', 'cooperative')
    >>> book.play("M1", "lapsed").channel, book.play("M1", "cooperative").channel
    ('visit', 'call')
    """

    file = "collection_playbook.yaml"

    customer_types: list[CustomerType] = Field(min_length=1)
    effort_minutes: EffortMinutes
    stages: dict[str, dict[str, PlayOverride]]

    _plays: dict[str, dict[str, Play]] = PrivateAttr(default_factory=dict)
    _source: str = PrivateAttr(default="collection_playbook.yaml")

    @model_validator(mode="after")
    def _types_and_plays(self, info: ValidationInfo) -> CollectionPlaybook:
        context = info.context or {}
        st = context.get("stages") or resolve_stages(None)
        problems = self._type_problems()
        plays: dict[str, dict[str, Play]] = {}
        for name in self.stages:
            if name not in st.names:
                problems.append(f"stages.{name}: is not a stage of {st.file}"
                                f"{did_you_mean(name, st.names)}")
        for name in st.names:
            found, stage_problems = self._stage_plays(name, st)
            problems += stage_problems
            if found is not None:
                plays[name] = found
        if problems:
            raise ValueError("\n- ".join(problems))
        self._plays = plays
        self._source = str(context.get("source", self.file))
        return self

    def _type_problems(self) -> list[str]:
        problems, seen = [], set()
        last = len(self.customer_types) - 1
        for i, kind in enumerate(self.customer_types):
            if kind.name in seen:
                problems.append(f"customer_types.{i}.name: repeats the type {kind.name!r}")
            seen.add(kind.name)
            if i < last and not kind.when.conditions():
                problems.append(f"customer_types.{i}.when: is empty, so every customer matches "
                                "and the types after it are never used; only the last type "
                                "may be the catch-all")
        if self.customer_types[last].when.conditions():
            problems.append(f"customer_types.{last}.when: must be empty ({{}}) for the last "
                            "type, so every customer gets a type")
        return problems

    def _stage_plays(self, name: str, st: Stages) -> tuple[dict[str, Play] | None, list[str]]:
        """The filled-in plays of one stage, or the problems that prevent them."""
        where = f"stages.{name}"
        block = self.stages.get(name)
        if block is None:
            return None, [f"{where}: is missing: every stage needs plays (stages are "
                          f"{list(st.names)})"]
        problems = [f"{where}.{key}: is not a customer type{did_you_mean(key, self.types)}"
                    for key in block if key != "default" and key not in self.types]
        default = block.get("default")
        if default is None:
            return None, [*problems, f"{where}.default: is missing: each stage needs a default "
                          "play"]
        given = default.model_dump(exclude_none=True)
        missing = [f for f in PLAY_FIELDS if f not in given]
        if missing:
            return None, [*problems, f"{where}.default: misses field(s) {missing}; a stage's "
                          "default play must set every field"]
        plays = {t: Play.model_validate({**given, **(block[t].model_dump(exclude_none=True)
                                                    if t in block else {})})
                 for t in self.types}
        return plays, problems

    @property
    def types(self) -> tuple[str, ...]:
        """Customer type names, in the order their rules are tested."""
        return tuple(t.name for t in self.customer_types)

    @property
    def plays(self) -> dict[str, dict[str, Play]]:
        """``plays[stage][customer_type]``: every play filled in, stages in order."""
        return self._plays

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The stages the playbook covers, mildest first."""
        return tuple(self._plays)

    @property
    def source(self) -> str:
        """The file the playbook was read from."""
        return self._source

    def play(self, stage: str, customer_type: str) -> Play:
        """The play for one stage and customer type."""
        return self._plays[stage][customer_type]

    def label(self, customer_type: str) -> str:
        """A customer type's name for display: its ``zh`` name in the Chinese edition.

        >>> from helpers.i18n import using_language
        >>> book = load_collection_playbook()
        >>> with using_language("zh"):
        ...     book.label("lapsed"), book.label("nobody")
        ('流失客户', 'nobody')
        >>> book.label("lapsed")
        'lapsed'
        """
        if language() == "zh":
            return next((t.zh for t in self.customer_types
                         if t.name == customer_type and t.zh), customer_type)
        return customer_type

    def minutes(self) -> dict[str, float]:
        """Staff minutes per contact, by channel."""
        return {k: float(v) for k, v in self.effort_minutes.model_dump().items()}


def load_collection_playbook(path: str | Path | None = None,
                             stages: Stages | None = None) -> CollectionPlaybook:
    """Read and check the collection playbook (default ``helpers/config/collection_playbook.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        An edited copy of the file.
    stages : Stages, optional
        The stages it must cover (default: the bundled stages).

    Returns
    -------
    CollectionPlaybook

    Raises
    ------
    ConfigProblem
        Listing every problem as ``file: key.path: what is wrong``, with the nearest correct
        spelling: a missing stage or default play, an unknown stage, customer type or field, a
        bad channel, actor, offer, cadence or uplift, a script placeholder naming no field, a
        customer-type rule on an unknown attribute, a catch-all type that is not last.
    """
    file = config_path(CollectionPlaybook.file, path)
    raw = read_yaml(file)
    return validate_config(CollectionPlaybook, {} if raw is None else raw, str(file),
                           context={"stages": resolve_stages(stages), "source": str(file)})


@cache
def _bundled_playbook() -> CollectionPlaybook:
    return load_collection_playbook()


def type_label(customer_type: str, playbook: CollectionPlaybook | None = None) -> str:
    """A customer type's display name (Chinese in the zh edition), from ``playbook`` or the bundled one.

    Parameters
    ----------
    customer_type : str
        A type name such as ``"lapsed"``.
    playbook : CollectionPlaybook, optional
        The playbook naming the types (default: the bundled playbook).

    Returns
    -------
    str
        The name to show; the type name itself in English or when no Chinese name is given.

    Examples
    --------
    >>> type_label("negative")
    'negative'
    """
    return (playbook or _bundled_playbook()).label(str(customer_type))


def play_table(playbook: CollectionPlaybook) -> pd.DataFrame:
    """The playbook as a table: one row per stage × customer type (without the scripts).

    Parameters
    ----------
    playbook : CollectionPlaybook
        From :func:`load_collection_playbook`.

    Returns
    -------
    DataFrame
        ``stage, customer_type`` and the play's fields.
    """
    rows = [{"stage": s, "customer_type": t,
             **play.model_dump(exclude={"script_en", "script_zh"})}
            for s, by_type in playbook.plays.items() for t, play in by_type.items()]
    return pd.DataFrame(rows)
