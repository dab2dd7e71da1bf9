"""Tests of helpers.data._coerce (loader stage 3): text to numbers, dates, yes/no, clean strings."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import parse_bools, parse_dates, parse_numbers
from helpers.data._coerce import (
    clean_strings,
    cleaned_column,
    coerce_column,
    recode,
    to_course_type,
)


def test_parse_numbers_handles_separators_currency_and_fullwidth():
    s = pd.Series(["1,234.50", "￥12", "１２３", " 7 ", "(5)", "abc", None, ""])
    out = parse_numbers(s)
    assert out.iloc[:5].tolist() == [1234.5, 12.0, 123.0, 7.0, -5.0]
    assert out.iloc[5:].isna().all()


def test_parse_dates_accepts_common_formats():
    s = pd.Series(["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305",
                   "２０２４－０３－０５", "2024-03-05 14:30:00", "not a date"])
    out = parse_dates(s)
    assert (out.iloc[:7].dt.normalize() == pd.Timestamp("2024-03-05")).all()
    assert out.iloc[6].hour == 14
    assert pd.isna(out.iloc[7])


def test_parse_dates_day_first_when_only_that_makes_sense():
    out = parse_dates(pd.Series(["24/07/2020", "09/04/2024"]))
    assert out.tolist() == [pd.Timestamp("2020-07-24"), pd.Timestamp("2024-04-09")]


def test_parse_dates_explicit_format():
    out = parse_dates(pd.Series(["05-03-2024"]), fmt="%d-%m-%Y")
    assert out.iloc[0] == pd.Timestamp("2024-03-05")


def test_parse_bools_chinese_and_english():
    s = pd.Series(["是", "否", "Y", "n", "TRUE", "false", "1", "0", "maybe", None])
    assert parse_bools(s).tolist() == [True, False, True, False, True, False, True, False,
                                       pd.NA, pd.NA]


def test_clean_strings_half_width_trimmed_missing_tokens():
    s = pd.Series([" Ｃ１ ", "NULL", "无", "--", "n/a", "ok", None, 7])
    assert clean_strings(s).tolist() == ["C1", pd.NA, pd.NA, pd.NA, pd.NA, "ok", pd.NA, "7"]
    assert str(clean_strings(s).dtype) == "string"


def test_numbers_bools_and_dates_already_typed_pass_through():
    assert parse_numbers(pd.Series([1, 2])).tolist() == [1.0, 2.0]
    assert str(parse_numbers(pd.Series([1, 2])).dtype) == "Float64"
    assert parse_bools(pd.Series([True, False])).tolist() == [True, False]
    when = pd.Series(pd.to_datetime(["2024-01-02"]))
    assert parse_dates(when).tolist() == [pd.Timestamp("2024-01-02")]


def test_dates_with_chinese_time_and_explicit_format_with_slashes():
    assert parse_dates(pd.Series(["2024年3月5日 14时30分"])).iloc[0] == pd.Timestamp(
        "2024-03-05 14:30")
    # a format written with / also reads the same dates written with -
    out = parse_dates(pd.Series(["05/03/2024", "06-03-2024"]), fmt="%d/%m/%Y")
    assert out.tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06")]


def test_recode_values_including_yaml_booleans():
    s = pd.Series(["个人", "企业", "true", "no", None], dtype="string")
    out = recode(s, {"个人": "individual", "企业": "organisation", True: "Y", False: False})
    assert out.tolist() == ["individual", "organisation", "Y", "false", pd.NA]


def test_cleaned_column_keeps_native_types_unless_recoded():
    nums = pd.Series([1.0, 2.0])
    assert cleaned_column(nums) is nums
    assert cleaned_column(nums, {"1.0": "one"}).tolist() == ["one", "2.0"]
    assert cleaned_column(pd.Series([" a ", "NA"])).tolist() == ["a", pd.NA]


@pytest.mark.parametrize(("dtype", "cells", "expected"), [
    ("int", ["1", "2.0", "x"], [1.0, 2.0, pd.NA]),
    ("float", ["1,5", "¥3"], [1.5, 3.0]),  # a decimal comma (was read as 15)
    ("bool", ["是", "否", "也许"], [True, False, pd.NA]),
    ("date", ["2024-03-05 10:00"], [pd.Timestamp("2024-03-05")]),
    ("datetime", ["2024-03-05 10:00"], [pd.Timestamp("2024-03-05 10:00")]),
    ("string", ["Ａ "], ["A"]),
])
def test_coerce_column_to_each_course_type(dtype, cells, expected):
    assert coerce_column(pd.Series(cells), dtype).tolist() == expected


def test_spreadsheet_ids_lose_their_decimal_point():
    assert to_course_type(pd.Series([17850.0, 12.0]), "string").tolist() == ["17850", "12"]
    assert to_course_type(pd.Series([1.5]), "string").tolist() == ["1.5"]
