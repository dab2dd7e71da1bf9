"""A gallery of bad inputs: each ends in a correct value, a clear DataProblem or a warning.

One table, ``CASES``: an input builder (writes a file into ``tmp_path``), the table it is loaded
as, loader keyword arguments and the expected outcome:

- ``Value(column, values)``: the load succeeds (no LoadWarning) and the column reads so;
- ``Error(text, ...)``: a :class:`DataProblem` whose message contains every text;
- ``Warn(kind, text, column, values)``: a :class:`LoadWarning` whose message contains the text,
  noted in the report, with the column's values as assumed; ``accept=[kind]`` silences it.

Every input file's bytes are unchanged afterwards.
"""

from __future__ import annotations

import gzip
import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from helpers.data import load_table
from helpers.data._report import LoadWarning
from helpers.errors import DataProblem


@dataclass(frozen=True)
class Value:
    column: str
    values: list[Any]
    note: str = ""


@dataclass(frozen=True)
class Error:
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Warn:
    kind: str
    text: str
    column: str | None = None
    values: list[Any] | None = None


def error(*texts: str) -> Error:
    return Error(texts)


def text(content: str, encoding: str = "utf-8", name: str = "x.csv") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode(encoding))
        return path
    return build


def raw_bytes(content: bytes, name: str = "x.csv") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path
    return build


def gz(content: str, cut: int | None = None) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "x.csv.gz"
        data = gzip.compress(content.encode())
        path.write_bytes(data[:cut] if cut else data)
        return path
    return build


