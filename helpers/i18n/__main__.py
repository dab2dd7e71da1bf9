"""``python -m helpers.i18n``: the Chinese edition's text, glossary and font.

``python -m helpers.i18n skeleton [NN ...]``  add TODO entries for every untranslated cell and section
``python -m helpers.i18n status [NN ...]``    list what is missing, TODO or stale (exit 1 if anything is)
``python -m helpers.i18n glossary``           write lessons/GLOSSARY.md from the lessons' key terms
``python -m helpers.i18n fonts [--install]``  where the Chinese font is; --install: into the user's fonts
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from helpers.i18n._edition import edition_problems
from helpers.i18n._fonts import (
    CJK_FAMILY,
    cjk_font_path,
    fontconfig_knows_cjk,
    install_user_font,
    setup_fonts,
)
from helpers.i18n._glossary import GLOSSARY_FILE, clashes, collect, glossary_markdown
from helpers.i18n._sidecar import lesson_skeleton, lesson_status, notebook_skeleton, notebook_status
from helpers.paths import LESSONS_DIR, SOLUTIONS_DIR

Pair = tuple[str, Path, Path, Callable[[Path, Path], int],
             Callable[[Path, Path], dict[str, list[str]]]]


def _pairs() -> list[Pair]:
    nbs: list[Pair] = [("notebook", p, SOLUTIONS_DIR / "zh" / f"{p.stem}.md", notebook_skeleton,
                        notebook_status)
                       for p in sorted(SOLUTIONS_DIR.glob("[0-9][0-9]-*.ipynb"))]
    lessons: list[Pair] = [("lesson", p, LESSONS_DIR / "zh" / p.name, lesson_skeleton,
                            lesson_status)
                           for p in sorted(LESSONS_DIR.glob("*.md")) if p != GLOSSARY_FILE]
    return nbs + lessons


def _text(command: str, names: list[str]) -> int:
    problems = 0
    for kind, en, zh, skeleton, status in _pairs():
        if names and not any(n in en.name for n in names):
            continue
        if command == "skeleton":
            print(f"{kind} {zh}: {skeleton(en, zh)} entries to translate added")
        else:
            found = {k: v for k, v in status(en, zh).items() if v}
            problems += sum(len(v) for v in found.values())
            for k, v in found.items():
                print(f"{kind} {en.name}: {k}: {len(v)} ({', '.join(map(str, v[:5]))})")
    if command == "status" and not names:
        waiting = [p.name[:2] for p in sorted(SOLUTIONS_DIR.glob("[0-9][0-9]-*.ipynb"))
                   if edition_problems(p)]
        total = len(list(SOLUTIONS_DIR.glob("[0-9][0-9]-*.ipynb")))
        print(f"Chinese editions: {total - len(waiting)} of {total} notebooks complete"
              + (f" (not yet: {', '.join(waiting)})" if waiting else ""))
    return 1 if command == "status" and problems else 0


def _glossary() -> int:
    terms = collect()
    GLOSSARY_FILE.write_text(glossary_markdown(terms), encoding="utf-8")
    print(f"wrote {GLOSSARY_FILE} ({len(terms)} terms)")
    for zh, ens in clashes(terms).items():
        print(f"clash: {zh} stands for {'; '.join(ens)}: give each its own Chinese term")
    return 0


def _fonts(install: bool) -> int:
    path = cjk_font_path()
    if path is None:
        print("the Chinese font is not installed: pip install -r requirements.txt")
        return 1
    print(f"{CJK_FAMILY}: {path} ({path.stat().st_size / 2**20:.1f} MiB, SIL OFL 1.1); "
          f"matplotlib: {'ready' if setup_fonts() else 'missing'}")
    if install:
        print(f"installed {install_user_font()} for the browser (fontconfig cache refreshed)")
    known = fontconfig_knows_cjk()
    if known is not None:
        print("fontconfig (browsers): " + ("has a Chinese font" if known else
              "no Chinese font; run `python -m helpers.i18n fonts --install`"))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m helpers.i18n", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["skeleton", "status", "glossary", "fonts"])
    parser.add_argument("names", nargs="*", help="only these notebooks/lessons (substring match)")
    parser.add_argument("--install", action="store_true",
                        help="fonts: copy the font into ~/.local/share/fonts and run fc-cache")
    args = parser.parse_args(argv)
    if args.command == "glossary":
        return _glossary()
    if args.command == "fonts":
        return _fonts(args.install)
    return _text(args.command, args.names)


if __name__ == "__main__":
    sys.exit(main())
