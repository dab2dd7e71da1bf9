"""Expected answers for lesson 02 (classifying customers by rules)."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr


def _count(labels: pd.DataFrame, dimension: str, label: str) -> int:
    return int((labels[dimension].astype(str) == label).sum())


@exercise("02.1", hint="One dimension of `labels` says how often each customer buys.",
          expect=int, range=(0, 1e9),
          mistakes={"occasional included": (
              lambda expected, labels: expected + _count(labels, "purchase_behaviour",
                                                         "occasional"),
              "that counts the occasional buyers too; only the frequent ones are asked for.")})
def frequent_customers(labels: pd.DataFrame) -> int:
    """Number of customers labelled ``frequent`` (purchase behaviour)."""
    return _count(labels, "purchase_behaviour", "frequent")


def _all_customers(expected: float, labels: pd.DataFrame) -> float:
    return _count(labels, "funnel", "loyal") / max(len(labels), 1)


def _closed_label_only(expected: float, labels: pd.DataFrame) -> float | None:
    closed = _count(labels, "funnel", "closed")
    return _count(labels, "funnel", "loyal") / closed if closed else None


@exercise("02.2", hint="A conversion rate is a share of the customers who could have made the "
                       "step: who are they here?",
          rel_tol=1e-4, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "complement": "that is the share of closers who did NOT become loyal.",
                    "all customers": (_all_customers,
                                      "you divided by all customers; only those who closed at "
                                      "least one sale can become loyal, so the others (who never "
                                      "bought) do not belong in the denominator."),
                    "closed label only": (_closed_label_only,
                                          "the customers who closed a sale include those who "
                                          "went on to become loyal: the funnel's stages are "
                                          "'reached at least', not 'stopped at'.")})
def closed_to_loyal(labels: pd.DataFrame) -> float:
    """Funnel conversion from ``closed`` to ``loyal``."""
    loyal = _count(labels, "funnel", "loyal")
    closed_or_more = loyal + _count(labels, "funnel", "closed")
    return float(loyal / closed_or_more)


@exercise("02.3", hint="Compare the grades on the share of their leads that ordered.",
          expect=str,
          mistakes={"most leads": (
              lambda expected, grades: str(grades["lead_grade"].astype(str).value_counts()
                                           .idxmax()),
              "that grade has the MOST leads; the question is which converts best (the share "
              "of its leads that ordered).")})
def best_lead_grade(grades: pd.DataFrame, leads: pd.DataFrame) -> str:
    """The lead grade with the highest conversion rate."""
    rate = leads["converted"].astype(float).groupby(grades["lead_grade"].astype(str)).mean()
    return str(rate.idxmax())


@exercise("02.4", hint="The problems table says, per customer and dimension, what went wrong.",
          expect=int, range=(0, 1e9),
          mistakes={"all problems": (lambda expected, problems: len(problems),
                                     "that counts every problem row; only conflicts (two labels "
                                     "at once) are asked for.")})
def life_cycle_conflicts(problems: pd.DataFrame) -> int:
    """Customers with conflicting life-cycle rules."""
    part = problems[(problems["dimension"] == "life_cycle") & (problems["problem"] == "conflict")]
    return int(len(part))


CONFLICT_BANDS = {
    "0 to 90 days since the last purchase": "",
    "91 to 120 days": "",
    "more than 120 days": "",
    "nobody: the two definitions agree": "",
}


@exercise("02.5", hint="", kind="predict", options=CONFLICT_BANDS,
          shows="Two departments' definitions conflict exactly where they differ (here between "
                "90 and 120 days): those customers would get a 'still active' treatment from "
                "service and an 'at risk' call from sales. One standard, kept in one file, is the "
                "cure.")
def conflict_band(problems: pd.DataFrame, features: pd.DataFrame) -> str:
    """Where the customers with two life-cycle labels lie (days since their last purchase)."""
    ids = problems.loc[(problems["dimension"] == "life_cycle")
                       & (problems["problem"] == "conflict"), "id"]
    if not len(ids):
        return "nobody: the two definitions agree"
    days = features["days_since_last"].reindex(ids.astype(str)).median()
    if days <= 90:
        return "0 to 90 days since the last purchase"
    return "91 to 120 days" if days <= 120 else "more than 120 days"


@choice("02.6", options={
    "a": "Not that one: a shop that bought once last year is a (rare) buyer: it has bought, so "
         "it is not potential. Treat it as a buyer at risk of lapsing, with a win-back call.",
    "b": "Right: a potential customer (潜在客户) is somebody who has not bought yet; the trade-"
         "show contact is one, and lesson 04 looks for more people like the best buyers among "
         "them.",
    "c": "Not that one: five orders last year make an occasional buyer; six months without an "
         "order make it 'at risk' in the life cycle, not potential.",
})
def potential_customer() -> str:
    """Which one is a potential customer in the source's sense (has not bought yet)."""
    return "b"


PSYCHOGRAPHIC_REASONS = {
    ("adventurous", "quality seeker"): "they like trying new things and pay for quality: the "
                                       "first to take up an untested premium line, and the ones "
                                       "who tell others about it.",
    ("adventurous", "price seeker"): "they will try something new, but a premium price puts "
                                     "them off: keep them for the launch discount.",
    ("conservative", "quality seeker"): "they pay for quality but wait until others have tried "
                                        "it: approach them once the line has references.",
    ("conservative", "price seeker"): "they want neither novelty nor a premium price: the last "
                                      "to approach for this line.",
}


@exercise("02.7", hint="Think about who adopts a new product first, and who pays for quality.",
          kind="choice")
def premium_trial(labels: pd.DataFrame, features: pd.DataFrame) -> Choice:
    """Interpretation: which psychographic x price group to invite first to a premium trial."""
    groups = pd.DataFrame({"psycho": labels["psychographics"].astype(str),
                           "price": labels["price_orientation"].astype(str),
                           "revenue": features["revenue_last_year"]})
    stats = groups.groupby(["psycho", "price"])["revenue"].agg(["size", "mean"])
    feedback = {}
    for (psycho, price), reason in PSYCHOGRAPHIC_REASONS.items():
        n, mean = (stats.loc[(psycho, price)] if (psycho, price) in stats.index else (0, 0.0))
        # filled through tr (not an f-string) so the Chinese edition finds the sentence
        feedback[f"{psycho} {price}"] = tr("{psycho} {price}s ({n:,} customers, {mean:,.0f} a "
                                           "year each on average): {reason}", psycho=tr(psycho),
                                           price=tr(price), n=int(n), mean=mean,
                                           reason=tr(reason))
    unknown = int((groups["psycho"] == "unclassified").sum())
    if unknown:
        feedback = {k: v + tr(" (And {n:,} customers have no recorded risk style: nobody can "
                              "target them until the sales team records it.)", n=unknown)
                    for k, v in feedback.items()}
    return Choice("adventurous quality seeker", feedback)
