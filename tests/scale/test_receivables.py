"""Month-end snapshots and roll rates on DuckDB equal the pandas path: frames, files, edge cases."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from helpers.data import load_table
from helpers.data.privacy import mask_text_series
from helpers.errors import DataProblem
from helpers.paths import PROJECT_DIR
from helpers.receivables import flow_matrix, load_stages, month_end_snapshots, roll_rates
from helpers.scale import connect
from helpers.scale.__main__ import main, snapshot_dates
from helpers.scale._receivables_sql import flow_on_engine, prepare, snapshot_query

INVOICES_CSV = PROJECT_DIR / "datasets" / "invoices.csv"
PAYMENTS_CSV = PROJECT_DIR / "datasets" / "payments.csv"


@pytest.fixture(scope="module")
def book() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_table(INVOICES_CSV, "invoices"), load_table(PAYMENTS_CSV, "payments")


def by_invoice(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["invoice_id", "date"]).reset_index(drop=True)


def edge_book() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Payments on a month end (midnight and noon), an overpayment, partial payments, a balance
    within the tolerance, an invoice issued on a month end, one issued after the last date, a
    due date with a time of day."""
    inv = pd.DataFrame({
        "invoice_id": ["A", "B", "C", "D", "E", "F"],
        "customer_id": ["c1", "c1", "c2", "c3", "c3", "c4"],
        "issue_date": pd.to_datetime(["2025-01-10", "2025-01-31", "2025-01-31 09:00",
                                      "2025-02-01", "2025-06-01", "2025-01-05"], format="ISO8601"),
        "due_date": pd.to_datetime(["2025-02-09", "2025-03-02", "2025-03-02 12:00",
                                    "2025-03-03", "2025-07-01", "2025-01-20"], format="ISO8601"),
        "amount": [100.0, 50.0, 80.0, 30.0, 10.0, 60.01],
    })
    pay = pd.DataFrame({
        "invoice_id": ["A", "A", "B", "C", "D", "D", "F"],
        "payment_date": pd.to_datetime(["2025-01-31", "2025-03-15", "2025-02-28 12:00",
                                        "2025-02-28", "2025-02-10", "2025-03-31", "2025-02-01"],
                                       format="ISO8601"),
        "amount": [40.0, 70.0, 20.0, 80.0, 10.0, 10.0, 60.0],  # A overpaid, D part-paid
    })
    return inv, pay


def test_bundled_book_same_snapshots_from_frames_and_files(book, tmp_path):
    inv, pay = book
    expected = month_end_snapshots(inv, pay)
    pd.testing.assert_frame_equal(month_end_snapshots(inv, pay, engine="duckdb"), expected)
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (INVOICES_CSV, PAYMENTS_CSV)]
    from_csv = month_end_snapshots(INVOICES_CSV, PAYMENTS_CSV)
    pd.testing.assert_frame_equal(from_csv, by_invoice(expected))
    assert before == [hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in (INVOICES_CSV, PAYMENTS_CSV)]
    folder = tmp_path / "inv"
    folder.mkdir()
    inv.iloc[:1000].to_parquet(folder / "a.parquet")
    inv.iloc[1000:].to_parquet(folder / "b.parquet")
    pay.to_parquet(tmp_path / "pay.parquet")
    dates = pd.date_range("2024-01-31", "2025-12-31", freq="ME")
    pd.testing.assert_frame_equal(month_end_snapshots(folder, tmp_path / "pay.parquet", dates),
                                  by_invoice(month_end_snapshots(inv, pay, dates)))
    assert expected["stage"].nunique() == 5 and (expected["balance"] == 0).sum() > 1000


