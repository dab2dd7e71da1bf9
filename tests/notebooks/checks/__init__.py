"""What each notebook's run must show: one module per notebook, used by ``test_notebooks.py``.

Every module computes the expected numbers independently (plain pandas, DuckDB, a peer
package, published figures, the generator's planted truth) and asserts on ``run.results``,
the values the notebook kept with ``keep(...)``. A module's functions:

- ``bundled(run, folder)``: the run on the bundled data;
- ``other_seed(run, folder)``: the run on a dataset generated with another seed;
- ``trainee(run)``: the trainee copy (the Chinese one, see ``test_notebooks.py``), run with
  its exercises unanswered: :func:`unanswered`;
- further checks (real datasets, other parameters) take ``(execute, request)`` and are listed
  in the harness's ``MORE`` table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: How a check() result starts, in either edition (✅ right, ❌ wrong, ⏳ unanswered, ⚠️ cannot
#: be checked); the rest of the line is in the run's language.
FEEDBACK = re.compile(r"^(✅|❌|⏳|⚠️) ")


def feedback_lines(run: Any) -> list[str]:
    """The exercise feedback a run shows: each check() result's text."""
    lines = []
    for cell in run.notebook["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            lines += [line for line in text.splitlines() if FEEDBACK.match(line)]
    return lines


def unanswered(run: Any, exercises: int | Sequence[str]) -> None:
    """Every exercise of a trainee copy's run says "not answered yet" (⏳), none says right.

    ``exercises`` is how many there are, or their keys (``"10.1"``...), each of which must have
    its own ⏳ line. The marks are those of both editions, so this holds for either trainee copy.
    """
    said = feedback_lines(run)
    waiting = [line for line in said if line.startswith("⏳")]
    count = exercises if isinstance(exercises, int) else len(exercises)
    assert len(waiting) == count, f"{len(waiting)} exercises not answered, expected {count}: {said}"
    assert not [line for line in said if line.startswith("✅")], f"an answer is right: {said}"
    if not isinstance(exercises, int):
        for key in exercises:
            assert any(re.search(rf"(?<![\d.]){re.escape(key)}(?![\d])", line)
                       for line in waiting), f"exercise {key} is not marked unanswered: {said}"
