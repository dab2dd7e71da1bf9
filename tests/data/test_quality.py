"""Tests of helpers.data.quality: audit, standardising, staleness, fuzzy de-duplication."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers.data.loading import DataProblem, load_table
from helpers.data.quality import (
    clean_customers,
    cluster_duplicates,
    dedup_precision_recall,
    duplicate_candidates,
    duplicate_keys,
    flag_stale,
    golden_records,
    issues_by_column_view,
    load_city_aliases,
    normalise_company_name,
    quality_report,
    quality_summary,
    stale_share,
    standardise_city,
    standardise_email,
    standardise_id_number,
    standardise_phone,
)
from helpers.paths import MAPPINGS_DIR


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
    assert aliases["hangzhou"] == "杭州市"


def test_city_alias_file_validation(tmp_path):
    bad = tmp_path / "aliases.yaml"
    bad.write_text("cities:\n  北京市: [京]\n  南京市: [京]\n  上海市: 沪\n", encoding="utf-8")
    with pytest.raises(DataProblem) as err:
        load_city_aliases(bad)
    assert "aliases.yaml" in str(err.value) and "cities.南京市" in str(err.value)
    assert "cities.上海市" in str(err.value)


def test_company_names_compare_without_legal_suffix():
    s = pd.Series(["上海汇丰超市有限公司", "上海汇丰超市有限责任公司", "ACME Co., Ltd."])
    out = normalise_company_name(s)
    assert out.iloc[0] == out.iloc[1] == "上海汇丰超市"
    assert out.iloc[2] == "acme"


def test_quality_report_counts_against_plain_pandas():
    df = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C3"],
                       "customer_kind": ["individual", "vip", None, "organisation"],
                       "phone": ["13800138000", "12", None, "+86 139 0000 1111"],
                       "employees": pd.array([5, -1, None, 3], dtype="Int64")})
    rep = quality_report(df, "customers").set_index("column")
    assert rep.loc["customer_kind", "missing"] == 1 and rep.loc["customer_kind", "invalid"] == 1
    assert rep.loc["phone", "invalid"] == 1 and rep.loc["phone", "completeness"] == 0.75
    assert rep.loc["employees", "invalid"] == 1  # below the minimum 0
    assert rep.loc["customer_id", "distinct"] == df["customer_id"].nunique()
    assert rep.loc["customer_id", "中文"] == "客户编号"
    summary = quality_summary(df, "customers")
    assert summary["duplicate_keys"] == 1 and summary["invalid_cells"] == 3
    assert summary["missing_cells"] == int(df.isna().sum().sum())
    assert duplicate_keys(df, "customer_id")["customer_id"].tolist() == ["C3", "C3"]
    view = issues_by_column_view(quality_report(df, "customers"), "invalid")
    assert view["column"].tolist()[0] in {"customer_kind", "phone", "employees"}
    with pytest.raises(DataProblem):
        issues_by_column_view(rep.reset_index(), "bogus")


def test_flag_stale_against_hand_computation():
    df = pd.DataFrame({"last_updated": pd.to_datetime(["2025-12-01", "2023-12-31", "2023-12-30",
                                                       None])})
    out = flag_stale(df, as_of="2025-12-31", days=730)
    assert out["days_since_update"].tolist()[:3] == [30, 731, 732]
    assert out["stale"].tolist() == [False, True, True, True]
    assert flag_stale(df, "2025-12-31", missing_is_stale=False)["stale"].tolist()[-1] is False
    assert stale_share(df, "2025-12-31") == 0.75
    with pytest.raises(DataProblem, match="last_updated"):
        flag_stale(df.rename(columns={"last_updated": "x"}), "2025-12-31")


def test_stale_share_of_bundled_customers_matches_truth(bundled_dir):
    if not (bundled_dir / "truth.json").exists():
        pytest.skip("bundled data not generated")
    truth = json.loads((bundled_dir / "truth.json").read_text())
    customers = load_table(bundled_dir / "customers.csv", "customers")
    cut = pd.Timestamp(truth["as_of"]) - pd.DateOffset(years=2)
    independent = float((customers["last_updated"] < cut).mean())
    assert independent == pytest.approx(truth["stale_share"], abs=0.001)
    ours = stale_share(customers, truth["as_of"], days=731, missing_is_stale=False)
    assert ours == pytest.approx(independent, abs=1e-9)


def small_customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E"],
        "name": ["上海汇丰超市有限公司", "上海汇丰超市有限责任公司", "张伟", "张伟 ", "李娜"],
        "phone": ["021-25003570", "021-25003570 ext.369", "13800138000", "+86 138 0013 8000",
                  "13900001111"],
        "email": [None, None, "zw@qq.com", None, None],
        "id_number": [None, None, None, None, None],
        "city": ["沪", "上海", "北京", "Beijing", "北京"],
        "last_updated": pd.to_datetime(["2023-01-01", "2025-06-01", "2025-01-01", "2024-01-01",
                                        "2025-01-01"]),
    })


def test_dedup_small_case_end_to_end():
    clean = clean_customers(small_customers())
    pairs = duplicate_candidates(clean)
    assert set(map(tuple, pairs[["id_a", "id_b"]].to_numpy())) == {("A", "B"), ("C", "D")}
    clusters = cluster_duplicates(clean, pairs)
    assert clusters.tolist() == [0, 0, 1, 1, 2]
    golden = golden_records(clean, clusters)
    assert len(golden) == 3 and golden["records"].tolist() == [2, 2, 1]
    # the newest record is the base; gaps are filled from the older one
    first = golden.iloc[0]
    assert first["customer_id"] == "B" and first["source_ids"] == "A,B"
    assert golden.iloc[1]["email"] == "zw@qq.com"
    with pytest.raises(DataProblem):
        duplicate_candidates(clean, threshold=120)


def test_precision_recall_counts_pairs():
    res = dedup_precision_recall([0, 0, 1, 1, 1], ["a", "a", "b", "c", "c"])
    assert res["predicted_pairs"] == 4 and res["true_pairs"] == 2
    assert res["true_positives"] == 2
    assert res["precision"] == 0.5 and res["recall"] == 1.0


def _dedup_on(folder):
    raw = load_table(folder / "raw" / "crm_export_gbk.csv", "customers",
                     mapping=MAPPINGS_DIR / "crm_export_zh.yaml")
    truth = pd.read_csv(folder / "raw" / "crm_export_truth.csv", dtype=str)
    assert truth["raw_row"].astype(int).tolist() == list(range(1, len(raw) + 1))
    clean = clean_customers(raw)
    clusters = cluster_duplicates(clean, duplicate_candidates(clean))
    return raw, clean, clusters, truth


@pytest.mark.parametrize("which", ["bundled", "alt"])
def test_dedup_precision_recall_on_raw_export(which, bundled_dir, request):
    folder = bundled_dir if which == "bundled" else request.getfixturevalue("alt_data_dir")
    if not (folder / "raw" / "crm_export_truth.csv").exists():
        pytest.skip("raw export not generated")
    raw, clean, clusters, truth = _dedup_on(folder)
    res = dedup_precision_recall(clusters, truth["customer_id"])
    assert res["precision"] >= 0.95 and res["recall"] >= 0.9, res
    # golden records: about one per true customer
    golden = golden_records(clean, clusters)
    assert abs(len(golden) - truth["customer_id"].nunique()) <= 0.02 * len(golden)
    # cleaning leaves no invalid phone, and fewer distinct cities than the raw export
    assert quality_report(clean, "customers").set_index("column").loc["phone", "invalid"] == 0
    assert clean["city"].nunique() < raw["city"].nunique()
    facts = json.loads((folder / "truth.json").read_text())["raw_export"]
    assert len(raw) == facts["rows"] and int(truth["is_duplicate"].eq("True").sum()) == facts[
        "duplicate_rows"]


def test_dedup_is_fast_enough():
    rng = np.random.default_rng(0)
    n = 20_000
    df = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "name": ["".join(rng.choice(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何"), 3)) for _ in range(n)],
        "phone": [f"1{rng.integers(3, 9)}{rng.integers(0, 10**9):09d}" for _ in range(n)],
        "city": rng.choice(["北京市", "上海市", "广州市", "深圳市"], n),
    })
    import time

    t0 = time.perf_counter()
    duplicate_candidates(df)
    assert time.perf_counter() - t0 < 20  # blocking keeps it near-linear (shared machine)
