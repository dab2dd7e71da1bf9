"""The CLV widget of lesson 06: pick a customer or set a history, read P(alive) and the CLV.

:func:`clv_view` computes what the widget shows (pure); :func:`explore_clv` only draws it.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from ._bgnbd import BGNBDFit
from ._gamma_gamma import GammaGammaFit
from ._inputs import frequency_recency_t
from ._lifetime_value import customer_lifetime_value

__all__ = ["clv_view", "explore_clv"]


def clv_view(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, frequency: float, recency: float,
             T: float, monetary_value: float, horizon: float = 365.0, step: float = 30.0,
             discount_rate: float = 0.01, margin: float = 1.0) -> dict[str, float]:
    """What the CLV widget shows for one customer history (pure; also for made-up values).

    Parameters
    ----------
    bgnbd, gamma_gamma : BGNBDFit, GammaGammaFit
        The fitted models.
    frequency, recency, T, monetary_value : float
        The customer's history, in the models' time unit.
    horizon, step, discount_rate, margin : float
        As in :func:`customer_lifetime_value`.

    Returns
    -------
    dict
        ``p_alive``, ``expected_purchases``, ``expected_spend`` and ``clv``.

    Raises
    ------
    DataProblem
        An impossible history (recency above T …) or horizon.
    """
    one = pd.DataFrame({"frequency": [frequency], "recency": [recency], "T": [T],
                        "monetary_value": [monetary_value]})
    row = customer_lifetime_value(one, bgnbd, gamma_gamma, horizon, step, discount_rate,
                                  margin).iloc[0]
    return {str(k): float(v) for k, v in row.items()}


def explore_clv(summary: pd.DataFrame, bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit,
                horizon: float = 365.0, step: float = 30.0, discount_rate: float = 0.01,
                margin: float = 1.0) -> w.Widget:
    """Widget: choose a customer, or set frequency / recency / T / spend, and read the CLV.

    Parameters
    ----------
    summary : DataFrame
        The customer summary the models were fitted on (its 200 most frequent buyers can be
        picked).
    bgnbd, gamma_gamma : BGNBDFit, GammaGammaFit
        The fitted models.
    horizon, step, discount_rate, margin : float
        As in :func:`customer_lifetime_value`.

    Returns
    -------
    ipywidgets.Widget
    """
    x, _, big_t, _ = frequency_recency_t(summary)
    top = summary.sort_values("frequency", ascending=False).index[:200]
    pick = w.Dropdown(options=["(set values)"] + [str(i) for i in top], description="customer")
    f = w.IntSlider(value=2, min=0, max=int(max(x.max(), 1)), description="frequency")
    tmax = float(big_t.max())
    big = w.FloatSlider(value=float(np.median(big_t)), min=0.1, max=tmax, step=tmax / 100,
                        description="T")
    rec = w.FloatSlider(value=float(np.median(big_t)) / 2, min=0.0, max=tmax, step=tmax / 100,
                        description="recency")
    spend = w.FloatText(value=float(summary["monetary_value"].median()), description="spend")
    out = w.HTML()

    def redraw(*_: Any) -> None:
        r_val = 0.0 if f.value == 0 else min(rec.value, big.value)
        res = clv_view(bgnbd, gamma_gamma, f.value, r_val, big.value, max(spend.value, 0.0),
                       horizon, step, discount_rate, margin)
        out.value = (f"<b>P(alive)</b> {res['p_alive']:.1%} · <b>expected purchases</b> "
                     f"{res['expected_purchases']:.2f} · <b>expected spend</b> "
                     f"{res['expected_spend']:.2f} · <b>CLV</b> {res['clv']:,.2f}")

    def choose(*_: Any) -> None:
        if pick.value != "(set values)":
            row = summary.loc[summary.index.astype(str) == pick.value].iloc[0]
            f.value, big.value = int(row["frequency"]), float(row["T"])
            rec.value, spend.value = float(row["recency"]), float(row["monetary_value"])
        redraw()

    pick.observe(choose, names="value")
    for widget in (f, rec, big, spend):
        widget.observe(redraw, names="value")
    redraw()
    return w.VBox([pick, w.HBox([f, rec]), w.HBox([big, spend]), out])
