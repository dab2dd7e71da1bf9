"""helpers.capstone._inputs: which files are loaded, the as-of date, overviews, customer base."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from helpers.capstone import customer_base, load_inputs, load_overview, quality_overview
from helpers.data import CourseData
from helpers.errors import DataProblem
from tests.capstone.conftest import AS_OF


def test_load_inputs_refuses_bad_combinations(tmp_path):
    with pytest.raises(DataProblem, match="unknown table"):
        load_inputs({"orders": "x.csv"})
    with pytest.raises(DataProblem, match="mapping is given for \\['customers'\\]"):
        load_inputs({"transactions": "x.csv"}, {"customers": "m.yaml"})
    with pytest.raises(DataProblem, match="needs the transactions table"):
        load_inputs({"customers": "c.csv"})
    with pytest.raises(DataProblem, match="does not exist"):
        load_inputs({"transactions": tmp_path / "missing.csv"})
    with pytest.raises(DataProblem, match="does not exist"):
        load_inputs(data_dir=tmp_path / "nowhere")
    with pytest.raises(DataProblem, match="needs the transactions table"):
        load_inputs(data_dir=tmp_path)


def test_load_inputs_drops_bad_rows_reads_as_of_and_leaves_file_alone(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("客户编号,交易时间,金额\nA,2025-01-03,10\nB,2025-02-10,abc\n,2025-03-01,5\n"
                    "A,2025-03-04,7\n", encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    data = load_inputs({"transactions": path})
    assert len(data.transactions) == 2                       # the unreadable and empty rows
    assert data.reports["transactions"].n_dropped == 2
    assert data.as_of == pd.Timestamp("2025-03-04")         # latest date in the data
    assert data.customers is None and data.invoices is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    overview = load_overview(data)
    assert overview.loc["transactions", ["rows_read", "rows_kept", "rows_dropped"]].tolist() == \
        [4, 2, 2]
    assert load_inputs({"transactions": path}, as_of="2025-12-31").as_of == \
        pd.Timestamp("2025-12-31")
    with pytest.raises(DataProblem, match="not a date"):
        load_inputs({"transactions": path}, as_of="end of year")
    with pytest.raises(DataProblem, match="Cannot load"):
        load_inputs({"transactions": path}, on_invalid="raise")


def test_load_inputs_reads_a_course_folder_with_its_truth(bundled_dir):
    data = load_inputs(data_dir=bundled_dir)
    assert data.as_of == pd.Timestamp(data.truth["as_of"])
    assert set(data.reports) == set(data.tables) >= {"transactions", "invoices", "payments"}
    assert data.service_contacts is not None                 # folder tables include contacts


def test_quality_overview_has_one_row_per_table(small):
    q = quality_overview(small)
    assert list(q.index) == ["customers", "transactions"]
    assert q.loc["transactions", "rows"] == len(small.transactions)
    assert q.loc["customers", "duplicate_keys"] == 0


def test_customer_base_adds_buyers_missing_from_customers(small):
    base = customer_base(small)
    expected = set(small.customers["customer_id"]) | set(small.transactions["customer_id"])
    assert set(base["customer_id"]) == expected
    assert base["customer_id"].is_unique
    alone = customer_base(CourseData(data_dir=AS_OF, as_of=AS_OF,
                                     transactions=small.transactions))
    assert set(alone["customer_id"]) == set(small.transactions["customer_id"])
    with pytest.raises(DataProblem, match="no transactions table"):
        customer_base(CourseData(data_dir=AS_OF, as_of=AS_OF))
