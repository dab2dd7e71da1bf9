"""Classifying customers by rules: one standard, kept as data, applied the same way everywhere.

The standard lives in ``helpers/config/classification_standard.yaml``: for each dimension
(purchase behaviour, value, needs, attitude, psychographics, funnel status, life-cycle stage, B2B
lead grade, outlet service tier) a list of rules, each a label and the conditions a customer must
meet. This module reads and checks that file (:func:`load_standard`), builds the columns the
rules read (:func:`customer_features`, :func:`lead_features`), applies the rules
(:func:`classify`) and reports the customers that no rule, or several rules, catch
(:func:`classification_problems`): the "every department has its own definition" problem made
visible.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, config_problem, sample_rows
from helpers.segments.rfm import customer_summary

__all__ = [
    "UNCLASSIFIED",
    "CONFLICT",
    "NOT_APPLICABLE",
    "load_standard",
    "validate_standard",
    "with_thresholds",
    "standard_table",
    "customer_features",
    "lead_features",
    "rule_matches",
    "classify",
    "classification_problems",
    "life_cycle_stage",
    "funnel_table",
    "LEAD_STAGES",
    "lead_funnel",
    "plot_funnel",
    "plot_dimension_sizes",
    "rules_view",
    "explore_rules",
]

UNCLASSIFIED = "unclassified"
CONFLICT = "conflict"
NOT_APPLICABLE = "n/a"
RANGE_OPS = {"min", "max", "above", "below"}
QUANTILE_OPS = {"q_min", "q_below"}
VALUE_OPS = {"in", "equals", "present"}
OPS = RANGE_OPS | QUANTILE_OPS | VALUE_OPS
MODES = {"exclusive", "first_match"}
TABLES = {"customers", "leads"}


# --------------------------------------------------------------------------------------------
# the standard
# --------------------------------------------------------------------------------------------
def load_standard(path: str | Path | None = None) -> dict[str, Any]:
    """Read and check the classification standard (default: the bundled YAML file).

    Raises
    ------
    DataProblem
        Naming the file, the dimension and the rule, when a rule uses an unknown condition,
        a threshold is not a number, or two ranges on the same column overlap or leave a gap.
    """
    import yaml

    from helpers.paths import config_file

    chosen = config_file("classification_standard.yaml", path)
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise config_problem(chosen, "(file)", f"is not valid YAML: {err}") from err
    return validate_standard(raw, source=str(chosen))


def _check_condition(source: str, where: str, column: str, cond: Any) -> dict[str, Any]:
    if not isinstance(cond, dict) or not cond:
        raise config_problem(source, f"{where}.{column}", f"must be a mapping such as "
                             f"{{min: 3}} or {{in: [a, b]}}, got {cond!r}")
    unknown = set(cond) - OPS
    if unknown:
        raise config_problem(source, f"{where}.{column}", f"uses unknown condition(s) "
                             f"{sorted(unknown)}; allowed are {sorted(OPS)}")
    for op in RANGE_OPS | QUANTILE_OPS:
        if op in cond:
            v = cond[op]
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise config_problem(source, f"{where}.{column}.{op}", f"must be a number, "
                                     f"got {v!r}")
            if op in QUANTILE_OPS and not 0 <= v <= 1:
                raise config_problem(source, f"{where}.{column}.{op}", f"is a share between 0 "
                                     f"and 1, got {v!r}")
    if "in" in cond and not isinstance(cond["in"], list):
        raise config_problem(source, f"{where}.{column}.in", "must be a list of values")
    lo = max([cond[k] for k in ("min", "above") if k in cond], default=-np.inf)
    hi = min([cond[k] for k in ("max", "below") if k in cond], default=np.inf)
    if lo > hi or (lo == hi and ("above" in cond or "below" in cond)):
        raise config_problem(source, f"{where}.{column}", f"can never hold: {cond}")
    return dict(cond)


def _interval(cond: Mapping[str, Any], quantile: bool) -> tuple[float, bool, float, bool]:
    """(low, low included, high, high included) of a one-column range condition."""
    if quantile:
        return (cond.get("q_min", 0.0), True, cond.get("q_below", np.inf), False)
    lo, lo_in = -np.inf, True
    if "min" in cond:
        lo, lo_in = cond["min"], True
    if "above" in cond and cond["above"] >= lo:
        lo, lo_in = cond["above"], False
    hi, hi_in = np.inf, True
    if "max" in cond:
        hi, hi_in = cond["max"], True
    if "below" in cond and cond["below"] <= hi:
        hi, hi_in = cond["below"], False
    return lo, lo_in, hi, hi_in


def _check_ranges(source: str, dim: str, rules: list[dict[str, Any]]) -> None:
    """Overlaps and gaps between one-column range rules of an exclusive dimension."""
    conds = [r["when"] for r in rules]
    if not conds or any(len(c) != 1 for c in conds):
        return
    columns = {next(iter(c)) for c in conds}
    if len(columns) != 1:
        return
    column = columns.pop()
    ops = [set(c[column]) for c in conds]
    for kind, opset in (("value", RANGE_OPS), ("quantile", QUANTILE_OPS)):
        if not all(o <= opset for o in ops):
            continue
        spans = sorted(
            (( *_interval(c[column], kind == "quantile"), r["label"]) for c, r in
             zip(conds, rules, strict=True)), key=lambda s: (s[0], not s[1]))
        if kind == "quantile":
            spans[-1] = (*spans[-1][:2], np.inf, False, spans[-1][4])
            if spans[0][0] > 0:
                raise config_problem(source, f"dimensions.{dim}", f"rules leave the "
                                     f"{column!r} quantiles below {spans[0][0]} uncovered")
        for a, b in zip(spans, spans[1:], strict=False):
            a_hi, a_in, b_lo, b_in = a[2], a[3], b[0], b[1]
            if a_hi > b_lo or (a_hi == b_lo and a_in and b_in):
                raise config_problem(source, f"dimensions.{dim}", f"rules {a[4]!r} and "
                                     f"{b[4]!r} overlap on {column!r} near {b_lo}: a customer "
                                     "would get both labels")
            if a_hi < b_lo or (a_hi == b_lo and not a_in and not b_in):
                raise config_problem(source, f"dimensions.{dim}", f"rules {a[4]!r} and "
                                     f"{b[4]!r} leave a gap on {column!r} between {a_hi} and "
                                     f"{b_lo}: some customers would get no label")
        if kind == "value" and (spans[0][0] != -np.inf or spans[-1][2] != np.inf):
            # open ends are allowed only when values cannot go there (counts are >= 0)
            if spans[0][0] > 0 or spans[-1][2] != np.inf:
                raise config_problem(source, f"dimensions.{dim}", f"rules do not cover every "
                                     f"value of {column!r} (from {spans[0][0]} to "
                                     f"{spans[-1][2]})")
        return
    # categorical: the same value in two rules is a conflict
    seen: dict[Any, str] = {}
    for cond, rule in zip(conds, rules, strict=True):
        c = cond[column]
        values = c.get("in", []) + ([c["equals"]] if "equals" in c else [])
        for v in values:
            if v in seen:
                raise config_problem(source, f"dimensions.{dim}", f"rules {seen[v]!r} and "
                                     f"{rule['label']!r} both claim {column} = {v!r}")
            seen[v] = rule["label"]


def validate_standard(raw: Any, source: str = "classification standard") -> dict[str, Any]:
    """Check a standard read from YAML; return a clean copy. Errors name file, dimension, rule."""
    if not isinstance(raw, dict) or not isinstance(raw.get("dimensions"), dict):
        raise config_problem(source, "dimensions", "is missing: the file needs a mapping of "
                             "dimensions, each with a list of rules")
    clean: dict[str, Any] = {"dimensions": {}}
    for dim, spec in raw["dimensions"].items():
        where = f"dimensions.{dim}"
        if not isinstance(spec, dict):
            raise config_problem(source, where, "must be a mapping with 'rules'")
        unknown = set(spec) - {"zh", "table", "mode", "rules", "scope", "description"}
        if unknown:
            raise config_problem(source, where, f"has unknown key(s) {sorted(unknown)}")
        mode = spec.get("mode", "exclusive")
        if mode not in MODES:
            raise config_problem(source, f"{where}.mode", f"must be one of {sorted(MODES)}, "
                                 f"got {mode!r}")
        tbl = spec.get("table", "customers")
        if tbl not in TABLES:
            raise config_problem(source, f"{where}.table", f"must be one of {sorted(TABLES)}")
        rules = spec.get("rules")
        if not isinstance(rules, list) or not rules:
            raise config_problem(source, f"{where}.rules", "must be a non-empty list")
        out_rules = []
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict) or "label" not in rule:
                raise config_problem(source, f"{where}.rules[{i}]", "needs a 'label'")
            rwhere = f"{where}.rules[{i}] ({rule['label']})"
            extra = set(rule) - {"label", "zh", "when", "action"}
            if extra:
                raise config_problem(source, rwhere, f"has unknown key(s) {sorted(extra)}")
            when = rule.get("when", {})
            if not isinstance(when, dict):
                raise config_problem(source, f"{rwhere}.when", "must be a mapping of column: "
                                     "condition")
            out_rules.append({**rule, "label": str(rule["label"]), "when": {
                col: _check_condition(source, f"{rwhere}.when", col, c)
                for col, c in when.items()}})
        labels = [r["label"] for r in out_rules]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise config_problem(source, f"{where}.rules", f"use the label(s) {dup} twice")
        scope = spec.get("scope", {})
        if not isinstance(scope, dict):
            raise config_problem(source, f"{where}.scope", "must be a mapping of conditions")
        scope = {c: _check_condition(source, f"{where}.scope", c, v) for c, v in scope.items()}
        if mode == "exclusive":
            _check_ranges(source, dim, out_rules)
        clean["dimensions"][dim] = {"zh": spec.get("zh", ""), "table": tbl, "mode": mode,
                                    "scope": scope, "rules": out_rules}
    clean["source"] = source
    return clean


def with_thresholds(standard: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``standard`` with some thresholds changed, checked again.

    ``changes`` maps ``"dimension.label.column.op"`` to a new value, e.g.
    ``{"purchase_behaviour.frequent.orders_last_year.min": 8}``. Keep neighbouring rules in
    step yourself (the check refuses gaps and overlaps).
    """
    new = copy.deepcopy(dict(standard))
    for key, value in changes.items():
        parts = key.split(".")
        if len(parts) != 4:
            raise DataProblem(f"with_thresholds: {key!r} must look like "
                              "'dimension.label.column.op'")
        dim, label, column, op = parts
        try:
            rule = next(r for r in new["dimensions"][dim]["rules"] if r["label"] == label)
            rule["when"][column][op] = value
        except (KeyError, StopIteration):
            raise DataProblem(f"with_thresholds: no rule {label!r} with a condition "
                              f"{column}.{op} in dimension {dim!r}") from None
    return validate_standard(new, source=f"{standard.get('source', 'standard')} (edited)")


