"""Expected answers for lesson 07 (classifying and scoring for telephone sales)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.calls import capacity_view, contact_rates_by_time
from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr


@exercise("07.1", hint="Count by the response class, and use the class's name as the "
                       "configuration spells it.", expect=int, range=(0, 1e9),
          mistakes={"refusers": (lambda expected, classified: int(
              (classified["response_class"] == "refuser").sum()),
              "that is the refusers: they answer and say no. Hard-to-reach customers do not "
              "answer at all."),
              "everybody": (lambda expected, classified: len(classified),
                            "that is every classified customer.")})
def hard_to_reach(classified: pd.DataFrame) -> int:
    """Customers classified hard to reach."""
    return int((classified["response_class"] == "hard_to_reach").sum())


def _top_tenth(test: pd.DataFrame, target: str) -> tuple[np.ndarray, np.ndarray]:
    y = test[target].astype(float).to_numpy()
    order = np.argsort(-test["score"].to_numpy(), kind="stable")
    return y[order[: len(y) // 10]], y


@exercise("07.2", hint="A lift compares two conversion rates: the top of the list's and "
                       "everybody's.", rel_tol=1e-3, expect=float, range=(0, 100),
          mistakes={
              "capture": (lambda expected, test, target="converted": float(
                  _top_tenth(test, target)[0].sum() / _top_tenth(test, target)[1].sum()),
                  "that is the capture (the top tenth's share of ALL sales); the lift divides "
                  "the top tenth's conversion RATE by the overall rate."),
              "inverted": (lambda expected: 1 / expected if expected else None,
                           "upside down: the top tenth's rate goes on top."),
              "rounded": None,
          })
def top_decile_lift(test: pd.DataFrame, target: str = "converted") -> float:
    """Conversion rate of the best-scored tenth over the overall rate."""
    top, y = _top_tenth(test, target)
    return float(top.mean() / y.mean())


def _observed_sales(expected: float, test: pd.DataFrame, capacity: int,
                    target: str = "converted") -> float:
    return float(test.nlargest(capacity, "score")[target].astype(float).sum())


@exercise("07.3", hint="Each score is a probability of a sale; the best-scored leads are the "
                       "ones called.", rel_tol=1e-4, expect=float, range=(0, 1e6),
          mistakes={
              "random": (lambda expected, test, capacity: float(capacity * test["score"].mean()),
                         "that is what calling the same number of leads AT RANDOM would bring; "
                         "the team calls the best-scored ones."),
              "observed": (_observed_sales,
                  "that is what those leads actually did in the test data; the question asks "
                  "what to EXPECT before calling."),
          })
def expected_sales(test: pd.DataFrame, capacity: int) -> float:
    """Expected sales when calling the ``capacity`` best-scored leads."""
    return capacity_view(test, capacity)["expected_conversions"]


def _hour_rates(calls: pd.DataFrame) -> pd.DataFrame:
    sales = calls[calls["purpose"] == "sales"]
    answered = sales["answered"].astype(str).str.lower().isin(["true", "1"])
    hour = pd.to_datetime(sales["started_at"]).dt.hour
    return pd.DataFrame({"dials": answered.groupby(hour).size(),
                         "answer_rate": answered.groupby(hour).mean(),
                         "sale": (sales["outcome"] == "sale").groupby(hour).mean()})


@exercise("07.4", hint="Sales calls only, answer rate per hour, and mind the hours with few "
                       "dials.", expect=int, range=(0, 23),
          range_hint="an hour of the day is a whole number from 0 to 23.",
          mistakes={
              "sales per dial": (lambda expected, calls, min_dials=30: int(
                  (r := _hour_rates(calls))[r["dials"] >= min_dials]["sale"].idxmax()),
                  "that is the hour with the most sales per dial; the question asks about "
                  "ANSWERED calls."),
              "sparse hours": (lambda expected, calls, min_dials=30: int(
                  _hour_rates(calls)["answer_rate"].idxmax()),
                  "that hour has too few dials to trust its rate; leave out hours with fewer "
                  "than `min_dials` dials."),
          })
def best_answer_hour(calls: pd.DataFrame, min_dials: int = 30) -> int:
    """The hour with the highest answer rate among well-sampled hours."""
    rates = contact_rates_by_time(calls, by=("hour",))
    rates = rates.loc[rates["dials"] >= min_dials]
    return int(rates.loc[rates["answer_rate"].idxmax(), "hour"])


@choice("07.5", options={
    "a": "Not that one: the weekly quote requests are never stated as a need; the buyer asks "
         "for prices, not for help with a budget. That need has to be dug out.",
    "b": "Right: the complaint about delivery is explicit (stated by the customer: answer it "
         "with a faster delivery option); the weekly quotes without an order hint at an "
         "implicit need, perhaps budget pressure: ask open questions (SPIN) and offer, say, "
         "instalments.",
    "c": "Not that one: the delivery complaint is said out loud, so it is explicit; the "
         "quotes are the hidden one.",
    "d": "Not that one: a complaint the customer voices is the textbook explicit need; only "
         "the quotes need interpreting.",
})
def explicit_or_implicit() -> str:
    """Which of two needs is explicit and which implicit."""
    return "b"


LIFT_BANDS = {"less than 1.5 times": "", "1.5 to 3 times": "", "more than 3 times": ""}


@exercise("07.6", hint="", kind="predict", options=LIFT_BANDS,
          shows="Calling by score brings more sales than calling at random because the best "
                "leads convert several times as often; the gain is largest when capacity is "
                "small and shrinks as capacity grows (the widget above shows it), because the "
                "list runs out of good leads.")
def capacity_lift_band(expected_lift: float) -> str:
    """How many times more sales calling by score brings than calling at random."""
    if expected_lift < 1.5:
        return "less than 1.5 times"
    return "1.5 to 3 times" if expected_lift <= 3 else "more than 3 times"


_CLASS_REASONS = {
    "refuser": "they answer, but say no to at least half of the calls; more calls bring complaints, "
               "not sales: the material cuts their call frequency and switches to e-mail or SMS.",
    "not_yet_called": "nobody has called them yet, so nothing says whether they answer; they get "
                      "a first call in the normal rhythm, not the free hour.",
    "hard_to_reach": "most dials go unanswered: book a time by message first.",
}


@exercise("07.7", hint="Which class turns an hour of dialling into the most interested "
                       "conversations?", kind="choice")
def call_first(classified: pd.DataFrame) -> Choice:
    """Interpretation: the response class to give a free hour of calls to."""
    g = classified.groupby("response_class").agg(customers=("answer_rate", "size"),
                                                 answer=("answer_rate", "mean"),
                                                 positive=("positive_share", "mean"))
    g["per_dial"] = g["answer"].fillna(0) * g["positive"].fillna(0)
    callable_ = g.drop(index=[c for c in ("refuser", "not_yet_called") if c in g.index])
    best = str(callable_["per_dial"].idxmax()) if len(callable_) else "engaged"
    feedback = {}
    for cls, row in g.iterrows():
        # Built here from the data, so translated here (the framework translates fixed texts).
        facts = tr("{cls}: {n:,} customers who answer {answer:.0%} of calls and show interest in "
                   "{positive:.0%} of the answered ones, about {per_100:.0f} interested "
                   "conversations per 100 dials", cls=tr(str(cls)), n=int(row["customers"]),
                   answer=row["answer"], positive=row["positive"], per_100=100 * row["per_dial"])
        if cls == best:
            reason = tr("the most interested conversations per dial: the free hour goes here.")
        elif str(cls) in _CLASS_REASONS:
            reason = tr(_CLASS_REASONS[str(cls)])
        else:
            reason = tr("fewer interested conversations per dial than '{best}': they come after "
                        "them.", best=tr(best))
        feedback[str(cls)] = tr("{facts}; {reason}", facts=facts, reason=reason)
    return Choice(best, feedback)
