"""Notebook 01 (collecting customer information).

Independent checks: the raw export is read with plain pandas (GBK), the duplicates and cities
counted from crm_export_truth.csv and the city alias file, the stale share recomputed from
customers.csv with date arithmetic.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from helpers.paths import CONFIG_DIR

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
    assert run.outputs_text().count("right.") == 4
    # the written file is masked and in the output folder
    written = list((run.out_dir / "output").glob("customers_golden*.csv"))
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8-sig")
    assert "****" in text
    assert not re.search(r"\b1[3-9]\d{9}\b", text)  # no full mobile number


def other_seed(run, folder: Path) -> None:
    check_run(run.results, expected(folder, stale_days=OTHER_SEED["stale_days"]))
    assert run.results["stale_days"] == 365
    assert run.outputs_text().count("right.") == 4


def trainee(run) -> None:
    text = run.outputs_text()
    assert text.count("not answered") == 4 and "right." not in text
