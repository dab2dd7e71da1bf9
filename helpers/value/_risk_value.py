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
lesson 05 move once risk is counted. :func:`risk_value_view` (pure, what the widget shows) and
:func:`explore_risk_value` move the risk assumptions: how much of a late payer's value counts as
lost, and multipliers on the expected loss and the collection cost.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import display

from helpers.errors import DataProblem, require_columns, rows_preview
from helpers.i18n import tr

from ._tiers import DEFAULT_CUTS, DEFAULT_LABELS, assign_tiers

__all__ = ["explore_risk_value", "risk_adjusted_value", "risk_value_by_segment",
           "risk_value_view", "tier_shift"]


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


def _tier_codes(x: np.ndarray) -> np.ndarray:
    """:func:`assign_tiers`' default quantile tiers as codes 0-3, without sorting (fast).

    A value reaches cut ``c`` when the share of values strictly below it is at least ``c``,
    that is when it exceeds the value at position ``ceil(c·n) - 1`` of the sorted values: one
    threshold per cut, found with a partial sort.
    """
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=int)
    kth = [max(math.ceil(c * n) - 1, 0) for c in DEFAULT_CUTS]
    codes = np.zeros(n, dtype=np.int64)
    for threshold in np.partition(x, kth)[kth]:
        codes += x > threshold
    return codes


def _top(x: np.ndarray, places: int) -> np.ndarray:
    """Positions of the ``places`` largest values."""
    if places >= len(x):
        return np.arange(len(x))
    return np.argpartition(-x, places - 1)[:places] if places else np.arange(0)


# Long: the docstring (formula, assumptions, every returned part) is more than half of it
def risk_value_view(valued: pd.DataFrame, late_weight: float = 1.0, loss_scale: float = 1.0,
                    cost_scale: float = 1.0, places: int = 200,
                    clv: str = "clv") -> dict[str, Any]:
    """What the risk widget shows for one choice of risk assumptions (pure; the benchmark's).

    The value is recomputed as ``clv × (1 - late_weight × (1 - p_on_time)) - loss_scale ×
    expected_loss - cost_scale × collection_cost``: ``late_weight`` 1 is
    :func:`risk_adjusted_value`'s formula (a late payment counts as lost), 0 ignores lateness.

    Parameters
    ----------
    valued : DataFrame
        :func:`risk_adjusted_value`.
    late_weight : float
        Share of a late payer's value counted as at risk, in [0, 1].
    loss_scale, cost_scale : float
        Multipliers (≥ 0) on the expected loss and the collection cost.
    places : int
        Dedicated places (lesson 05): given to the top customers by value.
    clv : str
        The value column.

    Returns
    -------
    dict
        ``shift`` (:func:`tier_shift`'s table), ``moved`` (customers whose tier changes),
        ``changed_places`` (of the ``places`` top customers, how many differ once risk is
        counted), ``discount_share`` (share of the total value lost to risk) and ``value``
        (the recomputed risk-adjusted value per customer).

    Raises
    ------
    DataProblem
        If a column is missing or an assumption is out of range.

    Examples
    --------
    >>> df = risk_adjusted_value(pd.DataFrame({"clv": [100.0, 90.0], "p_on_time": [0.5, 1.0]}))
    >>> risk_value_view(df, places=1)["changed_places"]
    1
    >>> risk_value_view(df, late_weight=0.0, places=1)["changed_places"]
    0
    """
    require_columns(valued, [clv, "p_on_time", "expected_loss", "collection_cost"],
                    "risk value view", fix="pass the result of risk_adjusted_value(...).")
    if not 0 <= late_weight <= 1 or loss_scale < 0 or cost_scale < 0 or places < 0:
        raise DataProblem(f"risk value view: late_weight must be in [0, 1] and the scales and "
                          f"places at least 0; got late_weight={late_weight}, "
                          f"loss_scale={loss_scale}, cost_scale={cost_scale}, places={places}.")
    base = valued[clv].to_numpy(float)
    value = (base * (1 - late_weight * (1 - valued["p_on_time"].to_numpy(float)))
             - loss_scale * valued["expected_loss"].to_numpy(float)
             - cost_scale * valued["collection_cost"].to_numpy(float))
    adjusted = pd.Series(value, index=valued.index, name="risk_adjusted_value")
    codes = [_tier_codes(x) for x in (base, value)]
    k = len(DEFAULT_LABELS)
    counts = np.bincount(codes[0] * k + codes[1], minlength=k * k).reshape(k, k)
    shift = pd.DataFrame(counts, index=pd.CategoricalIndex(DEFAULT_LABELS, name="tier_clv",
                                                           ordered=True),
                         columns=pd.CategoricalIndex(DEFAULT_LABELS, name="tier_risk",
                                                     ordered=True))
    top_before, top_after = (_top(x, places) for x in (base, value))  # positions
    total = base.sum()
    return {"shift": shift, "moved": int(counts.sum() - np.trace(counts)),
            "changed_places": int(np.setdiff1d(top_before, top_after).size),
            "discount_share": float((total - value.sum()) / total) if total else float("nan"),
            "value": adjusted}


def explore_risk_value(valued: pd.DataFrame, places: int = 200, clv: str = "clv") -> w.Widget:
    """Widget: move the risk assumptions; see the value tiers and the dedicated places move.

    Parameters
    ----------
    valued : DataFrame
        :func:`risk_adjusted_value`.
    places : int
        Dedicated places (lesson 05's managers × accounts per manager).
    clv : str
        The value column.

    Returns
    -------
    ipywidgets.Widget
    """
    late = w.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.1,
                         description=tr("late counts as lost"))
    loss = w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25,
                         description=tr("expected loss ×"))
    cost = w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25,
                         description=tr("collection cost ×"))
    for slider in (late, loss, cost):
        slider.style.description_width = "initial"
    out = w.Output()

    def redraw(*_: Any) -> None:
        view = risk_value_view(valued, late.value, loss.value, cost.value, places, clv)
        with out:
            out.clear_output(wait=True)
            print(tr("{moved:,} customers change tier; {changed:,} of the {places:,} dedicated "
                     "places go to other customers; risk takes {share:.1%} of the value.",
                     moved=view["moved"], changed=view["changed_places"], places=places,
                     share=view["discount_share"]))
            display(view["shift"].rename(index=tr, columns=tr))

    for slider in (late, loss, cost):
        slider.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([late, loss, cost]), out])
