"""Expected answers for lesson 08 (call scripts, A/B tests and the team dashboard).

Kinds: 08.1 and 08.4 are small analyses, 08.2 and 08.3 values, 08.5 an interpretation of the
test's result (a choice whose right option follows from the data), 08.6 a prediction made
before the peeking simulation runs, 08.7 a multiple choice with feedback for each wrong option.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.calls import (
    KpiConfig,
    arms_from_calls,
    evaluate_alerts,
    sample_size_per_arm,
    two_proportion_test,
)
from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr


def _test(calls: pd.DataFrame, alpha: float) -> dict[str, Any]:
    arms = arms_from_calls(calls).set_index("variant")
    return two_proportion_test(int(arms.loc["A", "conversions"]), int(arms.loc["A", "calls"]),
                               int(arms.loc["B", "conversions"]), int(arms.loc["B", "calls"]),
                               alpha)


def _diff_over_all_calls(expected: float, calls: pd.DataFrame) -> float:
    """The mistake: conversion per *dialled* call (unanswered calls in the denominator)."""
    arms = arms_from_calls(calls, answered_only=False).set_index("variant")
    return float(arms.loc["B", "rate"] - arms.loc["A", "rate"])


@exercise("08.1", hint="Which calls can a script influence at all? Count only those, per variant, "
                       "and give the difference of the two rates as a fraction.", rel_tol=1e-4,
          expect=float, range=(-1, 1),
          mistakes={"percent": None,
                    "all calls": (_diff_over_all_calls,
                                  "you divided by every dialled call: a script only works when "
                                  "someone answers, so count answered calls only."),
                    "A minus B": (lambda expected: -expected,
                                  "right size, wrong sign: the question asks for B minus A.")})
def ab_difference(calls: pd.DataFrame) -> float:
    """Conversion rate of variant B minus that of A."""
    return float(_test(calls, 0.05)["diff"])


@exercise("08.2", hint="What does the test say about a difference this large if the scripts "
                       "were equally good? Compare that with alpha; answer True or False.",
          expect=bool)
def ab_significant(calls: pd.DataFrame, alpha: float = 0.05) -> bool:
    """Whether the two-proportion test is significant at ``alpha``."""
    return bool(_test(calls, alpha)["significant"])


@exercise("08.3", hint="Section 1 has the function that plans a test; the lift is absolute "
                       "(2 points = 0.02).", expect=int, range=(1, 10_000_000),
          mistakes={"relative lift": (lambda expected, p_base, min_lift: sample_size_per_arm(
              p_base, p_base * min_lift) if p_base * min_lift > 0 else None,
              "that is the size for a lift of 2 % *of* 12 % (0.24 points): the lift is 2 "
              "percentage points, an absolute 0.02.")})
def planned_calls(p_base: float, min_lift: float, alpha: float = 0.05,
                  power: float = 0.8) -> int:
    """Answered calls needed per variant."""
    return sample_size_per_arm(p_base, min_lift, alpha=alpha, power=power)


def _every_low_day(expected: list[str], daily: pd.DataFrame, config: KpiConfig) -> list[str]:
    """The mistake: every judged day under 10 %, whether or not it belongs to a 3-day run."""
    low = (daily["conversion"] < 0.10) & (daily["answered"] >= config.min_answered)
    return daily.loc[low, "date"].dt.strftime("%Y-%m-%d").tolist()


@exercise("08.4", hint="A day counts only inside a run of low days long enough to fire the rule; "
                       "days with too few answered calls are not judged. Give 'YYYY-MM-DD' "
                       "texts in date order.", expect=list,
          mistakes={"single low days": (_every_low_day,
                                        "you listed every low day: the alert needs at least "
                                        "three low days in a row; drop the shorter runs.")})
def alert_dates(daily: pd.DataFrame, config: KpiConfig) -> list[str]:
    """The days of every run that fires the low-conversion alert."""
    fired = evaluate_alerts(daily, config)
    fired = fired.loc[fired["rule"] == "low_conversion"]
    return [d for dates in fired["dates"] for d in dates]


def _planned(result: dict[str, Any], min_lift: float | None) -> str:
    """The end of 08.5's feedback: whether the interval still allows the planned lift."""
    if min_lift is None:
        return tr(".")
    if result["ci_high"] < min_lift:
        return tr("; and even the interval's upper end is below the +{lift:.0%} the team "
                  "planned to act on, so switch only if it costs next to nothing.", lift=min_lift)
    return tr("; a lift of +{lift:.0%}, the one planned for, is still possible.", lift=min_lift)


