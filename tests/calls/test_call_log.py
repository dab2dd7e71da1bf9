"""Checking a call log: each kind of bad row raises a clear message or is dropped with a warning."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.calls import validate_calls
from helpers.errors import DataProblem
from tests.calls.conftest import AS_OF


@pytest.mark.parametrize("column,value,needle", [
    ("ended_at", AS_OF - pd.Timedelta(days=400), "end before start"),
    ("duration_s", -5, "negative duration"),
    ("outcome", "maybe", "unknown outcome"),
    ("agent_id", None, "agent missing"),
])
def test_bad_calls_get_a_clear_message(calls, column, value, needle):
    bad = calls.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[3, column] = value
    with pytest.raises(DataProblem, match=needle) as info:
        validate_calls(bad)
    assert "k4" in str(info.value) and "Fix:" in str(info.value)
    with pytest.warns(UserWarning, match="dropped 1 of 13"):
        kept = validate_calls(bad, errors="drop")
    assert "k4" not in set(kept["call_id"]) and len(kept) == 12


def test_agents_not_in_agent_table(calls):
    agents = pd.DataFrame({"agent_id": ["A2"], "team": ["t"]})
    with pytest.raises(ValueError, match="agent missing"):
        validate_calls(calls, agents)
    assert validate_calls(calls, pd.DataFrame({"agent_id": ["A1"]})) is calls


def test_bad_errors_argument_and_missing_columns(calls):
    with pytest.raises(DataProblem, match="errors must be 'raise' or 'drop'"):
        validate_calls(calls, errors="ignore")
    with pytest.raises(DataProblem, match=r"\['outcome'\] missing"):
        validate_calls(calls.drop(columns="outcome"))
