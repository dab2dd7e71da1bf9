"""Capstone, steps 2 and 3: RFM segment and life cycle of every buyer, then their value tier.

Both steps chain the helpers of lessons 02, 03 and 05 (:mod:`helpers.segments`,
:mod:`helpers.value`); the results say what was left out and which basis the
tiers were cut on, explicitly (:class:`SegmentResult`, :class:`ValueResult`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers import value
from helpers.capstone._inputs import customer_base, transactions_of
from helpers.data import CourseData
from helpers.i18n import tr
from helpers.segments import (
    classify,
    customer_features,
    load_segment_map,
    load_standard,
    rfm_segments,
    summarise_customers,
)

__all__ = ["SegmentResult", "ValueResult", "has_costs", "segment_customers", "value_table"]


@dataclass
class SegmentResult:
    """Outcome of :func:`segment_customers`.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``customer_id``: the customer summary, the RFM scores, ``segment`` and
        ``life_cycle``.
    exclusions : dict
        Transaction rows used and left out, by reason (``returns``, ``after_as_of`` …).
    """

    table: pd.DataFrame
    exclusions: dict[str, int] = field(default_factory=dict)


@dataclass
class ValueResult:
    """Outcome of :func:`value_table`.

    Attributes
    ----------
    table : DataFrame
        Indexed like the segments: ``revenue``, ``profit`` (empty without costs) and ``tier``.
    basis : {"profit", "revenue"}
        What the tiers were cut on.
    note : str
        Which basis was used and why, for the reader.
    """

    table: pd.DataFrame
    basis: Literal["profit", "revenue"]
    note: str

    @property
    def by_profit(self) -> bool:
        """True when the tiers were cut on profit (the transactions carry costs)."""
        return self.basis == "profit"


def segment_customers(
    data: CourseData,
    scoring: str = "quantile",
    segment_map: Mapping[str, Any] | str | Path | None = None,
    standard: Mapping[str, Any] | str | Path | None = None,
) -> SegmentResult:
    """RFM segment and life-cycle stage of every customer who bought by ``data.as_of``.

    Parameters
    ----------
    data : CourseData
        From :func:`~helpers.capstone.load_inputs`.
    scoring : {"quantile", "fixed"}
        RFM scoring scheme (:func:`helpers.segments.rfm_segments`).
    segment_map, standard : dict or path, optional
        The RFM segment map and the classification standard (bundled files when ``None``).

    Returns
    -------
    SegmentResult
        ``table`` indexed by ``customer_id``: :func:`helpers.segments.customer_summary`
        columns, the scores, ``segment`` and ``life_cycle``. Returns and purchases after
        ``as_of`` are left out; ``exclusions`` counts them.
    """
    tx = transactions_of(data)
    smap = load_segment_map(segment_map)
    std = load_standard(standard)
    result = summarise_customers(tx, as_of=data.as_of)
    segments = rfm_segments(result.table, method=scoring, segment_map=smap)
    features = customer_features(customer_base(data), tx, as_of=data.as_of)
    stage = classify(features, std, dimensions=["life_cycle"])["life_cycle"]
    stage.index = stage.index.astype(str)
    segments.index = segments.index.astype(str)
    segments["life_cycle"] = stage.reindex(segments.index).astype("string")
    segments.index.name = "customer_id"
    excluded = {str(k): int(v) for k, v in result.exclusions.to_dict().items()}
    return SegmentResult(segments, excluded)


def has_costs(transactions: pd.DataFrame) -> bool:
    """True when the transactions carry a cost of goods on at least one sale.

    >>> has_costs(pd.DataFrame({"amount": [10.0], "cost": [None]}))
    False
    """
    return "cost" in transactions.columns and bool(transactions["cost"].notna().any())


def value_table(
    data: CourseData,
    segments: SegmentResult,
    tier_cuts: Sequence[float] = value.DEFAULT_CUTS,
    tier_labels: Sequence[str] = value.DEFAULT_LABELS,
    cost_rates: Mapping[str, Any] | str | Path | None = None,
) -> ValueResult:
    """Value tier of every segmented customer: by profit where costs are known, else by revenue.

    Parameters
    ----------
    data : CourseData
        The loaded tables (costs come from the transactions up to ``data.as_of``).
    segments : SegmentResult
        From :func:`segment_customers`.
    tier_cuts, tier_labels : sequence
        Shares of customers below each tier, and the tier names (lowest first); see
        :func:`helpers.value.assign_tiers`.
    cost_rates : dict or path, optional
        Cost-to-serve rates (bundled ``cost_rates.yaml`` when ``None``).

    Returns
    -------
    ValueResult
        ``table`` indexed like the segments: ``revenue`` (net sales to ``as_of``), ``profit``
        (empty when the transactions carry no cost) and ``tier``; ``basis`` and ``note`` say
        which basis was used and why.
    """
    tx = transactions_of(data)
    seg = segments.table
    out = pd.DataFrame({"revenue": seg["monetary_total"].astype("float64")}, index=seg.index)
    basis: Literal["profit", "revenue"]
    if has_costs(tx):
        tables: dict[str, Any] = dict(data.tables)
        tables["transactions"] = tx[tx["purchase_date"] < data.as_of + pd.Timedelta(days=1)]
        tables["as_of"] = data.as_of
        drivers = value.cost_drivers(tables)
        profit = value.apply_cost_rates(drivers, cost_rates)
        profit.index = profit.index.astype(str)
        out["profit"] = profit["profit"].reindex(out.index).astype("float64")
        basis = "profit"
        share = value.cogs_estimated_share(drivers)
        note = tr("Tiers are cut on profit (gross margin minus cost-to-serve, "
                  "helpers.value.customer_profit); {share:.0%} of net sales had no cost and used "
                  "the fallback ratio.", share=share)
    else:
        out["profit"] = np.nan
        basis = "revenue"
        note = tr("The transactions carry no cost column, so profit is unknown: tiers are cut "
                  "on revenue, and the playbook's profit rules (loss-making customers) do not "
                  "fire.")
    out["tier"] = value.assign_tiers(out[basis], cuts=tier_cuts, labels=tier_labels)
    return ValueResult(out, basis, note)
