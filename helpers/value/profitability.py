"""Customer value: tiers, concentration, profitability, the whale curve and whom to serve.

The source material's claim is that customer *quality*, not quantity, drives profit: the top
fifth of customers earn most of it, and an unprofitable tail gives part of it back. This module
lets a trainee see that in data and an analyst compute it on their own export:

* :func:`assign_tiers` cuts any value (revenue, profit, CLV) into tiers (low/silver/gold/diamond);
* :func:`cost_drivers` and :func:`apply_cost_rates` (together :func:`customer_profit`) compute each
  customer's revenue, cost of goods, discounts, returns and cost-to-serve, with editable rates
  from ``helpers/config/cost_rates.yaml``;
* :func:`concentration_curve`, :func:`top_share`, :func:`whale_curve` and :func:`whale_summary`
  measure how concentrated value and profit are (the 80/20/30 reading);
* :func:`profit_scenarios` prices the options for the least profitable customers (re-price,
  cheaper channel, drop);
* :func:`load_playbook` and :func:`apply_playbook` join the tier strategy playbook
  (``helpers/config/value_playbook.yaml``) to the customers as an action list;
* :func:`allocate_capacity` decides which customers get a dedicated account manager;
* :func:`value_view` / :func:`explore_value` are the notebook's widget.

All functions are pure (inputs are never modified) and vectorised.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns

__all__ = [
    "DEFAULT_CUTS",
    "DEFAULT_LABELS",
    "MONEY_COLUMNS",
    "COST_COLUMNS",
    "assign_tiers",
    "load_cost_rates",
    "validate_cost_rates",
    "cost_drivers",
    "apply_cost_rates",
    "customer_profit",
    "concentration_curve",
    "top_share",
    "whale_curve",
    "whale_summary",
    "tier_economics",
    "profit_scenarios",
    "load_playbook",
    "validate_playbook",
    "apply_playbook",
    "allocate_capacity",
    "coverage_summary",
    "value_view",
    "explore_value",
    "plot_concentration",
    "plot_whale_curve",
    "plot_tier_economics",
    "plot_scenarios",
]

DEFAULT_CUTS = (0.5, 0.8, 0.95)
DEFAULT_LABELS = ("low", "silver", "gold", "diamond")
#: Columns of :func:`customer_profit` that hold money, in the order of the profit bridge.
COST_COLUMNS = ("cost_orders", "cost_service", "cost_complaints", "cost_calls", "cost_returns",
                "cost_late_payment", "cost_bad_debt")
#: Invoices overdue by more than this many days at the observation end are doubtful (M3+).
DOUBTFUL_AFTER_DAYS = 90
MONEY_COLUMNS = ("revenue", "discounts", "returns", "cogs", "gross_margin", *COST_COLUMNS,
                 "cost_to_serve", "profit")
SERVICE_KINDS = ("inquiry", "technical_support", "return_request", "complaint")


def _sample(values: Any, n: int = 5) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v for v in list(values)[:n]]


# --------------------------------------------------------------------------------------------
# tiers
# --------------------------------------------------------------------------------------------
def assign_tiers(
    values: pd.Series,
    cuts: Sequence[float] = DEFAULT_CUTS,
    labels: Sequence[str] = DEFAULT_LABELS,
    method: str = "quantile",
) -> pd.Series:
    """Cut a value per customer (revenue, profit, CLV …) into ordered tiers.

    Parameters
    ----------
    values : Series
        One value per customer (index = customer id). Missing values are refused.
    cuts : sequence of float
        Increasing cut points. With ``method="quantile"`` they are shares of customers in
        (0, 1): the default ``(0.5, 0.8, 0.95)`` puts the bottom half in ``low``, the next 30 %
        in ``silver``, the next 15 % in ``gold`` and the top 5 % in ``diamond``. With
        ``method="fixed"`` they are value thresholds (e.g. ``(1000, 10000, 50000)`` CNY).
    labels : sequence of str
        Tier names from lowest to highest; one more than ``cuts``.
    method : {"quantile", "fixed"}
        How to read ``cuts``.

    Returns
    -------
    Series
        Ordered categorical with the same index as ``values``, named ``"tier"``.

    Notes
    -----
    Ties: customers with equal values always get the same tier. With ``method="quantile"`` a
    customer is placed above cut ``c`` when at least a share ``c`` of all customers have a
    *strictly smaller* value, so a block of tied values stays in the lower tier and a tier can
    hold fewer customers than its nominal share (e.g. when half the customers have zero
    revenue, none of them becomes ``silver``). With ``method="fixed"`` a value *at or above* a
    threshold reaches the tier above it (``>= 10000`` is gold).

    Examples
    --------
    >>> s = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    >>> assign_tiers(s, cuts=(0.5, 0.8), labels=("low", "mid", "top")).tolist()
    ['low', 'low', 'low', 'low', 'low', 'mid', 'mid', 'mid', 'top', 'top']
    """
    if isinstance(values, pd.DataFrame) or not hasattr(values, "__len__"):
        raise DataProblem("assign_tiers expects one value per customer (a Series), got "
                          f"{type(values).__name__}.")
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    cuts = [float(c) for c in cuts]
    labels = [str(lab) for lab in labels]
    if len(labels) != len(cuts) + 1:
        raise DataProblem(f"assign_tiers: {len(cuts)} cut point(s) need {len(cuts) + 1} labels, "
                          f"got {len(labels)}: {labels}.")
    if len(set(labels)) != len(labels):
        raise DataProblem(f"assign_tiers: labels must be distinct, got {labels}.")
    if any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
        raise DataProblem(f"assign_tiers: cut points must increase, got {cuts}.")
    if method not in ("quantile", "fixed"):
        raise DataProblem(f"assign_tiers: method={method!r}; use 'quantile' or 'fixed'.")
    if method == "quantile" and cuts and not (0 < cuts[0] and cuts[-1] < 1):
        raise DataProblem(f"assign_tiers: quantile cut points are shares of customers between 0 "
                          f"and 1 (exclusive), got {cuts}. For money thresholds use "
                          "method='fixed'.")
    try:
        numbers = pd.to_numeric(values, errors="raise").astype("float64")
    except (TypeError, ValueError) as err:
        raise DataProblem(f"assign_tiers: values of {values.name or 'the series'!r} must be "
                          f"numbers ({err}).") from None
    bad = ~np.isfinite(numbers.to_numpy())
    if bad.any():
        raise DataProblem(
            f"assign_tiers: {int(bad.sum())} customer(s) have no (or an infinite) value in "
            f"{values.name or 'the series'!r}, e.g. {_sample(values.index[bad])}. Fix: fill "
            "them (0 for customers who never bought) or drop them before tiering."
        )
    x = numbers.to_numpy()
    if method == "quantile":
        n = len(x)
        below = (pd.Series(x).rank(method="min").to_numpy() - 1) / max(n, 1)  # share strictly below
        level = np.searchsorted(np.asarray(cuts), below, side="right") if n else np.array([], int)
    else:
        level = np.searchsorted(np.asarray(cuts), x, side="right")
    cat = pd.Categorical.from_codes(level.astype("int64"), categories=labels, ordered=True)
    return pd.Series(cat, index=values.index, name="tier")


# --------------------------------------------------------------------------------------------
# cost rates
# --------------------------------------------------------------------------------------------
def _config_problem(source: str, key: str, message: str) -> DataProblem:
    return DataProblem(f"{source}: key {key!r} {message}.")


def _rate(raw: Mapping, key: str, source: str, path: str, upper: float | None = None) -> float:
    if key not in raw:
        raise _config_problem(source, f"{path}.{key}", "is missing")
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _config_problem(source, f"{path}.{key}", f"must be a number, got {value!r}")
    if value < 0 or (upper is not None and value > upper):
        bound = f"between 0 and {upper}" if upper is not None else "0 or more"
        raise _config_problem(source, f"{path}.{key}", f"must be {bound}, got {value!r}")
    return float(value)


def _section(raw: Mapping, key: str, source: str) -> Mapping:
    value = raw.get(key)
    if not isinstance(value, Mapping):
        raise _config_problem(source, key, f"must be a mapping of rates, got {value!r}")
    return value


def validate_cost_rates(raw: Any, source: str = "cost rates") -> dict[str, Any]:
    """Check a cost-rate configuration (as read from YAML) and return a clean copy.

    Raises
    ------
    DataProblem
        Naming ``source`` and the key (e.g. ``service.per_contact.complaint``) that is missing,
        not a number or negative.
    """
    if not isinstance(raw, Mapping):
        raise DataProblem(f"{source}: expected a mapping with keys orders, service, calls, "
                          f"returns, late_payment, fallbacks; got {type(raw).__name__}.")
    known = {"orders", "service", "calls", "returns", "late_payment", "fallbacks"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _config_problem(source, unknown[0], f"is not a known section; use {sorted(known)}")
    orders = _section(raw, "orders", source)
    service = _section(raw, "service", source)
    per_contact = service.get("per_contact")
    if not isinstance(per_contact, Mapping):
        raise _config_problem(source, "service.per_contact",
                              f"must map each kind {list(SERVICE_KINDS)} to a cost")
    extra = sorted(set(per_contact) - set(SERVICE_KINDS))
    if extra:
        raise _config_problem(source, f"service.per_contact.{extra[0]}",
                              f"is not a kind of service contact; kinds are {list(SERVICE_KINDS)}")
    calls = _section(raw, "calls", source)
    returns = _section(raw, "returns", source)
    late = _section(raw, "late_payment", source)
    fallbacks = raw.get("fallbacks", {"cogs_ratio": 0.65})
    if not isinstance(fallbacks, Mapping):
        raise _config_problem(source, "fallbacks", "must be a mapping")
    return {
        "orders": {"per_order": _rate(orders, "per_order", source, "orders")},
        "service": {
            "per_minute": _rate(service, "per_minute", source, "service"),
            "per_contact": {k: _rate(per_contact, k, source, "service.per_contact")
                            for k in SERVICE_KINDS},
        },
        "calls": {k: _rate(calls, k, source, "calls") for k in ("per_call", "per_minute")},
        "returns": {"per_return": _rate(returns, "per_return", source, "returns")},
        "late_payment": {
            "per_late_invoice": _rate(late, "per_late_invoice", source, "late_payment"),
            "annual_interest_rate": _rate(late, "annual_interest_rate", source, "late_payment",
                                          upper=1.0),
            "bad_debt_share": _rate(late, "bad_debt_share", source, "late_payment", upper=1.0),
        },
        "fallbacks": {"cogs_ratio": _rate(fallbacks, "cogs_ratio", source, "fallbacks",
                                          upper=1.0)},
    }


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise DataProblem(f"{path}: not valid YAML ({err}).") from None


def load_cost_rates(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate the cost rates (default ``helpers/config/cost_rates.yaml``)."""
    from helpers.paths import config_file

    chosen = config_file("cost_rates.yaml", path)
    return validate_cost_rates(_read_yaml(chosen), source=str(chosen))


