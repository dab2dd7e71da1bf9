"""Risk-adjusted customer value: lifetime value net of credit risk (lessons 05, 06 and 09).

A customer's CLV (lesson 06) assumes the invoices get paid. Lesson 09 knows better: some
customers pay late or not at all, and chasing them costs staff time. The value a seller can
count on is

``risk_adjusted_value = clv × p_on_time - expected_loss - collection_cost``

with ``p_on_time`` the chance the customer pays on time (for instance ``1 - late_share`` of
:func:`helpers.receivables.classify_payment_behaviour`), ``expected_loss`` the open balance times
its stage's loss rate (:func:`helpers.receivables.loss_rates`) and ``collection_cost`` the cost of
the contacts the collection playbook plans. :func:`risk_adjusted_value` computes it per customer,
:func:`risk_value_by_segment` per segment, and :func:`tier_shift` shows how the value tiers of
lesson 05 move once risk is counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns, rows_preview

from ._tiers import assign_tiers

__all__ = ["risk_adjusted_value", "risk_value_by_segment", "tier_shift"]


def _numbers(frame: pd.DataFrame, column: str, fill: float) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        raise DataProblem(f"customers: column {column!r} must hold numbers; "
                          f"{int(bad.sum())} row(s) do not:\n"
                          f"{rows_preview(frame, bad.to_numpy(), [column])}")
    return values.fillna(fill).astype(float)


def risk_adjusted_value(customers: pd.DataFrame, clv: str = "clv", p_on_time: str = "p_on_time",
                        expected_loss: str = "expected_loss",
                        collection_cost: str = "collection_cost") -> pd.DataFrame:
    """CLV × P(pays on time) - expected collection loss - collection cost, per customer.

    Customers without a credit history (an empty ``p_on_time``: they pay at the till) count as
    paying on time, with no loss and no collection cost; ``risk_known`` says which rows had one.
    Missing ``expected_loss`` or ``collection_cost`` columns count as zero.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with the ``clv`` column and whichever risk columns are known.
    clv, p_on_time, expected_loss, collection_cost : str
        The column names.

    Returns
    -------
    DataFrame
        ``customers`` with ``p_on_time, expected_loss, collection_cost`` filled,
        ``risk_known``, ``risk_adjusted_value`` and ``risk_discount`` (clv minus it).

    Raises
    ------
    DataProblem
        If ``clv`` is missing or empty, a column holds text, or ``p_on_time`` leaves [0, 1].

    Examples
    --------
    >>> df = pd.DataFrame({"clv": [1000.0, 500.0], "p_on_time": [0.8, None],
    ...                    "expected_loss": [50.0, None], "collection_cost": [20.0, None]})
    >>> risk_adjusted_value(df)["risk_adjusted_value"].tolist()
    [730.0, 500.0]
    """
    require_columns(customers, [clv], "customers (risk-adjusted value)",
                    fix="compute the CLV first (helpers.value.customer_lifetime_value).")
    if customers[clv].isna().any():
        raise DataProblem(f"customers: {customers[clv].isna().sum()} row(s) have no {clv!r}:\n"
                          f"{rows_preview(customers, customers[clv].isna().to_numpy(), [clv])}")
    out = customers.copy()
    value = _numbers(out, clv, 0.0)
    known = (out[p_on_time].notna() if p_on_time in out else pd.Series(False, index=out.index))
    p = _numbers(out, p_on_time, 1.0) if p_on_time in out else pd.Series(1.0, index=out.index)
    outside = ~p.between(0, 1)
    if outside.any():
        raise DataProblem(f"customers: {p_on_time!r} is a probability in [0, 1]; "
                          f"{int(outside.sum())} row(s) are not:\n"
                          f"{rows_preview(out, outside.to_numpy(), [p_on_time])}")
    loss, cost = (_numbers(out, c, 0.0) if c in out else pd.Series(0.0, index=out.index)
                  for c in (expected_loss, collection_cost))
    out[p_on_time], out[expected_loss], out[collection_cost] = p, loss, cost
    out["risk_known"] = known.to_numpy()
    out["risk_adjusted_value"] = value * p - loss - cost
    out["risk_discount"] = value - out["risk_adjusted_value"]
    return out


def risk_value_by_segment(valued: pd.DataFrame, segment: str,
                          clv: str = "clv") -> pd.DataFrame:
    """CLV and risk-adjusted value per segment, and how the segments' ranking changes.

    Parameters
    ----------
    valued : DataFrame
        :func:`risk_adjusted_value`, with a ``segment`` column.
    segment : str
        The segment column (value tier, RFM segment, payment behaviour …).
    clv : str
        The CLV column.

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers, clv, risk_adjusted_value, risk_discount``,
        ``discount_share`` (share of the CLV lost to risk), ``rank_clv`` and ``rank_risk``
        (1 = most valuable), largest risk-adjusted value first.

    Raises
    ------
    DataProblem
        If a column is missing.

    Examples
    --------
    >>> df = pd.DataFrame({"clv": [1000.0, 900.0], "p_on_time": [0.5, 1.0], "seg": ["a", "b"]})
    >>> risk_value_by_segment(risk_adjusted_value(df), "seg")[["rank_clv", "rank_risk"]]
         rank_clv  rank_risk
    seg
    b           2          1
    a           1          2
    """
    require_columns(valued, [segment, clv, "risk_adjusted_value", "risk_discount"],
                    "risk-adjusted value by segment",
                    fix="pass the result of risk_adjusted_value(...) with a segment column.")
    g = valued.groupby(segment, observed=True)
    out = pd.DataFrame({"customers": g.size(), "clv": g[clv].sum(),
                        "risk_adjusted_value": g["risk_adjusted_value"].sum(),
                        "risk_discount": g["risk_discount"].sum()})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["discount_share"] = out["risk_discount"] / out["clv"]
    out["rank_clv"] = out["clv"].rank(ascending=False, method="min").astype(int)
    out["rank_risk"] = out["risk_adjusted_value"].rank(ascending=False, method="min").astype(int)
    return out.sort_values("risk_adjusted_value", ascending=False)


def tier_shift(valued: pd.DataFrame, clv: str = "clv") -> pd.DataFrame:
    """Customers by value tier on CLV (rows) against value tier on risk-adjusted value (columns).

    Both are cut with :func:`assign_tiers`' default shares; a customer off the diagonal would be
    served differently once credit risk is counted (lesson 05's whom-to-serve decision).

    Parameters
    ----------
    valued : DataFrame
        :func:`risk_adjusted_value`.
    clv : str
        The CLV column.

    Returns
    -------
    DataFrame
        A count table: index ``tier_clv``, columns ``tier_risk`` (low … diamond).

    Raises
    ------
    DataProblem
        If a column is missing.
    """
    require_columns(valued, [clv, "risk_adjusted_value"], "tier shift",
                    fix="pass the result of risk_adjusted_value(...).")
    before = assign_tiers(valued[clv].astype(float)).rename("tier_clv")
    after = assign_tiers(valued["risk_adjusted_value"].astype(float)).rename("tier_risk")
    return pd.crosstab(before, after, dropna=False)
