"""Tests of helpers.data.writing: masked by default, never overwriting, never into the inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import write_table
from helpers.errors import DataProblem


def customers_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["C1", "C2"], "customer_kind": ["individual", "organisation"],
        "name": ["张三丰", "上海某某贸易有限公司"], "phone": ["13812348000", "02162345678"],
        "email": ["zhang@example.com", None], "signup_date": pd.to_datetime(["2024-01-01",
                                                                             "2024-02-01"]),
    })


def test_write_table_masks_by_default_and_never_overwrites(tmp_path, capsys):
    df = customers_frame()
    first = write_table(df, "clients", output_dir=tmp_path, table="customers")
    second = write_table(df, "clients.csv", output_dir=tmp_path, table="customers")
    assert first.name == "clients.csv" and second.name == "clients-2.csv"
    assert "never overwritten" in capsys.readouterr().out
    raw = first.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel shows Chinese
    text = raw.decode("utf-8-sig")
    assert "13812348000" not in text and "138****8000" in text and "张**" in text
    assert "zhang@" not in text


def test_write_table_reveal_and_formats(tmp_path):
    df = customers_frame()
    csv_gb = write_table(df, "gb", output_dir=tmp_path, reveal_personal=True,
                         encoding="gb18030")
    assert "张三丰" in csv_gb.read_bytes().decode("gb18030")
    for fmt in ("xlsx", "parquet"):
        out = write_table(df, "c", output_dir=tmp_path, table="customers", fmt=fmt)
        back = pd.read_excel(out) if fmt == "xlsx" else pd.read_parquet(out)
        assert back["phone"].tolist() == ["138****8000", "021****5678"]
    with pytest.raises(DataProblem):
        write_table(df, "c", output_dir=tmp_path, fmt="json")


def test_write_table_refuses_the_datasets_folder():
    from helpers.paths import DATASETS_DIR

    with pytest.raises(ValueError, match="refusing"):
        write_table(customers_frame(), "x", output_dir=DATASETS_DIR)


def test_write_table_refuses_what_is_not_a_table(tmp_path):
    with pytest.raises(DataProblem, match="expected a DataFrame"):
        write_table([1, 2], "x", output_dir=tmp_path)


# --------------------------------------------------------------------------------------------
# atomic, exclusive writes

def _frame(tag: str, n: int = 200) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"{tag}{i}" for i in range(n)], "amount": range(n)})


def test_two_concurrent_writers_of_one_name_both_end_with_a_complete_file(tmp_path, monkeypatch):
    # both writers are made to be mid-write at the same moment (a barrier inside the
    # serialiser), so both chose their name before either finished: the old "is the name free?"
    # check let the second overwrite the first
    import threading

    from helpers.data import writing

    barrier = threading.Barrier(2, timeout=60)
    real = writing._serialise

    def serialise(df, handle, fmt, encoding):
        real(df, handle, fmt, encoding)
        barrier.wait()

    monkeypatch.setattr(writing, "_serialise", serialise)
    results: dict[str, object] = {}

    def writer(tag: str) -> None:
        results[tag] = write_table(_frame(tag), "same", output_dir=tmp_path)

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same-2.csv", "same.csv"]
    for tag, path in results.items():
        back = pd.read_csv(path)
        assert back["customer_id"].tolist() == [f"{tag}{i}" for i in range(200)]


def test_many_concurrent_writers_never_overwrite(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    tags = [f"W{k}_" for k in range(8)]
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda t: write_table(_frame(t, 50), "x", output_dir=tmp_path),
                              tags))
    assert len(set(paths)) == 8 and len(list(tmp_path.iterdir())) == 8
    for tag, path in zip(tags, paths, strict=True):
        assert pd.read_csv(path)["customer_id"].iloc[-1] == f"{tag}49"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_a_write_failing_midway_leaves_nothing_behind(tmp_path, monkeypatch, fmt):
    from helpers.data import writing

    existing = write_table(_frame("E"), "t", output_dir=tmp_path, fmt=fmt)
    before = existing.read_bytes()

    def broken(df, handle, fmt, encoding):
        handle.write(b"half a file")
        raise KeyboardInterrupt("killed midway")

    monkeypatch.setattr(writing, "_serialise", broken)
    with pytest.raises(KeyboardInterrupt):
        write_table(_frame("N"), "t", output_dir=tmp_path, fmt=fmt)
    with pytest.raises(KeyboardInterrupt):
        write_table(_frame("N"), "fresh", output_dir=tmp_path, fmt=fmt)
    assert [p.name for p in tmp_path.iterdir()] == [existing.name]  # no temp file, no fresh.*
    assert existing.read_bytes() == before


def test_a_table_the_format_cannot_hold_is_a_data_problem_and_leaves_nothing(tmp_path):
    mixed = pd.DataFrame({"v": pd.Series([1, "a", 2.5], dtype=object)})
    with pytest.raises(DataProblem, match="cannot be written as parquet"):
        write_table(mixed, "m", output_dir=tmp_path, fmt="parquet")
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_name_is_reserved_exclusively(tmp_path, monkeypatch):
    import errno
    import os

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    first = write_table(_frame("A"), "f", output_dir=tmp_path)
    before = first.read_bytes()
    second = write_table(_frame("B"), "f", output_dir=tmp_path)
    assert (first.name, second.name) == ("f.csv", "f-2.csv") and first.read_bytes() == before
    assert pd.read_csv(second)["customer_id"].iloc[0] == "B0"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f-2.csv", "f.csv"]


def test_an_output_folder_that_is_a_file_or_not_writable_is_a_data_problem(tmp_path,
                                                                          monkeypatch):
    import tempfile

    a_file = tmp_path / "report.txt"
    a_file.write_text("keep me", encoding="utf-8")
    with pytest.raises(DataProblem, match="is a file, not a folder") as err:
        write_table(_frame("A"), "x", output_dir=a_file)
    assert "report.txt" in str(err.value) and a_file.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(DataProblem, match="is a file, not a folder"):
        write_table(_frame("A"), "x", output_dir=a_file / "sub")

    def denied(*args, **kwargs):  # the tests may run as root, where chmod does not deny
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(DataProblem, match="Permission denied.*choose a folder you can write"):
        write_table(_frame("A"), "x", output_dir=tmp_path / "locked")


# --------------------------------------------------------------------------------------------
# spreadsheet formula injection

DANGEROUS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _injection_frame() -> pd.DataFrame:
    n = len(DANGEROUS)
    return pd.DataFrame({"note": DANGEROUS, "balance": [-5.5] * n, "count": [-3] * n,
                         "cat": pd.Categorical(["=1+1"] * n), "ok": ["plain"] * n})


def test_csv_cells_that_would_be_formulas_are_quoted(tmp_path):
    import csv

    path = write_table(_injection_frame(), "inj", output_dir=tmp_path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # (pandas does not quote a bare carriage return, so that row is split: checked on the bytes)
    assert [r["note"] for r in rows[:5]] == ["'" + v for v in DANGEROUS[:5]]
    assert "\n'\rcmd," in path.read_bytes().decode("utf-8-sig")
    rows = rows[:5]
    assert {r["balance"] for r in rows} == {"-5.5"} and {r["count"] for r in rows} == {"-3"}
    assert {r["cat"] for r in rows} == {"'=1+1"} and {r["ok"] for r in rows} == {"plain"}
    raw = write_table(_injection_frame(), "raw", output_dir=tmp_path, allow_formulas=True)
    with raw.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["note"] for r in csv.DictReader(handle)][:5] == DANGEROUS[:5]


def test_xlsx_has_no_formula_cells_and_numbers_stay_numbers(tmp_path):
    from openpyxl import load_workbook

    df = _injection_frame()
    df.columns = ["=note", *df.columns[1:]]  # a header can be a formula too
    path = write_table(df, "inj", output_dir=tmp_path, fmt="xlsx")
    sheet = load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A1"].value == "'=note" and sheet["A2"].value == "'" + DANGEROUS[0]
    assert sheet["B2"].value == -5.5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -3 and sheet["C2"].data_type == "n"
    # the opt-out really writes formulas (so the default is what prevents them)
    raw = write_table(df, "raw", output_dir=tmp_path, fmt="xlsx", allow_formulas=True)
    assert load_workbook(raw).active["A2"].data_type == "f"


def test_parquet_is_written_as_it_is(tmp_path):
    path = write_table(_injection_frame(), "inj", output_dir=tmp_path, fmt="parquet")
    assert pd.read_parquet(path)["note"].tolist() == DANGEROUS


def test_written_files_are_masked_by_content(tmp_path):
    df = pd.DataFrame({"customer_id": ["C1"], "remark": ["call 13812345678, ID 11010119900307123X"],
                       "contact_person": ["王小明"]})
    text = write_table(df, "r", output_dir=tmp_path, table="customers").read_text("utf-8-sig")
    assert "13812345678" not in text and "11010119900307123X" not in text and "王小明" not in text
    assert "138****5678" in text and "王**" in text
