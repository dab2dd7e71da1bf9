"""What the BG/NBD model says over a grid of histories: P(alive) and expected purchases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._bgnbd import BGNBDFit

__all__ = ["expected_purchases_matrix", "probability_alive_matrix"]


def _grid(max_frequency: int, max_recency: float, T: float,
          n_recency: int) -> tuple[np.ndarray, np.ndarray]:
    if max_frequency < 1 or T <= 0 or max_recency <= 0 or max_recency > T:
        raise DataProblem(f"matrix: need max_frequency >= 1 and 0 < max_recency <= T, got "
                          f"{max_frequency}, {max_recency}, {T}.")
    freqs = np.arange(0, max_frequency + 1)
    recs = np.linspace(0, max_recency, n_recency)
    xx, rr = np.meshgrid(freqs, recs)
    return xx, rr


def _frame(values: np.ndarray, xx: np.ndarray, rr: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(values, index=pd.Index(np.round(rr[:, 0], 2), name="recency"),
                        columns=pd.Index(xx[0], name="frequency"))


def probability_alive_matrix(fit: BGNBDFit, max_frequency: int = 20,
                             max_recency: float | None = None, T: float = 52.0,
                             n_recency: int = 27) -> pd.DataFrame:
    """P(alive) for every (recency, frequency) pair of a customer observed for ``T`` units.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model.
    max_frequency : int
        Columns: frequency 0 … ``max_frequency``.
    max_recency : float, optional
        Rows: recency from 0 to this (default ``T``), ``n_recency`` values.
    T : float
        How long the customer has been observed.
    n_recency : int
        Number of rows.

    Returns
    -------
    DataFrame
        Index ``recency``, columns ``frequency``. (Frequency 0 has recency 0 by definition; its
        column shows that customer's value.)

    Raises
    ------
    DataProblem
        If the grid is empty (``max_frequency < 1``) or ``max_recency`` is not in (0, T].

    Examples
    --------
    >>> fit = BGNBDFit(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, loglik=0.0, n_customers=0)
    >>> probability_alive_matrix(fit, max_frequency=2, T=39.0, n_recency=2).round(2).to_dict()
    {0: {0.0: 1.0, 39.0: 1.0}, 1: {0.0: 0.15, 39.0: 0.75}, 2: {0.0: 0.03, 39.0: 0.81}}
    """
    xx, rr = _grid(max_frequency, max_recency or T, T, n_recency)
    rr_used = np.where(xx == 0, 0.0, rr)
    return _frame(fit.p_alive(xx, rr_used, np.full_like(rr, T)), xx, rr)


def expected_purchases_matrix(fit: BGNBDFit, t: float, max_frequency: int = 20,
                              max_recency: float | None = None, T: float = 52.0,
                              n_recency: int = 27) -> pd.DataFrame:
    """Expected purchases in the next ``t`` units over a (recency, frequency) grid.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model.
    t : float
        The horizon, in the model's time unit.
    max_frequency, max_recency, T, n_recency
        The grid, as in :func:`probability_alive_matrix`.

    Returns
    -------
    DataFrame
        Index ``recency``, columns ``frequency``.

    Raises
    ------
    DataProblem
        If the grid is empty or ``t`` is negative.
    """
    xx, rr = _grid(max_frequency, max_recency or T, T, n_recency)
    rr_used = np.where(xx == 0, 0.0, rr)
    return _frame(fit.expected_purchases(t, xx, rr_used, np.full_like(rr, T)), xx, rr)
