"""Notebook 00 (welcome) on the bundled data and on another seed's data.

The kept numbers are recomputed from the CSV files with plain pandas.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ALT_SEED

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("nb00")]


def expected(folder: Path) -> dict:
    customers = pd.read_csv(folder / "customers.csv", dtype=str)
    tx = pd.read_csv(folder / "transactions.csv", dtype=str)
    truth = json.loads((folder / "truth.json").read_text())
    return {
        "n_customers": len(customers),
        "n_transactions": len(tx),
        "n_organisations": int((customers["customer_kind"] == "organisation").sum()),
        "as_of": truth["as_of"],
        "n_tables": 8,
    }


def test_default_parameters(execute, bundled_dir):
    run = execute("00")
    for key, value in expected(bundled_dir).items():
        assert run.results[key] == value, key
    assert run.results["n_problems"] == 0
    assert run.results["n_checks"] >= 8 + 1 + 2  # tables, truth.json, python, widgets, output
    assert run.outputs_text().count("right.") == 3


def test_other_seed(execute, alt_data_dir):
    run = execute("00", data_dir=str(alt_data_dir), seed=ALT_SEED)
    exp = expected(alt_data_dir)
    for key, value in exp.items():
        assert run.results[key] == value, key
    assert run.results["n_customers"] == json.loads(
        (alt_data_dir / "truth.json").read_text())["counts"]["customers"]
    assert run.outputs_text().count("right.") == 3


def test_trainee_copy_runs_unanswered(execute):
    run = execute("00", which="trainee")
    text = run.outputs_text()
    assert text.count("not answered") == 3 and "right." not in text
