"""Notebook 01 (collecting customer information).

Independent checks: the raw export is read with plain pandas (GBK), the duplicates and cities
counted from crm_export_truth.csv and the city alias file, the stale share recomputed from
customers.csv with date arithmetic.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from helpers.paths import CONFIG_DIR, MAPPINGS_DIR
from tests.conftest import CREDIT_DEFAULT, shared_file
from tests.notebooks.checks import unanswered

#: 01.1-01.4 values, 01.5 a prediction (stricter de-duplication), 01.6 a choice (graded access)
N_EXERCISES = 6

#: Parameters of the other-seed run (besides data_dir and seed).
OTHER_SEED = {"stale_days": 365, "role": "analyst"}


def expected(folder: Path, stale_days: int = 730) -> dict:
    raw = pd.read_csv(folder / "raw" / "crm_export_gbk.csv", dtype=str, encoding="gbk")
    truth = pd.read_csv(folder / "raw" / "crm_export_truth.csv", dtype=str)
    customers = pd.read_csv(folder / "customers.csv", dtype=str)
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    updated = pd.to_datetime(customers["last_updated"])
    stale = ((as_of - updated).dt.days > stale_days) | updated.isna()
    # the loader turns full-width digits into plain ones; what is left non-standard is the layout
    phones = raw["手机"].dropna().map(lambda v: unicodedata.normalize("NFKC", v).strip())
    plain_mobile = phones.str.fullmatch(r"1\d{10}")
    landline = phones.str.fullmatch(r"0\d{9,11}")
    return {
        "raw_rows": len(raw),
        "raw_email_completeness": raw["电子邮箱"].notna().mean(),
        "duplicates_found": int(len(raw) - truth["customer_id"].nunique()),
        "golden_records": int(truth["customer_id"].nunique()),
        "stale_customers": int(stale.sum()),
        "stale_share": float(stale.mean()),
        "raw_distinct_cities": int(raw["城市"].str.strip().nunique()),
        "raw_nonstandard_phones": int((~plain_mobile & ~landline).sum()),
        "n_standard_cities": len(re.findall(r"^  \S+市:", (CONFIG_DIR / "city_aliases.yaml")
                                           .read_text(encoding="utf-8"), re.M)),
    }


def check_run(results: dict, exp: dict) -> None:
    for key in ("raw_rows", "stale_customers", "raw_distinct_cities", "raw_nonstandard_phones"):
        assert results[key] == exp[key], key
    assert results["raw_email_completeness"] == pytest.approx(exp["raw_email_completeness"])
    assert results["stale_share"] == pytest.approx(exp["stale_share"])
    # de-duplication against the truth file: near-perfect, and the counts follow from it
    assert results["dedup_precision"] >= 0.95 and results["dedup_recall"] >= 0.9
    assert abs(results["golden_records"] - exp["golden_records"]) <= 0.02 * exp["golden_records"]
    assert results["duplicates_found"] == results["raw_rows"] - results["golden_records"]
    # cleaning: every phone usable, one spelling per city (at most the standard names + unknowns)
    assert results["clean_invalid_phones"] == 0
    assert results["clean_distinct_cities"] <= exp["n_standard_cities"]
    assert results["clean_distinct_cities"] < results["raw_distinct_cities"]
    assert results["raw_encoding"] == "gb18030"
    assert results["written_rows"] == results["golden_records"]


def bundled(run, folder: Path) -> None:
    check_run(run.results, expected(folder))
    truth = json.loads((folder / "truth.json").read_text())
    assert run.results["stale_share"] == pytest.approx(truth["stale_share"], abs=0.002)
    assert run.results["duplicates_found"] == truth["raw_export"]["duplicate_rows"]
    assert run.outputs_text().count("right.") == N_EXERCISES
    # the written file is masked and in the output folder
    written = list((run.out_dir / "output").glob("customers_golden*.csv"))
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8-sig")
    assert "****" in text
    assert not re.search(r"\b1[3-9]\d{9}\b", text)  # no full mobile number


def other_seed(run, folder: Path) -> None:
    check_run(run.results, expected(folder, stale_days=OTHER_SEED["stale_days"]))
    assert run.results["stale_days"] == 365
    assert run.outputs_text().count("right.") == N_EXERCISES


def trainee(run) -> None:
    unanswered(run, N_EXERCISES)


# ------------------------------------------------------------------------------ any export

MINIMAL_MAPPING = """
table: customers
description: 门店会员导出 (test export), GBK, only the required columns
columns: {编号: customer_id, 类型: customer_kind, 名称: name, 开户日期: signup_date}
values:
  customer_kind: {个人: individual, 企业: organisation}
