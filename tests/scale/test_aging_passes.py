"""The aging of a book split by a hash of the invoice number into passes (the 200M-row book).

Past ``ROWS_PER_GIB`` invoices and payments per GiB of the memory limit, each share is checked
and aged alone; the rows, the trend, the roll rates and the error messages (with their counts
over the whole book) are those of one pass and of the pandas path.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import load_table
from helpers.errors import DataProblem
from helpers.paths import PROJECT_DIR
from helpers.receivables import load_stages, month_end_snapshots
from helpers.scale import EngineSettings, connect
from helpers.scale.__main__ import main, snapshot_dates
from helpers.scale._receivables_sql import book_passes, snapshots_to_files

from .test_receivables import by_invoice, edge_book

INVOICES_CSV = PROJECT_DIR / "datasets" / "invoices.csv"
PAYMENTS_CSV = PROJECT_DIR / "datasets" / "payments.csv"
DATES = pd.date_range("2025-01-31", "2025-04-30", freq="ME")


def few_rows_a_pass(monkeypatch: pytest.MonkeyPatch, rows_per_gib: int) -> None:
    monkeypatch.setattr("helpers.scale._rfm.ROWS_PER_GIB", rows_per_gib)


def aged(inv, pay, tmp_path, dates=DATES) -> tuple[pd.DataFrame, int]:
    """The part files' rows (by invoice and date) and the number of passes, at a 1 GB limit."""
    con = connect(EngineSettings(memory_limit="1GB"))
    try:
        parts, _ = snapshots_to_files(con, inv, pay, dates, load_stages(), tmp_path)
        passes = book_passes(con)
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted(p.name for p in parts), f"the split is left behind: {left}"
        listed = ", ".join(f"'{p}'" for p in parts)
        rows = con.execute(f"SELECT * FROM read_parquet([{listed}])").df()
    finally:
        con.close()
    for part in parts:
        part.unlink()
    return by_invoice(rows), passes


def test_rows_in_passes_equal_one_pass_and_pandas(tmp_path, monkeypatch):
    inv, pay = load_table(INVOICES_CSV, "invoices"), load_table(PAYMENTS_CSV, "payments")
    dates = snapshot_dates("2025-12-31", 12)
    one, passes = aged(inv, pay, tmp_path, dates)
    assert passes == 1
    few_rows_a_pass(monkeypatch, 3_000)  # 1 GB limit: ~2,800 rows a pass
    split, passes = aged(inv, pay, tmp_path, dates)
    assert passes > 5
    pd.testing.assert_frame_equal(split, one)
    assert not list(tmp_path.glob("*.parquet")), "part files left behind"
    expected = by_invoice(month_end_snapshots(inv, pay, dates))
    got = split[expected.columns].assign(stage=split["stage"].astype(expected["stage"].dtype))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert split["from_stage"].notna().sum() > 1000


def test_aging_command_in_passes_writes_what_one_pass_writes(tmp_path, monkeypatch, capsys):
    def run(out: str) -> dict[str, pd.DataFrame]:
        assert main(["aging", "--invoices", str(INVOICES_CSV), "--payments", str(PAYMENTS_CSV),
                     "--as-of", "2025-12-31", "--out", str(tmp_path / out), "--quiet",
                     "--memory-limit", "1GB", "--temp-directory", str(tmp_path / "spill")]) == 0
        snaps = pd.read_parquet(tmp_path / out / "month_end_snapshots.parquet")
        return {"snapshots": by_invoice(snaps),
                **{name: pd.read_csv(tmp_path / out / f"{name}.csv", encoding="utf-8-sig")
                   for name in ("aging_trend", "roll_rates")}}

    one = run("one")
    few_rows_a_pass(monkeypatch, 3_000)
    split = run("split")
    assert capsys.readouterr().out.count("at 12 month ends") == 2
    pd.testing.assert_frame_equal(split["snapshots"], one["snapshots"])
    for name in ("aging_trend", "roll_rates"):
        pd.testing.assert_frame_equal(split[name], one[name], rtol=1e-9)
    assert split["roll_rates"].shape == (5, 7) and split["aging_trend"].shape == (12, 6)
    assert not list((tmp_path / "spill").glob("*-*")), "part files or the split left behind"


def test_edge_book_in_seven_passes_equals_pandas(tmp_path, monkeypatch):
    inv, pay = edge_book()
    few_rows_a_pass(monkeypatch, 3)  # 13 rows, 2 a pass
    got, passes = aged(inv, pay, tmp_path)
    assert passes == 7
    expected = by_invoice(month_end_snapshots(inv, pay, DATES))
    pd.testing.assert_frame_equal(
        got[expected.columns].assign(stage=got["stage"].astype(expected["stage"].dtype)),
        expected, check_dtype=False)


@pytest.mark.parametrize(("change", "message"), [
    (lambda i, p: (pd.concat([i, i.iloc[:1]]), p), r"invoices: column 'invoice_id' has 2 row"),
    (lambda i, p: (pd.concat([i, i.iloc[:2], i.iloc[:2]]).assign(amount=-1.0), p),
     r"invoices: column 'invoice_id' has 6 row"),  # duplicates come first, all counted
    (lambda i, p: (i.assign(amount=[100.0, -1, 80, 30, 10, 60.01]), p),
     r"(?s)invoices: column 'amount' has 1 empty, zero or negative.*\n +B "),
    (lambda i, p: (i.assign(due_date=i["issue_date"] - pd.Timedelta(days=1)), p),
     r"'due_date' is before 'issue_date' in 6 row"),
    (lambda i, p: (i, p.assign(invoice_id=["A", "Z", "B", "C", "D", "Y", "F"])),
     r"(?s)payments: column 'invoice_id' names 2 payment.*\n +[ZY] "),
    (lambda i, p: (i, p.assign(invoice_id=["A", None, "B", "C", "D", "E", "F"])),
     r"payments: column 'invoice_id' names 1 payment"),  # no invoice number: still one pass's
    (lambda i, p: (i, p.assign(payment_date=pd.Timestamp("2025-01-01"))),
     r"'payment_date' is before the invoice's issue date in 7 row"),
    (lambda i, p: (i, p.assign(payment_date=pd.Timestamp("2025-01-01"), amount=0.0)),
     r"payments: column 'amount' has 7 empty"),  # a single-row check before a pass's
    (lambda i, p: (i.assign(currency=["CNY", "USD", None, "CNY", "CNY", "CNY"]), p),
     r"mixes currencies \{'CNY': 5, 'USD': 1\}"),
])
def test_bad_books_in_passes_are_refused_with_the_counts_of_one_pass(change, message, tmp_path,
                                                                      monkeypatch):
    inv, pay = change(*edge_book())
    with pytest.raises(DataProblem, match=message) as one:
        aged(inv, pay, tmp_path)
    few_rows_a_pass(monkeypatch, 3)
    with pytest.raises(DataProblem, match=message) as split:
        aged(inv, pay, tmp_path)
    assert str(split.value).splitlines()[0] == str(one.value).splitlines()[0]
    assert not list(tmp_path.iterdir()), "part files or the split left behind"
