"""Unit tests for helpers.segments._scores: RFM scores, named segments, segment profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.caveats import Caveat
from helpers.errors import ConfigProblem, DataProblem
from helpers.i18n import tr
from helpers.segments import (
    customer_summary,
    rfm_scores,
    rfm_segments,
    segment_grid,
    segment_profile,
)
from tests.segments._data import random_tx


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
    with pytest.raises(DataProblem, match="bins must be an integer >= 2"):
        rfm_scores(summary, bins=1)
    with pytest.raises(DataProblem, match="method='median'"):
        rfm_scores(summary, method="median")


def test_rfm_segments_follow_the_map_and_profile_adds_up():
    s = customer_summary(random_tx(5), as_of="2025-08-22")
    seg = rfm_segments(s)
    grid = segment_grid()
    expected = [grid.loc[r, f] for r, f in zip(seg["r_score"], seg["f_score"], strict=True)]
    # the grid is a display table: its names as shown ("can't lose" for the key "cant lose")
    assert [tr(name) for name in seg["segment"].astype(str)] == expected
    prof = segment_profile(seg)
    assert prof["customers"].sum() == len(s)
    assert prof["revenue_share"].sum() == pytest.approx(1.0)
    assert prof.loc["champions", "revenue"] == pytest.approx(
        s.loc[seg["segment"] == "champions", "monetary_total"].sum())
    fixed = rfm_segments(s, method="fixed")
    assert fixed["r_score"].between(1, 5).all()
    # the map's fixed thresholds are the default of method="fixed"
    by_hand = rfm_scores(s, method="fixed", thresholds={
        "r": [30, 90, 180, 365], "f": [2, 3, 5, 8], "m": [500, 1500, 4000, 10000]})
    assert fixed["rfm_code"].equals(by_hand["rfm_code"])


def test_rfm_segments_take_a_map_as_a_dict_and_check_it():
    s = customer_summary(random_tx(5), as_of="2025-08-22")
    two = {"scale": 2, "segments": [{"name": "good", "r": 2, "f": [1, 2]},
                                    {"name": "bad", "r": 1, "f": [1, 2]}]}
    seg = rfm_segments(s, segment_map=two)
    assert list(seg["segment"].cat.categories) == ["good", "bad"]
    assert ((seg["segment"] == "good") == (seg["r_score"] == 2)).all()
    with pytest.raises(ConfigProblem, match="segment_map argument"):
        rfm_segments(s, segment_map={"scale": 2, "segments": [{"name": "x", "r": 1, "f": 1}]})
    with pytest.raises(DataProblem, match="3-point scale"):
        rfm_segments(s, method="fixed", thresholds={"r": [30, 90, 180], "f": [2, 3, 5],
                                                    "m": [1, 2, 3]},
                     segment_map={"scale": 3, "segments": [{"name": "all", "r": [1, 3],
                                                            "f": [1, 3]}]})


def test_all_customers_in_one_segment_is_named():
    summary = pd.DataFrame({"days_since_last": [400.0, 420.0, 500.0], "n_orders": [1, 1, 1],
                            "monetary_total": [5.0, 6.0, 7.0]},
                           index=pd.Index(["a", "b", "c"], name="customer_id"))
    with pytest.warns(Caveat, match=r"all 3 customers are in one segment .*scoring=.quantile."):
        out = rfm_segments(summary, method="fixed")
    assert out["segment"].nunique() == 1