def excel(sheets: dict[str, pd.DataFrame]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "x.xlsx"
        with pd.ExcelWriter(path) as xw:
            for name, frame in sheets.items():
                frame.to_excel(xw, sheet_name=name, index=False)
        return path
    return build


TX = "transaction_id;customer_id;purchase_date;amount\n"
TXC = "transaction_id,customer_id,purchase_date,amount\n"
CU = "customer_id,customer_kind,name,signup_date\n"


def tx(amounts: list[str], sep: str = ";") -> Callable[[Path], Path]:
    head = TX if sep == ";" else TXC
    rows = "".join(f"T{i}{sep}C{i}{sep}2024-01-0{i % 9 + 1}{sep}{a}\n"
                   for i, a in enumerate(amounts, 1))
    return text(head + rows)


def tx_dates(dates: list[str]) -> Callable[[Path], Path]:
    return text(TXC + "".join(f"T{i},C{i},{d},5\n" for i, d in enumerate(dates, 1)))


def tx_ids(ids: list[str]) -> Callable[[Path], Path]:
    return text(TXC + "".join(f"T{i},{c},2024-01-02,5\n" for i, c in enumerate(ids, 1)))


LATIN = CU + "C1,individual,Zoë Müller,2024-01-01\nC2,individual,François Ça,2024-01-02\n"
GBK = "客户编号,客户类别,客户名称,建档日期\nC1,individual,张三,2024-01-01\nC2,individual,李四,2024-01-02\n"
D = "2024-01-02"
BIG = "x" * 200_000

CASES: list[tuple[str, Callable[[Path], Path], str, dict[str, Any], Any]] = [
    # 1. decimal commas
    ("decimal comma with thousands dot", tx(["1.234,56", "12,5"]), "transactions", {},
     Value("amount", [1234.56, 12.5], "decimal comma")),
    ("decimal comma two places", tx(["12,50", "3,99"]), "transactions", {},
     Value("amount", [12.5, 3.99])),
    ("decimal comma one value settles the column", tx(["1.500", "2,5"]), "transactions", {},
     Value("amount", [1500.0, 2.5])),
    ("millions with dots", tx(["1.234.567", "5"]), "transactions", {},
     Value("amount", [1234567.0, 5.0])),
    ("decimal point with thousands comma", tx(['"1,234.56"', "12.5"], ","), "transactions", {},
     Value("amount", [1234.56, 12.5])),
    ("unquoted thousands comma shifts the cells", tx(["1,234.56", "12.5"], ","),
     "transactions", {}, error("more fields than the header", "Rows: 2")),
    ("decimal point in a ; file", tx(["12.5", "3.25"]), "transactions", {},
     Value("amount", [12.5, 3.25])),
    ("zero comma", tx(["0,125", "7"]), "transactions", {}, Value("amount", [0.125, 7.0])),
    ("currency sign and decimal comma", tx(["€ 1.234,50", "¥12,5"]), "transactions", {},
     Value("amount", [1234.5, 12.5])),
    ("negative in brackets with decimal comma", tx(["(12,5)", "3,5"]), "transactions", {},
     Value("amount", [-12.5, 3.5])),
    ("mapping says decimal comma", tx(["1,500", "2,250"]), "transactions",
     {"mapping": {"read": {"decimal": ","}, "columns": {}}}, Value("amount", [1.5, 2.25])),
    ("mapping says decimal point", tx(["1,500", "2,250"]), "transactions",
     {"mapping": {"read": {"decimal": "."}, "columns": {}}}, Value("amount", [1500.0, 2250.0])),
    ("mapping says thousands dot", tx(["1.500", "2.250"]), "transactions",
     {"mapping": {"read": {"thousands": "."}, "columns": {}}}, Value("amount", [1500.0, 2250.0])),
    ("ambiguous 1,500 in a ; file", tx(["1,500", "2,250"]), "transactions", {},
     Warn("ambiguous_decimal", "decimal comma", "amount", [1.5, 2.25])),
    ("ambiguous 1.500 in a ; file", tx(["1.500", "2.250"]), "transactions", {},
     Warn("ambiguous_decimal", "read: {decimal: '.'}", "amount", [1500.0, 2250.0])),
    ("thousands comma in a , file is not ambiguous", tx(['"1,500"', '"2,250"'], ","),
     "transactions", {}, Value("amount", [1500.0, 2250.0])),
    ("mixed conventions: the odd one out is refused", tx(["1,234.5", "3.5", "12,5"]),
     "transactions", {}, error("amount", "cannot be read as numbers", "12,5")),
    # 2. encodings
    ("latin-1 is not read as GBK", text(LATIN, "latin-1"), "customers", {},
     Value("name", ["Zoë Müller", "François Ça"])),
    ("cp1252 with euro sign", text(CU + "C1,individual,René €,2024-01-01\n", "cp1252"),
     "customers", {}, Value("name", ["René €"])),
    ("gbk export", text(GBK, "gbk"), "customers", {}, Value("name", ["张三", "李四"])),
    ("gb18030 export", text(GBK.replace("张三", "王喆"), "gb18030"), "customers", {},
     Value("name", ["王喆", "李四"])),
    ("utf-8 with BOM", text(GBK, "utf-8-sig"), "customers", {}, Value("name", ["张三", "李四"])),
    ("utf-16 text", text(GBK, "utf-16"), "customers", {}, Value("name", ["张三", "李四"])),
    ("shift-jis: readings disagree, refuse", text(CU + "C1,individual,山田太郎,2024-01-01\n",
                                                  "shift_jis"), "customers", {},
     error("encoding is unclear", "encoding=")),
    ("given encoding that does not decode", text(GBK, "gbk"), "customers", {"encoding": "utf-8"},
     error("cannot be read as 'utf-8'", "encoding")),
    # 3. file structure
    ("duplicate column names", text("customer_id,name,name,customer_kind,signup_date\n"
                                    "C1,A,B,individual,2024-01-01\n"), "customers", {},
     error("more than once", "'name'", "columns 2, 3")),
    ("row with more fields than the header", text(CU + f"C1,individual,A,{D}\n"
                                                  f"C2,individual,B,1,234,{D}\n"),
     "customers", {}, error("more fields than the header", "Rows: 3")),
    ("wide row far down the file", text(CU + f"C1,individual,A,{D}\n" * 70
                                        + f"C2,individual,B,{D},x,y\n"), "customers", {},
     error("row 72", "more fields than the header")),
    ("truncated csv.gz", gz(CU + f"C1,individual,A,{D}\n" * 200, cut=60), "customers", {},
     error("damaged or incomplete", "x.csv.gz")),
    ("not gzip at all", raw_bytes(b"plain text", "x.csv.gz"), "customers", {},
     error("damaged or incomplete")),
    ("field over the csv limit", text(CU + f'C1,individual,"{BIG},{D}\n'), "customers", {},
     error("quote")),
    ("unclosed quote", text(CU + f'C1,individual,"A,{D}\nC2,individual,B,{D}\n'),
     "customers", {}, error("quote")),
    # 4. IDs mangled by Excel
    ("IDs in scientific notation", tx_ids(["4.40106E+17", "1.23457E+11", "C9"]),
     "transactions", {}, error("scientific notation", "4.40106E+17", "cannot be recovered")),
    ("IDs ending in .0 are repaired", tx_ids(["17850.0", "13047.0"]), "transactions", {},
     Value("customer_id", ["17850", "13047"], "'.0' was removed")),
    ("text IDs unchanged", tx_ids(["C1", "C2"]), "transactions", {},
     Value("customer_id", ["C1", "C2"])),
    # 5. non-finite and implausible numbers, dates out of range, future dates
    ("inf amount", tx(["inf", "5"], ","), "transactions", {}, error("not finite", "inf")),
    ("-inf amount", tx(["-inf", "5"], ","), "transactions", {}, error("not finite")),
    ("NaN text amount", tx(["NaN", "5"], ","), "transactions", {}, error("not finite", "NaN")),
    ("1e308 amount", tx(["1e308", "5"], ","), "transactions", {},
     Warn("implausible_number", "1e+12 or more", "amount", [1e308, 5.0])),
    ("9999-12-31 date", tx_dates(["9999-12-31", D]), "transactions", {},
     error("outside the years 1678-2261", "9999-12-31")),
    ("0001-01-01 date", tx_dates(["0001-01-01", D]), "transactions", {},
     error("outside the years", "0001-01-01")),
    ("future date beyond the as-of", tx_dates(["2099-01-01", D]), "transactions",
     {"as_of": "2024-06-30"}, Warn("future_dates", "do not move the as-of date")),
    ("dates within the margin", tx_dates(["2024-07-15", D]), "transactions",
     {"as_of": "2024-06-30"}, Value("purchase_date", [pd.Timestamp("2024-07-15"),
                                                      pd.Timestamp(D)])),
    # 6. day/month order
    ("every date fits both orders", tx_dates(["03/04/2023", "05/06/2023"]), "transactions", {},
     Warn("ambiguous_date_order", "formats:", "purchase_date",
          [pd.Timestamp("2023-03-04"), pd.Timestamp("2023-05-06")])),
    ("one value settles day-first", tx_dates(["03/04/2023", "25/04/2023"]), "transactions", {},
     Value("purchase_date", [pd.Timestamp("2023-04-03"), pd.Timestamp("2023-04-25")],
           "day-first")),
    ("one value settles month-first", tx_dates(["03/04/2023", "04/25/2023"]), "transactions",
     {}, Value("purchase_date", [pd.Timestamp("2023-03-04"), pd.Timestamp("2023-04-25")],
               "month-first")),
    ("formats in the mapping settle it", tx_dates(["03/04/2023", "05/06/2023"]),
     "transactions", {"mapping": {"formats": {"purchase_date": "%d/%m/%Y"}, "columns": {}}},
     Value("purchase_date", [pd.Timestamp("2023-04-03"), pd.Timestamp("2023-06-05")])),
    # 7. Excel sheets
    ("several sheets with data, no sheet=",
     excel({"Orders": pd.DataFrame({"customer_id": ["C1"], "customer_kind": ["individual"],
                                    "name": ["A"], "signup_date": [D]}),
            "Notes": pd.DataFrame({"x": ["y"]})}), "customers", {},
     Warn("several_sheets", "'Notes'")),
    ("the sheet named is read",
     excel({"Notes": pd.DataFrame({"x": ["y"]}),
            "Customers": pd.DataFrame({"customer_id": ["C1"], "customer_kind": ["individual"],
                                       "name": ["A"], "signup_date": [D]})}), "customers",
     {"sheet": "Customers"}, Value("name", ["A"])),
]


@pytest.mark.parametrize(("builder", "table", "kwargs", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gallery(tmp_path, builder, table, kwargs, expected):
    run_case(builder(tmp_path), table, kwargs, expected)


def run_case(path: Path, table: str, kwargs: dict[str, Any], expected: Any) -> None:
    """Load ``path`` as the case says, check the outcome, and that the file is unchanged."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        _check(path, table, kwargs, expected)
    finally:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "input file modified"


def _check(path: Path, table: str, kwargs: dict[str, Any], expected: Any) -> None:
    if isinstance(expected, Error):
        with pytest.raises(DataProblem) as err:
            load_table(path, table, **kwargs)
        for part in expected.texts:
            assert part in str(err.value), f"{part!r} not in:\n{err.value}"
        assert str(path.name) in str(err.value)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame, report = load_table(path, table, return_report=True, **kwargs)
    ours = [w for w in caught if issubclass(w.category, LoadWarning)]
    if isinstance(expected, Value):
        assert not ours, [str(w.message) for w in ours]
        assert frame[expected.column].tolist() == expected.values
        if expected.note:
            assert any(expected.note in n for n in report.notes), report.notes
        if path.suffix == ".xlsx":
            assert report.sheet == kwargs.get("sheet") and report.other_sheets
        return
    assert len(ours) == 1 and expected.text in str(ours[0].message), [str(w.message) for w in ours]
    assert [c.kind for c in report.warnings] == [expected.kind]
    assert any(expected.text in n for n in report.notes)
    if expected.column is not None:
        assert frame[expected.column].tolist() == expected.values
    with warnings.catch_warnings():
        warnings.simplefilter("error", LoadWarning)  # accepted: no warning, still noted
        _, accepted = load_table(path, table, return_report=True, accept=[expected.kind], **kwargs)
    assert any(n.startswith("warning (accepted)") for n in accepted.notes)


def test_gallery_is_large_enough():
    assert len(CASES) >= 40