#: The four readings offered in 08.5 (the notebook lists the same texts).
AB_READINGS = {
    "a": "The interval excludes zero: B is certainly better; switch every agent now.",
    "b": "The interval includes zero: the scripts are equally good; keep A.",
    "c": "The interval includes zero: B is probably better, but no effect is still plausible; "
         "weigh the cost of switching against the lifts the interval allows.",
    "d": "The interval excludes zero: B is better, but the lift may be as small as the lower "
         "bound; check that even that pays for switching.",
}


@choice("08.5", options=AB_READINGS, hint="Read the interval first (does it contain 0?), then "
                                          "what the probability does and does not say.")
def ab_reading(calls: pd.DataFrame, prob_b_better: float, alpha: float = 0.05,
               min_lift: float | None = None) -> Choice:
    """The reading of the bundled test that fits its interval, with a reason for each option.

    With ``min_lift`` (the smallest lift worth acting on, from the test's plan) the feedback says
    whether the interval still allows a lift that large.
    """
    r = _test(calls, alpha)
    # Built here from the data, so translated here (the framework translates fixed texts).
    ci = tr("{low:+.1%} to {high:+.1%}", low=r["ci_low"], high=r["ci_high"])
    includes = r["ci_low"] <= 0 <= r["ci_high"]
    prob = tr("P(B better) = {prob:.0%}", prob=prob_b_better)
    if includes:
        right, why_c, why_d = "c", (
            tr("the interval ({ci}) contains 0 and {prob}: B is the better bet, not a proven "
               "winner; the decision turns on what switching costs", ci=ci, prob=prob)
            + _planned(r, min_lift)), (
            tr("the interval ({ci}) contains 0, so it does not exclude 'no effect'.", ci=ci))
    else:
        right, why_c, why_d = "d", (
            tr("the interval ({ci}) does not contain 0 here: this test does show a difference.",
               ci=ci)), (
            tr("the interval ({ci}) excludes 0, but its lower end is the smallest lift the "
               "data support: is that enough to pay for retraining?", ci=ci))
    feedback = {
        "a": tr("'certainly' is too strong: {prob} still leaves a real chance A is as good, and "
                "the interval ({ci}) contains 0." if includes else
                "'certainly' is too strong: {prob} still leaves a real chance A is as good, and "
                "the interval ({ci}) reaches down to a lift that may not pay.", prob=prob, ci=ci),
        "b": (tr("not significant is not 'equal': the interval ({ci}) also holds lifts worth "
                 "having, and {prob}.", ci=ci, prob=prob) if includes else
              tr("the interval ({ci}) excludes 0: the scripts are not equally good.", ci=ci)),
        "c": why_c,
        "d": why_d,
    }
    return Choice(right, feedback)


#: 08.6's predictions: the false-winner rate of the peeking manager against the promised 5 %.
PEEKING_OPTIONS = {"same": "", "double": "", "triple or more": ""}


@exercise("08.6", kind="predict", hint="Pick one of the three before running the simulation.",
          options=PEEKING_OPTIONS,
          shows="Every extra look is another chance for noise to dip under alpha: the more "
                "often the manager looks, the more false winners.")
def peeking_false_winners(peek: dict[str, Any], alpha: float = 0.05) -> str:
    """How the peeking false-winner rate compares with alpha: same, double, triple or more."""
    ratio = float(peek["false_positive_peeking"]) / alpha
    return "same" if ratio < 1.5 else "double" if ratio < 2.5 else "triple or more"


KPI_OPTIONS = {
    "contact rate": "short calls still count as answered: the contact rate stays as it is "
                    "or even rises.",
    "calls per agent-day": "that is the number being gamed: more short calls make it look "
                           "better, not worse.",
    "effective talk minutes per agent-day": "yes: a day of very short calls falls short of "
                                            "the talk-time target however many calls it holds.",
    "cost per sale": "it moves only slowly (through fewer sales) and mixes in dialling time; "
                     "it does not show the short calls themselves.",
}


@choice("08.7", options=KPI_OPTIONS, hint="Which target can a string of 20-second calls not "
                                          "meet?")
def kpi_against_gaming() -> str:
    """The KPI that protects 'calls per day' from very short calls."""
    return "effective talk minutes per agent-day"
