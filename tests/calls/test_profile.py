"""Each customer's response to calls over a window, against plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.calls import interaction_profile
from tests.calls.conftest import AS_OF


def test_profile_matches_plain_pandas(calls):
    prof = interaction_profile(calls, AS_OF, window_days=180)
    inside = calls[calls["started_at"] > AS_OF - pd.Timedelta(days=180)]
    expected_rate = inside.groupby("customer_id")["answered"].mean()
    pd.testing.assert_series_equal(prof["answer_rate"], expected_rate, check_names=False)
    assert "c5" not in prof.index
    assert prof.loc["c2", "refusal_share"] == 1.0
    assert prof.loc["c1", "mean_talk_s"] == pytest.approx(300)
    assert prof.loc["c3", "positive_share"] == 0.0 and prof.loc["c4", "callbacks"] == 1
    assert not prof[["answer_rate", "mean_talk_s", "refusal_share"]].isna().any().any()


def test_inbound_calls_and_last_signal(calls):
    calls.loc[len(calls)] = {**calls.iloc[0].to_dict(), "call_id": "k99", "direction": "inbound",
                             "outcome": "refused",
                             "started_at": AS_OF - pd.Timedelta(days=3)}
    prof = interaction_profile(calls, AS_OF)
    assert prof.loc["c1", "inbound"] == 1
    assert prof.loc["c1", "last_signal"] == AS_OF - pd.Timedelta(days=3)
    assert pd.isna(prof.loc["c2", "last_signal"])


def test_missing_column_is_a_data_problem(calls):
    with pytest.raises(ValueError, match=r"column\(s\) \['answered'\] missing"):
        interaction_profile(calls.drop(columns="answered"), AS_OF)
