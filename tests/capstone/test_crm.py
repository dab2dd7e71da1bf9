"""helpers.capstone._crm: the CRM table, its checklist, section status and workload."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.capstone import (
    clv_table,
    collection_plan,
    crm_checks,
    crm_customer_table,
    section_status,
    segment_customers,
    value_table,
    workload_by_owner,
)
from helpers.data import write_table
from helpers.errors import DataProblem


def test_crm_table_and_checks(small, tmp_path):
    seg = segment_customers(small)
    val = value_table(small, seg)
    crm = crm_customer_table(small, seg, val)
    assert len(crm) == len(seg.table) and crm["customer_id"].is_unique
    assert crm["segment"].value_counts().sum() == len(seg.table)
    assert crm["recommended_action"].notna().all() and crm["segment_zh"].notna().all()
    assert "profit" not in crm.columns and "clv" not in crm.columns
    assert crm.loc[crm["customer_id"] == "new", "name"].item() == "王小明"
    assert pd.isna(crm.loc[crm["customer_id"] == "lapsed", "name"].item())

    masked = write_table(crm, "crm", output_dir=tmp_path)
    checks = crm_checks(crm, masked).set_index("check")
    assert checks["ok"].all(), checks
    assert "王小明" not in masked.read_text(encoding="utf-8-sig")

    clear = write_table(crm, "crm", output_dir=tmp_path, reveal_personal=True)
    assert clear.name == "crm-2.csv"                         # never overwritten
    bad = crm_checks(crm, clear).set_index("check")
    assert not bad.loc["personal data masked", "ok"]
    assert not crm_checks(crm, clear, reveal_personal=True).set_index("check").loc[
        "personal data masked", "ok"]
    broken = crm.assign(tier=crm["tier"].where(crm.index > 0))
    assert not crm_checks(broken).set_index("check").loc["every row has a tier", "ok"]


def test_section_status_says_why(small):
    seg = segment_customers(small)
    val = value_table(small, seg)
    status = section_status(small, val, clv_table(small), collection_plan(small))
    assert not status.loc["profit", "ran"] and not status.loc["aging", "ran"]
    assert status.loc["lifetime value", "why"].startswith("CLV skipped")
    assert status.loc["value tiers", "why"] == val.note


def test_workload_by_owner_refuses_a_table_without_cadence(small):
    seg = segment_customers(small)
    crm = crm_customer_table(small, seg, value_table(small, seg))
    load = workload_by_owner(crm, days=30)
    assert load["customers"].sum() == len(crm)
    with pytest.raises(DataProblem, match="contact_every_days"):
        workload_by_owner(crm.drop(columns="contact_every_days"))
    with pytest.raises(DataProblem, match="positive number"):
        workload_by_owner(crm.assign(contact_every_days=0))