def _cond_text(column: str, cond: Mapping[str, Any]) -> str:
    words = {"min": "≥", "max": "≤", "above": ">", "below": "<"}
    parts = []
    for op, v in cond.items():
        if op in words:
            parts.append(f"{column} {words[op]} {v:g}")
        elif op == "q_min":
            parts.append(f"{column} in top {1 - v:.0%}")
        elif op == "q_below":
            parts.append(f"{column} below the {v:.0%} quantile")
        elif op == "in":
            parts.append(f"{column} in {{{', '.join(map(str, v))}}}")
        elif op == "equals":
            parts.append(f"{column} = {v}")
        elif op == "present":
            parts.append(f"{column} known" if v else f"{column} unknown")
    return " and ".join(parts)


def standard_table(standard: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The rules as a readable table: dimension, mode, label, Chinese name, rule."""
    std = standard or load_standard()
    rows = []
    for dim, spec in std["dimensions"].items():
        for rule in spec["rules"]:
            text = " and ".join(_cond_text(c, v) for c, v in rule["when"].items()) or "otherwise"
            rows.append({"dimension": dim, "维度": spec["zh"], "mode": spec["mode"],
                         "label": rule["label"], "中文": rule.get("zh", ""), "rule": text})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------------
def customer_features(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    as_of: Any = None,
) -> pd.DataFrame:
    """The columns the rules read, one row per customer (customers without purchases included).

    Adds to the customers table: ``n_orders`` (distinct purchase days), ``monetary_total``,
    ``orders_last_year`` and ``revenue_last_year`` (the 365 days up to ``as_of``),
    ``days_since_last`` and ``days_since_first`` (empty when the customer never bought),
    ``avg_order_value``. Returns are left out.

    Parameters
    ----------
    customers : DataFrame
        The customers table (needs ``customer_id``).
    transactions : DataFrame
        The transactions table.
    as_of : date-like, optional
        Day the classification is made; default the last purchase day.
    """
    if "customer_id" not in customers.columns:
        raise DataProblem(f"customers: column 'customer_id' not found; columns are "
                          f"{list(customers.columns)}. Map your customer number to customer_id.")
    dup = customers["customer_id"].duplicated()
    if dup.any():
        raise DataProblem(f"customers: customer_id is not unique, e.g. "
                          f"{sample_rows(customers.loc[dup, 'customer_id'])}; de-duplicate the "
                          "customer list first (lesson 01).")
    summary = customer_summary(transactions, observation_end=as_of)
    end = summary.attrs["observation_end"]
    days = pd.to_datetime(transactions["purchase_date"], errors="coerce").dt.normalize()
    # the 365 days up to and including the observation end
    recent = transactions[(days > end - pd.Timedelta(days=365)) & (days <= end)]
    last_year = customer_summary(recent, observation_end=end) if len(recent) else None
    feats = customers.set_index("customer_id")
    feats.index = feats.index.astype(str)
    summary.index = summary.index.astype(str)
    out = feats.join(summary[["n_orders", "monetary_total", "avg_order_value",
                              "days_since_last", "tenure_days"]], how="left")
    out = out.rename(columns={"tenure_days": "days_since_first"})
    if last_year is not None:
        last_year.index = last_year.index.astype(str)
        out = out.join(last_year[["n_orders", "monetary_total"]].rename(columns={
            "n_orders": "orders_last_year", "monetary_total": "revenue_last_year"}), how="left")
    else:
        out["orders_last_year"], out["revenue_last_year"] = 0, 0.0
    for col in ("n_orders", "orders_last_year"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("monetary_total", "revenue_last_year", "avg_order_value"):
        out[col] = out[col].fillna(0.0).astype("float64")
    unknown = summary.index.difference(out.index)
    out.attrs["as_of"] = end
    out.attrs["buyers_not_in_customers"] = len(unknown)
    return out


def lead_features(leads: pd.DataFrame) -> pd.DataFrame:
    """Leads indexed by ``lead_id`` plus ``inquiry_detail``: how many of specification,
    quantity, payment terms and delivery date the inquiry states (0-4)."""
    if "lead_id" not in leads.columns:
        raise DataProblem(f"leads: column 'lead_id' not found; columns are {list(leads.columns)}")
    out = leads.set_index("lead_id")
    flags = [c for c in ("has_specs", "has_quantity", "has_payment_terms", "has_delivery_date")
             if c in out.columns]
    out["inquiry_detail"] = (out[flags].fillna(False).astype(bool).sum(axis=1) if flags
                             else 0)
    return out


# --------------------------------------------------------------------------------------------
# applying the rules
# --------------------------------------------------------------------------------------------
def _column_mask(values: pd.Series, cond: Mapping[str, Any]) -> np.ndarray:
    mask = np.ones(len(values), dtype=bool)
    if "present" in cond:
        mask &= values.notna().to_numpy() == bool(cond["present"])
    if "equals" in cond or "in" in cond:
        wanted = ([cond["equals"]] if "equals" in cond else []) + list(cond.get("in", []))
        if values.dtype == bool or pd.api.types.is_bool_dtype(values):
            wanted = [w for w in wanted if isinstance(w, bool)] or wanted
        mask &= values.isin(wanted).to_numpy()
    num_ops = [op for op in cond if op in RANGE_OPS | QUANTILE_OPS]
    if num_ops:
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
        known = ~np.isnan(x)
        mask &= known
        with np.errstate(invalid="ignore"):
            if "min" in cond:
                mask &= x >= cond["min"]
            if "max" in cond:
                mask &= x <= cond["max"]
            if "above" in cond:
                mask &= x > cond["above"]
            if "below" in cond:
                mask &= x < cond["below"]
            if known.any() and ("q_min" in cond or "q_below" in cond):
                if "q_min" in cond:
                    mask &= x >= np.quantile(x[known], cond["q_min"])
                if "q_below" in cond and cond["q_below"] < 1:
                    mask &= x < np.quantile(x[known], cond["q_below"])
    return mask


def _conditions_mask(features: pd.DataFrame, when: Mapping[str, Any], where: str) -> np.ndarray:
    mask = np.ones(len(features), dtype=bool)
    for column, cond in when.items():
        if column not in features.columns:
            raise DataProblem(
                f"{where} reads column {column!r}, which the features do not have. Columns "
                f"available: {sorted(map(str, features.columns))}. Fix the rule in the "
                "standard, or add the column to your data.")
        mask &= _column_mask(features[column], cond)
    return mask


def rule_matches(features: pd.DataFrame, standard: Mapping[str, Any], dimension: str
                 ) -> pd.DataFrame:
    """Boolean table: which rules of ``dimension`` each row meets (one column per label)."""
    try:
        spec = standard["dimensions"][dimension]
    except KeyError:
        raise DataProblem(f"no dimension {dimension!r} in the standard; dimensions are "
                          f"{list(standard['dimensions'])}") from None
    src = standard.get("source", "standard")
    data = {r["label"]: _conditions_mask(features, r["when"],
                                         f"{src}: dimensions.{dimension} rule {r['label']!r}")
            for r in spec["rules"]}
    return pd.DataFrame(data, index=features.index)


def _labels(features: pd.DataFrame, standard: Mapping[str, Any], dim: str) -> pd.Series:
    spec = standard["dimensions"][dim]
    matches = rule_matches(features, standard, dim)
    m = matches.to_numpy()
    k = m.shape[1]
    hits = m.sum(axis=1)
    first = m.argmax(axis=1)
    if spec["mode"] == "first_match":
        codes = np.where(hits > 0, first, k)
    else:
        codes = np.where(hits == 1, first, np.where(hits == 0, k, k + 1))
    if spec["scope"]:
        inside = _conditions_mask(features, spec["scope"],
                                  f"{standard.get('source', 'standard')}: dimensions.{dim}.scope")
        codes = np.where(inside, codes, k + 2)
    cats = [*matches.columns, UNCLASSIFIED, CONFLICT, NOT_APPLICABLE]
    return pd.Series(pd.Categorical.from_codes(codes, categories=cats), index=features.index,
                     name=dim)


def _crosstab(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Cross-tab of two categorical Series by counting codes (fast, keeps category order)."""
    na, nb = len(a.cat.categories), len(b.cat.categories)
    counts = np.bincount(a.cat.codes.to_numpy() * nb + b.cat.codes.to_numpy(),
                         minlength=na * nb).reshape(na, nb)
    table = pd.DataFrame(counts, index=pd.Index(a.cat.categories, name=a.name),
                         columns=pd.Index(b.cat.categories, name=b.name))
    return table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]


