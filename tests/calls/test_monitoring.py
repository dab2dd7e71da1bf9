"""Population stability and calibration drift of the scoring models: helpers/calls/_monitoring."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers.calls import (
    MonitorRule,
    load_monitor_config,
    monitor_scores,
    monitoring_alerts,
    psi,
    psi_band,
    psi_table,
)
from helpers.config import validate_config
from helpers.errors import ConfigProblem, DataProblem


def test_psi_matches_a_hand_computation():
    ref = np.arange(1, 11)                    # deciles of 1..10 cut at 1.9, 2.8, ...
    cur = np.array([1, 1, 1, 1, 2, 5, 6, 9, 10, 10])
    table = psi_table(ref, cur, bins=5)       # cuts at 2.8, 4.6, 6.4, 8.2
    assert table["reference_share"].tolist() == [0.2] * 5
    assert table["current_share"].tolist() == [0.5, 0.0, 0.2, 0.0, 0.3]
    floor = 1e-4
    hand = ((0.5 - 0.2) * math.log(0.5 / 0.2) + 2 * (floor - 0.2) * math.log(floor / 0.2)
            + 0 + (0.3 - 0.2) * math.log(0.3 / 0.2))
    assert psi(ref, cur, bins=5) == pytest.approx(hand)
    assert psi(ref, ref, bins=5) == 0.0


def test_psi_of_the_same_distribution_is_small_and_a_shift_is_large():
    rng = np.random.default_rng(0)
    ref = rng.beta(2, 8, 20_000)
    assert psi(ref, rng.beta(2, 8, 20_000)) < 0.01
    moved = psi(ref, rng.beta(3, 6, 20_000))
    assert moved > 0.25 and psi_band(moved) == "major shift"
    assert psi_band(0.099) == "stable" and psi_band(0.1) == "moderate shift"
    tied = psi_table(np.r_[np.zeros(900), np.ones(100)], np.r_[np.zeros(500), np.ones(500)])
    assert len(tied) == 2                     # tied quantiles are merged into one bin
    with pytest.raises(DataProblem, match="must be numbers"):
        psi([0.1, "x"], [0.2])


def _scored(seed=0, months=8, shift_from=None, miscalibrate_from=None, n=800):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-01", periods=months, freq="MS")
    frames = []
    for i, d in enumerate(dates):
        a = 3.0 if shift_from is not None and i >= shift_from else 2.0
        p = rng.beta(a, 8, n)
        true_p = p * 0.6 if miscalibrate_from is not None and i >= miscalibrate_from else p
        frames.append(pd.DataFrame({"created_date": d + pd.to_timedelta(rng.integers(0, 27, n),
                                                                          unit="D"),
                                    "score": p, "converted": rng.random(n) < true_p}))
    return pd.concat(frames, ignore_index=True)


def test_a_stable_calibrated_model_raises_no_alert():
    scored = _scored()
    out = monitor_scores(scored, "score", "created_date", outcome="converted")
    assert len(out) == 8 and (out["scored"] == 800).all()
    assert (out["psi_band"] == "stable").all()
    assert out["calibration_gap"].max() < 0.03
    assert monitoring_alerts(out).empty


def test_a_shifted_score_distribution_raises_the_psi_alert():
    scored = _scored(shift_from=5)
    reference = scored.loc[scored["created_date"] < "2025-03-01", "score"]
    out = monitor_scores(scored, "score", "created_date", outcome="converted",
                         reference=reference)
    assert (out.loc[out["date"] >= "2025-06-01", "psi"] > 0.25).all()
    alerts = monitoring_alerts(out)
    major = alerts[alerts["rule"] == "score_shift_major"]
    assert major["start"].tolist() == [pd.Timestamp("2025-06-01")] and major["n_days"].item() == 3
    assert "calibration_drift" not in set(alerts["rule"])   # shifted, but still calibrated


def test_calibration_drift_raises_its_alert_and_small_periods_are_not_judged():
    scored = _scored(miscalibrate_from=4)
    out = monitor_scores(scored, "score", "created_date", outcome="converted")
    late = out[out["date"] >= "2025-05-01"]
    assert (late["calibration_ratio"] < 0.75).all() and (late["calibration_z"] > 3).all()
    expected = scored.groupby(scored["created_date"].dt.to_period("M"))["score"].mean()
    assert out["expected"].to_numpy() == pytest.approx(expected.to_numpy())
    alerts = monitoring_alerts(out)
    drift = alerts[alerts["rule"] == "calibration_drift"]
    assert drift["fired_on"].tolist() == [pd.Timestamp("2025-06-01")]
    # unknown outcomes (a young period) count in the PSI, not in the calibration
    young = scored.assign(converted=scored["converted"].astype(object).where(
        scored["created_date"] < "2025-05-01"))
    out_young = monitor_scores(young, "score", "created_date", outcome="converted")
    assert (out_young.loc[out_young["date"] >= "2025-05-01", "judged"] == 0).all()
    assert "calibration_drift" not in set(monitoring_alerts(out_young)["rule"])


def test_the_rules_have_the_kpi_alert_form_and_bad_input_is_reported():
    cfg = load_monitor_config()
    assert cfg.bins == 10 and cfg.psi_bands.major == 0.25
    rule = validate_config(MonitorRule, {"name": "x", "metric": "psi", "op": ">",
                                         "threshold": 0.2, "days": 1}, "mine.yaml")
    assert rule.text() == "psi > 0.2 for 1 days running"
    with pytest.raises(ConfigProblem, match="conversion"):
        validate_config(MonitorRule, {"name": "x", "metric": "conversion", "op": ">",
                                      "threshold": 0.2, "days": 1}, "mine.yaml")
    with pytest.raises(DataProblem, match="must hold dates"):
        monitor_scores(pd.DataFrame({"score": [0.1], "d": ["not a date"]}), "score", "d")
    with pytest.raises(DataProblem, match="yes/no"):
        monitor_scores(pd.DataFrame({"score": [0.1, 0.2], "d": ["2025-01-01"] * 2,
                                     "y": ["maybe", True]}), "score", "d", outcome="y")
    with pytest.raises(DataProblem, match="scored"):
        monitoring_alerts(pd.DataFrame({"date": []}))
