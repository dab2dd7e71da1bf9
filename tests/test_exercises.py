"""The self-check facility: right, wrong and unanswered, never revealing the answer."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.exercises import Exercise, answers_match, check, exercise


@exercise("99.1", hint="Count the rows.")
def _count_rows(frame):
    return len(frame)


@exercise("99.2", hint="List the segments.", ordered=False)
def _segments(frame):
    return sorted(frame["segment"].unique())


FRAME = pd.DataFrame({"segment": ["a", "b", "a"]})


def test_right_wrong_and_unanswered():
    assert check("99.1", 3, frame=FRAME).correct
    wrong = check("99.1", 4, frame=FRAME)
    assert wrong.status == "wrong" and "Count the rows." in wrong.message
    assert check("99.1", None, frame=FRAME).status == "unanswered"


def test_wrong_answer_message_never_contains_the_expected_value():
    message = check("99.1", 17, frame=pd.DataFrame({"x": range(12345)})).message
    assert "12345" not in message


def test_unordered_lists_and_numpy_values():
    assert check("99.2", pd.Series(["b", "a"]), frame=FRAME)
    assert not check("99.2", ["a"], frame=FRAME)


@pytest.mark.parametrize(
    ("answer", "expected", "same"),
    [(0.1 + 0.2, 0.3, True), (1, 1.0000001, True), (1, 1.1, False), ("Gold ", "gold", True),
     (True, 1, False), ({"a": 1}, {"a": 1.0}, True), ([1, 2], [2, 1], False)],
)
def test_answers_match(answer, expected, same):
    assert answers_match(answer, expected, Exercise("t", lambda: None, "")) is same


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="no exercise"):
        check("98.7", 1)
