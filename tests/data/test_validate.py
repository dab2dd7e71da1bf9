"""Tests of helpers.data._validate (loader stage 4): each kind of problem, rows as in the file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data._coerce import cleaned_column
from helpers.data._validate import (
    duplicate_keys_problem,
    rows_and_values,
    validate,
    validate_column,
)
from helpers.tables import TABLES

ROWS = pd.Series([2, 3, 5, 6])  # file rows (a blank line 4 was skipped)


def check(cells, table, column, fmt=None, values=None):
    raw = pd.Series(cells)
    return validate_column(raw, cleaned_column(raw, values), TABLES[table].column(column),
                           ROWS[: len(cells)], source="File column", fmt=fmt)


def test_clean_column_has_no_problems():
    out = check(["1", "2", "3"], "transactions", "quantity")
    assert out.problems == [] and not out.invalid.any()
    assert out.values.tolist() == [1, 2, 3] and str(out.values.dtype) == "Int64"


def test_unparseable_numbers_name_file_rows_and_values():
    out = check(["1", "zwei", "3", "vier"], "transactions", "amount")
    (p,) = out.problems
    assert (p.kind, p.column, p.source_column, p.count) == ("unparseable", "amount",
                                                            "File column", 2)
    assert p.rows == [3, 6] and p.values == ["zwei", "vier"]
    assert "cannot be read as numbers" in p.detail and "on_invalid='drop'" in p.fix
    assert out.invalid.tolist() == [False, True, False, True]


def test_fractions_in_whole_number_columns():
    out = check(["1", "1.5"], "transactions", "quantity")
    assert [p.detail for p in out.problems] == ["1 value(s) are not whole numbers."]
    assert out.values.tolist() == [1, pd.NA]


def test_dates_and_bools_get_their_own_fix():
    dates = check(["2024-01-01", "soon"], "transactions", "purchase_date")
    assert "formats" in dates.problems[0].fix and dates.problems[0].rows == [3]
    bools = check(["是", "maybe"], "customers", "consent_marketing")
    assert "是/否" in bools.problems[0].fix


def test_allowed_values_case_insensitive_and_recode_hint():
    out = check(["Individual", "VIP"], "customers", "customer_kind")
    assert out.values.tolist() == ["individual", pd.NA]
    (p,) = out.problems
    assert p.kind == "not_allowed" and "values: {customer_kind: {'VIP': 'individual'}}" in p.fix


def test_below_minimum_and_missing_required():
    out = check(["-40", "", "NA", "10"], "invoices", "amount")
    assert [p.kind for p in out.problems] == ["below_minimum", "missing_value"]
    below, missing = out.problems
    assert below.rows == [2] and below.values == ["-40"]
    assert missing.rows == [3, 5] and missing.values == [None, None]
    assert "have no amount (发票金额)" in missing.detail
    assert out.values.tolist() == [pd.NA, pd.NA, pd.NA, 10.0]


def test_rows_and_values_shows_at_most_five():
    n, rows, values = rows_and_values(np.ones(8, bool), pd.Series(range(10, 18)),
                                      pd.Series(list("abcdefgh")))
    assert n == 8 and rows == [10, 11, 12, 13, 14] and values == list("abcde")


def test_duplicate_keys_list_all_and_drop_the_repeats():
    keys = pd.Series(["C1", "C2", "C1", None], name="customer_id")
    problem, repeats = duplicate_keys_problem(keys, ROWS, "客户编号")
    assert problem.rows == [2, 5] and problem.source_column == "客户编号"
    assert repeats.tolist() == [False, False, True, False]
    assert duplicate_keys_problem(pd.Series(["a", None, None], name="k"), ROWS)[0] is None


def test_validate_a_table_in_column_order_then_keys():
    t = TABLES["transactions"]
    cols = pd.DataFrame({"transaction_id": ["T1", "T1"], "customer_id": ["C1", ""],
                         "purchase_date": ["2024-01-01", "x"], "amount": ["1", "2"]})
    out, problems, invalid, notes, cautions = validate(cols, t, ROWS[:2], {}, {}, {})
    assert notes == [] and cautions == []
    assert [p.kind for p in problems] == ["missing_value", "unparseable", "duplicate_key"]
    assert invalid.tolist() == [False, True]
    assert out["amount"].tolist() == [1.0, 2.0]