def _resolve_rates(cost_rates: Any) -> dict[str, Any]:
    if cost_rates is None or isinstance(cost_rates, str | Path):
        return load_cost_rates(cost_rates)
    return validate_cost_rates(cost_rates, source="cost_rates argument")


# --------------------------------------------------------------------------------------------
# profitability
# --------------------------------------------------------------------------------------------
def _get(data: Any, name: str) -> pd.DataFrame | None:
    value = data.get(name) if isinstance(data, Mapping) else getattr(data, name, None)
    if value is None:
        return None
    if not isinstance(value, pd.DataFrame):
        raise DataProblem(f"table {name!r} should be a DataFrame, got {type(value).__name__}.")
    return value


def _need(frame: pd.DataFrame, table: str, columns: Sequence[str]) -> None:
    require_columns(frame, columns, f"{table} (customer profitability)")


def _numbers(frame: pd.DataFrame, table: str, col: str, allow_missing: bool = False) -> np.ndarray:
    try:
        x = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        x = np.full(len(frame), np.nan)
    bad = np.isnan(x) & frame[col].notna().to_numpy()
    if not allow_missing:
        bad |= np.isnan(x)
    if bad.any():
        raise DataProblem(
            f"{table}: column {col!r} has {int(bad.sum())} value(s) that are not numbers or are "
            f"empty, e.g. rows {_sample(frame.index[bad])} "
            f"(values {_sample(frame[col][bad])}). Fix them in the export, or drop those rows."
        )
    return x


def _dates(frame: pd.DataFrame, table: str, col: str) -> pd.Series:
    parsed = pd.to_datetime(frame[col], errors="coerce")
    bad = parsed.isna() & frame[col].notna()
    if bad.any():
        raise DataProblem(
            f"{table}: column {col!r} has {int(bad.sum())} value(s) that are not dates, e.g. "
            f"rows {_sample(frame.index[bad])} (values {_sample(frame[col][bad])}). Fix: use "
            "YYYY-MM-DD, or give the date format in the mapping file."
        )
    return parsed


