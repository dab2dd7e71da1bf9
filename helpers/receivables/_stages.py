"""Collection stages (催收阶段): the schema of ``collection_stages.yaml`` and ``stage_of``.

The file lists the stages in order of severity with the largest number of days past due that
still belongs to each (the last stage has no upper limit), the charge-off stage, the settled
tolerance and the thresholds of the payment-behaviour classes. :class:`Stages` is both the
schema (read with :func:`load_stages`) and what every helper takes as ``stages``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, StrictFloat, StrictInt, field_validator, model_validator

from helpers.config import ConfigModel, read_config, validate_config
from helpers.errors import DataProblem, did_you_mean
from helpers.i18n import tr

__all__ = ["BehaviourRules", "StageSpec", "Stages", "load_stages", "resolve_stages", "stage_of"]

#: A number in a YAML file: int or float, not a text or true/false (strict float takes ints).
Number = StrictFloat


class StageSpec(ConfigModel):
    """One stage: its name, Chinese name, upper bound in days past due and queue urgency."""

    name: str = Field(min_length=1)
    zh: str = ""
    max_days: Number | None
    urgency: Number = Field(default=1.0, ge=0, le=1)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty text")
        return value


class UnresponsiveRule(ConfigModel):
    """Most due invoices without a cent and nothing paid lately."""

    unpaid_share_min: Number = Field(default=0.5, ge=0, le=1)
    days_since_payment_min: Number = Field(default=90, ge=0)


class DisputesRule(ConfigModel):
    """Repeated complaints and money overdue."""

    complaints_min: StrictInt = Field(default=2, ge=1)
    window_days: StrictInt = Field(default=730, gt=0)
    overdue_share_min: Number = Field(default=0.2, ge=0, le=1)


class PartialPayerRule(ConfigModel):
    """Invoices paid in parts or left part-paid."""

    partial_share_min: Number = Field(default=0.3, ge=0, le=1)


class ChronicLateRule(ConfigModel):
    """Most settled invoices paid late, by a long delay."""

    late_share_min: Number = Field(default=0.5, ge=0, le=1)
    median_days_late_min: Number = Field(default=30, ge=0)


class AfterReminderRule(ConfigModel):
    """Late often, but mostly within M1."""

    late_share_min: Number = Field(default=0.25, ge=0, le=1)


class BehaviourRules(ConfigModel):
    """Thresholds of the payment-behaviour classes, tested in this order (first match wins)."""

    min_invoices: StrictInt = Field(default=2, ge=0)
    unresponsive: UnresponsiveRule = Field(default_factory=UnresponsiveRule)
    disputes: DisputesRule = Field(default_factory=DisputesRule)
    partial_payer: PartialPayerRule = Field(default_factory=PartialPayerRule)
    chronic_late: ChronicLateRule = Field(default_factory=ChronicLateRule)
    after_reminder: AfterReminderRule = Field(default_factory=AfterReminderRule)


class Stages(ConfigModel):
    """Collection stages in order of severity (``helpers/config/collection_stages.yaml``).

    Besides the file's keys, gives ``names``, ``zh``, ``max_days`` (the last is ``inf``),
    ``urgency``, ``charge_off`` and ``tolerance`` as tuples and numbers, and ``dtype``, the
    ordered categorical type of a stage column.

    >>> st = validate_config(Stages, {"stages": [{"name": "M0", "max_days": 0},
    ...                                          {"name": "M1", "max_days": None}]})
    >>> st.names, st.max_days, st.charge_off
    (('M0', 'M1'), (0.0, inf), 'M1')
    >>> validate_config(Stages, {"stages": [{"name": "M0", "max_days": 10},
    ...                                     {"name": "M1", "max_days": 5},
    ...                                     {"name": "M2", "max_days": None}]}, "my.yaml")
    Traceback (most recent call last):
    ...
    helpers.errors.ConfigProblem: my.yaml has 1 problem(s):
    - my.yaml: stages.1.max_days: must be larger than the previous stage's (10)
    """

    file = "collection_stages.yaml"

    stages: list[StageSpec] = Field(min_length=2)
    charge_off_stage: str | None = None
    settled_tolerance: Number = Field(default=0.01, ge=0)
    behaviour: BehaviourRules = Field(default_factory=BehaviourRules)

    @model_validator(mode="after")
    def _bounds_increase(self) -> Stages:
        problems = []
        names: list[str] = []
        previous = -np.inf
        for i, stage in enumerate(self.stages):
            where, last = f"stages.{i}", i == len(self.stages) - 1
            if stage.name in names:
                problems.append(f"{where}.name: repeats the stage {stage.name!r}")
            names.append(stage.name)
            if last and stage.max_days is not None:
                problems.append(f"{where}.max_days: must be null for the last stage (no upper "
                                "limit)")
            elif not last and stage.max_days is None:
                problems.append(f"{where}.max_days: must be a number (only the last stage has "
                                "no upper limit)")
            elif stage.max_days is not None and not stage.max_days > previous:
                problems.append(f"{where}.max_days: must be larger than the previous stage's "
                                f"({previous:g})")
            if stage.max_days is not None:
                previous = float(stage.max_days)
        if self.charge_off_stage is not None and self.charge_off_stage not in names:
            problems.append(f"charge_off_stage: {self.charge_off_stage!r} is not a stage"
                            f"{did_you_mean(self.charge_off_stage, names)}")
        if problems:
            raise ValueError("\n- ".join(problems))
        return self

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Stage names, mildest first."""
        return tuple(s.name for s in self.stages)

    @cached_property
    def zh(self) -> tuple[str, ...]:
        """Chinese stage names."""
        return tuple(s.zh for s in self.stages)

    @cached_property
    def max_days(self) -> tuple[float, ...]:
        """Upper bound of each stage in days past due; the last one is ``inf``."""
        return tuple(np.inf if s.max_days is None else float(s.max_days) for s in self.stages)

    @cached_property
    def urgency(self) -> tuple[float, ...]:
        """Weight of each stage in the work queue (0-1)."""
        return tuple(float(s.urgency) for s in self.stages)

    @property
    def charge_off(self) -> str:
        """The stage whose balance counts as lost (default: the last)."""
        return self.charge_off_stage or self.names[-1]

    @property
    def tolerance(self) -> float:
        """Balances at or below this amount count as settled."""
        return float(self.settled_tolerance)

    @cached_property
    def dtype(self) -> pd.CategoricalDtype:
        """Ordered categorical type of the stage column."""
        return pd.CategoricalDtype(list(self.names), ordered=True)

    def label(self, name: str) -> str:
        """Stage name with its day range, e.g. ``'M1 (1-30 d)'``.

        >>> load_stages().label("M1"), load_stages().label("M3+")
        ('M1 (1-30 d)', 'M3+ (91+ d)')
        """
        i = self.names.index(name)
        if i == 0:
            return tr("{name} (not due)", name=name)
        lo, hi = self.max_days[i - 1] + 1, self.max_days[i]
        return (tr("{name} ({lo:g}+ d)", name=name, lo=lo) if np.isinf(hi)
                else tr("{name} ({lo:g}-{hi:g} d)", name=name, lo=lo, hi=hi))

    def with_max_days(self, max_days: Sequence[float]) -> Stages:
        """The same stages with other upper bounds (one per stage but the last), validated.

        Raises
        ------
        ConfigProblem
            If the bounds do not increase or their number is not one less than the stages'.
        """
        if len(max_days) != len(self.stages) - 1:
            raise DataProblem(f"{len(self.stages) - 1} stage boundaries are needed (one per "
                              f"stage but the last), got {list(max_days)}.")
        raw = self.model_dump()
        for spec, bound in zip(raw["stages"], [*max_days, None], strict=True):
            spec["max_days"] = None if bound is None else float(bound)
        return validate_config(Stages, raw, "stage boundaries")


