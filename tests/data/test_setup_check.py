"""Tests of helpers.data.setup_check: the machine check of notebook 00."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.data import plot_table_sizes, run_checks, signup_view
from helpers.data.setup_check import check_datasets, check_output, check_packages, read_pins
from helpers.errors import DataProblem
from helpers.paths import DATASETS_DIR


def test_pins_are_read_and_compared(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("pandas==0.0.1  # old\nnumpy>=1\n# comment\nPyYAML[extra]==6.0.3\n")
    assert read_pins(req) == {"pandas": "0.0.1", "pyyaml": "6.0.3"}
    assert read_pins(tmp_path / "none.txt") == {}
    rows = {r["check"]: r for r in check_packages({"pandas": "0.0.1", "no-such-pkg": "1"})}
    assert rows["package pandas"]["status"] == "problem" and "pinned 0.0.1" in rows[
        "package pandas"]["detail"]
    assert rows["package no-such-pkg"]["detail"] == "not installed"


def test_datasets_checked_against_truth(tmp_path, bundled_dir):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\nC2\n")
    (folder / "truth.json").write_text(json.dumps({"counts": {"customers": 3}}))
    rows = {r["check"]: r for r in check_datasets(folder)}
    assert rows["table customers"]["status"] == "problem" and "truth.json: 3" in rows[
        "table customers"]["detail"]
    assert rows["table invoices"]["status"] == "problem" and rows["truth.json"]["status"] == "ok"
    assert check_datasets(tmp_path / "nowhere")[0]["status"] == "problem"
    if (bundled_dir / "truth.json").exists():
        assert all(r["status"] == "ok" for r in check_datasets(bundled_dir))


def test_output_folder_and_whole_table(tmp_path):
    assert check_output(tmp_path / "out")[0]["status"] == "ok"
    assert check_output(DATASETS_DIR)[0]["status"] == "problem"
    checks = run_checks(output_dir=tmp_path / "out")
    assert checks.columns.tolist() == ["check", "status", "detail", "fix"]
    assert (checks.loc[checks["status"] == "ok", "fix"] == "").all()


def test_signup_view_and_table_sizes_plot():
    customers = pd.DataFrame({"signup_date": ["2024-01-05", "2024-06-01", "2023-02-01"],
                              "customer_kind": ["individual", "organisation", "individual"]})
    assert signup_view(customers, 2024) == {"individual": 1, "organisation": 1}
    with pytest.raises(DataProblem, match="signup_date"):
        signup_view(customers.drop(columns="signup_date"), 2024)
    ax = plot_table_sizes(pd.DataFrame({"table": ["a", "b"], "rows": [10, 1000]}))
    assert ax.get_xscale() == "log" and ax.get_title() == "The course's tables"


def test_signup_view_on_years_read_once_matches_the_table():
    from helpers.data.setup_check import SignupYears
    from helpers.paths import DATASETS_DIR

    customers = pd.read_csv(DATASETS_DIR / "customers.csv", dtype=str)
    customers.loc[customers.index[:3], "signup_date"] = None  # no date: counted in no year
    prep = SignupYears(customers)
    years = pd.to_datetime(customers["signup_date"]).dt.year
    for year in range(int(years.min()) - 1, int(years.max()) + 2):
        # the computation before issue 11: filter the table, count the kinds
        counts = customers[years == year]["customer_kind"].value_counts()
        old = {"individual": int(counts.get("individual", 0)),
               "organisation": int(counts.get("organisation", 0))}
        assert signup_view(prep, year) == signup_view(customers, year) == old
    assert sum(sum(signup_view(prep, y).values()) for y in set(years.dropna())) \
        == len(customers) - 3
    with pytest.raises(DataProblem, match="customer_kind"):
        SignupYears(customers.drop(columns="customer_kind"))
