"""Tests of helpers.data.loading: the whole pipeline (read, map, coerce, validate, report).

Each stage has its own unit tests (test_read.py, test_columns.py, test_coerce.py,
test_validate.py, test_report.py); these load whole files.

The malformed files ("bad inputs") are made in each test from a few lines of text, so the file's
content is visible next to the assertion on the message it must produce.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.data import (
    MISSING_TOKENS,
    CourseData,
    Loaded,
    LoadReport,
    load_course_data,
    load_table,
    write_table,
)
from helpers.data.loading import FOREIGN_KEYS
from helpers.errors import DataProblem
from helpers.tables import TABLES

TX_HEADER = "transaction_id,customer_id,purchase_date,amount,quantity\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_names(message: str, *parts: str) -> None:
    for part in parts:
        assert part in message, f"{part!r} not in message:\n{message}"












# ------------------------------------------------------------------------------------------------
# happy paths


def test_loads_canonical_csv_with_types(tmp_path):
    f = write(tmp_path / "tx.csv", TX_HEADER + "T1,C1,2024-03-05 10:00:00,12.5,2\n"
                                              "T2,C2,2024-03-06 11:30:00,-3,-1\n")
    df, report = load_table(f, "transactions", return_report=True)
    assert list(df.columns) == ["transaction_id", "customer_id", "purchase_date", "quantity",
                                "amount"]
    assert str(df["amount"].dtype) == "Float64"
    assert str(df["quantity"].dtype) == "Int64"
    assert df["purchase_date"].dtype.kind == "M"
    assert df["amount"].sum() == pytest.approx(9.5)
    assert isinstance(report, LoadReport) and report.ok
    assert "negative amount" in str(report)
    assert df.attrs == {}  # the report is returned, not hidden in the frame
    pd.testing.assert_frame_equal(load_table(f, "transactions"), df)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_chinese_headers_in_every_encoding(tmp_path, encoding):
    text = "交易编号,客户编号,交易时间,金额\nT1,张三,2024年3月5日,１２.５\nT2,李四,2024/3/6,7\n"
    f = write(tmp_path / "tx.csv", text, encoding)
    df = load_table(f, "transactions")
    assert df["customer_id"].tolist() == ["张三", "李四"]
    assert df["amount"].tolist() == [12.5, 7.0]
    assert df["purchase_date"].iloc[0] == pd.Timestamp("2024-03-05")


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, sep):
    text = TX_HEADER.replace(",", sep) + sep.join(["T1", "C1", "2024-01-01", "1,5" if sep == ";"
                                                   else "1.5", "1"]) + "\n"
    df, report = load_table(write(tmp_path / "tx.txt", text), "transactions", return_report=True)
    assert len(df) == 1 and report.sep == sep


def test_whitespace_separated_like_cdnow(tmp_path):
    text = "transaction_id customer_id purchase_date amount\n1   0001  19970101  29.33\n" \
           "2   0002  19970112  11.77\n"
    df = load_table(write(tmp_path / "cd.txt", text), "transactions")
    assert df["purchase_date"].iloc[1] == pd.Timestamp("1997-01-12")
    assert df["customer_id"].tolist() == ["0001", "0002"]  # IDs keep their leading zeros


def test_fullwidth_and_spaced_headers_map_by_themselves(tmp_path):
    text = "　客户编号 ,Customer ID ,ｃｕｓｔｏｍｅｒ＿ｋｉｎｄ,客户名称,建档日期\n" \
           "C1,x,individual,张三,2024-01-01\n"
    path = write(tmp_path / "c.csv", text)
    with pytest.raises(DataProblem, match="'客户编号' and 'Customer ID' both mean the course "
                                          "column 'customer_id'"):
        load_table(path, "customers")  # which of the two is the ID is not for the loader to guess
    df = load_table(path, "customers", mapping={"columns": {"客户编号": "customer_id"}})
    assert df["customer_id"].tolist() == ["C1"]
    assert df["customer_kind"].tolist() == ["individual"]
    assert "Customer ID" in df.columns  # the mapping chose: the other is kept as text


def test_gzip_and_parquet_and_dataframe(tmp_path):
    text = TX_HEADER + "T1,C1,2024-03-05,12.5,2\n"
    gz = tmp_path / "tx.csv.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(text.encode())
    a = load_table(gz, "transactions")
    pq = tmp_path / "tx.parquet"
    a.to_parquet(pq)
    b = load_table(pq, "transactions")
    c = load_table(a.astype(object), "transactions")
    for other in (b, c):
        pd.testing.assert_frame_equal(a, other, check_dtype=False)


def test_mapping_dict_values_and_formats(tmp_path):
    text = "编号,类别,名称,开户,同意\nK1,个人,王五,05-03-2024,是\nK2,企业,某公司,06-03-2024,否\n"
    mapping = {
        "table": "customers",
        "columns": {"编号": "customer_id", "类别": "customer_kind", "名称": "name",
                    "开户": "signup_date", "同意": "consent_marketing"},
        "values": {"customer_kind": {"个人": "individual", "企业": "organisation"}},
        "formats": {"signup_date": "%d-%m-%Y"},
    }
    df = load_table(write(tmp_path / "c.csv", text), "customers", mapping=mapping)
    assert df["customer_kind"].tolist() == ["individual", "organisation"]
    assert df["signup_date"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06")]
    assert df["consent_marketing"].tolist() == [True, False]


def test_plain_dict_mapping_and_yaml_mapping(tmp_path):
    text = "Order,Client,When,Total\nO1,C1,2024-01-02,10\n"
    f = write(tmp_path / "o.csv", text)
    plain = {"Client": "customer_id", "When": "purchase_date", "Total": "amount", "Order":
             "order_id"}
    a, report = load_table(f, "transactions", mapping=plain, return_report=True)
    y = tmp_path / "m.yaml"
    y.write_text("table: transactions\ncolumns:\n" + "".join(f"  {k}: {v}\n"
                                                            for k, v in plain.items()))
    b = load_table(f, "transactions", mapping=y)
    pd.testing.assert_frame_equal(a, b)
    assert a["transaction_id"].tolist() == ["1"]
    assert "numbered" in str(report)
    assert report.columns == {"Order": "order_id", "Client": "customer_id",
                              "When": "purchase_date", "Total": "amount"}


def test_derive_multiply_and_startswith(tmp_path):
    text = "Inv,Cust,Date,Qty,Price\n1,C1,2024-01-01,2,1.25\nC2,C1,2024-01-02,-1,1.25\n"
    mapping = {"columns": {"Inv": "order_id", "Cust": "customer_id", "Date": "purchase_date",
                           "Qty": "quantity"},
               "derive": {"amount": {"multiply": ["Qty", "Price"]},
                          "is_return": {"startswith": ["Inv", "C"]}}}
    df = load_table(write(tmp_path / "x.csv", text), "transactions", mapping=mapping)
    assert df["amount"].tolist() == [2.5, -1.25]
    assert df["is_return"].tolist() == [False, True]


def test_excel_with_title_rows(tmp_path):
    frame = pd.DataFrame({"客户编号": ["C1", "C2"], "客户类别": ["individual", "organisation"],
                          "客户名称": ["张三", "某公司"], "建档日期": ["2024-01-01", "2024/2/3"]})
    f = tmp_path / "c.xlsx"
    with pd.ExcelWriter(f) as xl:
        pd.DataFrame([["客户清单 2024"], ["导出人: 张经理"]]).to_excel(
            xl, index=False, header=False, startrow=0)
        frame.to_excel(xl, index=False, startrow=3)
    df, report = load_table(f, "customers", return_report=True)
    assert df["customer_id"].tolist() == ["C1", "C2"]
    assert df["signup_date"].iloc[1] == pd.Timestamp("2024-02-03")
    assert report.header_row == 4
    assert "title row" in str(report)


def test_excel_errors_use_sheet_row_numbers(tmp_path):
    f = tmp_path / "tx.xlsx"
    with pd.ExcelWriter(f) as xl:
        pd.DataFrame([["Sales export"]]).to_excel(xl, index=False, header=False)
        pd.DataFrame({"transaction_id": ["T1", "T2", "T3"], "customer_id": ["C1", "C2", "C3"],
                      "purchase_date": ["2024-01-01"] * 3, "amount": ["1", "oops", "3"]}
                     ).to_excel(xl, index=False, startrow=2)
    with pytest.raises(DataProblem) as err:
        load_table(f, "transactions")
    # title on row 1, blank row 2, header on row 3: "oops" is on sheet row 5
    assert_names(str(err.value), "tx.xlsx", "'amount'", "5 ('oops')", "Fix:")




# ------------------------------------------------------------------------------------------------
# bad inputs: each message names the file, the column, row numbers (where rows are concerned) and
# a fix


def test_bad_missing_required_column(tmp_path):
    f = write(tmp_path / "no_amount.csv", "transaction_id,customer_id,purchase_date,Betrag\n"
                                          "T1,C1,2024-01-01,5\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "transactions")
    assert_names(str(err.value), "no_amount.csv", "amount", "金额", "Fix:", "mapping",
                 "'Betrag'")


def test_bad_wrong_types(tmp_path):
    f = write(tmp_path / "types.csv", TX_HEADER + "T1,C1,2024-01-01,12.5,1\n"
                                                  "T2,C1,2024-01-01,twelve,1\n"
                                                  "T3,C1,2024-01-01,3,1.5\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "transactions")
    msg = str(err.value)
    assert_names(msg, "types.csv", "'amount'", "3 ('twelve')", "'quantity'", "4 ('1.5')",
                 "whole numbers", "Fix:")


def test_bad_unparseable_dates(tmp_path):
    f = write(tmp_path / "dates.csv", TX_HEADER + "T1,C1,2024-13-45,1,1\nT2,C1,yesterday,1,1\n"
                                                  "T3,C1,2024-02-01,1,1\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "transactions")
    assert_names(str(err.value), "dates.csv", "'purchase_date'", "2 ('2024-13-45')",
                 "3 ('yesterday')", "formats")


def test_bad_negative_amounts_on_invoices(tmp_path):
    f = write(tmp_path / "inv.csv", "invoice_id,customer_id,issue_date,due_date,amount\n"
                                    "I1,C1,2024-01-01,2024-02-01,100\n"
                                    "I2,C1,2024-01-01,2024-02-01,-40\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "invoices")
    assert_names(str(err.value), "inv.csv", "'amount'", "3 ('-40')", "minimum", "Fix:")


def test_bad_duplicate_ids(tmp_path):
    f = write(tmp_path / "dup.csv", "customer_id,customer_kind,name,signup_date\n"
                                    "C1,individual,A,2024-01-01\nC2,individual,B,2024-01-01\n"
                                    "C1,individual,C,2024-01-02\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers")
    assert_names(str(err.value), "dup.csv", "'customer_id'", "2 ('C1')", "4 ('C1')", "unique")
    kept = load_table(f, "customers", on_invalid="drop")
    assert kept["name"].tolist() == ["A", "B"]  # the first of each key is kept


def test_bad_empty_file(tmp_path):
    f = write(tmp_path / "empty.csv", "")
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers", on_invalid="drop")
    assert_names(str(err.value), "empty.csv", "empty", "Fix:")


def test_bad_header_only(tmp_path):
    f = write(tmp_path / "header.csv", "customer_id,customer_kind,name,signup_date\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers")
    assert_names(str(err.value), "header.csv", "no data rows", "customer_id", "Fix:")


def test_bad_wrong_encoding(tmp_path):
    f = write(tmp_path / "latin.csv", "customer_id,customer_kind,name,signup_date\n"
                                      "C1,individual,Zoë Müller-Ça,2024-01-01\n", "latin-1")
    df, report = load_table(f, "customers", return_report=True)  # not GBK: 'Zo雲 M黮ler'
    assert df["name"].iloc[0] == "Zoë Müller-Ça" and report.encoding == "cp1252"
    assert 0 < report.encoding_confidence <= 1 and "confidence" in str(report)
    df = load_table(f, "customers", encoding="latin-1")
    assert df["name"].iloc[0] == "Zoë Müller-Ça"


def test_bad_encoding_given_but_wrong(tmp_path):
    f = write(tmp_path / "gbk.csv", "客户编号,客户类别,客户名称,建档日期\nC1,individual,张三,2024-01-01\n",
              "gbk")
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers", encoding="utf-8")
    assert_names(str(err.value), "gbk.csv", "'utf-8'", "encoding=None")


def test_bad_wrong_delimiter(tmp_path):
    f = write(tmp_path / "semi.csv", "customer_id;customer_kind;name;signup_date\n"
                                     "C1;individual;A;2024-01-01\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers", sep=",")
    assert_names(str(err.value), "semi.csv", "one column", "sep=';'")


def test_bad_values_not_allowed_and_missing_required(tmp_path):
    f = write(tmp_path / "kinds.csv", "customer_id,customer_kind,name,signup_date\n"
                                      "C1,individual,A,2024-01-01\nC2,VIP,B,2024-01-01\n"
                                      "C3,,C,2024-01-01\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers")
    msg = str(err.value)
    assert_names(msg, "kinds.csv", "'customer_kind'", "3 ('VIP')", "allowed", "values:",
                 "have no customer_kind", "Rows: 4")


def test_bad_mixed_fullwidth_values_load_clean(tmp_path):
    f = write(tmp_path / "fw.csv", "交易编号,客户编号,交易时间,金额 \n"
                                   'Ｔ１,Ｃ１,２０２４年３月５日,"１，２３４．５"\n')
    df = load_table(f, "transactions")
    assert df["transaction_id"].iloc[0] == "T1"
    assert df["customer_id"].iloc[0] == "C1"
    assert df["amount"].iloc[0] == pytest.approx(1234.5)
    assert df["purchase_date"].iloc[0] == pd.Timestamp("2024-03-05")




def test_bad_mapping_names_a_column_the_file_lacks(tmp_path):
    f = write(tmp_path / "c.csv", "id,kind,name,date\nC1,individual,A,2024-01-01\n")
    mapping = {"ID": "customer_id", "kind": "customer_kind", "date": "signup_date",
               "Mobile": "phone"}
    with pytest.raises(DataProblem) as err:
        load_table(f, "customers", mapping=mapping)
    assert_names(str(err.value), "c.csv", "'Mobile'", "does not have", "file's columns")






def test_bad_unknown_table_and_missing_file(tmp_path):
    with pytest.raises(DataProblem, match="course's tables"):
        load_table(tmp_path / "x.csv", "clients")
    with pytest.raises(DataProblem, match="does not exist"):
        load_table(tmp_path / "nowhere.csv", "customers")


def test_every_problem_in_one_error(tmp_path):
    f = write(tmp_path / "many.csv", TX_HEADER + "T1,C1,bad-date,1,1\nT1,,2024-01-01,x,1\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "transactions")
    kinds = sorted(p.kind for p in err.value.problems)
    assert kinds == ["duplicate_key", "missing_value", "unparseable", "unparseable"]
    assert "4 problem(s)" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_on_invalid_drop_and_keep_report(tmp_path):
    f = write(tmp_path / "mixed.csv", TX_HEADER + "T1,C1,2024-01-01,1,1\nT2,C1,2024-01-01,x,1\n"
                                                  "T3,,2024-01-01,3,1\nT4,C4,2024-01-02,4,1\n")
    dropped, report = load_table(f, "transactions", on_invalid="drop", return_report=True)
    assert isinstance(load_table(f, "transactions", on_invalid="drop", return_report=True), Loaded)
    assert dropped["transaction_id"].tolist() == ["T1", "T4"]
    assert report.dropped_rows == [3, 4] and report.rows_read == 4 and report.rows_kept == 2
    assert set(report.to_frame()["kind"]) == {"unparseable", "missing_value"}
    kept = load_table(f, "transactions", on_invalid="keep")
    assert len(kept) == 4 and kept["amount"].isna().sum() == 1
    with pytest.raises(DataProblem, match="on_invalid"):
        load_table(f, "transactions", on_invalid="ignore")


def test_blank_lines_do_not_shift_row_numbers(tmp_path):
    f = write(tmp_path / "blank.csv", TX_HEADER + "T1,C1,2024-01-01,1,1\n\n\nT2,C1,2024-01-01,x,1\n")
    with pytest.raises(DataProblem) as err:
        load_table(f, "transactions")
    assert "Rows: 5 ('x')" in str(err.value)


def test_input_files_are_never_modified(tmp_path):
    files = [
        write(tmp_path / "ok.csv", TX_HEADER + "T1,C1,2024-01-01,1,1\n", "gbk"),
        write(tmp_path / "bad.csv", TX_HEADER + "T1,C1,nope,1,1\n"),
    ]
    before = [digest(f) for f in files]
    stamps = [f.stat().st_mtime_ns for f in files]
    load_table(files[0], "transactions")
    with pytest.raises(DataProblem):
        load_table(files[1], "transactions")
    load_table(files[1], "transactions", on_invalid="drop")
    assert [digest(f) for f in files] == before
    assert [f.stat().st_mtime_ns for f in files] == stamps










# ------------------------------------------------------------------------------------------------
# property tests

safe_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs",
                                                                               "Zl", "Zp")),
                    min_size=1, max_size=12).filter(
    # words the loader reads as "missing" (NA, null, 无 ...) are not names
    lambda t: t.strip().lower() not in MISSING_TOKENS and t.strip() == t)
ids = st.from_regex(r"[A-Z]{1,3}[0-9]{1,6}", fullmatch=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(ids, st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
                  st.integers(-50, 50),
                  st.datetimes(min_value=pd.Timestamp("2000-01-01").to_pydatetime(),
                               max_value=pd.Timestamp("2030-12-31").to_pydatetime()).map(
                      lambda d: d.replace(microsecond=0))),
        min_size=1, max_size=20, unique_by=lambda r: r[0]),
    fmt=st.sampled_from(["csv", "xlsx", "parquet"]),
)
def test_round_trip_write_then_load_keeps_values(tmp_path, rows, fmt):
    df = pd.DataFrame(rows, columns=["transaction_id", "amount", "quantity", "purchase_date"])
    df["customer_id"] = "C" + df["transaction_id"]
    out = write_table(df, "rt", output_dir=tmp_path / fmt, fmt=fmt, table="transactions")
    back = load_table(out, "transactions", accept=["future_dates"])  # dates up to 2030
    assert back["transaction_id"].tolist() == df["transaction_id"].tolist()
    np.testing.assert_allclose(back["amount"].astype(float), df["amount"])
    assert back["quantity"].tolist() == df["quantity"].tolist()
    assert (back["purchase_date"] == df["purchase_date"]).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(["customer_id", "customer_kind", "name", "signup_date", "city"]),
       names=st.lists(safe_text, min_size=3, max_size=3))
def test_any_column_order_loads_the_same(tmp_path, order, names):
    base = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                         "customer_kind": ["individual", "organisation", "individual"],
                         "name": names, "signup_date": ["2024-01-01", "2024/2/3", "20240304"],
                         "city": ["上海", "北京", None]})
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    base.to_csv(a, index=False)
    base[list(order)].to_csv(b, index=False)
    pd.testing.assert_frame_equal(load_table(a, "customers"), load_table(b, "customers"))


# ------------------------------------------------------------------------------------------------
# course data


def _mini_course(folder: Path, with_truth: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "customers.csv", "customer_id,customer_kind,name,signup_date\n"
                                    "C1,individual,A,2024-01-01\nC2,organisation,B,2024-02-01\n")
    write(folder / "transactions.csv", TX_HEADER + "T1,C1,2024-05-01,10,1\nT2,C2,2024-06-30,5,1\n")
    if with_truth:
        (folder / "truth.json").write_text(json.dumps({"as_of": "2024-12-31", "n": 2}))
    return folder


def test_load_course_data_folder(tmp_path):
    data = load_course_data(_mini_course(tmp_path / "d"))
    assert isinstance(data, CourseData)
    assert set(data.reports) == {"customers", "transactions"}
    assert data.reports["transactions"].file.endswith("transactions.csv")
    assert data.as_of == pd.Timestamp("2024-12-31") and data.truth["n"] == 2
    assert len(data.customers) == 2 and data.invoices is None
    assert set(data.tables) == {"customers", "transactions"}
    assert data["transactions"]["amount"].sum() == 15
    with pytest.raises(KeyError):
        data["invoices"]


def test_load_course_data_as_of_falls_back_to_latest_date(tmp_path):
    data = load_course_data(_mini_course(tmp_path / "d", with_truth=False))
    assert data.as_of == pd.Timestamp("2024-06-30") and data.truth == {}


def test_load_course_data_errors(tmp_path):
    with pytest.raises(DataProblem, match="does not exist"):
        load_course_data(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataProblem, match="none of the course tables"):
        load_course_data(tmp_path / "empty")
    with pytest.raises(DataProblem, match="no file for table 'calls'"):
        load_course_data(_mini_course(tmp_path / "d"), tables=["customers", "calls"])


def test_bundled_course_data_loads_and_matches_raw_counts(bundled_dir):
    if not (bundled_dir / "customers.csv").exists():
        pytest.skip("bundled datasets not generated yet")
    data = load_course_data()
    for name, frame in data.tables.items():
        raw = pd.read_csv(bundled_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        assert len(frame) == len(raw), name
        assert list(frame.columns[: len(TABLES[name].names)]) == [
            c for c in TABLES[name].names if c in raw.columns]
        assert data.reports[name].ok, name
        assert data.reports[name].rows_kept == len(frame), name
    truth = json.loads((bundled_dir / "truth.json").read_text())
    assert data.as_of == pd.Timestamp(truth["as_of"])
    raw_tx = pd.read_csv(bundled_dir / "transactions.csv")
    assert data.transactions["amount"].sum() == pytest.approx(raw_tx["amount"].sum())


def test_raw_crm_export_utf8_and_gbk_load_identically(bundled_dir):
    raw = bundled_dir / "raw"
    if not (raw / "crm_export_gbk.csv").exists():
        pytest.skip("raw CRM export not generated yet")
    mapping = "mappings/crm_export_zh.yaml"
    from helpers.paths import PROJECT_DIR

    a = load_table(raw / "crm_export.csv", "customers", mapping=PROJECT_DIR / mapping)
    b, report = load_table(raw / "crm_export_gbk.csv", "customers", mapping=PROJECT_DIR / mapping,
                           return_report=True)
    assert report.encoding == "gb18030"
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == len(pd.read_csv(raw / "crm_export.csv", dtype=str))


def test_headerless_file_is_named_by_the_mapping(tmp_path):
    path = tmp_path / "cdnow_like.txt"
    path.write_text("1 20240105 2 29.33\n1 20240107 1 11.77\n2 20240105 5 80.00\n")
    mapping = {"table": "transactions",
               "read": {"sep": r"\s+", "names": ["cust", "date", "cds", "dollars"]},
               "columns": {"cust": "customer_id", "date": "purchase_date", "cds": "quantity",
                           "dollars": "amount"},
               "formats": {"purchase_date": "%Y%m%d"}}
    tx = load_table(path, "transactions", mapping=mapping)
    assert list(tx["customer_id"]) == ["1", "1", "2"]
    assert tx["amount"].sum() == pytest.approx(121.10)
    mapping["read"]["names"] = ["cust", "date", "cds"]
    with pytest.raises(DataProblem, match="names 3 columns but the file has 4"):
        load_table(path, "transactions", mapping=mapping)


def _orphan_folder(tmp_path: Path) -> Path:
    write(tmp_path / "customers.csv", "customer_id,customer_kind,name,signup_date\n"
                                      "C1,individual,A,2024-01-01\n")
    write(tmp_path / "transactions.csv", "transaction_id,customer_id,purchase_date,amount\n"
                                         "T1,C1,2024-01-02,5\nT2,C9,2024-01-03,6\n"
                                         "T3,C9,2024-01-04,7\n")
    return tmp_path


def test_orphan_rows_are_refused_naming_ids_and_counts(tmp_path):
    folder = _orphan_folder(tmp_path)
    before = digest(folder / "transactions.csv")
    with pytest.raises(DataProblem) as err:
        load_course_data(folder)
    assert_names(str(err.value), "transactions.customer_id", "2 row(s)", "1 customer_id(s)",
                 "C9", "on_invalid='drop'")
    data = load_course_data(folder, on_invalid="drop")
    assert data.transactions["transaction_id"].tolist() == ["T1"]
    assert any("dropped" in n for n in data.reports["transactions"].notes)
    assert data.reports["transactions"].rows_kept == 1
    kept = load_course_data(folder, on_invalid="keep")
    assert len(kept.transactions) == 3
    assert digest(folder / "transactions.csv") == before


def test_bundled_data_has_no_orphans():
    data = load_course_data()
    for table, col, ref, ref_col in FOREIGN_KEYS:
        if table in data.tables and ref in data.tables:
            assert data[table][col].dropna().isin(data[ref][ref_col]).all(), (table, col)
