"""``copy_result``: the file ``write_table`` would write, masked in batches, never overwriting."""

from __future__ import annotations

import errno

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import helpers.scale._writing as writing
from helpers.data import write_table
from helpers.errors import DataProblem
from helpers.scale._writing import copy_result

ROWS = 5_000  # with BATCH_ROWS = 2,048: three batches


def personal_frame(rows: int = ROWS) -> pd.DataFrame:
    """Phones in free text, ID numbers (by header and inside text), names by header in English
    and Chinese, e-mails, card numbers that pass and fail Luhn, NULLs of every type (in every
    batch, in none, only in the last)."""
    i = np.arange(rows)
    pick = lambda *values: [values[k % len(values)] for k in i]  # noqa: E731
    return pd.DataFrame({
        "customer_id": [f"C{k:05d}" for k in i],
        "remark": pick("call 13812345678 after 6", "VIP", None, "138 1234 5678 (home)"),
        "证件号码": pick("11010119900307123X", None, "110101199003071234"),
        "ref": pick("id 11010119900307123X", "INV000001", None),
        "name": pick("Zhang San", "Li Si", None),
        "姓名": pick("张三丰", "李四", None, "欧阳娜娜"),
        "note": pick("mail zhang@example.com", "a@b.co or c@d.org", None, "none"),
        "card": pick("4111 1111 1111 1111", "4111111111111112", "6222-0212-3456-7890-12", None),
        "amount": np.where(i % 7 == 0, np.nan, i * 1.25),
        "visits": pd.array([None if k % 5 == 0 else int(k) for k in i], dtype="Int64"),
        "count": i.astype("int64"),
        "active": pd.array([None if k % 9 == 0 else bool(k % 2) for k in i], dtype="boolean"),
        "day": pd.to_datetime("2025-01-01") + pd.to_timedelta(i % 400, unit="D"),
        "empty": pd.Series([None] * rows, dtype=object),
        # a NULL, or a value, only in the last batch: the first batches' dtypes differ
        "late_null": pd.array([None if k == rows - 1 else int(k) for k in i], dtype="Int64"),
        "late_text": pd.Series([None] * (rows - 1) + ["VIP 13812345678"], dtype=object),
        "flag": i % 3 == 0,
    })


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.fixture
def batches(monkeypatch) -> list[int]:
    """Rows of every frame ``copy_result`` masks (BATCH_ROWS made small)."""
    monkeypatch.setattr(writing, "BATCH_ROWS", 2048)
    seen: list[int] = []

    def spy(df, *args, **kwargs):
        seen.append(len(df))
        return real(df, *args, **kwargs)

    real = writing.mask_frame
    monkeypatch.setattr(writing, "mask_frame", spy)
    return seen


def same_file(got, con, sql: str, folder) -> None:
    expected = write_table(con.execute(sql).df(), "expected", folder, fmt="parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(got), pd.read_parquet(expected))
    # the same Arrow types and pandas metadata (which restores Int64, boolean, string dtypes)
    assert pq.read_schema(got).equals(pq.read_schema(expected), check_metadata=True)


def test_a_result_with_personal_data_is_the_file_write_table_writes(tmp_path, con, batches):
    frame = personal_frame()
    con.register("frame", frame)
    sql = "SELECT * FROM frame"
    got = copy_result(con, sql, "people", tmp_path / "out")
    assert got == tmp_path / "out" / "people.parquet"
    same_file(got, con, sql, tmp_path / "expected")
    back = pd.read_parquet(got)
    for clear in ("13812345678", "11010119900307123X", "zhang@example.com", "张三丰",
                  "Zhang San", "4111 1111 1111 1111"):
        assert not back.astype(str).apply(lambda c, x=clear: c.str.contains(x, regex=False)
                                          ).any().any(), clear
    assert "4111111111111112" in set(back["card"])  # fails Luhn: not a card number, kept
    assert back["empty"].isna().all() and back["visits"].dtype == "Int64"
    assert back["late_null"].dtype == "Int64" and back["flag"].dtype == bool
    assert back["late_text"].iloc[-1] == "VIP 138****5678"
    # memory holds one batch: the result went through mask_frame 2,048 rows at a time (after
    # the two-row sample that gives the dtypes), never whole
    assert batches == [2, 2048, 2048, ROWS - 2 * 2048]
    assert pq.ParquetFile(got).metadata.num_row_groups == 3


def test_columns_personal_by_name_alone_are_masked(tmp_path, con, batches):
    """Names hold no pattern the content scan could find: the header decides (English and
    Chinese), also for a phone column stored as a number."""
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('Zhang San', '张三丰', 13812345678, 5),"
                " ('Li Si', '李四', NULL, 6)) v(name, 姓名, phone, amount)")
    sql = "SELECT * FROM t"
    got = copy_result(con, sql, "names", tmp_path)
    back = pd.read_parquet(got)
    assert back["姓名"].tolist() == ["张**", "李*"]
    assert "Zhang San" not in set(back["name"]) and "13812345678" not in set(back["phone"])
    same_file(got, con, sql, tmp_path / "expected")
    assert len(batches) == 2  # the sample, one batch