"""

#: Sections a bare customer list cannot run, and the phrase each one prints.
SKIPPED_ON_BARE_LISTS = ("Skipped: How customers were acquired", "Skipped: Exercise 01.1",
                         "Skipped: The city spellings", "Skipped: precision and recall",
                         "Skipped: Keeping records current")


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _assert_skipped_and_none(run) -> None:
    text = run.outputs_text()
    for phrase in SKIPPED_ON_BARE_LISTS:
        assert phrase in text, phrase
    r = run.results
    for key in ("raw_invalid_phones", "raw_invalid_ids", "raw_email_completeness",
                "raw_distinct_cities", "dedup_precision", "stale_customers"):
        assert r[key] is None, key
    assert "Traceback" not in text and "KeyError" not in text


def minimal_gbk_export(execute, request) -> None:
    """Only the four required columns, Chinese headers, GBK, a mapping: every section that
    needs more says so; counts and completeness as plain pandas reads them."""
    folder = request.getfixturevalue("tmp_path")
    export = pd.DataFrame({
        "编号": [f"K{i:03d}" for i in range(1, 9)],
        "类型": ["个人", "企业", "个人", "个人", "企业", "个人", "个人", "企业"],
        "名称": ["王小明", "杭州顺达贸易有限公司", "李华", "王小明", None, "赵敏", "孙丽", "顺达商行"],
        "开户日期": ["2023-01-05", "2022-07-01", "2024-03-09", "2023-01-05", "2021-11-30",
                 "2020-02-02", "2019-09-09", "2018-08-08"],
    })
    path, mapping = folder / "会员导出.csv", folder / "members.yaml"
    export.to_csv(path, index=False, encoding="gbk")
    mapping.write_text(MINIMAL_MAPPING, encoding="utf-8")
    before = {p: _digest(p) for p in (path, mapping)}
    run = execute("01", customers_file=str(path), customers_mapping=str(mapping),
                  on_invalid="keep", output_dir=str(folder / "out"))
    r = run.results
    plain = pd.read_csv(path, dtype=str, encoding="gbk")
    assert r["raw_rows"] == r["raw_rows_read"] == len(plain) == 8
    assert r["raw_encoding"] in ("gb18030", "gbk")
    assert r["raw_completeness"] == pytest.approx({
        course: float(plain[zh].notna().mean()) for zh, course in
        [("编号", "customer_id"), ("类型", "customer_kind"), ("名称", "name"),
         ("开户日期", "signup_date")]})
    assert r["raw_completeness"]["name"] == pytest.approx(7 / 8)
    # no blocking column (phone, ID number, e-mail, city): nothing is compared or merged
    assert r["candidate_pairs"] == 0 and r["golden_records"] == r["written_rows"] == 8
    _assert_skipped_and_none(run)
    assert r["role_columns"] <= 4
    written = (folder / "out" / "customers_golden.csv").read_text(encoding="utf-8-sig")
    assert "王小明" not in written and "李华" not in written           # masked names
    for p, digest in before.items():
        assert _digest(p) == digest, p


def credit_default_as_customer_export(execute, request) -> None:
    """UCI credit default (30,000 card holders) through mappings/credit_default_customers.yaml:
    an anonymised file without names, dates, phones or cities."""
    path = shared_file(*CREDIT_DEFAULT)
    before = _digest(path)
    out = request.getfixturevalue("tmp_path") / "out"
    run = execute("01", customers_file=str(path),
                  customers_mapping=str(MAPPINGS_DIR / "credit_default_customers.yaml"),
                  on_invalid="keep", output_dir=str(out))
    r = run.results
    plain = pd.read_csv(path, header=1, dtype=str, encoding="utf-8-sig")
    assert r["raw_rows"] == r["raw_rows_read"] == len(plain) == 30_000
    completeness = r["raw_completeness"]
    assert completeness["customer_id"] == completeness["gender"] == 1.0
    assert completeness["name"] == completeness["signup_date"] == 0.0   # not in the file
    assert completeness["marital_status"] == pytest.approx(
        float(plain["MARRIAGE"].isin(["1", "2"]).mean()))               # 0 and 3 fit no value
    assert completeness["LIMIT_BAL"] == 1.0                            # extra columns audited too
    assert r["raw_invalid"]["customer_id"] == 0
    assert plain["ID"].is_unique and r["golden_records"] == 30_000 == r["written_rows"]
    assert r["candidate_pairs"] == 0 and r["duplicates_found"] == 0
    _assert_skipped_and_none(run)
    assert "30000 row(s) have no name" in run.outputs_text()            # the load report says so
    assert _digest(path) == before


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [minimal_gbk_export, credit_default_as_customer_export]
