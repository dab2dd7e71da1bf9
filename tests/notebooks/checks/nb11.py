"""Notebook 11 (capstone on your own data): bundled data, another seed, a foreign GB18030 export
with Chinese headers and a mapping, and the real UCI Online Retail file.

The expected numbers are computed here with plain pandas from the raw files, not with the
helpers the notebook calls.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.paths import MAPPINGS_DIR
from tests.conftest import ALT_SEED, ONLINE_RETAIL, shared_file
from tests.notebooks.checks import unanswered

MASKED_PHONE = r"^\d{3}\*{4}\d{4}$"


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _valid_buyers(tx: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Purchases the course counts: a customer, not a return, amount >= 0, by the as-of day."""
    amount = pd.to_numeric(tx["amount"], errors="coerce")
    is_return = tx["is_return"].astype(str).str.lower().isin(["true", "1"])
    when = pd.to_datetime(tx["purchase_date"])
    keep = tx["customer_id"].notna() & (amount >= 0) & ~is_return & \
        (when < as_of + pd.Timedelta(days=1))
    return tx.loc[keep].assign(amount=amount[keep], day=when[keep].dt.normalize())


def _expected_from_folder(folder: Path) -> dict:
    tx = pd.read_csv(folder / "transactions.csv", dtype={"customer_id": str})
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    valid = _valid_buyers(tx, as_of)
    inv = pd.read_csv(folder / "invoices.csv", parse_dates=["issue_date"])
    pay = pd.read_csv(folder / "payments.csv", parse_dates=["payment_date"])
    inv = inv[inv["issue_date"] <= as_of]
    paid = pay[pay["payment_date"] <= as_of].groupby("invoice_id")["amount"].sum()
    balance = (inv["amount"] - inv["invoice_id"].map(paid).fillna(0)).clip(lower=0)
    return {
        "as_of": as_of,
        "rows": len(tx),
        "customers": set(valid["customer_id"]),
        "revenue": float(valid["amount"].sum()),
        "repeat": int(valid.groupby("customer_id")["day"].nunique().gt(1).sum()),
        "open_balance": float(balance.sum()),
        "names": set(pd.read_csv(folder / "customers.csv", dtype=str)["name"].dropna()),
    }


def _check_common(run, expected_customers: set, exported: Path) -> pd.DataFrame:
    r = run.results
    n = len(expected_customers)
    assert r["n_exported"] == n == r["n_segmented"]
    assert sum(r["segment_counts"].values()) == n
    assert sum(r["tier_counts"].values()) == n
    assert sum(r["life_cycle_counts"].values()) == n
    assert sum(r["strategy_counts"].values()) == n
    assert r["checks_ok"] is True
    out = pd.read_csv(exported, dtype={"customer_id": str}, encoding="utf-8-sig")
    assert len(out) == n and set(out["customer_id"]) == expected_customers
    assert out["recommended_action"].notna().all()
    return out


def _assert_masked(out: pd.DataFrame, names: set) -> None:
    assert "name" in out.columns and "phone" in out.columns
    assert not set(out["name"].dropna()) & names
    assert out["name"].dropna().str.contains(r"\*").all()
    assert out["phone"].dropna().astype(str).str.match(MASKED_PHONE).mean() > 0.9


# ------------------------------------------------------------------------------ bundled data


def bundled(run, folder: Path) -> None:
    exp = _expected_from_folder(folder)
    r = run.results
    assert r["as_of"] == str(exp["as_of"].date())
    assert r["rows_read"]["transactions"] == exp["rows"]
    assert r["total_revenue"] == pytest.approx(exp["revenue"], rel=1e-9)
    assert r["n_repeat_buyers"] == exp["repeat"] == r["clv_n_repeat"]
    assert r["tier_basis"] == "profit" and r["clv_fitted"] is True
    assert r["receivables"] is True
    assert r["open_balance"] == pytest.approx(exp["open_balance"], abs=1.0)
    assert 0 < r["queue_minutes"] <= 3 * 6.0 * 60
    assert all(r["sections_ran"].values())
    out = _check_common(run, exp["customers"], run.out_dir / "output" / r["customers_file"])
    _assert_masked(out, exp["names"])
    assert (run.out_dir / "output" / r["queue_file"]).is_file()
    assert out["clv"].sum() == pytest.approx(r["clv_total"], rel=1e-4)
    check_exercises(run)


