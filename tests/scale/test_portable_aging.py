"""The aging written once in ibis gives the pandas snapshots and roll rates, on DuckDB and Spark."""

from __future__ import annotations

import time
import warnings

import pandas as pd
import pytest

from helpers.caveats import Caveat
from helpers.data import load_table
from helpers.errors import DataProblem
from helpers.paths import PROJECT_DIR
from helpers.receivables import flow_matrix, load_stages, month_end_snapshots, roll_rates
from helpers.scale import flows_expression, portable_flows, portable_snapshots
from helpers.scale._portable_aging import _CHECKS
from helpers.scale._receivables_sql import _CHECKS as SQL_CHECKS

ibis = pytest.importorskip("ibis")

STAGES = load_stages()
DATES = pd.date_range("2025-01-31", "2025-04-30", freq="ME")


@pytest.fixture(scope="module")
def book() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (load_table(PROJECT_DIR / "datasets" / "invoices.csv", "invoices"),
            load_table(PROJECT_DIR / "datasets" / "payments.csv", "payments"))


def edge_book() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A: paid on the issue day, twice in February, settled on a month end at midnight, then
    paid again (after settlement, an overpayment); B: overpaid at once; C: 0.01 left, exactly
    the tolerance; D: 0.02 left; E: issued after the last snapshot; F: issued and paid on a
    month end after midnight; G: an amount within the tolerance; H: never paid, due at noon."""
    inv = pd.DataFrame({
        # text ids as load_table reads them (a warehouse's text comes back as that type)
        "invoice_id": pd.array(list("ABCDEFGH"), "string"),
        "customer_id": pd.array(["c1", "c1", "c2", "c2", "c3", "c3", "c4", "c4"], "string"),
        "issue_date": pd.to_datetime(["2025-01-10", "2025-01-31", "2025-01-05", "2025-01-05",
                                      "2025-06-01", "2025-01-31 09:00", "2025-02-03",
                                      "2025-01-20"], format="ISO8601"),
        "due_date": pd.to_datetime(["2025-02-09", "2025-03-02", "2025-01-20", "2025-01-20",
                                    "2025-07-01", "2025-03-02", "2025-03-05",
                                    "2025-02-15 12:00"], format="ISO8601"),
        "amount": [100.0, 50.0, 60.01, 60.02, 10.0, 80.0, 0.01, 45.5],
    })
    pay = pd.DataFrame({
        "invoice_id": pd.array([*"AAAAABCDEF"], "string"),
        "payment_date": pd.to_datetime([
            "2025-01-10", "2025-02-03", "2025-02-20", "2025-03-31", "2025-04-15", "2025-02-10",
            "2025-02-01", "2025-02-01", "2025-06-05", "2025-01-31 10:00"], format="ISO8601"),
        "amount": [30.0, 20.0, 25.0, 25.0, 5.0, 70.0, 60.0, 60.0, 10.0, 80.0],
    })
    return inv, pay


def by_invoice(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["invoice_id", "date"]).reset_index(drop=True)


def tables(inv: pd.DataFrame, pay: pd.DataFrame) -> tuple:
    return ibis.memtable(inv), ibis.memtable(pay)


def assert_same_rates(flows: pd.DataFrame, snaps: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(flow_matrix(transitions=flows), flow_matrix(snaps))
    pd.testing.assert_frame_equal(roll_rates(transitions=flows), roll_rates(snaps))


def test_bundled_book_on_duckdb_equals_pandas(book):
    expected = by_invoice(month_end_snapshots(*book))
    got = portable_snapshots(*tables(*book), STAGES)  # default dates: the whole book
    pd.testing.assert_frame_equal(got, expected)
    assert got["stage"].nunique() == 5 and (got["balance"] == 0).sum() > 1000
    flows = portable_flows(*tables(*book), STAGES)
    assert_same_rates(flows, expected)
    assert flows["start_balance"].sum() == pytest.approx(
        (flows["end_balance"] + flows["paid"]).sum())  # balance conserved


def test_edge_book_on_duckdb_equals_pandas():
    inv, pay = edge_book()
    expected = month_end_snapshots(inv, pay, DATES)
    got = portable_snapshots(*tables(inv, pay), STAGES, DATES)
    pd.testing.assert_frame_equal(got, by_invoice(expected))
    rows = got.set_index(["invoice_id", got["date"].dt.strftime("%m")])
    assert rows.loc[("A", "01"), ["balance", "paid_in_period"]].tolist() == [70.0, 30.0]
    assert rows.loc[("A", "02"), "paid_in_period"] == 45.0  # two payments in one month
    assert rows.loc[("A", "03"), "balance"] == 0.0 and ("A", "04") not in rows.index
    assert rows.loc[("B", "02"), "paid_in_period"] == 50.0  # 70 paid, capped at the balance
    assert rows.loc[("C", "02"), "balance"] == 0.0 and rows.loc[("D", "04"), "balance"] == 0.02
    assert "E" not in set(got["invoice_id"])  # issued after the last snapshot
    assert rows.loc[("F", "02"), "paid_in_period"] == 80.0 and ("F", "01") not in rows.index
    assert rows.loc[("G", "02"), "balance"] == 0.0 and ("G", "03") not in rows.index
    assert rows.loc[("H", "02"), "days_past_due"] == 12  # 12.5 days: floor
    assert_same_rates(portable_flows(*tables(inv, pay), STAGES, DATES), expected)
    # unchecked (validate=False): a payment before the issue counts at the invoice's first
    early = pd.concat([pay.assign(amount=pay["amount"].where(pay["invoice_id"] != "F", 30.0)),
                       pd.DataFrame({"invoice_id": ["F"], "amount": [20.0],
                                     "payment_date": [pd.Timestamp("2025-01-20")]})])
    got = portable_snapshots(*tables(inv, early), STAGES, DATES, validate=False)
    pd.testing.assert_frame_equal(
        got, by_invoice(month_end_snapshots(inv, early, DATES, validate=False)))
    assert got.loc[got["invoice_id"] == "F", "balance"].iloc[0] == 30.0


def test_flows_expression_of_a_snapshot_table_equals_the_pandas_flows(book):
    snaps = month_end_snapshots(*book)
    table = ibis.memtable(snaps.assign(stage=snaps["stage"].astype("string")))
    flows = flows_expression(table).to_pandas()
    for col in ("from_stage", "to_stage"):
        flows[col] = pd.Categorical(flows[col], dtype=STAGES.dtype)
    assert_same_rates(flows, snaps)


@pytest.mark.parametrize(("change", "message"), [
    (lambda i, p: (i.drop(columns="due_date"), p), r"invoices lack \['due_date'\].*rename"),
    (lambda i, p: (i, p.drop(columns="amount")), r"payments lack \['amount'\]"),
    (lambda i, p: (pd.concat([i, i.iloc[:1]]), p), r"invoices: column 'invoice_id' has 2 row"),
    (lambda i, p: (i.assign(amount=[100.0, -1, 60.01, 60.02, 10, 80, 0.01, 45.5]), p),
     r"(?s)invoices: column 'amount' has 1 empty, zero or negative.*\n +B "),
    (lambda i, p: (i.assign(due_date=i["issue_date"] - pd.Timedelta(days=1)), p),
     r"'due_date' is before 'issue_date' in 8 row"),
    (lambda i, p: (i, p.assign(invoice_id=[*"AAAAAB", "Z", "D", "E", "F"])),
     r"(?s)payments: column 'invoice_id' names 1 payment.*\n +Z "),
    (lambda i, p: (i, p.assign(payment_date=pd.Timestamp("2025-01-01"))),
     r"'payment_date' is before the invoice's issue date in 10 row"),
    (lambda i, p: (i.assign(currency=["CNY", "USD", None, *["CNY"] * 5]), p),
     r"mixes currencies \{'CNY': 7, 'USD': 1\}"),
])
def test_bad_books_are_refused_like_validate_receivables(change, message):
    inv, pay = change(*edge_book())
    with pytest.raises(DataProblem):
        month_end_snapshots(inv, pay, DATES)
    with pytest.raises(DataProblem, match=message):
        portable_snapshots(*tables(inv, pay), STAGES, DATES)


def test_amounts_in_fractions_of_a_cent_come_with_a_caveat():
    inv, pay = edge_book()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)  # cents only: no caveat
        portable_snapshots(*tables(inv, pay), STAGES, DATES)
    inv.loc[inv["invoice_id"] == "H", "amount"] = 45.505
    with pytest.warns(Caveat, match="1 invoice or payment amount.*fraction of a cent"):
        got = portable_snapshots(*tables(inv, pay), STAGES, DATES)
    assert len(got) == len(month_end_snapshots(inv, pay, DATES))


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_the_same_aging_on_spark_equals_pandas(spark, book, tmp_path):
    start = time.perf_counter()
    con = ibis.pyspark.connect(spark)
    read = []
    for frame, name in zip(book, ("invoices", "payments"), strict=True):
        frame.to_parquet(tmp_path / f"{name}.parquet", coerce_timestamps="us")  # Spark: no ns
        read.append(con.read_parquet(str(tmp_path / f"{name}.parquet")))
    dates = pd.date_range("2024-01-31", "2025-06-30", freq="ME")
    expected = by_invoice(month_end_snapshots(*book, dates))
    pd.testing.assert_frame_equal(portable_snapshots(*read, STAGES, dates), expected)
    assert_same_rates(portable_flows(*read, STAGES, dates, validate=False), expected)
    assert expected["stage"].nunique() == 5
    print(f"spark aging test: {time.perf_counter() - start:.1f} s")


def test_checks_take_the_sql_paths_messages_in_its_order():
    """The portable checks borrow the SQL path's messages by position: same tables in order."""
    assert [table[:3] for _, table, *_ in _CHECKS] == [sql[0] for sql in SQL_CHECKS]
