"""Unit tests for helpers.segments.rfm: summary, scores, segment map, migration, cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.segments.rfm import (
    DataProblem,
    cohort_retention,
    customer_summary,
    exclusions,
    load_segment_map,
    rfm_scores,
    rfm_segments,
    rfm_snapshot,
    rfm_view,
    segment_grid,
    segment_migration,
    segment_profile,
    validate_segment_map,
)


def tx(rows):
    """Transactions from (customer, date, amount) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "purchase_date", "amount"])
    frame["purchase_date"] = pd.to_datetime(frame["purchase_date"], format="ISO8601")
    return frame


def random_tx(seed: int, n: int = 3000, customers: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00")
    minutes = rng.integers(0, 600 * 24 * 60, n)
    return pd.DataFrame({
        "customer_id": rng.integers(0, customers, n).astype(str),
        "purchase_date": pd.to_datetime(start + minutes.astype("timedelta64[m]")),
        "amount": rng.gamma(2.0, 50.0, n).round(2),
    })


# ---------------------------------------------------------------- customer_summary
def test_same_day_purchases_are_one_order_and_values_add_up():
    s = customer_summary(tx([("a", "2025-01-01 09:00", 10), ("a", "2025-01-01 17:00", 5),
                             ("a", "2025-01-11", 20), ("b", "2025-01-05", 8)]),
                         observation_end="2025-01-31")
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
    s = customer_summary(frame, observation_end="2025-01-10")
    assert s.loc["a", "n_orders"] == 1 and s.loc["a", "monetary_total"] == 10
    assert exclusions(s)["returns"] == 2
    kept = customer_summary(frame.drop(columns="is_return"), exclude_returns=False)
    assert kept.loc["a", "monetary_total"] == 7


def test_future_transactions_and_missing_customers_are_reported():
    frame = tx([("a", "2025-01-01", 10), ("a", "2025-03-01", 10), (None, "2025-01-02", 3)])
    s = customer_summary(frame, observation_end="2025-01-31")
    report = exclusions(s)
    assert report["after_observation_end"] == 1 and report["missing_customer"] == 1
    assert report["rows_used"] == 1 and s.loc["a", "n_orders"] == 1


def test_weekly_periods_start_on_monday_and_whole_end_week_counts():
    # 2025-01-05 is a Sunday, 2025-01-06 a Monday
    s = customer_summary(tx([("a", "2025-01-05", 1), ("a", "2025-01-06", 1),
                             ("a", "2025-01-12", 1), ("b", "2025-01-02", 1)]),
                         observation_end="2025-01-07", freq="W")
    assert s.loc["a", "n_orders"] == 2  # 01-06 and 01-12 share a week
    assert s.loc["a", "recency"] == 1 and s.loc["a", "T"] == 1
    assert s.loc["b", "n_orders"] == 1 and s.loc["b", "T"] == 1
    assert s.attrs["observation_end"] == pd.Timestamp("2025-01-12")


def test_single_customer_and_zero_amounts_are_handled():
    s = customer_summary(tx([("only", "2025-02-01", 0.0), ("only", "2025-02-03", 5.0)]))
    assert list(s.index) == ["only"]
    assert exclusions(s)["zero_amount_kept"] == 1
    assert s.loc["only", "days_since_last"] == 0


@pytest.mark.parametrize("freq,mult", [("D", 1), ("W", 1), ("D", 7)])
@pytest.mark.parametrize("seed", [1, 2])
def test_matches_lifetimes(seed, freq, mult):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    frame = random_tx(seed)
    end = "2025-05-15"
    ours = customer_summary(frame, observation_end=end, freq=freq, freq_multiplier=mult)
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
    ours = customer_summary(frame, observation_end="2025-08-22")
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
                       "amount": [5.0]}), {"observation_end": "not a date"}, ["observation_end"]),
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


