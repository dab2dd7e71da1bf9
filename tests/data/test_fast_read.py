"""The loader's fast path (pyarrow reads, vectorised checks): same result, problems named exactly.

Every file here is large enough (200k rows) that a mistake in row numbering or in a shortcut
taken for "clean" columns would show, and small enough to stay cheap. The careful path is forced
by giving ``encoding="utf-8"`` (the fast path only runs when the encoding is detected).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from helpers.data import _coerce as _c
from helpers.data import load_table
from helpers.data._fast_read import arrow_grid, first_lines, head_bytes, may_quote_newlines
from helpers.data._read import blank_cells, read_grid
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


# --------------------------------------------------------------------------------------------
# the shortcuts of issue 11 item 5: the same frame as the careful path, on tricky inputs

_TRICKY = {
    "spelled_out": ("customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"
                    "C1,T1,2024-01-02,NaN,false,store\nC2,T2,2024-01-03,inf,false,store\n"
                    "C3,T3,2024-01-04,-Infinity,false,store\nC4,T4,2024-01-05,12.5,false,store\n"),
    "thousands": ("customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"
                  'C1,T1,2024-01-02,"1,234.5",false,store\nC2,T2,2024-01-03,12.50,false,online\n'
                  'C3,T3,2024-01-04,"2,000",true,phone\n'),
    "decimal_comma": ("customer_id;transaction_id;purchase_date;amount;is_return;sales_channel\n"
                      "C1;T1;2024-01-02;1.234,5;false;store\nC2;T2;2024-01-03;12,5;false;store\n"
                      "C3;T3;2024-01-04;7;false;store\nC4;T4;2024-01-05;1.500;false;store\n"),
    "leading_zeros": ("customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"
                      "007,0001,2024-01-02,010,false,store\n0,0002,2024-01-03,0.50,false,store\n"),
    "missing_tokens": ("customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"
                       "C1,T1,2024-01-02,,false,store\nC2,T2,NULL,5,false,store\n"
                       "C3,T3,2024-01-04,null,N/A,store\nC4,T4,2024-01-05,-,false,\n"
                       "C5,T5,2024-01-06, ,false,store\nC6,T6,2024-01-07,8,NULL,None\n"
                       "C7,T7,2024-01-08,9,无,--\n"),
    "quoted_newline": ("customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"
                       'C1,T1,2024-01-02,5,false,"sto\nre"\nC2,T2,2024-01-03,bad,false,store\n'
                       "C3,T3,2024-01-04,6,false,store\n"),
    "bom_crlf": ("\ufeffcustomer_id,transaction_id,purchase_date,amount,is_return,sales_channel"
                 "\r\nC1,T1,2024-01-02,5,false,store\r\nC2,T2,2024-01-03,6.25,true,online\r\n"),
    "no_such_day": ("customer_id,transaction_id,purchase_date,amount,is_return,sales_channel\n"
                    "C1,T1,2024-02-30,5,false,store\nC2,T2,2024-02-29 10:00:00,6,false,store\n"
                    "C3,T3,9999-12-31,7,false,store\n"),
    "quoted_header": ('"customer_id","transaction_id","purchase_date","amount","is_return",'
                      '"sales_channel"\nC1,T1,03/04/2024,5,false,store\n'
                      "C2,T2,25/04/2024,6,false,store\n"),
}


@pytest.mark.parametrize("name", sorted(_TRICKY))
def test_fast_path_gives_the_careful_paths_frame_on_tricky_files(tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(_TRICKY[name].encode("utf-8"))
    fast, fr = load_table(path, "transactions", on_invalid="drop", return_report=True)
    careful, cr = load_table(path, "transactions", on_invalid="drop", encoding="utf-8",
                             return_report=True)
    pdt.assert_frame_equal(fast, careful)
    assert [(p.kind, p.column, p.rows) for p in fr.problems] == [
        (p.kind, p.column, p.rows) for p in cr.problems]
    assert fr.notes == cr.notes and fr.dropped_rows == cr.dropped_rows
    assert fr.encoding in ("utf-8", "utf-8-sig")  # it really was the fast reader


def test_tricky_files_read_as_the_loaders_rules_say(tmp_path):
    def load(name):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(_TRICKY[name].encode("utf-8"))
        return load_table(path, "transactions", on_invalid="drop", return_report=True)

    df, report = load("spelled_out")
    assert {p.kind: p.rows for p in report.problems} == {"non_finite": [2, 3, 4]}
    assert df["amount"].tolist() == [12.5]
    df, _ = load("thousands")
    assert df["amount"].tolist() == [1234.5, 12.5, 2000.0]
    df, _ = load("decimal_comma")
    assert df["amount"].tolist() == [1234.5, 12.5, 7.0, 1500.0]
    df, _ = load("leading_zeros")
    assert df["customer_id"].tolist() == ["007", "0"]  # IDs stay text
    assert df["transaction_id"].tolist() == ["0001", "0002"] and df["amount"].tolist() == [10, .5]
    df, report = load("missing_tokens")
    assert {(p.kind, p.column): p.rows for p in report.problems} == {
        ("missing_value", "amount"): [2, 4, 5, 6],  # "", null, "-" and " ": no amount
        ("missing_value", "purchase_date"): [3]}    # NULL
    assert df["customer_id"].tolist() == ["C6", "C7"] and df["amount"].tolist() == [8, 9]
    assert df["is_return"].isna().all() and df["sales_channel"].isna().all()
    df, report = load("quoted_newline")
    # rows are records, as the careful reader counts them: the quoted break starts no row
    assert {p.kind: p.rows for p in report.problems} == {"unparseable": [3], "not_allowed": [2]}
    df, _ = load("bom_crlf")
    assert df["customer_id"].tolist() == ["C1", "C2"] and df["amount"].tolist() == [5, 6.25]
    df, report = load("no_such_day")
    assert {p.kind: p.rows for p in report.problems} == {"unparseable": [2],
                                                         "out_of_range": [4]}
    assert df["purchase_date"].tolist() == [pd.Timestamp("2024-02-29 10:00")]
    df, _ = load("quoted_header")
    assert df["purchase_date"].dt.month.tolist() == [4, 4]  # day-first: 25/04 settles it


def test_quote_scan_says_when_rows_can_be_split_without_looking_into_quotes(tmp_path):
    def scan(data: bytes, name: str = "x.csv") -> bool:
        path = tmp_path / name
        path.write_bytes(data)
        return may_quote_newlines(str(path), chunk=8)  # tiny chunks: the loop is exercised

    assert scan(b"a,b\n1,2\n3,4\n") is False
    assert scan(b'"a","b"\r\n1,2\r\n3,4\r\n') is False   # a quoted header (pyarrow writes it)
    assert scan(b"a,b\n1,2\n3,4\n" * 5 + b'5,"x\ny"\n') is True  # a quote far below the header
    assert scan(b'"a,b\n1",2\n') is True                 # a quote opened in line 1, not closed
    assert scan(b"a,b\r1,2\r3,4") is False               # old Mac line ends
    assert scan(b"a,b") is True                          # one line: let pyarrow look
    assert scan(b"a,b\n1,2\n", "x.csv.gz") is True       # compressed: cannot scan the bytes
    assert may_quote_newlines(tmp_path / "missing.csv") is True


def _old_convention(s: pd.Series, sep: str | None = None) -> tuple[str, str, int]:
    """``number_convention`` as it was before the shortcut (regexes over every value)."""
    a = pa.chunked_array([pa.array(s.astype("string[pyarrow]").array)])
    plain = pc.fill_null(pc.match_substring_regex(a, f"^(?:{_c._PLAIN_NUMBER})$"), False)
    pts = pc.filter(a, plain)
    n_point = pc.count_distinct(pc.filter(pts, pc.match_substring_regex(
        pts, f"^(?:{_c.POINT_EVIDENCE})$"))).as_py()
    ambiguous = sep == ";" and bool(pc.any(pc.match_substring_regex(
        pts, f"^(?:{_c._AMBIGUOUS})$")).as_py())
    rest = s[~plain.to_numpy(zero_copy_only=False).astype(bool)]
    t = _c._number_text(pd.Series(pd.unique(rest.dropna()), dtype="string[pyarrow]"))
    n_comma = int(t.str.fullmatch(_c.COMMA_EVIDENCE).fillna(False).sum())
    n_point += int(t.str.fullmatch(_c.POINT_EVIDENCE).fillna(False).sum())
    if n_comma or n_point:
        comma = n_comma > n_point or (n_comma == n_point and sep == ";")
        return ("," if comma else "."), "values", min(n_comma, n_point)
    if sep == ";" and (ambiguous or bool(t.str.fullmatch(_c._AMBIGUOUS).fillna(False).any())):
        return ",", "assumed", 0
    return ".", "plain", 0


def test_vectorised_shortcuts_agree_with_the_regexes_they_replace():
    rng = np.random.default_rng(11)
    alphabet = list("0123456789") * 3 + list(".,+-eE ¥秒１") + ["\u3000", "\n", "\t"]
    texts = ["".join(rng.choice(alphabet, rng.integers(0, 9))) for _ in range(20_000)]
    texts += ["0.5", "-0.123", "+0.1", "1.234", "12.345", "1234.567", "00.123", "1.2345", "5",
              "2024-01-01", "12/03/2024", "20240305", "2024年3月5日 10时3分5秒", "", " ", "\u3000"]
    a = pa.chunked_array([pa.array(texts + [None])])
    plain = pc.fill_null(pc.match_substring_regex(a, f"^(?:{_c._PLAIN_NUMBER})$"), False)
    pts = pc.filter(a, plain)
    assert pc.sum(plain).as_py() > 1000  # the sample has plain numbers of every shape
    assert _c._plain_point_evidence(pts).to_pylist() == pc.match_substring_regex(
        pts, f"^(?:{_c.POINT_EVIDENCE})$").to_pylist()
    for i in range(0, len(texts), 7):  # small columns: some all 3-digit starts, some not
        chunk = pa.chunked_array([pa.array(texts[i:i + 3])])
        assert _c._start_with_3_digits(chunk) == _c._all_match(chunk, "\\d{3}[^秒]*")
    grid = pd.DataFrame({0: pd.Series(texts, dtype="string[pyarrow]")})
    old = pc.or_kleene(pc.is_null(a), pc.equal(pc.utf8_trim_whitespace(a), "")).to_pylist()
    assert blank_cells(grid)[0].tolist() == old[:-1]
    for col in (texts[:50], ["12.50", "7", "0.25"], ["1.234", "1,500"], ["1.234,5", "12,5", "7"],
                ["1,234.5", "2.5", "3,5"], ["1.500", "2.000"], ["na", "5"]):
        s = pd.Series(col, dtype="string[pyarrow]")
        for sep in (None, ";"):
            assert _c.number_convention(s, sep) == _old_convention(s, sep), (col, sep)


def test_plain_mask_passed_on_gives_the_same_numbers():
    s = pd.Series(["12.50", "1,234.5", "7", "abc", None, "0.125", "(5)"],
                  dtype="string[pyarrow]")
    decimal, _, _, plain = _c.convention_and_plain(s, None, _c.plain_numbers(s))
    assert plain is not None and plain.tolist() == [True, False, True, False, False, True, False]
    given = _c.parse_numbers(s, _clean=False, decimal=decimal, _plain=plain)
    pdt.assert_series_equal(given, _c.parse_numbers(s))
    assert given.tolist()[:3] == [12.5, 1234.5, 7.0] and given.isna().tolist()[3:5] == [True] * 2
    wrong_length = _c.parse_numbers(s, _clean=False, decimal=".", _plain=plain[:2])
    pdt.assert_series_equal(wrong_length, given)  # a mask of another column is not used
