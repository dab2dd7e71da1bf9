"""helpers.capstone._segments: RFM segments with life cycle, and value tiers."""

from __future__ import annotations

import pytest

from helpers.capstone import has_costs, segment_customers, value_table
from helpers.data import CourseData
from tests.capstone.conftest import AS_OF


def test_segment_customers_counts_valid_buyers_and_life_cycle(small):
    result = segment_customers(small)
    seg = result.table
    tx = small.transactions
    valid = tx[(tx["amount"] >= 0) & ~tx["is_return"] & (tx["purchase_date"] <= AS_OF)]
    assert set(seg.index) == set(valid["customer_id"])      # no 'refund', no 'late'
    assert seg["life_cycle"].to_dict() == {"active": "active", "atrisk": "at risk",
                                           "lapsed": "lapsed", "new": "new"}
    assert seg["segment"].notna().all()
    assert result.exclusions["returns"] == 1
    assert seg.loc["active", "monetary_total"] == pytest.approx(120.0)


def test_value_table_uses_profit_only_when_costs_are_known(small):
    seg = segment_customers(small)
    val = value_table(small, seg, tier_cuts=(0.5,), tier_labels=("low", "high"))
    assert val.basis == "revenue" and not val.by_profit
    assert "no cost column" in val.note
    assert val.table["profit"].isna().all()
    top = seg.table["monetary_total"].idxmax()
    assert val.table.loc[top, "tier"] == "high"
    costed = small.transactions.assign(cost=small.transactions["amount"].abs() * 0.5)
    data = CourseData(data_dir=AS_OF, as_of=AS_OF, transactions=costed,
                      customers=small.customers)
    assert has_costs(costed) and not has_costs(small.transactions)
    val2 = value_table(data, seg)
    assert val2.basis == "profit" and val2.by_profit
    assert val2.table["profit"].notna().all()
    # gross margin 50% minus 25 per order (default cost rates): 'active' had 2 orders of 120
    assert val2.table.loc["active", "profit"] == pytest.approx(120 * 0.5 - 2 * 25.0)
