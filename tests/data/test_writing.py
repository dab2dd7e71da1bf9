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
