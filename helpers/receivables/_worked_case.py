"""The worked case: what tailored plays would recover from overdue accounts, by customer type."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from pandas.io.formats.style import Styler

from helpers.errors import require_columns
from helpers.i18n import tr
from helpers.plotting import money_axis, new_axes

from ._playbook import CollectionPlaybook, type_label

__all__ = ["CaseShares", "negative_or_lapsed", "plot_worked_case", "style_worked_case",
           "worked_case"]


class CaseShares(NamedTuple):
    """What :func:`negative_or_lapsed` returns."""

    #: Overdue customers (an account past the first stage).
    overdue_customers: int
    #: Share of them who are negative-attitude or lapsed (None: nothing to count).
    customers_share: float | None
    #: Share of the overdue balance they owe (None: nothing to count).
    balance_share: float | None
    #: The attributes unknown for every overdue customer (counted as neither).
    unknown: tuple[str, ...]


def negative_or_lapsed(accounts: pd.DataFrame, attributes: pd.DataFrame,
                       not_due: str = "M0") -> CaseShares:
    """How many overdue customers are negative-attitude or lapsed, and what they owe.

    The worked case's question (lesson 10): the source's electronics company found most of its
    overdue customers in these two groups.

    Parameters
    ----------
    accounts : DataFrame
        From :func:`collection_accounts` (``customer_id``, ``stage``, ``balance``).
    attributes : DataFrame
        From :func:`collection_attributes`, indexed by customer (``attitude``, ``lifecycle``).
    not_due : str
        The stage that is not overdue.

    Returns
    -------
    CaseShares
        The shares are None when nobody is overdue or both attributes are unknown for every
        overdue customer (no customer list and no purchases).

    Raises
    ------
    DataProblem
        If a column is missing.

    Examples
    --------
    >>> acc = pd.DataFrame({"customer_id": ["a", "b", "c"], "stage": ["M1", "M2", "M0"],
    ...                     "balance": [100.0, 300.0, 50.0]})
    >>> att = pd.DataFrame({"attitude": ["negative", None, None],
    ...                     "lifecycle": [None, "active", None]}, index=["a", "b", "c"])
    >>> negative_or_lapsed(acc, att)[:3]
    (2, 0.5, 0.25)
    """
    require_columns(accounts, ["customer_id", "stage", "balance"], "accounts")
    require_columns(attributes, ["attitude", "lifecycle"], "customer attributes")
    over = accounts[accounts["stage"].astype(str) != not_due].set_index("customer_id")
    a = attributes.reindex(over.index)
    unknown = tuple(c for c in ("attitude", "lifecycle") if a[c].isna().all())
    if over.empty or len(unknown) == 2:
        return CaseShares(len(over), None, None, unknown)
    hit = ((a["attitude"] == "negative").fillna(False).to_numpy(dtype=bool)
           | (a["lifecycle"] == "lapsed").fillna(False).to_numpy(dtype=bool))
    balance = over["balance"].to_numpy(dtype="float64")
    return CaseShares(len(over), float(hit.mean()), float(balance[hit].sum() / balance.sum()),
                      unknown)


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
        The table with display formats (``.data``: the numbers of ``case``, its labels in the
        edition's language).

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
    shown = case.rename(index=lambda t: type_label(str(t)), columns=lambda c: tr(str(c)))
    return shown.style.format({tr(k): f for k, f in CASE_FORMATS.items()})


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
    ax.bar(x - 0.2, case["expected_baseline"], width=0.4, label=tr("same approach for all"),
           color="#9aa5b1")
    ax.bar(x + 0.2, case["expected_strategy"], width=0.4, label=tr("tailored by type"),
           color="#d9822b")
    ax.set_xticks(x, [type_label(str(i)) for i in case.index], rotation=20)
    ax.set(xlabel=tr("customer type"), ylabel=tr("expected recovery in 30 days"))
    money_axis(ax)
    ax.legend()
    ax.set_title(tr("Overdue accounts: what the tailored plays would recover"))
    return ax