def classify(
    features: pd.DataFrame,
    standard: Mapping[str, Any] | None = None,
    dimensions: Iterable[str] | None = None,
    table: str = "customers",
) -> pd.DataFrame:
    """Apply the standard: one label column per dimension, one row per customer (or lead).

    Rows no rule catches get ``"unclassified"``; rows several rules of an exclusive dimension
    catch get ``"conflict"`` (see :func:`classification_problems`); rows outside a dimension's
    scope get ``"n/a"``.

    Parameters
    ----------
    features : DataFrame
        :func:`customer_features` or :func:`lead_features`.
    standard : dict, optional
        :func:`load_standard` (default: the bundled standard).
    dimensions : list of str, optional
        Which dimensions (default: all of the given ``table``).
    table : {"customers", "leads"}
        Which dimensions apply when ``dimensions`` is not given.
    """
    std = standard or load_standard()
    dims = list(dimensions) if dimensions is not None else [
        d for d, s in std["dimensions"].items() if s["table"] == table]
    return pd.concat([_labels(features, std, d) for d in dims], axis=1) if dims else \
        pd.DataFrame(index=features.index)


def life_cycle_stage(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    as_of: Any = None,
    standard: Mapping[str, Any] | None = None,
) -> pd.Series:
    """Each customer's life-cycle stage (prospect, new, active, at risk, lapsed) by the standard.

    A shortcut for later lessons (value, telemarketing, collections):
    ``classify(customer_features(customers, transactions, as_of), standard,
    dimensions=["life_cycle"])["life_cycle"]``.
    """
    features = customer_features(customers, transactions, as_of=as_of)
    return classify(features, standard, dimensions=["life_cycle"])["life_cycle"]


