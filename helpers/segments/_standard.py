"""The classification standard (``helpers/config/classification_standard.yaml``) as a schema.

For each dimension (purchase behaviour, value, needs, attitude, psychographics, funnel status,
life-cycle stage, B2B lead grade, outlet service tier) a list of rules, each a label and the
conditions (``when``) a customer must meet. :func:`load_standard` reads the file through
:func:`helpers.config.read_config`; the schema's validators check, once each, what a schema
cannot say by itself: conditions that can never hold, labels used twice, and, in an exclusive
dimension whose rules all read one column, ranges that overlap or leave a gap and values claimed
by two rules.

>>> std = load_standard()
>>> std.dimensions["purchase_behaviour"].labels
['frequent', 'occasional', 'rare', 'potential']
>>> validate_config(ClassificationStandard, {"dimensions": {"d": {"rules": [
...     {"label": "big", "when": {"orders": {"min": 5}}},
...     {"label": "small", "when": {"orders": {"below": 4}}}]}}}, "my_standard.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: my_standard.yaml has 1 problem(s):
- my_standard.yaml: dimensions.d: rules 'small' and 'big' leave a gap on 'orders' between 4 and 5: some customers would get no label
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, PrivateAttr, field_validator, model_validator

from helpers.config import ConfigModel, config_path, read_config, validate_config
from helpers.errors import DataProblem
from helpers.i18n import tr

__all__ = [
    "ClassificationStandard",
    "Condition",
    "Dimension",
    "Rule",
    "load_standard",
    "standard_table",
    "with_thresholds",
]

RANGE_OPS = ("min", "max", "above", "below")
QUANTILE_OPS = ("q_min", "q_below")


class Condition(ConfigModel):
    """What one column must satisfy, e.g. ``{min: 3}``, ``{in: [a, b]}`` or ``{q_min: 0.8}``.

    ``min``/``max`` are inclusive limits, ``above``/``below`` exclusive ones; ``q_min`` and
    ``q_below`` are quantiles (shares 0-1) of the column; ``in``, ``equals`` and ``present``
    (the column has a value) test values. Several conditions must all hold.
    """

    min: int | float | None = None
    max: int | float | None = None
    above: int | float | None = None
    below: int | float | None = None
    q_min: int | float | None = None
    q_below: int | float | None = None
    in_: list[Any] | None = Field(None, alias="in")
    equals: Any = None
    present: bool | None = None

    @field_validator(*RANGE_OPS, *QUANTILE_OPS, mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"must be a number, got {value!r}")
        return value

    @field_validator(*QUANTILE_OPS)
    @classmethod
    def _a_share(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 1:
            raise ValueError(f"is a share between 0 and 1, got {value!r}")
        return value

    @model_validator(mode="after")
    def _can_hold(self) -> Condition:
        ops = self.ops
        if not ops:
            raise ValueError("write at least one condition, e.g. {min: 3} or {in: [a, b]}")
        lo = max([ops[k] for k in ("min", "above") if k in ops], default=-np.inf)
        hi = min([ops[k] for k in ("max", "below") if k in ops], default=np.inf)
        if lo > hi or (lo == hi and ("above" in ops or "below" in ops)):
            raise ValueError(f"can never hold: {ops}")
        return self

    @property
    def ops(self) -> dict[str, Any]:
        """The conditions written, as ``{op: value}`` in the file's words (``in``, not ``in_``)."""
        return self.model_dump(by_alias=True, exclude_unset=True)

    def interval(self, quantile: bool) -> tuple[float, bool, float, bool]:
        """(low, low included, high, high included) of a range condition."""
        ops = self.ops
        if quantile:
            return (ops.get("q_min", 0.0), True, ops.get("q_below", np.inf), False)
        lo, lo_in = -np.inf, True
        if "min" in ops:
            lo, lo_in = ops["min"], True
        if "above" in ops and ops["above"] >= lo:
            lo, lo_in = ops["above"], False
        hi, hi_in = np.inf, True
        if "max" in ops:
            hi, hi_in = ops["max"], True
        if "below" in ops and ops["below"] <= hi:
            hi, hi_in = ops["below"], False
        return lo, lo_in, hi, hi_in

    def values(self) -> list[Any]:
        """The values ``in`` and ``equals`` accept."""
        ops = self.ops
        return ([ops["equals"]] if "equals" in ops else []) + list(ops.get("in", []))

    def text(self, column: str) -> str:
        """The condition in words, e.g. ``orders ≥ 6``.

        >>> Condition(min=2, below=6).text("orders")
        'orders ≥ 2 and orders < 6'
        """
        words = {"min": "≥", "max": "≤", "above": ">", "below": "<"}
        parts = []
        for op, v in self.ops.items():
            if op in words:
                parts.append(f"{column} {words[op]} {v:g}")
            elif op == "q_min":
                parts.append(tr("{column} in top {share:.0%}", column=column, share=1 - v))
            elif op == "q_below":
                parts.append(tr("{column} below the {share:.0%} quantile", column=column, share=v))
            elif op == "in":
                parts.append(f"{column} in {{{', '.join(map(str, v))}}}")
            elif op == "equals":
                parts.append(f"{column} = {v}")
            elif op == "present":
                parts.append(tr("{column} known", column=column) if v
                             else tr("{column} unknown", column=column))
        return tr(" and ").join(parts)


