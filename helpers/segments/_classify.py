"""Applying the classification standard: labels per dimension, and the rows no rule catches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem
from helpers.segments._features import customer_features
from helpers.segments._standard import ClassificationStandard, Condition, load_standard

__all__ = [
    "CONFLICT",
    "NOT_APPLICABLE",
    "UNCLASSIFIED",
    "classification_problems",
    "classify",
    "life_cycle_stage",
    "rule_matches",
]

UNCLASSIFIED = "unclassified"
CONFLICT = "conflict"
NOT_APPLICABLE = "n/a"

Standard = ClassificationStandard | Mapping[str, Any] | None


def _numeric_mask(values: pd.Series, ops: Mapping[str, Any]) -> np.ndarray:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    known = ~np.isnan(x)
    mask = known.copy()
    with np.errstate(invalid="ignore"):
        if "min" in ops:
            mask &= x >= ops["min"]
        if "max" in ops:
            mask &= x <= ops["max"]
        if "above" in ops:
            mask &= x > ops["above"]
        if "below" in ops:
            mask &= x < ops["below"]
        if known.any() and "q_min" in ops:
            mask &= x >= np.quantile(x[known], ops["q_min"])
        if known.any() and "q_below" in ops and ops["q_below"] < 1:
            mask &= x < np.quantile(x[known], ops["q_below"])
    return mask


def _column_mask(values: pd.Series, cond: Condition) -> np.ndarray:
    ops = cond.ops
    mask = np.ones(len(values), dtype=bool)
    if "present" in ops:
        mask &= values.notna().to_numpy() == bool(ops["present"])
    if "equals" in ops or "in" in ops:
        wanted = cond.values()
        if values.dtype == bool or pd.api.types.is_bool_dtype(values):
            wanted = [w for w in wanted if isinstance(w, bool)] or wanted
        mask &= values.isin(wanted).to_numpy()
    if any(op in ops for op in ("min", "max", "above", "below", "q_min", "q_below")):
        mask &= _numeric_mask(values, ops)
    return mask


def _conditions_mask(features: pd.DataFrame, when: Mapping[str, Condition],
                     where: str) -> np.ndarray:
    mask = np.ones(len(features), dtype=bool)
    for column, cond in when.items():
        if column not in features.columns:
            raise DataProblem(
                f"{where} reads column {column!r}, which the features do not have. Columns "
                f"available: {sorted(map(str, features.columns))}. Fix the rule in the "
                "standard, or add the column to your data.")
        mask &= _column_mask(features[column], cond)
    return mask


def rule_matches(features: pd.DataFrame, standard: Standard, dimension: str) -> pd.DataFrame:
    """Boolean table: which rules of ``dimension`` each row meets (one column per label).

    Parameters
    ----------
    features : DataFrame
        :func:`customer_features` or :func:`lead_features`.
    standard : ClassificationStandard or None
        From :func:`load_standard` (None: the bundled standard).
    dimension : str
        The dimension whose rules are tried.

    Returns
    -------
    DataFrame
        Same index as ``features``, one boolean column per rule label.

    Raises
    ------
    DataProblem
        If the dimension is unknown, or a rule reads a column the features lack.
    """
    std = load_standard(standard)
    spec = std.dimension(dimension)
    data = {r.label: _conditions_mask(features, r.when, f"{std.source}: dimensions."
                                      f"{dimension} rule {r.label!r}")
            for r in spec.rules}
    return pd.DataFrame(data, index=features.index)


def _labels(features: pd.DataFrame, standard: ClassificationStandard, dim: str,
            absent: str = "raise") -> pd.Series:
    spec = standard.dimension(dim)
    have = set(features.columns)
    if absent == "n/a" and not {c for r in spec.rules for c in r.when} | set(spec.scope) <= have:
        cats = [*spec.labels, UNCLASSIFIED, CONFLICT, NOT_APPLICABLE]
        partial = spec.mode == "first_match" and set(spec.scope) <= have
        usable = [r for r in spec.rules if set(r.when) <= have] if partial else []
        if not usable:
            return pd.Series(pd.Categorical([NOT_APPLICABLE] * len(features), categories=cats),
                             index=features.index, name=dim)
        # a ladder without the rules it cannot read: the others still decide (said by
        # ClassificationStandard.missing_columns)
        kept = spec.model_copy(update={"rules": usable})
        reduced = standard.model_copy(update={"dimensions": {**standard.dimensions, dim: kept}})
        out = _labels(features, reduced.named(standard.source), dim)
        return out.cat.set_categories(cats)
    matches = rule_matches(features, standard, dim)
    m = matches.to_numpy()
    k = m.shape[1]
    hits = m.sum(axis=1)
    first = m.argmax(axis=1)
    if spec.mode == "first_match":
        codes = np.where(hits > 0, first, k)
    else:
        codes = np.where(hits == 1, first, np.where(hits == 0, k, k + 1))
    if spec.scope:
        inside = _conditions_mask(features, spec.scope,
                                  f"{standard.source}: dimensions.{dim}.scope")
        codes = np.where(inside, codes, k + 2)
    cats = [*matches.columns, UNCLASSIFIED, CONFLICT, NOT_APPLICABLE]
    return pd.Series(pd.Categorical.from_codes(codes, categories=cats), index=features.index,
                     name=dim)


def _dimensions(std: ClassificationStandard, dimensions: Iterable[str] | None,
                table: str) -> list[str]:
    return list(dimensions) if dimensions is not None else std.dimensions_of(table)


def classify(
    features: pd.DataFrame,
    standard: Standard = None,
    dimensions: Iterable[str] | None = None,
    table: str = "customers",
    absent: str = "raise",
) -> pd.DataFrame:
    """Apply the standard: one label column per dimension, one row per customer (or lead).

    Rows no rule catches get ``"unclassified"``; rows several rules of an exclusive dimension
    catch get ``"conflict"`` (see :func:`classification_problems`); rows outside a dimension's
    scope get ``"n/a"``.

    Parameters
    ----------
    features : DataFrame
        :func:`customer_features` or :func:`lead_features`.
    standard : ClassificationStandard, optional
        :func:`load_standard` (default: the bundled standard).
    dimensions : list of str, optional
        Which dimensions (default: all of the given ``table``).
    table : {"customers", "leads"}
        Which dimensions apply when ``dimensions`` is not given.
    absent : {"raise", "n/a"}
        A rule reading a column the features lack: raise (default), or ``"n/a"``: the
        dimension is ``n/a`` for every row (a ladder only loses the rules it cannot read). Say
        which with :meth:`ClassificationStandard.missing_columns`.

    Returns
    -------
    DataFrame
        Same index as ``features``, one categorical column per dimension.

    Raises
    ------
    DataProblem
        If a dimension is unknown, a rule reads a column the features lack (``absent="raise"``)
        or ``absent`` is neither value.

    Examples
    --------
    >>> feats = pd.DataFrame({"orders_last_year": [0, 0, 3, 9], "n_orders": [0, 4, 5, 20]},
    ...                      index=["a", "b", "c", "d"])
    >>> classify(feats, dimensions=["purchase_behaviour"])["purchase_behaviour"].tolist()
    ['potential', 'rare', 'occasional', 'frequent']
    """
    if absent not in ("raise", "n/a"):
        raise DataProblem(f"classify: absent must be 'raise' or 'n/a', not {absent!r}")
    std = load_standard(standard)
    dims = _dimensions(std, dimensions, table)
    return pd.concat([_labels(features, std, d, absent) for d in dims], axis=1) if dims else \
        pd.DataFrame(index=features.index)


def life_cycle_stage(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    as_of: Any = None,
    standard: Standard = None,
) -> pd.Series:
    """Each customer's life-cycle stage (prospect, new, active, at risk, lapsed) by the standard.

    A shortcut for later lessons (value, telemarketing, collections):
    ``classify(customer_features(customers, transactions, as_of), standard,
    dimensions=["life_cycle"])["life_cycle"]``.

    Parameters
    ----------
    customers, transactions : DataFrame
        The course tables.
    as_of : date-like, optional
        Day of the classification; default the last purchase day.
    standard : ClassificationStandard, optional
        Default: the bundled standard.

    Returns
    -------
    Series
        Categorical, indexed by ``customer_id``.
    """
    features = customer_features(customers, transactions, as_of=as_of)
    return classify(features, standard, dimensions=["life_cycle"])["life_cycle"]


def classification_problems(
    features: pd.DataFrame,
    standard: Standard = None,
    dimensions: Iterable[str] | None = None,
    table: str = "customers",
) -> pd.DataFrame:
    """Customers (or leads) no rule catches, or several rules catch, per dimension.

    Parameters
    ----------
    features : DataFrame
        :func:`customer_features` or :func:`lead_features`.
    standard : ClassificationStandard, optional
        Default: the bundled standard.
    dimensions : list of str, optional
        Which dimensions (default: all of the given ``table``).
    table : {"customers", "leads"}
        Which dimensions apply when ``dimensions`` is not given.

    Returns
    -------
    DataFrame
        One row per problem: ``dimension``, the row's ``id``, ``problem`` ("no rule" or
        "conflict") and ``rules`` (the labels that matched, for conflicts).
    """
    std = load_standard(standard)
    parts = []
    for dim in _dimensions(std, dimensions, table):
        spec = std.dimension(dim)
        matches = rule_matches(features, std, dim)
        hits = matches.sum(axis=1)
        inside = (_conditions_mask(features, spec.scope, dim) if spec.scope
                  else np.ones(len(features), dtype=bool))
        bad = inside & ((hits == 0) | ((hits > 1) & (spec.mode == "exclusive"))).to_numpy()
        if not bad.any():
            continue
        sub = matches[bad]
        names = sub.apply(lambda r: ", ".join(r.index[r.to_numpy()]), axis=1) if len(sub) else []
        parts.append(pd.DataFrame({
            "dimension": dim,
            "id": sub.index,
            "problem": np.where(hits[bad] == 0, "no rule", "conflict"),
            "rules": list(names),
        }))
    if not parts:
        return pd.DataFrame(columns=["dimension", "id", "problem", "rules"])
    return pd.concat(parts, ignore_index=True)
