"""Unit tests for helpers.segments.rules: the rule standard, features, classification, funnel."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from helpers.segments.rfm import DataProblem
from helpers.segments.rules import (
    CONFLICT,
    NOT_APPLICABLE,
    UNCLASSIFIED,
    classification_problems,
    classify,
    customer_features,
    funnel_table,
    lead_features,
    load_standard,
    rules_view,
    standard_table,
    validate_standard,
    with_thresholds,
)


@pytest.fixture(scope="module")
def standard():
    return load_standard()


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    n = 120
    customers = pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(n)],
        "attitude": rng.choice(["positive", "neutral", "negative", None], n),
        "need_type": rng.choice(["standard", "personalised"], n),
        "price_orientation": rng.choice(["price", "quality"], n),
        "risk_style": rng.choice(["adventurous", "conservative"], n),
        "consent_marketing": rng.random(n) < 0.5,
        "outlet_format": rng.choice(["supermarket", "convenience", "rural_store", None], n),
    })
    k = 1500
    tx = pd.DataFrame({
        "customer_id": rng.choice(customers["customer_id"][:100], k),
        "purchase_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, k),
                                                                        "D"),
        "amount": rng.gamma(2, 100, k).round(2),
    })
    return customers, tx, customer_features(customers, tx, as_of="2025-12-31")


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


def test_every_customer_gets_exactly_one_label_per_dimension(small, standard):
    _, _, f = small
    labels = classify(f, standard)
    assert set(labels.columns) == {d for d, s in standard["dimensions"].items()
                                   if s["table"] == "customers"}
    # purchase behaviour recomputed by hand
    o = f["orders_last_year"]
    expected = np.where(o >= 6, "frequent", np.where(o >= 2, "occasional", "potential"))
    assert labels["purchase_behaviour"].astype(str).tolist() == expected.tolist()
    # customers without an attitude are reported, not silently dropped
    assert (labels["attitude"] == UNCLASSIFIED).sum() == f["attitude"].isna().sum()
    # outlet tiers only apply to outlets
    assert ((labels["outlet_service"] == NOT_APPLICABLE) == f["outlet_format"].isna()).all()
    # life cycle: prospects are exactly the customers who never bought
    assert ((labels["life_cycle"] == "prospect") == (f["n_orders"] == 0)).all()
    # value: top 20 % by last year's revenue are "high"
    high = labels["value"] == "high"
    assert f.loc[high, "revenue_last_year"].min() >= f.loc[~high, "revenue_last_year"].max()
    assert high.mean() == pytest.approx(0.2, abs=0.05)


def test_problems_report_missing_and_conflicting_rules(small, standard):
    _, _, f = small
    problems = classification_problems(f, standard)
    att = problems[problems["dimension"] == "attitude"]
    assert set(att["id"]) == set(f.index[f["attitude"].isna()])
    assert (att["problem"] == "no rule").all()
    # an overlapping life-cycle rule (active widened to 200 days) produces conflicts
    edited = copy.deepcopy(standard)
    rule = next(r for r in edited["dimensions"]["life_cycle"]["rules"] if r["label"] == "active")
    rule["when"]["days_since_last"]["max"] = 200
    labels = classify(f, edited, dimensions=["life_cycle"])
    conflicts = classification_problems(f, edited, dimensions=["life_cycle"])
    expected = ((f["days_since_first"] > 90) & (f["days_since_last"] > 90)
                & (f["days_since_last"] <= 200)).sum()
    assert (labels["life_cycle"] == CONFLICT).sum() == expected == len(conflicts) > 0
    assert conflicts["rules"].str.contains("active").all()


def _std(rules, mode="exclusive"):
    return {"dimensions": {"d": {"mode": mode, "rules": rules}}}


@pytest.mark.parametrize(
    "rules,message",
    [
        ([{"label": "a", "when": {"x": {"min": 5}}}, {"label": "b", "when": {"x": {"max": 5}}}],
         r"rules 'b' and 'a' overlap on 'x'"),
        ([{"label": "a", "when": {"x": {"min": 6}}}, {"label": "b", "when": {"x": {"below": 5}}}],
         r"gap on 'x' between 5 and 6"),
        ([{"label": "a", "when": {"x": {"q_min": 0.5}}},
          {"label": "b", "when": {"x": {"q_min": 0.2, "q_below": 0.5}}}],
         r"quantiles below 0.2 uncovered"),
        ([{"label": "a", "when": {"x": {"in": ["p", "q"]}}},
          {"label": "b", "when": {"x": {"equals": "q"}}}], r"'a' and 'b' both claim x = 'q'"),
        ([{"label": "a", "when": {"x": {"atleast": 5}}}], r"rules\[0\] \(a\).*atleast"),
        ([{"label": "a", "when": {"x": {"min": "five"}}}], r"x.min.*must be a number"),
        ([{"label": "a", "when": {"x": {"min": 5, "below": 3}}}], r"can never hold"),
        ([{"label": "a"}, {"label": "a"}], r"label\(s\) \['a'\] twice"),
    ],
)
def test_bad_standards_name_the_rule(rules, message):
    with pytest.raises(DataProblem, match=message) as err:
        validate_standard(_std(rules), source="my_standard.yaml")
    assert "my_standard.yaml" in str(err.value)


def test_unknown_column_names_the_rule(small, standard):
    _, _, f = small
    std = validate_standard(_std([{"label": "big", "when": {"turnover": {"min": 1}}}],
                                 mode="first_match"), source="x.yaml")
    with pytest.raises(DataProblem, match=r"x.yaml: dimensions.d rule 'big' reads column "
                                          r"'turnover'"):
        classify(f, std, dimensions=["d"])


def test_with_thresholds_and_rules_view(small, standard):
    _, _, f = small
    edited = with_thresholds(standard, {"purchase_behaviour.frequent.orders_last_year.min": 8,
                                        "purchase_behaviour.occasional.orders_last_year.below": 8})
    labels = classify(f, edited, dimensions=["purchase_behaviour"])
    assert ((labels["purchase_behaviour"] == "frequent") == (f["orders_last_year"] >= 8)).all()
    with pytest.raises(DataProblem, match="gap"):
        with_thresholds(standard, {"purchase_behaviour.frequent.orders_last_year.min": 8})
    with pytest.raises(DataProblem, match="no rule 'vip'"):
        with_thresholds(standard, {"purchase_behaviour.vip.orders_last_year.min": 8})
    sizes, cross = rules_view(f, standard, frequent_min=8, occasional_min=3)
    assert cross.to_numpy().sum() == len(f)
    assert cross.loc["frequent"].sum() == (f["orders_last_year"] >= 8).sum()
    with pytest.raises(DataProblem, match="occasional_min < frequent_min"):
        rules_view(f, standard, frequent_min=2, occasional_min=3)


def test_funnel_counts_and_conversion():
    labels = pd.Series(pd.Categorical(["loyal"] * 2 + ["closed"] * 3 + ["target"] * 5
                                      + ["potential"] * 10,
                                      categories=["loyal", "closed", "target", "potential"]))
    f = funnel_table(labels)
    assert f.index.tolist() == ["potential", "target", "closed", "loyal"]
    assert f["reached"].tolist() == [20, 10, 5, 2]
    assert f["conversion"].tolist()[1:] == [0.5, 0.5, 0.4]
    with pytest.raises(DataProblem, match="not among the stages"):
        funnel_table(labels, stages=["potential", "target"])


def test_lead_grades_follow_the_source_material(standard):
    leads = pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4", "L5"],
        "source": ["trade_show", "detailed_inquiry", "detailed_inquiry", "price_only_inquiry",
                   "search_engine"],
        "has_specs": [False, True, True, False, False],
        "has_quantity": [False, True, False, False, False],
        "has_payment_terms": [False, True, False, False, False],
        "has_delivery_date": [False, False, False, False, False],
    })
    grades = classify(lead_features(leads), standard, table="leads")
    assert grades["lead_grade"].astype(str).tolist() == ["A", "B", "C", "C", "C"]


def test_standard_table_lists_every_rule(standard):
    table = standard_table(standard)
    assert len(table) == sum(len(s["rules"]) for s in standard["dimensions"].values())
    assert {"经常购买客户", "钻石客户", "忠诚客户"} <= set(table["中文"])


def test_features_refuse_duplicate_customers(small):
    customers, tx, _ = small
    with pytest.raises(DataProblem, match="not unique"):
        customer_features(pd.concat([customers, customers.head(2)]), tx)


def test_lead_funnel_takes_the_highest_stage():
    from helpers.segments.rules import lead_funnel

    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4", "L5"],
                          "converted": [False, False, False, True, False]})
    calls = pd.DataFrame({
        "lead_id": ["L2", "L3", "L3", "L4", None],
        "answered": [False, True, True, False, True],
        "outcome": ["no_answer", "refused", "interested", "no_answer", "sale"],
    })
    stages = lead_funnel(leads, calls)
    assert stages.astype(str).tolist() == ["potential", "target", "interested", "closed",
                                           "potential"]
    f = funnel_table(stages)
    assert f.index.tolist() == ["potential", "target", "contacted", "interested", "closed"]
    assert f["reached"].tolist() == [5, 3, 2, 2, 1]
    with pytest.raises(DataProblem, match="no column"):
        lead_funnel(leads.drop(columns="converted"), calls)


def test_life_cycle_stage_shortcut(small, standard):
    from helpers.segments.rules import life_cycle_stage

    customers, tx, f = small
    stage = life_cycle_stage(customers, tx, as_of="2025-12-31")
    expected = classify(f, standard, dimensions=["life_cycle"])["life_cycle"]
    assert stage.equals(expected)
    recent = f["days_since_last"] <= 90
    old = f["days_since_first"] > 90
    assert ((stage == "active") == (recent & old)).all()
