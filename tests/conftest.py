"""Fixtures shared by the whole suite: the bundled data, another seed's data, the public datasets.

Each public dataset in ``../shared/datasets`` is loaded once per session, through the package's
own loaders and the mapping files in ``mappings/``; a test that asks for one is skipped, saying
why, when the file is absent.
"""

from __future__ import annotations

import ast
import gc
from collections import deque
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

try:  # pytest >= 9.2 keeps node ids structured (see pytest_collection_modifyitems)
    from _pytest.nodeid import NodeId
except ImportError:  # pragma: no cover - an older pytest reads xdist's suffix as it is
    NodeId = None  # type: ignore[assignment,misc]

from helpers.data import Loaded, load_table
from helpers.paths import DATASETS_DIR, MAPPINGS_DIR, PACKAGE_DIR, SHARED_DATASETS_DIR

#: Seed of the second parameter set every notebook is run with (the bundled data uses 2024).
ALT_SEED = 7

#: The files of the public datasets, relative to ../shared/datasets.
CDNOW_SAMPLE = ("cdnow", "CDNOW_sample.txt")
CDNOW_MASTER = ("cdnow", "CDNOW_master.txt")
CDNOW_PUBLISHED_SUMMARY = ("cdnow", "cdnow_customers_summary_with_transactions.csv")
ONLINE_RETAIL = ("online_retail", "online_retail.csv.gz")
BANK_MARKETING = ("bank_marketing", "bank-full.csv")
CREDIT_DEFAULT = ("credit_default", "default of credit card clients.csv")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give ``--dist loadgroup`` its groups back on pytest 9.2 (pytest-xdist #1386).

    On a worker, pytest-xdist marks a test of an ``xdist_group`` by appending ``@group`` to the
    legacy ``_nodeid`` attribute; pytest 9.2 reads node ids from ``_id`` instead, so the suffix is
    lost and the tests of a group spread over both workers (each repeating the group's notebook
    run or Spark session). This copies the suffixed id into ``_id``, as pytest-xdist's own fix
    (pull request #1388) does; with an older pytest, or a fixed pytest-xdist, nothing differs.
    (xdist hands the groups out first itself: it orders the units of work by their size.)
    """
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        return
    for item in items:
        legacy = getattr(item, "_nodeid", None)
        if (NodeId is not None and isinstance(legacy, str) and legacy != item.nodeid
                and hasattr(item, "_id")):
            # the suffix follows the parameters' bracket, so it goes into the last name
            path, _, rest = legacy.partition("::")
            item._id = NodeId(path=path, names=tuple(rest.split("::")))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep Python's cyclic garbage collector off what collection loaded (``gc.freeze``).

    After collection a worker holds pandas, scikit-learn, matplotlib, DuckDB and some 2,500 test
    items: millions of objects that live until the end. Each full collection walked all of them
    again (about 0.3 s, some 25 times in a third of the suite). Frozen, they are left alone;
    everything the tests create is collected as before. :func:`pytest_unconfigure` thaws them,
    so they are freed at exit (frozen, native extensions report them as leaked).
    """
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Undo :func:`pytest_collection_finish`'s freeze before the interpreter exits."""
    gc.unfreeze()


@cache
def package_functions(prefix: str) -> tuple[tuple[Path, ast.FunctionDef], ...]:
    """Every function of helpers/ whose name starts with ``prefix``, with its file.

    Tests parametrised by the package's own functions (every ``plot_*``, every ``explore_*``)
    call this at collection, in each worker: only files that define such a function are parsed
    (parsing all of helpers/ takes a second), and the walk goes through statement bodies only
    (functions are defined in statements), in ``ast.walk``'s order.
    """
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if f"def {prefix}" not in text:
            continue
        todo = deque([ast.parse(text)])
        while todo:
            node = todo.popleft()
            if isinstance(node, ast.FunctionDef) and node.name.startswith(prefix):
                found.append((path, node))
            for field in ("body", "orelse", "handlers", "finalbody", "cases"):
                todo.extend(child for child in getattr(node, field, ())
                            if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)))
    return tuple(found)


def shared_file(*parts: str) -> Path:
    """Path of a file in ../shared/datasets, or skip the test saying why."""
    path = SHARED_DATASETS_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"public dataset {path} is not available (../shared/datasets is absent)")
    return path


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    """The bundled datasets folder."""
    return DATASETS_DIR


@pytest.fixture(scope="session")
def alt_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete course dataset generated with another seed (a trainee's own data)."""
    # deferred: generating is only needed by the tests that ask for this fixture
    from helpers.simulate import write_datasets

    folder = tmp_path_factory.mktemp(f"seed{ALT_SEED}") / "data"
    write_datasets(folder, seed=ALT_SEED)
    return folder


@pytest.fixture(scope="session")
def generated() -> Callable[[int], tuple[dict[str, pd.DataFrame], dict[str, Any]]]:
    """``generated(seed) -> (tables, truth)``: ``helpers.simulate.generate_all`` at full size,
    computed once per seed and session (tests read the frames and never change them)."""
    # deferred: generating is only needed by the tests that ask for this fixture
    from helpers.simulate import generate_all

    return cache(lambda seed: generate_all(seed=seed))


# ------------------------------------------------------------------------------ public datasets


@pytest.fixture(scope="session")
def cdnow_sample_transactions() -> pd.DataFrame:
    """The CDNOW 1/10th sample (2,357 customers), loaded through ``mappings/cdnow_sample.yaml``."""
    return load_table(shared_file(*CDNOW_SAMPLE), "transactions",
                      mapping=MAPPINGS_DIR / "cdnow_sample.yaml")


@pytest.fixture(scope="session")
def cdnow_master_transactions() -> pd.DataFrame:
    """The CDNOW master file (23,570 customers), loaded through ``mappings/cdnow_master.yaml``."""
    return load_table(shared_file(*CDNOW_MASTER), "transactions",
                      mapping=MAPPINGS_DIR / "cdnow_master.yaml")


@pytest.fixture(scope="session")
def cdnow_published_summary() -> pd.DataFrame:
    """Fader and Hardie's published calibration summary of the CDNOW sample (ID, x, t_x, T …)."""
    return pd.read_csv(shared_file(*CDNOW_PUBLISHED_SUMMARY))


@pytest.fixture(scope="session")
def online_retail_loaded() -> Loaded:
    """UCI Online Retail (541,909 lines) through its mapping, invalid rows kept, and its report."""
    return load_table(shared_file(*ONLINE_RETAIL), "transactions",
                      mapping=MAPPINGS_DIR / "online_retail.yaml", on_invalid="keep",
                      return_report=True)


@pytest.fixture(scope="session")
def online_retail_transactions(online_retail_loaded: Loaded) -> pd.DataFrame:
    """UCI Online Retail (541,909 lines) through its mapping, invalid rows kept and reported."""
    return online_retail_loaded.frame


@pytest.fixture(scope="session")
def bank_marketing_leads() -> pd.DataFrame:
    """UCI Bank Marketing (45,211 calls) as leads with an outcome, through its mapping."""
    # deferred: only the lesson 07 tests need the telemarketing helpers
    from helpers.calls import load_leads_with_outcome

    return load_leads_with_outcome(shared_file(*BANK_MARKETING),
                                   MAPPINGS_DIR / "bank_marketing.yaml")


@pytest.fixture(scope="session")
def credit_default_clients() -> pd.DataFrame:
    """UCI default of credit card clients (30,000), read by the receivables helpers."""
    # deferred: only the lesson 09 tests need the receivables helpers
    from helpers.receivables import read_credit_default

    return read_credit_default(shared_file(*CREDIT_DEFAULT))
