"""Cohort retention on DuckDB equals the pandas path: frames, files, edge cases."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.segments import cohort_retention

from .conftest import TRANSACTIONS_CSV


@pytest.mark.parametrize("max_months", [None, 6])
def test_bundled_data_same_table_from_frame_and_file(transactions, max_months):
    expected = cohort_retention(transactions, max_months=max_months)
    pd.testing.assert_frame_equal(
        cohort_retention(transactions, max_months=max_months, engine="duckdb"), expected)
    pd.testing.assert_frame_equal(cohort_retention(TRANSACTIONS_CSV, max_months=max_months),
                                  expected)
    assert expected["size"].sum() == transactions["customer_id"].nunique() or max_months
    assert expected.iloc[:, 1:].isna().to_numpy().any()  # months not observed yet stay empty


def test_edge_cases_same_as_pandas(edge_frame, tmp_path):
    # returns, a flagged return, a zero amount, missing ids and dates, a month boundary
    expected = cohort_retention(edge_frame)
    got = cohort_retention(edge_frame, engine="duckdb")
    pd.testing.assert_frame_equal(got, expected)
    assert got["size"].sum() == 4 and got.loc[pd.Period("2025-01", "M"), 2] == 0.25  # b: none
    edge_frame.to_parquet(tmp_path / "edge.parquet")
    pd.testing.assert_frame_equal(cohort_retention(tmp_path / "edge.parquet"), expected)


def test_nothing_to_count_and_missing_columns(edge_frame):
    with pytest.raises(DataProblem, match="no purchase"):
        cohort_retention(edge_frame.assign(amount=-1.0), engine="duckdb")
    with pytest.raises(DataProblem, match=r"missing column\(s\) \['amount'\]"):
        cohort_retention(edge_frame.drop(columns="amount"), engine="duckdb")
