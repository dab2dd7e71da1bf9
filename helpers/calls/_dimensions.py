"""The other classification dimensions: usage scenario, consumption behaviour, lapse risk."""

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns, rows_preview

from ._response_config import ResponseConfig, as_response_config

__all__ = ["consumption_behaviour", "lapse_risk", "usage_scenario"]


def usage_scenario(customers: pd.DataFrame) -> pd.Series:
    """Usage scenario (应用场景): ``personal`` for individuals, ``business`` for organisations.

    Parameters
    ----------
    customers : DataFrame
        The ``customers`` table (``customer_id, customer_kind``).

    Returns
    -------
    Series
        ``usage_scenario`` indexed by ``customer_id``.

    Raises
    ------
    DataProblem
        If ``customer_kind`` holds anything but ``individual`` or ``organisation``.

    Examples
    --------
    >>> usage_scenario(pd.DataFrame({"customer_id": ["a", "b"],
    ...                              "customer_kind": ["individual", "organisation"]})).tolist()
    ['personal', 'business']
    """
    require_columns(customers, ["customer_id", "customer_kind"], "customers")
    kinds = customers["customer_kind"]
    unknown = ~kinds.isin(("individual", "organisation"))
    if unknown.any():
        raise DataProblem("customers: customer_kind must be 'individual' or 'organisation'; "
                          "rows:\n" + rows_preview(customers, unknown,
                                                   ["customer_id", "customer_kind"]))
    return pd.Series(np.where(kinds.eq("organisation"), "business", "personal"),
                     index=pd.Index(customers["customer_id"], name="customer_id"),
                     name="usage_scenario")


def consumption_behaviour(summary: pd.DataFrame, frequency: str = "n_orders",
                          monetary: str = "monetary_total", cut: float = 0.5) -> pd.Series:
    """Consumption-behaviour class (消费行为) from a per-customer purchase summary.

    Each customer is high or low on purchase frequency and on spend, relative to the ``cut``
    quantile of all customers: ``high_freq_high_value``, ``high_freq_low_value``,
    ``low_freq_high_value`` or ``low_freq_low_value``.

    Parameters
    ----------
    summary : DataFrame
        One row per customer, e.g. :func:`helpers.segments.customer_summary`.
    frequency, monetary : str
        The columns holding purchase frequency and spend.
    cut : float
        The quantile separating high from low.

    Returns
    -------
    Series
        ``consumption_behaviour``, indexed like ``summary``.

    Raises
    ------
    DataProblem
        If a column is missing or holds empty or non-numeric values.

    Examples
    --------
    >>> summary = pd.DataFrame({"n_orders": [1, 10], "monetary_total": [900, 20]})
    >>> consumption_behaviour(summary).tolist()
    ['low_freq_high_value', 'high_freq_low_value']
    """
    require_columns(summary, [frequency, monetary], "customer summary")
    f = pd.to_numeric(summary[frequency], errors="coerce")
    m = pd.to_numeric(summary[monetary], errors="coerce")
    if f.isna().any() or m.isna().any():
        bad = f.isna() | m.isna()
        raise DataProblem(f"customer summary: {int(bad.sum())} rows without a number in "
                          f"{frequency!r}/{monetary!r}:\n"
                          f"{rows_preview(summary, bad, [frequency, monetary])}"
                          "\nFill or drop them first.")
    hf = np.where(f > f.quantile(cut), "high_freq", "low_freq")
    hv = np.where(m > m.quantile(cut), "high_value", "low_value")
    return pd.Series(np.char.add(np.char.add(hf.astype(str), "_"), hv.astype(str)),
                     index=summary.index, name="consumption_behaviour")


def _complaint_flags(idx: pd.Index, service_contacts: pd.DataFrame,
                     as_of: pd.Timestamp) -> pd.DataFrame:
    """``recent_complaint`` (last 90 days) and ``unresolved_complaint`` per customer of ``idx``."""
    require_columns(service_contacts, ["customer_id", "contacted_at", "kind"], "service_contacts")
    sc = service_contacts
    recent = (sc["kind"].eq("complaint") & (sc["contacted_at"] > as_of - pd.Timedelta(days=90))
              & (sc["contacted_at"] <= as_of + pd.Timedelta(days=1)))
    unresolved = recent & (~sc["resolved"].astype("boolean").fillna(True).astype(bool)
                           if "resolved" in sc.columns else False)
    return pd.DataFrame({
        "recent_complaint": idx.isin(sc.loc[recent, "customer_id"]).astype(int),
        "unresolved_complaint": idx.isin(sc.loc[unresolved, "customer_id"]).astype(int),
    }, index=idx)


def lapse_risk(
    profile: pd.DataFrame,
    as_of: str | pd.Timestamp,
    last_purchase: pd.Series | None = None,
    service_contacts: pd.DataFrame | None = None,
    config: ResponseConfig | None = None,
) -> pd.DataFrame:
    """Transparent lapse (churn) risk score from interaction history, with the action to take.

    Points (from ``response_classes.yaml``, ``lapse_risk``) are added for: no purchase in 90 and
    in 180 days, mostly refusing calls, rarely answering, a complaint in the last 90 days and an
    unresolved one. The level (low / medium / high) picks the reactivation action of the
    low-activity strategy.

    Parameters
    ----------
    profile : DataFrame
        :func:`interaction_profile` (optionally reindexed to all customers).
    as_of : date
        The day the score is computed for.
    last_purchase : Series, optional
        Date of each customer's latest purchase, indexed by customer id. Customers missing from it
        count as not having bought in 180 days.
    service_contacts : DataFrame, optional
        The ``service_contacts`` table (``kind``, ``contacted_at``, ``resolved``).
    config : ResponseConfig, optional
        From :func:`load_response_config` (default: the bundled file).

    Returns
    -------
    DataFrame
        Indexed like ``profile``: one 0/1 column per signal, ``risk_score``, ``risk_level``,
        ``action``.

    Raises
    ------
    DataProblem
        If ``service_contacts`` lacks a needed column.
    """
    cfg = as_response_config(config).lapse_risk
    as_of = pd.Timestamp(as_of)
    idx = profile.index
    out = pd.DataFrame(index=idx)
    if last_purchase is not None:
        days = (as_of - last_purchase.reindex(idx)).dt.days
        out["no_purchase_90_days"] = (days > 90).where(days.notna(), True).astype(int)
        out["no_purchase_180_days"] = (days > 180).where(days.notna(), True).astype(int)
    out["mostly_refuses"] = ((profile["refusal_share"] >= 0.5)
                             & (profile["n_answered"] >= 2)).astype(int)
    out["rarely_answers"] = ((profile["answer_rate"] < 0.3) & (profile["n_calls"] >= 3)).astype(int)
    if service_contacts is not None:
        out = out.join(_complaint_flags(idx, service_contacts, as_of))
    points = pd.Series({k: v for k, v in cfg.points.model_dump().items() if k in out.columns})
    out["risk_score"] = out[points.index].to_numpy() @ points.to_numpy()
    lv = cfg.levels
    out["risk_level"] = np.select([out["risk_score"] >= lv.high, out["risk_score"] >= lv.medium],
                                  ["high", "medium"], "low")
    out["action"] = out["risk_level"].map(cfg.actions.model_dump())
    return out