#: 11.1-11.4 read the export; 11.5 predicts the top fifth's revenue share before section 4
#: (predict then run), 11.6 computes it (small analysis), 11.7 a multiple choice on dropped rows.
EXERCISES = tuple(f"11.{k}" for k in range(1, 8))


def check_exercises(run) -> None:
    text = run.rich_text()
    for k in EXERCISES:
        assert f"Exercise {k}: right" in text, k
    assert "not yet" not in text and "not what happened" not in text


def other_seed(run, folder: Path) -> None:
    exp = _expected_from_folder(folder)
    r = run.results
    assert r["as_of"] == str(exp["as_of"].date())
    assert r["total_revenue"] == pytest.approx(exp["revenue"], rel=1e-9)
    assert r["n_repeat_buyers"] == exp["repeat"]
    assert r["open_balance"] == pytest.approx(exp["open_balance"], abs=1.0)
    out = _check_common(run, exp["customers"], run.out_dir / "output" / r["customers_file"])
    _assert_masked(out, exp["names"])
    check_exercises(run)


def trainee(run) -> None:
    unanswered(run, EXERCISES)
    assert run.results["n_exported"] == run.results["n_segmented"]


# ------------------------------------------------------------------------------ foreign export

FOREIGN_MAPPING_TX = """
table: transactions
description: 门店收银系统导出 (test export), GB18030, semicolons
read: {encoding: gb18030, sep: ";"}
columns:
  单据号: order_id
  会员编号: customer_id
  销售时间: purchase_date
  件数: quantity
  实收金额: amount
  退货: is_return
  备注: null
formats:
  purchase_date: "%Y/%m/%d %H:%M"
values:
  is_return: {是: true, 否: false}
"""

FOREIGN_MAPPING_CUST = """
table: customers
read: {encoding: gb18030, sep: ";"}
columns:
  会员编号: customer_id
  会员类型: customer_kind
  会员姓名: name
  手机号码: phone
  入会日期: signup_date
values:
  customer_kind: {个人: individual, 企业: organisation}
"""


@pytest.fixture(scope="session")
def foreign(tmp_path_factory, bundled_dir):
    """The bundled sales and customers as another system would export them."""
    folder = tmp_path_factory.mktemp("foreign")
    tx = pd.read_csv(bundled_dir / "transactions.csv", dtype={"customer_id": str})
    cust = pd.read_csv(bundled_dir / "customers.csv", dtype=str)
    when = pd.to_datetime(tx["purchase_date"])
    export = pd.DataFrame({
        "单据号": tx["order_id"],
        "会员编号": tx["customer_id"],
        "销售时间": when.dt.strftime("%Y/%m/%d %H:%M"),
        "件数": tx["quantity"],
        "实收金额": tx["amount"].map(lambda v: f"{v:.2f}"),
        "退货": np.where(tx["is_return"].astype(str).str.lower() == "true", "是", "否"),
        "备注": "无",
    })
    bad = pd.DataFrame({"单据号": ["X1", "X2"], "会员编号": [tx["customer_id"].iloc[0], ""],
                        "销售时间": ["2025/05/01 10:00", "2025/05/02 11:00"],
                        "件数": [1, 1], "实收金额": ["十元", "12.00"], "退货": ["否", "否"],
                        "备注": ["坏行", "坏行"]})
    export = pd.concat([export.iloc[:100], bad, export.iloc[100:]], ignore_index=True)
    members = pd.DataFrame({
        "会员编号": cust["customer_id"],
        "会员类型": cust["customer_kind"].map({"individual": "个人", "organisation": "企业"}),
        "会员姓名": cust["name"],
        "手机号码": cust["phone"],
        "入会日期": cust["signup_date"],
    })
    paths = {"tx": folder / "销售明细.csv", "cust": folder / "会员资料.csv",
             "tx_map": folder / "pos_sales.yaml", "cust_map": folder / "pos_members.yaml"}
    export.to_csv(paths["tx"], sep=";", index=False, encoding="gb18030")
    members.to_csv(paths["cust"], sep=";", index=False, encoding="gb18030")
    paths["tx_map"].write_text(FOREIGN_MAPPING_TX, encoding="utf-8")
    paths["cust_map"].write_text(FOREIGN_MAPPING_CUST, encoding="utf-8")
    as_of = when.max().normalize()
    valid = _valid_buyers(tx, as_of)
    return {**paths, "hashes": {k: _digest(v) for k, v in paths.items()},
            "customers": set(valid["customer_id"]), "revenue": float(valid["amount"].sum()),
            "rows": len(export), "as_of": as_of, "names": set(cust["name"].dropna()),
            "out": folder / "crm_output"}


