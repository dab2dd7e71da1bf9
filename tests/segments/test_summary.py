"""Unit tests for helpers.segments._summary: customer_summary and summarise_customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.errors import DataProblem
from helpers.segments import CustomerSummary, customer_summary, summarise_customers
from tests.segments._data import random_tx, tx


def test_same_day_purchases_are_one_order_and_values_add_up():
    s = customer_summary(tx([("a", "2025-01-01 09:00", 10), ("a", "2025-01-01 17:00", 5),
                             ("a", "2025-01-11", 20), ("b", "2025-01-05", 8)]),
                         as_of="2025-01-31")
    a = s.loc["a"]
    assert a["n_orders"] == 2 and a["frequency"] == 1
    assert a["recency"] == 10 and a["T"] == 30
    assert a["monetary_total"] == 35 and a["monetary_value"] == 20
    assert a["days_since_last"] == 20 and a["tenure_days"] == 30
    b = s.loc["b"]
    assert b["frequency"] == 0 and b["monetary_value"] == 0 and b["recency"] == 0


def test_returns_are_excluded_and_reported():
    frame = tx([("a", "2025-01-01", 10), ("a", "2025-01-03", -10), ("a", "2025-01-05", 7),
                ("b", "2025-01-02", 4)])
    frame["is_return"] = [False, True, True, False]  # a positive-amount row flagged as return
    result = summarise_customers(frame, as_of="2025-01-10")
    s = result.table
    assert s.loc["a", "n_orders"] == 1 and s.loc["a", "monetary_total"] == 10
    assert result.exclusions["returns"] == 2
    kept = customer_summary(frame.drop(columns="is_return"), exclude_returns=False)
    assert kept.loc["a", "monetary_total"] == 7


def test_future_transactions_and_missing_customers_are_reported():
    frame = tx([("a", "2025-01-01", 10), ("a", "2025-03-01", 10), (None, "2025-01-02", 3)])
    result = summarise_customers(frame, as_of="2025-01-31")
    report = result.exclusions
    assert report["after_observation_end"] == 1 and report["missing_customer"] == 1
    assert report["rows_used"] == 1 and result.table.loc["a", "n_orders"] == 1
    assert report["rows_in"] == 3


def test_weekly_periods_start_on_monday_and_whole_end_week_counts():
    # 2025-01-05 is a Sunday, 2025-01-06 a Monday
    result = summarise_customers(tx([("a", "2025-01-05", 1), ("a", "2025-01-06", 1),
                                     ("a", "2025-01-12", 1), ("b", "2025-01-02", 1)]),
                                 as_of="2025-01-07", freq="W")
    s = result.table
    assert s.loc["a", "n_orders"] == 2  # 01-06 and 01-12 share a week
    assert s.loc["a", "recency"] == 1 and s.loc["a", "T"] == 1
    assert s.loc["b", "n_orders"] == 1 and s.loc["b", "T"] == 1
    assert result.window_end == pd.Timestamp("2025-01-12") and result.freq == "W"


def test_the_summary_carries_no_side_channel():
    result = summarise_customers(random_tx(4), as_of="2025-05-15")
    assert isinstance(result, CustomerSummary)
    assert result.table.attrs == {}
    pd.testing.assert_frame_equal(result.table, customer_summary(random_tx(4), as_of="2025-05-15"))


def test_single_customer_and_zero_amounts_are_handled():
    result = summarise_customers(tx([("only", "2025-02-01", 0.0), ("only", "2025-02-03", 5.0)]))
    assert list(result.table.index) == ["only"]
    assert result.exclusions["zero_amount_kept"] == 1
    assert result.table.loc["only", "days_since_last"] == 0
    assert result.window_end == pd.Timestamp("2025-02-03")


@pytest.mark.parametrize("freq,mult", [("D", 1), ("W", 1), ("D", 7)])
@pytest.mark.parametrize("seed", [1, 2])
def test_matches_lifetimes(seed, freq, mult):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    frame = random_tx(seed)
    end = "2025-05-15"
    ours = customer_summary(frame, as_of=end, freq=freq, freq_multiplier=mult)
    ref = lifetimes_utils.summary_data_from_transaction_data(
        frame, "customer_id", "purchase_date", "amount", observation_period_end=end, freq=freq,
        freq_multiplier=mult)
    ref.index = ref.index.astype(str)
    ref = ref.loc[ours.index]
    assert len(ref) == len(ours)
    np.testing.assert_array_equal(ours["frequency"], ref["frequency"])
    np.testing.assert_allclose(ours["recency"], ref["recency"])
    np.testing.assert_allclose(ours["T"], ref["T"])
    np.testing.assert_allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-9)


def test_matches_plain_pandas_groupby():
    frame = random_tx(3)
    frame.loc[frame.index[::17], "amount"] *= -1  # some returns
    ours = customer_summary(frame, as_of="2025-08-22")
    buys = frame[frame["amount"] >= 0].assign(day=frame["purchase_date"].dt.normalize())
    g = buys.groupby("customer_id")
    expected = pd.DataFrame({
        "n_orders": g["day"].nunique(),
        "monetary_total": g["amount"].sum(),
        "days_since_last": (pd.Timestamp("2025-08-22") - g["day"].max()).dt.days,
        "first_purchase": g["day"].min(),
    })
    pd.testing.assert_frame_equal(ours[expected.columns], expected, check_dtype=False,
                                  check_names=False)


@pytest.mark.parametrize(
    "frame,kwargs,words",
    [
        (pd.DataFrame({"customer_id": ["a"], "amount": [1.0]}), {}, ["purchase_date"]),
        (pd.DataFrame({"customer_id": ["a", "b"], "purchase_date": ["2025-01-01", "soon"],
                       "amount": [1.0, 2.0]}), {}, ["purchase_date", "soon"]),
        (pd.DataFrame({"customer_id": ["a"], "purchase_date": ["2025-01-01"],
                       "amount": ["¥1,000"]}), {}, ["amount", "¥1,000"]),
        (pd.DataFrame({"customer_id": ["a"], "purchase_date": ["2025-01-01"],
                       "amount": [np.nan]}), {}, ["amount", "empty"]),
        (pd.DataFrame({"customer_id": ["a"], "purchase_date": ["2025-01-01"],
                       "amount": [-5.0]}), {}, ["no purchase"]),
        (pd.DataFrame({"customer_id": ["a"], "purchase_date": ["2025-01-01"],
                       "amount": [5.0]}), {"freq": "M"}, ["freq"]),
        (pd.DataFrame({"customer_id": ["a"], "purchase_date": ["2025-01-01"],
                       "amount": [5.0]}), {"freq_multiplier": 0}, ["freq_multiplier"]),
        (pd.DataFrame({"customer_id": ["a"], "purchase_date": ["2025-01-01"],
                       "amount": [5.0]}), {"as_of": "not a date"}, ["as_of", "not a date"]),
        ("not a table", {}, ["DataFrame", "str"]),
    ],
)
def test_bad_input_gets_a_clear_error(frame, kwargs, words):
    with pytest.raises(DataProblem) as err:
        customer_summary(frame, **kwargs)
    for word in words:
        assert word in str(err.value)


def test_string_dates_are_parsed():
    frame = pd.DataFrame({"customer_id": ["a", "a"], "purchase_date": ["2025-01-01", "2025-01-04"],
                          "amount": ["3", "4"]})
    s = customer_summary(frame)
    assert s.loc["a", "recency"] == 3 and s.loc["a", "monetary_total"] == 7


def test_categorical_customer_ids_give_the_same_summary():
    frame = random_tx(11)
    plain = customer_summary(frame, as_of="2025-08-22")
    cat = customer_summary(frame.assign(customer_id=frame["customer_id"].astype("category")),
                           as_of="2025-08-22")
    pd.testing.assert_frame_equal(cat.sort_index(), plain.sort_index(), check_index_type=False)


def _reference(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """A plain pandas groupby summary (sorted by ID), the yardstick of the ID encodings."""
    buys = frame[frame["amount"] >= 0].dropna(subset=["customer_id"])
    day = buys["purchase_date"].dt.normalize()
    period = day if freq == "D" else day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    per = buys.assign(period=period).groupby(["customer_id", "period"])["amount"].sum()
    g = per.groupby(level="customer_id")
    return pd.DataFrame({"n_orders": g.size(), "monetary_total": g.sum(),
                         "first_amount": g.first()}).sort_index()


def _ids(kind: str, raw: np.ndarray) -> pd.Series:
    ids = pd.Series(raw)
    if kind == "fixed_digits":
        return ids.map("C{:07d}".format).astype("str")
    if kind == "fixed_letters":
        return ids.map(lambda v: "K" + chr(65 + v % 26) + chr(97 + v // 26 % 26)).astype("str")
    if kind == "chinese_fixed":
        return ids.map("客户{:04d}".format).astype("string[pyarrow]")
    if kind == "variable_with_missing":
        return ids.astype(str).where(raw % 13 != 0, None).astype("str")
    if kind == "wide_integers":
        return ids * 982_451_653 + 10**12
    if kind == "float_with_nan":
        return ids.astype(float).where(raw % 11 != 0)
    return ids.map("id-{}".format).astype(object)  # plain Python strings


@pytest.mark.parametrize("freq", ["D", "W"])
@pytest.mark.parametrize("kind", ["fixed_digits", "fixed_letters", "chinese_fixed",
                                  "variable_with_missing", "wide_integers", "float_with_nan",
                                  "object"])
def test_every_kind_of_customer_id_gives_the_groupby_result_in_sorted_order(kind, freq):
    frame = random_tx(21, n=4000, customers=700)
    frame["customer_id"] = _ids(kind, np.random.default_rng(5).integers(0, 700, len(frame)))
    frame.loc[frame.index[::9], "amount"] = 0.0  # zero-value purchases still count as orders
    frame.loc[frame.index[::23], "amount"] *= -1
    ours = customer_summary(frame, freq=freq)
    ref = _reference(frame, freq)
    assert ours.index.is_monotonic_increasing and ours.index.is_unique
    pd.testing.assert_index_equal(ours.index, ref.index, check_names=False, exact=False)
    np.testing.assert_array_equal(ours["n_orders"], ref["n_orders"])
    np.testing.assert_allclose(ours["monetary_total"], ref["monetary_total"], rtol=1e-12)
    repeat = ours["frequency"] > 0
    np.testing.assert_allclose(
        ours.loc[repeat, "monetary_value"],
        ((ref["monetary_total"] - ref["first_amount"]) / (ref["n_orders"] - 1))[repeat],
        rtol=1e-9)


def test_a_period_whose_amounts_cancel_out_is_still_an_order():
    frame = tx([("a", "2025-01-01", 10), ("a", "2025-01-02", 4), ("a", "2025-01-02", -4),
                ("b", "2025-01-02", 3)])
    s = customer_summary(frame, exclude_returns=False)
    assert s.loc["a", "n_orders"] == 2 and s.loc["a", "monetary_value"] == 0
    assert s.loc["a", "monetary_total"] == 10 and list(s.index) == ["a", "b"]
