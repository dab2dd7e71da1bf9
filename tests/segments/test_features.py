"""Unit tests for helpers.segments._features: the columns the rules read."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.segments import customer_features, lead_features


def test_features_match_plain_pandas(small):
    customers, tx, f = small
    assert len(f) == len(customers)
    end = pd.Timestamp("2025-12-31")
    recent = tx[tx["purchase_date"] >= end - pd.Timedelta(days=364)]  # 365 days incl. end
    exp_orders = recent.groupby("customer_id")["purchase_date"].nunique()
    got = f["orders_last_year"]
    assert (got.reindex(exp_orders.index) == exp_orders).all()
    assert (got.drop(exp_orders.index) == 0).all()
    never = customers["customer_id"][100:]
    assert (f.loc[never, "n_orders"] == 0).all() and f.loc[never, "days_since_last"].isna().all()
    last = tx.groupby("customer_id")["purchase_date"].max()
    assert (f.loc[last.index, "days_since_last"] == (end - last).dt.days).all()
    assert f.attrs == {}


def test_features_refuse_duplicate_or_missing_customers(small):
    customers, tx, _ = small
    with pytest.raises(DataProblem, match="not unique"):
        customer_features(pd.concat([customers, customers.head(2)]), tx)
    with pytest.raises(DataProblem, match=r"customers: column\(s\) \['customer_id'\] missing"):
        customer_features(customers.rename(columns={"customer_id": "id"}), tx)


def test_lead_features_count_the_inquiry_details():
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "has_specs": [True, False],
                          "has_quantity": [True, None], "has_delivery_date": [True, False]})
    assert lead_features(leads)["inquiry_detail"].tolist() == [3, 0]
    with pytest.raises(DataProblem, match="lead_id"):
        lead_features(leads.drop(columns="lead_id"))
