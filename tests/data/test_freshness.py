"""Tests of helpers.data._freshness: stale records."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.data import flag_stale, load_table, stale_share
from helpers.errors import DataProblem


def test_flag_stale_against_hand_computation():
    df = pd.DataFrame({"last_updated": pd.to_datetime(["2025-12-01", "2023-12-31", "2023-12-30",
                                                       None])})
    out = flag_stale(df, as_of="2025-12-31", days=730)
    assert out["days_since_update"].tolist()[:3] == [30, 731, 732]
    assert out["stale"].tolist() == [False, True, True, True]
    assert flag_stale(df, "2025-12-31", missing_is_stale=False)["stale"].tolist()[-1] is False
    assert stale_share(df, "2025-12-31") == 0.75
    with pytest.raises(DataProblem, match="last_updated"):
        flag_stale(df.rename(columns={"last_updated": "x"}), "2025-12-31")


def test_stale_share_of_bundled_customers_matches_truth(bundled_dir):
    if not (bundled_dir / "truth.json").exists():
        pytest.skip("bundled data not generated")
    truth = json.loads((bundled_dir / "truth.json").read_text())
    customers = load_table(bundled_dir / "customers.csv", "customers")
    cut = pd.Timestamp(truth["as_of"]) - pd.DateOffset(years=2)
    independent = float((customers["last_updated"] < cut).mean())
    assert independent == pytest.approx(truth["stale_share"], abs=0.001)
    ours = stale_share(customers, truth["as_of"], days=731, missing_is_stale=False)
    assert ours == pytest.approx(independent, abs=1e-9)