class Rule(ConfigModel):
    """One label and the conditions (``when``, per column) a customer must meet for it."""

    label: str
    zh: str = ""
    when: dict[str, Condition] = Field(default_factory=dict)
    action: str = ""

    @field_validator("label", mode="before")
    @classmethod
    def _label_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else value


class Dimension(ConfigModel):
    """One way of classifying: its rules, how they combine (``mode``) and which rows (``scope``)."""

    zh: str = ""
    table: Literal["customers", "leads"] = "customers"
    mode: Literal["exclusive", "first_match"] = "exclusive"
    scope: dict[str, Condition] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)
    description: str = ""

    @field_validator("rules")
    @classmethod
    def _labels_once(cls, rules: list[Rule]) -> list[Rule]:
        labels = [r.label for r in rules]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise ValueError(f"use the label(s) {dup} twice")
        return rules

    @model_validator(mode="after")
    def _no_overlap_no_gap(self) -> Dimension:
        if self.mode == "exclusive":
            problems = _range_problems(self.rules)
            if problems:
                raise ValueError("\n- ".join(problems))
        return self

    @property
    def labels(self) -> list[str]:
        """The rules' labels, in order."""
        return [r.label for r in self.rules]


def _span_problems(column: str, spans: list[tuple[Any, ...]], quantile: bool) -> list[str]:
    """Overlaps and gaps between sorted (low, low in, high, high in, label) spans."""
    problems = []
    if quantile:
        spans[-1] = (*spans[-1][:2], np.inf, False, spans[-1][4])
        if spans[0][0] > 0:
            problems.append(f"rules leave the {column!r} quantiles below {spans[0][0]} uncovered")
    for a, b in zip(spans, spans[1:], strict=False):
        a_hi, a_in, b_lo, b_in = a[2], a[3], b[0], b[1]
        if a_hi > b_lo or (a_hi == b_lo and a_in and b_in):
            problems.append(f"rules {a[4]!r} and {b[4]!r} overlap on {column!r} near {b_lo}: a "
                            "customer would get both labels")
        if a_hi < b_lo or (a_hi == b_lo and not a_in and not b_in):
            problems.append(f"rules {a[4]!r} and {b[4]!r} leave a gap on {column!r} between "
                            f"{a_hi} and {b_lo}: some customers would get no label")
    # open ends are allowed only when values cannot go there (counts are >= 0)
    if not quantile and (spans[0][0] > 0 or spans[-1][2] != np.inf):
        problems.append(f"rules do not cover every value of {column!r} (from {spans[0][0]} to "
                        f"{spans[-1][2]})")
    return problems


