"""Payment behaviour (付款行为): how each customer has paid, and the class that follows from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.config import validate_config
from helpers.errors import require_columns

from ._common import as_date, invoice_rows
from ._stages import BehaviourRules, Stages, resolve_stages
from ._validation import validate_receivables

__all__ = ["BEHAVIOURS", "classify_payment_behaviour", "payment_history"]

#: The payment behaviour classes, in the order of the categorical column.
BEHAVIOURS = ("on_time", "after_reminder", "chronic_late", "partial_payer", "disputes",
              "unresponsive", "new_account")


def payment_history(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
                    stages: Stages | None = None, validate: bool = True) -> pd.DataFrame:
    """Per invoice due by ``as_of``: when and how it was paid (the input to behaviour classes).

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        Only invoices due and payments made by then count.
    stages : Stages, optional
        For the settled tolerance (default: the bundled stages).
    validate : bool
        Run :func:`validate_receivables` first (turn off only for data already checked).

    Returns
    -------
    DataFrame
        ``invoice_id, customer_id, due_date, amount, paid, n_payments, settled_date,
        days_late`` (days after due date at settlement, or so far if open), ``settled``,
        ``late``, ``partial`` (paid in two or more parts, or part-paid and open), ``unpaid``
        (nothing paid).

    Raises
    ------
    DataProblem
        Bad input, see :func:`validate_receivables`.
    """
    st = resolve_stages(stages)
    day = as_date(as_of)
    if validate:
        inv, pay = validate_receivables(invoices, payments, overpayment="cap")
    else:
        inv, pay = invoices, payments
    inv = inv[inv["due_date"] <= day]
    pay = pay[pay["payment_date"] <= day]
    # payments of the due invoices keyed by the invoice's row: integers group faster than ids
    rows = invoice_rows(inv["invoice_id"], pay["invoice_id"])
    mine = rows >= 0
    pay = pay.loc[mine, ["payment_date", "amount"]].assign(row=rows[mine]).sort_values(
        "payment_date", kind="stable")
    g = pay.groupby("row")["amount"]
    amt = inv["amount"].to_numpy(dtype="float64")[pay["row"].to_numpy()]
    settle = pay.loc[g.cumsum().to_numpy() >= amt - st.tolerance].groupby("row")[
        "payment_date"].min()
    every = np.arange(len(inv))
    out = inv[["invoice_id", "customer_id", "due_date", "amount"]].copy()
    out["paid"] = np.minimum(g.sum().reindex(every, fill_value=0.0).to_numpy(), out["amount"])
    out["n_payments"] = g.size().reindex(every, fill_value=0).to_numpy(dtype="int64")
    if len(settle):
        out["settled_date"] = settle.reindex(every).to_numpy()
    else:  # nothing settled yet
        out["settled_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    out["settled"] = out["settled_date"].notna()
    end = out["settled_date"].fillna(day)
    out["days_late"] = np.maximum((end - out["due_date"]).dt.days, 0).astype("int64")
    out["late"] = out["days_late"] > 0
    out["partial"] = (out["n_payments"] >= 2) | (~out["settled"] & (out["paid"] > 0))
    out["unpaid"] = out["paid"] <= 0
    return out.reset_index(drop=True)


def classify_payment_behaviour(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    as_of: Any,
    service_contacts: pd.DataFrame | None = None,
    stages: Stages | None = None,
    rules: BehaviourRules | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Payment behaviour class of each customer with invoices due by ``as_of``.

    Classes, tested in this order (thresholds in ``collection_stages.yaml`` under ``behaviour``):
    ``new_account`` (too few due invoices to judge), ``unresponsive`` (most due invoices without a
    cent and nothing paid lately), ``disputes`` (repeated complaints and overdue money),
    ``partial_payer``, ``chronic_late``, ``after_reminder`` (late, mostly within M1), ``on_time``.

    Every customer with an invoice issued by ``as_of`` gets a row (``new_account`` when none is
    due yet).

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        The date the behaviour is judged at.
    service_contacts : DataFrame, optional
        Course table; its complaints count towards ``disputes``.
    stages : Stages, optional
        Default: the bundled stages (and their ``behaviour`` thresholds).
    rules : BehaviourRules or dict, optional
        Thresholds replacing those of ``stages`` (a dict replaces whole rules, e.g.
        ``{"chronic_late": {"late_share_min": 0.6}}``).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``invoices_due, late_share, median_days_late,
        partial_share, unpaid_share, days_since_payment, complaints, overdue_balance,
        behaviour``.

    Raises
    ------
    DataProblem
        Bad input tables; ``ConfigProblem`` for bad ``rules``.
    """
    st = resolve_stages(stages)
    if rules is None:
        r = st.behaviour
    elif isinstance(rules, BehaviourRules):
        r = rules
    else:
        r = validate_config(BehaviourRules, {**st.behaviour.model_dump(), **rules}, "rules")
    day = as_date(as_of)
    out = _customer_figures(payment_history(invoices, payments, day, st), invoices, day)
    out["days_since_payment"] = _days_since_payment(out.index, payments, day)
    out["complaints"] = _complaints(out.index, service_contacts, day, r.disputes.window_days)
    out["behaviour"] = _behaviour_class(out, r)
    out.index.name = "customer_id"
    return out


