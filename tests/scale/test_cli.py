"""``python -m helpers.scale summarise``: files written, nothing overwritten, clear errors."""

from __future__ import annotations

import duckdb
import pandas as pd

from helpers.data.privacy import mask_text_series
from helpers.errors import PERSONAL_PATTERNS
from helpers.scale.__main__ import main
from helpers.scale._rfm import summary_passes
from helpers.scale._writing import re2_pattern
from helpers.segments import customer_summary

from .conftest import TRANSACTIONS_CSV


def test_summarise_writes_the_summary_and_never_overwrites(tmp_path, transactions, capsys):
    out = tmp_path / "out"
    args = ["summarise", "--transactions", str(TRANSACTIONS_CSV), "--as-of", "2025-06-30",
            "--out", str(out), "--memory-limit", "1GB", "--temp-directory",
            str(tmp_path / "spill"), "--quiet"]
    assert main(args) == 0
    assert main(args) == 0
    printed = capsys.readouterr().out
    expected = customer_summary(transactions, as_of="2025-06-30", engine="pandas")
    rows = len(pd.read_csv(TRANSACTIONS_CSV, usecols=[0]))  # the bundled file's, any seed
    assert f"{len(expected):,} customers from {rows:,} rows" in printed
    assert "peak memory" in printed
    written = pd.read_parquet(out / "customer_summary.parquet").set_index("customer_id")
    pd.testing.assert_frame_equal(written.sort_index(), expected.sort_index(),
                                  check_index_type=False)
    assert (out / "customer_summary-2.parquet").is_file()  # the second run did not overwrite
    excl = pd.read_csv(out / "exclusions.csv", encoding="utf-8-sig")
    assert dict(zip(excl["reason"], excl["rows"], strict=True))["after_observation_end"] > 0


def test_bad_input_exits_2_with_the_message(tmp_path, capsys):
    code = main(["summarise", "--transactions", str(tmp_path / "none.parquet"), "--out",
                 str(tmp_path / "o"), "--quiet"])
    assert code == 2 and "no such file" in capsys.readouterr().err


def test_ids_holding_personal_data_are_masked_as_write_table_masks_them(tmp_path, capsys):
    csv = tmp_path / "tx.csv"
    csv.write_text("customer_id,purchase_date,amount\n13812345678,2025-01-02,5\n"
                   "C0001,2025-01-03,6\nzhang@example.com,2025-01-04,7\n", encoding="utf-8")
    assert main(["summarise", "--transactions", str(csv), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 0
    ids = pd.read_parquet(tmp_path / "o" / "customer_summary.parquet")["customer_id"]
    assert sorted(ids) == sorted(mask_text_series(pd.Series(
        ["13812345678", "C0001", "zhang@example.com"])))
    assert "13812345678" not in set(ids) and "C0001" in set(ids)


def test_re2_patterns_find_what_the_python_patterns_find():
    texts = ["C000123", "13812345678", "x 138 1234 5678", "a@b.com", "11010119900307123X",
             "4111 1111 1111 1111", "INV000001", "12345678901", "*13812345678", "010-12345678"]
    con = duckdb.connect()
    for pattern in PERSONAL_PATTERNS.values():
        got = [con.execute("SELECT regexp_matches(?, ?)", [t, re2_pattern(pattern.pattern)]
                           ).fetchone()[0] for t in texts]
        assert got == [bool(pattern.search(t)) for t in texts], pattern.pattern


def test_a_summary_in_several_passes_equals_the_pandas_one(tmp_path, transactions, monkeypatch):
    """Past ROWS_PER_GIB per GiB of the limit, customers are split by hash into passes (the
    200M-row file); a customer's rows all fall in one pass, so the summary is the same."""
    monkeypatch.setattr("helpers.scale._rfm.ROWS_PER_GIB", 5_000)  # 1 GB limit: ~4,700 rows a pass
    spill = tmp_path / "spill"
    args = ["summarise", "--transactions", str(TRANSACTIONS_CSV), "--as-of", "2025-06-30",
            "--out", str(tmp_path / "out"), "--memory-limit", "1GB", "--temp-directory",
            str(spill), "--quiet"]
    assert main(args) == 0
    rows = len(pd.read_csv(TRANSACTIONS_CSV, usecols=[0]))
    assert summary_passes(rows, 1e9) > 3
    written = pd.read_parquet(tmp_path / "out" / "customer_summary.parquet")
    expected = customer_summary(transactions, as_of="2025-06-30", engine="pandas")
    assert written["customer_id"].is_unique
    pd.testing.assert_frame_equal(written.set_index("customer_id").sort_index(),
                                  expected.sort_index(), check_index_type=False)
    assert not list(spill.glob("summary-*.parquet")), "part files left in the spill folder"
