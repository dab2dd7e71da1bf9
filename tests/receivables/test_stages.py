"""Tests for helpers.receivables._stages: the stages schema and stage_of."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import helpers.receivables as rc
from helpers.config import validate_config


@pytest.fixture(scope="module")
def stages() -> rc.Stages:
    return rc.load_stages()


def test_stage_boundaries_match_the_material(stages):
    days = [-30, 0, 1, 30, 31, 60, 61, 90, 91, 400]
    assert list(rc.stage_of(days, stages)) == ["M0", "M0", "M1", "M1", "M2", "M2", "M3", "M3",
                                               "M3+", "M3+"]
    assert stages.max_days == (0, 30, 60, 90, np.inf)
    assert stages.charge_off == "M3+" and stages.tolerance == 0.01
    assert stages.zh[1] == "逾期1-30天" and stages.urgency[3] == 1.0
    assert stages.behaviour.disputes.complaints_min == 3
    assert [stages.label(s) for s in ("M0", "M1", "M3+")] == ["M0 (not due)", "M1 (1-30 d)",
                                                             "M3+ (91+ d)"]


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.integers(-400, 2000), min_size=2, max_size=50))
def test_stage_is_monotone_in_days_overdue(stages, days):
    days = sorted(days)
    codes = rc.stage_of(days, stages).codes  # the bundled stages, read once (not per example)
    assert np.all(np.diff(codes) >= 0)


@settings(max_examples=50, deadline=None)
@given(hs.lists(hs.integers(1, 60), min_size=3, max_size=3), hs.lists(hs.integers(-100, 400),
                                                                         min_size=1, max_size=30))
def test_edited_boundaries_still_monotone(steps, days):
    bounds = np.cumsum(steps)
    raw = {"stages": [{"name": "M0", "max_days": 0},
                      *({"name": f"M{i + 1}", "max_days": int(b)} for i, b in enumerate(bounds)),
                      {"name": "M3+", "max_days": None}]}
    st = validate_config(rc.Stages, raw)
    codes = rc.stage_of(sorted(days), st).codes
    assert np.all(np.diff(codes) >= 0)
    # a day exactly on a boundary belongs to the milder stage
    assert list(rc.stage_of(bounds, st)) == ["M1", "M2", "M3"]


@pytest.mark.parametrize("raw, key, what", [
    ({"stages": [{"name": "M0", "max_days": 0}, {"name": "M1", "max_days": 30}]},
     "stages.1.max_days", "must be null for the last stage"),
    ({"stages": [{"name": "M0", "max_days": 10}, {"name": "M1", "max_days": 5},
                 {"name": "M2", "max_days": None}]}, "stages.1.max_days", "must be larger"),
    ({"stages": [{"name": "M0", "max_day": 0}, {"name": "M1", "max_days": None}]},
     "stages.0.max_day", "did you mean 'max_days'"),
    ({"stages": [{"name": "M0", "max_days": 0}, {"name": "M1", "max_days": None}],
      "charge_off_stage": "M9"}, "charge_off_stage", "'M9' is not a stage"),
    ({"stagse": []}, "stagse", "did you mean 'stages'"),
    ({"stages": [{"name": "M0", "max_days": 0}, {"name": "M0", "max_days": None}]},
     "stages.1.name", "repeats the stage 'M0'"),
    ({"stages": [{"name": "M0", "max_days": None}, {"name": "M1", "max_days": None}]},
     "stages.0.max_days", "must be a number"),
    ({"stages": [{"name": "M0", "max_days": "30"}, {"name": "M1", "max_days": None}]},
     "stages.0.max_days", "valid number"),
    ({"stages": [{"name": "M0", "max_days": 0, "urgency": 2}, {"name": "M1", "max_days": None}]},
     "stages.0.urgency", "less than or equal to 1"),
    ({"stages": [{"name": "M0", "max_days": 0}, {"name": "M1", "max_days": None}],
      "behaviour": {"chronic_late": {"late_share": 0.5}}}, "behaviour.chronic_late.late_share",
     "did you mean 'late_share_min'"),
])
def test_bad_stage_files_name_the_key(raw, key, what):
    with pytest.raises(rc.DataProblem) as err:
        validate_config(rc.Stages, raw, "x.yaml")
    line = next(line for line in str(err.value).splitlines() if f"x.yaml: {key}: " in line)
    assert what in line


def test_load_stages_from_an_edited_file(tmp_path):
    path = tmp_path / "stages.yaml"
    path.write_text("stages:\n  - {name: A, max_days: 15}\n  - {name: B, max_days: null}\n",
                    encoding="utf-8")
    st = rc.load_stages(path)
    assert st.names == ("A", "B") and st.charge_off == "B"
    assert list(rc.stage_of([15, 16], st)) == ["A", "B"]
    path.write_text("stages: [", encoding="utf-8")
    with pytest.raises(rc.ConfigProblem, match="not valid YAML"):
        rc.load_stages(path)


def test_with_max_days_is_checked(stages):
    assert stages.with_max_days([0, 20, 50, 80]).max_days == (0, 20, 50, 80, np.inf)
    assert stages.max_days[1] == 30  # the original is unchanged
    with pytest.raises(rc.DataProblem, match="must be larger"):
        stages.with_max_days([0, 50, 40, 80])
    with pytest.raises(rc.DataProblem, match="4 stage boundaries"):
        stages.with_max_days([0, 20])


def test_empty_days_are_refused(stages):
    with pytest.raises(rc.DataProblem, match="empty values"):
        rc.stage_of([1, np.nan], stages)
