"""Tests of helpers.data._dedup: candidate pairs, clusters, golden records, precision/recall."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers.data import (
    clean_customers,
    cluster_duplicates,
    dedup_precision_recall,
    duplicate_candidates,
    golden_records,
    load_table,
    plot_pair_scores,
    quality_report,
)
from helpers.errors import DataProblem
from helpers.paths import MAPPINGS_DIR


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


def test_dedup_on_many_random_records_returns_scored_pairs():
    # how fast this is on 20k records is measured in benchmarks/bench_quality.py
    rng = np.random.default_rng(0)
    n = 20_000
    df = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "name": ["".join(rng.choice(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何"), 3)) for _ in range(n)],
        "phone": [f"1{rng.integers(3, 9)}{rng.integers(0, 10**9):09d}" for _ in range(n)],
        "city": rng.choice(["北京市", "上海市", "广州市", "深圳市"], n),
    })
    pairs = duplicate_candidates(df)
    assert (pairs["score"] >= 70).all()
    assert (pairs["i"] != pairs["j"]).all()



def test_pair_scores_plot_marks_the_threshold():
    pairs = duplicate_candidates(clean_customers(small_customers()), threshold=0)
    ax = plot_pair_scores(pairs, threshold=70)
    assert ax.get_xlabel() == "pair score (0-100)" and ax.get_ylabel() == "candidate pairs"
    assert sum(p.get_height() for p in ax.patches) == len(pairs)
    assert "threshold 70" in [t.get_text() for t in ax.get_legend().get_texts()]
