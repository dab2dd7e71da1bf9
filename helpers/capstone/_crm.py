"""Capstone, step 6: the table a CRM imports, the checklist before importing it, and the workload.

:func:`crm_customer_table` joins the results of the earlier steps into one row per customer
with the value playbook's strategy (:func:`helpers.value.apply_playbook`);
:func:`crm_checks` computes the checklist, :func:`section_status` says which steps ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import value
from helpers.capstone._collection import ReceivablesResult
from helpers.capstone._lifetime import ClvResult
from helpers.capstone._segments import SegmentResult, ValueResult
from helpers.data import CourseData, personal_columns_of
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.segments import load_segment_map

__all__ = ["crm_checks", "crm_customer_table", "section_status", "workload_by_owner"]

#: The playbook columns copied into the CRM table, as (playbook column, CRM column).
_PLAN_COLUMNS = (("strategy", "strategy"), ("first_action", "recommended_action"),
                 ("owner", "owner"), ("channel", "channel"),
                 ("contact_every_days", "contact_every_days"))


def _segment_labels(segment_map: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Chinese name and action of every RFM segment of the map (bundled when ``None``)."""
    smap = load_segment_map(segment_map)
    zh = {s.name: s.zh for s in smap.segments}
    action = {s.name: s.action for s in smap.segments}
    return zh, action


def _people(data: CourseData, index: pd.Index) -> pd.DataFrame:
    """``name`` and ``phone`` of the customers in ``index`` (the columns the table has)."""
    out = pd.DataFrame(index=index)
    if data.customers is not None:
        people = data.customers.drop_duplicates("customer_id").set_index("customer_id")
        people.index = people.index.astype(str)
        for col in ("name", "phone"):
            if col in people.columns:
                out[col] = people[col].reindex(index)
    return out


def _add_clv_and_receivables(out: pd.DataFrame, clv: ClvResult | None,
                             receivables: ReceivablesResult | None) -> None:
    if clv is not None and clv.table is not None:
        out["clv"] = clv.table["clv"].reindex(out.index).round(2)
        out["p_alive"] = clv.table["p_alive"].reindex(out.index).round(4)
    if receivables is not None and receivables.accounts is not None:
        acc = receivables.accounts.set_index("customer_id")
        acc.index = acc.index.astype(str)
        out["open_balance"] = acc["balance"].reindex(out.index).fillna(0.0).round(2)
        out["collection_stage"] = acc["stage"].astype(str).reindex(out.index).fillna("none")


