"""The CLV widget of lesson 06: pick a customer or set a history, read P(alive) and the CLV.

:func:`clv_view` computes what the widget shows (pure); :func:`explore_clv` only draws it.
"""

from __future__ import annotations

import warnings
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from helpers.caveats import Caveat
from helpers.i18n import tr

from ._bgnbd import BGNBDFit
from ._gamma_gamma import GammaGammaFit
from ._inputs import frequency_recency_t
from ._lifetime_value import customer_lifetime_value

__all__ = ["clv_band", "clv_view", "explore_clv"]


def clv_band(band: pd.DataFrame | None, segments: pd.Series | None,
             customer: Any) -> dict[str, Any] | None:
    """The bootstrap interval of the customer's segment, as the CLV widget shows it (pure).

    Parameters
    ----------
    band : DataFrame or None
        :func:`bootstrap_intervals` with ``by=`` a segment column (its ``clv`` rows are used).
    segments : Series or None
        Segment of each customer (index = customer id).
    customer : object
        The customer picked (compared as text with the index of ``segments``).

    Returns
    -------
    dict or None
        ``segment``, ``estimate``, ``lower``, ``upper`` (the segment's mean CLV and its
        interval); None without a band, or for a customer with no segment in it.

    Examples
    --------
    >>> band = pd.DataFrame({"quantity": ["clv"], "estimate": [10.0], "lower": [8.0],
    ...                      "upper": [13.0]}, index=pd.Index(["loyal"], name="segment"))
    >>> clv_band(band, pd.Series({"C1": "loyal"}), "C1")["upper"]
    13.0
    """
    if band is None or segments is None:
        return None
    match = segments[segments.index.astype(str) == str(customer)]
    if match.empty:
        return None
    rows = band[(band["quantity"] == "clv") & (band.index.astype(str) == str(match.iloc[0]))]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {"segment": str(match.iloc[0]), "estimate": float(row["estimate"]),
            "lower": float(row["lower"]), "upper": float(row["upper"])}


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
    with warnings.catch_warnings():  # one history is not a sample: the few-buyers caveat is
        warnings.simplefilter("ignore", Caveat)  # about fitting, and the fit is given here
        row = customer_lifetime_value(one, bgnbd, gamma_gamma, horizon, step, discount_rate,
                                      margin).iloc[0]
    return {str(k): float(v) for k, v in row.items()}


# Long: eight controls and their two callbacks; the computing is in clv_view and clv_band
def explore_clv(summary: pd.DataFrame, bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit,
                horizon: float = 365.0, step: float = 30.0, discount_rate: float = 0.01,
                margin: float = 1.0, band: pd.DataFrame | None = None,
                segments: pd.Series | None = None) -> w.Widget:
    """Widget: choose a customer, or set frequency / recency / T / spend, and read the CLV.

    With ``band`` (bootstrap intervals per segment, precomputed) and ``segments``, a picked
    customer's line also shows the interval of the segment's mean CLV: how sure the model is.

    Parameters
    ----------
    summary : DataFrame
        The customer summary the models were fitted on (its 200 most frequent buyers can be
        picked).
    bgnbd, gamma_gamma : BGNBDFit, GammaGammaFit
        The fitted models.
    horizon, step, discount_rate, margin : float
        As in :func:`customer_lifetime_value`.
    band, segments : DataFrame, Series, optional
        As in :func:`clv_band`.

    Returns
    -------
    ipywidgets.Widget
    """
    x, _, big_t, _ = frequency_recency_t(summary)
    top = summary.sort_values("frequency", ascending=False).index[:200]
    pick = w.Dropdown(options=[(tr("(set values)"), "(set values)")] + [str(i) for i in top],
                      description=tr("customer"))
    f = w.IntSlider(value=2, min=0, max=int(max(x.max(), 1)), description=tr("frequency"))
    tmax = float(big_t.max())
    big = w.FloatSlider(value=float(np.median(big_t)), min=0.1, max=tmax, step=tmax / 100,
                        description="T")
    rec = w.FloatSlider(value=float(np.median(big_t)) / 2, min=0.0, max=tmax, step=tmax / 100,
                        description=tr("recency"))
    spend = w.FloatText(value=float(summary["monetary_value"].median()), description=tr("spend"))
    out = w.HTML()

    def redraw(*_: Any) -> None:
        r_val = 0.0 if f.value == 0 else min(rec.value, big.value)
        res = clv_view(bgnbd, gamma_gamma, f.value, r_val, big.value, max(spend.value, 0.0),
                       horizon, step, discount_rate, margin)
        out.value = tr("<b>P(alive)</b> {alive:.1%} · <b>expected purchases</b> {purchases:.2f} · "
                       "<b>expected spend</b> {spend:.2f} · <b>CLV</b> {clv:,.2f}",
                       alive=res["p_alive"], purchases=res["expected_purchases"],
                       spend=res["expected_spend"], clv=res["clv"])
        seg = clv_band(band, segments, pick.value)
        if seg is not None:
            out.value += "<br>" + tr(
                "segment {segment}: mean CLV {estimate:,.0f}, interval {lower:,.0f} to "
                "{upper:,.0f} (bootstrap)", segment=tr(seg["segment"]), estimate=seg["estimate"],
                lower=seg["lower"], upper=seg["upper"])

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
