"""Tests of helpers.data._cleaning: phones, e-mails, ID numbers, cities, company names."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import (
    CityAliases,
    clean_customers,
    load_city_aliases,
    normalise_company_name,
    standardise_city,
    standardise_email,
    standardise_id_number,
    standardise_phone,
    to_halfwidth_frame,
)
from helpers.errors import ConfigProblem, DataProblem


def test_phone_formats_from_the_source_export():
    raw = pd.Series(["13800138000", "+86 138-0013-8000", "138 0013 8000", "１３８００１３８０００",
                     "86-13800138000", "0086 13800138000", "010-72967499 ext.956",
                     "0512 75774818 转 110", "(010)72967499", "12345", None])
    out = standardise_phone(raw)
    assert out.iloc[:6].tolist() == ["13800138000"] * 6
    assert out.iloc[6:9].tolist() == ["01072967499", "051275774818", "01072967499"]
    assert out.iloc[9:].isna().all()


def test_email_and_id_number():
    emails = standardise_email(pd.Series([" ZHANG@QQ.COM ", "no-at-sign", "a@b"]))
    assert emails.iloc[0] == "zhang@qq.com" and emails.iloc[1:].isna().all()
    # 11010519491231002X is the check-digit example of GB 11643; the second has a wrong digit
    ids = pd.Series(["11010519491231002x", "110105194912310021", "91110105340714958X"])
    out = standardise_id_number(ids)
    assert out.iloc[0] == "11010519491231002X" and pd.isna(out.iloc[1])
    assert out.iloc[2] == "91110105340714958X"


def test_city_aliases_and_fallbacks():
    s = pd.Series(["京", "Beijing", " 北京 ", "北京市", "沪", "Xi'an", "拉萨", None])
    out = standardise_city(s)
    assert out.iloc[:7].tolist() == ["北京市", "北京市", "北京市", "北京市", "上海市", "西安市",
                                     "拉萨"]
    assert pd.isna(out.iloc[7])
    aliases = load_city_aliases()
    assert isinstance(aliases, CityAliases) and aliases.lookup["hangzhou"] == "杭州市"
    assert aliases.cities["杭州市"][0] == "杭州"
    # a table already read, or a plain alias -> name mapping, is used as given
    assert standardise_city(pd.Series(["杭"]), aliases).tolist() == ["杭州市"]
    assert standardise_city(pd.Series(["杭"]), {"杭": "Hangzhou"}).tolist() == ["Hangzhou"]


def test_city_alias_file_validation(tmp_path):
    bad = tmp_path / "aliases.yaml"
    bad.write_text("cities:\n  北京市: [京]\n  南京市: [京]\n  上海市: 沪\n", encoding="utf-8")
    with pytest.raises(ConfigProblem) as err:
        load_city_aliases(bad)
    msg = str(err.value)
    assert isinstance(err.value, DataProblem) and "2 problem(s)" in msg
    assert "aliases.yaml: cities.南京市: alias '京' is also listed under '北京市'" in msg
    assert "aliases.yaml: cities.上海市: aliases must be a list" in msg
    missing = tmp_path / "cities.yaml"
    missing.write_text("citys:\n  北京市: [京]\n", encoding="utf-8")
    with pytest.raises(ConfigProblem, match="did you mean 'cities'"):
        load_city_aliases(missing)


def test_company_names_compare_without_legal_suffix():
    s = pd.Series(["上海汇丰超市有限公司", "上海汇丰超市有限责任公司", "ACME Co., Ltd."])
    out = normalise_company_name(s)
    assert out.iloc[0] == out.iloc[1] == "上海汇丰超市"
    assert out.iloc[2] == "acme"



def test_clean_customers_standardises_every_column():
    df = pd.DataFrame({"customer_id": ["C1"], "name": [" 张 三 "], "phone": ["１３８ ００１３ ８０００"],
                       "email": [" A@B.CN "], "id_number": ["11010519491231002x"],
                       "city": ["深"], "note": ["ＡＢ  Ｃ"]})
    out = clean_customers(df)
    assert out.iloc[0].tolist() == ["C1", "张三", "13800138000", "a@b.cn", "11010519491231002X",
                                    "深圳市", "AB C"]
    assert to_halfwidth_frame(df)["note"].iloc[0] == "AB C"


def test_alias_file_with_a_city_without_aliases(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("cities:\n  拉萨市:\n  北京市: [京]\n", encoding="utf-8")
    aliases = load_city_aliases(path)
    assert aliases.cities["拉萨市"] == [] and aliases.lookup["拉萨市"] == "拉萨市"
    assert standardise_city(pd.Series(["拉萨", "京"]), path).tolist() == ["拉萨市", "北京市"]
