"""The typed shortcut (``helpers.data._typed``) gives what the careful path gives, on any column.

Each column is validated twice: the way the loader does it now (:func:`_check_column`: the typed
shortcut when every cell is plainly a number, ISO date or yes/no, on narrow Arrow text as the
fast reader hands it), and the careful way it took before (widened text, cleaned, judged and
read value by value). Values, problems (rows, values shown, counts, messages), notes, cautions
and invalid rows must be the same, on tricky values and on random ones.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from helpers.caveats import Caveat
from helpers.data._blanks import blank_cells, blank_columns, blank_rows, filled_beyond
from helpers.data._coerce import _ISO_DATE, cleaned_column
from helpers.data._textbytes import ends_are_not_space, iso_layout, no_value_contains
from helpers.data._typed import typed_column, widened
from helpers.data._validate import ReadHints, _check_column, validate_column
from helpers.tables import TABLES

AMOUNT = TABLES["transactions"].column("amount")        # float
QUANTITY = TABLES["transactions"].column("quantity")    # int, optional
DISCOUNT = TABLES["transactions"].column("discount")    # float, minimum 0, optional
WHEN = TABLES["transactions"].column("purchase_date")   # datetime, required
SIGNUP = TABLES["customers"].column("signup_date")      # date
RETURN = TABLES["transactions"].column("is_return")     # bool, optional


def _narrow(values: list[str | None]) -> pd.Series:
    return pd.Series(pa.chunked_array([pa.array(values[:2], pa.string()),
                                       pa.array(values[2:], pa.string())]),
                     dtype=pd.ArrowDtype(pa.string()), name="col")


def _both(values, c, hints=None, fmt=None, recode=None):
    """The column checked now (shortcut where it applies) and the careful way, as before."""
    hints = hints or ReadHints()
    rows = pd.Series(np.arange(len(values)) + 2)
    frame = pd.DataFrame({c.name: _narrow(values)})
    now = _check_column(frame, c, rows, "col", recode, fmt, hints)
    wide = widened(frame[c.name])
    before = validate_column(wide, cleaned_column(wide, recode), c, rows, "col", fmt, hints)
    return now, before


def _same(values, c, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Caveat)  # time-zone offsets (tests/data/test_time_zones.py)
        now, before = _both(values, c, **kw)
    pdt.assert_series_equal(now.values, before.values, check_names=False)
    assert now.problems == before.problems
    assert (now.notes, now.cautions) == (before.notes, before.cautions)
    assert now.invalid.tolist() == before.invalid.tolist()
    return now


_NUMBER_ODDITIES = ["", " 5", "5 ", "1e5", "1E-3", "inf", "-inf", "nan", "NaN", "1,234.5",
                    "12,5", "¥12", "(5)", "1.", ".5", "-", "--", "na", "null", "１２", "1.234",
                    "+4", "-0", "007", "0.50", "99999999999999999999999", "1" + "0" * 400,
                    "0.12345678901234567891", "2.5", "-5.00", "12.3x", "\u3000", "5\n"]


@pytest.mark.parametrize("odd", _NUMBER_ODDITIES)
@pytest.mark.parametrize("column", [AMOUNT, QUANTITY, DISCOUNT], ids=lambda c: c.name)
def test_numbers_with_one_odd_value(odd, column):
    _same(["12.5", "7", odd, "-3", "1234.56"], column)
    _same(["12", odd, "", "4"], column)


@pytest.mark.parametrize("sep", [",", ";", None])
def test_numbers_and_the_files_delimiter(sep):
    for values in (["1.234", "1.500", "2.000"], ["12.5", "7", "1234.56"], ["", ""], ["5"]):
        _same(values, AMOUNT, hints=ReadHints(sep=sep))
    _same(["1.234", "7"], AMOUNT, hints=ReadHints(decimal=","))
    _same(["1.234", "7"], AMOUNT, hints=ReadHints(thousands="."))


def test_plain_columns_take_the_shortcut_and_others_do_not():
    assert typed_column(_narrow(["12.5", "", "-3", "7"]), AMOUNT) is not None
    assert typed_column(_narrow(["12.5", "1e5", "-3", "7"]), AMOUNT) is None
    assert typed_column(_narrow(["5", "6", "7"]), AMOUNT, sep=";") is None
    assert typed_column(_narrow(["2024-03-05", "", "2024-03-06 10:00"]), WHEN) is not None
    assert typed_column(_narrow(["2024-03-05", "2024-02-30", "x"]), WHEN) is None
    assert typed_column(_narrow(["2024-03-05", "2024-03-06"]), WHEN, fmt="%Y-%m-%d") is None
    assert typed_column(_narrow(["true", "N", "", "0"]), RETURN) is not None
    assert typed_column(_narrow(["true", "是", "", "0"]), RETURN) is None
    assert typed_column(_narrow(["true", "N"]), RETURN, values={"N": "true"}) is None
    assert typed_column(pd.Series([1.5, 2.0]), AMOUNT) is None  # not text
    now = _same(["12.5", "", "-3", "1234.56"], AMOUNT)
    assert now.values.tolist() == [12.5, pd.NA, -3.0, 1234.56]


def test_problems_show_the_values_as_written_in_the_file():
    now = _same(["-5.00", "3", "-0.5", "4"], DISCOUNT)
    assert [(p.kind, p.rows, p.values) for p in now.problems] == [
        ("below_minimum", [2, 4], ["-5.00", "-0.5"])]
    now = _same(["2.5", "3", "", "4"], QUANTITY)
    assert [(p.kind, p.rows, p.values) for p in now.problems] == [("unparseable", [2], ["2.5"])]
    now = _same(["2024-03-05", "", "2024-03-06", "2024-03-07"], WHEN)
    assert [(p.kind, p.rows) for p in now.problems] == [("missing_value", [3])]


_DATE_ODDITIES = ["", " ", "NULL", "2024-02-30", "2024-02-29", "9999-12-31", "0001-01-01",
                  "2024/3/5", "20240305", "2024-3-5", "2024-03-05Z", "2024-03-05 10:00:00+08:00",
                  "2024-03-05 24:00:00", "2024-03-05 10:61", "2024-03-05T10:00:00",
                  "2024-03-05 10:00:00.123456789", "2024-03-05 10", "05/03/2024", "25/03/2024",
                  "2024年3月5日", "２０２４-03-05", "2024-03-05 ", "1677-09-21", "2262-04-12"]


@pytest.mark.parametrize("odd", _DATE_ODDITIES)
@pytest.mark.parametrize("column", [WHEN, SIGNUP], ids=lambda c: c.name)
def test_dates_with_one_odd_value(odd, column):
    _same(["2024-03-05 10:00:00", "2024-03-06 23:59:59", odd, "2023-12-31 00:00:00"], column)
    _same(["2024-03-05", odd, "2024-03-06"], column)
    _same(["2024-03-05", "2024-03-06"], column, fmt="%Y-%m-%d")


@pytest.mark.parametrize("odd", ["", "TRUE", "False", "T", "f", "Y", "n", "yes", "No", "1", "0",
                                 "1.0", "0.0", "是", "否", "maybe", " true", "tRuE", "无", "NA"])
def test_yes_no_with_one_odd_value(odd):
    _same(["true", "false", odd, "false"], RETURN)
    _same([odd, odd, odd], RETURN)


def test_random_texts_give_the_same_column_either_way():
    rng = np.random.default_rng(7)
    alphabet = list("0123456789") * 4 + list(".-+eE: T/年,") + [" ", "", "\u3000"]
    for _ in range(25):
        values = ["".join(rng.choice(alphabet, rng.integers(0, 11))) for _ in range(4)]
        plain = [f"{rng.integers(-999, 9999)}.{rng.integers(0, 99):02d}" for _ in range(2)]
        for c in (AMOUNT, QUANTITY):
            _same(values + plain, c)
            _same(plain + values[:1], c)
        _same([f"2024-0{rng.integers(1, 10)}-{rng.integers(10, 29)}", values[0]], WHEN)


def test_byte_level_answers_agree_with_the_values():
    texts = ["C1", " a", "b ", "", "x.y", "\t", "中文", "e", None]
    for i in range(len(texts)):
        for j in range(i, len(texts) + 1):
            part = texts[i:j]
            a = pa.chunked_array([pa.array(part, pa.string())], pa.string())
            filled = [t for t in part if t is not None]
            for byte in (b".", b"e", b" "):
                if no_value_contains(a, byte):
                    assert not any(byte.decode() in t for t in filled)
            if ends_are_not_space(a):
                assert all(t == t.strip() for t in filled)
    sliced = pa.chunked_array([pa.array(["head.er", "C1", "C2"], pa.large_string()).slice(1)])
    assert no_value_contains(sliced, b".") and no_value_contains(sliced, b"e")
    assert ends_are_not_space(pa.chunked_array([pa.array(["a b", "c"])]))


def test_blank_rows_and_columns_as_the_whole_mask_says():
    rng = np.random.default_rng(3)
    cells = np.array(["", " ", "x", "\u3000", "7"], dtype=object)
    for _ in range(100):
        shape = (int(rng.integers(1, 6)), int(rng.integers(1, 4)))
        grid = pd.DataFrame(rng.choice(cells, shape, p=[.35, .15, .3, .1, .1]))
        grid = grid.astype(pd.ArrowDtype(pa.string()) if rng.random() < .5 else "string")
        whole = blank_cells(grid)
        assert blank_columns(grid).tolist() == whole.all(axis=0).tolist()
        for start in range(shape[0] + 1):
            assert blank_rows(grid, start).tolist() == whole.iloc[start:].all(axis=1).tolist()
        for hpos in range(shape[0]):
            head = ~whole.iloc[hpos].to_numpy()
            width, rows = filled_beyond(grid, hpos)
            expect = []
            if head.any() and not head[-1]:
                beyond = whole.columns[int(np.flatnonzero(head)[-1]) + 1:]
                expect = np.flatnonzero((~whole.iloc[hpos + 1:][beyond]).any(axis=1)).tolist()
            assert (width, rows.tolist()) == (int(head.sum()), expect)


def test_iso_layout_is_the_regex_on_values_of_one_width():
    rng = np.random.default_rng(5)
    for width, good in ((10, "2024-03-05"), (16, "2024-03-05 10:00"), (19, "2024-03-05T10:00:09")):
        for _ in range(400):
            text = list(good)
            for _ in range(int(rng.integers(0, 3))):  # change a byte or two
                text[int(rng.integers(0, width))] = str(rng.choice(list("07-: Tx/\u0660")))
            values = [good, "".join(text)]
            regex = pc.all(pc.match_substring_regex(pa.array(values), f"^(?:{_ISO_DATE})$"))
            same_width = all(len(v.encode()) == width for v in values)
            assert iso_layout(pa.array(values)) == (regex.as_py() and same_width), values
    assert not iso_layout(pa.array(["2024-03-05", "2024-03-05 10:00"]))  # two widths: regex
    assert not iso_layout(pa.array(["2024-03-05.123", "2024-03-05.123"]))
