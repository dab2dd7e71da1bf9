"""Tests of helpers.data._report (loader stage 5): the report and what on_invalid does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.data import LoadReport
from helpers.data._report import finish, load_problem, transaction_notes
from helpers.errors import DataProblem, Problem

PROBLEM = Problem("unparseable", column="amount", source_column="金额", count=1, rows=[3],
                  values=["x"], detail="1 value(s) cannot be read as numbers.", fix="fix it")


def frame() -> pd.DataFrame:
    return pd.DataFrame({"amount": [1.0, None, 3.0]}, index=[5, 6, 7])


def test_report_reads_well_and_lists_problems():
    report = LoadReport(file="t.csv", table="transactions", rows_read=3, encoding="gb18030",
                        sep=";", header_row=2, notes=["a note"], problems=[PROBLEM])
    text = str(report)
    assert text.startswith("Load report for t.csv -> table 'transactions': 3 data row(s)")
    assert "Read with encoding gb18030, delimiter ';', header on row 2." in text
    assert "Note: a note" in text and "1. column '金额' (course column 'amount')" in text
    assert not report.ok and repr(report) == text
    table = report.to_frame()
    assert table.columns.tolist() == ["kind", "column", "file column", "count", "rows",
                                      "problem", "fix"]
    assert table.iloc[0]["rows"] == "3"
    assert LoadReport().ok and LoadReport().to_frame().empty


def test_finish_raise_drop_keep():
    invalid = np.array([False, True, False])
    rows = pd.Series([2, 3, 4], index=[5, 6, 7])
    with pytest.raises(DataProblem, match=r"Cannot load t.csv as table 'transactions': 1 problem"):
        finish(frame(), [PROBLEM], invalid, rows, "raise", LoadReport("t.csv", "transactions"))
    report = LoadReport("t.csv", "transactions")
    dropped = finish(frame(), [PROBLEM], invalid, rows, "drop", report)
    assert dropped.index.tolist() == [0, 1] and dropped["amount"].tolist() == [1.0, 3.0]
    assert report.dropped_rows == [3] and report.n_dropped == 1 and report.rows_kept == 2
    assert report.problems == [PROBLEM] and "were dropped (first rows: [3])" in report.notes[0]
    report = LoadReport("t.csv", "transactions")
    kept = finish(frame(), [PROBLEM], invalid, rows, "keep", report)
    assert len(kept) == 3 and report.rows_kept == 3 and "were kept" in report.notes[0]
    clean = LoadReport("t.csv", "transactions")
    finish(frame(), [], np.zeros(3, bool), rows, "raise", clean)
    assert clean.ok and clean.notes == []


def test_load_problem_carries_the_findings():
    err = load_problem("t.csv", [PROBLEM])
    assert err.problems == [PROBLEM] and err.file == "t.csv"
    assert str(err).splitlines()[0] == "Cannot load t.csv: 1 problem(s) found."


def test_transaction_notes_count_returns_on_orders():
    tx = pd.DataFrame({"order_id": ["O1", "O1", "O2"], "is_return": [True, True, False],
                       "quantity": [-1, -2, 1], "amount": [-5.0, 1.0, 2.0]})
    assert transaction_notes(tx) == [
        "2 row(s) are returns or cancellations on 1 order(s).",
        "2 row(s) have a negative quantity (returns are negative).",
        "1 row(s) have a negative amount (returns are negative).",
    ]