def classification_problems(
    features: pd.DataFrame,
    standard: Mapping[str, Any] | None = None,
    dimensions: Iterable[str] | None = None,
    table: str = "customers",
) -> pd.DataFrame:
    """Customers (or leads) no rule catches, or several rules catch, per dimension.

    Returns one row per problem: ``dimension``, the row's id, ``problem`` ("no rule" or
    "conflict") and ``rules`` (the labels that matched, for conflicts).
    """
    std = standard or load_standard()
    dims = list(dimensions) if dimensions is not None else [
        d for d, s in std["dimensions"].items() if s["table"] == table]
    parts = []
    for dim in dims:
        spec = std["dimensions"][dim]
        matches = rule_matches(features, std, dim)
        hits = matches.sum(axis=1)
        inside = (_conditions_mask(features, spec["scope"], dim) if spec["scope"]
                  else np.ones(len(features), dtype=bool))
        bad = inside & ((hits == 0) | ((hits > 1) & (spec["mode"] == "exclusive"))).to_numpy()
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


# --------------------------------------------------------------------------------------------
# funnel
# --------------------------------------------------------------------------------------------
def funnel_table(labels: pd.Series, stages: Iterable[str] | None = None) -> pd.DataFrame:
    """Counts per funnel stage, customers who reached at least that stage, and conversion.

    Parameters
    ----------
    labels : Series
        The ``funnel`` column of :func:`classify` (each customer's highest stage).
    stages : list of str, optional
        Stages from the first (widest) to the last; default: the categories of ``labels``
        in reverse (the standard lists the highest stage first).

    Returns
    -------
    DataFrame
        Indexed by stage: ``customers`` (at this stage now), ``reached`` (at this stage or
        beyond), ``conversion`` (reached / reached at the previous stage) and ``drop_off``.
    """
    if stages is None:
        cats = [c for c in labels.cat.categories if c not in
                (UNCLASSIFIED, CONFLICT, NOT_APPLICABLE)]
        # the standard lists the highest stage first; lead_funnel the lowest first
        stages = cats if cats and cats[0] == "potential" else list(reversed(cats))
    stages = list(stages)
    unknown = set(labels.dropna().astype(str)) - set(stages) - {UNCLASSIFIED, CONFLICT,
                                                               NOT_APPLICABLE}
    if unknown:
        raise DataProblem(f"funnel_table: labels {sorted(unknown)} are not among the stages "
                          f"{stages}")
    counts = labels.astype(str).value_counts().reindex(stages, fill_value=0)
    reached = counts[::-1].cumsum()[::-1]
    prev = reached.shift(1)
    out = pd.DataFrame({"customers": counts, "reached": reached,
                        "conversion": (reached / prev).where(prev > 0)})
    out["drop_off"] = 1 - out["conversion"]
    out.index.name = "stage"
    return out


