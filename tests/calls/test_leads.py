"""Reading leads with an outcome: a campaign export through the one mapping format."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.calls import (
    LeadData,
    course_leads_with_outcome,
    fit_and_score,
    load_call_inputs,
    load_leads_with_outcome,
)
from helpers.data.mapping import read_mapping
from helpers.errors import DataProblem


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
    with pytest.raises(ValueError, match="does not exist"):
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


# --------------------------------------------------------------------------------------------
# gallery: scoring files a real campaign export brings (issue 10); each input byte-identical


def _export(tmp_path, frame: pd.DataFrame, sep: str = ",", name: str = "export.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False, sep=sep)
    return path, path.read_bytes()


def _campaign(n: int = 200, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    won = rng.random(n) < 1 / (1 + np.exp(-(x * 1.5 - 1)))
    return pd.DataFrame({"score_a": np.round(x, 3), "segment": rng.choice(["a", "b", "c"], n),
                         "y": np.where(won, "yes", "no")})


def test_an_id_column_not_ending_in_id_is_left_out_with_a_note(tmp_path):
    frame = _campaign().assign(Client=[f"K{i:05d}" for i in range(200)])
    path, before = _export(tmp_path, frame)
    leads = load_leads_with_outcome(path, {"columns": {"y": "converted"}})
    assert "Client" not in leads.frame.columns
    assert "'Client' has a different value in each of its 200 rows" in leads.describe()
    model = fit_and_score(leads, kind="logistic")
    assert model.features == ["score_a", "segment"]  # no 200-level category
    assert path.read_bytes() == before


def test_a_numeric_id_named_so_is_left_out_but_a_measurement_is_kept(tmp_path):
    frame = _campaign().assign(**{"Kunden-Nr": np.arange(5000, 5200),
                                  "spend": np.round(np.linspace(1, 99, 200), 4)})
    path, before = _export(tmp_path, frame)
    leads = load_leads_with_outcome(path, {"columns": {"y": "converted"}})
    assert "Kunden-Nr" not in leads.frame.columns and "spend" in leads.frame.columns
    assert path.read_bytes() == before


def test_a_mapped_id_stays_as_the_id_and_out_of_the_features(tmp_path):
    frame = _campaign().assign(Client=[f"K{i:05d}" for i in range(200)])
    path, _ = _export(tmp_path, frame)
    leads = load_leads_with_outcome(path, {"columns": {"y": "converted", "Client": "lead_id"}})
    assert leads.frame["lead_id"].iloc[0] == "K00000"
    assert "lead_id" not in fit_and_score(leads).features


def test_an_id_column_in_a_plain_frame_is_refused_with_a_clear_message():
    frame = _campaign().assign(client=[f"K{i:05d}" for i in range(200)],
                               converted=lambda d: d["y"] == "yes").drop(columns="y")
    with pytest.raises(DataProblem, match=r"\['client'\] have a different value in each"):
        fit_and_score(frame, how="random")


def test_numeric_text_with_blanks_and_decimal_commas_is_numbers_and_blanks_are_announced(
        tmp_path):
    frame = _campaign()
    text = frame["score_a"].map(lambda v: f"{v:.3f}".replace(".", ",")).astype(object)
    text.iloc[[3, 10, 11]] = ["", "NA", " "]
    path, before = _export(tmp_path, frame.assign(score_a=text), sep=";")
    leads = load_leads_with_outcome(path, {"read": {"sep": ";"}, "columns": {"y": "converted"}})
    assert pd.api.types.is_float_dtype(leads.frame["score_a"])
    assert leads.frame["score_a"].iloc[0] == pytest.approx(frame["score_a"].iloc[0])
    assert leads.frame["score_a"].isna().sum() == 3 and leads.blanks == {"score_a": 3}
    assert "per column: score_a 3" in leads.describe()
    model = fit_and_score(leads, kind="logistic")
    assert "score_a" in model.features and model.extra["imputed"] == {"score_a": 3}
    assert path.read_bytes() == before


def test_mostly_numbers_with_some_text_is_a_category_and_said_so(tmp_path):
    frame = _campaign()
    mixed = frame["score_a"].astype(str).astype(object)
    mixed.iloc[:5] = "unknown"
    path, _ = _export(tmp_path, frame.assign(score_a=mixed))
    leads = load_leads_with_outcome(path, {"columns": {"y": "converted"}})
    assert "'score_a' is 98% numbers but also holds text" in leads.describe()


def test_an_all_blank_column_is_left_out_with_a_note(tmp_path):
    path, before = _export(tmp_path, _campaign().assign(remark=""))
    leads = load_leads_with_outcome(path, {"columns": {"y": "converted"}})
    assert "remark" not in leads.frame.columns
    assert "'remark' is empty in every row" in leads.describe()
    assert path.read_bytes() == before


def test_a_target_with_one_class_is_a_data_problem_naming_the_column(tmp_path):
    path, before = _export(tmp_path, _campaign().assign(y="no"))
    with pytest.raises(DataProblem, match=r"target column 'converted'.*outcome False"):
        load_leads_with_outcome(path, {"columns": {"y": "converted"}})
    assert path.read_bytes() == before


def test_a_plain_frame_with_blanks_warns_that_they_are_filled_in():
    frame = _campaign().assign(converted=lambda d: d["y"] == "yes").drop(columns="y")
    frame.loc[:9, "score_a"] = np.nan
    with pytest.warns(UserWarning, match="filled in by the models.*score_a 10"):
        fit_and_score(frame, how="random")


def test_features_scikit_learn_refuses_are_a_data_problem_not_a_bare_value_error():
    frame = _campaign().assign(converted=lambda d: d["y"] == "yes").drop(columns="y")
    frame["score_a"] = np.nan  # an all-empty number column left in a plain frame
    with pytest.raises(DataProblem), pytest.warns(UserWarning):
        fit_and_score(frame.drop(columns="segment"), how="random", kind="boosting")


def test_a_semicolon_export_in_gb18030_goes_through_the_course_reader(tmp_path):
    path = tmp_path / "导出.csv"
    path.write_bytes("客户;年龄;结果\nA1;30;成交\nA2;41;未成交\nA3;;成交\n".encode("gb18030"))
    leads = load_leads_with_outcome(path, {"read": {"sep": ";"},
                                           "columns": {"结果": "converted", "客户": "lead_id"}})
    assert leads.frame["年龄"].tolist()[:2] == [30.0, 41.0] and leads.blanks == {"年龄": 1}
    assert "encoding" in leads.notes[0]


def test_a_leads_file_alone_loads_no_course_table(tmp_path):
    path, _ = _export(tmp_path, _campaign())
    inputs = load_call_inputs({"calls": None}, leads_file=path,
                              leads_mapping={"columns": {"y": "converted"}}, as_of="2024-06-30")
    assert inputs.leads is not None and inputs.data.tables == {}
    assert not inputs.data.has("calls") and "calls" in inputs.data.missing
    assert f"{inputs.data.as_of:%Y-%m-%d}" == "2024-06-30"
    with pytest.raises(DataProblem, match="leads_mapping is given but no leads_file"):
        load_call_inputs({}, leads_mapping={"columns": {"y": "converted"}})
