"""Tests of helpers.data.mapping: the one column-mapping format and its checks."""

from __future__ import annotations

import pytest

from helpers.data import ColumnMapping, read_mapping
from helpers.data.mapping import header_key, normalise_header
from helpers.errors import ConfigProblem, DataProblem


def assert_names(message: str, *parts: str) -> None:
    for part in parts:
        assert part in message, f"{part!r} not in message:\n{message}"


def test_bad_mapping_unknown_target_and_key(tmp_path):
    y = tmp_path / "bad.yaml"
    y.write_text("table: customers\ncolums: {}\ncolumns:\n  手机号: mobile_phone\n"
                 "read:\n  delimiter: ';'\n", encoding="utf-8")
    with pytest.raises(DataProblem) as err:
        read_mapping(y)
    assert_names(str(err.value), "bad.yaml", "'colums'", "'mobile_phone'", "'delimiter'",
                 "phone")


def test_bad_mapping_two_columns_one_target():
    with pytest.raises(DataProblem, match="both"):
        read_mapping({"table": "customers", "columns": {"a": "name", "b": "name"}})


def test_bad_mapping_table_mismatch(tmp_path):
    y = tmp_path / "m.yaml"
    y.write_text("table: invoices\ncolumns: {}\n")
    with pytest.raises(DataProblem, match="invoices"):
        read_mapping(y, table="customers")


def test_plain_dict_is_columns_and_table_is_filled_in():
    m = read_mapping({"　客户编号 ": "customer_id", "备注": None}, table="customers")
    assert isinstance(m, ColumnMapping) and m.table == "customers"
    assert m.columns == {"客户编号": "customer_id", "备注": None}
    assert read_mapping(m) == m


def test_derive_needs_one_operation_and_unknown_files_are_config_problems(tmp_path):
    with pytest.raises(ConfigProblem, match="write one operation"):
        read_mapping({"table": "transactions",
                      "derive": {"amount": {"multiply": ["a", "b"], "add": ["a", "b"]}}})
    with pytest.raises(ConfigProblem, match="does not exist"):
        read_mapping(tmp_path / "nowhere.yaml")
    with pytest.raises(ConfigProblem, match="did you mean 'customers'"):
        read_mapping({"a": "customer_id"}, table="custmers")


def test_headers_compare_half_width_and_lenient():
    assert normalise_header(" 客户\u3000编号 ") == "客户 编号"
    assert header_key("Customer-ID") == header_key("customer id") == "customer_id"


def test_a_misspelt_section_alone_is_reported_not_taken_as_a_column_map():
    with pytest.raises(ConfigProblem, match=r"colums: unknown key 'colums' \(did you mean 'columns'\?\)"):
        read_mapping({"colums": {"编号": "customer_id"}}, table="customers")
    assert read_mapping({"编号": "customer_id"}, table="customers").columns == {"编号": "customer_id"}