def load_stages(path: str | Path | None = None) -> Stages:
    """Read and validate the stages file (default ``helpers/config/collection_stages.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        An edited copy of the file.

    Returns
    -------
    Stages

    Raises
    ------
    ConfigProblem
        Listing every problem as ``file: key.path: what is wrong``: unknown keys, missing
        names, bounds that do not increase, a last stage with an upper bound, an unknown
        charge-off stage, behaviour thresholds out of range.

    Examples
    --------
    >>> load_stages().names
    ('M0', 'M1', 'M2', 'M3', 'M3+')
    """
    return read_config(Stages, path)


def resolve_stages(stages: Stages | None) -> Stages:
    """``stages``, or the bundled stages when it is ``None``."""
    return load_stages() if stages is None else stages


def stage_of(days_past_due: Any, stages: Stages | None = None) -> pd.Categorical:
    """Stage of each number of days past due (an ordered categorical).

    Parameters
    ----------
    days_past_due : array-like of numbers
        As-of date minus due date, in days (0 or less: not yet due).
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    Categorical
        Ordered by severity; a day exactly on a boundary belongs to the milder stage.

    Raises
    ------
    DataProblem
        If some days are empty.

    Examples
    --------
    >>> list(stage_of([-5, 0, 1, 30, 31, 61, 91]))
    ['M0', 'M0', 'M1', 'M1', 'M2', 'M3', 'M3+']
    """
    st = resolve_stages(stages)
    days = np.asarray(days_past_due, dtype="float64")
    if np.isnan(days).any():
        raise DataProblem("stage_of: days past due contain empty values; compute them from a "
                          "due date and an as-of date first.")
    codes = np.searchsorted(np.asarray(st.max_days[:-1]), days, side="left")
    return pd.Categorical.from_codes(codes.astype("int8"), dtype=st.dtype)
