"""``python -m helpers.i18n``: skeletons and status of the Chinese edition's text.

``python -m helpers.i18n skeleton``  add TODO entries for every untranslated cell and section
``python -m helpers.i18n status``    list what is missing, TODO or stale (exit 1 if anything is)
"""

from __future__ import annotations

import argparse
import sys

from helpers.i18n._sidecar import lesson_skeleton, lesson_status, notebook_skeleton, notebook_status
from helpers.paths import LESSONS_DIR, SOLUTIONS_DIR


def _pairs() -> list[tuple[str, object, object, object, object]]:
    nbs = [("notebook", p, SOLUTIONS_DIR / "zh" / f"{p.stem}.md", notebook_skeleton,
            notebook_status) for p in sorted(SOLUTIONS_DIR.glob("[0-9][0-9]-*.ipynb"))]
    lessons = [("lesson", p, LESSONS_DIR / "zh" / p.name, lesson_skeleton, lesson_status)
               for p in sorted(LESSONS_DIR.glob("*.md"))]
    return nbs + lessons


def main(argv: list[str] | None = None) -> int:
    """Run the command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m helpers.i18n", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["skeleton", "status"])
    parser.add_argument("names", nargs="*", help="only these notebooks/lessons (substring match)")
    args = parser.parse_args(argv)
    problems = 0
    for kind, en, zh, skeleton, status in _pairs():
        if args.names and not any(n in en.name for n in args.names):  # type: ignore[attr-defined]
            continue
        if args.command == "skeleton":
            added = skeleton(en, zh)  # type: ignore[operator]
            print(f"{kind} {zh}: {added} entries to translate added")
        else:
            found = {k: v for k, v in status(en, zh).items() if v}  # type: ignore[operator]
            problems += sum(len(v) for v in found.values())
            for k, v in found.items():
                print(f"{kind} {en.name}: {k}: {len(v)} ({', '.join(map(str, v[:5]))})")  # type: ignore[attr-defined]
    return 1 if args.command == "status" and problems else 0


if __name__ == "__main__":
    sys.exit(main())
