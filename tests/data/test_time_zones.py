"""Dates with time-zone offsets: one offset is read as the local time written; a mix is refused
row by row (before: pandas' "Mixed timezones" ValueError or a TypeError, a bare traceback)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.caveats import Caveat
from helpers.data import load_table
from helpers.errors import DataProblem


def _export(tmp_path, dates: list[str]):
    rows = "".join(f"C{i},{d},{5 + i}\n" for i, d in enumerate(dates))
    path = tmp_path / "orders.csv"
    path.write_text("customer_id,purchase_date,amount\n" + rows, encoding="utf-8")
    return path


def test_one_offset_is_dropped_with_a_caveat(tmp_path):
    path = _export(tmp_path, ["2024-03-05 10:00:00+08:00", "2024-03-06T09:30+08:00"])
    with pytest.warns(Caveat, match=r"offset \+08:00"):
        table = load_table(path, "transactions")
    assert table["purchase_date"].tolist() == [pd.Timestamp("2024-03-05 10:00"),
                                               pd.Timestamp("2024-03-06 09:30")]


@pytest.mark.parametrize("dates", [
    ["2024-03-05 10:00:00+08:00", "2024-03-06"],                    # offset and none
    ["2024-03-05 10:00:00+08:00", "2024-03-06 02:00:00Z"],          # two offsets
])
def test_mixed_zones_name_the_rows_with_an_offset(tmp_path, dates):
    path = _export(tmp_path, dates)
    with pytest.warns(Caveat, match="mix time zones"), pytest.raises(DataProblem) as err:
        load_table(path, "transactions")
    text = str(err.value)
    assert "purchase_date" in text and "Rows: 2" in text and "+08:00" in text
    assert "orders.csv" in text


def test_mixed_zones_dropped_on_request_keep_the_other_rows(tmp_path):
    path = _export(tmp_path, ["2024-03-05 10:00:00+08:00", "2024-03-06", "2024-03-07"])
    with pytest.warns(Caveat):
        table = load_table(path, "transactions", on_invalid="drop")
    assert table["customer_id"].tolist() == ["C1", "C2"]
