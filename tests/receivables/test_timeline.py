"""Tests for helpers.receivables._timeline: one account's events, balance path, next action."""

from __future__ import annotations

import ipywidgets
import matplotlib
import pandas as pd
import pytest

import helpers.receivables as rc

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def playbook() -> rc.CollectionPlaybook:
    return rc.load_collection_playbook()


def account():
    inv = pd.DataFrame({"invoice_id": ["A", "B"], "customer_id": ["c1", "c1"],
                        "issue_date": pd.to_datetime(["2025-09-01", "2025-10-01"]),
                        "due_date": pd.to_datetime(["2025-10-01", "2025-10-31"]),
                        "amount": [100.0, 200.0]})
    pay = pd.DataFrame({"payment_id": ["p"], "invoice_id": ["A"], "customer_id": ["c1"],
                        "payment_date": pd.to_datetime(["2025-10-20"]), "amount": [100.0]})
    calls = pd.DataFrame({"call_id": ["k"], "customer_id": ["c1"],
                          "started_at": pd.to_datetime(["2025-11-05 10:00"]),
                          "purpose": ["collection"], "outcome": ["promise_to_pay"]})
    acc = pd.DataFrame({"customer_id": ["c1"], "stage": ["M2"], "customer_type": ["negative"],
                        "balance": [200.0]})
    return inv, pay, calls, acc


def test_account_timeline_and_view(playbook):
    inv, pay, calls, acc = account()
    tl = rc.account_timeline("c1", inv, pay, calls)
    assert tl["date"].is_monotonic_increasing
    assert tl["event"].tolist().count("payment") == 1 and "call" in tl["event"].tolist()
    view = rc.timeline_view("c1", inv, pay, acc, playbook, "2025-12-31", calls)
    assert view.next_action is not None
    assert view.next_action.channel == playbook.play("M2", "negative").channel
    assert view.balance_path.loc["2025-12-31", "M3"] == 200.0  # 61 days past due
    assert rc.timeline_view("c1", inv, pay, acc.iloc[:0], playbook, "2025-12-31").next_action \
        is None
    with pytest.raises(rc.DataProblem, match="no invoices"):
        rc.account_timeline("zz", inv, pay)


def test_explore_timeline_is_a_widget(playbook):
    inv, pay, calls, acc = account()
    widget = rc.explore_timeline(inv, pay, acc, playbook, "2025-12-31", calls)
    assert isinstance(widget, ipywidgets.Widget)


def test_timeline_view_on_prepared_inputs_matches_the_plain_call(playbook, monkeypatch):
    inv, pay, calls, acc = account()
    # a second and third customer around c1, so the prepared rows must pick c1's out
    other = {"c1": "c2", "A": "C", "B": "D", "p": "q", "k": "l"}
    inv = pd.concat([inv.replace(other), inv, inv.replace({"c1": "c3", "A": "E", "B": "F"})],
                    ignore_index=True)
    pay = pd.concat([pay, pay.replace(other).assign(amount=50.0)], ignore_index=True)
    calls = pd.concat([calls.replace(other), calls], ignore_index=True)
    acc = pd.concat([acc.replace(other).assign(stage="M1", customer_type="cooperative"), acc],
                    ignore_index=True)
    prep = rc.TimelineInputs(inv, pay, acc, calls)
    for cid in ("c1", "c2", "c3"):
        fast = rc.timeline_view(cid, prep, playbook=playbook, as_of="2025-12-31")
        plain = rc.timeline_view(cid, inv, pay, acc, playbook, "2025-12-31", calls)
        pd.testing.assert_frame_equal(fast.events, plain.events)
        pd.testing.assert_frame_equal(fast.balance_path, plain.balance_path)
        assert fast.next_action == plain.next_action
    assert rc.timeline_view("c3", prep, playbook=playbook, as_of="2025-12-31").next_action is None
    assert rc.timeline_view("c2", prep, playbook=playbook, as_of="2025-12-31").next_action \
        .channel == playbook.play("M1", "cooperative").channel
    with pytest.raises(rc.DataProblem, match="no invoices"):
        rc.timeline_view("zz", prep, playbook=playbook, as_of="2025-12-31")
    with pytest.raises(rc.DataProblem, match="playbook"):
        rc.timeline_view("c1", prep, as_of="2025-12-31")
    # the widget finds each table's rows once, when it is built
    import helpers.receivables._timeline as tl

    built = []
    init = tl.TimelineInputs.__init__
    monkeypatch.setattr(tl.TimelineInputs, "__init__",
                        lambda self, *a: built.append(1) or init(self, *a))
    box = rc.explore_timeline(inv, pay, acc, playbook, "2025-12-31", calls,
                              options=["c1", "c2"])
    box.children[0].value = "c2"
    assert built == [1]


def test_the_next_action_script_is_filled_in_for_the_account(playbook):
    inv, pay, calls, acc = account()
    acc = acc.assign(balance=[12345.6])
    customers = pd.DataFrame({"customer_id": ["c1"], "name": ["王小明"]})
    view = rc.timeline_view("c1", inv, pay, acc, playbook, "2025-12-31", calls,
                            customers=customers, agent="Li Na", company="Acme")
    a = view.next_action
    template = playbook.play("M2", "negative").script_en
    assert a.script_en == template and "{" in template
    assert "{" not in a.filled_en and "}" not in a.filled_en
    assert "{" not in a.filled_zh and a.filled_zh != playbook.play("M2", "negative").script_zh
    fields = {"agent": "Li Na", "company": "Acme", "name": "王**", "invoice": "B",
              "balance": "¥12,345.60", "due_date": "2025-10-31"}
    assert a.filled_en == template.format(**fields)
    assert "王小明" not in a.filled_en + a.filled_zh  # the name is masked
    # the same through the widget's prepared inputs; without a customers table, the ID greets
    prep = rc.TimelineInputs(inv, pay, acc, calls, customers)
    assert rc.timeline_view("c1", prep, playbook=playbook, as_of="2025-12-31", agent="Li Na",
                            company="Acme").next_action == a
    plain = rc.timeline_view("c1", inv, pay, acc, playbook, "2025-12-31").next_action
    assert "c1" in plain.filled_en or "{name}" not in template
    assert plain.filled_en == template.format(**{**fields, "name": "c1", "agent": plain.actor
                                                 .replace("_", " "), "company": "our company"})


def test_fill_script_leaves_unknown_blanks_as_written():
    assert rc.fill_script("{agent} owes {nothing}", {"agent": "A"}) == "A owes {nothing}"
