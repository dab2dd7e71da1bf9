"""The self-check facility: layers, mistakes, choices, predictions and the hidden answer store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.exercises import (
    RECORD_ENV,
    STORE_ENV,
    Choice,
    Exercise,
    Mistake,
    _check,
    _core,
    all_keys,
    answer_sheet,
    answers_match,
    builtin_mistake,
    check,
    choice,
    exercise,
    registered,
    trainee_package,
    trainee_store,
)
from helpers.exercises._store import tokens
from helpers.paths import PROJECT_DIR


@exercise("99.1", hint="Count the rows.")
def _count_rows(frame):
    return len(frame)


@exercise("99.2", hint="List the segments.", ordered=False)
def _segments(frame):
    return sorted(frame["segment"].unique())


def _all_customers(expected, labels):
    return float(labels["loyal"].sum() / len(labels))


@exercise("99.3", hint="Who could have converted?", expect=float, range=(0, 1), rel_tol=1e-4,
          mistakes={"percent": None, "rounded": None, "complement": None,
                    "all customers": (_all_customers, "you divided by all customers.")})
def _conversion(labels):
    bought = labels[labels["bought"]]
    return float(bought["loyal"].mean())


@choice("99.4", options={"a": "No: a is tempting because ...", "b": "Yes: b, because ...",
                         "c": "No: c forgets that ..."}, hint="Think of the customer.")
def _pick():
    return "b"


@exercise("99.5", hint="", kind="choice")
def _interpret(profile):
    best = str(profile["revenue"].idxmax())
    return Choice(best, {seg: f"{seg} brings {rev:,.0f}" for seg, rev in profile["revenue"].items()})


@exercise("99.6", hint="", kind="predict", options={"more": "", "less": ""},
          shows="Revenue is concentrated.")
def _predict(share):
    return "more" if share > 0.5 else "less"


@exercise("99.7", hint="A whole number.", expect=int, range=(0, 10**6))
def _count(frame):
    return len(frame)


@exercise("99.8", hint="", kind="predict", expect=float, abs_tol=0.1, rel_tol=0,
          shows="The share is what it is.")
def _predict_number(share):
    return share


@exercise("99.9", hint="Group and sum.", expect=pd.DataFrame, rel_tol=1e-6)
def _table(frame):
    return frame.groupby("segment", as_index=False).size()


FRAME = pd.DataFrame({"segment": ["a", "b", "a"]})
#: 10 customers, 7 bought, 4 of the buyers loyal: 4/7 right, 4/10 the wrong denominator
LABELS = pd.DataFrame({"bought": [True] * 7 + [False] * 3,
                       "loyal": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]})
RIGHT = 4 / 7
PROFILE = pd.DataFrame({"revenue": [100.0, 900.0, 300.0]},
                       index=pd.Index(["new", "cant lose", "lost"], name="segment"))


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


def test_unknown_exercise_is_a_clear_error(monkeypatch, tmp_path):
    with pytest.raises(KeyError, match="no exercise"):
        check("03.99", 1)                  # lesson 03's code is installed: a wrong number
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STORE_ENV, raising=False)
    result = check("98.7", 1)              # no code, no store: said, and the notebook runs on
    assert result.status == "unchecked" and "answers.json" in result.message


# ------------------------------------------------------------------------------ layers


@pytest.mark.parametrize(("answer", "layer", "words"), [
    (LABELS, "type", "Give one number, not a table."),
    (LABELS["loyal"], "type", "not a column"),
    ("0.57", "type", "not text"),
    (1.4, "range", "A share is a number between 0 and 1."),
    (100 * RIGHT, "range", "looks like a percentage"),
    (round(RIGHT, 2), "mistake", "rounded"),
    (1 - RIGHT, "mistake", "NOT meet"),
    (0.4, "mistake", "you divided by all customers."),
    (0.3, "value", "Who could have converted?"),
])
def test_layers_in_order_type_range_then_value_with_the_mistakes_hint(answer, layer, words):
    result = check("99.3", answer, labels=LABELS)
    assert result.status == "wrong" and result.layer == layer, result
    assert words in result.message
    assert f"{RIGHT:.4f}"[:5] not in result.message


def test_a_percentage_is_named_as_such_even_out_of_range():
    result = check("99.3", 100 * RIGHT, labels=LABELS)
    assert result.layer == "range" and result.mistake == "percent"


def test_right_within_tolerance_and_a_whole_number_given_as_float():
    assert check("99.3", RIGHT * (1 + 5e-5), labels=LABELS)
    assert check("99.7", 3.0, frame=FRAME) and check("99.7", np.int64(3), frame=FRAME)
    result = check("99.7", 3.5, frame=FRAME)
    assert result.layer == "type" and "whole number" in result.message
    assert check("99.7", True, frame=FRAME).layer == "type"  # a bool is not a count


def test_the_wrong_denominator_is_told_apart_only_when_the_data_can_show_it():
    everybody_bought = LABELS.assign(bought=True)
    # all bought: "all customers" IS the right denominator, so the answer is right
    assert check("99.3", 0.4, labels=everybody_bought)
    assert check("99.3", 0.4, labels=LABELS).mistake == "all customers"


def test_builtin_mistakes_and_their_own_hints():
    assert builtin_mistake("percent").wrong(0.25) == 25.0
    assert builtin_mistake("fraction", hint="mine").hint == "mine"
    assert 0.57 in builtin_mistake("rounded").wrong(0.5714)
    with pytest.raises(ValueError, match="unknown built-in mistake"):
        builtin_mistake("typo")
    with pytest.raises(ValueError, match="kind must be one of"):
        exercise("99.0", hint="", kind="essay")


def test_a_mistake_with_several_wrong_answers():
    @exercise("99.10", hint="h", mistakes=[Mistake("off by one", lambda expected: [expected - 1,
                                                                                   expected + 1],
                                                   "count again", several=True)])
    def _n(frame):
        return len(frame)

    assert check("99.10", 2, frame=FRAME).mistake == "off by one"
    assert check("99.10", 4, frame=FRAME).mistake == "off by one"
    assert check("99.10", 7, frame=FRAME).layer == "value"


def test_a_table_answer():
    right = FRAME.groupby("segment", as_index=False).size()
    assert check("99.9", right, frame=FRAME)
    assert check("99.9", right.iloc[::-1], frame=FRAME).layer == "value"
    assert check("99.9", 3, frame=FRAME).layer == "type"


# ------------------------------------------------------------------------------ other kinds


def test_multiple_choice_gives_feedback_for_each_option():
    assert check("99.4", "B").correct and "Yes: b, because" in check("99.4", "b").message
    a = check("99.4", "a")
    assert a.status == "wrong" and "a is tempting" in a.message and "Think of" in a.message
    assert "c forgets" in check("99.4", " c ").message
    bad = check("99.4", "d")
    assert bad.layer == "option" and "'a', 'b', 'c'" in bad.message


def test_interpretation_among_candidates_computed_from_the_data():
    assert check("99.5", "cant lose", profile=PROFILE)
    lost = check("99.5", "lost", profile=PROFILE)
    assert not lost and "lost brings 300" in lost.message
    # the data decide: another profile, another right answer
    assert check("99.5", "new", profile=PROFILE.assign(revenue=[999.0, 1.0, 2.0]))


def test_predict_then_run_says_what_the_run_shows():
    right = check("99.6", "more", share=0.8)
    assert right and "You predicted more; the run shows more. Revenue is concentrated." in \
        right.message
    wrong = check("99.6", "less", share=0.8)
    assert wrong.status == "wrong" and "not what happened" in wrong.message
    assert "the run shows more" in wrong.message
    assert check("99.8", 0.75, share=0.8) and not check("99.8", 0.6, share=0.8)


# ------------------------------------------------------------------------------ hidden store

CASES = [("99.3", a, {"labels": LABELS}) for a in
         [None, LABELS, "x", 1.4, 100 * RIGHT, round(RIGHT, 2), 1 - RIGHT, 0.4, 0.3, RIGHT,
          RIGHT * (1 + 5e-5), np.float64(RIGHT)]] + \
    [("99.4", a, {}) for a in ["a", "B", "c", "d"]] + \
    [("99.5", a, {"profile": PROFILE}) for a in ["cant lose", "lost", "new", "x"]] + \
    [("99.6", a, {"share": 0.8}) for a in ["more", "less", None]] + \
    [("99.7", a, {"frame": FRAME}) for a in [3, 3.0, 4, 3.5, True]] + \
    [("99.8", a, {"share": 0.8}) for a in [0.75, 0.85, 0.6]] + \
    [("99.2", a, {"frame": FRAME}) for a in [["b", "a"], ["a"]]] + \
    [("99.9", a, {"frame": FRAME}) for a in [FRAME.groupby("segment", as_index=False).size(),
                                             FRAME]]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """Record every case's exercise, write the trainees' store, then hide the code."""
    record = tmp_path / "record.json"
    monkeypatch.setenv(RECORD_ENV, str(record))
    for key, data in {key: data for key, _, data in CASES}.items():
        check(key, None, **data)
    monkeypatch.delenv(RECORD_ENV)
    path = trainee_store(record, tmp_path / "data" / "answers.json")
    live = [check(key, answer, **data) for key, answer, data in CASES]
    for key in {k for k, _, _ in CASES}:
        monkeypatch.delitem(_core._REGISTRY, key)
    monkeypatch.setattr(_core, "lesson_modules", lambda key: [])
    monkeypatch.setattr(_check, "lesson_modules", lambda key: [])
    return record, path, live


def test_the_store_gives_the_same_verdicts_and_messages_without_the_code(store, monkeypatch):
    _, path, live = store
    monkeypatch.setenv(STORE_ENV, str(path))
    hidden = [check(key, answer) for key, answer, _ in CASES]
    for case, a, b in zip(CASES, live, hidden, strict=True):
        assert (a.status, a.layer, a.mistake, a.message) == (b.status, b.layer, b.mistake,
                                                             b.message), case[:2]


def test_the_store_holds_no_answer_in_clear(store):
    record, path, _ = store
    text = path.read_text(encoding="utf-8")
    for secret in [f"{RIGHT:.6f}"[:6], "0.5714", "cant lose brings", "Yes: b, because"]:
        assert secret not in text
    assert json.loads(text)["salt"] and "plain" not in text
    assert "0.5714 (57.14 %)" in answer_sheet(record, "seed 1")


def test_the_store_is_found_beside_a_workshop_notebook(store, monkeypatch, tmp_path):
    _, path, _ = store
    monkeypatch.delenv(STORE_ENV, raising=False)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")          # <trainee>/notebooks beside data/
    assert check("99.4", "b")
    monkeypatch.chdir(tmp_path)
    assert check("99.4", "b").status == "unchecked"


def test_tolerance_grid_has_no_gaps_at_its_boundaries():
    rng = np.random.default_rng(3)
    ex = Exercise("t", lambda: None, "", rel_tol=1e-4, abs_tol=1e-9)
    for value in rng.uniform(-1e4, 1e4, 300):
        near = value * (1 + rng.uniform(-0.9e-4, 0.9e-4))
        far = value * (1 + rng.choice([-1, 1]) * rng.uniform(3.1e-4, 1e-2))
        assert tokens(value, ex) & tokens(near, ex, neighbours=True)
        assert not tokens(value, ex) & tokens(far, ex, neighbours=True)


def test_the_trainee_package_has_no_expected_answer_code_and_checks_from_the_store(tmp_path):
    package = trainee_package(PROJECT_DIR, tmp_path / "course-package")
    exercises = package / "helpers" / "exercises"
    assert (exercises / "__init__.py").is_file() and (package / "pyproject.toml").is_file()
    assert not list(exercises.glob("m[0-9][0-9]_*.py"))
    with pytest.raises(FileExistsError):
        trainee_package(PROJECT_DIR, package)
    # the store of lesson 00's exercises on a tiny data set, recorded with the code ...
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                              "customer_kind": ["organisation", "individual"] * 2})
    record = tmp_path / "record.json"
    os.environ[RECORD_ENV] = str(record)
    try:
        check("00.3", None, customers=customers)
    finally:
        del os.environ[RECORD_ENV]
    trainee_store(record, tmp_path / "answers.json")
    # ... and checked where only the package is importable
    probe = ("from helpers.exercises import check\n"
             "from helpers.exercises._core import find\n"
             "assert find('00.3') is None\n"
             "print(check('00.3', 0.5).status, check('00.3', 50.0).mistake,"
             " check('00.3', 0.25).status)\n")
    env = {**os.environ, "PYTHONPATH": str(package), STORE_ENV: str(tmp_path / "answers.json")}
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["right", "percent", "wrong"]


# ------------------------------------------------------------------------------ modules 00-03

NOT_READ_OFF = {"choice", "predict"}


@pytest.mark.parametrize("lesson", ["00", "01", "02", "03"])
def test_each_module_has_four_exercises_two_of_them_beyond_a_read_off(lesson):
    keys = [k for k in all_keys() if k.startswith(f"{lesson}.")]
    kinds = [registered(k).kind for k in keys]
    assert len(keys) >= 4 and sum(k in NOT_READ_OFF for k in kinds) >= 2, dict(zip(keys, kinds, strict=True))
    for key in keys:
        ex = registered(key)
        if ex.kind == "value":
            assert ex.expect is not None and ex.mistakes, f"{key}: no layers or no mistakes"
        if ex.kind == "choice" and ex.options:
            assert all(text for text in ex.options.values()), f"{key}: an option lacks feedback"


def test_answers_for_records_through_the_runs_and_names_a_notebook_that_broke(tmp_path):
    from helpers.exercises import answers_for

    def run(notebook, target, parameters, cwd):
        assert os.environ[RECORD_ENV] and parameters["data_dir"] == str(tmp_path.resolve())
        check("99.4", None)                       # what a solution notebook's cell does
        if notebook.name.startswith("02"):
            raise RuntimeError("cell 7 raised DataProblem\ntraceback ...")

    sheet = answers_for([Path("01-a.ipynb"), Path("02-b.ipynb")], tmp_path, run,
                        store=tmp_path / "answers.json", title="wang, seed 5")
    assert "**99.4** (choice): b (Yes: b, because ...)" in sheet
    assert "02-b.ipynb: cell 7 raised DataProblem" in sheet and "traceback" not in sheet
    assert RECORD_ENV not in os.environ and (tmp_path / "answers.json").is_file()
