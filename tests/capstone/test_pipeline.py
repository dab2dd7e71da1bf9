"""Unit and bad-input tests for helpers.capstone.pipeline (the glue of notebook 11)."""

from __future__ import annotations

import hashlib
import time

import numpy as np
import pandas as pd
import pytest

from helpers.capstone import pipeline as cp
from helpers.data.loading import CourseData, DataProblem, write_table

AS_OF = pd.Timestamp("2025-06-30")


def _tx(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "purchase_date", "amount"])
    frame["purchase_date"] = pd.to_datetime(frame["purchase_date"])
    frame.insert(0, "transaction_id", [f"T{i}" for i in range(len(frame))])
    frame["is_return"] = frame["amount"] < 0
    return frame


@pytest.fixture()
def small() -> CourseData:
    """Five customers whose life-cycle stage is known by construction, plus a return."""
    tx = _tx([
        ("new", "2025-06-01", 100.0),                                   # first bought 29 days ago
        ("active", "2024-12-01", 50.0), ("active", "2025-06-20", 70.0),
        ("atrisk", "2024-10-01", 30.0), ("atrisk", "2025-02-15", 40.0),  # last 135 days ago
        ("lapsed", "2024-05-01", 20.0), ("lapsed", "2024-09-01", 25.0),  # last 302 days ago
        ("refund", "2025-05-01", -60.0),                                 # only a return
        ("late", "2025-07-05", 90.0),                                    # after as_of
    ])
    customers = pd.DataFrame({"customer_id": ["new", "active", "atrisk", "prospect"],
                              "name": ["王小明", "李四海", "张三丰", "赵六一"],
                              "phone": ["13812345678", "13912345678", "13712345678",
                                        "13612345678"]})
    return CourseData(data_dir=AS_OF, as_of=AS_OF, transactions=tx, customers=customers)


