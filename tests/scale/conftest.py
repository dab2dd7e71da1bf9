"""Fixtures of the engine tests: the bundled transactions, an edge-case frame, files of them."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from helpers.data import load_table
from helpers.paths import PROJECT_DIR

TRANSACTIONS_CSV = PROJECT_DIR / "datasets" / "transactions.csv"


@pytest.fixture(scope="session")
def transactions() -> pd.DataFrame:
    """The bundled transactions, loaded as a notebook loads them."""
    return load_table(TRANSACTIONS_CSV, "transactions")


@pytest.fixture
def edge_frame() -> pd.DataFrame:
    """Returns, a flagged return, missing ids and dates, a zero amount, a day boundary, a week
    boundary (Sunday -> Monday) and a purchase after as_of."""
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", None, "b", "b", "b", "c", "c", "d", "d", "e"],
        "purchase_date": pd.to_datetime([
            "2025-01-05 23:59:59", "2025-01-06 00:00:01", "2025-01-06 10:00:00", "2025-01-07 00:00:00",
            "2025-01-08 00:00:00", None, "2025-01-20 00:00:00", "2025-01-12 00:00:00",
            "2025-01-13 00:00:00", "2025-01-10 00:00:00",
            "2025-03-01 00:00:00", "2025-01-15 00:00:00"]),
        "amount": [10.0, 20.0, 5.0, 7.0, -4.0, 3.0, 0.0, 8.0, 9.5, 11.0, 50.0, 6.0],
        "is_return": [False, False, False, False, False, False, False, False, True, False,
                      False, False],
    })


@pytest.fixture
def nan_amount_frame(edge_frame: pd.DataFrame) -> pd.DataFrame:
    frame = edge_frame.copy()
    frame.loc[2, "amount"] = np.nan
    return frame


#: Spark's settings for a few thousand rows on one core: the JVM's quick compiler only and its
#: serial collector (a short-lived driver starts and plans faster), one shuffle partition and
#: no adaptive re-planning (nothing to adapt to); what Spark computes is the same.
SMALL_LOCAL_SPARK = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


@pytest.fixture(scope="session")
def spark():
    """One Spark session in local mode per test process (skipped without pyspark).

    The Spark tests are in the xdist group ``spark`` so that one worker starts the one JVM
    (``tests/conftest.py`` keeps the groups working on pytest 9.2, pytest-xdist #1386).
    """
    pyspark = pytest.importorskip("pyspark.sql")
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    builder = (pyspark.SparkSession.builder.master("local[1]").appName("helpers-scale-test")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false"))
    for key, value in SMALL_LOCAL_SPARK.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    yield session
    session.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Spark tests start a JVM (about 25 s here): they run in every ``make test`` where Java is
    installed, and are skipped, saying why, where it is not."""
    import shutil

    spark = [item for item in items if "spark" in item.keywords]
    if shutil.which("java"):
        return
    skip = pytest.mark.skip(reason="Spark in local mode needs Java 17 (no `java` on PATH)")
    for item in spark:
        item.add_marker(skip)
