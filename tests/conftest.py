"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.paths import DATASETS_DIR, SHARED_DATASETS_DIR

#: Seed of the second parameter set every notebook is run with (the bundled data uses 2024).
ALT_SEED = 7


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
    from helpers.simulate import write_datasets

    folder = tmp_path_factory.mktemp(f"seed{ALT_SEED}") / "data"
    write_datasets(folder, seed=ALT_SEED)
    return folder