def _by_customer(ids: pd.Series, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame(dict(columns), index=ids.index)
    frame["customer_id"] = ids.astype("string")
    return frame.groupby("customer_id", sort=False).sum()


def cost_drivers(data: Any, as_of: Any = None) -> pd.DataFrame:
    """Count, per customer, everything that earns or costs money (before applying any rate).

    Parameters
    ----------
    data : CourseData or mapping of DataFrames
        Needs ``transactions``; uses ``customers``, ``service_contacts``, ``calls``,
        ``invoices`` and ``payments`` when present (a missing table contributes no cost, noted
        in ``result.attrs["missing_tables"]``).
    as_of : date-like, optional
        Observation end (open invoices are late up to this day); default ``data.as_of``, else
        the last transaction date.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (every customer of the customers table plus any buyer not in
        it), with ``n_orders`` (orders bought: distinct ``order_id``, else sale lines),
        ``revenue`` (sales at list price: amount + discount), ``discounts``,
        ``returns`` (money refunded, positive), ``n_returns``, ``cogs_known`` (net cost of goods
        where known), ``cogs_unknown_sales`` (net sales of lines without a cost), service counts
        ``n_<kind>`` and ``service_minutes`` / ``complaint_minutes``, ``n_calls`` /
        ``call_minutes`` (sales and service calls), ``n_collection_calls`` /
        ``collection_minutes``, ``n_late_invoices``, ``late_amount_days`` (amount × days
        late) and ``doubtful_balance`` (unpaid balance of invoices more than
        :data:`DOUBTFUL_AFTER_DAYS` days overdue at ``as_of``: the M3+ stage).

    Notes
    -----
    A transaction is a return when ``is_return`` is true or its amount is negative. Discounts
    of return lines are ignored. An invoice is late when it was settled (payments reaching its
    amount) after its due date, or is still open after its due date at ``as_of``.
    """
    tx = _get(data, "transactions")
    if tx is None:
        raise DataProblem("customer profitability needs the transactions table; none was given.")
    _need(tx, "transactions", ["customer_id", "amount"])
    amount = _numbers(tx, "transactions", "amount")
    discount = (np.nan_to_num(_numbers(tx, "transactions", "discount", allow_missing=True))
                if "discount" in tx.columns else np.zeros(len(tx)))
    is_return = amount < 0
    if "is_return" in tx.columns:
        is_return |= tx["is_return"].fillna(False).to_numpy(dtype=bool)
    if "cost" in tx.columns:
        cost = _numbers(tx, "transactions", "cost", allow_missing=True)
    else:
        cost = np.full(len(tx), np.nan)
    cost_known = ~np.isnan(cost)
    sale = ~is_return
    no_customer = tx["customer_id"].isna().to_numpy()
    if no_customer.any():
        raise DataProblem(
            f"transactions: {int(no_customer.sum())} row(s) have no customer_id, e.g. rows "
            f"{_sample(tx.index[no_customer])}. Fix: fill the customer or drop those rows "
            "(anonymous sales cannot be attributed to a customer)."
        )
    signed_net = np.where(sale, amount, -np.abs(amount))
    if "order_id" in tx.columns:   # count each order once, however many lines it has
        first_line = ~tx["order_id"].duplicated().to_numpy() | tx["order_id"].isna().to_numpy()
    else:
        first_line = np.ones(len(tx), dtype=bool)
    money = _by_customer(tx["customer_id"], {
        "n_orders": (sale & first_line).astype("int64"),
        "revenue": np.where(sale, amount + discount, 0.0),
        "discounts": np.where(sale, discount, 0.0),
        "returns": np.where(is_return, np.abs(amount), 0.0),
        "n_returns": is_return.astype("int64"),
        "cogs_known": np.where(cost_known, np.where(sale, cost, -np.abs(cost)), 0.0),
        "cogs_unknown_sales": np.where(cost_known, 0.0, signed_net),
    })
    ids = money.index
    customers = _get(data, "customers")
    if customers is not None:
        _need(customers, "customers", ["customer_id"])
        ids = pd.Index(customers["customer_id"].dropna().astype("string").unique()).union(
            money.index, sort=False)
    out = money.reindex(ids, fill_value=0.0)
    out.index.name = "customer_id"
    missing_tables = []

    if as_of is None:
        as_of = getattr(data, "as_of", None) if not isinstance(data, Mapping) else data.get("as_of")
    if as_of is None and "purchase_date" in tx.columns:
        as_of = _dates(tx, "transactions", "purchase_date").max()
    as_of = pd.Timestamp(as_of) if as_of is not None else None

    svc = _get(data, "service_contacts")
    cols: dict[str, Any] = {}
    if svc is not None and len(svc):
        _need(svc, "service_contacts", ["customer_id", "kind", "minutes"])
        minutes = np.nan_to_num(_numbers(svc, "service_contacts", "minutes", allow_missing=True))
        kind = svc["kind"].astype("string").to_numpy(dtype=object, na_value="")
        unknown = ~np.isin(kind, SERVICE_KINDS)
        if unknown.any():
            raise DataProblem(
                f"service_contacts: column 'kind' has {int(unknown.sum())} value(s) outside "
                f"{list(SERVICE_KINDS)}, e.g. {_sample(pd.unique(kind[unknown]))}. Fix: recode "
                "them in the mapping file (values: kind: {...})."
            )
        complaint = kind == "complaint"
        cols = {f"n_{k}": (kind == k).astype("int64") for k in SERVICE_KINDS}
        cols["service_minutes"] = np.where(complaint, 0.0, minutes)
        cols["complaint_minutes"] = np.where(complaint, minutes, 0.0)
        svc_sum = _by_customer(svc["customer_id"].dropna(), {k: v[svc["customer_id"].notna()
                                                                  .to_numpy()]
                                                             for k, v in cols.items()})
        out = out.join(svc_sum, how="left")
    else:
        missing_tables.append("service_contacts")
        for k in [*(f"n_{k}" for k in SERVICE_KINDS), "service_minutes", "complaint_minutes"]:
            out[k] = 0.0

    calls = _get(data, "calls")
    if calls is not None and len(calls):
        _need(calls, "calls", ["customer_id", "duration_s"])
        with_customer = calls["customer_id"].notna().to_numpy()
        c = calls.loc[with_customer]
        minutes = np.nan_to_num(_numbers(c, "calls", "duration_s", allow_missing=True)) / 60.0
        collection = (c["purpose"].astype("string").eq("collection").fillna(False)
                      .to_numpy(dtype=bool) if "purpose" in c.columns
                      else np.zeros(len(c), dtype=bool))
        call_sum = _by_customer(c["customer_id"], {
            "n_calls": (~collection).astype("int64"),
            "call_minutes": np.where(collection, 0.0, minutes),
            "n_collection_calls": collection.astype("int64"),
            "collection_minutes": np.where(collection, minutes, 0.0),
        })
        out = out.join(call_sum, how="left")
    else:
        missing_tables.append("calls")
        for k in ("n_calls", "call_minutes", "n_collection_calls", "collection_minutes"):
            out[k] = 0.0

    inv = _get(data, "invoices")
    pay = _get(data, "payments")
    if inv is not None and len(inv):
        _need(inv, "invoices", ["invoice_id", "customer_id", "due_date", "amount"])
        inv_amount = _numbers(inv, "invoices", "amount")
        due = _dates(inv, "invoices", "due_date")
        paid = pd.Series(0.0, index=inv["invoice_id"].astype("string").to_numpy())
        last = pd.Series(pd.NaT, index=paid.index, dtype="datetime64[ns]")
        if pay is not None and len(pay):
            _need(pay, "payments", ["invoice_id", "payment_date", "amount"])
            pdate = _dates(pay, "payments", "payment_date")
            pamt = _numbers(pay, "payments", "amount")
            keep = (pdate <= as_of).to_numpy() if as_of is not None else np.ones(len(pay), bool)
            grouped = pd.DataFrame({"invoice_id": pay["invoice_id"].astype("string").to_numpy(),
                                    "amount": pamt, "date": pdate.to_numpy()})[keep]
            agg = grouped.groupby("invoice_id").agg(amount=("amount", "sum"),
                                                    date=("date", "max"))
            paid = agg["amount"].reindex(paid.index).fillna(0.0)
            last = agg["date"].reindex(paid.index)
        else:
            missing_tables.append("payments")
        settled = paid.to_numpy() >= inv_amount - 0.005
        end = as_of if as_of is not None else due.max()
        settled_on = np.where(settled, last.to_numpy(), np.datetime64(end, "ns"))
        days_late = ((pd.to_datetime(settled_on) - due.to_numpy()).days.to_numpy(dtype=float,
                                                                              na_value=0.0))
        days_late = np.clip(np.nan_to_num(days_late), 0, None)
        doubtful = (~settled) & (days_late > DOUBTFUL_AFTER_DAYS)
        late_sum = _by_customer(inv["customer_id"], {
            "n_late_invoices": (days_late > 0).astype("int64"),
            "late_amount_days": inv_amount * days_late,
            "doubtful_balance": np.where(doubtful, inv_amount - paid.to_numpy(), 0.0),
        })
        out = out.join(late_sum, how="left")
    else:
        missing_tables.append("invoices")
        out["n_late_invoices"] = 0.0
        out["late_amount_days"] = 0.0
        out["doubtful_balance"] = 0.0
    out = out.fillna(0.0)
    for col in out.columns:
        if col.startswith("n_"):
            out[col] = out[col].astype("int64")
    out.attrs["missing_tables"] = missing_tables
    out.attrs["as_of"] = as_of
    return out


def apply_cost_rates(drivers: pd.DataFrame, cost_rates: Any = None) -> pd.DataFrame:
    """Turn :func:`cost_drivers` into money: the profit bridge per customer.

    Parameters
    ----------
    drivers : DataFrame
        Output of :func:`cost_drivers`.
    cost_rates : dict, path or None
        Rates as in ``helpers/config/cost_rates.yaml`` (the default file when ``None``).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` with :data:`MONEY_COLUMNS`: ``revenue - discounts - returns
        - cogs = gross_margin``; ``cost_orders + cost_service + cost_complaints + cost_calls +
        cost_returns + cost_late_payment + cost_bad_debt = cost_to_serve`` (bad debt: the expected loss on
        balances more than 90 days overdue); ``profit = gross_margin - cost_to_serve``.
        ``attrs["cogs_estimated_share"]`` tells how much of the net sales had no cost and used
        the ``fallbacks.cogs_ratio``.
    """
    rates = _resolve_rates(cost_rates)
    d = drivers
    missing = [c for c in ("revenue", "discounts", "returns", "cogs_known", "cogs_unknown_sales")
               if c not in d.columns]
    if missing:
        raise DataProblem(f"apply_cost_rates: drivers lack {missing}; build them with "
                          "helpers.value.cost_drivers(data).")
    svc, per = rates["service"], rates["service"]["per_contact"]
    calls, late = rates["calls"], rates["late_payment"]
    out = pd.DataFrame(index=d.index)
    out["revenue"] = d["revenue"]
    out["discounts"] = d["discounts"]
    out["returns"] = d["returns"]
    out["cogs"] = d["cogs_known"] + rates["fallbacks"]["cogs_ratio"] * d["cogs_unknown_sales"]
    out["gross_margin"] = out["revenue"] - out["discounts"] - out["returns"] - out["cogs"]
    n_orders = d["n_orders"] if "n_orders" in d.columns else 0.0
    out["cost_orders"] = rates["orders"]["per_order"] * n_orders
    out["cost_service"] = (svc["per_minute"] * d["service_minutes"]
                           + per["inquiry"] * d["n_inquiry"]
                           + per["technical_support"] * d["n_technical_support"]
                           + per["return_request"] * d["n_return_request"])
    out["cost_complaints"] = (svc["per_minute"] * d["complaint_minutes"]
                              + per["complaint"] * d["n_complaint"])
    out["cost_calls"] = calls["per_call"] * d["n_calls"] + calls["per_minute"] * d["call_minutes"]
    out["cost_returns"] = rates["returns"]["per_return"] * d["n_returns"]
    out["cost_late_payment"] = (late["per_late_invoice"] * d["n_late_invoices"]
                                + late["annual_interest_rate"] * d["late_amount_days"] / 365.0
                                + calls["per_call"] * d["n_collection_calls"]
                                + calls["per_minute"] * d["collection_minutes"])
    doubtful = d["doubtful_balance"] if "doubtful_balance" in d.columns else 0.0
    out["cost_bad_debt"] = late["bad_debt_share"] * doubtful
    out["cost_to_serve"] = out[list(COST_COLUMNS)].sum(axis=1)
    out["profit"] = out["gross_margin"] - out["cost_to_serve"]
    net = (d["revenue"] - d["discounts"] - d["returns"]).sum()
    out.attrs["cogs_estimated_share"] = float(d["cogs_unknown_sales"].sum() / net) if net else 0.0
    out.attrs["missing_tables"] = list(d.attrs.get("missing_tables", []))
    return out


def customer_profit(data: Any, cost_rates: Any = None) -> pd.DataFrame:
    """Revenue, cost of goods, discounts, returns, cost-to-serve and profit per customer.

    Parameters
    ----------
    data : CourseData or mapping of DataFrames
        The course tables (``helpers.data.loading.load_course_data()``); see :func:`cost_drivers`.
    cost_rates : dict, path or None
        Cost rates; ``None`` reads ``helpers/config/cost_rates.yaml``.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, columns :data:`MONEY_COLUMNS` (see :func:`apply_cost_rates`).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [100.0, -20, 50],
    ...                    "cost": [60.0, -12, 30], "discount": [10.0, 0, 0]})
    >>> customer_profit({"transactions": tx}).loc["a", ["revenue", "returns", "cogs", "profit"]
    ...                                          ].tolist()
    [110.0, 20.0, 48.0, 20.0]
    """
    return cost_drivers(data).pipe(apply_cost_rates, cost_rates)


# --------------------------------------------------------------------------------------------
# concentration and the whale curve
# --------------------------------------------------------------------------------------------
def _values(values: pd.Series, what: str) -> np.ndarray:
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
    if len(x) == 0:
        raise DataProblem(f"{what}: no customers to rank.")
    bad = ~np.isfinite(x)
    if bad.any():
        raise DataProblem(f"{what}: {int(bad.sum())} customer(s) have no value, e.g. "
                          f"{_sample(pd.Series(values).index[bad])}; fill or drop them first.")
    return x


def concentration_curve(values: pd.Series) -> pd.DataFrame:
    """Cumulative share of the total held by the top customers (the Pareto curve).

    Returns
    -------
    DataFrame
        ``customer_share`` (0 … 1) and ``value_share`` (cumulative value / total), customers
        ranked from the highest value down, starting at (0, 0). For profit this is the whale
        curve: ``value_share`` rises above 1 and falls back as loss-making customers are added.
    """
    x = np.sort(_values(values, "concentration_curve"))[::-1]
    total = x.sum()
    if total <= 0:
        raise DataProblem("concentration_curve: the total is zero or negative, so shares of it "
                          "mean nothing. Check the sign of the values (profit of a loss-making "
                          "base?).")
    n = len(x)
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n,
                         "value_share": np.r_[0.0, np.cumsum(x)] / total})