def test_edge_cases_same_as_pandas():
    inv, pay = edge_book()
    dates = pd.date_range("2025-01-31", "2025-04-30", freq="ME")
    expected = month_end_snapshots(inv, pay, dates)
    got = month_end_snapshots(inv, pay, dates, engine="duckdb")
    pd.testing.assert_frame_equal(got, expected)
    rows = got.set_index(["invoice_id", got["date"].dt.strftime("%m")])
    assert rows.loc[("A", "01"), "paid_in_period"] == 40.0  # paid at midnight on the month end
    assert rows.loc[("A", "03"), ["balance", "paid_in_period"]].tolist() == [0.0, 60.0]
    assert ("B", "01") in rows.index and ("C", "01") not in rows.index  # issued 09:00 on the 31st
    assert rows.loc[("B", "03"), "paid_in_period"] == 20.0  # noon on the 28th counts in March
    assert rows.loc[("F", "02"), "balance"] == 0.0  # 0.01 left: within the tolerance
    assert "E" not in set(got["invoice_id"])  # issued after the last snapshot
    assert rows.loc[("D", "03"), "balance"] == 10.0 and rows.loc[("C", "02"), "days_past_due"] == -3
    assert len(got) == len(expected) == 13


def test_flow_matrix_and_roll_rates_same_on_the_engine(book):
    snaps = month_end_snapshots(*book)
    pd.testing.assert_frame_equal(flow_matrix(snaps, engine="duckdb"), flow_matrix(snaps))
    pd.testing.assert_frame_equal(roll_rates(snaps), flow_matrix(snaps, normalise=True,
                                                                  engine="duckdb"))
    edge = month_end_snapshots(*edge_book(), pd.date_range("2025-01-31", "2025-04-30", freq="ME"))
    pd.testing.assert_frame_equal(flow_matrix(edge, engine="duckdb"), flow_matrix(edge))


def test_previous_stage_and_balance_carried_by_the_rows_equal_the_window(book):
    """``flows=True`` gives each row its invoice's previous row (the CLI's flows, no window)."""
    con = connect()
    try:
        ends = prepare(con, *book, snapshot_dates("2025-12-31", 12), True)
        con.execute("CREATE TEMP TABLE s AS " + snapshot_query(
            con, ends, load_stages(), ordered=False, flows=True))
        rows = by_invoice(con.execute("SELECT * FROM s").df())
        carried = [flow_on_engine(con, "SELECT * FROM s", with_previous=True)[k]
                   for k in (0, 1)]
        window = [flow_on_engine(con, "SELECT * FROM s")[k] for k in (0, 1)]
    finally:
        con.close()
    lag = rows.groupby("invoice_id")[["stage", "balance"]].shift()
    assert rows["from_stage"].isna().equals(lag["stage"].isna())
    assert rows["from_stage"].fillna("").equals(lag["stage"].fillna(""))
    assert rows["start_balance"].fillna(-1).equals(lag["balance"].fillna(-1))
    assert (rows["from_stage"].notna() & (rows["from_stage"] != rows["stage"])).sum() > 100
    for got, want in zip(carried, window, strict=True):
        keys = [c for c in got if c.endswith("stage")]
        pd.testing.assert_frame_equal(got.sort_values(keys).reset_index(drop=True),
                                      want.sort_values(keys).reset_index(drop=True))


def test_aging_command_masks_invoice_numbers_that_look_like_phone_numbers(tmp_path, capsys):
    inv, pay = edge_book()
    ids = {"A": "13812345678", "B": "INV0000000001"}  # a mobile, a landline-like number
    inv["invoice_id"], pay["invoice_id"] = inv["invoice_id"].replace(ids), \
        pay["invoice_id"].replace(ids)
    inv.to_csv(tmp_path / "inv.csv", index=False)
    pay.to_csv(tmp_path / "pay.csv", index=False)
    assert main(["aging", "--invoices", str(tmp_path / "inv.csv"), "--payments",
                 str(tmp_path / "pay.csv"), "--as-of", "2025-04-30", "--months", "4",
                 "--out", str(tmp_path / "o"), "--quiet"]) == 0
    written = set(pd.read_parquet(tmp_path / "o" / "month_end_snapshots.parquet")["invoice_id"])
    shown = inv.loc[inv["issue_date"] <= "2025-04-30", "invoice_id"]  # E is issued later
    assert written == set(mask_text_series(pd.Series(sorted(shown))))
    assert "13812345678" not in written and "C" in written


