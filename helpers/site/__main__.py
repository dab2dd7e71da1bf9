"""``python -m helpers.site site|slides|handouts|export``: the course site, slides, handouts, exports.

python -m helpers.site site --run         # build/site/ (runs notebooks missing from build/course)
python -m helpers.site slides --only 03   # build/slides/{en,zh}/03-*.pdf
python -m helpers.site handouts           # build/handouts/{en,zh}/*.pdf
python -m helpers.site export build/course/solutions/03-rfm-migration-cohorts.ipynb
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers import COURSE_MAP
from helpers.course import run_all
from helpers.paths import NOTEBOOKS_DIR, PROJECT_DIR

from ._handouts import HANDOUTS, build_handouts
from ._offline import export_html
from ._site import EXECUTED_DIR, build_site
from ._slides import build_slides

BUILD = PROJECT_DIR / "build"


def _size(path: Path) -> str:
    """A file's or folder's size in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB"


def _run_missing(executed: Path, which: str, langs: tuple[str, ...]) -> None:
    """Execute (``helpers.course.run_all``) the notebooks not yet in ``executed``.

    Chinese ones only where the Chinese edition has the notebook (``notebooks/zh``).
    """
    for lang in langs:
        folder = executed / which if lang == "en" else executed / lang / which
        missing = [n for n, step in COURSE_MAP.items() if not (folder / step.notebook).is_file()
                   and (lang == "en" or (NOTEBOOKS_DIR / lang / step.notebook).is_file())]
        if missing:
            print(f"executing {len(missing)} notebook(s) into {folder}: {' '.join(missing)}")
            run_all(executed, which, only=missing, lang=lang)


def _report(kind: str, written: dict[str, Any], start: float, folder: Path) -> None:
    """Print what was built, how long it took and how big it is."""
    for name, built in written.items():
        path = getattr(built, "path", built)
        pages = f"{len(built.document.pages):4d} pages" if hasattr(built, "document") else ""
        print(f"{name:40s} {_size(path):>9s} {pages}")
    print(f"{len(written)} {kind} in {time.perf_counter() - start:.0f} s; {folder} {_size(folder)}")


def _parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m helpers.site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    site = sub.add_parser("site", help="build the static course site (Sphinx) into --out")
    site.add_argument("--out", type=Path, default=BUILD / "site")
    site.add_argument("--run", action="store_true",
                      help="first execute the notebooks missing from --executed (make course)")
    slides = sub.add_parser("slides", help="one 16:9 PDF deck per module")
    slides.add_argument("--out", type=Path, default=BUILD / "slides")
    slides.add_argument("--only", nargs="*", default=[], help="module numbers, e.g. 03 10")
    handouts = sub.add_parser("handouts", help="print-ready A4 PDFs")
    handouts.add_argument("--out", type=Path, default=BUILD / "handouts")
    handouts.add_argument("--only", nargs="*", default=[], choices=list(HANDOUTS))
    for command in (site, slides):
        command.add_argument("--executed", type=Path, default=EXECUTED_DIR,
                             help="executed notebooks (default build/course, from make course)")
    site.add_argument("--which", choices=["solutions", "trainee"], default="solutions",
                      help="show the executed solution or trainee copies")
    for command in (site, slides, handouts):
        command.add_argument("--lang", nargs="*", default=["en", "zh"], choices=["en", "zh"])
    export = sub.add_parser("export", help="an executed notebook as offline HTML")
    export.add_argument("notebook", type=Path)
    export.add_argument("--out", type=Path, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: the command line).

    Returns
    -------
    int
        0 when everything was built.
    """
    args = _parser().parse_args(argv)
    start = time.perf_counter()
    if args.command == "export":
        print(export_html(args.notebook, args.out))
        return 0
    langs = tuple(args.lang)
    if args.command == "site":
        if args.run:
            _run_missing(args.executed, args.which, langs)
        built = build_site(args.out, args.executed, langs, args.which)
        _report("site editions", built, start, args.out)
    elif args.command == "slides":
        written = build_slides(args.out, langs, tuple(args.only), args.executed)
        _report("slide decks", written, start, args.out)
    else:
        written = build_handouts(args.out, langs, tuple(args.only))
        _report("handouts", written, start, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