def top_share(values: pd.Series, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of customers (``round(share * n)`` of them)."""
    if not 0 < share <= 1:
        raise DataProblem(f"top_share: share must be in (0, 1], got {share!r}.")
    x = np.sort(_values(values, "top_share"))[::-1]
    total = x.sum()
    if total <= 0:
        raise DataProblem("top_share: the total is zero or negative; a share of it is "
                          "meaningless.")
    k = int(round(share * len(x)))
    return float(x[:k].sum() / total)


def whale_curve(profit: pd.Series) -> pd.DataFrame:
    """The whale curve: cumulative profit share against customers ranked by profit."""
    return concentration_curve(profit).rename(columns={"value_share": "profit_share"})


def whale_summary(profit: pd.Series, top: float = 0.2, bottom: float = 0.3) -> dict[str, float]:
    """The numbers behind the 80/20/30 reading of a whale curve.

    Returns
    -------
    dict
        ``n_customers``, ``total_profit``; ``peak_share`` (height of the whale curve: profit of
        all profitable customers / total profit, above 1 when some customers lose money) and
        ``peak_at`` (share of customers at the peak); ``top_share`` (profit of the top ``top``
        customers / total); ``bottom_share`` (profit of the bottom ``bottom`` / total, negative
        when they lose money); ``bottom_giveback`` (share of the top group's profit that the
        bottom group gives back: ``-bottom profit / top profit``); ``unprofitable_share`` (share
        of customers with profit below 0); ``loss_share_of_peak`` (losses / profit of the
        profitable customers).
    """
    x = np.sort(_values(profit, "whale_summary"))[::-1]
    total = float(x.sum())
    if total <= 0:
        raise DataProblem(f"whale_summary: total profit is {total:,.0f}; the whole customer base "
                          "loses money, so shares of total profit cannot be read. Check the cost "
                          "rates (cost_rates.yaml) or the cost of goods.")
    n = len(x)
    k_top, k_bottom = int(round(top * n)), int(round(bottom * n))
    top_profit = float(x[:k_top].sum())
    bottom_profit = float(x[n - k_bottom:].sum()) if k_bottom else 0.0
    cum = np.cumsum(x)
    peak = int(np.argmax(cum))
    gains, losses = float(x[x > 0].sum()), float(-x[x < 0].sum())
    return {
        "n_customers": n,
        "total_profit": total,
        "peak_share": float(cum[peak] / total),
        "peak_at": float((peak + 1) / n),
        "top_share": top_profit / total,
        "bottom_share": bottom_profit / total,
        "bottom_giveback": float(-bottom_profit / top_profit) if top_profit > 0 else 0.0,
        "unprofitable_share": float((x < 0).mean()),
        "loss_share_of_peak": losses / gains if gains > 0 else 0.0,
    }


def tier_economics(profit: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """Customers, revenue, cost-to-serve and profit per tier, with shares of the totals.

    Parameters
    ----------
    profit : DataFrame
        :func:`customer_profit` output (or any frame with ``revenue``, ``cost_to_serve``,
        ``profit``), indexed by customer.
    tiers : Series
        Tier per customer (same index), e.g. from :func:`assign_tiers`.
    """
    _need(profit, "profit table", ["revenue", "cost_to_serve", "profit"])
    t = tiers.reindex(profit.index)
    if t.isna().any():
        raise DataProblem(f"tier_economics: {int(t.isna().sum())} customer(s) have no tier, "
                          f"e.g. {_sample(profit.index[t.isna().to_numpy()])}.")
    g = profit[["revenue", "cost_to_serve", "profit"]].groupby(t, observed=False)
    out = g.sum()
    out.insert(0, "customers", g.size())
    out["profit_per_customer"] = out["profit"] / out["customers"].where(out["customers"] > 0)
    out["profit_per_customer"] = out["profit_per_customer"].fillna(0.0)
    for col in ("customers", "revenue", "profit"):
        total = out[col].sum()
        out[f"{col}_share"] = out[col] / total if total else 0.0
    out.index.name = "tier"
    return out


# --------------------------------------------------------------------------------------------
# choosing whom to serve
# --------------------------------------------------------------------------------------------
def profit_scenarios(
    profit: pd.DataFrame,
    target: pd.Series | None = None,
    price_increase: float = 0.10,
    reprice_churn: float = 0.30,
    channel_saving: float = 0.60,
    channel_churn: float = 0.05,
) -> pd.DataFrame:
    """What happens to total profit if the least profitable customers are treated differently.

    Parameters
    ----------
    profit : DataFrame
        :func:`customer_profit` output.
    target : boolean Series, optional
        Which customers the measures apply to; default: customers with profit below 0.
    price_increase : float
        Re-pricing: net sales of the target customers rise by this share …
    reprice_churn : float
        … and this share of them leave (their profit, positive or negative, becomes 0).
    channel_saving : float
        Cheaper channel (self-service, e-mail, online portal): this share of their service,
        complaint and call costs disappears …
    channel_churn : float
        … and this share of them leave.

    Returns
    -------
    DataFrame
        One row per scenario (``as is``, ``re-price``, ``cheaper channel``, ``drop``, ``best per
        customer``) with ``customers_affected``, ``customers_kept`` (expected),
        ``total_profit`` (expected), ``change`` and ``change_pct`` against ``as is``.

    Notes
    -----
    Expected values, not forecasts: every target customer is assumed to react in the same
    way. Dropping a customer removes their revenue and their variable costs only; fixed
    overheads stay, which is why dropping is the last resort in the material's cases.
    """
    for name, value in {"price_increase": price_increase, "reprice_churn": reprice_churn,
                        "channel_saving": channel_saving, "channel_churn": channel_churn}.items():
        if not 0 <= value <= 1:
            raise DataProblem(f"profit_scenarios: {name} must be a share between 0 and 1, "
                              f"got {value!r}.")
    _need(profit, "profit table", ["revenue", "discounts", "returns", "profit", "cost_service",
                                   "cost_complaints", "cost_calls"])
    p = profit["profit"].to_numpy(dtype=float)
    if target is None:
        t = p < 0
    else:
        t = pd.Series(target).reindex(profit.index).fillna(False).to_numpy(dtype=bool)
    net = (profit["revenue"] - profit["discounts"] - profit["returns"]).to_numpy(dtype=float)
    serve = profit[["cost_service", "cost_complaints", "cost_calls"]].sum(axis=1).to_numpy(float)
    options = {
        "re-price": (1 - reprice_churn) * (p + price_increase * net),
        "cheaper channel": (1 - channel_churn) * (p + channel_saving * serve),
        "drop": np.zeros_like(p),
    }
    base_total = float(p.sum())
    rows = [("as is", 0, float(len(p)), base_total)]
    kept_share = {"re-price": 1 - reprice_churn, "cheaper channel": 1 - channel_churn, "drop": 0.0}
    for name, after in options.items():
        total = float(np.where(t, after, p).sum())
        rows.append((name, int(t.sum()), len(p) - t.sum() * (1 - kept_share[name]), total))
    stacked = np.vstack([p, *options.values()])
    best = stacked.argmax(axis=0)
    best_value = stacked.max(axis=0)
    kept = np.array([1.0, kept_share["re-price"], kept_share["cheaper channel"], 0.0])[best]
    rows.append(("best per customer", int(t.sum()), float(np.where(t, kept, 1.0).sum()),
                 float(np.where(t, best_value, p).sum())))
    out = pd.DataFrame(rows, columns=["scenario", "customers_affected", "customers_kept",
                                      "total_profit"]).set_index("scenario")
    out["change"] = out["total_profit"] - base_total
    out["change_pct"] = out["change"] / abs(base_total) if base_total else 0.0
    return out


# --------------------------------------------------------------------------------------------
# playbook
# --------------------------------------------------------------------------------------------
_STRATEGY_KEYS = {"zh": str, "owner": str, "channel": str, "response_time": str,
                  "contact_every_days": int, "actions": list}
_RULE_KEYS = {"profit_below", "profit_at_least", "days_since_last_above", "tier_in"}


def validate_playbook(raw: Any, source: str = "playbook") -> dict[str, Any]:
    """Check a value playbook (as read from YAML) and return a clean copy.

    The playbook has ``strategies`` (name -> ``zh``, ``owner``, ``channel``,
    ``response_time``, ``contact_every_days``, ``actions``), ``tier_strategy`` (tier -> strategy)
    and optional ``overrides``: rules checked in order before the tier map, each ``{name,
    when: {profit_below | profit_at_least | days_since_last_above | tier_in}, strategy}``.
    """
    if not isinstance(raw, Mapping):
        raise DataProblem(f"{source}: expected a mapping with keys strategies, tier_strategy, "
                          f"overrides; got {type(raw).__name__}.")
    strategies = raw.get("strategies")
    if not isinstance(strategies, Mapping) or not strategies:
        raise _config_problem(source, "strategies", "must map strategy names to their actions")
    clean_s: dict[str, dict[str, Any]] = {}
    for name, spec in strategies.items():
        if not isinstance(spec, Mapping):
            raise _config_problem(source, f"strategies.{name}", "must be a mapping")
        for key, kind in _STRATEGY_KEYS.items():
            if key not in spec:
                raise _config_problem(source, f"strategies.{name}.{key}", "is missing")
            value = spec[key]
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)
                                or value <= 0):
                raise _config_problem(source, f"strategies.{name}.{key}",
                                      f"must be a whole number of days above 0, got {value!r}")
            if kind is list and (not isinstance(value, list) or not value
                                 or not all(isinstance(v, str) for v in value)):
                raise _config_problem(source, f"strategies.{name}.{key}",
                                      "must be a non-empty list of texts")
            if kind is str and not isinstance(value, str):
                raise _config_problem(source, f"strategies.{name}.{key}",
                                      f"must be a text, got {value!r}")
        clean_s[str(name)] = {k: copy.deepcopy(spec[k]) for k in _STRATEGY_KEYS}
    tier_map = raw.get("tier_strategy")
    if not isinstance(tier_map, Mapping) or not tier_map:
        raise _config_problem(source, "tier_strategy", "must map each tier to a strategy")
    for tier, strat in tier_map.items():
        if strat not in clean_s:
            raise _config_problem(source, f"tier_strategy.{tier}",
                                  f"names strategy {strat!r}, which is not under strategies "
                                  f"({sorted(clean_s)})")
    overrides = raw.get("overrides") or []
    if not isinstance(overrides, list):
        raise _config_problem(source, "overrides", "must be a list of rules")
    clean_o = []
    for i, rule in enumerate(overrides):
        key = f"overrides[{i}]"
        if not isinstance(rule, Mapping) or not {"name", "when", "strategy"} <= set(rule):
            raise _config_problem(source, key, "must have name, when and strategy")
        if rule["strategy"] not in clean_s:
            raise _config_problem(source, f"{key}.strategy",
                                  f"{rule['strategy']!r} is not under strategies")
        when = rule["when"]
        if not isinstance(when, Mapping) or not when or set(when) - _RULE_KEYS:
            raise _config_problem(source, f"{key}.when",
                                  f"must use only the conditions {sorted(_RULE_KEYS)}")
        for cond, value in when.items():
            if cond == "tier_in":
                if not isinstance(value, list):
                    raise _config_problem(source, f"{key}.when.tier_in", "must be a list of tiers")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise _config_problem(source, f"{key}.when.{cond}",
                                      f"must be a number, got {value!r}")
        clean_o.append({"name": str(rule["name"]), "when": dict(when),
                        "strategy": rule["strategy"]})
    return {"strategies": clean_s, "tier_strategy": {str(k): v for k, v in tier_map.items()},
            "overrides": clean_o}


def load_playbook(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate the value playbook (default ``helpers/config/value_playbook.yaml``)."""
    from helpers.paths import config_file

    chosen = config_file("value_playbook.yaml", path)
    return validate_playbook(_read_yaml(chosen), source=str(chosen))


def apply_playbook(customers: pd.DataFrame, playbook: Mapping | str | Path | None = None,
                   tier_col: str = "tier") -> pd.DataFrame:
    """Join the playbook's strategy to every customer: the action list for the sales team.

    Parameters
    ----------
    customers : DataFrame
        Indexed by customer, with ``tier_col``; ``profit`` and ``days_since_last`` are used by
        override rules that mention them.
    playbook : dict, path or None
        A validated playbook, a YAML path, or ``None`` for the bundled one.

    Returns
    -------
    DataFrame
        ``customers`` plus ``strategy``, ``strategy_zh``, ``rule`` (the override that fired, or
        ``"tier"``), ``owner``, ``channel``, ``response_time``, ``contact_every_days``,
        ``first_action`` and ``actions`` (joined with "; ").
    """
    book = (load_playbook(playbook) if playbook is None or isinstance(playbook, str | Path)
            else validate_playbook(playbook, source="playbook argument"))
    _need(customers, "customers", [tier_col])
    tiers = customers[tier_col].astype("string")
    unknown = sorted(set(tiers.dropna()) - set(book["tier_strategy"]))
    if unknown or tiers.isna().any():
        raise DataProblem(f"apply_playbook: tier(s) {unknown or ['(empty)']} have no strategy in "
                          f"the playbook's tier_strategy ({sorted(book['tier_strategy'])}). Fix: "
                          "add them to value_playbook.yaml or re-tier with matching labels.")
    strategy = np.array(tiers.map(book["tier_strategy"]).astype(object).to_numpy(), copy=True)
    rule = np.full(len(customers), "tier", dtype=object)
    decided = np.zeros(len(customers), dtype=bool)
    for r in book["overrides"]:
        hit = np.ones(len(customers), dtype=bool)
        for cond, value in r["when"].items():
            if cond == "tier_in":
                hit &= tiers.isin([str(v) for v in value]).to_numpy(dtype=bool)
                continue
            col = "profit" if cond.startswith("profit") else "days_since_last"
            _need(customers, "customers", [col])
            x = pd.to_numeric(customers[col], errors="coerce").to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                hit &= {"profit_below": x < value, "profit_at_least": x >= value,
                        "days_since_last_above": x > value}[cond]
        hit &= ~decided
        strategy[hit], rule[hit] = r["strategy"], r["name"]
        decided |= hit
    out = customers.copy()
    specs = pd.DataFrame(book["strategies"]).T
    out["strategy"] = strategy
    out["rule"] = rule
    for col in ("zh", "owner", "channel", "response_time", "contact_every_days"):
        name = "strategy_zh" if col == "zh" else col
        out[name] = pd.Series(strategy, index=out.index).map(specs[col])
    acts = specs["actions"]
    out["first_action"] = pd.Series(strategy, index=out.index).map(acts.str[0])
    out["actions"] = pd.Series(strategy, index=out.index).map(acts.map("; ".join))
    out["contact_every_days"] = out["contact_every_days"].astype("int64")
    return out


# --------------------------------------------------------------------------------------------
# capacity
# --------------------------------------------------------------------------------------------
def allocate_capacity(
    frame: pd.DataFrame,
    value_col: str = "profit",
    managers: int = 5,
    accounts_per_manager: int = 40,
    eligible: pd.Series | None = None,
) -> pd.DataFrame:
    """Give the most valuable customers a dedicated account manager, within capacity.

    Parameters
    ----------
    frame : DataFrame
        One row per customer with ``value_col`` (profit, CLV …).
    managers, accounts_per_manager : int
        Capacity: ``managers × accounts_per_manager`` dedicated accounts.
    eligible : boolean Series, optional
        Only these customers may get one (e.g. organisations, or customers who consent).

    Returns
    -------
    DataFrame
        ``frame`` plus ``value_rank`` (1 = most valuable eligible customer), ``dedicated``
        (bool) and ``manager`` (``"AM01"`` …, empty otherwise). Accounts are dealt to managers
        in a snake order (1-2-…-n-n-…-1) so each manager's book holds a similar value. Only
        customers with a positive value are given a manager.
    """
    for name, v in {"managers": managers, "accounts_per_manager": accounts_per_manager}.items():
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            raise DataProblem(f"allocate_capacity: {name} must be a whole number >= 0, got {v!r}.")
    _need(frame, "customers", [value_col])
    value = pd.Series(_values(frame[value_col], f"allocate_capacity({value_col})"),
                      index=frame.index)
    ok = value > 0
    if eligible is not None:
        ok &= pd.Series(eligible).reindex(frame.index).fillna(False).astype(bool)
    rank = value.where(ok).rank(method="first", ascending=False)
    capacity = managers * accounts_per_manager
    dedicated = rank.le(capacity).fillna(False).to_numpy(dtype=bool)
    out = frame.copy()
    out["value_rank"] = rank.astype("Int64")
    out["dedicated"] = dedicated
    r0 = rank.fillna(0).to_numpy(dtype=int) - 1
    if managers:
        lap, pos = np.divmod(np.clip(r0, 0, None), managers)
        slot = np.where(lap % 2 == 0, pos, managers - 1 - pos) + 1
        names = np.char.add("AM", np.char.zfill(slot.astype(str), 2))
        out["manager"] = np.where(dedicated, names, "")
    else:
        out["manager"] = ""
    return out


def coverage_summary(allocated: pd.DataFrame, value_col: str = "profit") -> dict[str, float]:
    """How much value the dedicated accounts cover (:func:`allocate_capacity` output)."""
    _need(allocated, "allocation", [value_col, "dedicated"])
    v = allocated[value_col].astype(float)
    d = allocated["dedicated"].astype(bool)
    positive = v.clip(lower=0).sum()
    total = v.sum()
    return {
        "accounts": int(d.sum()),
        "value_covered": float(v[d].sum()),
        "share_of_total": float(v[d].sum() / total) if total > 0 else float("nan"),
        "share_of_positive": float(v[d].sum() / positive) if positive > 0 else 0.0,
        "customer_share": float(d.mean()) if len(d) else 0.0,
    }


# --------------------------------------------------------------------------------------------
# widget
# --------------------------------------------------------------------------------------------
def _scaled_rates(rates: Mapping, scale: Mapping[str, float]) -> dict[str, Any]:
    out = copy.deepcopy(dict(rates))
    for section, factor in scale.items():
        if section not in out:
            raise DataProblem(f"value_view: no cost-rate section {section!r}; sections are "
                              f"{sorted(out)}.")
        for key, val in out[section].items():
            if key in ("annual_interest_rate", "bad_debt_share"):
                out[section][key] = min(1.0, val * factor)
            elif isinstance(val, dict):
                out[section][key] = {k: v * factor for k, v in val.items()}
            elif section != "fallbacks":
                out[section][key] = val * factor
    return out


def value_view(
    drivers: pd.DataFrame,
    cuts: Sequence[float] = DEFAULT_CUTS,
    labels: Sequence[str] = DEFAULT_LABELS,
    by: str = "profit",
    cost_rates: Any = None,
    rate_scale: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Everything the value widget shows, for given tier cut-offs and cost rates (pure).

    Parameters
    ----------
    drivers : DataFrame
        :func:`cost_drivers` output (computed once; this function only applies rates).
    cuts, labels : see :func:`assign_tiers`
    by : {"profit", "revenue"}
        What the tiers rank on.
    cost_rates : dict or None
        Base rates (default file when ``None``).
    rate_scale : mapping, optional
        Multiply sections of the rates, e.g. ``{"service": 2.0, "late_payment": 0.5}``.

    Returns
    -------
    dict
        ``profit`` (per customer), ``tiers``, ``economics`` (:func:`tier_economics`),
        ``curve`` (the whale curve, thinned to at most 500 points) and ``summary``
        (:func:`whale_summary`, or ``None`` if total profit is not positive).
    """
    if by not in ("profit", "revenue"):
        raise DataProblem(f"value_view: by={by!r}; use 'profit' or 'revenue'.")
    rates = _resolve_rates(cost_rates)
    if rate_scale:
        rates = _scaled_rates(rates, rate_scale)
    profit = apply_cost_rates(drivers, rates)
    tiers = assign_tiers(profit[by], cuts=cuts, labels=labels)
    economics = tier_economics(profit, tiers)
    x = np.sort(profit["profit"].to_numpy())[::-1]
    total = x.sum()
    n = len(x)
    pick = np.unique(np.r_[np.linspace(0, n, min(n, 499) + 1).astype(int), int(np.argmax(
        np.cumsum(x))) + 1])
    cum = np.r_[0.0, np.cumsum(x)]
    curve = pd.DataFrame({"customer_share": pick / n,
                          "profit_share": cum[pick] / total if total > 0 else cum[pick]})
    summary = whale_summary(profit["profit"]) if total > 0 else None
    return {"profit": profit, "tiers": tiers, "economics": economics, "curve": curve,
            "summary": summary}


def explore_value(drivers: pd.DataFrame, cost_rates: Any = None) -> Any:
    """Widget: move tier cut-offs and cost-rate multipliers; see the whale curve and tiers move."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    rates = _resolve_rates(cost_rates)
    cut_low = w.FloatSlider(value=0.5, min=0.05, max=0.9, step=0.05, description="low | silver")
    cut_mid = w.FloatSlider(value=0.8, min=0.1, max=0.95, step=0.05, description="silver | gold")
    cut_top = w.FloatSlider(value=0.95, min=0.15, max=0.99, step=0.01, description="gold | diam.")
    by = w.ToggleButtons(options=["profit", "revenue"], description="tier by")
    scales = {s: w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25, description=f"{s} ×")
              for s in ("service", "calls", "returns", "late_payment")}
    out = w.Output()

    def redraw(*_: Any) -> None:
        cuts = (cut_low.value, cut_mid.value, cut_top.value)
        with out:
            out.clear_output(wait=True)
            if not cuts[0] < cuts[1] < cuts[2]:
                print("Cut-offs must increase from left to right.")
                return
            view = value_view(drivers, cuts=cuts, by=by.value, cost_rates=rates,
                              rate_scale={k: s.value for k, s in scales.items()})
            fig, axes = plt.subplots(1, 2, figsize=(11, 4))
            plot_whale_curve(view["curve"], ax=axes[0], summary=view["summary"])
            plot_tier_economics(view["economics"], ax=axes[1])
            plt.show()

    for widget in (cut_low, cut_mid, cut_top, by, *scales.values()):
        widget.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([cut_low, cut_mid, cut_top]), by,
                   w.HBox(list(scales.values())[:2]), w.HBox(list(scales.values())[2:]), out])


