"""Tests of helpers.data._read (loader stage 1): bytes, encodings, delimiters, header rows."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from helpers.data._columns import known_headers
from helpers.data._read import (
    blank_cells,
    check_shape,
    detect_encoding,
    existing_file,
    find_header,
    frame_as_raw,
    read_grid,
    read_raw,
    sniff_sep,
)
from helpers.errors import DataProblem
from helpers.tables import TABLES

KNOWN = known_headers(TABLES["customers"], {})


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_xls_through_xlrd_is_read(tmp_path):
    pytest.importorskip("xlrd")
    f = tmp_path / "bad.xls"
    f.write_bytes(b"not really excel")
    with pytest.raises(DataProblem, match="Excel"):
        read_grid(f, str(f), {})



@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("utf-16", "utf-16")])
def test_encoding_is_detected(encoding, expected):
    assert detect_encoding("客户编号,金额\n".encode(encoding), None, "x.csv") == expected


def test_given_encoding_is_checked():
    assert detect_encoding(b"abc", "latin-1", "x.csv") == "latin-1"
    with pytest.raises(DataProblem, match="cannot be read as 'utf-8'"):
        detect_encoding("客户".encode("gbk"), "utf-8", "x.csv")
    with pytest.raises(DataProblem, match="(?s)reads differently as .*encoding="):
        detect_encoding("顧客,名前\nC1,山田\n".encode("shift_jis"), None, "x.csv")


@pytest.mark.parametrize(("lines", "sep"), [
    (["a,b,c", "1,2,3"], ","), (["a;b;c", "1;2,5;3"], ";"), (["a\tb", "1\t2"], "\t"),
    (["a|b", "1|2"], "|"), (["a  b   c", "1  2   3"], r"\s+"), (["single"], ",")])
def test_delimiter_sniffing(lines, sep):
    assert sniff_sep(lines) == sep


def test_text_grid_keeps_file_rows_and_cells_as_text(tmp_path):
    f = write(tmp_path / "x.csv", "title\n\na,b\n007,\n")
    grid, info = read_grid(f, "x.csv", {})
    assert (info.encoding, info.sep, info.confidence) == ("utf-8", ",", 1.0)
    assert grid.index.tolist() == [0, 1, 2, 3] and grid.iloc[3].tolist() == ["007", ""]
    grid, _ = read_grid(f, "x.csv", {"skiprows": 2})
    assert grid.index.tolist() == [2, 3]


def test_gzip_text_and_empty_files(tmp_path):
    gz = tmp_path / "x.csv.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(b"a;b\n1;2\n")
    grid, info = read_grid(gz, "x.csv.gz", {})
    assert info.sep == ";" and grid.shape == (2, 2)
    with pytest.raises(DataProblem, match="the file is empty"):
        read_grid(write(tmp_path / "e.csv", "  \n"), "e.csv", {})


def test_row_with_too_many_fields_names_the_row(tmp_path):
    # the width is sniffed from the first 60 lines; a wider row further down is an error
    f = write(tmp_path / "x.csv", "a,b\n" + "1,2\n" * 70 + "3,4,5,6,7\n")
    with pytest.raises(DataProblem, match="more fields than the header"):
        read_grid(f, "x.csv", {"sep": ","})


def test_unreadable_parquet(tmp_path):
    f = write(tmp_path / "x.parquet", "not parquet")
    with pytest.raises(DataProblem, match="not a readable Parquet file"):
        read_grid(f, "x.parquet", {})


def test_blank_cells_on_text_and_typed_columns():
    grid = pd.DataFrame({"a": ["x", " ", None], "b": pd.array([1, None, 3], dtype="Int64")})
    blank = blank_cells(grid)
    assert blank["a"].tolist() == [False, True, True]
    assert blank["b"].tolist() == [False, True, False]


def test_header_row_found_by_known_names_or_width():
    grid = pd.DataFrame([["客户清单", None, None], [None, None, None],
                         ["客户编号", "客户类别", "x"], ["C1", "individual", "1"]])
    assert find_header(grid, KNOWN) == 2
    wide = pd.DataFrame([["Report", None], ["id", "kind"], ["1", "2"]])
    assert find_header(wide, KNOWN) == 1  # no known name: the first of the widest rows
    assert find_header(pd.DataFrame(), KNOWN) == 0


def test_read_raw_names_columns_and_numbers_rows(tmp_path):
    f = write(tmp_path / "c.csv", "客户清单\n\n客户编号,,客户类别, 名称 \nC1,,x,A\n\nC2,,y,B\n")
    raw = read_raw(f, "c.csv", "customers", {}, KNOWN)
    assert raw.frame.columns.tolist() == ["客户编号", "客户类别", "名称"]  # blank column dropped
    assert raw.row_numbers.tolist() == [4, 6]  # blank line 5 is not data
    assert raw.header_row == 3 and raw.encoding == "utf-8" and raw.sep == ","
    assert raw.notes == ["2 title row(s) above the header skipped; the header is on row 3."]
    given = read_raw(f, "c.csv", "customers", {"header": 3}, KNOWN)
    pd.testing.assert_frame_equal(given.frame, raw.frame)


def test_read_raw_without_header_line_uses_the_mapping_names(tmp_path):
    f = write(tmp_path / "c.txt", "1 20240105 2\n\n2 20240106 3\n")
    raw = read_raw(f, "c.txt", "transactions", {"sep": r"\s+", "names": ["cust", "date", "n"]},
                   KNOWN)
    assert raw.frame.columns.tolist() == ["cust", "date", "n"]
    assert raw.row_numbers.tolist() == [1, 3] and raw.header_row is None
    with pytest.raises(DataProblem, match="names 2 columns but the file has 3"):
        read_raw(f, "c.txt", "transactions", {"sep": r"\s+", "names": ["a", "b"]}, KNOWN)


def test_frame_as_raw_and_missing_file(tmp_path):
    raw = frame_as_raw(pd.DataFrame({1: ["a", "b"]}))
    assert raw.frame.columns.tolist() == ["1"] and raw.row_numbers.tolist() == [1, 2]
    with pytest.raises(DataProblem, match="does not exist"):
        existing_file(tmp_path / "nowhere.csv")


def test_check_shape_refuses_empty_tables_and_wrong_delimiters():
    check_shape(frame_as_raw(pd.DataFrame({"a": [1]})), "x", "customers")
    with pytest.raises(DataProblem, match="no columns"):
        check_shape(frame_as_raw(pd.DataFrame(index=[0])), "x", "customers")
    with pytest.raises(DataProblem, match="no data rows"):
        check_shape(frame_as_raw(pd.DataFrame({"a": []})), "x", "customers")
    raw = frame_as_raw(pd.DataFrame({"a|b|c": ["1|2|3"]}))
    raw.sep = ","
    with pytest.raises(DataProblem, match=r"probably '\|', not ','"):
        check_shape(raw, "x", "customers")