def _foreign_params(f, **extra):
    return {"transactions_file": str(f["tx"]), "transactions_mapping": str(f["tx_map"]),
            "customers_file": str(f["cust"]), "customers_mapping": str(f["cust_map"]),
            "output_dir": str(f["out"]), **extra}


def foreign_export(execute, request) -> None:
    foreign = request.getfixturevalue("foreign")
    run = execute("11", **_foreign_params(foreign))
    r = run.results
    assert r["tables"] == ["customers", "transactions"]
    assert r["as_of"] == str(foreign["as_of"].date())
    assert r["rows_read"]["transactions"] == foreign["rows"]
    assert r["rows_dropped"]["transactions"] == 2           # unreadable amount, no member id
    assert r["total_revenue"] == pytest.approx(foreign["revenue"], rel=1e-9)
    assert r["tier_basis"] == "revenue" and r["total_profit"] is None
    assert r["receivables"] is False and r["queue_file"] is None
    assert r["sections_ran"]["aging"] is False and r["sections_ran"]["lifetime value"] is True
    assert r["customers_file"] == "capstone_customers.csv"
    out = _check_common(run, foreign["customers"], foreign["out"] / r["customers_file"])
    _assert_masked(out, foreign["names"])
    assert "Receivables skipped" in run.outputs_text()
    for key, digest in foreign["hashes"].items():          # inputs only ever read
        assert _digest(foreign[key]) == digest, key


def foreign_export_second_run_never_overwrites(execute, request) -> None:
    foreign = request.getfixturevalue("foreign")
    first = execute("11", **_foreign_params(foreign))
    first_file = foreign["out"] / first.results["customers_file"]
    before = _digest(first_file)
    second = execute("11", **_foreign_params(foreign, seed=ALT_SEED))
    assert second.results["customers_file"] == "capstone_customers-2.csv"
    assert _digest(first_file) == before
    assert "never overwritten" in second.outputs_text()
    assert second.results["n_exported"] == first.results["n_exported"]


# ------------------------------------------------------------------------------ Online Retail


def online_retail(execute, request) -> None:
    path = shared_file(*ONLINE_RETAIL)
    before = _digest(path)
    run = execute("11", transactions_file=str(path),
                  transactions_mapping=str(MAPPINGS_DIR / "online_retail.yaml"))
    raw = pd.read_csv(path, dtype={"InvoiceNo": str, "CustomerID": str})
    amount = raw["Quantity"] * raw["UnitPrice"]
    valid = raw[raw["CustomerID"].notna() & ~raw["InvoiceNo"].str.startswith("C") & (amount >= 0)]
    ids = set(valid["CustomerID"].str.replace(r"\.0$", "", regex=True))
    r = run.results
    assert r["rows_read"]["transactions"] == len(raw) == 541_909
    assert r["rows_dropped"]["transactions"] == int(raw["CustomerID"].isna().sum()) == 135_080
    assert r["as_of"] == "2011-12-09"
    assert r["total_revenue"] == pytest.approx(float(amount[valid.index].sum()), rel=1e-6)
    days = pd.to_datetime(valid["InvoiceDate"]).dt.normalize()
    assert r["n_repeat_buyers"] == int(days.groupby(valid["CustomerID"]).nunique().gt(1).sum())
    assert r["tier_basis"] == "revenue" and r["clv_fitted"] is True
    assert r["receivables"] is False
    out = _check_common(run, ids, run.out_dir / "output" / r["customers_file"])
    assert "name" not in out.columns                       # no customers table: no personal data
    assert _digest(path) == before


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [foreign_export, foreign_export_second_run_never_overwrites, online_retail]
