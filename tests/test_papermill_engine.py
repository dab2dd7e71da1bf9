"""The course engine's throttled saves: fewer writes while a notebook runs, the same final copy."""

from __future__ import annotations

import datetime as dt

import nbformat
from papermill.engines import NotebookExecutionManager

from helpers import papermill_engine


def _manager(tmp_path, cells: int = 5) -> NotebookExecutionManager:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {i}") for i in range(cells)])
    nb.metadata["papermill"] = {}
    return NotebookExecutionManager(nb, output_path=str(tmp_path / "out.ipynb"),
                                    progress_bar=False)


def _count_writes(nb_man, monkeypatch) -> list[str]:
    writes: list[str] = []
    monkeypatch.setattr("papermill.engines.write_ipynb", lambda nb, path: writes.append(path))
    return writes


def test_cell_starts_and_ends_save_only_when_the_last_save_is_old(tmp_path, monkeypatch):
    nb_man = _manager(tmp_path)
    writes = _count_writes(nb_man, monkeypatch)
    nb_man.notebook_start()
    assert len(writes) == 1
    papermill_engine.throttle_saves(nb_man, every=10.0)
    clock = [nb_man.last_save_time]
    monkeypatch.setattr(nb_man, "now", lambda: clock[0])
    for cell in nb_man.nb.cells:  # five quick cells: no write
        nb_man.cell_start(cell)
        nb_man.cell_complete(cell)
    assert len(writes) == 1
    clock[0] += dt.timedelta(seconds=11)  # a slow cell: its end is saved, once
    nb_man.cell_complete(nb_man.nb.cells[-1])
    nb_man.cell_start(nb_man.nb.cells[-1])
    assert len(writes) == 2
    del nb_man.save  # as CourseEngine does after the last cell
    nb_man.notebook_complete()
    assert len(writes) == 3, "the final save must always happen"


def test_without_the_throttle_papermill_saves_twice_a_cell(tmp_path, monkeypatch):
    # what the throttle is for; if papermill stops doing this, the throttle can go
    nb_man = _manager(tmp_path)
    writes = _count_writes(nb_man, monkeypatch)
    nb_man.notebook_start()
    for cell in nb_man.nb.cells:
        nb_man.cell_start(cell)
        nb_man.cell_complete(cell)
    assert len(writes) == 1 + 2 * len(nb_man.nb.cells)
