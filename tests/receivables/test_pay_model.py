"""Tests for helpers.receivables._pay_model: features, the time-split model, scoring."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import helpers.receivables as rc
from helpers.caveats import Caveat
from tests.receivables.books import book


def test_pay_model_time_split_beats_chance():
    inv, pay = book(3000, seed=11)
    train = pd.concat([rc.pay_features(inv, pay, d) for d in ["2025-05-31", "2025-06-30",
                                                               "2025-07-31", "2025-08-31"]])
    test = rc.pay_features(inv, pay, "2025-10-31")
    assert test["paid_30d"].notna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)            # a plausible AUC: no caveat
        model, m = rc.fit_pay_model(train, test, seed=3)
    assert 0 <= m["brier"] <= 0.25 and m["auc"] > 0.6
    # outcomes shuffled in the test period: the AUC is chance, and the model says so
    rng = np.random.default_rng(0)
    coin = test.assign(paid_30d=rng.permutation(test["paid_30d"].to_numpy()))
    with pytest.warns(Caveat, match=r"fit_pay_model: ROC AUC on the test period 0\.[45]"):
        _, mc = rc.fit_pay_model(train, coin, seed=3)
    assert mc["auc"] < 0.55 and mc["n_test"] == m["n_test"]   # the metrics still come back
    scored = rc.predict_pay(model, test)
    assert scored["p_pay_30d"].between(0, 1).all()
    np.testing.assert_allclose(scored["expected_recovery"],
                               scored["balance"] * scored["p_pay_30d"])
    # features only use the past: the last snapshot has no known outcome
    late = rc.pay_features(inv, pay, pay["payment_date"].max())
    assert late["paid_30d"].isna().all()


def test_paid_30d_by_hand():
    inv = pd.DataFrame({"invoice_id": ["A", "B"], "customer_id": ["c1", "c2"],
                        "issue_date": pd.to_datetime(["2025-09-01", "2025-09-01"]),
                        "due_date": pd.to_datetime(["2025-10-01", "2025-10-01"]),
                        "amount": [100.0, 100.0]})
    pay = pd.DataFrame({"invoice_id": ["A", "B"], "customer_id": ["c1", "c2"],
                        "payment_date": pd.to_datetime(["2025-10-20", "2025-12-20"]),
                        "amount": [100.0, 100.0]})
    x = rc.pay_features(inv, pay, "2025-09-30").set_index("invoice_id")
    assert x.loc["A", "paid_30d"] == 1.0 and x.loc["B", "paid_30d"] == 0.0


@pytest.fixture(scope="module")
def book_12() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A book of 2,000 customers (seed 12): invoices and payments (tests do not change them)."""
    return book(2000, seed=12)


@pytest.fixture(scope="module")
def scored_12(book_12) -> tuple[pd.DataFrame, dict]:
    """``score_open_items`` on :func:`book_12` (4 + 2 months, seed 5), computed once."""
    inv, pay = book_12
    return rc.score_open_items(inv, pay, "2025-12-31", train_months=4, test_months=2, seed=5)


def test_score_open_items_is_reproducible_and_checked(book_12, scored_12):
    inv, pay = book_12
    a, ma = rc.score_open_items(inv, pay, "2025-12-31", train_months=4, test_months=2, seed=5)
    b, mb = scored_12  # another call with the same arguments
    pd.testing.assert_frame_equal(a, b)
    assert ma == mb and ma["test_to"] < "2025-12-31"
    with pytest.raises(rc.DataProblem, match="train_months"):
        rc.score_open_items(inv, pay, "2025-12-31", train_months=0)
    one = pd.DataFrame({c: [0.0] for c in rc.FEATURES}).assign(paid_30d=1.0)
    with pytest.raises(rc.DataProblem, match="only one outcome"):
        rc.fit_pay_model(one)


def test_too_few_month_ends_is_a_named_skip_not_a_crash():
    """Invoices from April 2025 only: 8 + 2 month ends before December reach back to February."""
    inv, pay = book(800, seed=4)
    late = inv["issue_date"] >= "2025-04-01"
    inv, pay = inv[late], pay[pay["invoice_id"].isin(inv.loc[late, "invoice_id"])]
    with pytest.raises(rc.ModelNotTrainable, match=r"train_months=8.*as_of=2025-12-31.*2025-04-0"):
        rc.score_open_items(inv, pay, "2025-12-31", train_months=8, test_months=2)
    assert issubclass(rc.ModelNotTrainable, rc.DataProblem)  # callers catching DataProblem: same
    scored, m = rc.score_open_items(inv, pay, "2025-12-31", train_months=3, test_months=2)
    assert 0 <= m["base_rate"] <= 1 and len(scored) > 0


def test_one_outcome_names_the_months():
    inv, pay = book(300, seed=2)
    never = pay.iloc[0:0]  # nothing is ever paid: one outcome in every month
    with pytest.raises(rc.ModelNotTrainable, match=r"none paid.*train_months=4, test_months=2"):
        rc.score_open_items(inv, never, "2025-12-31", train_months=4, test_months=2)


def test_score_without_model_is_the_last_known_month_rate():
    inv, pay = book(600, seed=5)
    scored, rate = rc.score_without_model(inv, pay, "2025-12-31")
    past = rc.pay_features(inv, pay, "2025-11-30", data_end="2025-12-31")
    assert rate == pytest.approx(past["paid_30d"].mean())
    items = rc.open_items(inv, pay, "2025-12-31")
    assert len(scored) == len(items) and (scored["p_pay_30d"] == rate).all()
    assert scored["expected_recovery"].sum() == pytest.approx(items["balance"].sum() * rate)


def test_run_pay_model_keeps_the_month_end_scores_of_the_train_only_model(book_12, scored_12):
    """run_pay_model is score_open_items plus the history a monitor reads: the same scored
    invoices and metrics, and every train/test month end scored by the model that never saw
    the test months (its test-period AUC is the metrics' AUC)."""
    from sklearn.metrics import roc_auc_score

    inv, pay = book_12
    run = rc.run_pay_model(inv, pay, "2025-12-31", train_months=4, test_months=2, seed=5)
    scored, metrics = scored_12  # score_open_items with the same arguments
    pd.testing.assert_frame_equal(run.scored, scored)
    assert run.metrics == metrics
    h = run.history
    assert h.groupby("period")["as_of"].nunique().to_dict() == {"train": 4, "test": 2}
    assert str(h["paid_30d"].dtype) == "boolean" and h["paid_30d"].notna().all()
    test = h[h["period"] == "test"]
    assert roc_auc_score(test["paid_30d"].astype(bool), test["p_pay_30d"]) == pytest.approx(
        metrics["auc"], rel=1e-9)
    assert (h["as_of"].max() < pd.Timestamp("2025-12-31")) and h["p_pay_30d"].between(0, 1).all()
