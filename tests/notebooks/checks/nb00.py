"""Notebook 00 (welcome): the kept numbers are recomputed from the CSV files with plain pandas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.notebooks.checks import unanswered

#: 00.1-00.3 values, 00.4 a choice, 00.5 a prediction
N_EXERCISES = 5


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


def bundled(run, folder: Path) -> None:
    for key, value in expected(folder).items():
        assert run.results[key] == value, key
    assert run.results["n_problems"] == 0
    assert run.results["n_checks"] >= 8 + 1 + 2  # tables, truth.json, python, widgets, output
    assert run.outputs_text().count("right.") == N_EXERCISES


def other_seed(run, folder: Path) -> None:
    exp = expected(folder)
    for key, value in exp.items():
        assert run.results[key] == value, key
    assert run.results["n_customers"] == json.loads(
        (folder / "truth.json").read_text())["counts"]["customers"]
    assert run.outputs_text().count("right.") == N_EXERCISES


def trainee(run) -> None:
    unanswered(run, N_EXERCISES)
