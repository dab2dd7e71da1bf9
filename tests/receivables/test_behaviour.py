"""Tests for helpers.receivables._behaviour: payment history and behaviour classes."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers.receivables as rc
from tests.receivables.books import behaviour_book


def test_payment_behaviour_classes():
    inv, pay = behaviour_book()
    svc = pd.DataFrame({"customer_id": ["rem"] * 3, "contacted_at": pd.to_datetime(
        ["2025-06-01", "2025-07-01", "2025-08-01"]), "kind": "complaint"})
    got = rc.classify_payment_behaviour(inv, pay, "2025-09-30")["behaviour"].astype(str)
    assert got.to_dict() == {"chronic": "chronic_late", "ghost": "unresponsive", "on": "on_time",
                             "part": "partial_payer", "rem": "after_reminder"}
    with_svc = rc.classify_payment_behaviour(inv, pay, "2025-09-30", service_contacts=svc)
    assert with_svc.loc["rem", "behaviour"] == "disputes"
    assert with_svc.loc["rem", "complaints"] == 3


def test_rules_can_be_replaced():
    inv, pay = behaviour_book()
    strict = rc.classify_payment_behaviour(inv, pay, "2025-09-30",
                                           rules={"after_reminder": {"late_share_min": 0.9}})
    assert strict.loc["rem", "behaviour"] == "on_time"
    with pytest.raises(rc.ConfigProblem, match="rules: after_reminder.late_share_mn"):
        rc.classify_payment_behaviour(inv, pay, "2025-09-30",
                                      rules={"after_reminder": {"late_share_mn": 0.9}})


def test_payment_history_by_hand():
    inv, pay = behaviour_book()
    hist = rc.payment_history(inv, pay, "2025-09-30").set_index("invoice_id")
    assert hist.loc["part0", "n_payments"] == 2 and hist.loc["part0", "partial"]
    assert hist.loc["chronic0", "days_late"] == 45 and hist.loc["chronic0", "late"]
    assert hist.loc["ghost0", "unpaid"] and not hist.loc["ghost0", "settled"]
    assert not hist.loc["on0", "late"]


def test_customers_with_nothing_due_yet_are_new_accounts():
    inv, pay = behaviour_book()
    extra = pd.DataFrame({"invoice_id": ["fresh0"], "customer_id": ["fresh"],
                          "issue_date": [pd.Timestamp("2025-09-20")],
                          "due_date": [pd.Timestamp("2025-10-20")], "amount": [500.0]})
    got = rc.classify_payment_behaviour(pd.concat([inv, extra]), pay, "2025-09-30")
    assert got.loc["fresh", "behaviour"] == "new_account"
    assert got.loc["fresh", "invoices_due"] == 0
    assert not got.drop(columns="behaviour").isna().any().any()