# --------------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------------
def _ax(ax: Any, size: tuple[float, float] = (6, 4)) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def plot_concentration(curves: Mapping[str, pd.Series] | pd.Series, ax: Any = None,
                       mark: float = 0.2) -> Any:
    """Pareto curves (one per named series of values) with the top-``mark`` share marked."""
    ax = _ax(ax)
    series = {"value": curves} if isinstance(curves, pd.Series) else dict(curves)
    for name, values in series.items():
        c = concentration_curve(values)
        share = top_share(values, mark)
        ax.plot(c["customer_share"], c["value_share"], label=f"{name} (top {mark:.0%}: "
                f"{share:.0%})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="equal shares")
    ax.axvline(mark, color="grey", linewidth=0.8)
    ax.set(xlabel="share of customers (ranked by value)", ylabel="cumulative share of total",
           title="Concentration (Pareto) curve")
    ax.legend(loc="lower right")
    return ax


def plot_whale_curve(curve: pd.DataFrame | pd.Series, ax: Any = None,
                     summary: Mapping[str, float] | None = None) -> Any:
    """The whale curve: cumulative profit share, peak above 100 %, back to 100 % at the end.

    ``curve`` is :func:`whale_curve` output or a Series of profit per customer.
    """
    if isinstance(curve, pd.Series):
        summary = summary or whale_summary(curve)
        curve = whale_curve(curve)
    ax = _ax(ax)
    ax.plot(curve["customer_share"], curve["profit_share"], color="tab:blue")
    ax.axhline(1.0, color="grey", linestyle=":")
    if summary:
        ax.scatter([summary["peak_at"]], [summary["peak_share"]], color="tab:red", zorder=3)
        ax.annotate(f"peak {summary['peak_share']:.0%} at {summary['peak_at']:.0%} of customers",
                    (summary["peak_at"], summary["peak_share"]), textcoords="offset points",
                    xytext=(-10, -25), ha="right")
        ax.set_title(f"Whale curve · top 20% earn {summary['top_share']:.0%}, bottom 30% give "
                     f"back {summary['bottom_giveback']:.0%} of it", fontsize=10)
    ax.set(xlabel="share of customers (ranked by profit)", ylabel="cumulative share of profit")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    return ax


def plot_tier_economics(economics: pd.DataFrame, ax: Any = None) -> Any:
    """Share of customers, revenue and profit per tier, side by side."""
    ax = _ax(ax)
    cols = ["customers_share", "revenue_share", "profit_share"]
    economics[cols].rename(columns=lambda c: c.replace("_share", "")).plot.bar(ax=ax, rot=0)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(xlabel="tier", ylabel="share of total", title="What each tier holds")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    return ax


def plot_scenarios(scenarios: pd.DataFrame, ax: Any = None) -> Any:
    """Total expected profit per scenario (:func:`profit_scenarios`), change labelled."""
    ax = _ax(ax)
    colours = ["grey" if i == "as is" else ("tab:green" if c >= 0 else "tab:red")
               for i, c in zip(scenarios.index, scenarios["change"], strict=True)]
    bars = ax.barh(scenarios.index[::-1], scenarios["total_profit"][::-1], color=colours[::-1])
    for bar, change in zip(bars, scenarios["change_pct"][::-1], strict=True):
        ax.annotate(f"{change:+.1%}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center")
    ax.set(xlabel="total expected profit (CNY)", title="Options for the least profitable "
           "customers")
    return ax
