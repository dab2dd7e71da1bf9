"""Tests of helpers.data._columns (loader stage 2): headers to course columns, derived columns."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import read_mapping
from helpers.data._columns import apply_derive, known_headers, map_columns
from helpers.errors import DataProblem, Problem
from helpers.tables import TABLES

TX = TABLES["transactions"]
CUSTOMERS = TABLES["customers"]


def mapped(df: pd.DataFrame, mapping: dict | None = None, table=TX):
    return map_columns(df, table, read_mapping(mapping or {"columns": {}}, table=table.name),
                       "x.csv")


def test_known_headers_include_chinese_names_and_the_mapping():
    known = known_headers(CUSTOMERS, {"Client No": "customer_id"})
    assert {"customer_id", "客户编号", "client_no"} <= known


def test_course_and_chinese_names_map_by_themselves_extras_kept_apart():
    df = pd.DataFrame({"Customer ID": ["C1"], "交易时间": ["2024-01-01"], "AMOUNT": ["5"],
                       "Note": ["x"]})
    out = mapped(df)
    assert out.columns == {"Customer ID": "customer_id", "交易时间": "purchase_date",
                           "AMOUNT": "amount"}
    assert out.source_of["amount"] == "AMOUNT"
    assert out.extra.columns.tolist() == ["Note"]
    assert out.frame["transaction_id"].tolist() == ["1"]  # no key, nothing refers to it: numbered
    assert "rows were numbered 1..1" in out.notes[0]


def test_mapping_first_then_names_and_none_drops_a_column():
    df = pd.DataFrame({"Kunde": ["C1"], "customer_id": ["other"], "Datum": ["2024-01-01"],
                       "Betrag": ["5"], "Intern": ["x"]})
    out = mapped(df, {"Kunde": "customer_id", "Datum": "purchase_date", "Betrag": "amount",
                      "Intern": None})
    assert out.frame["customer_id"].tolist() == ["C1"]  # the mapping wins over the name
    assert "Intern" not in out.extra.columns and "customer_id" in out.extra.columns


def test_a_referenced_key_is_not_numbered():
    df = pd.DataFrame({"name": ["A"], "customer_kind": ["individual"], "signup_date": ["2024-01-01"]})
    with pytest.raises(DataProblem) as err:
        mapped(df, table=CUSTOMERS)  # customer_id is referred to by other tables: required
    assert [p.kind for p in err.value.problems] == ["missing_column"]
    assert "customer_id (客户编号)" in str(err.value)


def test_every_mapping_problem_in_one_error():
    df = pd.DataFrame({"Kunde": ["C1"], "Datum": ["2024-01-01"]})
    with pytest.raises(DataProblem) as err:
        mapped(df, {"columns": {"Kunde": "customer_id", "Datum": "purchase_date",
                                "Summe": "amount"},
                    "derive": {"quantity": {"multiply": ["Menge", "Kunde"]}}})
    kinds = [p.kind for p in err.value.problems]
    assert kinds == ["mapping", "mapping", "missing_column"]
    assert "'Summe'" in str(err.value) and "'Menge'" in str(err.value)
    assert "as table 'transactions'" in str(err.value)


@pytest.mark.parametrize(("spec", "expected"), [
    ({"multiply": ["Qty", "Price"]}, [2.5, -1.25]),
    ({"add": ["Qty", "Price"]}, [3.25, 0.25]),
    ({"subtract": ["Qty", "Price"]}, [0.75, -2.25]),
    ({"startswith": ["Inv", "C"]}, [False, True]),
    ({"copy": "Inv"}, ["1", "C2"]),
    ("row_number", ["1", "2"]),
    ({"constant": "individual"}, ["individual", "individual"]),
    ({"constant": None}, [None, None]),
])
def test_derive_operations(spec, expected):
    df = pd.DataFrame({"Inv": ["1", "C2"], "Qty": ["2", "-1"], "Price": ["1.25", "1.25"]})
    problems: list[Problem] = []
    out = apply_derive(df, {"target": spec}, {}, problems)
    assert out["target"].tolist() == expected and problems == []


def test_derive_arguments_may_use_course_names():
    df = pd.DataFrame({"Menge": ["2"], "Preis": ["3"]})
    out = apply_derive(df, {"amount": {"multiply": ["quantity", "Preis"]}},
                       {"quantity": "Menge"}, [])
    assert out["amount"].tolist() == [6.0]