def _range_problems(rules: list[Rule]) -> list[str]:
    """Overlaps, gaps and doubly claimed values between the rules of an exclusive dimension.

    Checked only when every rule reads the same single column.
    """
    conds = [r.when for r in rules]
    if not conds or any(len(c) != 1 for c in conds) or len({next(iter(c)) for c in conds}) != 1:
        return []
    column = next(iter(conds[0]))
    ops = [set(c[column].ops) for c in conds]
    for kind, opset in (("value", set(RANGE_OPS)), ("quantile", set(QUANTILE_OPS))):
        if all(o <= opset for o in ops):
            spans = sorted(((*c[column].interval(kind == "quantile"), r.label)
                            for c, r in zip(conds, rules, strict=True)),
                           key=lambda s: (s[0], not s[1]))
            return _span_problems(column, spans, kind == "quantile")
    # categorical: the same value in two rules is a conflict
    seen: dict[Any, str] = {}
    problems = []
    for cond, rule in zip(conds, rules, strict=True):
        for v in cond[column].values():
            if v in seen:
                problems.append(f"rules {seen[v]!r} and {rule.label!r} both claim "
                                f"{column} = {v!r}")
            seen[v] = rule.label
    return problems


class ClassificationStandard(ConfigModel):
    """The unified classification standard: dimensions, each a list of rules."""

    file = "classification_standard.yaml"

    dimensions: dict[str, Dimension]
    _source: str = PrivateAttr("classification standard")

    @property
    def source(self) -> str:
        """The file (or description) the standard was read from, for error messages."""
        return self._source

    def named(self, source: str) -> ClassificationStandard:
        """The same standard, reporting ``source`` in error messages."""
        out = self.model_copy()
        out._source = source
        return out

    def dimensions_of(self, table: str) -> list[str]:
        """The dimensions that classify rows of ``table`` (``"customers"`` or ``"leads"``)."""
        return [d for d, spec in self.dimensions.items() if spec.table == table]

    def missing_columns(self, columns: Any, table: str = "customers") -> pd.DataFrame:
        """The dimensions of ``table`` that read columns not among ``columns``, and the effect.

        An exclusive dimension missing a column cannot be decided: :func:`classify` with
        ``absent="n/a"`` marks it ``n/a`` for every row. In a ladder (``first_match``) only the
        rules reading the column are left out (no row can reach them); the others still apply.

        Parameters
        ----------
        columns : iterable of str
            The columns there are (e.g. ``features.columns``).
        table : {"customers", "leads"}
            Which dimensions to look at.

        Returns
        -------
        DataFrame
            One row per affected dimension: ``dimension``, ``中文``, ``missing`` (the columns,
            comma-separated) and ``effect``.

        Examples
        --------
        >>> std = load_standard()
        >>> gaps = std.missing_columns(["n_orders", "days_since_last", "orders_last_year"])
        >>> gaps.set_index("dimension").loc["funnel", "effect"]
        "rule 'target' left out (no row can reach it)"
        """
        have = set(map(str, columns))
        rows = []
        for name in self.dimensions_of(table):
            spec = self.dimensions[name]
            absent = sorted({c for c in spec.scope if c not in have}
                            | {c for r in spec.rules for c in r.when if c not in have})
            if not absent:
                continue
            lost = [r.label for r in spec.rules if any(c not in have for c in r.when)]
            partial = (spec.mode == "first_match" and not any(c not in have for c in spec.scope)
                       and len(lost) < len(spec.rules))
            effect = (f"rule{'s' if len(lost) > 1 else ''} {', '.join(map(repr, lost))} left out "
                      "(no row can reach it)" if partial else "not classified: n/a for every row")
            rows.append({"dimension": name, "中文": spec.zh, "missing": ", ".join(absent),
                         "effect": effect})
        return pd.DataFrame(rows, columns=["dimension", "中文", "missing", "effect"])

    def dimension(self, name: str) -> Dimension:
        """One dimension.

        Raises
        ------
        DataProblem
            If the standard has no dimension ``name``.
        """
        if name not in self.dimensions:
            raise DataProblem(f"no dimension {name!r} in the standard; dimensions are "
                              f"{list(self.dimensions)}")
        return self.dimensions[name]


