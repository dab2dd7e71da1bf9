"""Run course notebooks with papermill once per parameter set and hand the results to tests.

Every notebook ends its sections with ``keep(...)`` calls; ``run.results`` holds what they kept,
so a test asserts on the numbers that matter instead of merely checking that the notebook ran.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers.display import read_kept
from helpers.i18n import EDITION_DIR
from helpers.paths import NOTEBOOKS_DIR, SOLUTIONS_DIR
from tests.notebooks.kernel import SharedKernel


@dataclass
class NotebookRun:
    """An executed notebook and the results it kept."""

    path: Path
    notebook: dict[str, Any]
    results: dict[str, Any]
    out_dir: Path

    def outputs_text(self) -> str:
        """All text/plain and stream output, for assertions on what a trainee sees."""
        parts = []
        for cell in self.notebook["cells"]:
            for out in cell.get("outputs", []):
                parts.append(out.get("text", "") if "text" in out else
                             "".join(out.get("data", {}).get("text/plain", "")))
        return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)

    def rich_text(self) -> str:
        """Every rich output's HTML and plain text (tables, check results), without streams."""
        parts = []
        for cell in self.notebook["cells"]:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                parts.append("".join(data.get("text/html", "")) + "".join(data.get("text/plain", "")))
        return "\n".join(parts)


_CACHE: dict[tuple, NotebookRun] = {}
_KERNEL = SharedKernel()  # one per worker, reset before each run (see kernel.py)


def _find(name: str, which: str) -> Path:
    folder = {"solutions": SOLUTIONS_DIR, "zh-trainee": NOTEBOOKS_DIR / EDITION_DIR}[which]
    matches = sorted(folder.glob(f"{name}*.ipynb"))
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one notebook matching {name!r} in {folder}, "
                                f"found {[m.name for m in matches]}")
    return matches[0]


@pytest.fixture(scope="session")
def execute(tmp_path_factory: pytest.TempPathFactory):
    """``execute("03", which="solutions", **parameters) -> NotebookRun``, cached per session.

    ``which`` is ``"solutions"`` or ``"zh-trainee"`` (the Chinese trainee copy, in
    ``notebooks/zh``; see ``test_notebooks.py`` for why that one). Every run uses the worker's
    shared kernel, emptied and reset first (``kernel.py``).
    """

    def _execute(name: str, which: str = "solutions", **parameters: Any) -> NotebookRun:
        key = (name, which, json.dumps(parameters, sort_keys=True, default=str))
        if key not in _CACHE:
            source = _find(name, which)
            out_dir = tmp_path_factory.mktemp(f"nb{name}-{which}")
            parameters.setdefault("output_dir", str(out_dir / "output"))
            executed = _KERNEL.run(source, out_dir / source.name, parameters, cwd=out_dir)
            nb = json.loads(executed.read_text(encoding="utf-8"))
            _CACHE[key] = NotebookRun(executed, nb, read_kept(nb), out_dir)
        return _CACHE[key]

    return _execute
