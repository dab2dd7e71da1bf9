"""Tests of privacy by content: personal data found inside any text column, and role views."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import (
    DEMO_KEY,
    KEY_ENV,
    choose_pseudonym_key,
    mask_frame,
    mask_text_series,
    personal_columns_of,
    privacy,
    pseudonymise,
    view_for_role,
)
from helpers.display import show
from helpers.errors import DataProblem, luhn_ok

CARD = "6222021234567890"  # made Luhn-valid below
CARD = CARD[:-1] + next(d for d in "0123456789" if luhn_ok(CARD[:-1] + d))
NOT_CARD = CARD[:-1] + next(d for d in "0123456789" if not luhn_ok(CARD[:-1] + d))

PERSONAL = ["13812345678", "+86 139-1234-5678", "021-62345678", "0755 12345678",
            "11010119900307123X", "zhang.san@example.com", CARD,
            " ".join(CARD[i:i + 4] for i in range(0, 16, 4))]
HARMLESS = ["INV-2024-0001", "2024-01-01", "12345.67", "C0001234", NOT_CARD, "VIP 客户", "1234567"]


def test_personal_data_inside_free_text_is_masked():
    remarks = [f"客户说请拨打 {v} 谢谢" for v in PERSONAL] + HARMLESS
    df = pd.DataFrame({"customer_id": [f"C{i}" for i in range(len(remarks))], "remark": remarks})
    out = mask_frame(df, table="customers")
    text = out["remark"].str.cat(sep=" | ")
    for value in PERSONAL:
        assert value not in text, value
    assert out["remark"].iloc[0] == "客户说请拨打 138****5678 谢谢"
    assert "110101********123X" in text and "z********@example.com" in text
    assert "021-****5678" in text and CARD[-4:] in text
    assert out["remark"].tolist()[len(PERSONAL):] == HARMLESS  # nothing else is touched
    assert df["remark"].tolist() == remarks  # the input is not changed
    assert mask_frame(out, table="customers").equals(out)  # idempotent


def test_content_is_scanned_only_in_columns_the_table_does_not_define():
    df = pd.DataFrame({"customer_id": [CARD], "notes": [CARD], "amount": [-13812345678]})
    out = mask_frame(df, table="customers")
    assert out.loc[0, "customer_id"] == CARD  # a course column that is not personal: kept
    assert out.loc[0, "notes"] == "*" * 12 + CARD[-4:]
    assert out.loc[0, "amount"] == -13812345678 and out["amount"].dtype == df["amount"].dtype
    # without a table every column is unknown: scanned
    assert mask_frame(df).loc[0, "customer_id"] != CARD


def test_mixed_and_category_columns_keep_what_is_not_text():
    df = pd.DataFrame({"misc": pd.Series([12, "tel 13812345678", None, 3.5], dtype=object),
                       "tag": pd.Categorical(["ab@b.cn", "x", "ab@b.cn", "x"])})
    out = mask_frame(df)
    assert out["misc"].tolist()[:2] == [12, "tel 138****5678"] and out["misc"].iloc[3] == 3.5
    assert pd.isna(out["misc"].iloc[2])
    assert out["tag"].tolist() == ["a*@b.cn", "x", "a*@b.cn", "x"]


def test_reveal_personal_keeps_the_clear_values():
    df = pd.DataFrame({"联系人": ["张三丰"], "remark": ["call 13812345678"]})
    assert mask_frame(df, reveal_personal=True).equals(df)
    assert show(df, reveal_personal=True).equals(df)
    shown = show(df)
    assert shown.loc[0, "remark"] == "call 138****5678" and shown.loc[0, "联系人"] == "张**"


def test_name_like_columns_are_names():
    cols = ["contact", "contact_person", "联系人", "法人", "法人代表", "收货人", "name", "姓名",
            "客户姓名", "contact_name"]
    df = pd.DataFrame({c: ["张三丰"] for c in cols} | {"联系人电话": ["13812345678"],
                                                      "收货人地址": ["上海市浦东新区世纪大道1号"]})
    kinds = personal_columns_of(df)
    assert {c: kinds.get(c) for c in cols} == dict.fromkeys(cols, "name")
    assert kinds["联系人电话"] == "phone" and kinds["收货人地址"] == "address"
    out = mask_frame(df)
    assert (out[cols].iloc[0] == "张**").all()


def test_each_distinct_value_is_scanned_once(monkeypatch):
    calls = []
    real = privacy.redact_personal
    monkeypatch.setattr(privacy, "redact_personal", lambda t, m: calls.append(t) or real(t, m))
    s = pd.Series(["call 13812345678", "no digits", "call 13900001111"] * 1000)
    out = mask_text_series(s)
    assert sorted(calls) == ["call 13812345678", "call 13900001111"]  # "no digits" not even
    assert out.value_counts().to_dict() == {"call 138****5678": 1000, "no digits": 1000,
                                            "call 139****1111": 1000}
    untouched = pd.Series(["a", "b"])
    assert mask_text_series(untouched) is untouched


@settings(max_examples=150)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
       st.text(alphabet="abc 客户，。:", max_size=8), st.text(alphabet="abc 客户，。", max_size=8),
       st.sampled_from(["", "+86 ", "86-", "+86"]))
def test_no_mobile_number_survives_in_free_text(mobile, before, after, country):
    masked = mask_text_series(pd.Series([f"{before}{country}{mobile}{after}"])).iloc[0]
    assert mobile not in masked.replace(" ", "").replace("-", "")
    assert masked.count("*") == 4


def test_role_views_are_masked_by_content_too():
    df = pd.DataFrame({"customer_id": ["C1"], "phone": ["13812348000"],
                       "remark": ["backup 13900001111"]})
    agent = view_for_role(df, "agent", table="customers")
    assert agent.loc[0, "phone"] == "138****8000" and agent.loc[0, "remark"] == "backup 139****1111"
    clear = view_for_role(df, "agent", table="customers", reveal_personal=True)
    assert clear.loc[0, "phone"] == "13812348000" and clear.loc[0, "remark"] == df.loc[0, "remark"]


def test_the_public_demo_key_is_refused_unless_allowed(monkeypatch, capsys):
    monkeypatch.delenv(KEY_ENV, raising=False)
    ids = pd.Series(["C1", "C2"])
    with pytest.raises(DataProblem, match="public demo key"):
        pseudonymise(ids, key=DEMO_KEY)
    with pytest.raises(DataProblem, match="public demo key"):
        view_for_role(pd.DataFrame({"customer_id": ["C1"]}), "analyst", key=DEMO_KEY)
    allowed = pseudonymise(ids, key=DEMO_KEY, allow_demo_key=True)
    assert allowed.str.startswith("P").all()
    view = view_for_role(pd.DataFrame({"customer_id": ["C1"]}), "analyst", key=DEMO_KEY,
                         allow_demo_key=True)
    assert view.loc[0, "customer_id"] == allowed.iloc[0]
    monkeypatch.setenv(KEY_ENV, DEMO_KEY)  # nor through the environment
    with pytest.raises(DataProblem, match="public demo key"):
        pseudonymise(ids)


def test_pseudonym_key_demo_on_bundled_data_random_elsewhere(monkeypatch, capsys):
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert choose_pseudonym_key(bundled_data=True) == DEMO_KEY
    assert choose_pseudonym_key("mine", bundled_data=False) == "mine"
    with pytest.raises(DataProblem, match="public demo key"):
        choose_pseudonym_key(DEMO_KEY, bundled_data=False)
    first, second = choose_pseudonym_key(), choose_pseudonym_key()
    assert first != second and len(first) == 64 and DEMO_KEY not in (first, second)
    assert "random key kept in memory" in capsys.readouterr().out
    assert pseudonymise(pd.Series(["C1"]), key=first).iloc[0].startswith("P")
    monkeypatch.setenv(KEY_ENV, "env-secret")
    assert choose_pseudonym_key() == "env-secret" == choose_pseudonym_key(bundled_data=True)
