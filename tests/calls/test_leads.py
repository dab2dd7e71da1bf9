"""Reading leads with an outcome: a campaign export through the one mapping format."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.calls import LeadData, course_leads_with_outcome, load_leads_with_outcome
from helpers.data.mapping import read_mapping


def test_loader_reads_mapping_and_rejects_bad_targets(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("年龄;结果;通话秒数\n30;成交;100\n40;未成交;20\n", encoding="gb18030")
    mapping = {"read": {"sep": ";", "encoding": "gb18030"},
               "columns": {"年龄": "age", "结果": "converted", "通话秒数": "duration"},
               "leak_columns": ["duration"]}
    leads = load_leads_with_outcome(f, mapping)
    assert isinstance(leads, LeadData) and leads.source == str(f)
    assert leads.frame["converted"].tolist() == [True, False]
    assert leads.leak_columns == ["duration"] and leads.target == "converted"
    assert leads.order_column == "row_order" and leads.frame["row_order"].tolist() == [0, 1]
    assert not leads.frame.attrs, "no side channel: everything is on the LeadData"
    f.write_text("age;y\n30;yes\n40;perhaps\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not yes/no.*perhaps"):
        load_leads_with_outcome(f, {"read": {"sep": ";"}, "columns": {"y": "converted"}})
    with pytest.raises(ValueError, match=r"column\(s\) \['outcome'\] named in the mapping"):
        load_leads_with_outcome(f, {"read": {"sep": ";"}, "columns": {"outcome": "converted"}})
    with pytest.raises(ValueError, match="file not found"):
        load_leads_with_outcome(tmp_path / "nope.csv", {})


def test_mapping_file_target_order_and_dropped_columns(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("Ｉｄ,when,outcome,secret\n1,3,否,x\n2,1,是,y\n", encoding="utf-8")
    m = tmp_path / "m.yaml"
    m.write_text("columns: {Id: lead_id, outcome: won, secret: null}\ntarget: won\n"
                 "order_column: when\n", encoding="utf-8")
    leads = load_leads_with_outcome(f, m)
    assert leads.target == "won" and leads.order_column == "when"
    assert list(leads.frame.columns) == ["lead_id", "when", "won"]  # full-width header mapped
    assert leads.frame["won"].tolist() == [False, True]
    # the mapping object itself is accepted too
    assert load_leads_with_outcome(f, read_mapping(m)).target == "won"


def test_malformed_mapping_is_a_config_problem(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping: leak_column: unknown key"):
        load_leads_with_outcome(f, {"columns": {"a": "b"}, "leak_column": ["b"]})
    with pytest.raises(ValueError, match="does not exist"):
        load_leads_with_outcome(f, tmp_path / "missing.yaml")


def test_course_leads_keep_only_mature_leads():
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "company": ["x", "y", "z"],
                          "created_date": pd.to_datetime(["2025-01-01", "2025-05-01",
                                                          "2025-11-01"]),
                          "converted": [True, False, None]})
    out = course_leads_with_outcome(leads, "2025-12-31")
    assert out.frame["lead_id"].tolist() == ["L1", "L2"] and "company" not in out.frame
    assert out.target == "converted" and out.order_column == "created_date"
    assert out.leak_columns == []
    with pytest.raises(ValueError, match="no lead created before"):
        course_leads_with_outcome(leads, "2025-03-01")
