"""Tests of helpers.data.privacy: masking rules, pseudonyms, role-based views."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import (
    KEY_ENV,
    AccessLevels,
    load_access_levels,
    mask_address,
    mask_email,
    mask_frame,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_series,
    mask_value,
    personal_columns_of,
    pseudonymise,
    view_for_role,
)
from helpers.errors import ConfigProblem, DataProblem

digits = st.text(alphabet="0123456789", min_size=1, max_size=20)
phones = st.builds(lambda a, b, c, sep: f"{a}{sep}{b}{sep}{c}", st.from_regex(r"1[3-9][0-9]",
                   fullmatch=True), st.from_regex(r"[0-9]{4}", fullmatch=True),
                   st.from_regex(r"[0-9]{4}", fullmatch=True), st.sampled_from(["", "-", " "]))
names = st.text(min_size=0, max_size=15)


def test_documented_examples():
    assert mask_name("张三丰") == "张**"
    assert mask_name("王五") == "王*"
    assert mask_phone("13812348000") == "138****8000"
    assert mask_phone("+86 138-1234-8000") == "+86 1**-****-8000"  # the first 3 digits include 86
    assert mask_email("zhang.san@example.com") == "z********@example.com"
    assert mask_id_number("11010119900307123X") == "110101********123X"
    assert mask_address("上海市浦东新区世纪大道100号") == "上海市浦东新" + "*" * 9
    assert mask_phone("12345") == "***45"
    assert mask_name(None) is None and pd.isna(mask_phone(pd.NA))


@settings(max_examples=200)
@given(phones)
def test_phone_mask_leaks_at_most_seven_digits(phone):
    masked = mask_phone(phone)
    shown = [ch for ch in masked if ch.isdigit()]
    all_digits = [ch for ch in phone if ch.isdigit()]
    assert len(shown) == 7
    assert shown == all_digits[:3] + all_digits[-4:]


@settings(max_examples=200)
@given(digits)
def test_phone_mask_rule_on_any_digit_string(number):
    masked = mask_phone(number)
    visible = sum(ch.isdigit() for ch in masked)
    assert visible == (7 if len(number) >= 8 else min(2, len(number)))


@settings(max_examples=200)
@given(st.sampled_from([mask_name, mask_phone, mask_email, mask_id_number, mask_address]), names)
def test_masks_keep_length_and_are_idempotent(func, value):
    once = func(value)
    assert len(once) == len(value)
    assert func(once) == once


@settings(max_examples=200)
@given(names)
def test_name_mask_shows_only_first_character(value):
    masked = mask_name(value)
    visible = [ch for ch in masked[1:] if ch not in "* "]
    assert visible == []
    if len(value) > 1:
        assert masked[0] == value[0]


@settings(max_examples=200)
@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
def test_id_number_mask_hides_birth_date(idn):
    masked = mask_id_number(idn)
    assert masked[:6] == idn[:6] and masked[-4:] == idn[-4:]
    assert masked[6:14] == "*" * 8  # the eight digits of the birth date


@settings(max_examples=200)
@given(st.emails())
def test_email_mask_keeps_domain_and_first_letter_only(email):
    masked = mask_email(email)
    local, _, domain = email.rpartition("@")
    assert masked.endswith("@" + domain)
    assert masked[: len(local)] == local[0] + "*" * (len(local) - 1)


def test_mask_frame_by_table_marks_and_by_name():
    df = pd.DataFrame({"customer_id": ["C1"], "name": ["张三丰"], "phone": ["13812348000"],
                       "key_contact": ["李四"], "city": ["上海"], "联系电话": ["13900001111"],
                       "客户姓名": ["王小明"], "身份证号": ["11010119900307123X"],
                       "Email Address": ["a.b@c.cn"], "product_name": ["Widget"]})
    out = mask_frame(df, table="customers")
    assert out.loc[0, "name"] == "张**" and out.loc[0, "key_contact"] == "李*"
    assert out.loc[0, "phone"] == "138****8000" and out.loc[0, "联系电话"] == "139****1111"
    assert out.loc[0, "客户姓名"] == "王**" and out.loc[0, "身份证号"].count("*") == 8
    assert out.loc[0, "Email Address"] == "a**@c.cn"
    assert out.loc[0, "customer_id"] == "C1" and out.loc[0, "city"] == "上海"
    assert out.loc[0, "product_name"] == "Widget"
    assert df.loc[0, "name"] == "张三丰"  # the input is not changed
    # without a table, the same columns are found by name
    assert set(personal_columns_of(df)) == {"name", "phone", "key_contact", "联系电话", "客户姓名",
                                            "身份证号", "Email Address"}


def test_mask_frame_keeps_missing_values_missing():
    df = pd.DataFrame({"phone": ["13812348000", None]})
    out = mask_frame(df)
    assert out["phone"].isna().tolist() == [False, True]


def test_pseudonyms_are_keyed_hmac():
    s = pd.Series(["C1", "C2", "C1", None])
    p = pseudonymise(s, key="k1")
    expected = "P" + hmac.new(b"k1", b"C1", hashlib.sha256).hexdigest()[:16]
    assert p.iloc[0] == expected == p.iloc[2]
    assert p.iloc[1] != p.iloc[0] and pd.isna(p.iloc[3])
    assert pseudonymise(s, key="k2").iloc[0] != expected


def test_pseudonym_key_from_environment(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "env-key")
    a = pseudonymise(pd.Series(["C1"]))
    assert a.iloc[0] == pseudonymise(pd.Series(["C1"]), key="env-key").iloc[0]
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(DataProblem, match=KEY_ENV):
        pseudonymise(pd.Series(["C1"]))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=300, unique=True),
       st.text(min_size=1, max_size=10), st.text(min_size=1, max_size=10))
def test_pseudonyms_stable_distinct_and_key_dependent(ids, k1, k2):
    s = pd.Series(ids)
    a = pseudonymise(s, key=k1)
    assert a.equals(pseudonymise(s, key=k1))
    assert a.nunique() == len(ids)  # no collisions
    if k1 != k2:
        b = pseudonymise(s, key=k2)
        assert (a != b).all()


def test_no_collisions_on_a_large_sample():
    s = pd.Series([f"C{i:07d}" for i in range(200_000)])
    assert pseudonymise(s, key="k").nunique() == len(s)


def customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["张三丰", "李四"],
                         "phone": ["13812348000", "13900001111"], "email": ["a@b.cn", None],
                         "id_number": ["11010119900307123X", None], "city": ["上海", "北京"],
                         "income_band": ["high", "low"], "true_type": ["loyal", "new"]})


def test_roles_see_what_the_config_says():
    levels = load_access_levels()
    assert isinstance(levels, AccessLevels)
    assert {"agent", "team_lead", "analyst", "admin"} <= set(levels.roles)
    assert levels.role("agent").level("phone") == "clear"
    assert levels.role("analyst").pseudonymise == ["customer_id"]
    assert levels.role("admin").hidden == []
    df = customers()
    agent = view_for_role(df, "agent", table="customers", reveal_personal=True)
    assert "id_number" not in agent and "email" not in agent and "income_band" not in agent
    assert agent["phone"].tolist() == ["13812348000", "13900001111"]  # agents dial
    assert agent["name"].tolist() == ["张**", "李*"]
    lead = view_for_role(df, "team_lead", table="customers", reveal_personal=True)
    assert lead["name"].tolist() == ["张三丰", "李四"] and lead["id_number"].iloc[0].count("*") == 8
    analyst = view_for_role(df, "analyst", table="customers", key="k")
    assert not {"name", "phone", "email", "id_number"} & set(analyst.columns)
    assert analyst["customer_id"].str.startswith("P").all()
    admin = view_for_role(df, "admin", table="customers", reveal_personal=True)
    assert admin.drop(columns=[]).equals(df)
    # without reveal_personal, what a role sees "clear" is shown masked: same columns, no phone
    for role in ("agent", "team_lead", "admin"):
        masked = view_for_role(df, role, table="customers")
        clear = view_for_role(df, role, table="customers", reveal_personal=True)
        assert list(masked.columns) == list(clear.columns)
        assert "13812348000" not in masked.to_string() and "张三丰" not in masked.to_string()
    assert view_for_role(df, "agent", table="customers")["phone"].tolist() == [
        "138****8000", "139****1111"]
    with pytest.raises(DataProblem, match="unknown role"):
        view_for_role(df, "intern", table="customers")
    with pytest.raises(DataProblem, match="did you mean 'agent'"):
        view_for_role(df, "agnet", table="customers", config=levels)


def test_access_levels_validation_names_file_and_key(tmp_path):
    bad = tmp_path / "levels.yaml"
    bad.write_text("roles:\n  agent:\n    personal: {phone: visible, shoe_size: clear}\n"
                   "    hidden: city\n")
    with pytest.raises(ConfigProblem) as err:
        load_access_levels(bad)
    msg = str(err.value)
    assert "3 problem(s)" in msg
    assert "levels.yaml: roles.agent.personal.phone: Input should be 'clear', 'masked' or " \
           "'hidden'" in msg
    assert "levels.yaml: roles.agent.personal.shoe_size: unknown key 'shoe_size'" in msg
    assert "levels.yaml: roles.agent.hidden: Input should be a valid list" in msg
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n")
    with pytest.raises(DataProblem, match="roles"):
        load_access_levels(empty)
    no_roles = tmp_path / "none.yaml"
    no_roles.write_text("roles: {}\n")
    with pytest.raises(ConfigProblem, match="roles: Dictionary should have at least 1 item"):
        load_access_levels(no_roles)


def test_a_role_with_empty_sections_gets_the_defaults(tmp_path):
    path = tmp_path / "levels.yaml"
    path.write_text("roles:\n  intern:\n    description: new\n    personal:\n    hidden:\n",
                    encoding="utf-8")
    intern = load_access_levels(path).role("intern")
    assert intern.hidden == [] and {intern.level(k) for k in ("name", "phone", "email",
                                                              "id_number", "address")} == {"masked"}
    view = view_for_role(customers(), "intern", table="customers", config=path)
    assert view["phone"].iloc[0] == "138****8000" and "income_band" in view


def test_unknown_kinds_and_lengths_are_data_problems():
    with pytest.raises(DataProblem, match="did you mean 'phone'"):
        mask_value("138", "phnoe")
    with pytest.raises(DataProblem, match="unknown kind"):
        mask_series(pd.Series(["a"]), "shoe_size")
    with pytest.raises(DataProblem, match="between 8 and 64"):
        pseudonymise(pd.Series(["C1"]), key="k", length=4)


# old 15-digit resident IDs: province code, 4 digits, yymmdd birth date, 3 digits
provinces = st.sampled_from(["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33",
                             "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
                             "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81",
                             "82"])
old_ids = st.builds(lambda p, r, d, s: f"{p}{r}{d:%y%m%d}{s}", provinces,
                    st.from_regex(r"[0-9]{4}", fullmatch=True),
                    st.dates(min_value=pd.Timestamp("1900-01-01").date(),
                             max_value=pd.Timestamp("2004-12-31").date()),
                    st.from_regex(r"[0-9]{3}", fullmatch=True))


@settings(max_examples=200)
@given(old_ids)
def test_fifteen_digit_resident_ids_are_found_in_any_text_column(idn):
    out = mask_frame(pd.DataFrame({"remark": [f"证件 {idn} 已核实"]}))
    assert idn not in out.loc[0, "remark"]
    assert out.loc[0, "remark"] == f"证件 {idn[:6]}{'*' * 5}{idn[-4:]} 已核实"  # birth date hidden


@pytest.mark.parametrize("order", [
    "202401011234567",   # date-first order number: digits 1-2 "20" are no province
    "110101991399123",   # a province code, but month 13
    "110101993201123",   # ... or day 01 of month 32
    "9123456789012345",  # 16 digits: not an ID (and not Luhn-valid)
    "11010119900307123",  # 17 digits: neither ID length
])
def test_fifteen_digit_pattern_leaves_order_numbers_alone(order):
    out = mask_frame(pd.DataFrame({"order_ref": [f"order {order}"]})).loc[0, "order_ref"]
    assert out == f"order {order}"


def test_fifteen_digit_pattern_checks_ranges_not_calendars():
    # the pattern checks month 01-12 and day 01-31, not the calendar: 30 February is masked
    # (a harmless number masked is the safe mistake)
    out = mask_frame(pd.DataFrame({"ref": ["110101990230123"]})).loc[0, "ref"]
    assert out == "110101*****0123"


def test_employer_of_an_individual_is_masked_like_a_name():
    customers = pd.DataFrame({"customer_id": ["C1"], "employer": ["上海宏达机械有限公司"],
                              "occupation": ["engineer"], "city": ["上海"]})
    out = mask_frame(customers, table="customers")
    assert out.loc[0, "employer"] == "上" + "*" * 9
    assert out.loc[0, "occupation"] == "engineer" and out.loc[0, "city"] == "上海"
    assert personal_columns_of(customers, "customers") == {"employer": "name"}
    export = pd.DataFrame({"工作单位": ["宏达机械"], "Employer": ["Acme Ltd"], "单位": ["x"]})
    assert personal_columns_of(export) == {"工作单位": "name", "Employer": "name"}
    assert mask_frame(export).iloc[0].tolist() == ["宏***", "A*** ***", "x"]
