"""Tests for helpers.receivables._validation: bad invoices and payments are named."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers.receivables as rc
from tests.receivables.books import AS_OF, small


@pytest.mark.parametrize("change, match", [
    (lambda i, p: (pd.concat([i, i.iloc[[0]]]), p), "duplicate invoice"),
    (lambda i, p: (i.assign(amount=[100.0, 0.0, 300.0]), p), "zero or negative"),
    (lambda i, p: (i.assign(amount=[100.0, -5.0, 300.0]), p), "zero or negative"),
    (lambda i, p: (i, p.assign(amount=[-1.0, 200.0])), "payments: column 'amount'"),
    (lambda i, p: (i.assign(due_date=pd.to_datetime(["2025-09-01", "2025-12-01", "2026-01-15"])),
                   p), "before 'issue_date'"),
    (lambda i, p: (i, p.assign(payment_date=pd.to_datetime(["2025-09-10", "2025-12-20"]))),
     "before the invoice's issue date"),
    (lambda i, p: (i, p.assign(amount=[40.0, 250.0])), "more than the invoice"),
    (lambda i, p: (i.assign(currency=["CNY", "USD", "CNY"]), p), "mixes currencies"),
    (lambda i, p: (i, p.assign(invoice_id=["A", "Z"])), "not in the invoices table"),
    (lambda i, p: (i.drop(columns="due_date"), p), "due_date"),
    (lambda i, p: (i.assign(issue_date=["2025-10-01", "not a date", "2025-12-01"]), p),
     "unreadable date"),
])
def test_bad_input_is_named(change, match):
    inv, pay = change(*small())
    with pytest.raises(rc.DataProblem, match=match):
        rc.open_items(inv, pay, AS_OF)


def test_bad_input_messages_show_rows():
    inv, pay = small()
    inv = pd.concat([inv, inv.iloc[[1]]])
    with pytest.raises(rc.DataProblem) as err:
        rc.validate_receivables(inv, pay)
    assert "B" in str(err.value) and "invoice_id" in str(err.value)
    with pytest.raises(rc.DataProblem, match="overpayment='sometimes'"):
        rc.validate_receivables(*small(), overpayment="sometimes")


def test_documented_handling_of_overpayment_and_currency():
    inv, pay = small()
    items = rc.open_items(inv, pay.assign(amount=[40.0, 250.0]), AS_OF, overpayment="cap",
                          include_settled=True)
    assert items.set_index("invoice_id").loc["B", "balance"] == 0.0
    mixed = inv.assign(currency=["CNY", "USD", "CNY"])
    items = rc.open_items(mixed, pay[pay["invoice_id"] != "B"], AS_OF, currency="CNY")
    assert set(items["invoice_id"]) == {"A", "C"}


def test_inputs_are_not_modified():
    inv, pay = small()
    before = inv.copy(), pay.copy()
    rc.open_items(inv, pay, AS_OF)
    pd.testing.assert_frame_equal(inv, before[0])
    pd.testing.assert_frame_equal(pay, before[1])


def test_clean_copies_have_parsed_types():
    inv, pay = small()
    v, p = rc.validate_receivables(inv.assign(issue_date=inv["issue_date"].dt.strftime("%Y-%m-%d"),
                                              amount=["100", "200", "300"]), pay)
    assert v["issue_date"].dtype == "datetime64[ns]" and v["amount"].dtype == "float64"
    assert str(p["invoice_id"].dtype) == "string"
