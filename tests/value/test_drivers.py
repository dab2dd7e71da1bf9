"""Tests for helpers.value._drivers: cost drivers and the bad input they explain."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers.value as v
from helpers.errors import DataProblem
from tests.value.support import RATES


@pytest.mark.parametrize("bad, match", [
    ({"customer_id": ["a"], "amount": ["lots"]}, "'amount'.*not numbers"),
    ({"customer_id": [None], "amount": [3.0]}, "no customer_id"),
    ({"customer_id": ["a"]}, r"\['amount'\]"),
])
def test_bad_transactions_are_explained(bad, match):
    with pytest.raises(DataProblem, match=match):
        v.customer_profit({"transactions": pd.DataFrame(bad)}, RATES)


def test_bad_service_kind_and_dates_are_explained(tiny):
    tiny["service_contacts"].loc[0, "kind"] = "chat about weather"
    with pytest.raises(DataProblem, match="kind.*chat about weather"):
        v.customer_profit(tiny, RATES)
    tiny["service_contacts"].loc[0, "kind"] = "complaint"
    tiny["invoices"]["due_date"] = ["2025-01-31", "soon", "2025-12-31", "2024-11-01"]
    with pytest.raises(DataProblem, match="invoices.*due_date.*soon"):
        v.customer_profit(tiny, RATES)


def test_no_transactions_table():
    with pytest.raises(DataProblem, match="transactions"):
        v.customer_profit({"customers": pd.DataFrame({"customer_id": ["a"]})}, RATES)

