"""The ibis expression of the summary gives the pandas path's result on DuckDB and on Spark."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.scale import portable_summary
from helpers.segments import customer_summary

ibis = pytest.importorskip("ibis")

COLUMNS = ["customer_id", "purchase_date", "amount", "is_return"]


@pytest.mark.parametrize("freq", ["D", "W"])
def test_ibis_on_duckdb_equals_pandas(transactions, edge_frame, freq):
    for frame, as_of in ((transactions, "2025-06-30"), (edge_frame, "2025-02-01")):
        got = portable_summary(ibis.memtable(frame[COLUMNS]), as_of, freq)
        expected = customer_summary(frame, as_of, freq, engine="pandas")
        pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(),
                                      check_index_type=frame is transactions)


def test_ibis_names_missing_columns_and_bad_freq(edge_frame):
    t = ibis.memtable(edge_frame.drop(columns="amount"))
    with pytest.raises(DataProblem, match=r"lacks \['amount'\].*rename"):
        portable_summary(t, "2025-02-01")
    with pytest.raises(DataProblem, match="freq"):
        portable_summary(t, "2025-02-01", freq="M")
    with pytest.raises(DataProblem, match="no purchase left"):
        portable_summary(ibis.memtable(edge_frame), "2020-01-01")


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_the_same_expression_on_spark_equals_pandas(spark, transactions, tmp_path):
    start = time.perf_counter()
    path = tmp_path / "tx.parquet"
    transactions[COLUMNS].to_parquet(path, coerce_timestamps="us")  # Spark reads no ns
    con = ibis.pyspark.connect(spark)
    tx = con.read_parquet(str(path))
    for freq in ("D", "W"):
        got = portable_summary(tx, "2025-06-30", freq)
        expected = customer_summary(transactions, "2025-06-30", freq, engine="pandas")
        pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())
        assert len(got) > 1000
    print(f"spark test: {time.perf_counter() - start:.1f} s")