def _synthetic_buyers(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    rows = []
    for i in range(n):
        k = int(rng.poisson(2.0)) + 1
        days = np.sort(rng.integers(0, 400, k))
        for d in days:
            rows.append((f"C{i:04d}", first[i] + pd.Timedelta(days=int(d)),
                         float(rng.gamma(2.0, 50.0))))
    tx = _tx(rows)
    return tx[tx["purchase_date"] <= AS_OF].reset_index(drop=True)


# ------------------------------------------------------------------------------ loading


def test_load_inputs_refuses_bad_combinations(tmp_path):
    with pytest.raises(DataProblem, match="unknown table"):
        cp.load_inputs({"orders": "x.csv"})
    with pytest.raises(DataProblem, match="mapping is given for \\['customers'\\]"):
        cp.load_inputs({"transactions": "x.csv"}, {"customers": "m.yaml"})
    with pytest.raises(DataProblem, match="not for transactions"):
        cp.load_inputs({"customers": "c.csv"})
    with pytest.raises(DataProblem, match="does not exist"):
        cp.load_inputs({"transactions": tmp_path / "missing.csv"})
    with pytest.raises(DataProblem, match="does not exist"):
        cp.load_inputs(data_dir=tmp_path / "nowhere")
    with pytest.raises(DataProblem, match="no transactions file"):
        cp.load_inputs(data_dir=tmp_path)


def test_load_inputs_drops_bad_rows_reads_as_of_and_leaves_file_alone(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("客户编号,交易时间,金额\nA,2025-01-03,10\nB,2025-02-10,abc\n,2025-03-01,5\n"
                    "A,2025-03-04,7\n", encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    data = cp.load_inputs({"transactions": path})
    assert len(data.transactions) == 2                       # the unreadable and empty rows
    assert data.transactions.attrs["load_report"].n_dropped == 2
    assert data.as_of == pd.Timestamp("2025-03-04")         # latest date in the data
    assert data.customers is None and data.invoices is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    overview = cp.load_overview(data)
    assert overview.loc["transactions", ["rows_read", "rows_kept", "rows_dropped"]].tolist() == \
        [4, 2, 2]
    assert cp.load_inputs({"transactions": path}, as_of="2025-12-31").as_of == \
        pd.Timestamp("2025-12-31")
    with pytest.raises(DataProblem, match="not a date"):
        cp.load_inputs({"transactions": path}, as_of="end of year")
    with pytest.raises(DataProblem, match="Cannot load"):
        cp.load_inputs({"transactions": path}, on_invalid="raise")


def test_quality_overview_has_one_row_per_table(small):
    q = cp.quality_overview(small)
    assert list(q.index) == ["customers", "transactions"]
    assert q.loc["transactions", "rows"] == len(small.transactions)
    assert q.loc["customers", "duplicate_keys"] == 0


# ------------------------------------------------------------------------------ segments


def test_customer_base_adds_buyers_missing_from_customers(small):
    base = cp.customer_base(small)
    expected = set(small.customers["customer_id"]) | set(small.transactions["customer_id"])
    assert set(base["customer_id"]) == expected
    assert base["customer_id"].is_unique
    alone = cp.customer_base(CourseData(data_dir=AS_OF, as_of=AS_OF,
                                        transactions=small.transactions))
    assert set(alone["customer_id"]) == set(small.transactions["customer_id"])


def test_segment_customers_counts_valid_buyers_and_life_cycle(small):
    seg = cp.segment_customers(small)
    tx = small.transactions
    valid = tx[(tx["amount"] >= 0) & ~tx["is_return"] & (tx["purchase_date"] <= AS_OF)]
    assert set(seg.index) == set(valid["customer_id"])      # no 'refund', no 'late'
    assert seg["life_cycle"].to_dict() == {"active": "active", "atrisk": "at risk",
                                           "lapsed": "lapsed", "new": "new"}
    assert seg["segment"].notna().all()
    assert seg.attrs["exclusions"]["returns"] == 1
    assert seg.loc["active", "monetary_total"] == pytest.approx(120.0)


def test_value_table_uses_profit_only_when_costs_are_known(small):
    seg = cp.segment_customers(small)
    val = cp.value_table(small, seg, tier_cuts=(0.5,), tier_labels=("low", "high"))
    assert val.attrs["tier_basis"] == "revenue"
    assert val["profit"].isna().all()
    top = seg["monetary_total"].idxmax()
    assert val.loc[top, "tier"] == "high"
    costed = small.transactions.assign(cost=small.transactions["amount"].abs() * 0.5)
    data = CourseData(data_dir=AS_OF, as_of=AS_OF, transactions=costed,
                      customers=small.customers)
    val2 = cp.value_table(data, seg)
    assert val2.attrs["tier_basis"] == "profit"
    assert val2["profit"].notna().all()
    # gross margin 50% minus 25 per order (default cost rates): 'active' had 2 orders of 120
    assert val2.loc["active", "profit"] == pytest.approx(120 * 0.5 - 2 * 25.0)


# ------------------------------------------------------------------------------ CLV


def test_clv_skipped_with_a_reason_when_history_is_short(small):
    res = cp.clv_table(small, min_repeat_buyers=100)
    assert not res.fitted and res.table is None
    assert "only 3 customer(s) bought more than once" in res.note


def test_clv_fitted_on_a_sample_predicts_everyone(bundled_dir):
    from helpers.data.loading import load_table

    tx = load_table(bundled_dir / "transactions.csv", "transactions")
    data = CourseData(data_dir=bundled_dir, as_of=pd.Timestamp("2025-12-31"), transactions=tx)
    res = cp.clv_table(data, min_repeat_buyers=50, max_fit_customers=1000, seed=1)
    assert res.fitted and res.n_fit == 1000
    assert "random sample of 1,000" in res.note
    valid = tx[(tx["amount"] >= 0) & ~tx["is_return"].fillna(False)]
    assert len(res.table) == valid["customer_id"].nunique()
    assert res.table["clv"].notna().all() and (res.table["clv"] >= 0).all()
    days = valid.assign(day=valid["purchase_date"].dt.normalize())
    assert res.n_repeat == int(days.groupby("customer_id")["day"].nunique().gt(1).sum())
    # the sample's fit is close to the full fit: CLV totals within 15 %
    full = cp.clv_table(data, min_repeat_buyers=50)
    assert full.n_fit == len(res.table)
    assert res.table["clv"].sum() == pytest.approx(full.table["clv"].sum(), rel=0.15)


def test_clv_degenerate_history_gets_a_note_not_a_crash():
    tx = _synthetic_buyers(600)        # Poisson buyers who never drop out: BG/NBD diverges
    data = CourseData(data_dir=AS_OF, as_of=AS_OF, transactions=tx)
    res = cp.clv_table(data, min_repeat_buyers=50)
    assert not res.fitted and res.table is None
    assert res.note.startswith("CLV skipped: the fitted models give no usable value")


# ------------------------------------------------------------------------------ receivables


def test_collection_plan_skips_without_invoices(small):
    res = cp.collection_plan(small)
    assert not res.available and res.queue is None
    assert "no invoices and no payments" in res.note


def test_collection_plan_on_bundled_data_matches_plain_pandas():
    data = cp.load_inputs()
    res = cp.collection_plan(data, capacity_minutes=600)
    inv = data.invoices[data.invoices["issue_date"] <= data.as_of]
    pay = data.payments[data.payments["payment_date"] <= data.as_of]
    paid = pay.groupby("invoice_id")["amount"].sum()
    balance = (inv["amount"] - inv["invoice_id"].map(paid).fillna(0)).clip(lower=0)
    assert res.items["balance"].sum() == pytest.approx(float(balance.sum()), abs=1.0)
    assert int((balance > 0.005).sum()) == len(res.items)
    assert res.queue["effort_minutes"].sum() <= 600
    assert res.queue["rank"].tolist() == list(range(1, len(res.queue) + 1))


# ------------------------------------------------------------------------------ CRM export


def test_crm_table_and_checks(small, tmp_path):
    seg = cp.segment_customers(small)
    val = cp.value_table(small, seg)
    crm = cp.crm_customer_table(small, seg, val)
    assert len(crm) == len(seg) and crm["customer_id"].is_unique
    assert crm["segment"].value_counts().sum() == len(seg)
    assert crm["recommended_action"].notna().all() and crm["segment_zh"].notna().all()
    assert "profit" not in crm.columns and "clv" not in crm.columns
    assert crm.loc[crm["customer_id"] == "new", "name"].item() == "王小明"
    assert pd.isna(crm.loc[crm["customer_id"] == "lapsed", "name"].item())

    masked = write_table(crm, "crm", output_dir=tmp_path)
    checks = cp.crm_checks(crm, masked).set_index("check")
    assert checks["ok"].all(), checks
    assert "王小明" not in masked.read_text(encoding="utf-8-sig")

    clear = write_table(crm, "crm", output_dir=tmp_path, reveal_personal=True)
    assert clear.name == "crm-2.csv"                         # never overwritten
    bad = cp.crm_checks(crm, clear).set_index("check")
    assert not bad.loc["personal data masked", "ok"]
    assert not cp.crm_checks(crm, clear, reveal_personal=True).set_index("check").loc[
        "personal data masked", "ok"]
    broken = crm.assign(tier=crm["tier"].where(crm.index > 0))
    assert not cp.crm_checks(broken).set_index("check").loc["every row has a tier", "ok"]


def test_section_status_says_why(small):
    seg = cp.segment_customers(small)
    val = cp.value_table(small, seg)
    status = cp.section_status(small, val, cp.clv_table(small), cp.collection_plan(small))
    assert not status.loc["profit", "ran"] and not status.loc["aging", "ran"]
    assert status.loc["lifetime value", "why"].startswith("CLV skipped")


# ------------------------------------------------------------------------------ widget


def test_action_view_matches_pandas_and_is_fast():
    rng = np.random.default_rng(3)
    n = 100_000
    crm = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "segment": rng.choice(["champions", "loyal", "lost"], n),
        "tier": rng.choice(["low", "silver", "gold", "diamond"], n),
        "revenue": rng.gamma(2, 100, n), "clv": rng.gamma(2, 30, n),
        "strategy": rng.choice(["high_value", "low_activity"], n),
        "recommended_action": "call",
    })
    start = time.perf_counter()
    view = cp.action_view(crm, "loyal", "gold")
    elapsed = time.perf_counter() - start
    sel = crm[(crm["segment"] == "loyal") & (crm["tier"] == "gold")]
    assert view["customers"] == len(sel)
    assert view["clv"] == pytest.approx(sel["clv"].sum())
    assert view["strategies"].sum() == len(sel)
    assert elapsed < 0.1
    assert cp.action_view(crm)["customers"] == n
    assert cp.action_view(crm.drop(columns="clv"))["clv"] is None


def test_widget_and_plot_build(small):
    import matplotlib

    matplotlib.use("Agg")
    seg = cp.segment_customers(small)
    crm = cp.crm_customer_table(small, seg, cp.value_table(small, seg))
    assert cp.explore_actions(crm) is not None
    ax = cp.plot_segment_tiers(crm)
    assert ax.get_xlabel() == "value tier"
