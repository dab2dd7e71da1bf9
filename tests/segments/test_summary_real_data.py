"""customer_summary on real public data, checked against published and independent figures.

* CDNOW sample (Fader & Hardie): the 39-week calibration summary ending 1997-09-30 has 2,357
  customers and 946 repeat buyers (``cdnow_customers_summary_with_transactions.csv``, day
  resolution, weeks); ``lifetimes.utils.summary_data_from_transaction_data`` with ``freq="W"``
  must match exactly.
* Online Retail (UCI): RFM summary against a DuckDB query written here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.segments import customer_summary, rfm_segments, segment_profile, summarise_customers
from tests.conftest import shared_file

CALIBRATION_END = "1997-09-30"


@pytest.fixture(scope="module")
def cdnow_sample() -> pd.DataFrame:
    path = shared_file("cdnow", "CDNOW_sample.txt")
    frame = pd.read_csv(path, sep=r"\s+", header=None,
                        names=["master_id", "customer_id", "date", "cds", "amount"],
                        dtype={"master_id": str, "customer_id": str, "date": str})
    frame["purchase_date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def test_cdnow_matches_the_published_calibration_summary(cdnow_sample, cdnow_published_summary):
    published = cdnow_published_summary
    ours = customer_summary(cdnow_sample, as_of=CALIBRATION_END, freq="D",
                            freq_multiplier=7)
    ours.index = ours.index.astype(int)
    assert len(ours) == 2357 == len(published)
    assert (ours["frequency"] > 0).sum() == 946
    joined = published.rename(columns={"T": "T_pub"}).set_index("ID").join(ours, how="inner")
    assert len(joined) == 2357
    assert (joined["x"] == joined["frequency"]).all()
    # the published file rounds to 2 decimals
    assert np.abs(joined["t_x"] - joined["recency"]).max() <= 0.005 + 1e-9
    assert np.abs(joined["T_pub"] - joined["T"]).max() <= 0.005 + 1e-9
    assert np.abs(joined["zbar"] - joined["monetary_value"]).max() <= 0.005 + 1e-9
    summary_only = pd.read_csv(shared_file("cdnow", "cdnow_customers_summary.csv"))
    assert summary_only["frequency"].tolist() == ours.loc[summary_only["ID"], "frequency"].tolist()


def test_cdnow_matches_lifetimes_weekly_exactly(cdnow_sample):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    result = summarise_customers(cdnow_sample, as_of=CALIBRATION_END, freq="W")
    ours = result.table
    ref = lifetimes_utils.summary_data_from_transaction_data(
        cdnow_sample, "customer_id", "purchase_date", "amount",
        observation_period_end=CALIBRATION_END, freq="W")
    ref.index = ref.index.astype(str)
    assert sorted(ref.index) == sorted(ours.index) and len(ours) == 2357
    ref = ref.loc[ours.index]
    assert (ours["frequency"].to_numpy() == ref["frequency"].to_numpy()).all()
    assert (ours["recency"].to_numpy() == ref["recency"].to_numpy()).all()
    assert (ours["T"].to_numpy() == ref["T"].to_numpy()).all()
    np.testing.assert_allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-12)
    # transactions after the calibration week are left out and reported
    assert result.exclusions["after_observation_end"] == (
        cdnow_sample["purchase_date"] > pd.Timestamp("1997-10-05")).sum()


@pytest.fixture(scope="module")
def online_retail() -> pd.DataFrame:
    path = shared_file("online_retail", "online_retail.csv.gz")
    frame = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    assert len(frame) == 541_909
    frame["purchase_date"] = pd.to_datetime(frame["InvoiceDate"])
    frame["amount"] = frame["Quantity"] * frame["UnitPrice"]
    frame["is_return"] = frame["InvoiceNo"].str.startswith("C")
    return frame.rename(columns={"CustomerID": "customer_id"})


def test_online_retail_facts(online_retail):
    assert online_retail["customer_id"].isna().sum() == 135_080
    assert online_retail["customer_id"].nunique() == 4_372
    assert online_retail["amount"].sum() == pytest.approx(9_747_747.93, abs=0.01)
    assert online_retail["is_return"].sum() == 9_288


def test_online_retail_summary_matches_duckdb(online_retail):
    duckdb = pytest.importorskip("duckdb")
    end = "2011-12-09"
    result = summarise_customers(online_retail, as_of=end)
    ours, report = result.table, result.exclusions
    assert report["missing_customer"] == 135_080
    tx = online_retail[["customer_id", "purchase_date", "amount", "is_return"]]
    con = duckdb.connect()
    con.register("tx_view", tx)
    ref = con.sql(f"""
        WITH buys AS (
            SELECT customer_id, CAST(purchase_date AS DATE) AS day, SUM(amount) AS amount
            FROM tx_view
            WHERE customer_id IS NOT NULL AND NOT is_return AND amount >= 0
            GROUP BY customer_id, day),
        per AS (
            SELECT customer_id, day, amount,
                   ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day) AS nr
            FROM buys)
        SELECT customer_id,
               COUNT(*) AS n_orders,
               COUNT(*) - 1 AS frequency,
               DATE_DIFF('day', MIN(day), MAX(day)) AS recency,
               DATE_DIFF('day', MIN(day), DATE '{end}') AS T,
               DATE_DIFF('day', MAX(day), DATE '{end}') AS days_since_last,
               SUM(amount) AS monetary_total,
               COALESCE(SUM(amount) FILTER (WHERE nr > 1) / NULLIF(COUNT(*) - 1, 0), 0)
                   AS monetary_value
        FROM per GROUP BY customer_id ORDER BY customer_id
    """).df().set_index("customer_id")
    assert len(ours) == len(ref)
    ours = ours.loc[ref.index]
    for col in ("n_orders", "frequency", "recency", "T", "days_since_last"):
        assert (ours[col].to_numpy() == ref[col].to_numpy()).all(), col
    np.testing.assert_allclose(ours["monetary_total"], ref["monetary_total"], rtol=1e-9,
                               atol=1e-6)
    np.testing.assert_allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-9,
                               atol=1e-6)
    segments = rfm_segments(ours)
    profile = segment_profile(segments)
    assert profile["customers"].sum() == len(ref)
    # the champions are a minority of customers with a far larger share of revenue
    champ = profile.loc["champions"]
    assert champ["revenue_share"] > 2 * champ["customer_share"]


def test_cdnow_through_the_loader_and_mappings(cdnow_sample, cdnow_master_transactions):
    """The mapping files in mappings/ turn the CDNOW files into course transactions."""
    collecting = pytest.importorskip("helpers.data.loading")
    from helpers.paths import MAPPINGS_DIR

    master = cdnow_master_transactions
    assert len(master) == 69_659 and master["customer_id"].nunique() == 23_570
    assert master["purchase_date"].min() == pd.Timestamp("1997-01-01")
    # every customer of the master file is a first-time buyer of the first quarter of 1997
    first = customer_summary(master)["first_purchase"]
    assert first.max() < pd.Timestamp("1997-04-01")

    raw = pd.read_csv(shared_file("cdnow", "CDNOW_sample.txt"), sep=r"\s+", header=None,
                      dtype=str, names=["master_id", "sample_id", "date", "cds", "dollars"])
    sample = collecting.load_table(raw, "transactions",
                                   mapping=MAPPINGS_DIR / "cdnow_sample.yaml")
    ours = customer_summary(sample, as_of=CALIBRATION_END, freq="W")
    direct = customer_summary(cdnow_sample, as_of=CALIBRATION_END, freq="W")
    assert len(ours) == 2357
    pd.testing.assert_frame_equal(ours.sort_index(), direct.sort_index(), check_dtype=False,
                                  check_index_type=False)
