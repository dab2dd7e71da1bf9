"""The loader on real data: UCI Online Retail through mappings/online_retail.yaml.

Every figure of ../shared/datasets/README.md ("Facts to test against", Online Retail) is
reproduced through the course's own loader, with the problems of the real file reported, not
crashed on.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import LoadReport, load_table
from helpers.errors import DataProblem
from helpers.paths import MAPPINGS_DIR
from tests.conftest import shared_file

MAPPING = MAPPINGS_DIR / "online_retail.yaml"

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def retail(online_retail_transactions) -> pd.DataFrame:
    return online_retail_transactions


def test_published_counts(retail):
    assert len(retail) == 541_909
    assert retail["order_id"].nunique() == 25_900
    cancelled = retail["is_return"]
    assert retail.loc[cancelled, "order_id"].nunique() == 3_836
    assert int(cancelled.sum()) == 9_288
    assert retail["customer_id"].nunique() == 4_372
    assert int(retail["customer_id"].isna().sum()) == 135_080
    assert int(retail["product_category"].isna().sum()) == 1_454
    assert retail["Country"].nunique() == 38
    assert float(retail["amount"].sum()) == pytest.approx(9_747_747.93, abs=0.01)


def test_types_and_dates(retail):
    assert retail["purchase_date"].min() == pd.Timestamp("2010-12-01 08:26:00")
    assert retail["purchase_date"].max().normalize() == pd.Timestamp("2011-12-09")
    assert str(retail["quantity"].dtype) == "Int64"
    assert retail["customer_id"].iloc[0] == "17850"  # not "17850.0"
    assert retail["transaction_id"].is_unique


def test_problems_are_reported_not_crashed_on(retail, online_retail_loaded):
    report = online_retail_loaded.report
    assert isinstance(report, LoadReport) and report.rows_read == report.rows_kept == len(retail)
    kinds = {p.kind: p for p in report.problems}
    assert kinds["missing_value"].column == "customer_id"
    assert kinds["missing_value"].count == 135_080
    text = str(report)
    assert "9288 row(s) are returns or cancellations on 3836 order(s)" in text
    negative_qty = int((retail["quantity"] < 0).sum())
    assert f"{negative_qty} row(s) have a negative quantity" in text
    assert "numbered" in text  # the file has no line number: transaction_id is made


def test_strict_load_raises_one_clear_error():
    path = shared_file("online_retail", "online_retail.csv.gz")
    with pytest.raises(DataProblem) as err:
        load_table(path, "transactions", mapping=MAPPING)
    msg = str(err.value)
    assert "CustomerID" in msg and "customer_id" in msg and "on_invalid='drop'" in msg
    assert "135075 more" in msg


def test_drop_mode_keeps_rows_with_a_customer():
    path = shared_file("online_retail", "online_retail.csv.gz")
    kept, report = load_table(path, "transactions", mapping=MAPPING, on_invalid="drop",
                              return_report=True)
    assert len(kept) == 541_909 - 135_080
    assert kept["customer_id"].notna().all()
    assert report.n_dropped == 135_080 and len(report.dropped_rows) == 1000


def test_same_mapping_reads_the_official_xlsx_layout(tmp_path, retail):
    """UCI ships the data as 'Online Retail.xlsx' with real Excel dates and numeric IDs."""
    path = shared_file("online_retail", "online_retail.csv.gz")
    sample = pd.read_csv(path, nrows=300, dtype={"InvoiceNo": str, "StockCode": str})
    sample["InvoiceDate"] = pd.to_datetime(sample["InvoiceDate"])
    xlsx = tmp_path / "Online Retail.xlsx"
    sample.to_excel(xlsx, index=False, sheet_name="Online Retail")
    from_xlsx = load_table(xlsx, "transactions", mapping=MAPPING, on_invalid="keep")
    from_csv = retail.head(300)
    cols = ["order_id", "customer_id", "purchase_date", "quantity", "amount", "is_return"]
    pd.testing.assert_frame_equal(from_xlsx[cols], from_csv[cols], check_dtype=False)
