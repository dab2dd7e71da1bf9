"""helpers.capstone._lifetime: CLV when the history allows it, a note when it does not."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.capstone import clv_table
from helpers.data import CourseData, load_table
from tests.capstone.conftest import AS_OF, synthetic_buyers


def test_clv_skipped_with_a_reason_when_history_is_short(small):
    res = clv_table(small, min_repeat_buyers=100)
    assert not res.fitted and res.table is None
    assert "only 3 customer(s) bought more than once" in res.note


def test_clv_fitted_on_a_sample_predicts_everyone(bundled_dir):
    tx = load_table(bundled_dir / "transactions.csv", "transactions")
    data = CourseData(data_dir=bundled_dir, as_of=pd.Timestamp("2025-12-31"), transactions=tx)
    res = clv_table(data, min_repeat_buyers=50, max_fit_customers=1000, seed=1)
    assert res.fitted and res.n_fit == 1000
    assert "random sample of 1,000" in res.note
    valid = tx[(tx["amount"] >= 0) & ~tx["is_return"].fillna(False)]
    assert len(res.table) == valid["customer_id"].nunique()
    assert res.table["clv"].notna().all() and (res.table["clv"] >= 0).all()
    days = valid.assign(day=valid["purchase_date"].dt.normalize())
    assert res.n_repeat == int(days.groupby("customer_id")["day"].nunique().gt(1).sum())
    # the sample's fit is close to the full fit: CLV totals within 15 %
    full = clv_table(data, min_repeat_buyers=50)
    assert full.n_fit == len(res.table)
    assert res.table["clv"].sum() == pytest.approx(full.table["clv"].sum(), rel=0.15)


def test_clv_degenerate_history_gets_a_note_not_a_crash():
    tx = synthetic_buyers(600)        # Poisson buyers who never drop out: BG/NBD diverges
    data = CourseData(data_dir=AS_OF, as_of=AS_OF, transactions=tx)
    res = clv_table(data, min_repeat_buyers=50)
    assert not res.fitted and res.table is None
    assert res.note.startswith("CLV skipped: the fitted models give no usable value")
