"""The loader's quicker checks give exactly what the slower ones they replace gave.

- :func:`~helpers.data._textbytes.iso_layout` checks every byte of a chunk in one comparison
  over pieces of ``_TILED_ROWS`` values (it had one strided pass per position);
- :func:`~helpers.data._textbytes.plain_if_numbers` finds a point without a digit on each side
  with shifted masks (it gathered each point's neighbours);
- yes/no cells are looked up once among both kinds of words (they were looked up twice);
- :func:`~helpers.data._coerce._already_clean` asks the bytes whether a column is ASCII and
  which values are short enough to be a missing token (it asked Arrow value by value);
- in two lanes the key's repeats are found in the key's lane (they were found after both);
- :func:`~helpers.data._read.find_header` counts filled cells over plain tuples (it made a
  Series of each row).

Each is compared with the old way on tricky and random values, and whole loads with every
shortcut on and off (the careful path) give the same table, report, warnings and errors: a
large file (two lanes), one bad date or amount deep in it, a GBK file with Chinese headers, and
Chinese headers named by a mapping.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import helpers.data._coerce as coerce_module
import helpers.data._validate as validate_module
from helpers.data import load_table
from helpers.data._coerce import _ISO_DATE, _LONGEST_MISSING, _MISSING_ARROW, _already_clean
from helpers.data._columns import known_headers
from helpers.data._read import find_header
from helpers.data._textbytes import _TILED_ROWS, all_ascii, iso_layout, short_values
from helpers.data._typed import _FALSE, _TRUE, _bools, _empty
from helpers.data.mapping import header_key
from helpers.errors import DataProblem
from helpers.tables import TABLES


def _regex_iso(values: list[str]) -> bool:
    return bool(pc.all(pc.match_substring_regex(pa.array(values), f"^(?:{_ISO_DATE})$")).as_py())


def _of_one_width(data: np.ndarray, width: int) -> pa.Array:
    """Values of ``width`` bytes back to back in ``data``, as one Arrow text array."""
    n = len(data) // width
    offsets = (np.arange(n + 1) * width).astype(np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))


@pytest.mark.parametrize("good", ["2024-03-05", "2024-03-05 10:00", "2024-03-05T10:00:09"])
def test_iso_layout_over_several_tiled_pieces_is_the_regex(good):
    w, n = len(good), 2 * _TILED_ROWS + 7  # three pieces, the last a short one
    data = np.frombuffer((good * n).encode(), dtype=np.uint8).copy()
    assert iso_layout(_of_one_width(data, w))
    for at in (0, _TILED_ROWS - 1, _TILED_ROWS, 2 * _TILED_ROWS + 1, n - 1):
        for pos in range(w):
            for byte in "x/5: T-\x7f":
                odd = good[:pos] + byte + good[pos + 1:]
                changed = data.copy()
                changed[at * w + pos] = ord(byte)
                assert iso_layout(_of_one_width(changed, w)) == _regex_iso([good, odd]), (at, odd)
    if w > 10:  # a space and a T between date and time, mixed: both ISO
        mixed = data.reshape(n, w).copy()
        mixed[::3, 10] = ord("T" if good[10] == " " else " ")
        assert iso_layout(_of_one_width(mixed.ravel(), w))


def _bools_before(a: pa.ChunkedArray, empty: np.ndarray) -> tuple[bool, np.ndarray] | None:
    """The yes/no test as it was: each cell looked up among the yes words, then the no words."""
    yes = pc.is_in(a, _TRUE)
    good = pc.fill_null(pc.or_(yes, pc.is_in(a, _FALSE)), False)
    if not pc.all(pc.or_(good, pa.array(empty))).as_py():
        return None
    return True, np.asarray(yes.to_numpy(zero_copy_only=False), dtype=bool)


def test_yes_no_in_one_lookup_is_the_two_lookups():
    assert not set(_TRUE.to_pylist()) & set(_FALSE.to_pylist())  # no word is both
    nothing = pa.chunked_array([], pa.string())
    assert _bools(pd.Series([], dtype=object), nothing, np.zeros(0, bool)) is None
    assert _bools_before(nothing, np.zeros(0, bool)) is None
    words = _TRUE.to_pylist() + _FALSE.to_pylist() + ["", None, "maybe", "TRue", " y", "是"]
    rng = np.random.default_rng(2)
    for _ in range(300):
        cells = list(rng.choice(np.array(words, dtype=object), int(rng.integers(1, 12))))
        a = pa.chunked_array([pa.array(cells[:3], pa.string()), pa.array(cells[3:], pa.string())])
        empty = _empty(a)
        now, before = _bools(pd.Series(range(len(cells))), a, empty), _bools_before(a, empty)
        assert (now is None) == (before is None), cells
        if now is not None and before is not None:
            assert now.fillna(False).to_numpy(bool).tolist() == before[1].tolist(), cells
            assert now.isna().to_numpy().tolist() == empty.tolist()


def _already_clean_before(s: pd.Series) -> bool:
    """:func:`_already_clean` as it was: ASCII and lengths asked of Arrow, value by value."""
    a = pa.chunked_array([pa.array(s.array)])
    if pc.all(pc.string_is_ascii(a)).as_py() is False or pc.all(
            pc.equal(pc.utf8_trim_whitespace(a), a)).as_py() is False:
        return False
    for chunk in a.chunks:
        short = pc.less_equal(pc.utf8_length(chunk), _LONGEST_MISSING)
        if pc.any(short).as_py() and pc.any(pc.is_in(pc.ascii_lower(pc.filter(chunk, short)),
                                                     _MISSING_ARROW)).as_py():
            return False
    return True


def test_already_clean_by_bytes_is_the_check_value_by_value():
    words = ["C1", "T123456", "store", "NA", "na", "N/A", "#N/A", "-", "--", "null", "None",
             "nan", "none1", "", None, " x", "x ", "无", "空", "Ａ1", "é", "—", "abcd", "abcde"]
    rng = np.random.default_rng(4)
    for _ in range(400):
        cells = list(rng.choice(np.array(words, dtype=object), int(rng.integers(1, 10))))
        if rng.random() < 0.5:  # most cells plain, as in real columns
            cells = ["C1"] * int(rng.integers(0, 20)) + cells[:1]
        a = pa.chunked_array([pa.array(cells[:2], pa.large_string()),
                              pa.array(cells[2:], pa.large_string())])
        s = pd.Series(pd.StringDtype("pyarrow", na_value=np.nan).__from_arrow__(a))
        assert _already_clean(s) == _already_clean_before(s), cells
        assert all_ascii(a) <= bool(pc.all(pc.string_is_ascii(a)).as_py() is not False)
        short = [v for chunk in short_values(a, 2) for v in chunk.to_pylist()]
        assert [v for v in short if v is not None] == [
            v for v in cells if v is not None and len(v.encode()) <= 2]


def _find_header_before(grid: pd.DataFrame, known) -> int:
    """:func:`find_header` as it was: filled cells counted on a Series made of each row."""
    head = grid.head(20)
    if len(head) == 0:
        return 0
    filled = head.apply(lambda r: r.map(lambda v: v is not None and str(v).strip() != ""
                                        and not (isinstance(v, float) and np.isnan(v))).sum(),
                        axis=1).to_numpy()
    scores = [sum(header_key(v) in known for v in row if isinstance(v, str)) for row in
              head.itertuples(index=False)]
    if max(scores) > 0:
        return int(np.argmax(scores))
    return int(np.flatnonzero(filled >= filled.max())[0])


def test_find_header_over_tuples_is_the_count_over_row_series():
    known = known_headers(TABLES["transactions"], {})
    cells = ["", " ", None, np.nan, 0, 1.5, "x", "amount", "金额", "Sales 2024", pd.NA,
             pd.Timestamp("2024-01-01"), "\u3000"]
    rng = np.random.default_rng(6)
    for _ in range(300):
        rows, cols = int(rng.integers(1, 25)), int(rng.integers(1, 5))
        grid = pd.DataFrame(rng.choice(np.array(cells, dtype=object), (rows, cols)))
        if rng.random() < 0.3:  # typed columns, as a workbook gives them
            grid[0] = rng.integers(0, 9, rows)
        assert find_header(grid, known) == _find_header_before(grid, known), grid
    narrow = pd.DataFrame({0: pd.Series(["Sales", "amount", "1"], dtype=pd.ArrowDtype(pa.string()))})
    assert find_header(narrow, known) == _find_header_before(narrow, known) == 1


# --------------------------------------------------------------------------------------------
# whole loads: every shortcut on, and every shortcut off (the careful path)

N_ROWS = 120_000  # two lanes (helpers.data._validate.LANES_ROWS)
HEADER = ["transaction_id", "customer_id", "purchase_date", "amount", "sales_channel",
          "is_return"]


def _rows(n: int = N_ROWS) -> list[list[str]]:
    rng = np.random.default_rng(8)
    secs = rng.integers(0, 3 * 365 * 86400, n)
    when = (np.datetime64("2023-01-01T00:00:00") + secs.astype("timedelta64[s]")).astype(str)
    amounts = np.round(rng.lognormal(4, 1, n), 2)
    return [[f"T{i}", f"C{i % 9973}", str(when[i]).replace("T", " "), f"{amounts[i]:.2f}",
             ["store", "online", "phone"][i % 3], ["false", "true"][i % 50 == 0]]
            for i in range(n)]


def _write(path, header, rows, encoding="utf-8"):
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding=encoding)
    return path


def _load(path, careful: bool, monkeypatch, **kw):
    """The table, report and warnings (or the DataProblem), every shortcut on or off."""
    with monkeypatch.context() as m:
        if careful:
            m.setattr(validate_module, "typed_column", lambda *a, **k: None)
            m.setattr(coerce_module, "_already_clean", lambda s: False)
            m.setattr(validate_module, "LANES_ROWS", (0, 0))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = load_table(path, "transactions", return_report=True, **kw)
            except DataProblem as exc:
                out = exc
    return out, [str(w.message) for w in caught]


def _same_either_way(path, monkeypatch, **kw):
    (now, warned_now), (before, warned_before) = (_load(path, c, monkeypatch, **kw)
                                                  for c in (False, True))
    assert warned_now == warned_before
    if isinstance(before, DataProblem):
        assert isinstance(now, DataProblem), now
        assert str(now) == str(before) and now.problems == before.problems
        return now
    assert not isinstance(now, DataProblem), now
    pdt.assert_frame_equal(now.frame, before.frame)
    assert str(now.report) == str(before.report) and now.report.notes == before.report.notes
    return now


def test_a_large_good_file_loads_the_same_either_way(tmp_path, monkeypatch):
    rows = _rows()
    rows[500][0] = rows[400][0]  # one repeated key: found in the key's lane
    loaded = _same_either_way(_write(tmp_path / "tx.csv", HEADER, rows), monkeypatch,
                              on_invalid="drop")
    assert len(loaded.frame) == N_ROWS - 1


@pytest.mark.parametrize(("column", "bad"), [(2, "2024-02-30 10:00:00"), (2, "2024-03-05 10"),
                                             (3, "12.3x"), (3, "1e5"), (3, " 12.5")])
def test_one_odd_value_deep_in_a_large_file_is_treated_the_same_either_way(
        tmp_path, monkeypatch, column, bad):
    rows = _rows()
    rows[100_000][column] = bad  # file row 100,002
    out = _same_either_way(_write(tmp_path / "tx.csv", HEADER, rows), monkeypatch)
    if bad in ("2024-02-30 10:00:00", "12.3x"):
        assert isinstance(out, DataProblem)
        assert out.problems[0].column == HEADER[column] and out.problems[0].rows == [100_002]


def test_a_gbk_file_with_chinese_headers_loads_the_same_either_way(tmp_path, monkeypatch):
    t = TABLES["transactions"]
    header = [t.column(c).zh for c in HEADER]
    rows = _rows()
    rows[7][1] = "客户７"  # a full-width digit: cleaned the careful way
    path = _write(tmp_path / "tx_gbk.csv", header, rows, encoding="gbk")
    loaded = _same_either_way(path, monkeypatch)
    assert loaded.report.encoding not in ("utf-8", "utf-8-sig")
    assert loaded.frame.loc[7, "customer_id"] == "客户7"


def test_chinese_headers_named_by_a_mapping_load_the_same_either_way(tmp_path, monkeypatch):
    names = ["交易号", "顾客", "时间", "金额（元）", "渠道", "退货"]
    mapping = {"columns": dict(zip(names, HEADER, strict=True))}
    path = _write(tmp_path / "tx_zh.csv", names, _rows())
    loaded = _same_either_way(path, monkeypatch, mapping=mapping)
    assert list(loaded.frame.columns[:2]) == ["transaction_id", "customer_id"]
