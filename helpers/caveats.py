"""Caveats: a number that comes back but cannot mean much on the data given says so.

An error (:class:`helpers.errors.DataProblem`) stops a helper; a caveat does not. When a score,
a fit or a split is computed but is degenerate — every look-alike score equal, a retention rate
from a prior period the data barely covers, an AUC no better than chance or too good to be true —
the helper still returns its result and warns with :class:`Caveat`. Jupyter shows the warning
under the cell, where the number is shown.

The check functions are pure: each returns a message (the caveat) or ``None``;
:func:`caveat` warns with it. This module imports nothing from the package.

>>> all_equal([1.0, 1.0, 1.0], "look-alike scores")   # doctest: +ELLIPSIS
'all 3 look-alike scores are equal (1); ...'
>>> all_equal([0.2, 0.5], "look-alike scores") is None
True
>>> auc_caveat(0.52)   # doctest: +ELLIPSIS
'ROC AUC 0.520 is below 0.55: the model ranks no better than chance; ...'
>>> too_short(9, 365, "the prior period")   # doctest: +ELLIPSIS
'the prior period covers only 9 days (at least 365 needed); ...'
>>> one_group(["Champions"] * 4, "customers", "segment")   # doctest: +ELLIPSIS
"all 4 customers are in one segment ('Champions'); ..."
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["AUC_CHANCE", "AUC_LEAK", "Caveat", "all_equal", "auc_caveat", "caveat",
           "cohort_caveat", "one_group", "too_short"]

#: An AUC below this ranks about as well as a coin.
AUC_CHANCE = 0.55
#: An AUC above this is rarely honest on customer data: look for a column that leaks the outcome.
AUC_LEAK = 0.97


class Caveat(UserWarning):
    """A result that came back but may not mean anything on the data given."""


def caveat(message: str | None, stacklevel: int = 3) -> bool:
    """Warn with :class:`Caveat` when ``message`` is not ``None``.

    Parameters
    ----------
    message : str or None
        From a check function (:func:`all_equal`, :func:`too_short`, :func:`auc_caveat`).
    stacklevel : int
        As in :func:`warnings.warn`; the default 3 points at the code that called the helper
        which calls :func:`caveat`.

    Returns
    -------
    bool
        Whether a caveat was raised.

    Examples
    --------
    >>> caveat(None)
    False
    """
    if message is None:
        return False
    warnings.warn(message, Caveat, stacklevel=stacklevel)
    return True


def all_equal(values: Iterable[Any], what: str, fix: str = "") -> str | None:
    """A caveat when two or more values are all the same: a ranking by them is arbitrary.

    Parameters
    ----------
    values : iterable
        The numbers (missing values are ignored).
    what : str
        What they are, in plural ("look-alike scores").
    fix : str
        What to do about it, appended to the message.

    Returns
    -------
    str or None
        The message, or ``None`` when the values differ (or are fewer than two).

    Examples
    --------
    >>> all_equal([3, 3], "segment scores", fix="choose other columns.")
    'all 2 segment scores are equal (3); an order by them is arbitrary. choose other columns.'
    """
    arr = np.asarray(list(values), dtype=float)
    arr = arr[~np.isnan(arr)]
    if len(arr) < 2 or not np.allclose(arr, arr[0], rtol=1e-9, atol=1e-12):
        return None
    msg = f"all {len(arr)} {what} are equal ({arr[0]:g}); an order by them is arbitrary."
    return f"{msg} {fix}".rstrip()


def too_short(days: float, minimum: float, what: str, fix: str = "") -> str | None:
    """A caveat when a period the result rests on is shorter than it should be.

    Parameters
    ----------
    days : float
        How many days the data covers.
    minimum : float
        The fewest days that make the result meaningful.
    what : str
        The period ("the prior period", "the calibration period").
    fix : str
        What to do about it, appended to the message.

    Returns
    -------
    str or None
        The message, or ``None`` when ``days >= minimum``.

    Examples
    --------
    >>> too_short(400, 365, "the prior period") is None
    True
    """
    if days >= minimum:
        return None
    msg = (f"{what} covers only {days:g} days (at least {minimum:g} needed); the result rests "
           "on too little time to mean much.")
    return f"{msg} {fix}".rstrip()


def auc_caveat(auc: float, what: str = "ROC AUC", chance: float = AUC_CHANCE,
               leak: float = AUC_LEAK) -> str | None:
    """A caveat when an AUC is about chance or suspiciously near 1.

    Parameters
    ----------
    auc : float
        The area under the ROC curve on test data (NaN: no caveat, nothing to judge).
    what : str
        Which AUC, for the message.
    chance, leak : float
        Below ``chance``: no better than chance; above ``leak``: check for a leak.

    Returns
    -------
    str or None
        The message, or ``None`` for an AUC between the two bounds.

    Examples
    --------
    >>> auc_caveat(0.99)   # doctest: +ELLIPSIS
    'ROC AUC 0.990 is above 0.97: suspiciously good; check for a leak ...'
    >>> auc_caveat(0.8) is None
    True
    """
    if auc is None or not math.isfinite(auc):
        return None
    if auc < chance:
        return (f"{what} {auc:.3f} is below {chance:g}: the model ranks no better than chance; "
                "its scores should not decide whom to call or chase.")
    if auc > leak:
        return (f"{what} {auc:.3f} is above {leak:g}: suspiciously good; check for a leak (a "
                "column known only after the outcome, such as call duration or payment date) "
                "and leave it out with exclude=.")
    return None


def one_group(labels: Iterable[Any], what: str, group: str = "group", fix: str = "") -> str | None:
    """A caveat when every item falls into the same group (segment, cluster, tier).

    Use it on segment labels (every customer in one RFM segment or one cluster): a breakdown by
    them has one row and says nothing. For equal *scores* use :func:`all_equal`.

    Parameters
    ----------
    labels : iterable
        One label per item (missing labels are ignored).
    what : str
        The items, in plural ("customers").
    group : str
        What a label is ("segment", "cluster", "tier").
    fix : str
        What to do about it, appended to the message.

    Returns
    -------
    str or None
        The message, or ``None`` when there are two or more groups (or fewer than two items).

    Examples
    --------
    >>> one_group(["a", "b"], "customers") is None
    True
    """
    s = pd.Series(list(labels), dtype=object).dropna()
    if len(s) < 2 or s.nunique() > 1:
        return None
    msg = (f"all {len(s)} {what} are in one {group} ({s.iloc[0]!r}); a comparison between "
           f"{group}s is empty.")
    return f"{msg} {fix}".rstrip()


def cohort_caveat(table: pd.DataFrame, min_cohorts: int = 2, min_periods: int = 2,
                  what: str = "the cohort table") -> str | None:
    """A caveat when a cohort table has too few cohorts, or none observed long enough.

    Parameters
    ----------
    table : DataFrame
        One row per cohort, one column per period since the start (0, 1, 2 …; empty where not
        observed yet), as from ``helpers.segments.cohort_retention``; a ``size`` column is
        ignored.
    min_cohorts : int
        The fewest cohorts that make a comparison between cohorts.
    min_periods : int
        The fewest observed periods (period 0 included) the longest cohort needs: with one, every
        retention is 100 % by construction.
    what : str
        The table, for the message.

    Returns
    -------
    str or None
        The message, or ``None`` when the table is usable.

    Examples
    --------
    >>> t = pd.DataFrame({"size": [5], 0: [1.0], 1: [0.4]})
    >>> cohort_caveat(t)   # doctest: +ELLIPSIS
    'the cohort table has only 1 cohort (at least 2 needed); ...'
    """
    periods = table.drop(columns=["size"], errors="ignore")
    n = len(periods)
    observed = int(periods.notna().sum(axis=1).max()) if n else 0
    if n < min_cohorts:
        return (f"{what} has only {n} cohort{'s' if n != 1 else ''} (at least {min_cohorts} "
                "needed); there is nothing to compare it with: use a longer date range or "
                "shorter cohorts.")
    if observed < min_periods:
        return (f"{what}: no cohort is observed for {min_periods} periods or more (the longest "
                f"{observed}); retention after the first period cannot be read from it: use a "
                "longer date range or shorter periods.")
    return None
