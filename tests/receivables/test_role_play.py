"""Tests for helpers.receivables._role_play: cards cover different situations, masked."""

from __future__ import annotations

import helpers.receivables as rc
from tests.receivables.books import accounts_frame


def test_role_play_cards_are_masked():
    playbook = rc.load_collection_playbook()
    acc = accounts_frame(50)
    q = rc.work_queue(acc, playbook, None)
    cards = rc.role_play_cards(q, playbook, n=4)
    assert len(cards) == 4
    assert len({card.splitlines()[0] for card in cards}) == 4  # four different situations
    for card in cards:
        assert "Objections to expect" in card and "Goal" in card
        assert not any(cid in card for cid in acc["customer_id"])
    assert rc.role_play_cards(q, playbook, n=4, seed=1) != cards or len(q) < 8
    assert rc.role_play_cards(q.head(0), playbook) == []


def test_days_past_due_are_said_in_words_never_negative():
    assert rc.days_past_due_text(-30) == "not yet due (due in 30 days)"
    assert rc.days_past_due_text(0) == "due today"
    assert rc.days_past_due_text(31) == "31 days past due"
    playbook = rc.load_collection_playbook()
    q = rc.work_queue(accounts_frame(50), playbook, None)
    q = q.assign(max_days_past_due=-30, stage="M0")
    card = rc.role_play_cards(q, playbook, n=1)[0]
    assert "not yet due (due in 30 days)" in card and "-30" not in card
