"""Words the call-centre helpers share: call outcomes, weekdays, value tiers, profile columns."""

from typing import Literal, get_args

#: Outcomes a call may have (the ``calls`` table's allowed values).
OUTCOMES = ("no_answer", "refused", "callback_requested", "not_interested", "interested", "sale",
            "promise_to_pay", "paid", "wrong_number")
#: Answered calls in which the customer said no.
REFUSALS = ("refused", "not_interested")
#: Answered calls that showed interest.
POSITIVE = ("interested", "callback_requested", "sale")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Value tiers, most valuable first (the call queue serves them in this order).
TIER_ORDER = ("diamond", "gold", "silver", "low")

#: The columns of :func:`helpers.calls.interaction_profile` a response class may test.
ProfileColumn = Literal["n_calls", "n_answered", "answer_rate", "mean_talk_s", "callbacks",
                        "refusal_share", "positive_share", "sales"]
PROFILE_COLUMNS: tuple[str, ...] = get_args(ProfileColumn)
