"""Customer types for collections: life cycle, value tier, attitude and payment behaviour."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns
from helpers.value import assign_tiers

from ._playbook import CollectionPlaybook

__all__ = ["collection_attributes", "collection_types", "lifecycle_status", "type_fallbacks",
           "value_tiers"]


def lifecycle_status(transactions: pd.DataFrame, as_of: Any, customers: pd.Index | None = None,
                     lapsed_days: int = 180) -> pd.Series:
    """``active`` or ``lapsed`` (no purchase in ``lapsed_days``) per customer.

    Collections only need "has this customer stopped buying?": this is the ``lapsed`` rule of
    the classification standard's life cycle (:mod:`helpers.segments`), with customers who
    never bought counted as lapsed too.

    Parameters
    ----------
    transactions : DataFrame
        Course table (``customer_id, purchase_date``).
    as_of : date-like
        The date.
    customers : Index, optional
        Customers to report (default: every buyer).
    lapsed_days : int
        Days without a purchase after which a customer is lapsed.

    Returns
    -------
    Series
        Indexed by ``customer_id``, named ``lifecycle``.

    Raises
    ------
    DataProblem
        If ``transactions`` lacks the columns.
    """
    require_columns(transactions, ["customer_id", "purchase_date"], "transactions")
    day = pd.Timestamp(as_of)
    last = pd.to_datetime(transactions["purchase_date"]).groupby(
        transactions["customer_id"]).max()
    index = last.index if customers is None else pd.Index(customers)
    since = (day - last.reindex(index)).dt.days
    out = pd.Series(np.where(since.isna() | (since > lapsed_days), "lapsed", "active"),
                    index=index, name="lifecycle")
    out.index.name = "customer_id"
    return out


def value_tiers(values: pd.Series) -> pd.Series:
    """Value tier (low / silver / gold / diamond) per customer, as the value lesson defines it.

    ``assign_tiers(values, cuts=(0.5, 0.8, 0.95))`` of :mod:`helpers.value`, as plain strings.

    Parameters
    ----------
    values : Series
        One value per customer (e.g. revenue of the last year).

    Returns
    -------
    Series
        Named ``value_tier``, same index.

    Examples
    --------
    >>> value_tiers(pd.Series(range(20))).value_counts().to_dict()
    {'low': 10, 'silver': 6, 'gold': 3, 'diamond': 1}
    """
    tiers = assign_tiers(values, cuts=(0.5, 0.8, 0.95), labels=("low", "silver", "gold", "diamond"))
    return pd.Series(np.asarray(tiers), index=values.index, name="value_tier").astype(str)


# Long: the docstring says what each absent table leaves empty
def collection_attributes(
    customers: pd.DataFrame | None,
    transactions: pd.DataFrame | None,
    behaviour: pd.DataFrame,
    as_of: Any,
    lapsed_days: int = 180,
    value_months: int = 12,
) -> pd.DataFrame:
    """Everything the customer-type rules look at, one row per customer with receivables.

    An attribute whose source is absent stays empty (it then matches no rule, see
    :func:`type_fallbacks`): ``attitude`` without a customers table or its ``attitude`` column,
    ``lifecycle`` and ``value_tier`` without transactions.

    Parameters
    ----------
    customers : DataFrame or None
        Course table (``attitude`` is used when present; ``customer_id`` gives the customers
        the value tiers rank).
    transactions : DataFrame or None
        Course table (``customer_id, amount, purchase_date``).
    behaviour : DataFrame
        From :func:`classify_payment_behaviour`; its index gives the customers.
    as_of : date-like
        The date.
    lapsed_days : int
        For :func:`lifecycle_status`.
    value_months : int
        Revenue of the last ``value_months`` months gives the value tier (:func:`value_tiers`,
        over all customers).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``behaviour, lifecycle, attitude, value_tier``.

    Raises
    ------
    DataProblem
        If ``transactions`` lacks a needed column.
    """
    day = pd.Timestamp(as_of)
    ids = behaviour.index
    out = pd.DataFrame(index=ids)
    out["behaviour"] = behaviour["behaviour"].astype(str)
    if transactions is not None:
        require_columns(transactions, ["customer_id", "amount", "purchase_date"], "transactions")
        out["lifecycle"] = lifecycle_status(transactions, day, ids, lapsed_days)
        base = customers["customer_id"] if customers is not None else \
            pd.Index(transactions["customer_id"].unique()).union(ids)
        out["value_tier"] = _tiers(transactions, base, day, value_months).reindex(ids)
    else:
        out["lifecycle"] = pd.Series(pd.NA, index=ids, dtype="string")
        out["value_tier"] = pd.Series(pd.NA, index=ids, dtype="string")
    if customers is not None and "attitude" in customers:
        att = customers.set_index("customer_id")["attitude"]
        out["attitude"] = att.reindex(ids).astype("string")
    else:
        out["attitude"] = pd.Series(pd.NA, index=ids, dtype="string")
    out.index.name = "customer_id"
    return out[["behaviour", "lifecycle", "attitude", "value_tier"]]


def _tiers(transactions: pd.DataFrame, base: Any, day: pd.Timestamp,
           value_months: int) -> pd.Series:
    """Value tier of every customer in ``base`` by revenue of the last ``value_months``."""
    when = pd.to_datetime(transactions["purchase_date"])
    recent = transactions[(when > day - pd.DateOffset(months=value_months))
                          & (when <= day + pd.Timedelta(days=1))]
    revenue = recent.groupby("customer_id")["amount"].sum().reindex(base, fill_value=0.0)
    return value_tiers(revenue).astype(str)


def type_fallbacks(attributes: pd.DataFrame, types: pd.Series,
                   playbook: CollectionPlaybook) -> pd.Series:
    """Customers given the catch-all type only because an attribute a rule needs is empty.

    Parameters
    ----------
    attributes : DataFrame
        From :func:`collection_attributes`.
    types : Series
        From :func:`collection_types`.
    playbook : CollectionPlaybook
        The playbook whose rules were applied.

    Returns
    -------
    Series
        Indexed by attribute (``attitude``, ``lifecycle`` …): how many customers of the catch-all
        type have that attribute empty while some rule looks at it (0 rows: nothing fell back).

    Examples
    --------
    >>> from helpers.receivables import load_collection_playbook
    >>> book = load_collection_playbook()
    >>> attrs = pd.DataFrame({"behaviour": ["prompt", "disputes"], "lifecycle": [pd.NA] * 2,
    ...                       "attitude": [pd.NA] * 2, "value_tier": [pd.NA] * 2})
    >>> type_fallbacks(attrs, collection_types(attrs, book), book).to_dict()
    {'lifecycle': 1, 'attitude': 1, 'value_tier': 1}
    """
    catch_all = playbook.customer_types[-1].name
    used = [k for kind in playbook.customer_types for k in kind.when.conditions()]
    keys = [k for k in dict.fromkeys(used) if k in attributes.columns]
    fallen = (types.astype(str) == catch_all).to_numpy()
    counts = {k: int((attributes[k].isna().to_numpy() & fallen).sum()) for k in keys}
    return pd.Series({k: v for k, v in counts.items() if v > 0}, dtype="int64",
                     name="customers")


def collection_types(attributes: pd.DataFrame, playbook: CollectionPlaybook) -> pd.Series:
    """Collection customer type per customer, by the playbook's ordered rules.

    Parameters
    ----------
    attributes : DataFrame
        Indexed by ``customer_id``, with any of ``behaviour`` (from
        :func:`classify_payment_behaviour`), ``lifecycle``, ``attitude``, ``value_tier``
        (:func:`collection_attributes`). Empty values match no rule.
    playbook : CollectionPlaybook
        From :func:`load_collection_playbook`.

    Returns
    -------
    Series
        Categorical ``customer_type`` (categories in rule order), same index.

    Raises
    ------
    DataProblem
        If a rule looks at a column ``attributes`` lacks.
    """
    conds, names = [], []
    for kind in playbook.customer_types:
        cond = np.ones(len(attributes), dtype=bool)
        for key, values in kind.when.conditions().items():
            if key not in attributes.columns:
                raise DataProblem(f"{playbook.source}: customer type {kind.name!r} needs "
                                  f"the column {key!r}, which the attributes table lacks "
                                  f"(it has {list(attributes.columns)}).")
            cond &= attributes[key].astype("string").isin([str(v) for v in values]).fillna(
                False).to_numpy(dtype=bool)
        conds.append(cond)
        names.append(kind.name)
    out = np.select(conds, names, default=names[-1])
    return pd.Series(pd.Categorical(out, categories=names), index=attributes.index,
                     name="customer_type")