def crm_customer_table(
    data: CourseData,
    segments: SegmentResult,
    values: ValueResult,
    clv: ClvResult | None = None,
    receivables: ReceivablesResult | None = None,
    segment_map: Mapping[str, Any] | str | Path | None = None,
    playbook: Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """One row per segmented customer, ready for a CRM import: who, which class, what to do.

    Parameters
    ----------
    data : CourseData
        The loaded tables (names and phones come from ``customers``).
    segments, values : SegmentResult, ValueResult
        From :func:`~helpers.capstone.segment_customers` and :func:`~helpers.capstone.value_table`.
    clv, receivables : ClvResult, ReceivablesResult, optional
        From :func:`~helpers.capstone.clv_table` and :func:`~helpers.capstone.collection_plan`.
    segment_map, playbook : dict or path, optional
        The RFM segment map and the value playbook (bundled files when ``None``).

    Returns
    -------
    DataFrame
        Columns ``customer_id``, ``name`` and ``phone`` (when the customers table has them;
        personal, masked by ``write_table`` unless revealed), ``segment``, ``segment_zh``,
        ``life_cycle``, ``tier``, ``revenue``, ``profit`` (when costs are known), ``clv`` and
        ``p_alive`` (when CLV was fitted), ``open_balance`` and ``collection_stage`` (``none``
        without open invoices; when receivables were given), then the value playbook's
        ``strategy``, ``recommended_action``, ``owner``, ``channel``, ``contact_every_days``
        and the RFM map's ``segment_action``. Sorted by CLV (else revenue), highest first.
    """
    zh, action = _segment_labels(segment_map)
    seg_table, val = segments.table, values.table
    seg = seg_table["segment"].astype(str)
    out = _people(data, seg_table.index)
    out["segment"] = seg
    out["segment_zh"] = seg.map(zh)
    out["life_cycle"] = seg_table["life_cycle"]
    out["tier"] = val["tier"].reindex(out.index).astype(str)
    out["revenue"] = val["revenue"].reindex(out.index).round(2)
    if values.by_profit:
        out["profit"] = val["profit"].reindex(out.index).round(2)
    _add_clv_and_receivables(out, clv, receivables)
    plan = value.apply_playbook(pd.DataFrame({
        "tier": out["tier"],
        "profit": val["profit"].reindex(out.index),
        "days_since_last": seg_table["days_since_last"].reindex(out.index),
    }), playbook)
    for source, target in _PLAN_COLUMNS:
        out[target] = plan[source]
    out["segment_action"] = seg.map(action)
    order = "clv" if "clv" in out.columns else "revenue"
    out = out.sort_values(order, ascending=False, kind="stable")
    out.index.name = "customer_id"
    return out.reset_index()


def _masking_check(crm: pd.DataFrame, back: pd.DataFrame,
                   reveal_personal: bool) -> tuple[bool, str]:
    """Whether the written file's personal columns are masked, and the detail."""
    personal = [c for c in personal_columns_of(crm, table="customers") if c in back.columns]
    if not personal:
        return True, tr("no personal column in the export")
    if reveal_personal:
        return False, tr("reveal_personal=True: names and phones are in clear; share the file "
                         "only with people entitled to see them")
    clear = 0
    for c in personal:
        orig = crm[c].astype("string")
        same = (back[c].to_numpy() == orig.fillna("").to_numpy()) & orig.str.len().gt(
            1).fillna(False).to_numpy()
        clear += int(same.sum())
    return clear == 0, tr("columns {columns}; {n} value(s) written in clear", columns=personal,
                          n=clear)


def crm_checks(crm: pd.DataFrame, written: str | Path | None = None,
               reveal_personal: bool = False) -> pd.DataFrame:
    """The checklist before a CRM import, computed: one row per check, ``ok`` and a detail.

    Checks that ``customer_id`` is unique and filled, that every row has a segment, a tier and
    an action, and, given the written file, that it has as many rows as the table and that its
    personal columns are masked (unless ``reveal_personal``).

    Parameters
    ----------
    crm : DataFrame
        From :func:`crm_customer_table`.
    written : str or Path, optional
        The file written from it (by :func:`helpers.data.loading.write_table`).
    reveal_personal : bool
        Whether the file was written with personal data in clear.

    Returns
    -------
    DataFrame
        Columns ``check``, ``ok`` and ``detail``.

    Examples
    --------
    >>> crm = pd.DataFrame({"customer_id": ["A", "A"], "segment": ["loyal", "lost"],
    ...                     "tier": ["gold", None], "recommended_action": ["call", "mail"]})
    >>> crm_checks(crm)["ok"].tolist()
    [False, True, False, True]
    """
    rows = []

    def add(check: str, ok: bool, detail: str) -> None:
        rows.append({"check": check, "ok": bool(ok), "detail": detail})

    ids = crm["customer_id"]
    add("customer_id filled and unique", ids.notna().all() and not ids.duplicated().any(),
        tr("{empty} empty, {repeated} repeated", empty=int(ids.isna().sum()),
           repeated=int(ids.duplicated().sum())))
    for col in ("segment", "tier", "recommended_action"):
        empty = int(crm[col].isna().sum()) if col in crm else len(crm)
        add(f"every row has a {col}", empty == 0, tr("{n} row(s) without one", n=empty))
    if written is not None:
        back = pd.read_csv(written, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        add("written file has every row", len(back) == len(crm),
            tr("{n} row(s) in {file}, {total} in the table", n=len(back),
               file=Path(written).name, total=len(crm)))
        add("personal data masked", *_masking_check(crm, back, reveal_personal))
    return pd.DataFrame(rows, columns=["check", "ok", "detail"])


def section_status(data: CourseData, values: ValueResult, clv: ClvResult,
                   receivables: ReceivablesResult) -> pd.DataFrame:
    """Which sections ran on this data and which were skipped, with the reason.

    Parameters
    ----------
    data : CourseData
        The loaded tables.
    values, clv, receivables : ValueResult, ClvResult, ReceivablesResult
        The results of the optional steps.

    Returns
    -------
    DataFrame
        Indexed by ``section``: ``ran`` (bool) and ``why``.
    """
    rows = [
        ("load and validate", True, ", ".join(data.tables)),
        ("data quality", True, tr("{n} table(s) audited", n=len(data.tables))),
        ("RFM segments and life cycle", True, tr("from the transactions")
         + ("" if data.customers is not None else tr(" (no customers table: buyers only)"))),
        ("value tiers", True, values.note),
        ("profit", values.by_profit, values.note),
        ("lifetime value", clv.fitted, clv.note),
        ("aging", receivables.available, receivables.note),
        ("collection queue", receivables.queue is not None, receivables.note),
    ]
    return pd.DataFrame(rows, columns=["section", "ran", "why"]).set_index("section")


def workload_by_owner(crm: pd.DataFrame, days: int = 30) -> pd.DataFrame:
    """Customers and planned contacts per owner over ``days`` days, from the playbook cadence.

    The tasks a CRM would create from the export's tags: each customer is contacted every
    ``contact_every_days`` days by its ``owner``, so an owner's load is
    ``sum(days / contact_every_days)`` contacts.

    Parameters
    ----------
    crm : DataFrame
        From :func:`crm_customer_table`.
    days : int
        The planning period.

    Returns
    -------
    DataFrame
        Indexed by ``owner`` and ``strategy``: ``customers`` and ``contacts``, busiest first.

    Raises
    ------
    DataProblem
        If a column is missing or a cadence is not a positive number.

    Examples
    --------
    >>> crm = pd.DataFrame({"customer_id": ["A", "B"], "owner": ["sales", "sales"],
    ...                     "strategy": ["grow", "grow"], "contact_every_days": [10, 30]})
    >>> workload_by_owner(crm, days=30)["contacts"].tolist()
    [4.0]
    """
    need = {"owner", "strategy", "contact_every_days"}
    if not need <= set(crm.columns):
        raise DataProblem(f"workload_by_owner: columns {sorted(need - set(crm.columns))} missing; "
                          "build the table with crm_customer_table().")
    every = pd.to_numeric(crm["contact_every_days"], errors="coerce")
    if every.isna().any() or (every <= 0).any():
        raise DataProblem("workload_by_owner: contact_every_days must be a positive number on "
                          "every row; fix the strategies in helpers/config/value_playbook.yaml.")
    frame = crm.assign(contacts=days / every)
    out = frame.groupby(["owner", "strategy"]).agg(customers=("customer_id", "size"),
                                                   contacts=("contacts", "sum"))
    out["contacts"] = out["contacts"].round(1)
    return out.sort_values("contacts", ascending=False)