# ---------------------------------------------------------------- scores and segments
def test_quantile_scores_share_ties_and_order_customers():
    summary = pd.DataFrame({"days_since_last": [1, 5, 5, 50, 400, 400, 400, 10, 20, 30],
                            "n_orders": [9, 1, 1, 1, 1, 1, 2, 3, 4, 5],
                            "monetary_total": np.arange(10.0)})
    scored = rfm_scores(summary, bins=5)
    # ties share a score
    assert scored.loc[1, "r_score"] == scored.loc[2, "r_score"]
    assert scored["f_score"][summary["n_orders"] == 1].nunique() == 1
    # one-time buyers (5 of 10) get the lowest F score; the most recent customer the top R score
    assert (scored.loc[summary["n_orders"] == 1, "f_score"] == 1).all()
    assert scored.loc[0, "r_score"] == 5 and scored.loc[4, "r_score"] == 1
    # monotone: better values never get a lower score
    for letter, col, sign in (("r", "days_since_last", -1), ("m", "monetary_total", 1)):
        order = np.argsort(sign * summary[col].to_numpy(), kind="stable")
        assert np.all(np.diff(scored[f"{letter}_score"].to_numpy()[order]) >= 0)
    assert scored["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_fixed_scores_follow_the_thresholds():
    summary = pd.DataFrame({"days_since_last": [0, 30, 31, 365, 366],
                            "n_orders": [1, 2, 4, 8, 20],
                            "monetary_total": [0, 100, 299.9, 3000, 5000]})
    scored = rfm_scores(summary, method="fixed", thresholds={
        "r": [30, 90, 180, 365], "f": [2, 3, 5, 8], "m": [100, 300, 1000, 3000]})
    assert scored["r_score"].tolist() == [5, 5, 4, 2, 1]
    assert scored["f_score"].tolist() == [1, 2, 3, 5, 5]
    assert scored["m_score"].tolist() == [1, 2, 2, 5, 5]
    with pytest.raises(DataProblem, match="increasing"):
        rfm_scores(summary, method="fixed", thresholds={"r": [90, 30], "f": [2], "m": [1]})
    with pytest.raises(DataProblem, match="thresholds for 'f'"):
        rfm_scores(summary, method="fixed", thresholds={"r": [30]})


def test_bundled_segment_map_covers_every_cell_once():
    smap = load_segment_map()
    grid = segment_grid(smap)
    assert grid.shape == (5, 5) and (grid != "").all().all()
    names = {s["name"] for s in smap["segments"]}
    assert {"champions", "loyal", "new", "at risk", "cant lose", "hibernating", "lost"} <= names
    assert grid.loc[5, 5] == "champions" and grid.loc[1, 1] == "lost"


def _map(*segments):
    return {"scale": 2, "segments": [dict(zip(("name", "r", "f"), s, strict=True))
                                     for s in segments]}


def test_segment_map_overlap_gap_and_unknown_key_name_the_segment():
    with pytest.raises(DataProblem, match=r"segments\[1\] \(b\).*overlaps segment 'a'"):
        validate_segment_map(_map(("a", [1, 2], [1, 2]), ("b", [2, 2], [2, 2])), "x.yaml")
    with pytest.raises(DataProblem, match=r"x.yaml.*without a segment.*\(2, 2\)"):
        validate_segment_map(_map(("a", [1, 1], [1, 2]), ("b", [2, 2], [1, 1])), "x.yaml")
    bad = _map(("a", [1, 2], [1, 2]))
    bad["segments"][0]["colour"] = "red"
    with pytest.raises(DataProblem, match=r"segments\[0\] \(a\).*colour"):
        validate_segment_map(bad, "x.yaml")
    with pytest.raises(DataProblem, match=r"segments\[0\] \(a\).r"):
        validate_segment_map(_map(("a", [0, 3], [1, 2])), "x.yaml")


def test_segment_map_file_errors_name_the_file(tmp_path):
    path = tmp_path / "my_segments.yaml"
    path.write_text("scale: 2\nsegments:\n  - {name: a, r: [1, 2], f: [1, 1]}\n", encoding="utf-8")
    with pytest.raises(DataProblem, match="my_segments.yaml"):
        load_segment_map(path)


def test_rfm_segments_follow_the_map_and_profile_adds_up():
    s = customer_summary(random_tx(5), observation_end="2025-08-22")
    seg = rfm_segments(s)
    grid = segment_grid()
    expected = [grid.loc[r, f] for r, f in zip(seg["r_score"], seg["f_score"], strict=True)]
    assert seg["segment"].astype(str).tolist() == expected
    prof = segment_profile(seg)
    assert prof["customers"].sum() == len(s)
    assert prof["revenue_share"].sum() == pytest.approx(1.0)
    assert prof.loc["champions", "revenue"] == pytest.approx(
        s.loc[seg["segment"] == "champions", "monetary_total"].sum())
    fixed = rfm_segments(s, method="fixed")
    assert fixed["r_score"].between(1, 5).all()


def test_rfm_view_returns_a_profile_per_scheme():
    s = customer_summary(random_tx(6), observation_end="2025-08-22")
    a = rfm_view(s, "quantile")
    b = rfm_view(s, "fixed", r_days=(7, 14, 21, 28))
    assert a["customers"].sum() == b["customers"].sum() == len(s)
    assert not a["customers"].equals(b["customers"])


# ---------------------------------------------------------------- migration and cohorts
def test_migration_counts_every_customer_once():
    frame = random_tx(8)
    before = rfm_snapshot(frame, "2024-12-31")
    after = rfm_snapshot(frame, "2025-06-30")
    m = segment_migration(before, after)
    assert m.to_numpy().sum() == len(before.index.union(after.index))
    new = after.index.difference(before.index)
    assert m.loc["(none)"].sum() == len(new)
    # row for "lost" equals the number of lost customers in the first snapshot
    assert m.loc["lost"].sum() == (before["segment"] == "lost").sum()
    shares = segment_migration(before, after, normalize=True)
    nonempty = m.sum(axis=1) > 0
    assert np.allclose(shares[nonempty].sum(axis=1), 1.0)


def test_cohort_retention_by_hand():
    frame = tx([("a", "2025-01-03", 1), ("a", "2025-02-10", 1), ("b", "2025-01-20", 1),
                ("b", "2025-03-01", 1), ("c", "2025-02-02", 1), ("c", "2025-02-25", -1)])
    table = cohort_retention(frame)
    assert table.loc[pd.Period("2025-01", "M"), "size"] == 2
    assert table.loc[pd.Period("2025-01", "M"), 1] == 0.5
    assert table.loc[pd.Period("2025-01", "M"), 2] == 0.5
    assert table.loc[pd.Period("2025-02", "M"), 0] == 1.0
    assert table.loc[pd.Period("2025-02", "M"), 1] == 0.0
    assert np.isnan(table.loc[pd.Period("2025-02", "M"), 2])  # not observed yet


def test_categorical_customer_ids_give_the_same_summary():
    frame = random_tx(11)
    plain = customer_summary(frame, observation_end="2025-08-22")
    cat = customer_summary(frame.assign(customer_id=frame["customer_id"].astype("category")),
                           observation_end="2025-08-22")
    pd.testing.assert_frame_equal(cat.sort_index(), plain.sort_index(), check_index_type=False)
