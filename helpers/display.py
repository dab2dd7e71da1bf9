"""Showing results in a notebook: masked tables by default, and the key numbers a lesson keeps.

``keep(...)`` prints a one-line summary of a lesson's key results and tags them with a
machine-readable MIME type, so the test suite (and an instructor's script) can read them from the
executed notebook without scraping text.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import display

from helpers.data.privacy import mask_frame

RESULTS_MIMETYPE = "application/vnd.customer-course.results+json"

__all__ = ["RESULTS_MIMETYPE", "keep", "read_kept", "show", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers into plain JSON values.

    Parameters
    ----------
    value : Any
        A number, string, timestamp, list, dict, Series or DataFrame (nested freely).

    Returns
    -------
    Any
        The same content as plain JSON values (NaN and infinities become ``None``).

    Examples
    --------
    >>> to_jsonable({"n": np.int64(3), "share": float("nan"), "when": pd.Timestamp("2025-12-31")})
    {'n': 3, 'share': None, 'when': '2025-12-31T00:00:00'}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="split")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def keep(**results: Any) -> dict[str, Any]:
    """Show a lesson's key results and record them in the notebook's output.

    The output carries the results twice: as a readable line, and under
    :data:`RESULTS_MIMETYPE` for :func:`read_kept` (the notebook tests assert on them).

    Parameters
    ----------
    **results : Any
        Name and value of each key result (converted with :func:`to_jsonable`).

    Returns
    -------
    dict
        The results as plain JSON values.

    Examples
    --------
    >>> _ = keep(n_customers=3000, top20_share=0.74)  # doctest: +SKIP
    Key results: n_customers = 3000 · top20_share = 0.74
    """
    clean = to_jsonable(results)
    shown = " · ".join(f"{k} = {_short(v)}" for k, v in clean.items())
    display({"text/plain": f"Key results: {shown}", RESULTS_MIMETYPE: clean}, raw=True)
    return clean


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def read_kept(notebook: dict | Any) -> dict[str, Any]:
    """Collect every ``keep(...)`` result from an executed notebook (dict or nbformat node).

    Parameters
    ----------
    notebook : dict or nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    dict
        Every kept name and value; a later ``keep`` of the same name wins.

    Examples
    --------
    >>> cell = {"outputs": [{"data": {RESULTS_MIMETYPE: {"n_customers": 3000}}}]}
    >>> read_kept({"cells": [cell, {"cell_type": "markdown"}]})
    {'n_customers': 3000}
    """
    found: dict[str, Any] = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIMETYPE in data:
                found.update(data[RESULTS_MIMETYPE])
    return found


def show(
    frame: pd.DataFrame,
    table: str | None = None,
    rows: int = 10,
    reveal_personal: bool = False,
) -> pd.DataFrame:
    """Return the first ``rows`` rows of ``frame`` for display, personal data masked.

    Parameters
    ----------
    frame : DataFrame
        Any table.
    table : str, optional
        Canonical table name; tells which columns are personal. Without it, columns are
        recognised by name (``name``, ``phone``, ``email``, ``id_number`` …).
    rows : int
        How many rows to show.
    reveal_personal : bool
        Show personal data unmasked (opt-in; only for users entitled to see it).

    Returns
    -------
    DataFrame
        The first rows, personal columns masked unless ``reveal_personal``.

    Examples
    --------
    >>> show(pd.DataFrame({"customer_id": ["C1"], "phone": ["13812345678"]}), table="customers")
      customer_id        phone
    0          C1  138****5678
    """
    head = frame.head(rows)
    return head if reveal_personal else mask_frame(head, table=table)
