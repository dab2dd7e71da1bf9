"""Lead scoring on synthetic leads whose true conversion probability is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from helpers.calls.lead_scoring import (
    calibration_table,
    capacity_view,
    fit_and_score,
    gains_table,
    leakage_comparison,
    load_leads_with_outcome,
    split_frame,
)


@pytest.fixture(scope="module")
def leads():
    rng = np.random.default_rng(11)
    n = 6000
    spend = rng.gamma(2, 500, n)
    source = rng.choice(["fair", "web", "search"], n, p=[0.2, 0.5, 0.3])
    logit = -2.6 + 0.0008 * spend + np.select([source == "fair", source == "web"], [1.2, 0.3], 0)
    p = 1 / (1 + np.exp(-logit))
    y = rng.random(n) < p
    frame = pd.DataFrame({"lead_id": [f"L{i}" for i in range(n)], "spend": spend,
                          "source": source, "noise": rng.normal(size=n),
                          # known only after the call: long when the lead bought
                          "talk_s": np.where(y, rng.normal(500, 80, n), rng.normal(200, 80, n)),
                          "created": pd.Timestamp("2025-01-01")
                          + pd.to_timedelta(np.arange(n) // 20, unit="D"),
                          "converted": y, "true_p": p})
    return frame


def test_logistic_model_reaches_the_auc_of_the_true_probabilities(leads):
    res = fit_and_score(leads.drop(columns="true_p"), "converted", "logistic", how="time",
                        order="created", exclude=["talk_s"])
    oracle = roc_auc_score(res.test["converted"], leads.loc[res.test.index, "true_p"])
    assert res.auc == pytest.approx(oracle, abs=0.02)
    assert res.test["score"].between(0, 1).all() and res.extra["n_test"] == 1500
    # time split: every test lead was created after every training lead
    assert res.test["created"].min() >= leads["created"].iloc[: res.extra["n_train"]].max()
    boost = fit_and_score(leads.drop(columns="true_p"), "converted", "boosting", how="time",
                          order="created", exclude=["talk_s"])
    assert boost.auc == pytest.approx(oracle, abs=0.04)


def test_leak_inflates_auc(leads):
    table = leakage_comparison(leads.drop(columns=["true_p"]), leak=["talk_s"],
                               target="converted", kinds=("logistic",), how="random")
    row = table.iloc[0]
    assert row["auc_with_leak"] > 0.95 and row["auc_honest"] < 0.8
    assert row["inflation"] == pytest.approx(row["auc_with_leak"] - row["auc_honest"])


def test_gains_table_against_plain_pandas():
    rng = np.random.default_rng(0)
    score = rng.random(1000)
    y = rng.random(1000) < score * 0.3
    g = gains_table(y, score, bins=10)
    top = pd.DataFrame({"y": y, "s": score}).sort_values("s", ascending=False).head(100)
    assert g.loc[0, "conversions"] == top["y"].sum() and g["leads"].sum() == 1000
    assert g["capture"].iloc[-1] == pytest.approx(1.0)
    assert g.loc[0, "lift"] == pytest.approx(top["y"].mean() / y.mean())
    assert g["cum_lift"].iloc[-1] == pytest.approx(1.0)
    assert g.loc[0, "lift"] > g.loc[9, "lift"]


def test_gains_and_calibration_bad_input():
    with pytest.raises(ValueError, match="no conversions"):
        gains_table(np.zeros(20), np.arange(20.0))
    with pytest.raises(ValueError, match="empty values"):
        gains_table([1, 0, np.nan] * 5, np.arange(15.0), bins=5)
    with pytest.raises(ValueError, match="equal-length"):
        calibration_table([1, 0], [0.5])


def test_calibration_of_true_probabilities_is_close(leads):
    cal = calibration_table(leads["converted"], leads["true_p"], bins=5)
    assert (cal["predicted"] - cal["observed"]).abs().max() < 0.04


def test_capacity_view_and_capacity_larger_than_list():
    scored = pd.DataFrame({"id": list("abcde"), "score": [0.9, 0.1, 0.5, 0.3, 0.2],
                           "converted": [1, 0, 1, 0, 0]})
    v = capacity_view(scored, 2, target="converted")
    assert list(v["called"]["id"]) == ["a", "c"] and v["expected_conversions"] == pytest.approx(
        1.4)
    assert v["random_expected"] == pytest.approx(0.4 * 2) and v["observed_conversions"] == 2
    big = capacity_view(scored, 50)
    assert big["capped"] and big["n_called"] == 5
    with pytest.raises(ValueError, match="positive"):
        capacity_view(scored, 0)


def test_split_frame_modes(leads):
    tr, te = split_frame(leads, "group", group="source", test_size=0.34, seed=1)
    assert not set(tr["source"]) & set(te["source"])
    tr, te = split_frame(leads, "random", target="converted", seed=1)
    assert te["converted"].mean() == pytest.approx(leads["converted"].mean(), abs=0.01)
    with pytest.raises(ValueError, match="order column"):
        split_frame(leads, "time")


def test_loader_reads_mapping_and_rejects_bad_targets(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("年龄;结果;通话秒数\n30;成交;100\n40;未成交;20\n", encoding="gb18030")
    mapping = {"read": {"sep": ";", "encoding": "gb18030"},
               "columns": {"年龄": "age", "结果": "converted", "通话秒数": "duration"},
               "leak_columns": ["duration"]}
    frame = load_leads_with_outcome(f, mapping)
    assert frame["converted"].tolist() == [True, False] and frame.attrs["leak_columns"] == [
        "duration"]
    assert frame["row_order"].tolist() == [0, 1]
    f.write_text("age;y\n30;yes\n40;perhaps\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not yes/no.*perhaps"):
        load_leads_with_outcome(f, {"read": {"sep": ";"}, "columns": {"y": "converted"}})
    with pytest.raises(ValueError, match=r"column\(s\) \['outcome'\] named in the mapping"):
        load_leads_with_outcome(f, {"read": {"sep": ";"}, "columns": {"outcome": "converted"}})
    with pytest.raises(ValueError, match="file not found"):
        load_leads_with_outcome(tmp_path / "nope.csv", {})


def test_one_outcome_only_is_a_clear_error(leads):
    same = leads.assign(converted=False).drop(columns="true_p")
    with pytest.raises(ValueError, match="only one outcome"):
        fit_and_score(same, "converted", order="created")