def load_standard(path: str | Path | Mapping[str, Any] | ClassificationStandard | None = None
                  ) -> ClassificationStandard:
    """Read and check the classification standard (default: the bundled YAML file).

    Parameters
    ----------
    path : str, Path, dict or ClassificationStandard, optional
        Your own standard file, or a standard given as a dict (checked the same way); a
        :class:`ClassificationStandard` is returned as it is.

    Returns
    -------
    ClassificationStandard
        ``dimensions``: for each, ``zh``, ``table``, ``mode``, ``scope`` and ``rules`` (each
        with ``label``, ``zh``, ``when``).

    Raises
    ------
    ConfigProblem
        Naming the file, the dimension and the rule, when a rule uses an unknown condition, a
        threshold is not a number, or two ranges on the same column overlap or leave a gap.
    """
    if isinstance(path, ClassificationStandard):
        return path
    if isinstance(path, Mapping):
        source = "standard argument"
        return validate_config(ClassificationStandard, path, source).named(source)
    std = read_config(ClassificationStandard, path)
    return std.named(str(config_path(ClassificationStandard.file, path)))


def with_thresholds(standard: ClassificationStandard,
                    changes: Mapping[str, Any]) -> ClassificationStandard:
    """A copy of ``standard`` with some thresholds changed, checked again.

    Parameters
    ----------
    standard : ClassificationStandard
        From :func:`load_standard`.
    changes : mapping
        ``"dimension.label.column.op"`` to a new value, e.g.
        ``{"purchase_behaviour.frequent.orders_last_year.min": 8}``. Keep neighbouring rules
        in step yourself (the check refuses gaps and overlaps).

    Returns
    -------
    ClassificationStandard

    Raises
    ------
    DataProblem
        If a key names no rule or condition.
    ConfigProblem
        If the changed standard does not pass the checks (a gap, an overlap …).

    Examples
    --------
    >>> std = with_thresholds(load_standard(), {"life_cycle.active.days_since_last.max": 120})
    >>> std.dimensions["life_cycle"].rules[2].when["days_since_last"].max
    120
    """
    raw = standard.model_dump(by_alias=True, exclude_unset=True)
    for key, value in changes.items():
        parts = key.split(".")
        if len(parts) != 4:
            raise DataProblem(f"with_thresholds: {key!r} must look like "
                              "'dimension.label.column.op'")
        dim, label, column, op = parts
        try:
            rule = next(r for r in raw["dimensions"][dim]["rules"] if r["label"] == label)
            rule["when"][column][op] = value
        except (KeyError, StopIteration):
            raise DataProblem(f"with_thresholds: no rule {label!r} with a condition "
                              f"{column}.{op} in dimension {dim!r}") from None
    source = f"{standard.source} (edited)"
    return validate_config(ClassificationStandard, raw, source).named(source)


def standard_table(standard: ClassificationStandard | None = None) -> pd.DataFrame:
    """The rules as a readable table: dimension, mode, label, Chinese name, rule.

    Parameters
    ----------
    standard : ClassificationStandard, optional
        Default: the bundled standard.

    Returns
    -------
    DataFrame
        One row per rule: ``dimension``, ``维度``, ``mode``, ``label``, ``中文``, ``rule``.
    """
    std = load_standard(standard)
    rows = []
    for dim, spec in std.dimensions.items():
        for rule in spec.rules:
            text = tr(" and ").join(c.text(col) for col, c in rule.when.items()) or tr("otherwise")
            rows.append({"dimension": dim, "维度": spec.zh, "mode": tr(spec.mode),
                         "label": rule.label, "中文": rule.zh, "rule": text})
    return pd.DataFrame(rows)
