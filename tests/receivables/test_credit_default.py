"""Tests for helpers.receivables._credit_default: the UCI credit-card default data (Yeh & Lien
2009) read, staged and rolled.

Published figures (datasets README): 6,636 of 30,000 clients default; PAY_0 counts below.
Stage distributions and roll rates are recomputed independently with plain pandas / DuckDB.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import helpers.receivables as rc
from helpers.receivables import DataProblem
from tests.conftest import shared_file

PAY_0_PUBLISHED = {-2: 2759, -1: 5686, 0: 14737, 1: 3688, 2: 2667, 3: 322, 4: 76, 5: 26, 6: 11,
                   7: 9, 8: 19}


@pytest.fixture(scope="module")
def credit(credit_default_clients) -> pd.DataFrame:
    return credit_default_clients


def test_published_counts(credit):
    assert len(credit) == 30_000
    assert int(credit["defaulted"].sum()) == 6_636
    assert round(credit["defaulted"].mean(), 4) == 0.2212
    assert credit["PAY_0"].value_counts().to_dict() == PAY_0_PUBLISHED
    assert credit["client_id"].is_unique


def test_stage_distribution_against_plain_pandas(credit):
    stages = rc.credit_default_stages(credit)
    for col, month in zip(rc.CREDIT_STATUS, rc.CREDIT_MONTHS, strict=True):
        s = credit[col]
        expected = {"M0": int((s <= 0).sum()), "M1": int((s == 1).sum()),
                    "M2": int((s == 2).sum()), "M3": int((s == 3).sum()),
                    "M3+": int((s >= 4).sum())}
        got = stages[month].value_counts().reindex(list(expected)).to_dict()
        assert got == expected
    # September from the published PAY_0 counts
    sept = stages["2005-09"].value_counts()
    assert sept["M1"] == 3688 and sept["M3"] == 322 and sept["M3+"] == 76 + 26 + 11 + 9 + 19


def test_roll_rates_against_duckdb(credit):
    duckdb = pytest.importorskip("duckdb")
    rates = rc.roll_rates(transitions=rc.credit_default_transitions(credit))
    stage_sql = ("CASE WHEN {c} <= 0 THEN 'M0' WHEN {c} = 1 THEN 'M1' WHEN {c} = 2 THEN 'M2' "
                 "WHEN {c} = 3 THEN 'M3' ELSE 'M3+' END")
    pairs = [("PAY_6", "PAY_5"), ("PAY_5", "PAY_4"), ("PAY_4", "PAY_3"), ("PAY_3", "PAY_2"),
             ("PAY_2", "PAY_0")]
    union = " UNION ALL ".join(
        f"SELECT {stage_sql.format(c=a)} AS f, {stage_sql.format(c=b)} AS t FROM credit"
        for a, b in pairs)
    con = duckdb.connect()
    con.register("credit", credit[rc.CREDIT_STATUS])
    ref = con.execute(f"SELECT f, t, count(*) * 1.0 / sum(count(*)) OVER (PARTITION BY f) AS r "
                      f"FROM ({union}) GROUP BY f, t").df()
    for f, t, r in ref.itertuples(index=False):
        assert rates.loc[f, t] == pytest.approx(r)
    live = rates.dropna()
    np.testing.assert_allclose(live.sum(axis=1), 1.0)
    assert (rates["paid"].fillna(0) == 0).all()
    # the worse the stage in August, the higher the share of defaulters next month
    aug = rc.credit_default_stages(credit)["2005-09"]
    by_stage = credit.groupby(aug, observed=True)["defaulted"].mean()
    assert by_stage["M0"] < by_stage["M2"] < by_stage["M3"]


def test_bad_files_are_reported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,LIMIT_BAL,PAY_0\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataProblem, match="header"):
        rc.read_credit_default(bad)
    with pytest.raises(DataProblem, match="not found"):
        rc.read_credit_default(tmp_path / "missing.csv")
    src = shared_file("credit_default", "default of credit card clients.csv")
    text = src.read_text(encoding="utf-8-sig").splitlines()
    broken = text[:2] + [text[2].replace(",2,2,-1,", ",2,x,-1,", 1)] + text[3:10]
    (tmp_path / "broken.csv").write_text("\n".join(broken), encoding="utf-8")
    with pytest.raises(DataProblem, match="non-integer"):
        rc.read_credit_default(tmp_path / "broken.csv")


def test_mapping_is_the_one_mapping_format(tmp_path):
    src = shared_file("credit_default", "default of credit card clients.csv")
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    (tmp_path / "plain.csv").write_text("\n".join(lines[1:20]), encoding="utf-8")
    mapping = {"columns": {"ID": "client_id", "LIMIT_BAL": "credit_limit", "SEX": None,
                           "default payment next month": "defaulted"}}
    frame = rc.read_credit_default(tmp_path / "plain.csv", mapping)
    assert len(frame) == 18 and "SEX" not in frame.columns and frame["defaulted"].dtype == bool
    with pytest.raises(rc.ConfigProblem, match="reed: unknown key 'reed' .did you mean 'read'"):
        rc.read_credit_default(tmp_path / "plain.csv", {**mapping, "reed": {"header": 0}})
    with pytest.raises(rc.DataProblem, match="missing after applying the mapping given"):
        rc.read_credit_default(tmp_path / "plain.csv", {"columns": {"ID": "client_id"}})


def test_credit_default_receivables_reshape_against_pandas(credit_default_clients):
    """Each positive statement an invoice; next month's payment on it, capped; sums match."""
    clients = credit_default_clients
    inv, pay = rc.credit_default_receivables(clients)
    bills = {f"BILL_AMT{k}": m for k, m in zip(range(1, 7), rc.CREDIT_MONTHS[::-1], strict=True)}
    for col, month in bills.items():
        positive = clients[col] > 0
        mine = inv[inv["invoice_id"].str.endswith(month)]
        assert len(mine) == int(positive.sum()), month
        assert mine["amount"].sum() == pytest.approx(clients.loc[positive, col].sum())
    assert inv["invoice_id"].is_unique and pay["invoice_id"].isin(inv["invoice_id"]).all()
    # August's statement (BILL_AMT2) is paid from PAY_AMT1 (September), capped at the bill
    aug = clients[clients["BILL_AMT2"] > 0]
    capped = np.minimum(aug["PAY_AMT1"], aug["BILL_AMT2"])
    got = pay[pay["invoice_id"].str.endswith("2005-08")]
    assert got["amount"].sum() == pytest.approx(capped.sum())
    assert set(got["payment_date"]) == {"2005-09-25"}
    assert not pay["invoice_id"].str.endswith("2005-09").any()  # no October in the data
    # the tables pass the course loader's checks
    loaded = rc.open_items(inv, pay, "2005-09-30")
    assert loaded["balance"].sum() == pytest.approx(inv["amount"].sum() - pay["amount"].sum())
