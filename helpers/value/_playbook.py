"""The tier playbook (``helpers/config/value_playbook.yaml``): what the sales team does per tier.

:class:`TierPlaybook` is the file's schema: ``strategies`` (what to do), ``tier_strategy`` (the
strategy of each tier) and ``overrides`` (rules tried in order before the tier map). Every
problem is reported at once, as ``file: key.path: what is wrong``:

>>> validate_config(TierPlaybook, {
...     "strategies": {"care": {"zh": "维护", "owner": "AM", "channel": "phone",
...                             "response_time": "1 day", "contact_every_days": 0,
...                             "actions": ["call"]}},
...     "tier_strategy": {"gold": "cair"}}, "book.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: book.yaml has 1 problem(s):
- book.yaml: strategies.care.contact_every_days: Input should be greater than 0
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from helpers.config import ConfigModel, read_config, validate_config
from helpers.errors import DataProblem, did_you_mean

from ._inputs import need

__all__ = ["Conditions", "Override", "Strategy", "TierPlaybook", "apply_playbook",
           "load_tier_playbook"]

_Text = Annotated[str, Field(strict=True)]
_Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class Strategy(ConfigModel):
    """One strategy: who looks after the customer, how, how often, and the actions."""

    zh: _Text
    owner: _Text
    channel: _Text
    response_time: _Text
    contact_every_days: Annotated[int, Field(strict=True, gt=0)]
    actions: Annotated[list[_Text], Field(min_length=1)]


class Conditions(ConfigModel):
    """``when`` of an override: every condition given must hold."""

    profit_below: _Number | None = None
    profit_at_least: _Number | None = None
    days_since_last_above: _Number | None = None
    tier_in: list[str] | None = None

    @field_validator("tier_in", mode="before")
    @classmethod
    def _tiers_as_text(cls, value: Any) -> Any:
        return [str(v) for v in value] if isinstance(value, list | tuple) else value

    @model_validator(mode="after")
    def _at_least_one(self) -> Conditions:
        if not self.model_fields_set:
            raise ValueError("give at least one condition: "
                             f"{', '.join(type(self).model_fields)}")
        return self


class Override(ConfigModel):
    """A rule tried before the tier map: customers it fits get its ``strategy``."""

    name: str
    when: Conditions
    strategy: str


class TierPlaybook(ConfigModel):
    """The tier playbook; the strategies that tiers and overrides name must exist."""

    file: ClassVar[str | None] = "value_playbook.yaml"

    strategies: Annotated[dict[str, Strategy], Field(min_length=1)]
    tier_strategy: Annotated[dict[str, str], Field(min_length=1)]
    overrides: list[Override] = Field(default_factory=list)

    @field_validator("strategies", "tier_strategy", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else value

    @field_validator("overrides", mode="before")
    @classmethod
    def _none_is_no_override(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="after")
    def _strategies_exist(self) -> TierPlaybook:
        known = sorted(self.strategies)
        problems = [f"tier_strategy.{tier}: names strategy {name!r}, which is not under "
                    f"strategies{did_you_mean(name, known)}"
                    for tier, name in self.tier_strategy.items() if name not in self.strategies]
        problems += [f"overrides.{i}.strategy: {rule.strategy!r} is not under strategies"
                     f"{did_you_mean(rule.strategy, known)}"
                     for i, rule in enumerate(self.overrides) if rule.strategy not in self.strategies]
        if problems:
            raise ValueError("\n- ".join(problems))
        return self


def load_tier_playbook(path: str | Path | None = None) -> TierPlaybook:
    """Read and validate the tier playbook.

    Parameters
    ----------
    path : str or Path, optional
        Your own playbook; default: the bundled ``helpers/config/value_playbook.yaml``.

    Returns
    -------
    TierPlaybook
        ``book.strategies["high_value"].actions``, ``book.tier_strategy``, ``book.overrides``.

    Raises
    ------
    ConfigProblem
        Naming the file and each key that is missing, unknown or wrong, and strategies that
        tiers or overrides name but that are not defined.

    Examples
    --------
    >>> load_tier_playbook().tier_strategy["gold"]
    'high_value'
    """
    return read_config(TierPlaybook, path)


def _resolve_playbook(playbook: TierPlaybook | Mapping[str, Any] | str | Path | None
                      ) -> TierPlaybook:
    if isinstance(playbook, TierPlaybook):
        return playbook
    if playbook is None or isinstance(playbook, str | Path):
        return load_tier_playbook(playbook)
    return validate_config(TierPlaybook, playbook, "playbook argument")


def _override_hits(customers: pd.DataFrame, tiers: pd.Series, when: Conditions) -> np.ndarray:
    """Customers every condition of ``when`` holds for."""
    hit = np.ones(len(customers), dtype=bool)
    if when.tier_in is not None:
        hit &= tiers.isin(when.tier_in).to_numpy(dtype=bool)
    tests = {"profit_below": ("profit", np.less), "profit_at_least": ("profit", np.greater_equal),
             "days_since_last_above": ("days_since_last", np.greater)}
    for cond, (col, compare) in tests.items():
        value = getattr(when, cond)
        if value is None:
            continue
        need(customers, "customers", [col])
        x = pd.to_numeric(customers[col], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            hit &= compare(x, value)
    return hit


def apply_playbook(customers: pd.DataFrame,
                   playbook: TierPlaybook | Mapping[str, Any] | str | Path | None = None,
                   tier_col: str = "tier") -> pd.DataFrame:
    """Join the playbook's strategy to every customer: the action list for the sales team.

    Parameters
    ----------
    customers : DataFrame
        Indexed by customer, with ``tier_col``; ``profit`` and ``days_since_last`` are used by
        override rules that mention them.
    playbook : TierPlaybook, dict, path or None
        A playbook (:func:`load_tier_playbook`), a dict to validate, a YAML path, or ``None``
        for the bundled one.
    tier_col : str
        The column holding each customer's tier.

    Returns
    -------
    DataFrame
        ``customers`` plus ``strategy``, ``strategy_zh``, ``rule`` (the override that fired, or
        ``"tier"``), ``owner``, ``channel``, ``response_time``, ``contact_every_days``,
        ``first_action`` and ``actions`` (joined with "; ").

    Raises
    ------
    DataProblem
        Customers whose tier has no strategy, or missing columns a rule needs.
    ConfigProblem
        An invalid playbook.

    Examples
    --------
    >>> frame = pd.DataFrame({"tier": ["gold", "low"], "profit": [500.0, -20],
    ...                       "days_since_last": [10, 30]})
    >>> apply_playbook(frame)["strategy"].tolist()
    ['high_value', 'cost_to_serve_review']
    """
    book = _resolve_playbook(playbook)
    need(customers, "customers", [tier_col])
    tiers = customers[tier_col].astype("string")
    unknown = sorted(set(tiers.dropna()) - set(book.tier_strategy))
    if unknown or tiers.isna().any():
        raise DataProblem(f"apply_playbook: tier(s) {unknown or ['(empty)']} have no strategy in "
                          f"the playbook's tier_strategy ({sorted(book.tier_strategy)}). Fix: "
                          "add them to value_playbook.yaml or re-tier with matching labels.")
    strategy = np.array(tiers.map(book.tier_strategy).astype(object).to_numpy(), copy=True)
    rule = np.full(len(customers), "tier", dtype=object)
    decided = np.zeros(len(customers), dtype=bool)
    for r in book.overrides:
        hit = _override_hits(customers, tiers, r.when) & ~decided
        strategy[hit], rule[hit] = r.strategy, r.name
        decided |= hit
    out = customers.copy()
    out["strategy"] = strategy
    out["rule"] = rule
    return _join_strategies(out, book)


def _join_strategies(out: pd.DataFrame, book: TierPlaybook) -> pd.DataFrame:
    """Add each customer's strategy details (owner, channel, actions …) to ``out``."""
    specs = pd.DataFrame({name: s.model_dump() for name, s in book.strategies.items()}).T
    chosen = out["strategy"]
    for col in ("zh", "owner", "channel", "response_time", "contact_every_days"):
        out["strategy_zh" if col == "zh" else col] = chosen.map(specs[col])
    out["first_action"] = chosen.map(specs["actions"].str[0])
    out["actions"] = chosen.map(specs["actions"].map("; ".join))
    out["contact_every_days"] = out["contact_every_days"].astype("int64")
    return out
