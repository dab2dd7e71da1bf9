"""The worked case: what tailored plays would recover from overdue accounts, by customer type."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from pandas.io.formats.style import Styler

from helpers.errors import require_columns
from helpers.plotting import new_axes

from ._playbook import CollectionPlaybook

__all__ = ["plot_worked_case", "style_worked_case", "worked_case"]


def worked_case(accounts: pd.DataFrame, playbook: CollectionPlaybook,
                baseline_type: str = "cooperative") -> pd.DataFrame:
    """The electronics-company case: what the tailored plays would recover, by customer type.

    For overdue accounts (stage past M0), the baseline is the stage's play for
    ``baseline_type`` (the same approach for everyone); the strategy uses the play for the
    account's own type (e.g. gentle reminder plus instalment plan for negative-attitude
    customers, a revisit plus a targeted offer for lapsed ones). Each play's ``uplift`` is a
    planning assumption from the playbook: ``p_new = p + uplift × (1 - p)``.

    Parameters
    ----------
    accounts : DataFrame
        From :func:`collection_accounts` with ``customer_type`` and ``p_pay_30d``.
    playbook : CollectionPlaybook
        From :func:`load_collection_playbook`.
    baseline_type : str
        The customer type whose plays everyone would get without tailoring.

    Returns
    -------
    DataFrame
        By customer type: ``accounts, balance, expected_now, expected_baseline,
        expected_strategy, share_of_overdue, gain``, largest balance first.

    Raises
    ------
    DataProblem
        If ``accounts`` lacks a needed column.
    """
    require_columns(accounts, ["stage", "customer_type", "balance", "p_pay_30d"], "accounts")
    st_names = list(playbook.stage_names)
    over = accounts[accounts["stage"].astype(str) != st_names[0]].copy()
    up_own = np.array([playbook.play(s, t).uplift for s, t in
                       zip(over["stage"].astype(str), over["customer_type"].astype(str),
                           strict=True)], dtype="float64")
    up_base = over["stage"].astype(str).map(
        {s: playbook.play(s, baseline_type).uplift for s in st_names}).to_numpy(dtype="float64")
    p = over["p_pay_30d"].to_numpy(dtype="float64")
    bal = over["balance"].to_numpy(dtype="float64")
    over["expected_now"] = bal * p
    over["expected_baseline"] = bal * (p + up_base * (1 - p))
    over["expected_strategy"] = bal * (p + up_own * (1 - p))
    g = over.groupby("customer_type", observed=True)
    out = pd.DataFrame({
        "accounts": g.size(),
        "balance": g["balance"].sum(),
        "expected_now": g["expected_now"].sum(),
        "expected_baseline": g["expected_baseline"].sum(),
        "expected_strategy": g["expected_strategy"].sum(),
    })
    out["share_of_overdue"] = out["balance"] / out["balance"].sum()
    out["gain"] = out["expected_strategy"] - out["expected_baseline"]
    return out.sort_values("balance", ascending=False)


#: How each column of :func:`worked_case` is shown: money to the unit, the share as a percentage.
CASE_FORMATS = {"accounts": "{:,.0f}", "balance": "{:,.0f}", "expected_now": "{:,.0f}",
                "expected_baseline": "{:,.0f}", "expected_strategy": "{:,.0f}",
                "share_of_overdue": "{:.1%}", "gain": "{:+,.0f}"}


def style_worked_case(case: pd.DataFrame) -> Styler:
    """The worked-case table for people: amounts to the unit, ``share_of_overdue`` in percent.

    Rounding the whole table (``case.round(0)``) would show every share (a fraction below 1)
    as 0; this formats each column for reading and keeps the numbers underneath unchanged.

    Parameters
    ----------
    case : DataFrame
        From :func:`worked_case`.

    Returns
    -------
    Styler
        The table with display formats (``.data`` is ``case`` itself).

    Raises
    ------
    DataProblem
        If ``case`` lacks a column of :func:`worked_case`'s result.

    Examples
    --------
    >>> case = pd.DataFrame({"accounts": [3], "balance": [1234.5], "expected_now": [600.0],
    ...                      "expected_baseline": [700.0], "expected_strategy": [800.0],
    ...                      "share_of_overdue": [0.4567], "gain": [100.0]}, index=["lapsed"])
    >>> "45.7%" in style_worked_case(case).to_html()
    True
    """
    require_columns(case, list(CASE_FORMATS), "worked case")
    return case.style.format(CASE_FORMATS)


def plot_worked_case(case: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Grouped bars: expected recovery with one approach for all vs the tailored strategy.

    Parameters
    ----------
    case : DataFrame
        From :func:`worked_case`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (7, 3.5))
    x = np.arange(len(case))
    ax.bar(x - 0.2, case["expected_baseline"], width=0.4, label="same approach for all",
           color="#9aa5b1")
    ax.bar(x + 0.2, case["expected_strategy"], width=0.4, label="tailored by type",
           color="#d9822b")
    ax.set_xticks(x, [str(i) for i in case.index], rotation=20)
    ax.set_ylabel("expected recovery in 30 days")
    ax.legend()
    ax.set_title("Overdue accounts: what the tailored plays would recover")
    return ax
