"""Tests for helpers.receivables._customer_types: life cycle, tiers, attributes and types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.receivables as rc


@pytest.fixture(scope="module")
def playbook() -> rc.CollectionPlaybook:
    return rc.load_collection_playbook()


def test_collection_types_follow_rule_order(playbook):
    attrs = pd.DataFrame({
        "behaviour": ["disputes", "on_time", "on_time", "unresponsive", "on_time", None],
        "lifecycle": ["lapsed", "lapsed", "active", "lapsed", "active", "active"],
        "attitude": ["negative", "negative", "negative", None, "positive", "neutral"],
        "value_tier": ["diamond", "low", "gold", "low", "gold", "low"],
    }, index=list("abcdef"))
    got = rc.collection_types(attrs, playbook).astype(str).to_dict()
    assert got == {"a": "disputing", "b": "lapsed", "c": "negative", "d": "unresponsive",
                   "e": "key_account", "f": "cooperative"}
    with pytest.raises(rc.DataProblem, match="value_tier"):
        rc.collection_types(attrs.drop(columns="value_tier"), playbook)


def test_lifecycle_and_tiers():
    tx = pd.DataFrame({"customer_id": ["a", "b"],
                       "purchase_date": pd.to_datetime(["2025-12-01", "2025-01-01"])})
    life = rc.lifecycle_status(tx, "2025-12-31", customers=pd.Index(["a", "b", "c"]))
    assert life.to_dict() == {"a": "active", "b": "lapsed", "c": "lapsed"}
    tiers = rc.value_tiers(pd.Series(np.arange(100.0), index=[f"c{i}" for i in range(100)]))
    assert tiers.value_counts().to_dict() == {"low": 50, "silver": 30, "gold": 15, "diamond": 5}
    with pytest.raises(rc.DataProblem, match="purchase_date"):
        rc.lifecycle_status(tx.drop(columns="purchase_date"), "2025-12-31")


def test_collection_attributes_by_hand():
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"],
                              "attitude": ["negative", "positive", None]})
    tx = pd.DataFrame({"customer_id": ["a", "b", "b"], "amount": [10.0, 500.0, 500.0],
                       "purchase_date": pd.to_datetime(["2025-12-01", "2025-02-01",
                                                        "2024-01-01"])})
    behaviour = pd.DataFrame({"behaviour": ["on_time", "chronic_late"]},
                             index=pd.Index(["a", "b"], name="customer_id"))
    attrs = rc.collection_attributes(customers, tx, behaviour, "2025-12-31")
    # revenue of the last 12 months over all customers: a 10, b 500 (not the 2024 sale), c 0
    tiers = rc.value_tiers(pd.Series({"a": 10.0, "b": 500.0, "c": 0.0}))
    assert attrs.loc["a"].tolist() == ["on_time", "active", "negative", tiers["a"]]
    assert attrs.loc["b"].tolist() == ["chronic_late", "lapsed", "positive", tiers["b"]]
    assert tiers["b"] != tiers["c"] and list(attrs.index) == ["a", "b"]


def test_attributes_without_customers_or_transactions_fall_back_counted(playbook):
    behaviour = pd.DataFrame({"behaviour": ["disputes", "unresponsive", "on_time", "partial_payer"]},
                             index=pd.Index(["a", "b", "c", "d"], name="customer_id"))
    attrs = rc.collection_attributes(None, None, behaviour, "2025-12-31")
    assert list(attrs.columns) == ["behaviour", "lifecycle", "attitude", "value_tier"]
    assert attrs[["lifecycle", "attitude", "value_tier"]].isna().all().all()
    types = rc.collection_types(attrs, playbook)
    assert types.astype(str).tolist() == ["disputing", "unresponsive", "cooperative", "cooperative"]
    assert rc.type_fallbacks(attrs, types, playbook).to_dict() == {
        "lifecycle": 2, "attitude": 2, "value_tier": 2}


def test_attributes_with_transactions_only_rank_buyers(playbook):
    behaviour = pd.DataFrame({"behaviour": ["on_time", "on_time"]},
                             index=pd.Index(["a", "b"], name="customer_id"))
    tx = pd.DataFrame({"customer_id": ["a", "b", "x", "y"], "amount": [10.0, 900.0, 5.0, 1.0],
                       "purchase_date": pd.to_datetime(["2025-12-01", "2024-01-01",
                                                        "2025-11-01", "2025-11-02"])})
    attrs = rc.collection_attributes(None, tx, behaviour, "2025-12-31", lapsed_days=180)
    assert attrs["lifecycle"].tolist() == ["active", "lapsed"]
    assert attrs["value_tier"].notna().all() and attrs["attitude"].isna().all()
    types = rc.collection_types(attrs, playbook)
    assert types.astype(str).tolist() == ["cooperative", "lapsed"]
    assert rc.type_fallbacks(attrs, types, playbook).to_dict() == {"attitude": 1}
