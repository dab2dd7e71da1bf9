"""``python -m helpers.scale summarise``: files written, nothing overwritten, clear errors."""

from __future__ import annotations

import pandas as pd

from helpers.scale.__main__ import main
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
    assert "customers from 42,415 rows" in printed and "peak memory" in printed
    written = pd.read_parquet(out / "customer_summary.parquet").set_index("customer_id")
    expected = customer_summary(transactions, as_of="2025-06-30", engine="pandas")
    pd.testing.assert_frame_equal(written.sort_index(), expected.sort_index(),
                                  check_index_type=False)
    assert (out / "customer_summary-2.parquet").is_file()  # the second run did not overwrite
    excl = pd.read_csv(out / "exclusions.csv", encoding="utf-8-sig")
    assert dict(zip(excl["reason"], excl["rows"], strict=True))["after_observation_end"] > 0


def test_bad_input_exits_2_with_the_message(tmp_path, capsys):
    code = main(["summarise", "--transactions", str(tmp_path / "none.parquet"), "--out",
                 str(tmp_path / "o"), "--quiet"])
    assert code == 2 and "no such file" in capsys.readouterr().err
