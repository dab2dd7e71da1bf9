"""Self-checks for the exercises: ``check("03.1", answer, **data)`` says right or wrong, with a hint.

The expected answer is *computed* from the data the trainee is working on (so a trainee with their
own seed's dataset is checked against their own data) and is never printed.

Exercises are defined in one module per lesson, ``helpers/exercises/mNN_*.py``, with the
:func:`exercise` decorator; the checks are declared, not written::

    @exercise("03.2", hint="Revenue of the segment over revenue of everybody.",
              expect=float, range=(0, 1), rel_tol=1e-4,
              mistakes={"percent": None, "rounded": None,
                        "share of customers": (lambda expected, segments:
                                               (segments["segment"] == "champions").mean(),
                                               "that is the share of customers, not of revenue.")})
    def champions_revenue_share(segments):
        ...

and used in a notebook as::

    answer = ...            # the trainee's code
    check("03.2", answer, segments=segments)

A check goes through layers in order: type (``expect``), range, then the value; a wrong value
that matches a declared mistake gets that mistake's hint. Other kinds: :func:`choice` (multiple
choice, feedback for each option; a :class:`Choice` for options computed from the data: an
interpretation) and ``kind="predict"`` (a prediction made before running a cell).

Trainees' packages need not hold the ``mNN_*.py`` modules: ``check`` then uses the hidden answer
store (``answers.json``, salted hashes) that ``python -m helpers.course workshop --answers`` writes
into each trainee's data folder; ``python -m helpers.course answers --seed N`` prints the expected
answers for an instructor.
"""

from __future__ import annotations

from helpers.exercises._builtin import BUILTIN, Mistake, builtin_mistake
from helpers.exercises._check import check
from helpers.exercises._compare import answers_match, for_people
from helpers.exercises._core import (
    CheckResult,
    Choice,
    Exercise,
    all_keys,
    choice,
    exercise,
    registered,
)
from helpers.exercises._kit import (
    add_workshop_parsers,
    answers_for,
    record_answers,
    trainee_package,
)
from helpers.exercises._store import (
    RECORD_ENV,
    STORE_ENV,
    STORE_NAME,
    answer_sheet,
    trainee_store,
)

__all__ = [
    "BUILTIN",
    "RECORD_ENV",
    "STORE_ENV",
    "STORE_NAME",
    "CheckResult",
    "Choice",
    "Exercise",
    "Mistake",
    "add_workshop_parsers",
    "all_keys",
    "answer_sheet",
    "answers_for",
    "answers_match",
    "builtin_mistake",
    "check",
    "choice",
    "exercise",
    "for_people",
    "record_answers",
    "registered",
    "trainee_package",
    "trainee_store",
]