def test_awkward_column_names(tmp_path, con, batches):
    sql = ("SELECT 'call 13812345678' AS \"say \"\"hi\"\"\", NULL::INTEGER AS __value0, "
           "2 AS __rows, 'x' AS \"__nulls0\"")
    got = copy_result(con, sql, "awkward", tmp_path)
    assert pd.read_parquet(got)['say "hi"'].tolist() == ["call 138****5678"]
    same_file(got, con, sql, tmp_path / "expected")


def test_an_empty_result_with_a_personal_column(tmp_path, con, batches):
    sql = "SELECT 'x' AS 姓名, 1 AS n WHERE FALSE"
    got = copy_result(con, sql, "empty", tmp_path)
    assert pd.read_parquet(got).empty
    same_file(got, con, sql, tmp_path / "expected")


def test_a_result_without_personal_data_is_copied_as_it_is(tmp_path, con, batches):
    sql = "SELECT 'C' || i AS customer_id, i * 2 AS amount FROM range(3000) r(i)"
    got = copy_result(con, sql, "plain", tmp_path)
    assert batches == []  # never read back
    pd.testing.assert_frame_equal(pd.read_parquet(got), con.execute(sql).df())


def test_never_overwrites_and_leaves_no_temporary_file(tmp_path, con, batches, capsys):
    con.register("frame", personal_frame(300))
    first = copy_result(con, "SELECT * FROM frame", "people", tmp_path)
    before = first.read_bytes()
    second = copy_result(con, "SELECT * FROM frame WHERE customer_id < 'C00100'", "people",
                         tmp_path)
    assert second.name == "people-2.parquet" and first.read_bytes() == before
    assert len(pd.read_parquet(second)) == 100
    assert "never overwritten" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people-2.parquet", "people.parquet"]


class FailingWriter(pq.ParquetWriter):
    """Writes the first batch, then fails as a full disk (or Arrow on a bad value) would."""

    error: Exception = OSError(errno.ENOSPC, "No space left on device")

    def write_table(self, table, row_group_size=None):
        if getattr(self, "done", False):
            raise self.error
        self.done = True
        super().write_table(table, row_group_size)


@pytest.mark.parametrize(("error", "says"), [
    (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
    (pa.ArrowInvalid("cannot convert"), "cannot be written as parquet"),
])
def test_nothing_is_left_in_the_folder_when_writing_fails(tmp_path, con, batches, monkeypatch,
                                                          error, says):
    monkeypatch.setattr(FailingWriter, "error", error)
    monkeypatch.setattr(writing.pq, "ParquetWriter", FailingWriter)
    con.register("frame", personal_frame())
    with pytest.raises(DataProblem, match=says):
        copy_result(con, "SELECT * FROM frame", "people", tmp_path)
    assert len(batches) == 3  # the sample, the batch written, the batch that failed
    assert list(tmp_path.iterdir()) == []
