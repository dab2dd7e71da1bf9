"""Tests of helpers.data._audit: the quality report, summary, widget view and plot."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import (
    duplicate_keys,
    invalid_mask,
    issues_by_column_view,
    plot_completeness,
    quality_report,
    quality_summary,
    skip_without,
)
from helpers.errors import DataProblem


def test_quality_report_counts_against_plain_pandas():
    df = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C3"],
                       "customer_kind": ["individual", "vip", None, "organisation"],
                       "phone": ["13800138000", "12", None, "+86 139 0000 1111"],
                       "employees": pd.array([5, -1, None, 3], dtype="Int64")})
    rep = quality_report(df, "customers").set_index("column")
    assert rep.loc["customer_kind", "missing"] == 1 and rep.loc["customer_kind", "invalid"] == 1
    assert rep.loc["phone", "invalid"] == 1 and rep.loc["phone", "completeness"] == 0.75
    assert rep.loc["employees", "invalid"] == 1  # below the minimum 0
    assert rep.loc["customer_id", "distinct"] == df["customer_id"].nunique()
    assert rep.loc["customer_id", "中文"] == "客户编号"
    summary = quality_summary(df, "customers")
    assert summary["duplicate_keys"] == 1 and summary["invalid_cells"] == 3
    assert summary["missing_cells"] == int(df.isna().sum().sum())
    assert duplicate_keys(df, "customer_id")["customer_id"].tolist() == ["C3", "C3"]
    view = issues_by_column_view(quality_report(df, "customers"), "invalid")
    assert view["column"].tolist()[0] in {"customer_kind", "phone", "employees"}
    with pytest.raises(DataProblem):
        issues_by_column_view(rep.reset_index(), "bogus")



def test_invalid_mask_and_completeness_plot():
    df = pd.DataFrame({"email": ["a@b.cn", "nope", None], "customer_kind": ["individual", "vip",
                                                                           None]})
    mask = invalid_mask(df, "customers")
    assert mask["email"].tolist() == [False, True, False]
    assert mask["customer_kind"].tolist() == [False, True, False]
    report = quality_report(df, "customers")
    assert issues_by_column_view(report, "completeness")["column"].tolist()[0] in df.columns
    ax = plot_completeness(report)
    assert ax.get_title() == "Completeness and validity by column"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["customer_kind", "email"]


def test_skip_without_names_the_missing_columns_and_says_which_parameter(capsys):
    """Notebook sections on an analyst's export (issue 10): skipped with a reason, no KeyError."""
    df = pd.DataFrame({"customer_id": ["C1"], "city": ["北京"]})
    assert skip_without(df, "the city count", "city") is False
    assert capsys.readouterr().out == ""
    assert skip_without(df, "Keeping records current", "city", "last_updated") is True
    out = capsys.readouterr().out
    assert out.startswith("Skipped: Keeping records current")
    assert "last_updated (资料更新日期)" in out and "city" not in out.split("needs")[1].split(",")[0]
    assert "customers_mapping" in out
    assert skip_without(None, "x", "a", table="leads", parameter="leads_file") is True
    assert "leads_file" in capsys.readouterr().out
