"""Unit tests for helpers.segments._classify: labels, problems, the life-cycle shortcut."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.config import validate_config
from helpers.errors import DataProblem
from helpers.segments import (
    CONFLICT,
    NOT_APPLICABLE,
    UNCLASSIFIED,
    ClassificationStandard,
    classification_problems,
    classify,
    customer_features,
    lead_features,
    life_cycle_stage,
    load_standard,
    rule_matches,
    with_thresholds,
)


def test_every_customer_gets_exactly_one_label_per_dimension(small, standard):
    _, _, f = small
    labels = classify(f, standard)
    assert set(labels.columns) == {d for d, s in standard.dimensions.items()
                                   if s.table == "customers"}
    # purchase behaviour recomputed by hand
    o = f["orders_last_year"]
    expected = np.where(o >= 6, "frequent", np.where(o >= 2, "occasional", np.where(
        f["n_orders"] > 0, "rare", "potential")))
    assert labels["purchase_behaviour"].astype(str).tolist() == expected.tolist()
    # potential customers (潜在客户) are those who have not bought yet (the source's meaning),
    # never a buyer who merely bought little last year
    potential = labels["purchase_behaviour"] == "potential"
    assert (potential == (f["n_orders"] == 0)).all()
    assert (labels.loc[f["n_orders"] > 0, "purchase_behaviour"] != "potential").all()
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
    # funnel: a ladder, the first rule that holds wins
    loyal = (f["n_orders"] >= 4) & (f["days_since_last"] <= 180)
    assert ((labels["funnel"] == "loyal") == loyal).all()


def test_problems_report_missing_and_conflicting_rules(small, standard):
    _, _, f = small
    problems = classification_problems(f, standard)
    att = problems[problems["dimension"] == "attitude"]
    assert set(att["id"]) == set(f.index[f["attitude"].isna()])
    assert (att["problem"] == "no rule").all()
    # an overlapping life-cycle rule (active widened to 200 days) produces conflicts
    edited = with_thresholds(standard, {"life_cycle.active.days_since_last.max": 200})
    labels = classify(f, edited, dimensions=["life_cycle"])
    conflicts = classification_problems(f, edited, dimensions=["life_cycle"])
    expected = ((f["days_since_first"] > 90) & (f["days_since_last"] > 90)
                & (f["days_since_last"] <= 200)).sum()
    assert (labels["life_cycle"] == CONFLICT).sum() == expected == len(conflicts) > 0
    assert conflicts["rules"].str.contains("active").all()


def test_unknown_column_names_the_rule(small):
    _, _, f = small
    raw = {"dimensions": {"d": {"mode": "first_match",
                                "rules": [{"label": "big", "when": {"turnover": {"min": 1}}}]}}}
    std = validate_config(ClassificationStandard, raw, "x.yaml").named("x.yaml")
    with pytest.raises(DataProblem, match=r"x.yaml: dimensions.d rule 'big' reads column "
                                          r"'turnover'"):
        classify(f, std, dimensions=["d"])
    with pytest.raises(DataProblem, match="no dimension 'e'"):
        rule_matches(f, std, "e")


def test_a_standard_given_as_a_dict_is_checked():
    feats = pd.DataFrame({"x": [1, 5, 9]})
    raw = {"dimensions": {"d": {"rules": [{"label": "lo", "when": {"x": {"below": 5}}},
                                          {"label": "hi", "when": {"x": {"min": 5}}}]}}}
    assert classify(feats, raw)["d"].tolist() == ["lo", "hi", "hi"]
    raw["dimensions"]["d"]["rules"][1]["when"]["x"] = {"min": 6}
    with pytest.raises(DataProblem, match="standard argument: dimensions.d: .*gap"):
        classify(feats, raw)


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


def test_life_cycle_stage_shortcut(small, standard):
    customers, tx, f = small
    stage = life_cycle_stage(customers, tx, as_of="2025-12-31")
    expected = classify(f, standard, dimensions=["life_cycle"])["life_cycle"]
    assert stage.equals(expected)
    recent = f["days_since_last"] <= 90
    old = f["days_since_first"] > 90
    assert ((stage == "active") == (recent & old)).all()


# ------------------------------------------------------------------------------ absent columns


def test_absent_columns_make_a_dimension_na_and_a_ladder_lose_its_rung():
    """An ID-only customer base (issue 10): no attitude, no consent, no outlet format."""
    std = load_standard()
    feats = pd.DataFrame({"n_orders": [0, 1, 5], "days_since_last": [None, 10, 20],
                          "days_since_first": [None, 10, 400], "orders_last_year": [0, 1, 5],
                          "revenue_last_year": [0.0, 5.0, 50.0],
                          "monetary_total": [0.0, 5.0, 50.0]}, index=["a", "b", "c"])
    with pytest.raises(DataProblem, match="need_type"):
        classify(feats, std)
    labels = classify(feats, std, absent="n/a")
    assert set(labels["attitude"]) == {"n/a"} and set(labels["outlet_service"]) == {"n/a"}
    # the funnel without 'target' (consent unknown): the other rungs still decide
    assert labels["funnel"].tolist() == ["potential", "closed", "loyal"]
    assert labels["life_cycle"].tolist() == ["prospect", "new", "active"]
    gaps = std.missing_columns(feats.columns).set_index("dimension")
    assert set(gaps.index) == {"needs", "price_orientation", "attitude", "psychographics",
                               "funnel", "outlet_service"}
    assert gaps.loc["funnel", "missing"] == "consent_marketing"
    assert "left out" in gaps.loc["funnel", "effect"]
    assert gaps.loc["attitude", "effect"].startswith("not classified")
    with pytest.raises(DataProblem, match="absent"):
        classify(feats, std, absent="guess")


def test_customer_features_without_a_customer_list_uses_the_buyers():
    tx = pd.DataFrame({"customer_id": ["A", "B", "B", "C"], "amount": [10.0, 5.0, 7.0, -3.0],
                       "purchase_date": pd.to_datetime(["2025-01-02", "2025-03-01",
                                                        "2025-03-05", "2025-02-01"])})
    feats = customer_features(None, tx, as_of="2025-03-31")
    assert sorted(feats.index) == ["A", "B", "C"]          # C only returned: counted, 0 orders
    assert feats.loc["B", "n_orders"] == 2 and feats.loc["C", "n_orders"] == 0
    assert classify(feats, absent="n/a")["life_cycle"]["C"] == "prospect"
