"""The sales funnel: how many customers (or leads) reach each stage, and the conversion."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr
from helpers.plotting import GOOD, new_axes, text_colour
from helpers.segments._classify import CONFLICT, NOT_APPLICABLE, UNCLASSIFIED

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["LEAD_STAGES", "funnel_table", "lead_funnel", "plot_funnel"]

#: The stages of a lead, from the first (widest) to the last.
LEAD_STAGES = ("potential", "target", "contacted", "interested", "closed")


def funnel_table(labels: pd.Series, stages: Iterable[str] | None = None) -> pd.DataFrame:
    """Counts per funnel stage, customers who reached at least that stage, and conversion.

    Parameters
    ----------
    labels : Series
        The ``funnel`` column of :func:`classify` (each customer's highest stage), or
        :func:`lead_funnel`.
    stages : list of str, optional
        Stages from the first (widest) to the last; default: the categories of ``labels``
        in reverse (the standard lists the highest stage first).

    Returns
    -------
    DataFrame
        Indexed by stage: ``customers`` (at this stage now), ``reached`` (at this stage or
        beyond), ``conversion`` (reached / reached at the previous stage) and ``drop_off``.

    Raises
    ------
    DataProblem
        If some labels are not among the stages.

    Examples
    --------
    >>> labels = pd.Series(pd.Categorical(["loyal", "closed", "closed", "potential"],
    ...                                   categories=["loyal", "closed", "potential"]))
    >>> funnel_table(labels)["reached"].tolist()
    [4, 3, 1]
    """
    if stages is None:
        cats = [c for c in labels.cat.categories if c not in
                (UNCLASSIFIED, CONFLICT, NOT_APPLICABLE)]
        # the standard lists the highest stage first; lead_funnel the lowest first
        stages = cats if cats and cats[0] == "potential" else list(reversed(cats))
    stages = list(stages)
    unknown = set(labels.dropna().astype(str)) - set(stages) - {UNCLASSIFIED, CONFLICT,
                                                               NOT_APPLICABLE}
    if unknown:
        raise DataProblem(f"funnel_table: labels {sorted(unknown)} are not among the stages "
                          f"{stages}")
    counts = labels.astype(str).value_counts().reindex(stages, fill_value=0)
    reached = counts[::-1].cumsum()[::-1]
    prev = reached.shift(1)
    out = pd.DataFrame({"customers": counts, "reached": reached,
                        "conversion": (reached / prev).where(prev > 0)})
    out["drop_off"] = 1 - out["conversion"]
    out.index.name = "stage"
    return out


def lead_funnel(leads: pd.DataFrame, calls: pd.DataFrame) -> pd.Series:
    """Each lead's highest funnel stage, from the leads table and the call log.

    ``potential``: recorded; ``target``: chosen for a call (called at least once);
    ``contacted``: answered a call; ``interested``: a call ended *interested*, *callback
    requested* or *sale*; ``closed``: the lead ordered (``converted``). Feed the result to
    :func:`funnel_table`.

    Parameters
    ----------
    leads : DataFrame
        Needs ``lead_id`` and ``converted``.
    calls : DataFrame
        Needs ``lead_id``, ``answered`` and ``outcome``.

    Returns
    -------
    Series
        Categorical in :data:`LEAD_STAGES` order, indexed by ``lead_id``.

    Raises
    ------
    DataProblem
        If a table lacks a needed column.
    """
    require_columns(leads, ["lead_id", "converted"], "lead_funnel: table 'leads'")
    require_columns(calls, ["lead_id", "answered", "outcome"], "lead_funnel: table 'calls'")
    lc = calls[calls["lead_id"].notna()]
    ids = leads["lead_id"].astype(str)
    called = ids.isin(lc["lead_id"].astype(str))
    answered = ids.isin(lc.loc[lc["answered"].fillna(False).astype(bool), "lead_id"].astype(str))
    keen = lc["outcome"].isin(["interested", "callback_requested", "sale"])
    interested = ids.isin(lc.loc[keen, "lead_id"].astype(str))
    closed = leads["converted"].fillna(False).astype(bool).to_numpy()
    codes = np.select([closed, interested, answered, called], [4, 3, 2, 1], default=0)
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(LEAD_STAGES)),
                     index=pd.Index(ids, name="lead_id"), name="lead_stage")


def plot_funnel(funnel: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal funnel: customers reaching each stage, with the conversion from the one before.

    Parameters
    ----------
    funnel : DataFrame
        From :func:`funnel_table`.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, (8, 4))
    y = np.arange(len(funnel))[::-1]
    widths = funnel["reached"].to_numpy()
    ax.barh(y, widths, left=(widths.max() - widths) / 2, color=GOOD)
    for yi, (stage, row) in zip(y, funnel.iterrows(), strict=True):
        conv = ("" if pd.isna(row["conversion"])
                else tr("  ({share:.0%} of previous)", share=row["conversion"]))
        ax.text(widths.max() / 2, yi, f"{tr(str(stage))}: {row['reached']:,.0f}{conv}", ha="center",
                va="center", color=text_colour(GOOD), fontsize=9, fontweight="bold")
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_title(tr("Sales funnel: customers reaching each stage"))
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return ax
