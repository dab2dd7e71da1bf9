"""Capstone, step 5: aging of the open invoices and today's collection queue (lessons 09-10).

Chains the aging and collection helpers of :mod:`helpers.receivables`; without
invoices and payments, or with too short a history for the probability-to-pay model, the
:class:`ReceivablesResult` carries a note instead of the missing tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.capstone._inputs import customer_base, transactions_of
from helpers.data import CourseData
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.receivables import (
    CollectionPlaybook,
    Stages,
    aging_table,
    classify_payment_behaviour,
    collection_accounts,
    collection_attributes,
    collection_types,
    load_collection_playbook,
    load_stages,
    open_items,
    score_open_items,
    work_queue,
)

__all__ = ["ReceivablesResult", "collection_plan"]


@dataclass
class ReceivablesResult:
    """Outcome of :func:`collection_plan`; tables are ``None`` when the section was skipped."""

    note: str
    items: pd.DataFrame | None = None
    aging: pd.DataFrame | None = None
    accounts: pd.DataFrame | None = None
    queue: pd.DataFrame | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """True when aging was computed."""
        return self.items is not None


def _default_type(book: CollectionPlaybook) -> str:
    """The playbook's default customer type: its last rule (what unmatched customers get)."""
    return book.types[-1]


def _skipped(data: CourseData) -> ReceivablesResult:
    """The result without invoices or payments: a note naming what is missing."""
    missing = [n for n in ("invoices", "payments") if getattr(data, n) is None]
    return ReceivablesResult(tr("Receivables skipped: no {tables} table was given (set "
                                "invoices_file and payments_file to age your receivables "
                                "and build the collection queue).",
                                tables=tr(" and no ").join(tr(m) for m in missing)))


def collection_plan(
    data: CourseData,
    capacity_minutes: float | None = 3 * 6 * 60,
    lapsed_days: int = 180,
    playbook: CollectionPlaybook | str | Path | None = None,
    seed: int = 2024,
) -> ReceivablesResult:
    """Aging of the open invoices and the day's collection queue (lessons 09 and 10).

    Skipped, with a note, without invoices and payments; with too short a history for the
    probability-to-pay model, only the aging is given.

    Parameters
    ----------
    data : CourseData
        From :func:`~helpers.capstone.load_inputs`.
    capacity_minutes : float, optional
        Minutes the team has for calls today (``None``: no limit).
    lapsed_days : int
        Days without a purchase after which a debtor is lapsed.
    playbook : CollectionPlaybook or path, optional
        The collection playbook (bundled ``collection_playbook.yaml`` when ``None``).
    seed : int
        Seed of the probability-to-pay model.

    Returns
    -------
    ReceivablesResult
        Items, aging, accounts, queue (``None`` where skipped), model metrics and a note.
    """
    if data.invoices is None or data.payments is None:
        return _skipped(data)
    stages = load_stages()
    book = playbook if isinstance(playbook, CollectionPlaybook) else \
        load_collection_playbook(playbook, stages)
    items = open_items(data.invoices, data.payments, data.as_of, stages)
    aging = aging_table(items, by=None)
    if items.empty:
        return ReceivablesResult(tr("No invoice is open on the as-of date: nothing to collect."),
                                 items=items, aging=aging)
    types, tiers = _debtor_types(data, book, stages, lapsed_days)
    try:
        scored, metrics = score_open_items(data.invoices, data.payments, data.as_of,
                                           stages=stages, seed=seed)
    except DataProblem as exc:
        return ReceivablesResult(tr("Aging done; collection queue skipped: the probability-to-"
                                    "pay model could not be trained ({problem}).", problem=exc),
                                 items=items, aging=aging)
    # debtors not yet due have no payment behaviour, hence no type: the playbook's default one
    owing = pd.Index(scored["customer_id"].unique())
    types = types.reindex(types.index.union(owing)).fillna(_default_type(book))
    accounts = collection_accounts(scored, types, tiers, stages)
    queue = work_queue(accounts, book, capacity_minutes=capacity_minutes, stages=stages)
    note = tr("{invoices:,} open invoice(s) on {accounts:,} account(s); today's queue holds "
              "{queue:,} account(s) within {minutes:,.0f} minutes.", invoices=len(items),
              accounts=len(accounts), queue=len(queue), minutes=capacity_minutes or 0)
    return ReceivablesResult(note, items=items, aging=aging, accounts=accounts, queue=queue,
                             metrics=dict(metrics))


def _debtor_types(data: CourseData, book: CollectionPlaybook, stages: Stages,
                  lapsed_days: int) -> tuple[pd.Series, pd.Series]:
    """Each customer's collection type (by the playbook's rules) and value tier."""
    assert data.invoices is not None and data.payments is not None  # collection_plan checks
    behaviour = classify_payment_behaviour(data.invoices, data.payments, data.as_of,
                                           data.service_contacts, stages)
    attributes = collection_attributes(customer_base(data), transactions_of(data), behaviour,
                                       data.as_of, lapsed_days=lapsed_days)
    return collection_types(attributes, book), attributes["value_tier"]
