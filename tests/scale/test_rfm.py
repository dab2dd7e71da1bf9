"""The customer summary on DuckDB equals the pandas path: frames, files, mappings, edge cases."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.scale import EngineSettings, connect, summary_on_engine, use_engine
from helpers.segments import customer_summary, summarise_customers

from .conftest import TRANSACTIONS_CSV


def same(engine_table: pd.DataFrame, pandas_table: pd.DataFrame) -> None:
    """Equal tables (rows in customer order on both sides: the order is not part of the result)."""
    pd.testing.assert_frame_equal(engine_table.sort_index(), pandas_table.sort_index())


@pytest.mark.parametrize("freq", ["D", "W"])
@pytest.mark.parametrize("as_of", [None, "2025-06-30"])
def test_bundled_data_same_summary_and_exclusions(transactions, freq, as_of):
    expected = summarise_customers(transactions, as_of=as_of, freq=freq, engine="pandas")
    got = summary_on_engine(transactions, as_of=as_of, freq=freq)
    same(got.table, expected.table)
    assert got.exclusions == expected.exclusions.to_dict()
    assert got.window_end == expected.window_end
    assert got.exclusions["returns"] > 0 and len(got.table) > 1000


@pytest.mark.parametrize("freq", ["D", "W"])
@pytest.mark.parametrize("exclude_returns", [True, False])
def test_edge_cases_same_as_pandas(edge_frame, freq, exclude_returns):
    kw = {"as_of": "2025-02-01", "freq": freq, "exclude_returns": exclude_returns}
    expected = summarise_customers(edge_frame, engine="pandas", **kw)
    got = summarise_customers(edge_frame, engine="duckdb", **kw)
    same(got.table, expected.table)
    pd.testing.assert_series_equal(got.exclusions, expected.exclusions)
    assert got.window_end == expected.window_end
    report = got.exclusions
    assert report["missing_customer"] == 1 and report["missing_date"] == 1
    assert report["after_observation_end"] == 1
    assert report["returns"] == (2 if exclude_returns else 0)


def test_day_and_week_boundaries(edge_frame):
    daily = summary_on_engine(edge_frame, as_of="2025-02-01").table
    weekly = summary_on_engine(edge_frame, as_of="2025-02-01", freq="W").table
    # 23:59:59 on Sunday and 00:00:01 on Monday are two days, and two weeks
    assert daily.loc["a", "n_orders"] == 2 and weekly.loc["a", "n_orders"] == 2
    assert daily.loc["a", "monetary_value"] == 25.0
    # Sunday 12 and Monday 13 January are two weeks; c's Monday is a flagged return
    assert weekly.loc["c", "n_orders"] == 1
    assert weekly.loc["a", "T"] == pytest.approx((pd.Timestamp("2025-01-27")
                                                  - pd.Timestamp("2024-12-30")).days / 7)


def test_multiplier_and_categorical_ids(transactions):
    tx = transactions.assign(customer_id=transactions["customer_id"].astype("category"))
    expected = customer_summary(tx, freq="D", freq_multiplier=7, engine="pandas")
    got = customer_summary(tx, freq="D", freq_multiplier=7, engine="duckdb")
    same(got, expected)


def test_numeric_ids_and_string_dates_keep_their_types():
    tx = pd.DataFrame({"cust": [3, 1, 3], "when": ["2025-01-01", "2025-01-02", "2025-01-09"],
                       "value": ["1.5", "2", "3"]})
    got = customer_summary(tx, customer_col="cust", date_col="when", amount_col="value",
                           engine="duckdb")
    expected = customer_summary(tx, customer_col="cust", date_col="when", amount_col="value",
                                engine="pandas")
    same(got, expected)
    assert got.index.dtype == np.int64


def test_csv_file_read_by_the_engine_equals_load_table(transactions):
    before = hashlib.sha256(TRANSACTIONS_CSV.read_bytes()).hexdigest()
    got = summarise_customers(TRANSACTIONS_CSV, as_of="2025-06-30", freq="W")
    expected = summarise_customers(transactions, as_of="2025-06-30", freq="W", engine="pandas")
    same(got.table, expected.table)
    pd.testing.assert_series_equal(got.exclusions, expected.exclusions)
    assert hashlib.sha256(TRANSACTIONS_CSV.read_bytes()).hexdigest() == before


def test_parquet_file_and_folder(tmp_path, transactions):
    folder = tmp_path / "parts"
    folder.mkdir()
    transactions.iloc[:20_000].to_parquet(folder / "a.parquet")
    transactions.iloc[20_000:].to_parquet(folder / "b.parquet")
    transactions.to_parquet(tmp_path / "all.parquet")
    expected = customer_summary(transactions, engine="pandas")
    same(customer_summary(folder), expected)
    same(customer_summary(str(tmp_path / "all.parquet")), expected)


def test_mapping_renames_formats_and_derives_in_sql(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("单号,客户,日期,数量,单价\n"
                   "A1,c1,2025/01/03,2,5.5\nC2,c1,2025/01/09,1,5.5\nA3,c1,2025/02/01,1,4\n"
                   "A4,c2,2025/01/20,3,1\n", encoding="utf-8")
    mapping = {"table": "transactions", "columns": {"单号": "order_id", "客户": "customer_id",
                                                    "日期": "purchase_date", "数量": "quantity"},
               "formats": {"purchase_date": "%Y/%m/%d"},
               "derive": {"amount": {"multiply": ["数量", "单价"]},
                          "is_return": {"startswith": ["单号", "C"]}}}
    got = summarise_customers(csv, mapping=mapping, as_of="2025-02-28")
    assert got.exclusions["returns"] == 1
    assert got.table.loc["c1", "monetary_total"] == 15.0
    assert got.table.loc["c1", "n_orders"] == 2 and got.table.loc["c2", "frequency"] == 0
    assert str(got.table.loc["c1", "last_purchase"].date()) == "2025-02-01"


def test_unparsable_values_are_named_with_file_and_column(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("customer_id,purchase_date,amount\nc1,2025-01-01,5\nc2,soon,6\n"
                   "c3,2025-01-02,¥7\n", encoding="utf-8")
    with pytest.raises(DataProblem, match=r"bad\.csv.*'purchase_date'.*soon"):
        customer_summary(csv)
    csv.write_text("customer_id,purchase_date,amount\nc1,2025-01-01,5\nc3,2025-01-02,¥7\n",
                   encoding="utf-8")
    with pytest.raises(DataProblem, match=r"'amount'.*not numbers.*¥7"):
        customer_summary(csv)


def test_missing_amounts_missing_columns_and_nothing_left(nan_amount_frame, tmp_path):
    with pytest.raises(DataProblem, match=r"'amount' is empty in 1 row.*'a'"):
        summary_on_engine(nan_amount_frame)
    with pytest.raises(DataProblem, match=r"missing column\(s\) \['amount'\]"):
        summary_on_engine(nan_amount_frame.drop(columns="amount"))
    with pytest.raises(DataProblem, match="no purchase left"):
        summary_on_engine(nan_amount_frame.dropna(subset="amount"), as_of="2020-01-01")
    with pytest.raises(DataProblem, match="no such file"):
        summary_on_engine(tmp_path / "nope.parquet")
    with pytest.raises(DataProblem, match="CSV and Parquet"):
        (tmp_path / "x.xlsx").write_bytes(b"")
        summary_on_engine(tmp_path / "x.xlsx")
    with pytest.raises(DataProblem, match="freq"):
        summary_on_engine(nan_amount_frame, freq="M")


def test_engine_choice_and_settings(tmp_path):
    small = pd.DataFrame({"a": [1]})
    assert not use_engine(small) and use_engine(small, "duckdb") and use_engine(tmp_path)
    with pytest.raises(DataProblem, match="engine='pandas' needs a DataFrame"):
        use_engine(tmp_path, "pandas")
    with pytest.raises(DataProblem, match="not known"):
        use_engine(small, "spark")
    con = connect(EngineSettings(memory_limit="1GB", temp_directory=tmp_path / "spill",
                                 threads=1))
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].startswith("9")
    assert (tmp_path / "spill").is_dir()
    with pytest.raises(DataProblem, match="memory_limit"):
        connect(EngineSettings(memory_limit="lots"))
