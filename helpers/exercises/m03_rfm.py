"""Expected answers for lesson 03 (RFM, migration and cohorts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr


@exercise("03.1", hint="`frequency` counts the purchase days after the first one.", expect=int,
          range=(0, 1e9),
          mistakes={"everybody": (lambda expected, summary: len(summary),
                                  "that is every customer; a repeat buyer bought on more than "
                                  "one day."),
                    "one-time buyers": (lambda expected, summary: len(summary) - expected,
                                        "that is the customers who bought on ONE day only.")})
def repeat_buyers(summary: pd.DataFrame) -> int:
    """Customers with at least one repeat purchase day."""
    return int((summary["frequency"] > 0).sum())


@exercise("03.2", hint="A share of revenue: the champions' part of the whole.", rel_tol=1e-4,
          expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "share of customers": (
                        lambda expected, segments: float((segments["segment"] == "champions")
                                                         .mean()),
                        "that is the champions' share of CUSTOMERS; the question asks for their "
                        "share of revenue.")})
def champions_revenue_share(segments: pd.DataFrame) -> float:
    """Share of revenue that comes from the champions."""
    champ = segments.loc[segments["segment"] == "champions", "monetary_total"].sum()
    return float(champ / segments["monetary_total"].sum())


def _kept_over_all_later(expected: float, before: pd.DataFrame, after: pd.DataFrame) -> float:
    later = after["segment"] == "champions"
    return float((later & (before["segment"].reindex(after.index) == "champions")).sum()
                 / max(later.sum(), 1))


@exercise("03.3", hint="Start from the customers who were champions in the FIRST snapshot.",
          rel_tol=1e-4, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "complement": "that is the share of the first champions who LEFT the "
                                  "segment.",
                    "wrong row": (_kept_over_all_later,
                                  "you divided by the champions of the SECOND snapshot; the "
                                  "question follows the first snapshot's champions.")})
def champions_kept(before: pd.DataFrame, after: pd.DataFrame) -> float:
    """Share of the first snapshot's champions still champions later."""
    was = before.index[before["segment"] == "champions"]
    still = after["segment"].reindex(was) == "champions"
    return float(still.mean()) if len(was) else 0.0


@exercise("03.4", hint="Which column is 'a month later', and which cohorts can say anything "
                       "about it yet?",
          rel_tol=1e-4, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "blanks as zero": (lambda expected, cohorts: float(cohorts[1].fillna(0)
                                                                       .mean()),
                                       "blank cells are months after the end of the data, not "
                                       "zero retention: leave them out."),
                    "month 0": (lambda expected, cohorts: float(cohorts[0].dropna().mean()),
                                "column 0 is the month of the first purchase (always 100 %).")})
def mean_month1_retention(cohorts: pd.DataFrame) -> float:
    """Mean retention one month after the first purchase."""
    return float(cohorts[1].dropna().mean())


CONCENTRATION_BANDS = {"about a fifth (spread evenly)": "", "between a fifth and a half": "",
                       "more than half": ""}


@exercise("03.5", hint="", kind="predict", options=CONCENTRATION_BANDS,
          shows="Revenue is concentrated in a minority of customers (the 80/20 rule of thumb). "
                "Lesson 05 looks at profit, where the 80/20/30 rule adds that the least "
                "profitable customers give part of it back.")
def top20_band(top20_share: float) -> str:
    """Where the top 20 % of customers' share of revenue falls."""
    if top20_share > 0.5:
        return "more than half"
    return "between a fifth and a half" if top20_share > 0.25 else "about a fifth (spread evenly)"


WIN_BACK = ("champions", "at risk", "cant lose", "hibernating", "lost")


def _lapsing(profile: pd.DataFrame) -> pd.DataFrame:
    return profile[(profile["median_days_since_last"] > 90) & (profile["customers"] > 0)]


@exercise("03.6", hint="Compare what a won-back customer brings, among those drifting away.",
          kind="choice")
def call_first(profile: pd.DataFrame) -> Choice:
    """Interpretation: which RFM segment to call first in a win-back campaign."""
    present = [s for s in WIN_BACK if s in profile.index]
    lapsing = _lapsing(profile.loc[present])
    best = str(lapsing["mean_revenue"].idxmax()) if len(lapsing) else "at risk"
    feedback = {}
    for seg in present:
        row = profile.loc[seg]
        facts = tr("{seg}: {n:,} customers who spent {revenue:,.0f} each on average and last "
                   "bought a median {days:.0f} days ago", seg=tr(seg), n=int(row["customers"]),
                   revenue=row["mean_revenue"], days=row["median_days_since_last"])
        if seg == best:
            reason = tr("the most revenue per call among the customers drifting away; losing one "
                        "of them costs most, and they still remember you.")
        elif seg not in lapsing.index:
            reason = tr("they are buying now: a win-back call is wasted on them.")
        elif np.isfinite(row["mean_revenue"]) and row["mean_revenue"] < 0.5 * lapsing.loc[
                best, "mean_revenue"]:
            reason = tr("drifting away, but each brings far less than a '{best}' customer: a "
                        "cheaper channel (e-mail, an offer) suits them better than a call.",
                        best=tr(best))
        else:
            reason = tr("worth a call too, after the '{best}' customers.", best=tr(best))
        feedback[seg] = tr("{facts}: {reason}", facts=facts, reason=reason)
    return Choice(best, feedback)


@choice("03.7", options={
    "a": "Not that one: with quantile scores a customer is scored against the others. If "
         "everybody buys 10 % more, nobody moves up relative to the rest.",
    "b": "Right: quantile scores are ranks. The top fifth stays the top fifth, so the segments "
         "keep their sizes; only fixed thresholds show an improvement of the whole base.",
    "c": "Not that one: nobody buys less, and ranks do not change when everybody improves "
         "alike; the champions stay as many as before.",
})
def quantiles_are_relative() -> str:
    """What quantile scoring does when the whole customer base improves alike."""
    return "b"
