"""The columns the classification rules read: one row per customer, or per lead."""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.errors import DataProblem, require_columns, sample_rows
from helpers.segments._summary import summarise_customers

__all__ = ["customer_features", "lead_features"]


def customer_features(
    customers: pd.DataFrame | None,
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
    customers : DataFrame or None
        The customers table (needs ``customer_id``). None: the customers are the IDs found in
        the transactions (an ID-only customer base: every column the rules read from a customer
        list is then missing, see ``ClassificationStandard.missing_columns``).
    transactions : DataFrame
        The transactions table.
    as_of : date-like, optional
        Day the classification is made; default the last purchase day.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (as text).

    Raises
    ------
    DataProblem
        If ``customer_id`` is missing or not unique, or as :func:`customer_summary`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["A", "A", "B"], "amount": [10.0, 5.0, 7.0],
    ...                    "purchase_date": pd.to_datetime(["2025-01-02", "2025-03-01",
    ...                                                     "2025-02-01"])})
    >>> feats = customer_features(None, tx)
    >>> feats.index.tolist(), feats["n_orders"].tolist(), feats["monetary_total"].tolist()
    (['A', 'B'], [2, 1], [15.0, 7.0])
    """
    customers = _buyers(transactions) if customers is None else customers
    require_columns(customers, ["customer_id"], "customers",
                    fix="map your customer number to customer_id.")
    dup = customers["customer_id"].duplicated()
    if dup.any():
        raise DataProblem(f"customers: customer_id is not unique, e.g. "
                          f"{sample_rows(customers.loc[dup, 'customer_id'])}; de-duplicate the "
                          "customer list first (lesson 01).")
    result = summarise_customers(transactions, as_of=as_of)
    summary, end = result.table, result.window_end
    days = pd.to_datetime(transactions["purchase_date"], errors="coerce").dt.normalize()
    # the 365 days up to and including the observation end
    recent = transactions[(days > end - pd.Timedelta(days=365)) & (days <= end)]
    last_year = summarise_customers(recent, as_of=end).table if len(recent) else None
    return _joined(customers, summary, last_year)


def _buyers(transactions: pd.DataFrame) -> pd.DataFrame:
    """An ID-only customer base: every customer ID in the transactions."""
    require_columns(transactions, ["customer_id"], "transactions",
                    fix="map your customer number to customer_id.")
    ids = transactions["customer_id"].dropna().astype("string").unique()
    return pd.DataFrame({"customer_id": pd.array(ids, dtype="string")})


def _joined(customers: pd.DataFrame, summary: pd.DataFrame,
            last_year: pd.DataFrame | None) -> pd.DataFrame:
    """The customers table joined with the whole-history and last-year summaries."""
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
    return out


def lead_features(leads: pd.DataFrame) -> pd.DataFrame:
    """Leads indexed by ``lead_id`` plus ``inquiry_detail``.

    ``inquiry_detail`` counts how many of specification, quantity, payment terms and delivery
    date the inquiry states (0-4).

    Parameters
    ----------
    leads : DataFrame
        The leads table (needs ``lead_id``).

    Returns
    -------
    DataFrame

    Raises
    ------
    DataProblem
        If ``lead_id`` is missing.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": ["L1"], "has_specs": [True], "has_quantity": [True]})
    >>> int(lead_features(leads).loc["L1", "inquiry_detail"])
    2
    """
    require_columns(leads, ["lead_id"], "leads", fix="map your lead number to lead_id.")
    out = leads.set_index("lead_id")
    flags = [c for c in ("has_specs", "has_quantity", "has_payment_terms", "has_delivery_date")
             if c in out.columns]
    out["inquiry_detail"] = (out[flags].fillna(False).astype(bool).sum(axis=1) if flags
                             else 0)
    return out
