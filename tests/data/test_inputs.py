"""helpers.data._inputs: the input contract of every notebook (files, mappings, folder, as-of)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from helpers.data import load_inputs, load_overview
from helpers.errors import DataProblem


def _orders(tmp_path):
    path = tmp_path / "订单.csv"
    path.write_text("客户编号,交易时间,金额\nA,2025-01-03,10\nB,2025-02-10,7\nA,2025-03-04,7\n",
                    encoding="utf-8")
    return path


def test_files_alone_mix_in_no_bundled_table_and_say_where_the_as_of_came_from(tmp_path):
    path = _orders(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    data = load_inputs(["transactions"], optional=["customers", "invoices"],
                       files={"transactions": path})
    assert data.customers is None and data.invoices is None
    assert data.missing == ["customers", "invoices"]
    assert data.as_of == pd.Timestamp("2025-03-04")
    assert "latest transactions.purchase_date" in data.as_of_source
    assert data.truth == {} and data.own_data
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert "transactions: 3 rows" in data.describe()


def test_the_bundled_folder_gives_its_generated_as_of_date():
    data = load_inputs(["transactions"], optional=["customers"])
    assert str(data.as_of.date()) == "2025-12-31" and "truth.json" in data.as_of_source
    assert not data.own_data and data.has("customers")
    assert list(load_overview(data).index) == ["customers", "transactions"]  # course order


def test_a_given_as_of_wins_and_a_bad_one_is_named(tmp_path):
    files = {"transactions": _orders(tmp_path)}
    assert load_inputs(["transactions"], files=files, as_of="2025-02-28").as_of_source == "as given"
    with pytest.raises(DataProblem, match="as_of='31/02' is not a date"):
        load_inputs(["transactions"], files=files, as_of="31/02", context="notebook 03")


def test_a_missing_table_names_the_parameter_to_set_before_reading_anything(tmp_path):
    with pytest.raises(DataProblem, match="notebook 09: needs the invoices table.*invoices_file"):
        load_inputs(["invoices"], optional=["transactions"],
                    files={"transactions": tmp_path / "not-read.csv"}, context="notebook 09")
    with pytest.raises(DataProblem, match="not read here"):
        load_inputs(["transactions"], files={"calls": "x.csv"})
    with pytest.raises(DataProblem, match="mapping is given for \\['transactions'\\] but no file"):
        load_inputs(["transactions"], mappings={"transactions": "m.yaml"})


def test_a_file_replaces_its_table_of_a_named_folder(tmp_path, bundled_dir):
    data = load_inputs(["transactions"], optional=["customers"], data_dir=bundled_dir,
                       files={"transactions": _orders(tmp_path)}, on_invalid="drop")
    assert len(data.customers) == 3000
    # orders of customers A and B, absent from the bundled customer list, are dropped and noted
    assert len(data.transactions) == 0
    assert "not in customers" in " ".join(data.reports["transactions"].notes)


def test_skip_says_which_parameter_runs_the_section(tmp_path, capsys):
    data = load_inputs(["transactions"], optional=["calls"], files={"transactions": _orders(tmp_path)})
    assert data.skip("Call costs", "calls") is True
    assert "calls_file" in capsys.readouterr().out
    assert data.skip("RFM", "transactions") is False
