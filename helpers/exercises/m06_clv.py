"""Expected answers for lesson 06 (customer lifetime value).

The BG/NBD expectation and probability alive are computed here from the paper's original
formulas (Fader, Hardie & Lee 2005, eq. 10 and 11) with scipy, independently of helpers.value
(which uses a transformed one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr


def _simple(margin: float, retention: float, discount_rate: float) -> float:
    return float(margin * retention / (1 + discount_rate - retention))


@exercise("06.1", hint="Add up what each future year is worth today: the margin, times the "
                       "chance the customer is still there, discounted. The sum has a closed "
                       "form.", rel_tol=1e-3, expect=float, range=(0, 1e12),
          mistakes={
              "no discount": (lambda expected, margin, retention, discount_rate:
                              margin * retention / (1 - retention),
                              "you left out the discount rate: money next year is worth less "
                              "than money today."),
              "first year now": (lambda expected, margin, retention, discount_rate:
                                 margin * (1 + discount_rate) / (1 + discount_rate - retention),
                                 "you counted a margin today as well; the formula counts it at "
                                 "the end of each year the customer stays."),
              "rate in percent": (lambda expected, margin, retention, discount_rate:
                                  _simple(margin, retention, 100 * discount_rate),
                                  "the discount rate is a fraction (0.10), not 10."),
              "churn for retention": (lambda expected, margin, retention, discount_rate:
                                      _simple(margin, 1 - retention, discount_rate),
                                      "you used the share who LEFT where the share who stay "
                                      "belongs."),
          })
def simple_formula(margin: float, retention: float, discount_rate: float) -> float:
    """Margin x retention CLV without a horizon."""
    return _simple(margin, retention, discount_rate)


@exercise("06.2", hint="Look at the probability-alive column of the CLV table.", expect=int,
          range=(0, 1e9),
          mistakes={"the others": (lambda expected, clv: int((clv["p_alive"] >= 0.5).sum()),
                                   "that counts the customers who are probably still there; "
                                   "the question asks for the others."),
                    "gone for good": (lambda expected, clv: int((clv["p_alive"] < 0.05).sum()),
                                      "that is only the customers almost surely gone; the "
                                      "question's cut-off is one half.")})
def probably_gone(clv: pd.DataFrame) -> int:
    """Customers whose probability of being alive is below one half."""
    return int((clv["p_alive"] < 0.5).sum())


def _bgnbd_expected(params: dict, t: float, x: float, recency: float, T: float) -> float:
    """BG/NBD expected purchases in (T, T + t] for one history (FHL 2005, eq. 10)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    z = t / (alpha + T + t)
    head = ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x,
                                                                       a + b + x - 1, z)
    body = (a + b + x - 1) / (a - 1) * (1 - head)
    return float(body * _p_alive(params, x, recency, T))


