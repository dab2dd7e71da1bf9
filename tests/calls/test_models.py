"""Lead scoring on synthetic leads whose true conversion probability is known."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from helpers.calls import LeadData, fit_and_score, leakage_comparison, split_frame
from helpers.caveats import Caveat


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


def test_lead_data_gives_target_and_order(leads):
    data = LeadData(leads.drop(columns="true_p").rename(columns={"converted": "won"}),
                    target="won", leak_columns=["talk_s"], order_column="created")
    res = fit_and_score(data, exclude=["talk_s"])
    direct = fit_and_score(leads.drop(columns="true_p"), "converted", order="created",
                           exclude=["talk_s"])
    assert res.auc == pytest.approx(direct.auc) and res.extra["target"] == "won"
    with pytest.warns(Caveat, match="check for a leak"):      # the fit with talk_s
        table = leakage_comparison(data, kinds=("logistic",))
    assert table.loc[0, "auc_honest"] == pytest.approx(direct.auc)


def test_leak_inflates_auc(leads):
    # the fit with the leak is suspiciously good, and says so
    with pytest.warns(Caveat, match=r"ROC AUC on the test leads 0\.9\d\d is above 0\.97"):
        table = leakage_comparison(leads.drop(columns=["true_p"]), leak=["talk_s"],
                                   target="converted", kinds=("logistic",), how="random")
    row = table.iloc[0]
    assert row["auc_with_leak"] > 0.95 and row["auc_honest"] < 0.8
    assert row["inflation"] == pytest.approx(row["auc_with_leak"] - row["auc_honest"])
    with pytest.raises(ValueError, match="no leak columns given"):
        leakage_comparison(leads)


def test_split_frame_modes(leads):
    tr, te = split_frame(leads, "group", group="source", test_size=0.34, seed=1)
    assert not set(tr["source"]) & set(te["source"])
    tr, te = split_frame(leads, "random", target="converted", seed=1)
    assert te["converted"].mean() == pytest.approx(leads["converted"].mean(), abs=0.01)
    with pytest.raises(ValueError, match="order column"):
        split_frame(leads, "time")
    tr, te = split_frame(LeadData(leads, order_column="created"), "time")
    assert tr["created"].max() <= te["created"].min()
    with pytest.raises(ValueError, match="how must be"):
        split_frame(leads, "sideways")


def test_one_outcome_only_is_a_clear_error(leads):
    same = leads.assign(converted=False).drop(columns="true_p")
    with pytest.raises(ValueError, match="only one outcome"):
        fit_and_score(same, "converted", order="created")


def test_a_random_label_auc_is_a_caveat_and_a_plausible_one_is_not(leads):
    rng = np.random.default_rng(5)
    coin = leads.drop(columns=["true_p", "talk_s"]).assign(converted=rng.random(len(leads)) < 0.2)
    with pytest.warns(Caveat, match="no better than chance"):
        res = fit_and_score(coin, "converted", order="created")
    assert 0.4 < res.auc < 0.55                  # the AUC still comes back
    with warnings.catch_warnings():
        warnings.simplefilter("error", Caveat)
        fit_and_score(leads.drop(columns="true_p"), "converted", order="created",
                      exclude=["talk_s"])
