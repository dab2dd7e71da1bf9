"""The harness's shared kernel behaves like a fresh one (``tests/notebooks/kernel.py``)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

from helpers.course import run_notebook
from helpers.display import read_kept
from helpers.paths import SOLUTIONS_DIR
from tests.notebooks.conftest import _KERNEL


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nbformat.write(nb, path)
    return path


def _streams(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.notebook
def test_a_run_sees_nothing_of_the_previous_one(tmp_path: Path):
    """Names, warnings already shown, matplotlib settings and the folder are all reset."""
    first = _notebook(tmp_path / "first.ipynb",
                      "import warnings, matplotlib\nsecret = 1\nmatplotlib.rcParams['lines.linewidth'] = 9",
                      "def f():\n    warnings.warn('shown every run', UserWarning)\nf()")
    second = _notebook(tmp_path / "second.ipynb",
                       "import os, matplotlib\nprint(os.getcwd(), matplotlib.rcParams['lines.linewidth'])",
                       "print('secret' in dir())")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    _KERNEL.run(first, tmp_path / "a" / "first.ipynb", {}, cwd=tmp_path / "a")
    _KERNEL.run(first, tmp_path / "a" / "again.ipynb", {}, cwd=tmp_path / "a")
    _KERNEL.run(second, tmp_path / "b" / "second.ipynb", {}, cwd=tmp_path / "b")
    assert "shown every run" in _streams(tmp_path / "a" / "again.ipynb")
    shown = _streams(tmp_path / "b" / "second.ipynb").split()
    assert shown[0] == str(tmp_path / "b") and shown[1] != "9.0" and shown[2] == "False"
    assert len(nbformat.read(tmp_path / "b" / "second.ipynb", as_version=4).cells) == 2


@pytest.mark.notebook
def test_a_failed_cell_leaves_the_kernel_usable(tmp_path: Path):
    broken = _notebook(tmp_path / "broken.ipynb", "raise ValueError('bad input')")
    with pytest.raises(pm.PapermillExecutionError, match="bad input"):
        _KERNEL.run(broken, tmp_path / "out" / "broken.ipynb", {}, cwd=tmp_path)
    fine = _notebook(tmp_path / "fine.ipynb", "print(6 * 7)")
    _KERNEL.run(fine, tmp_path / "out" / "fine.ipynb", {}, cwd=tmp_path)
    assert "42" in _streams(tmp_path / "out" / "fine.ipynb")


@pytest.mark.notebook
@pytest.mark.xdist_group("nb03")
def test_fresh_kernel_run_gives_the_same_results(execute, tmp_path: Path):
    """The course's own path (one fresh kernel per notebook) keeps the same numbers and shows
    the same warnings as the shared kernel the harness uses."""
    shared = execute("03")
    notebook = next(SOLUTIONS_DIR.glob("03*.ipynb"))
    fresh = run_notebook(notebook, tmp_path, {"output_dir": str(tmp_path / "output")},
                         cwd=tmp_path)
    fresh_nb = nbformat.read(fresh, as_version=4)
    assert read_kept(fresh_nb) == shared.results
    assert _streams(fresh).count("Caveat") == shared.outputs_text().count("Caveat")
