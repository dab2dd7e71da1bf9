"""Blank cells of a grid as read: missing or only white space, worked out column by column.

:func:`blank_cells` gives the whole mask; the reader (:mod:`helpers.data._read`) needs less: which
columns are blank from top to bottom (:func:`blank_columns`, usually settled by the first rows),
which rows are blank in every column (:func:`blank_rows`, usually settled by the first column
that has no blank cell) and which rows have cells beyond the header (:func:`filled_beyond`).
Each gives exactly what the whole mask would, without working out every cell of a large file.

>>> grid = pd.DataFrame({"a": ["id", "1", " "], "b": ["", "", None]})
>>> blank_columns(grid).tolist(), blank_rows(grid, 1).tolist()
([False, True], [False, True])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from helpers.data._coerce import arrow_text
from helpers.data._textbytes import none_blank

__all__ = ["blank_cells", "blank_columns", "blank_of", "blank_rows", "filled_beyond"]

#: Rows looked at first to tell that a column is not blank from top to bottom.
_HEAD = 1000


def blank_of(col: pd.Series) -> np.ndarray:
    r"""True where a cell of one column is missing or only spaces.

    >>> blank_of(pd.Series(["x", "\u3000", None], dtype="string[pyarrow]")).tolist()
    [False, True, True]
    """
    a = arrow_text(col)
    if a is not None:  # text read by pyarrow or pandas: one vectorised pass
        # empty, or only white space (as utf8_trim_whitespace sees it), without a copy
        blank = pc.or_kleene(pc.is_null(a), pc.or_kleene(pc.equal(a, ""), pc.utf8_is_space(a)))
        return np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)
    if col.dtype == object:
        return col.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                       or (isinstance(v, str) and not v.strip())).to_numpy(dtype=bool)
    return (col.isna() | col.astype("string").str.strip().eq("")).fillna(True).to_numpy(
        dtype=bool)


def blank_cells(grid: pd.DataFrame) -> pd.DataFrame:
    """True where a cell is missing or only spaces.

    >>> blank_cells(pd.DataFrame({"a": ["x", " ", None]}))["a"].tolist()
    [False, True, True]
    """
    return pd.DataFrame({c: blank_of(grid[c]) for c in grid.columns}, index=grid.index)


def blank_columns(grid: pd.DataFrame) -> np.ndarray:
    """Which columns are blank in every row: ``blank_cells(grid).all(axis=0)``, cheaply.

    A column with a filled cell among its first rows is not; only the others are looked at
    whole.
    """
    out = np.zeros(grid.shape[1], dtype=bool)
    for i in range(grid.shape[1]):
        col = grid.iloc[:, i]
        out[i] = bool(blank_of(col.iloc[:_HEAD]).all()) and bool(blank_of(col).all())
    return out


def blank_rows(grid: pd.DataFrame, start: int) -> np.ndarray:
    """Which rows of ``grid.iloc[start:]`` are blank in every column, cheaply.

    ``blank_cells(grid.iloc[start:]).all(axis=1)``: the columns are combined one at a time and
    the first column without a blank cell settles it (no row is blank in every column).
    """
    body = grid.iloc[start:]
    rows = np.ones(len(body), dtype=bool)
    for i in range(body.shape[1]):
        a = arrow_text(body.iloc[:, i])
        if a is not None and none_blank(a):  # a column without a blank cell: from its bytes
            return np.zeros(len(body), dtype=bool)
        rows &= blank_of(body.iloc[:, i])
        if not rows.any():
            break
    return rows


def filled_beyond(grid: pd.DataFrame, hpos: int) -> tuple[int, np.ndarray]:
    """Cells to the right of the header's last filled cell (header on ``grid.iloc[hpos]``).

    Returns
    -------
    width : int
        The header's filled cells.
    rows : ndarray of int
        Positions in ``grid.iloc[hpos + 1:]`` of the rows with a filled cell right of the
        header's last one (none when the header has no blank cell at its end).
    """
    row = grid.iloc[hpos:hpos + 1] if hpos >= 0 else grid.iloc[[hpos]]  # a slice: no copy
    head = ~blank_cells(row).to_numpy()[0]
    if not head.any() or head[-1]:
        return int(head.sum()), np.zeros(0, dtype=np.intp)
    body = grid.iloc[hpos + 1:]
    filled = np.zeros(len(body), dtype=bool)
    for i in range(int(np.flatnonzero(head)[-1]) + 1, grid.shape[1]):
        filled |= ~blank_of(body.iloc[:, i])
    return int(head.sum()), np.flatnonzero(filled)
