"""Capacity: which customers get a dedicated account manager, and how much value that covers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._inputs import finite_values, need

__all__ = ["allocate_capacity", "coverage_summary"]


def allocate_capacity(
    frame: pd.DataFrame,
    value_col: str = "profit",
    managers: int = 5,
    accounts_per_manager: int = 40,
    eligible: pd.Series | None = None,
) -> pd.DataFrame:
    """Give the most valuable customers a dedicated account manager, within capacity.

    Parameters
    ----------
    frame : DataFrame
        One row per customer with ``value_col`` (profit, CLV …).
    value_col : str
        The column ranking the customers.
    managers, accounts_per_manager : int
        Capacity: ``managers × accounts_per_manager`` dedicated accounts.
    eligible : boolean Series, optional
        Only these customers may get one (e.g. organisations, or customers who consent).

    Returns
    -------
    DataFrame
        ``frame`` plus ``value_rank`` (1 = most valuable eligible customer), ``dedicated``
        (bool) and ``manager`` (``"AM01"`` …, empty otherwise). Accounts are dealt to managers
        in a snake order (1-2-…-n-n-…-1) so each manager's book holds a similar value. Only
        customers with a positive value are given a manager.

    Raises
    ------
    DataProblem
        A capacity that is not a whole number of 0 or more, or missing values.

    Examples
    --------
    >>> out = allocate_capacity(pd.DataFrame({"profit": [5.0, -1, 9, 7]}), managers=2,
    ...                         accounts_per_manager=1)
    >>> out["manager"].tolist()
    ['', '', 'AM01', 'AM02']
    """
    for name, v in {"managers": managers, "accounts_per_manager": accounts_per_manager}.items():
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            raise DataProblem(f"allocate_capacity: {name} must be a whole number >= 0, got {v!r}.")
    need(frame, "customers", [value_col])
    value = pd.Series(finite_values(frame[value_col], f"allocate_capacity({value_col})"),
                      index=frame.index)
    ok = value > 0
    if eligible is not None:
        ok &= pd.Series(eligible).reindex(frame.index).fillna(False).astype(bool)
    rank = value.where(ok).rank(method="first", ascending=False)
    capacity = managers * accounts_per_manager
    dedicated = rank.le(capacity).fillna(False).to_numpy(dtype=bool)
    out = frame.copy()
    out["value_rank"] = rank.astype("Int64")
    out["dedicated"] = dedicated
    out["manager"] = _snake_order(rank, dedicated, managers)
    return out


def _snake_order(rank: pd.Series, dedicated: np.ndarray, managers: int) -> np.ndarray:
    """Manager of each dedicated account, dealt 1-2-…-n-n-…-1 by rank (empty otherwise)."""
    if not managers:
        return np.full(len(rank), "", dtype=object)
    r0 = rank.fillna(0).to_numpy(dtype=int) - 1
    lap, pos = np.divmod(np.clip(r0, 0, None), managers)
    slot = np.where(lap % 2 == 0, pos, managers - 1 - pos) + 1
    names = np.char.add("AM", np.char.zfill(slot.astype(str), 2))
    return np.where(dedicated, names, "")


def coverage_summary(allocated: pd.DataFrame, value_col: str = "profit") -> dict[str, float]:
    """How much value the dedicated accounts cover.

    Parameters
    ----------
    allocated : DataFrame
        :func:`allocate_capacity` output.
    value_col : str
        The value column it ranked on.

    Returns
    -------
    dict
        ``accounts`` (dedicated), ``value_covered``, ``share_of_total`` (of the total value),
        ``share_of_positive`` (of the positive values) and ``customer_share``.

    Raises
    ------
    DataProblem
        If ``allocated`` lacks ``value_col`` or ``dedicated``.
    """
    need(allocated, "allocation", [value_col, "dedicated"])
    v = allocated[value_col].astype(float)
    d = allocated["dedicated"].astype(bool)
    positive = v.clip(lower=0).sum()
    total = v.sum()
    return {
        "accounts": int(d.sum()),
        "value_covered": float(v[d].sum()),
        "share_of_total": float(v[d].sum() / total) if total > 0 else float("nan"),
        "share_of_positive": float(v[d].sum() / positive) if positive > 0 else 0.0,
        "customer_share": float(d.mean()) if len(d) else 0.0,
    }