def _customer_figures(hist: pd.DataFrame, invoices: pd.DataFrame,
                      day: pd.Timestamp) -> pd.DataFrame:
    """Shares late, partial and unpaid per customer; zeros for customers with nothing due."""
    g = hist.groupby("customer_id", observed=True)
    settled = hist[hist["settled"]]
    out = pd.DataFrame({
        "invoices_due": g.size(),
        "late_share": g["late"].mean(),
        "median_days_late": settled[settled["late"]].groupby("customer_id", observed=True)[
            "days_late"].median(),
        "partial_share": g["partial"].mean(),
        "unpaid_share": g["unpaid"].mean(),
        "overdue_balance": (hist["amount"] - hist["paid"]).groupby(hist["customer_id"]).sum(),
    })
    # customers whose invoices are all still before their due date: nothing to judge yet
    issued = pd.to_datetime(invoices["issue_date"], errors="coerce") <= day
    everyone = pd.Index(invoices.loc[issued, "customer_id"].unique())
    out = out.reindex(out.index.union(everyone))
    out["invoices_due"] = out["invoices_due"].fillna(0).astype("int64")
    out = out.fillna({c: 0.0 for c in ("late_share", "partial_share", "unpaid_share",
                                       "overdue_balance")})
    out["median_days_late"] = out["median_days_late"].fillna(0.0)
    return out


def _days_since_payment(customers: pd.Index, payments: pd.DataFrame,
                        day: pd.Timestamp) -> pd.Series:
    """Days since each customer's last payment by ``day`` (9999 if none)."""
    pay = payments.assign(payment_date=pd.to_datetime(payments["payment_date"]))
    last = pay[pay["payment_date"] <= day].groupby("customer_id")["payment_date"].max()
    days = pd.Series((day - customers.map(last).astype("datetime64[ns]")).days, index=customers)
    return days.fillna(9999).astype("int64")


def _complaints(customers: pd.Index, service_contacts: pd.DataFrame | None,
                day: pd.Timestamp, window_days: int) -> pd.Series:
    """Complaints per customer in the ``window_days`` up to ``day`` (0 without contacts)."""
    if service_contacts is None or not len(service_contacts):
        return pd.Series(0, index=customers, dtype="int64")
    require_columns(service_contacts, ["customer_id", "contacted_at", "kind"],
                    "service_contacts")
    sc = service_contacts
    when = pd.to_datetime(sc["contacted_at"])
    recent = (sc["kind"] == "complaint") & (when <= day + pd.Timedelta(days=1)) & (
        when > day - pd.Timedelta(days=window_days))
    counts = customers.map(sc[recent].groupby("customer_id").size())
    return pd.Series(counts, index=customers).fillna(0).astype("int64")


def _behaviour_class(out: pd.DataFrame, r: BehaviourRules) -> pd.Categorical:
    """The first matching class of each customer, in the order of the rules."""
    conditions = [
        out["invoices_due"] < r.min_invoices,
        (out["unpaid_share"] >= r.unresponsive.unpaid_share_min)
        & (out["days_since_payment"] >= r.unresponsive.days_since_payment_min),
        (out["complaints"] >= r.disputes.complaints_min)
        & (out["late_share"] >= r.disputes.overdue_share_min),
        out["partial_share"] >= r.partial_payer.partial_share_min,
        (out["late_share"] >= r.chronic_late.late_share_min)
        & (out["median_days_late"] >= r.chronic_late.median_days_late_min),
        out["late_share"] >= r.after_reminder.late_share_min,
    ]
    choices = ["new_account", "unresponsive", "disputes", "partial_payer", "chronic_late",
               "after_reminder"]
    return pd.Categorical(np.select(conditions, choices, default="on_time"),
                          categories=list(BEHAVIOURS))