def _p_alive(params: dict, x: float, recency: float, T: float) -> float:
    """BG/NBD probability alive (FHL 2005, eq. 11 with the x = 0 case)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    if x == 0:
        return 1.0
    return float(1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + recency)) ** (r + x)))


@exercise("06.3", hint="The fitted model answers for any history; mind the unit of time it was "
                       "fitted in.", rel_tol=1e-6, expect=float, range=(0, 1e4),
          mistakes={"days": (lambda expected, params, frequency, recency, T:
                             _bgnbd_expected(params, 365.0, frequency, recency, T),
                             "the model counts time in weeks: a year is 52 of them, not 365."),
                    "one week": (lambda expected, params, frequency, recency, T:
                                 _bgnbd_expected(params, 1.0, frequency, recency, T),
                                 "that is the next week only; the question asks for the next "
                                 "52 weeks.")})
def expected_for_one(params: dict, frequency: float, recency: float, T: float) -> float:
    """BG/NBD expected purchases in the next 52 weeks for one history."""
    return _bgnbd_expected(params, 52.0, frequency, recency, T)


@exercise("06.4", hint="The best fifth of the customers by predicted value, as a part of the "
                       "whole.", rel_tol=1e-6, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "historical": (lambda expected, clv, history: float(
                        np.sort(history.to_numpy())[::-1][: int(round(0.2 * len(history)))]
                        .sum() / history.sum()),
                        "that is the top 20 %'s share of HISTORICAL CLV (the past); the "
                        "question asks about the predicted CLV.")})
def top20_clv_share(clv: pd.DataFrame, history: pd.Series) -> float:
    """Share of the total CLV held by the top 20% of customers."""
    v = np.sort(clv["clv"].to_numpy())[::-1]
    return float(v[: int(round(0.2 * len(v)))].sum() / v.sum())


WHO_IS_ALIVE = {"the frequent buyer": "", "the occasional buyer": "", "about the same": ""}


@exercise("06.5", hint="", kind="predict", options=WHO_IS_ALIVE,
          shows="In BG/NBD a customer can only drop out right after a purchase. Eleven "
                "purchases in twelve weeks set a rhythm; forty silent weeks break it, so the "
                "frequent buyer has probably gone. The occasional buyer's silence is normal for "
                "someone who buys rarely. Frequent buyers who fall silent are the ones to call.")
def who_is_more_alive(params: dict) -> str:
    """Who is more likely still a customer: frequent then silent, or occasional."""
    frequent = _p_alive(params, 10, 12.0, 52.0)
    occasional = _p_alive(params, 1, 12.0, 52.0)
    if abs(frequent - occasional) < 0.05:
        return "about the same"
    return "the frequent buyer" if frequent > occasional else "the occasional buyer"


@choice("06.6", options={
    "a": "Not that one: historical CLV is what the customer has already earned you (current "
         "contribution, the first criterion); it looks back.",
    "b": "Right: the probability alive and the expected purchases look ahead: how long the "
         "relationship will last and what it will bring. That is life-cycle prediction "
         "(生命周期预测), the third criterion.",
    "c": "Not that one: the top 20 %'s share describes concentration, not any customer's "
         "future.",
    "d": "Not that one: products a customer might add is cross-selling potential (交叉销售潜力), "
         "the second criterion.",
})
def life_cycle_prediction() -> str:
    """Which number of this notebook is the source's life-cycle prediction."""
    return "b"


def _value_at_risk(clv: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Per RFM segment: customers, mean CLV, mean P(alive) and CLV at risk per customer."""
    t = clv[["clv", "p_alive"]].join(segments["segment"], how="inner")
    t["at_risk"] = t["clv"] * (1 - t["p_alive"])
    return t.groupby("segment", observed=True).agg(customers=("clv", "size"),
                                                   mean_clv=("clv", "mean"),
                                                   p_alive=("p_alive", "mean"),
                                                   at_risk=("at_risk", "mean"))


@exercise("06.7", hint="A retention call saves value that would otherwise be lost: where is "
                       "the most of it per customer?", kind="choice")
def retention_segment(clv: pd.DataFrame, segments: pd.DataFrame) -> Choice:
    """Interpretation: the RFM segment whose customers have the most CLV at risk."""
    g = _value_at_risk(clv, segments)
    best = str(g["at_risk"].idxmax())
    feedback = {}
    for seg, row in g.iterrows():
        # Built here from the data, so translated here (the framework translates fixed texts).
        facts = tr("{seg}: {n:,} customers, mean CLV {clv:,.0f}, mean P(alive) {alive:.0%}, "
                   "about {at_risk:,.0f} of CLV at risk per customer", seg=tr(str(seg)),
                   n=int(row["customers"]), clv=row["mean_clv"], alive=row["p_alive"],
                   at_risk=row["at_risk"])
        if seg == best:
            reason = tr("the most value at risk per call: valuable, and slipping away.")
        elif row["p_alive"] >= 0.8:
            reason = tr("most of them are still buying: a retention call adds little.")
        elif row["at_risk"] < 0.3 * g.loc[best, "at_risk"]:
            reason = tr("little future value left to save: a cheaper channel (an e-mail, an "
                        "offer) suits them better than a call.")
        else:
            reason = tr("worth a call too, after the '{best}' customers.", best=tr(best))
        feedback[str(seg)] = tr("{facts}: {reason}", facts=facts, reason=reason)
    return Choice(best, feedback)
