"""Validating in two lanes (``helpers.data._lanes``) changes nothing but the time it takes.

A large table's columns are validated on two threads; every result must be what one thread
gives: the frame, every problem in the same order (the first reported first), the notes, the
report, the warnings, whatever ``on_invalid`` says.
"""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pandas.testing as pdt
import pytest

import helpers.data._validate as validate_module
from helpers.data import load_table
from helpers.data._lanes import two_lanes
from helpers.errors import DataProblem


def test_each_lane_runs_in_order_and_the_first_runs_on_another_thread():
    seen: list[tuple[int, str]] = []

    def task(i: int):
        return lambda: seen.append((i, threading.current_thread().name)) or i

    assert two_lanes([task(1), task(2)], [task(3), task(4)]) == ([1, 2], [3, 4])
    threads = dict(seen)
    assert threads[1] == threads[2] != threads[3] == threads[4] == threading.current_thread().name
    assert [i for i, _ in seen if i < 3] == [1, 2] and [i for i, _ in seen if i > 2] == [3, 4]
    seen.clear()
    assert two_lanes([task(1)], [task(2)], threads=False) == ([1], [2])
    assert {name for _, name in seen} == {threading.current_thread().name}


def test_the_first_lanes_error_comes_first_as_one_after_the_other():
    def fail(text: str):
        def task():
            raise ValueError(text)
        return task

    with pytest.raises(ValueError, match="first"):
        two_lanes([fail("first")], [fail("second")])
    with pytest.raises(ValueError, match="second"):
        two_lanes([lambda: 1], [fail("second")])
    with pytest.raises(ValueError, match="first"):
        two_lanes([fail("first")], [lambda: 2])


def _messy_csv(path, n=3000):
    rng = np.random.default_rng(3)
    rows = ["transaction_id,customer_id,purchase_date,amount,sales_channel,is_return"]
    for i in range(n):
        amount = f"{rng.lognormal(4, 1):.2f}"
        when = f"2024-0{1 + i % 9}-1{i % 10} 10:00:00"
        rows.append(f"T{i},C{i % 97},{when},{amount},{['store', 'online'][i % 2]},"
                    f"{['true', 'false'][i % 3 == 0]}")
    rows[11] = "T10,C1,2024-01-10 10:00:00,12.3x,store,true"              # unreadable amount
    rows[50] = "T49,C3,2024-02-30 10:00:00,5.00,shop,maybe"               # date, channel, flag
    rows[70] = "T5,,2024-03-11 10:00:00,-1,online,false"                  # repeated key, no customer
    rows[900] = "T899,C9,2024/03/05,\"1,200\",online,N"                   # the careful way
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _load(path, lanes: bool, monkeypatch, **kw):
    monkeypatch.setattr(validate_module, "LANES_ROWS", (0, 10**12) if lanes else (0, 0))
    asked: list[bool] = []

    def recorded(first, second, threads=True):
        asked.append(threads)
        return two_lanes(first, second, threads)

    monkeypatch.setattr(validate_module, "two_lanes", recorded)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = load_table(path, "transactions", **kw)
        except DataProblem as exc:
            out = exc
    assert asked == [lanes]  # the lanes were (or were not) run on two threads, as asked
    return out, [str(w.message) for w in caught]


@pytest.mark.parametrize("on_invalid", ["keep", "drop"])
def test_two_lanes_load_what_one_loads(tmp_path, monkeypatch, on_invalid):
    path = _messy_csv(tmp_path / "tx.csv")
    (one, report1), warned1 = _load(path, False, monkeypatch, on_invalid=on_invalid,
                                    return_report=True)
    (two, report2), warned2 = _load(path, True, monkeypatch, on_invalid=on_invalid,
                                    return_report=True)
    pdt.assert_frame_equal(one, two)
    assert [p.kind for p in report1.problems] == [p.kind for p in report2.problems]
    assert report1.problems == report2.problems and len(report1.problems) >= 5
    assert str(report1) == str(report2) and report1.notes == report2.notes
    assert warned1 == warned2


def test_two_lanes_raise_what_one_raises(tmp_path, monkeypatch):
    path = _messy_csv(tmp_path / "tx.csv")
    one, _ = _load(path, False, monkeypatch)
    two, _ = _load(path, True, monkeypatch)
    assert isinstance(one, DataProblem) and isinstance(two, DataProblem)
    assert str(one) == str(two) and one.problems == two.problems
    assert [p.column for p in one.problems][:2] == ["customer_id", "purchase_date"]
    assert one.problems[-1].kind == "duplicate_key"
