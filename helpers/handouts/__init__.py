"""Role-play handouts (角色扮演材料) for lessons 07, 08 and 10: scenarios as data, printable cards.

The source material asks for practice through case analysis and role play (实战演练). The role
plays are data in ``helpers/config/role_play.yaml``: for each scenario an agent's or collector's
card, a customer's card with a hidden situation (cash-flow trouble, a decision-maker on leave, an
unresolved complaint), what the observer watches for and a debrief; the M2 6W3H question sheet;
and one timed session plan per lesson (35, 30 and 40 minutes).

* ``_scenarios``: :class:`RolePlay` (the schema), :func:`load_role_play`, :func:`six_w_three_h`
  (the 6W3H sheet as a table: the source's six items and the three the course adds),
  :data:`SIX_W_THREE_H`, :data:`TECHNIQUES`.
* ``_cards``: :func:`role_play_cards_for` (the cards), :func:`cards_html` (one print-ready A4
  document) and :func:`build_cards` (writes them); the observer sheet is built from
  ``call_quality_rubric.yaml`` (:mod:`helpers.calls`), the collector's play from
  ``collection_playbook.yaml`` (:mod:`helpers.receivables`).
* ``__main__``: ``python -m helpers.handouts cards --out build/cards``.

Tests: ``tests/handouts/test_scenarios.py`` and ``tests/handouts/test_cards.py``.
"""

from ._cards import CARD_KINDS, Card, CardSet, build_cards, cards_html, role_play_cards_for
from ._scenarios import (
    SIX_W_THREE_H,
    TECHNIQUES,
    RolePlay,
    Scenario,
    Session,
    load_role_play,
    six_w_three_h,
)

__all__ = [
    "CARD_KINDS",
    "SIX_W_THREE_H",
    "TECHNIQUES",
    "Card",
    "CardSet",
    "RolePlay",
    "Scenario",
    "Session",
    "build_cards",
    "cards_html",
    "load_role_play",
    "role_play_cards_for",
    "six_w_three_h",
]
