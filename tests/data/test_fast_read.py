"""The loader's fast path (pyarrow reads, vectorised checks): same result, problems named exactly.

Every file here is large enough (200k rows) that a mistake in row numbering or in a shortcut
taken for "clean" columns would show, and small enough to stay cheap. The careful path is forced
by giving ``encoding="utf-8"`` (the fast path only runs when the encoding is detected).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from helpers.data import load_table
from helpers.data._fast_read import arrow_grid, first_lines, head_bytes
from helpers.data._read import read_grid
from helpers.errors import DataProblem

N = 200_000
HEADER = "customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"


def _line(i: int, amount: str | None = None) -> str:
    channel = ("store", "online", "phone")[i % 3]
    return (f"C{i % 9973},T{i},2024-{i % 12 + 1:02d}-{i % 28 + 1:02d} {i % 24:02d}:{i % 60:02d}:07,"
            f"{amount if amount is not None else f'{(i % 5000) / 7:.2f}'},"
            f"{'true' if i % 50 == 0 else 'false'},{channel}\n")


def write_tx(path: Path, n: int = N, special: dict[int, str] | None = None) -> Path:
    """``n`` transactions; ``special`` replaces data row i (file row i + 2) by the given line."""
    special = special or {}
    path.write_text(HEADER + "".join(special.get(i, _line(i)) for i in range(n)),
                    encoding="utf-8")
    return path


def test_one_bad_amount_deep_in_a_large_file_is_named_exactly(tmp_path):
    row = 150_001  # file row: header is row 1, data row i is row i + 2
    path = write_tx(tmp_path / "tx.csv", special={row - 2: _line(row - 2, amount="12.3x")})
    before = path.read_bytes()
    with pytest.raises(DataProblem) as err:
        load_table(path, "transactions")
    problems = err.value.problems
    assert [(p.kind, p.column, p.source_column, p.rows, p.values, p.count) for p in problems] == [
        ("unparseable", "amount", "amount", [row], ["12.3x"], 1)]
    assert err.value.file == str(path) and f"{row}" in str(err.value)
    assert path.read_bytes() == before  # the input is only read
    df, report = load_table(path, "transactions", on_invalid="drop", return_report=True)
    assert len(df) == N - 1 and report.dropped_rows == [row]
    assert "T149999" not in set(df["transaction_id"]) and "T150000" in set(df["transaction_id"])


def test_fast_and_careful_paths_give_the_same_table_and_report(tmp_path):
    path = write_tx(tmp_path / "tx.csv")
    fast, fast_report = load_table(path, "transactions", return_report=True)
    careful, careful_report = load_table(path, "transactions", encoding="utf-8",
                                         return_report=True)
    pdt.assert_frame_equal(fast, careful)
    assert fast_report.notes == careful_report.notes and fast_report.ok
    assert fast_report.encoding == "utf-8" and fast_report.encoding_confidence == 1.0
    assert fast["purchase_date"].dtype == "datetime64[ns]"
    assert fast["amount"].dtype == "Float64" and fast["is_return"].dtype == "boolean"
    assert fast.loc[12345, "amount"] == pytest.approx((12345 % 5000) / 7, abs=0.005)
    assert fast.loc[12345, "purchase_date"] == pd.Timestamp("2024-10-26 09:45:07")


def test_messy_values_deep_in_the_file_still_get_the_careful_reading(tmp_path):
    """One row of each kind that the fast checks must not wave through, near the end."""
    special = {
        190_000: "C1, T190000 ,2024/3/5,\"1,234.50\",是,Store\n",     # spaces, / dates, 1,234.50
        190_001: "C2,T190001,2024-02-30 10:00:00,5,false,online\n",  # no such day
        190_002: "C3,T190002,2024-03-05,inf,false,online\n",          # not finite
        190_003: "C4,4.40106E+17,2024-03-05,5,false,online\n",        # ID mangled by Excel
        190_004: "C5,T5,2024-03-05,5,false,online\n",                 # T5 is also row 7's key
        190_005: "C6,T190005,2024-03-05,5,false,mail\n",              # not an allowed channel
        190_006: "Ｃ7,T190006,2024-03-05,5,false,online\n",           # full-width letter
    }
    path = write_tx(tmp_path / "tx.csv", special=special)
    df, report = load_table(path, "transactions", on_invalid="drop", return_report=True)
    found = {(p.kind, p.column): p.rows for p in report.problems}
    assert found == {("unparseable", "purchase_date"): [190_003],
                     ("non_finite", "amount"): [190_004],
                     ("id_scientific", "transaction_id"): [190_005],
                     ("not_allowed", "sales_channel"): [190_007],
                     ("duplicate_key", "transaction_id"): [7, 190_006]}
    kept = df.set_index("transaction_id")
    assert kept.loc["T190000", "amount"] == 1234.5 and bool(kept.loc["T190000", "is_return"])
    assert kept.loc["T190000", "purchase_date"] == pd.Timestamp("2024-03-05")
    assert kept.loc["T190000", "sales_channel"] == "store"
    assert kept.loc["T190006", "customer_id"] == "C7"
    careful = load_table(path, "transactions", on_invalid="drop", encoding="utf-8")
    pdt.assert_frame_equal(df, careful)


def test_rows_the_fast_reader_cannot_read_go_to_the_careful_reader(tmp_path):
    extra = write_tx(tmp_path / "extra.csv", special={180_000: _line(180_000)[:-1] + ",x\n"})
    with pytest.raises(DataProblem, match="row 180002 has 7 fields"):
        load_table(extra, "transactions")
    blank = write_tx(tmp_path / "blank.csv", special={100: "\n", 180_000: _line(180_000, "x")})
    with pytest.raises(DataProblem) as err:
        load_table(blank, "transactions")
    assert [p.rows for p in err.value.problems] == [[180_002]]  # the blank line still counts
    quoted = write_tx(tmp_path / "quoted.csv", special={
        50: '"C1","T50","2024-01-01","5","false","store"\n',
        60: 'C1,T60,2024-01-01,bad,false,"sto\nre"\n'})
    with pytest.raises(DataProblem) as err:
        load_table(quoted, "transactions")
    assert {p.kind: p.rows for p in err.value.problems} == {"unparseable": [62],
                                                            "not_allowed": [62]}


def test_arrow_grid_matches_the_careful_grid(tmp_path):
    path = write_tx(tmp_path / "tx.csv", n=1000, special={3: "C1,T3,,  5 ,,\n"})
    fast = arrow_grid(str(path), ",", 6)
    assert fast is not None
    careful, _ = read_grid(path, "tx.csv", {"encoding": "utf-8"})
    pdt.assert_frame_equal(fast, careful)
    assert arrow_grid(str(path), ",", 5) is None  # rows wider than said: not for the fast path
    assert first_lines("a\r\nb\nc", 5) == ["a", "b", "c"] and first_lines("a\nb\nc\n", 2) == [
        "a", "b"]
    assert head_bytes(path, 10) == path.read_bytes()[:10]
