"""Cost drivers: count, per customer, everything that earns or costs money (before any rate).

One function per course table (transactions, service contacts, calls, invoices with their
payments); :func:`cost_drivers` joins them. :func:`missing_tables` says which of the optional
tables were absent, so contributed no cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, sample_rows

from ._inputs import by_customer, dates, need, numbers, table

__all__ = ["DOUBTFUL_AFTER_DAYS", "SERVICE_KINDS", "cost_drivers", "missing_tables"]

#: Invoices overdue by more than this many days at the observation end are doubtful (M3+).
DOUBTFUL_AFTER_DAYS = 90
#: The kinds of service contact the cost rates price.
SERVICE_KINDS = ("inquiry", "technical_support", "return_request", "complaint")
_SERVICE_COLUMNS = (*(f"n_{k}" for k in SERVICE_KINDS), "service_minutes", "complaint_minutes")
_CALL_COLUMNS = ("n_calls", "call_minutes", "n_collection_calls", "collection_minutes")
_LATE_COLUMNS = ("n_late_invoices", "late_amount_days", "doubtful_balance")


def _transaction_drivers(tx: pd.DataFrame) -> pd.DataFrame:
    need(tx, "transactions", ["customer_id", "amount"])
    amount = numbers(tx, "transactions", "amount")
    discount = (np.nan_to_num(numbers(tx, "transactions", "discount", allow_missing=True))
                if "discount" in tx.columns else np.zeros(len(tx)))
    is_return = amount < 0
    if "is_return" in tx.columns:
        is_return |= tx["is_return"].fillna(False).to_numpy(dtype=bool)
    cost = (numbers(tx, "transactions", "cost", allow_missing=True) if "cost" in tx.columns
            else np.full(len(tx), np.nan))
    cost_known = ~np.isnan(cost)
    sale = ~is_return
    no_customer = tx["customer_id"].isna().to_numpy()
    if no_customer.any():
        raise DataProblem(
            f"transactions: {int(no_customer.sum())} row(s) have no customer_id, e.g. rows "
            f"{sample_rows(tx.index[no_customer])}. Fix: fill the customer or drop those rows "
            "(anonymous sales cannot be attributed to a customer)."
        )
    signed_net = np.where(sale, amount, -np.abs(amount))
    if "order_id" in tx.columns:   # count each order once, however many lines it has
        first_line = ~tx["order_id"].duplicated().to_numpy() | tx["order_id"].isna().to_numpy()
    else:
        first_line = np.ones(len(tx), dtype=bool)
    return by_customer(tx["customer_id"], {
        "n_orders": (sale & first_line).astype("int64"),
        "revenue": np.where(sale, amount + discount, 0.0),
        "discounts": np.where(sale, discount, 0.0),
        "returns": np.where(is_return, np.abs(amount), 0.0),
        "n_returns": is_return.astype("int64"),
        "cogs_known": np.where(cost_known, np.where(sale, cost, -np.abs(cost)), 0.0),
        "cogs_unknown_sales": np.where(cost_known, 0.0, signed_net),
    })


def _service_drivers(svc: pd.DataFrame) -> pd.DataFrame:
    need(svc, "service_contacts", ["customer_id", "kind", "minutes"])
    minutes = np.nan_to_num(numbers(svc, "service_contacts", "minutes", allow_missing=True))
    kind = svc["kind"].astype("string").to_numpy(dtype=object, na_value="")
    unknown = ~np.isin(kind, SERVICE_KINDS)
    if unknown.any():
        raise DataProblem(
            f"service_contacts: column 'kind' has {int(unknown.sum())} value(s) outside "
            f"{list(SERVICE_KINDS)}, e.g. {sample_rows(pd.unique(kind[unknown]))}. Fix: recode "
            "them in the mapping file (values: kind: {...})."
        )
    complaint = kind == "complaint"
    cols = {f"n_{k}": (kind == k).astype("int64") for k in SERVICE_KINDS}
    cols["service_minutes"] = np.where(complaint, 0.0, minutes)
    cols["complaint_minutes"] = np.where(complaint, minutes, 0.0)
    known = svc["customer_id"].notna().to_numpy()
    return by_customer(svc["customer_id"].dropna(), {k: v[known] for k, v in cols.items()})


def _call_drivers(calls: pd.DataFrame) -> pd.DataFrame:
    need(calls, "calls", ["customer_id", "duration_s"])
    c = calls.loc[calls["customer_id"].notna().to_numpy()]
    minutes = np.nan_to_num(numbers(c, "calls", "duration_s", allow_missing=True)) / 60.0
    collection = (c["purpose"].astype("string").eq("collection").fillna(False)
                  .to_numpy(dtype=bool) if "purpose" in c.columns
                  else np.zeros(len(c), dtype=bool))
    return by_customer(c["customer_id"], {
        "n_calls": (~collection).astype("int64"),
        "call_minutes": np.where(collection, 0.0, minutes),
        "n_collection_calls": collection.astype("int64"),
        "collection_minutes": np.where(collection, minutes, 0.0),
    })


def _paid_so_far(inv: pd.DataFrame, pay: pd.DataFrame | None,
                 as_of: pd.Timestamp | None) -> tuple[pd.Series, pd.Series]:
    """Amount paid per invoice up to ``as_of`` and the date of its last payment."""
    paid = pd.Series(0.0, index=inv["invoice_id"].astype("string").to_numpy())
    last = pd.Series(pd.NaT, index=paid.index, dtype="datetime64[ns]")
    if pay is None or not len(pay):
        return paid, last
    need(pay, "payments", ["invoice_id", "payment_date", "amount"])
    pdate = dates(pay, "payments", "payment_date")
    pamt = numbers(pay, "payments", "amount")
    keep = (pdate <= as_of).to_numpy() if as_of is not None else np.ones(len(pay), bool)
    grouped = pd.DataFrame({"invoice_id": pay["invoice_id"].astype("string").to_numpy(),
                            "amount": pamt, "date": pdate.to_numpy()})[keep]
    agg = grouped.groupby("invoice_id").agg(amount=("amount", "sum"), date=("date", "max"))
    return agg["amount"].reindex(paid.index).fillna(0.0), agg["date"].reindex(paid.index)


def _late_payment_drivers(inv: pd.DataFrame, pay: pd.DataFrame | None,
                          as_of: pd.Timestamp | None) -> pd.DataFrame:
    need(inv, "invoices", ["invoice_id", "customer_id", "due_date", "amount"])
    inv_amount = numbers(inv, "invoices", "amount")
    due = dates(inv, "invoices", "due_date")
    paid, last = _paid_so_far(inv, pay, as_of)
    settled = paid.to_numpy() >= inv_amount - 0.005
    end = as_of if as_of is not None else due.max()
    settled_on = np.where(settled, last.to_numpy(), np.datetime64(end, "ns"))
    days_late = ((pd.to_datetime(settled_on) - due.to_numpy()).days.to_numpy(dtype=float,
                                                                          na_value=0.0))
    days_late = np.clip(np.nan_to_num(days_late), 0, None)
    doubtful = (~settled) & (days_late > DOUBTFUL_AFTER_DAYS)
    return by_customer(inv["customer_id"], {
        "n_late_invoices": (days_late > 0).astype("int64"),
        "late_amount_days": inv_amount * days_late,
        "doubtful_balance": np.where(doubtful, inv_amount - paid.to_numpy(), 0.0),
    })


def _observation_end(data: Any, tx: pd.DataFrame, as_of: Any) -> pd.Timestamp | None:
    if as_of is None:
        as_of = data.get("as_of") if isinstance(data, Mapping) else getattr(data, "as_of", None)
    if as_of is None and "purchase_date" in tx.columns:
        as_of = dates(tx, "transactions", "purchase_date").max()
    return pd.Timestamp(as_of) if as_of is not None else None


def _all_customers(customers: pd.DataFrame | None, buyers: pd.Index) -> pd.Index:
    """Every customer of the customers table, then any buyer not in it."""
    if customers is None:
        return buyers
    need(customers, "customers", ["customer_id"])
    return pd.Index(customers["customer_id"].dropna().astype("string").unique()).union(
        buyers, sort=False)


def _present(frame: pd.DataFrame | None) -> bool:
    return frame is not None and len(frame) > 0


def missing_tables(data: Any) -> list[str]:
    """The optional tables :func:`cost_drivers` found absent or empty (they cost nothing).

    Parameters
    ----------
    data : CourseData or mapping of DataFrames
        As given to :func:`cost_drivers`.

    Returns
    -------
    list of str
        Among ``service_contacts``, ``calls``, ``invoices`` and (when there are invoices)
        ``payments``.

    Examples
    --------
    >>> missing_tables({"transactions": pd.DataFrame({"customer_id": ["a"], "amount": [1.0]})})
    ['service_contacts', 'calls', 'invoices']
    """
    out = [name for name in ("service_contacts", "calls", "invoices")
           if not _present(table(data, name))]
    if "invoices" not in out and not _present(table(data, "payments")):
        out.append("payments")
    return out


# Long: the docstring lists every driver column; the code is 25 lines.
def cost_drivers(data: Any, as_of: Any = None) -> pd.DataFrame:
    """Count, per customer, everything that earns or costs money (before applying any rate).

    Parameters
    ----------
    data : CourseData or mapping of DataFrames
        Needs ``transactions``; uses ``customers``, ``service_contacts``, ``calls``,
        ``invoices`` and ``payments`` when present (a missing table contributes no cost; see
        :func:`missing_tables`).
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

    Raises
    ------
    DataProblem
        No transactions table; missing columns; amounts, dates or service kinds that cannot be
        read; transactions without a customer.

    Notes
    -----
    A transaction is a return when ``is_return`` is true or its amount is negative. Discounts
    of return lines are ignored. An invoice is late when it was settled (payments reaching its
    amount) after its due date, or is still open after its due date at ``as_of``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "amount": [100.0, -20.0]})
    >>> cost_drivers({"transactions": tx}).loc["a", ["n_orders", "revenue", "returns"]].tolist()
    [1.0, 100.0, 20.0]
    """
    tx = table(data, "transactions")
    if tx is None:
        raise DataProblem("customer profitability needs the transactions table; none was given.")
    money = _transaction_drivers(tx)
    out = money.reindex(_all_customers(table(data, "customers"), money.index), fill_value=0.0)
    out.index.name = "customer_id"
    end = _observation_end(data, tx, as_of)
    parts = [
        (table(data, "service_contacts"), _service_drivers, _SERVICE_COLUMNS),
        (table(data, "calls"), _call_drivers, _CALL_COLUMNS),
        (table(data, "invoices"),
         lambda inv: _late_payment_drivers(inv, table(data, "payments"), end), _LATE_COLUMNS),
    ]
    for frame, drivers, columns in parts:
        if frame is not None and len(frame):
            out = out.join(drivers(frame), how="left")
        else:
            for col in columns:
                out[col] = 0.0
    out = out.fillna(0.0)
    for col in out.columns:
        if col.startswith("n_"):
            out[col] = out[col].astype("int64")
    return out
