"""Response classes, need urgency and the contact plan: :func:`classify_response`."""

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import require_columns
from helpers.i18n import tr
from helpers.plotting import BAD, OKABE_ITO

from ._response_config import ResponseConfig, as_response_config
from ._vocabulary import PROFILE_COLUMNS

__all__ = ["classify_response", "plot_response_classes"]

_COUNTS = ["n_calls", "n_answered", "callbacks", "sales", "inbound"]


def _with_all_customers(profile: pd.DataFrame, customers: Any) -> pd.DataFrame:
    """``profile`` reindexed to ``customers``; those without calls get zero counts and shares."""
    prof = profile.reindex(pd.Index(pd.unique(pd.Series(customers).dropna()),
                                    name=profile.index.name))
    prof = prof.fillna({c: 0 for c in (*PROFILE_COLUMNS, "inbound")})
    prof[_COUNTS] = prof[_COUNTS].astype(int)
    return prof


def _first_matching_class(prof: pd.DataFrame, config: ResponseConfig) -> list[Any]:
    """For each row, the first class whose conditions all hold (the last class catches all)."""
    if not len(prof):
        return []
    conditions = np.vstack([c.matches(prof) for c in config.classes])
    return [config.classes[i] for i in np.argmax(conditions, axis=0)]


def classify_response(
    profile: pd.DataFrame,
    as_of: str | pd.Timestamp,
    config: ResponseConfig | None = None,
    customers: pd.Index | pd.Series | None = None,
) -> pd.DataFrame:
    """Give every customer a response class, a need urgency and a contact plan.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`interaction_profile`.
    as_of : date
        The day the plan is made for.
    config : ResponseConfig, optional
        From :func:`load_response_config` (default: the bundled file).
    customers : Index or Series, optional
        All customer ids to classify; those without calls get the class whose conditions match
        ``n_calls == 0`` (``not_yet_called`` in the bundled configuration).

    Returns
    -------
    DataFrame
        The profile plus ``response_class, response_class_zh, urgency, contact_every_days,
        channel, approach, next_contact``.

    Raises
    ------
    DataProblem
        If the profile lacks a column the classes or the urgency rule need.
    """
    cfg = as_response_config(config)
    as_of = pd.Timestamp(as_of)
    require_columns(profile, ["last_call", "last_signal", *sorted(
        {col for c in cfg.classes for col in c.when})], "interaction profile")
    prof = profile if customers is None else _with_all_customers(profile, customers)
    pick = _first_matching_class(prof, cfg)
    out = prof.copy()
    out["response_class"] = [c.name for c in pick]
    out["response_class_zh"] = [c.zh or c.name for c in pick]
    recent = (as_of - out["last_signal"]).dt.days <= cfg.urgency.urgent_within_days
    out["urgency"] = np.where(recent.fillna(False).astype(bool), "urgent", "wait_and_see")
    every = pd.Series([c.contact_every_days for c in pick], index=out.index, dtype=int)
    out["contact_every_days"] = every.where(
        out["urgency"] != "urgent", np.minimum(every, cfg.urgency.urgent_contact_every_days))
    out["channel"] = [c.channel for c in pick]
    out["approach"] = [c.approach for c in pick]
    base = out["last_call"].fillna(as_of)
    out["next_contact"] = (base + pd.to_timedelta(out["contact_every_days"], unit="D")).clip(
        lower=as_of).dt.normalize()
    return out


def plot_response_classes(classified: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: customers per response class, split by urgency.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify_response`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    table = pd.crosstab(classified["response_class"], classified["urgency"])
    table = table.loc[table.sum(axis=1).sort_values().index].rename(index=tr, columns=tr)
    table.plot.barh(stacked=True, ax=ax, color=[BAD, OKABE_ITO[2]])
    ax.set(xlabel=tr("customers"), ylabel=tr("response class"), title=tr("Response classes and need urgency"))
    ax.legend(title=tr("urgency"))
    return ax