LEAD_STAGES = ("potential", "target", "contacted", "interested", "closed")


def lead_funnel(leads: pd.DataFrame, calls: pd.DataFrame) -> pd.Series:
    """Each lead's highest funnel stage, from the leads table and the call log.

    ``potential``: recorded; ``target``: chosen for a call (called at least once);
    ``contacted``: answered a call; ``interested``: a call ended *interested*, *callback
    requested* or *sale*; ``closed``: the lead ordered (``converted``). Feed the result to
    :func:`funnel_table`.
    """
    for name, frame, cols in (("leads", leads, ["lead_id", "converted"]),
                              ("calls", calls, ["lead_id", "answered", "outcome"])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise DataProblem(f"lead_funnel: table {name!r} has no column(s) {missing}; "
                              f"columns are {list(frame.columns)}")
    lc = calls[calls["lead_id"].notna()]
    ids = leads["lead_id"].astype(str)
    called = ids.isin(lc["lead_id"].astype(str))
    answered = ids.isin(lc.loc[lc["answered"].fillna(False).astype(bool), "lead_id"].astype(str))
    keen = lc["outcome"].isin(["interested", "callback_requested", "sale"])
    interested = ids.isin(lc.loc[keen, "lead_id"].astype(str))
    closed = leads["converted"].fillna(False).astype(bool).to_numpy()
    codes = np.select([closed, interested, answered, called], [4, 3, 2, 1], default=0)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(LEAD_STAGES)),
                     index=pd.Index(ids, name="lead_id"), name="lead_stage")


