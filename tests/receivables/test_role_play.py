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
