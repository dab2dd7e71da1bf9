"""helpers.capstone._collection: aging and the collection queue, or a note."""

from __future__ import annotations

import pytest

from helpers.capstone import collection_plan, load_inputs


def test_collection_plan_skips_without_invoices(small):
    res = collection_plan(small)
    assert not res.available and res.queue is None
    assert "no invoices and no payments" in res.note


def test_collection_plan_on_bundled_data_matches_plain_pandas():
    data = load_inputs()
    res = collection_plan(data, capacity_minutes=600)
    inv = data.invoices[data.invoices["issue_date"] <= data.as_of]
    pay = data.payments[data.payments["payment_date"] <= data.as_of]
    paid = pay.groupby("invoice_id")["amount"].sum()
    balance = (inv["amount"] - inv["invoice_id"].map(paid).fillna(0)).clip(lower=0)
    assert res.items["balance"].sum() == pytest.approx(float(balance.sum()), abs=1.0)
    assert int((balance > 0.005).sum()) == len(res.items)
    assert res.queue["effort_minutes"].sum() <= 600
    assert res.queue["rank"].tolist() == list(range(1, len(res.queue) + 1))