def plot_funnel(funnel: pd.DataFrame, ax: Any = None) -> Any:
    """Horizontal funnel: customers reaching each stage, with the conversion from the stage
    before."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    y = np.arange(len(funnel))[::-1]
    widths = funnel["reached"].to_numpy()
    ax.barh(y, widths, left=(widths.max() - widths) / 2, color="#3a7ca5")
    for yi, (stage, row) in zip(y, funnel.iterrows(), strict=True):
        conv = "" if pd.isna(row["conversion"]) else f"  ({row['conversion']:.0%} of previous)"
        ax.text(widths.max() / 2, yi, f"{stage}: {row['reached']:,.0f}{conv}", ha="center",
                va="center", color="white", fontsize=9, fontweight="bold")
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_title("Sales funnel: customers reaching each stage")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return ax


def plot_dimension_sizes(labels: pd.DataFrame, ax: Any = None) -> Any:
    """One stacked bar per dimension: the share of customers with each label."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(labels.columns) + 1.5))
    cmap = plt.get_cmap("tab20")
    for i, dim in enumerate(labels.columns):
        shares = labels[dim].value_counts(normalize=True, sort=False)
        shares = shares[shares > 0]
        left = 0.0
        for j, (label, share) in enumerate(shares.items()):
            colour = "#bbbbbb" if label in (UNCLASSIFIED, CONFLICT, NOT_APPLICABLE) else cmap(j)
            ax.barh(i, share, left=left, color=colour, edgecolor="white")
            if share > 0.06:
                ax.text(left + share / 2, i, str(label), ha="center", va="center", fontsize=7)
            left += share
    ax.set_yticks(range(len(labels.columns)), labels.columns)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title("Customers by label, each dimension")
    return ax


