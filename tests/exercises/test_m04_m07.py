"""Exercises of lessons 04-07: right answers pass, each planted mistake gets its own hint, every
option of a choice has feedback, and predictions compare with what the data show.

The data are small tables built by hand, so every expected figure here is worked out on paper.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.exercises import check, registered

# --- lesson 04 -----------------------------------------------------------------------------

K_TABLE = pd.DataFrame({"inertia": [90.0, 60.0, 40.0, 30.0], "silhouette": [0.30, 0.42, 0.35, 0.2],
                        "gmm_bic": [500.0, 480.0, 470.0, 490.0]}, index=pd.Index([2, 3, 4, 5],
                                                                                 name="k"))


def test_04_1_best_silhouette_and_the_inertia_trap():
    assert check("04.1", 3, k_table=K_TABLE)
    assert check("04.1", 5, k_table=K_TABLE).mistake == "lowest inertia"
    assert check("04.1", 4, k_table=K_TABLE).mistake == "mixture BIC"
    assert check("04.1", 12, k_table=K_TABLE).layer == "range"
    assert check("04.1", "three", k_table=K_TABLE).layer == "type"


def test_04_2_richest_is_not_the_largest():
    profile = pd.DataFrame({"customers": [500, 300, 100], "monetary_total": [800.0, 2500.0, 90.0]})
    assert check("04.2", 1, profile=profile)
    assert check("04.2", 0, profile=profile).mistake == "largest cluster"
    assert check("04.2", 2, profile=profile).layer == "value"


#: Ten prospects scored best first; the model group came mostly by referral.
SCORES = pd.Series(np.linspace(0.9, 0.1, 10), index=[f"P{i}" for i in range(10)])
CUSTOMERS = pd.DataFrame({"acquisition_channel": (
    ["referral", "referral", "web", "referral", "web", "web", "web", "web", "referral", "web"]
    + ["referral", "referral", "referral", "web"])},
    index=[f"P{i}" for i in range(10)] + ["L1", "L2", "L3", "L4"])
MODEL = pd.Index(["L1", "L2", "L3", "L4"])


def test_04_4_top_prospects_channel_share_and_its_denominators():
    data = {"scores": SCORES, "customers": CUSTOMERS, "model_ids": MODEL, "n": 4}
    assert check("04.4", 0.75, **data)                                # 3 of the top 4 by referral
    assert check("04.4", 75.0, **data).mistake == "percent"
    assert check("04.4", 0.4, **data).mistake == "all prospects"      # 4 of all 10
    assert check("04.4", 0.75 + 1e-3, **data).layer == "value"
    only_model = check("04.4", 0.75, scores=SCORES, customers=CUSTOMERS,
                       model_ids=pd.Index(["L1", "L2", "L3", "P2"]), n=4)
    assert only_model  # still referral: three of the model group's four
    top2 = {**data, "n": 2}                                           # top 2: both referral
    assert check("04.4", 1.0, **top2) and check("04.4", 0.75, **top2).mistake == "model group"


@pytest.mark.parametrize(("auc", "right"), [(0.5, "a"), (0.62, "b"), (0.9, "c")])
def test_04_5_reads_the_backtest_auc_of_the_data(auc, right):
    for option in "abcd":
        result = check("04.5", option, auc=auc)
        assert bool(result) is (option == right)
        assert f"{auc:.2f}" in result.message          # the feedback quotes the trainee's AUC
    assert "coin toss" in check("04.5", "b", auc=0.5).message
    assert check("04.5", "e", auc=0.6).layer == "type" or not check("04.5", "e", auc=0.6)


def test_04_6_raw_features_follow_the_column_with_the_largest_units():
    rng = np.random.default_rng(1)
    summary = pd.DataFrame({"days_since_last": rng.integers(0, 300, 60).astype(float),
                            "n_orders": rng.integers(1, 10, 60).astype(float),
                            "monetary_total": np.r_[rng.normal(500, 50, 30),
                                                    rng.normal(20_000, 500, 30)]})
    raw = pd.Series(np.r_[np.zeros(30, int), np.ones(30, int)], index=summary.index)
    data = {"summary": summary, "raw_clusters": raw,
            "features": ["days_since_last", "n_orders", "monetary_total"]}
    assert check("04.6", "monetary_total", **data)
    wrong = check("04.6", "n_orders", **data)
    assert not wrong and "not what happened" in wrong.message and "monetary_total" in wrong.message


def test_04_7_prospects_have_not_bought():
    assert check("04.7", "a")
    for option in "bcd":
        assert not check("04.7", option) and "Not that one" in check("04.7", option).message


# --- lesson 05 -----------------------------------------------------------------------------

#: Ten customers: revenue and profit ranked differently; two lose money, one breaks even.
PROFIT = pd.DataFrame({
    "revenue": [1000.0, 900, 800, 700, 600, 500, 400, 300, 200, 100],
    "profit": [50.0, 400, 300, 100, 80, 60, 40, 0, -30, -100],
    "cost_orders": [5.0] * 10, "cost_service": [1.0] * 8 + [20.0, 10.0],
    "cost_complaints": [50.0] + [0.0] * 7 + [10.0, 90.0], "cost_to_serve": [56.0] * 10,
}, index=[f"C{i}" for i in range(10)])


def test_05_1_top20_revenue_share_and_ranking_by_profit():
    assert check("05.1", 1900 / 5500, profit=PROFIT)
    assert check("05.1", 190_000 / 5500, profit=PROFIT).layer == "range"
    assert check("05.1", round(1900 / 5500, 2), profit=PROFIT).mistake == "rounded"
    assert check("05.1", 700 / 900, profit=PROFIT).mistake == "by profit"   # 400 + 300 of 900


def test_05_2_zero_profit_is_not_a_loss():
    assert check("05.2", 2, profit=PROFIT)
    assert check("05.2", 3, profit=PROFIT).mistake == "zero included"
    assert check("05.2", 7, profit=PROFIT).mistake == "profitable"
    assert check("05.2", 0.2, profit=PROFIT).layer == "type"


def test_05_3_the_loss_makers_cost():
    # loss-makers: complaints 100, service 30, orders 10; all customers: complaints 150 too,
    # so build a case where they differ
    p = PROFIT.assign(cost_orders=[200.0] * 8 + [5.0, 5.0])
    assert check("05.3", "cost_complaints", profit=p)
    assert check("05.3", "cost_orders", profit=p).mistake == "all customers"
    assert check("05.3", "cost_to_serve", profit=p).mistake == "total"
    assert check("05.3", 3, profit=p).layer == "type"


def test_05_4_dedicated_share_of_total_profit():
    data = {"profit": PROFIT, "managers": 1, "accounts_per_manager": 2}
    assert check("05.4", 700 / 900, **data)                  # 400 + 300 of a total of 900
    assert check("05.4", 700 / 1030, **data).mistake == "positive profit only"
    assert check("05.4", 450 / 900, **data).mistake == "by revenue"   # C0 (50) + C1 (400)


@pytest.mark.parametrize(("peak", "band"), [(1.05, "below 110 %"), (1.2, "110 % to 125 %"),
                                            (1.4, "125 % to 160 %"), (1.9, "above 160 %")])
def test_05_5_whale_peak_prediction(peak, band):
    result = check("05.5", band, peak_share=peak)
    assert result and "Sherden" in result.message and "140 %" in result.message
    other = "below 110 %" if band != "below 110 %" else "above 160 %"
    assert "not what happened" in check("05.5", other, peak_share=peak).message


def test_05_6_and_05_7_alternatives_to_dropping():
    assert check("05.6", "b") and "restocking" in check("05.6", "b").message
    assert check("05.7", "c") and "EchoStar" in check("05.7", "c").message
    for key, right in (("05.6", "b"), ("05.7", "c")):
        for option in "abcd":
            if option != right:
                wrong = check(key, option)
                assert not wrong and "Not that one" in wrong.message


def test_05_8_middle_half_of_the_whale():
    # ranked by profit: 400 300 100 80 60 50 40 0 -30 -100; middle = ranks 2..6: 100+80+60+50+40
    assert check("05.8", 330 / 900, profit=PROFIT)
    assert check("05.8", 1030 / 900, profit=PROFIT).mistake == "curve height"
    # ranked by revenue, ranks 2..6 are C2..C6: 300+100+80+60+40
    assert check("05.8", 580 / 900, profit=PROFIT).mistake == "by revenue"
    assert check("05.8", 100 * 330 / 900, profit=PROFIT).layer == "range"


# --- lesson 06 -----------------------------------------------------------------------------


def test_06_1_simple_clv_and_its_mistakes():
    data = {"margin": 100.0, "retention": 0.8, "discount_rate": 0.1}
    assert check("06.1", 80 / 0.3, **data)
    years = np.arange(1, 201)
    assert check("06.1", float((100 * 0.8 ** years / 1.1 ** years).sum()), **data)
    assert check("06.1", 80 / 0.2, **data).mistake == "no discount"
    assert check("06.1", 110 / 0.3, **data).mistake == "first year now"
    assert check("06.1", 20 / 0.9, **data).mistake == "churn for retention"
    assert check("06.1", 80 / (1 + 10 - 0.8), **data).mistake == "rate in percent"
    hint = registered("06.1").hint
    assert "/" not in hint and "1 +" not in hint and "retention" not in hint  # no formula given


def test_06_2_probably_gone():
    clv = pd.DataFrame({"p_alive": [0.1, 0.49, 0.5, 0.9, 0.01]})
    assert check("06.2", 3, clv=clv)
    assert check("06.2", 2, clv=clv).mistake == "the others"
    assert check("06.2", 1, clv=clv).mistake == "gone for good"


#: Published CDNOW BG/NBD parameters (Fader, Hardie & Lee 2005).
CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def test_06_3_against_the_model_and_lifetimes():
    from helpers.value import BGNBDFit

    fit = BGNBDFit(**CDNOW, loglik=0.0, n_customers=1)
    want = float(fit.expected_purchases(52, 4, 30.0, 40.0))
    data = {"params": CDNOW, "frequency": 4, "recency": 30.0, "T": 40.0}
    assert check("06.3", want, **data)
    assert check("06.3", float(fit.expected_purchases(365, 4, 30.0, 40.0)), **data).mistake \
        == "days"
    assert check("06.3", float(fit.expected_purchases(1, 4, 30.0, 40.0)), **data).mistake \
        == "one week"
    lifetimes = pytest.importorskip("lifetimes")
    peer = lifetimes.BetaGeoFitter()
    peer.params_ = pd.Series(CDNOW)
    assert registered("06.3").expected(**data) == pytest.approx(
        float(peer.conditional_expected_number_of_purchases_up_to_time(52, 4, 30.0, 40.0)),
        rel=1e-9)


def test_06_4_predicted_not_historical():
    clv = pd.DataFrame({"clv": [10.0, 1, 1, 1, 1, 1, 1, 1, 1, 2]})
    history = pd.Series([1.0, 1, 1, 1, 1, 1, 1, 1, 5, 5])
    assert check("06.4", 12 / 20, clv=clv, history=history)
    assert check("06.4", 10 / 18, clv=clv, history=history).mistake == "historical"


def test_06_5_frequent_then_silent_is_probably_gone_under_cdnow():
    result = check("06.5", "the occasional buyer", params=CDNOW)
    assert result and "drop out" in result.message
    assert "not what happened" in check("06.5", "the frequent buyer", params=CDNOW).message


def test_06_6_life_cycle_prediction():
    assert check("06.6", "b") and "生命周期预测" in check("06.6", "b").message
    assert not check("06.6", "d") and "交叉销售潜力" in check("06.6", "d").message


# --- lesson 07 -----------------------------------------------------------------------------


def test_07_1_hard_to_reach_is_not_refusing():
    classified = pd.DataFrame({"response_class": ["hard_to_reach", "refuser", "refuser",
                                                  "engaged", "hard_to_reach", "hesitant"]})
    assert check("07.1", 2, classified=classified)
    assert check("07.1", 6, classified=classified).mistake == "everybody"
    classified.loc[5, "response_class"] = "refuser"
    assert check("07.1", 3, classified=classified).mistake == "refusers"


#: Twenty leads scored best first; the top two convert (and one more further down).
LEADS = pd.DataFrame({"score": np.linspace(0.95, 0.0, 20),
                      "converted": [True, True] + [False] * 10 + [True] + [False] * 7})


def test_07_2_lift_not_capture():
    # top tenth = 2 leads, both convert: rate 1.0 over 3/20 = 6.667
    assert check("07.2", 20 / 3, test=LEADS, target="converted")
    assert check("07.2", 2 / 3, test=LEADS, target="converted").mistake == "capture"
    assert check("07.2", 3 / 20, test=LEADS, target="converted").mistake == "inverted"


def test_07_3_expected_not_random_not_observed():
    top5 = float(LEADS["score"].nlargest(5).sum())
    assert check("07.3", top5, test=LEADS, capacity=5, target="converted")
    assert check("07.3", 5 * LEADS["score"].mean(), test=LEADS, capacity=5,
                 target="converted").mistake == "random"
    assert check("07.3", 2.0, test=LEADS, capacity=5, target="converted").mistake == "observed"


def test_07_4_answer_hour_with_enough_dials():
    start = pd.to_datetime(["2025-03-03 09:05"] * 40 + ["2025-03-03 14:05"] * 40
                           + ["2025-03-03 20:05"] * 5)
    calls = pd.DataFrame({
        "started_at": start, "purpose": "sales",
        # 09h: 20 of 40 answered, 4 sales; 14h: 30 of 40 answered, 2 sales; 20h: 5 of 5
        "answered": [True] * 20 + [False] * 20 + [True] * 30 + [False] * 10 + [True] * 5,
        "outcome": ["sale"] * 4 + ["no_answer"] * 36 + ["sale"] * 2 + ["no_answer"] * 38
                   + ["callback"] * 5,
    })
    assert check("07.4", 14, calls=calls, min_dials=30)
    assert check("07.4", 9, calls=calls, min_dials=30).mistake == "sales per dial"
    assert check("07.4", 20, calls=calls, min_dials=30).mistake == "sparse hours"
    assert check("07.4", 25, calls=calls, min_dials=30).layer == "range"


def test_07_5_explicit_and_implicit_needs():
    assert check("07.5", "b") and "SPIN" in check("07.5", "b").message
    assert all(not check("07.5", o) for o in "acd")


@pytest.mark.parametrize(("lift", "band"), [(1.2, "less than 1.5 times"), (2.0, "1.5 to 3 times"),
                                            (4.5, "more than 3 times")])
def test_07_6_capacity_lift_prediction(lift, band):
    assert check("07.6", band, expected_lift=lift)
    assert not check("07.6", "more than 3 times" if band != "more than 3 times"
                     else "less than 1.5 times", expected_lift=lift)


def test_07_7_free_hour_goes_to_the_most_interested_conversations():
    classified = pd.DataFrame({
        "response_class": ["engaged"] * 3 + ["hesitant"] * 3 + ["refuser"] * 2
                          + ["hard_to_reach"] * 2 + ["not_yet_called"],
        "answer_rate": [0.8, 0.7, 0.9, 0.4, 0.3, 0.35, 0.95, 0.9, 0.1, 0.2, np.nan],
        "positive_share": [0.8, 0.9, 0.7, 0.5, 0.4, 0.45, 0.9, 0.9, 0.5, 0.3, np.nan],
    })
    assert check("07.7", "engaged", classified=classified)
    # refusers answer and even say yes often here, yet they are never the class to call first
    refuser = check("07.7", "refuser", classified=classified)
    assert not refuser and "cuts their call frequency" in refuser.message
    assert "2 customers" in refuser.message and "92%" in refuser.message  # mean of .95, .9
    assert not check("07.7", "not_yet_called", classified=classified)
    hesitant = check("07.7", "hesitant", classified=classified)
    assert not hesitant and "after them" in hesitant.message


def test_06_7_retention_calls_go_where_the_most_value_is_at_risk():
    clv = pd.DataFrame({"clv": [1000.0, 900, 800, 600, 50, 40],
                        "p_alive": [0.99, 0.98, 0.5, 0.6, 0.3, 0.2]},
                       index=[f"C{i}" for i in range(6)])
    segments = pd.DataFrame({"segment": ["champions", "champions", "cant lose", "cant lose",
                                         "lost", "lost"]}, index=clv.index)
    # at risk per customer: champions (10 + 18) / 2 = 14, cant lose (400 + 240) / 2 = 320,
    # lost (35 + 32) / 2 = 33.5
    assert check("06.7", "cant lose", clv=clv, segments=segments)
    champions = check("06.7", "champions", clv=clv, segments=segments)
    assert not champions and "still buying" in champions.message and "14 of CLV" in champions.message
    lost = check("06.7", "lost", clv=clv, segments=segments)
    assert not lost and "cheaper channel" in lost.message


# --- the hidden answer store gives the same verdicts without the code -----------------------

STORE_CASES = [("04.1", a, {"k_table": K_TABLE}) for a in [3, 5, 4, 12, None]] + \
    [("04.5", a, {"auc": 0.62}) for a in "abcd"] + \
    [("05.4", a, {"profit": PROFIT, "managers": 1, "accounts_per_manager": 2})
     for a in [700 / 900, 700 / 1030, 450 / 900, 77.7]] + \
    [("05.5", a, {"peak_share": 1.4}) for a in ["125 % to 160 %", "below 110 %"]] + \
    [("07.2", a, {"test": LEADS, "target": "converted"}) for a in [20 / 3, 2 / 3, 3 / 20]] + \
    [("07.5", a, {}) for a in "abcd"]


def test_the_store_gives_the_same_verdicts_for_lessons_04_to_07(tmp_path, monkeypatch):
    from helpers.exercises import RECORD_ENV, STORE_ENV, _check, _core, trainee_store

    record = tmp_path / "record.json"
    monkeypatch.setenv(RECORD_ENV, str(record))
    for key, data in {key: data for key, _, data in STORE_CASES}.items():
        check(key, None, **data)
    monkeypatch.delenv(RECORD_ENV)
    path = trainee_store(record, tmp_path / "data" / "answers.json")
    live = [check(key, answer, **data) for key, answer, data in STORE_CASES]
    for key in {k for k, _, _ in STORE_CASES}:
        monkeypatch.delitem(_core._REGISTRY, key)
    monkeypatch.setattr(_core, "lesson_modules", lambda key: [])
    monkeypatch.setattr(_check, "lesson_modules", lambda key: [])
    monkeypatch.setenv(STORE_ENV, str(path))
    hidden = [check(key, answer) for key, answer, _ in STORE_CASES]
    for case, a, b in zip(STORE_CASES, live, hidden, strict=True):
        assert (a.status, a.layer, a.mistake, a.message) == (b.status, b.layer, b.mistake,
                                                             b.message), case[:2]
    text = path.read_text(encoding="utf-8")
    assert "faster delivery option" not in text and "0.7777" not in text  # sealed, hashed