@pytest.mark.parametrize(("change", "message"), [
    (lambda i, p: (pd.concat([i, i.iloc[:1]]), p), r"invoices: column 'invoice_id' has 2 row"),
    (lambda i, p: (i.assign(amount=[100.0, -1, 80, 30, 10, 60.01]), p),
     r"(?s)invoices: column 'amount' has 1 empty, zero or negative.*\n +B "),
    (lambda i, p: (i.assign(due_date=i["issue_date"] - pd.Timedelta(days=1)), p),
     r"'due_date' is before 'issue_date' in 6 row"),
    (lambda i, p: (i, p.assign(invoice_id=["A", "Z", "B", "C", "D", "D", "F"])),
     r"(?s)payments: column 'invoice_id' names 1 payment.*\n +Z "),
    (lambda i, p: (i, p.assign(payment_date=pd.Timestamp("2025-01-01"))),
     r"'payment_date' is before the invoice's issue date in 7 row"),
    (lambda i, p: (i.assign(currency=["CNY", "USD", None, "CNY", "CNY", "CNY"]), p),
     r"mixes currencies \{'CNY': 5, 'USD': 1\}"),
])
def test_bad_books_are_refused_like_validate_receivables(change, message):
    inv, pay = change(*edge_book())
    with pytest.raises(DataProblem):
        month_end_snapshots(inv, pay)
    with pytest.raises(DataProblem, match=message):
        month_end_snapshots(inv, pay, engine="duckdb")


def test_aging_command_writes_snapshots_trend_and_rates(book, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["aging", "--invoices", str(INVOICES_CSV), "--payments", str(PAYMENTS_CSV),
            "--as-of", "2025-12-31", "--months", "12", "--out", str(out), "--quiet",
            "--memory-limit", "1GB", "--temp-directory", str(tmp_path / "spill")]
    assert main(args) == 0 and main(args) == 0
    assert "at 12 month ends" in capsys.readouterr().out
    expected = by_invoice(month_end_snapshots(*book, snapshot_dates("2025-12-31", 12)))
    written = pd.read_parquet(out / "month_end_snapshots.parquet")
    written["stage"] = written["stage"].astype(expected["stage"].dtype)
    pd.testing.assert_frame_equal(by_invoice(written), expected, check_dtype=False)
    assert (out / "month_end_snapshots-2.parquet").is_file()  # never overwritten
    rates = pd.read_csv(out / "roll_rates.csv", encoding="utf-8-sig", index_col=0)
    want = roll_rates(expected)
    assert rates.index.tolist() == list(want.index) and list(rates) == list(want)
    pd.testing.assert_frame_equal(rates.reset_index(drop=True), want.reset_index(drop=True),
                                  check_names=False, check_column_type=False)
    trend = pd.read_csv(out / "aging_trend.csv", encoding="utf-8-sig", index_col=0)
    assert trend.shape == (12, 5) and trend.sum().sum() == pytest.approx(
        expected["balance"].sum())


def test_snapshot_dates_and_bad_arguments(tmp_path, capsys):
    assert str(snapshot_dates("2025-12-31", 12)[0].date()) == "2025-01-31"
    assert str(snapshot_dates("2025-03-15", 1)[0].date()) == "2025-02-28"
    code = main(["aging", "--invoices", str(INVOICES_CSV), "--payments", str(tmp_path / "no.csv"),
                 "--as-of", "2025-12-31", "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 2 and "no such file" in capsys.readouterr().err
    assert main(["aging", "--invoices", str(INVOICES_CSV), "--payments", str(PAYMENTS_CSV),
                 "--as-of", "soon", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert load_stages().names[0] == "M0"
