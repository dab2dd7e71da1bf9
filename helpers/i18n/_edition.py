"""The Chinese edition of a notebook: the solution notebook with its Chinese text and ``lang="zh"``.

:func:`zh_notebook` builds it from ``solutions/NN-*.ipynb`` and ``solutions/zh/NN-*.md``: each
markdown cell's source becomes its Chinese entry, the parameters cell gets ``lang = "zh"``, and
the code stays as it is (code strings go through :func:`~helpers.i18n.tr`). A notebook whose
Chinese file misses a cell, still has a TODO or translates an older English text gets no Chinese
edition at all: an English cell in the Chinese edition would go unnoticed.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from helpers.i18n._sidecar import notebook_status, read_notebook_sidecar
from helpers.paths import SOLUTIONS_DIR

#: Where the Chinese files of the notebooks are, and the sub-folder of the Chinese editions.
SIDECAR_DIR = SOLUTIONS_DIR / "zh"
EDITION_DIR = "zh"
_LANG_LINE = re.compile(r"^lang\s*=\s*(['\"])\w+\1", re.M)


def sidecar_path(solution: Path, folder: Path = SIDECAR_DIR) -> Path:
    """The Chinese file of a solution notebook: ``solutions/zh/<stem>.md``."""
    return Path(folder) / f"{Path(solution).stem}.md"


def edition_problems(solution: Path, folder: Path = SIDECAR_DIR) -> dict[str, list[str]]:
    """What keeps a notebook from its Chinese edition: missing, TODO and stale cells (by id).

    Parameters
    ----------
    solution : Path
        The solution notebook.
    folder : Path
        Where the Chinese files are (default ``solutions/zh``).

    Returns
    -------
    dict
        ``{"missing": [...], "todo": [...], "stale": [...]}`` with only the non-empty lists;
        ``{"no file": [name]}`` when the notebook has no Chinese file; empty when complete.
    """
    side = sidecar_path(solution, folder)
    if not side.exists():
        return {"no file": [side.name]}
    status = notebook_status(Path(solution), side)
    return {k: v for k, v in status.items() if v and k != "orphaned"}


def set_lang(nb: dict[str, Any], lang: str) -> bool:
    """Set the ``lang`` parameter of a notebook's parameters cell; True if it was there."""
    for cell in nb["cells"]:
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        if _LANG_LINE.search(text):
            cell["source"] = _LANG_LINE.sub(f'lang = "{lang}"', text, count=1)
            return True
    return False


def zh_notebook(nb: dict[str, Any], entries: dict[str, Any]) -> dict[str, Any]:
    """The Chinese edition of a notebook (a new dict): Chinese markdown, ``lang = "zh"``.

    Parameters
    ----------
    nb : dict
        The solution notebook (its JSON).
    entries : dict
        Its Chinese entries by cell id (:func:`~helpers.i18n._sidecar.read_notebook_sidecar`).

    Returns
    -------
    dict
        The copy, marked ``metadata.course.lang = "zh"``.

    Raises
    ------
    KeyError
        If a markdown cell has no entry (check :func:`edition_problems` first).

    Examples
    --------
    >>> from helpers.i18n._sidecar import Entry
    >>> nb = {"cells": [{"cell_type": "markdown", "id": "a1", "metadata": {}, "source": "Hi"},
    ...       {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]},
    ...        "source": 'lang = "en"  # edition'}], "metadata": {}}
    >>> zh = zh_notebook(nb, {"a1": Entry("a1", "0", "你好")})
    >>> [c["source"] for c in zh["cells"]]
    ['你好', 'lang = "zh"  # edition']
    """
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = entries[cell["id"]].text
    set_lang(out, "zh")
    out.setdefault("metadata", {}).setdefault("course", {})["lang"] = "zh"
    return out


def zh_solution(solution: Path, folder: Path = SIDECAR_DIR) -> dict[str, Any] | None:
    """The Chinese edition of one solution notebook, or None while its Chinese is incomplete.

    Parameters
    ----------
    solution : Path
        The solution notebook (``solutions/NN-*.ipynb``).
    folder : Path
        Where the Chinese files are.

    Returns
    -------
    dict or None
        The notebook JSON, or None when :func:`edition_problems` lists anything.
    """
    if edition_problems(solution, folder):
        return None
    nb = json.loads(Path(solution).read_text(encoding="utf-8"))
    return zh_notebook(nb, read_notebook_sidecar(sidecar_path(solution, folder)))
