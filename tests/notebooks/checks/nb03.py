"""Notebook 03 (RFM, migration, cohorts): bundled data, another seed, and Online Retail.

Expected numbers come from plain pandas (bundled data) and from a DuckDB query (Online Retail),
written here independently of helpers.segments.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.paths import MAPPINGS_DIR
from tests.conftest import ONLINE_RETAIL, shared_file


def expected(folder: Path) -> dict:
    tx = pd.read_csv(folder / "transactions.csv", dtype={"customer_id": str})
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    tx["day"] = pd.to_datetime(tx["purchase_date"], format="mixed").dt.normalize()
    returns = tx["amount"] < 0
    if "is_return" in tx:
        returns |= tx["is_return"].astype(str).str.lower().isin(["true", "1"])
    buys = tx[~returns & (tx["day"] <= as_of) & tx["customer_id"].notna()]
    days = buys.groupby("customer_id")["day"].nunique()
    spend = buys.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top = int(np.ceil(0.2 * len(spend)))
    return {
        "n_customers": len(days),
        "n_repeat_buyers": int((days > 1).sum()),
        "total_revenue": float(buys["amount"].sum()),
        "mean_orders": float(days.mean()),
        "top20_share": float(spend.iloc[:top].sum() / spend.sum()),
        "as_of": str(as_of.date()),
        "excluded_returns": int((returns & tx["customer_id"].notna()
                                 & tx["day"].notna()).sum()),
    }


def check_run(results: dict, exp: dict, truth: dict | None = None) -> None:
    for key in ("n_customers", "n_repeat_buyers", "as_of"):
        assert results[key] == exp[key], key
    for key in ("total_revenue", "mean_orders", "top20_share"):
        assert results[key] == pytest.approx(exp[key], rel=1e-9), key
    assert results["excluded"]["returns"] == exp["excluded_returns"]
    assert sum(results["segment_counts"].values()) == exp["n_customers"]
    # the later snapshot covers everybody seen by then, so the matrix counts every customer once
    assert results["migration_total"] == exp["n_customers"]
    assert results["n_before"] < exp["n_customers"]
    assert 0 <= results["champions_kept"] <= 1
    assert 0 < results["champions_revenue_share"] < 1
    assert 0 <= results["month1_retention"] <= 1
    if truth and "top20_revenue_share" in truth:
        # the generator's planted figure uses net revenue (returns included); ours is gross
        assert results["top20_share"] == pytest.approx(truth["top20_revenue_share"], abs=0.02)


def bundled(run, folder: Path) -> None:
    truth = json.loads((folder / "truth.json").read_text())
    text = run.outputs_text()
    assert text.count(": right.") >= 4 and "not yet" not in text  # solutions pass checks
    check_run(run.results, expected(folder), truth)
    assert list((run.out_dir / "output").glob("rfm_segments*.csv"))


def other_seed(run, folder: Path) -> None:
    check_run(run.results, expected(folder), json.loads((folder / "truth.json").read_text()))


def trainee(run) -> None:
    text = run.outputs_text()
    assert text.count("not answered") >= 4 and "right." not in text


ONLINE_RETAIL_MAPPING = """\
table: transactions
description: UCI Online Retail, one row per invoice line
columns:
  InvoiceNo: order_id
  CustomerID: customer_id
  InvoiceDate: purchase_date
  Quantity: quantity
derive:
  amount: {multiply: [Quantity, UnitPrice]}
  is_return: {startswith: [InvoiceNo, C]}
  transaction_id: row_number
"""


def online_retail_against_duckdb(execute, request) -> None:
    """The analyst path: a real export, a mapping file, papermill parameters."""
    duckdb = pytest.importorskip("duckdb")
    path = shared_file(*ONLINE_RETAIL)
    mapping = MAPPINGS_DIR / "online_retail.yaml"
    if not mapping.exists():  # the project's own mapping, else the one written here
        mapping = request.getfixturevalue("tmp_path_factory").mktemp("mapping") / \
            "online_retail.yaml"
        mapping.write_text(ONLINE_RETAIL_MAPPING, encoding="utf-8")
    run = execute("03", transactions_file=str(path), mapping_file=str(mapping),
                  as_of="2011-12-09", on_invalid="drop")
    ref = duckdb.sql(f"""
        WITH raw AS (
            SELECT CAST(CustomerID AS VARCHAR) AS customer_id,
                   CAST(InvoiceDate AS DATE) AS day,
                   Quantity * UnitPrice AS amount
            FROM read_csv('{path}', all_varchar=false)
            WHERE CustomerID IS NOT NULL AND NOT starts_with(CAST(InvoiceNo AS VARCHAR), 'C')
              AND Quantity * UnitPrice >= 0),
        per AS (SELECT customer_id, COUNT(DISTINCT day) AS days, SUM(amount) AS spend
                FROM raw GROUP BY customer_id)
        SELECT COUNT(*) AS n_customers, SUM(CASE WHEN days > 1 THEN 1 ELSE 0 END) AS repeat,
               SUM(spend) AS revenue, AVG(days) AS mean_orders
        FROM per
    """).fetchall()[0]
    n_customers, repeat, revenue, mean_orders = ref
    r = run.results
    assert r["n_customers"] == n_customers
    assert r["n_repeat_buyers"] == repeat
    assert r["total_revenue"] == pytest.approx(revenue, rel=1e-9)
    assert r["mean_orders"] == pytest.approx(mean_orders, rel=1e-9)
    assert r["migration_total"] == n_customers


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [online_retail_against_duckdb]
