"""``python -m helpers.handouts cards --out build/cards``: print-ready role-play cards."""

from __future__ import annotations

import argparse
import sys

from helpers.calls import load_rubric
from helpers.errors import DataProblem
from helpers.receivables import load_collection_playbook

from ._cards import CARD_KINDS, build_cards
from ._scenarios import load_role_play


def main(argv: list[str] | None = None) -> int:
    """Build the cards and say what was written; a problem in a file is reported, not raised.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the command line).

    Returns
    -------
    int
        0 when the cards were written, 2 when a configuration file has a problem.
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.handouts",
                                     description="Printable role-play cards (A4 HTML).")
    sub = parser.add_subparsers(dest="command", required=True)
    cards = sub.add_parser("cards", help="write the role-play cards as print-ready HTML")
    cards.add_argument("--out", default="build/cards", help="folder to write into "
                       "(default: build/cards; the card files there are replaced)")
    cards.add_argument("--lesson", action="append", choices=["07", "08", "10"],
                       help="only this lesson (repeatable; default: 07, 08 and 10)")
    cards.add_argument("--role-play", help="your own role_play.yaml (default: the bundled one)")
    cards.add_argument("--rubric", help="your own call_quality_rubric.yaml")
    cards.add_argument("--playbook", help="your own collection_playbook.yaml")
    cards.add_argument("--lang", choices=["en", "zh"], default="en",
                       help="en: bilingual cards (English and Chinese, the default); "
                       "zh: Chinese-only cards 中文卡片")
    args = parser.parse_args(argv)
    try:
        built = build_cards(args.out, load_role_play(args.role_play), load_rubric(args.rubric),
                            load_collection_playbook(args.playbook), args.lesson,
                            lang=args.lang)
    except DataProblem as exc:
        print(exc, file=sys.stderr)
        return 2
    for name, path in built.files.items():
        print(f"{name:>10}: {path}")
    counts = built.counts()
    print(f"{len(built.cards)} cards: " + ", ".join(
        f"{counts[k]} {k}" for k in CARD_KINDS if k in counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
