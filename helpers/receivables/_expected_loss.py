"""Expected loss (预期损失): roll-forward rates chained to charge-off, times the open balance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import require_columns

from ._roll_rates import roll_forward_rates
from ._stages import Stages, resolve_stages

__all__ = ["expected_loss", "loss_rates"]


def loss_rates(rates: pd.DataFrame, stages: Stages | None = None) -> pd.Series:
    """Loss rate of each stage: the roll-forward rates chained up to the charge-off stage.

    For stage *i* before charge-off *c*, ``loss = r_i × r_{i+1} × … × r_{c-1}``; the charge-off
    stage's own loss rate is 1. Stages beyond charge-off also count as lost.

    Parameters
    ----------
    rates : DataFrame
        From :func:`roll_rates`.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    Series
        Per stage, named ``loss_rate``.
    """
    st = resolve_stages(stages)
    names = list(st.names)
    fwd = roll_forward_rates(rates, st).fillna(0.0)
    c = names.index(st.charge_off)
    out = {}
    for i, s in enumerate(names):
        out[s] = 1.0 if i >= c else float(np.prod([fwd[n] for n in names[i:c]]))
    return pd.Series(out, name="loss_rate")


def expected_loss(items: pd.DataFrame, rates: pd.DataFrame,
                  stages: Stages | None = None) -> pd.DataFrame:
    """Open balance, loss rate and expected loss per stage (plus a ``total`` row).

    Parameters
    ----------
    items : DataFrame
        Open invoices with ``stage`` and ``balance`` (:func:`open_items`).
    rates : DataFrame
        From :func:`roll_rates`.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    DataFrame
        Indexed by stage and ``total``: ``balance, loss_rate, expected_loss``.

    Raises
    ------
    DataProblem
        If ``items`` lacks ``stage`` or ``balance``.
    """
    st = resolve_stages(stages)
    require_columns(items, ["stage", "balance"], "open items")
    bal = items.groupby("stage", observed=False)["balance"].sum().reindex(list(st.names),
                                                                          fill_value=0.0)
    lr = loss_rates(rates, st)
    out = pd.DataFrame({"balance": bal.to_numpy(), "loss_rate": lr.reindex(bal.index).to_numpy()},
                       index=pd.Index(list(st.names), name="stage"))
    out["expected_loss"] = out["balance"] * out["loss_rate"]
    out.loc["total"] = [out["balance"].sum(), np.nan, out["expected_loss"].sum()]
    tot = out.loc["total", "balance"]
    out.loc["total", "loss_rate"] = out.loc["total", "expected_loss"] / tot if tot else 0.0
    return out