# --------------------------------------------------------------------------------------------
# widget
# --------------------------------------------------------------------------------------------
def rules_view(
    features: pd.DataFrame,
    standard: Mapping[str, Any],
    frequent_min: int = 6,
    occasional_min: int = 2,
    at_risk_days: int = 90,
    lapsed_days: int = 180,
    rows: str = "purchase_behaviour",
    columns: str = "life_cycle",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the rules widget shows (pure, fast): segment sizes and a cross-tab of two dimensions.

    The four thresholds move the purchase-behaviour and life-cycle rules of the bundled
    standard; the neighbouring rules are kept in step so no gap or overlap appears.
    """
    if not 0 < occasional_min < frequent_min:
        raise DataProblem("rules_view: need 0 < occasional_min < frequent_min, got "
                          f"{occasional_min} and {frequent_min}")
    if not 0 < at_risk_days < lapsed_days:
        raise DataProblem("rules_view: need 0 < at_risk_days < lapsed_days, got "
                          f"{at_risk_days} and {lapsed_days}")
    std = with_thresholds(standard, {
        "purchase_behaviour.frequent.orders_last_year.min": frequent_min,
        "purchase_behaviour.occasional.orders_last_year.min": occasional_min,
        "purchase_behaviour.occasional.orders_last_year.below": frequent_min,
        "purchase_behaviour.potential.orders_last_year.below": occasional_min,
        "life_cycle.active.days_since_last.max": at_risk_days,
        "life_cycle.at risk.days_since_last.above": at_risk_days,
        "life_cycle.at risk.days_since_last.max": lapsed_days,
        "life_cycle.lapsed.days_since_last.above": lapsed_days,
    })
    labels = classify(features, std, dimensions=list(dict.fromkeys([rows, columns])))
    sizes = pd.concat({d: pd.Series(np.bincount(labels[d].cat.codes.to_numpy(),
                                                minlength=len(labels[d].cat.categories)),
                                    index=labels[d].cat.categories)
                       for d in labels.columns}, names=["dimension", "label"]).rename("customers")
    sizes = sizes[sizes > 0].to_frame()
    cross = _crosstab(labels[rows], labels[columns])
    return sizes, cross


def explore_rules(features: pd.DataFrame, standard: Mapping[str, Any] | None = None) -> Any:
    """Widget: move the thresholds, watch segment sizes and a two-dimension cross-tab update."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    std = standard or load_standard()
    dims = [d for d, s in std["dimensions"].items() if s["table"] == "customers"]
    freq = w.IntSlider(value=6, min=2, max=20, description="frequent ≥")
    occ = w.IntSlider(value=2, min=1, max=10, description="occasional ≥")
    risk = w.IntSlider(value=90, min=30, max=360, step=15, description="at risk after")
    lapsed = w.IntSlider(value=180, min=60, max=720, step=15, description="lapsed after")
    rows = w.Dropdown(options=dims, value="purchase_behaviour", description="rows")
    cols = w.Dropdown(options=dims, value="life_cycle", description="columns")
    out = w.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                _, cross = rules_view(features, std, freq.value, occ.value, risk.value,
                                      lapsed.value, rows.value, cols.value)
            except DataProblem as err:
                print(f"⚠ {err}")
                return
            fig, ax = plt.subplots(figsize=(8, 3.5))
            im = ax.imshow(cross.to_numpy(), cmap="Blues", aspect="auto")
            ax.set_xticks(range(cross.shape[1]), cross.columns, rotation=30, ha="right")
            ax.set_yticks(range(cross.shape[0]), cross.index)
            for (i, j), v in np.ndenumerate(cross.to_numpy()):
                ax.text(j, i, f"{v:,}", ha="center", va="center", fontsize=8)
            ax.set_xlabel(cols.value)
            ax.set_ylabel(rows.value)
            fig.colorbar(im, ax=ax, label="customers")
            plt.show()

    for control in (freq, occ, risk, lapsed, rows, cols):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([freq, occ]), w.HBox([risk, lapsed]), w.HBox([rows, cols]), out])
