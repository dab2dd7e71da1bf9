"""keep()/read_kept() round trip and the output-folder guard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.display import RESULTS_MIMETYPE, read_kept, to_jsonable
from helpers.paths import DATASETS_DIR, output_dir


def test_kept_results_are_plain_json_and_read_back():
    clean = to_jsonable({"n": np.int64(3), "share": np.float64(0.5), "when": pd.Timestamp("2025-12-31"),
                         "bad": float("nan"), "by": pd.Series({"a": 1})})
    assert clean == {"n": 3, "share": 0.5, "when": "2025-12-31T00:00:00", "bad": None,
                     "by": {"a": 1}}
    nb = {"cells": [{"outputs": [{"data": {RESULTS_MIMETYPE: {"n": 3}}}]},
                    {"outputs": [{"data": {"text/plain": "x"}}]},
                    {"outputs": [{"data": {RESULTS_MIMETYPE: {"m": 1}}}]}]}
    assert read_kept(nb) == {"n": 3, "m": 1}


def test_outputs_never_go_into_the_bundled_datasets(tmp_path):
    with pytest.raises(ValueError, match="holds course inputs"):
        output_dir(DATASETS_DIR / "sub")
    assert output_dir(tmp_path / "out").is_dir()
