"""``python -m helpers.timings [--write]``: compare or re-time the recorded minutes."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers import COURSE_MAP
from helpers.exercises import all_keys, registered
from helpers.i18n import tr, using_language
from helpers.paths import LESSONS_DIR, SOLUTIONS_DIR
from helpers.timings import (
    TIMINGS_FILE,
    agenda_layout,
    agenda_markdown,
    dump_timings,
    module_totals,
    parts_table,
    read_timings,
    refresh_lesson,
    replace_block,
    retime_module,
    totals_markdown,
    walk_notebook,
)
from helpers.timings._zh import refresh_zh_lesson, section_headings, translated_parts

AGENDA_FILE = LESSONS_DIR / "AGENDA.md"
ZH_DIR = LESSONS_DIR / "zh"


def _agenda(text: str, parts: pd.DataFrame, totals: pd.DataFrame, titles: dict[str, str],
            stamp: str) -> str:
    """An agenda file's generated blocks (totals, one agenda per track) refreshed."""
    text = replace_block(text, "totals", totals_markdown(totals, titles))
    for track in ("sales", "analyst"):
        text = replace_block(text, f"agenda:{track}",
                             agenda_markdown(agenda_layout(parts, track), titles))
    return text.replace("{walked}", stamp)


def write_chinese(parts: pd.DataFrame, totals: pd.DataFrame, titles: dict[str, str],
                  stamp: str) -> list[str]:
    """Refresh the Chinese lessons' header lines and tables and the Chinese agenda, in Chinese.

    Returns
    -------
    list of str
        The files written (those present in ``lessons/zh``).
    """
    written = []
    with using_language("zh"):
        headings = {m: section_headings(SOLUTIONS_DIR / step.notebook,
                                        SOLUTIONS_DIR / "zh" / f"{Path(step.notebook).stem}.md")
                    for m, step in COURSE_MAP.items()}
        zh_parts = translated_parts(parts, headings)
        for m, step in COURSE_MAP.items():
            path = ZH_DIR / step.lesson_text
            if path.exists():
                path.write_text(refresh_zh_lesson(path.read_text(encoding="utf-8"), zh_parts,
                                                  totals, m), encoding="utf-8")
                written.append(path.name)
        agenda = ZH_DIR / AGENDA_FILE.name
        if agenda.exists():
            zh_titles = {m: tr(t) for m, t in titles.items()}
            agenda.write_text(_agenda(agenda.read_text(encoding="utf-8"), parts, totals,
                                      zh_titles, stamp), encoding="utf-8")
            written.append(agenda.name)
    return written


def _kinds() -> dict[str, str]:
    return {key: registered(key).kind for key in all_keys()}


def main(argv: list[str] | None = None) -> int:
    """Print recorded against walked minutes per module; with ``--write`` re-time everything.

    Parameters
    ----------
    argv : list of str, optional
        The command line (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0.
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.timings", description=(
        "Walk through every solutions/ notebook and compare with lessons/timings.yaml. With "
        "--write: re-time the file (tracks, added minutes and notes are kept by part name), "
        "then refresh each lesson's header lines and timing table and the agendas in "
        "lessons/AGENDA.md."))
    parser.add_argument("--write", action="store_true", help="re-time and refresh the files")
    parser.add_argument("--chinese", action="store_true",
                        help="only refresh the Chinese lessons and agenda (lessons/zh) from the "
                             "recorded timings, without re-timing")
    args = parser.parse_args(argv)
    timings = read_timings()
    if args.chinese:
        parts, totals = parts_table(timings), module_totals(parts_table(timings))
        titles = {m: t.title for m, t in timings.modules.items()}
        print("written: " + ", ".join(write_chinese(parts, totals, titles, timings.walked)))
        return 0
    kinds = _kinds()
    walks = {m: walk_notebook(SOLUTIONS_DIR / COURSE_MAP[m].notebook, timings.walk, kinds)
             for m in timings.modules}
    modules = {m: retime_module(t, walks[m]) for m, t in timings.modules.items()}
    new = timings.model_copy(update={"modules": modules})
    before, after = module_totals(parts_table(timings)), module_totals(parts_table(new))
    print(pd.DataFrame({"recorded": before["total"], "walk now": after["total"],
                        "sales now": after["sales"], "analyst now": after["analyst"]}))
    if not args.write:
        return 0
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    new = new.model_copy(update={"walked": stamp})
    TIMINGS_FILE.write_text(dump_timings(new), encoding="utf-8")
    new = read_timings()  # what was written is what is used
    parts, totals = parts_table(new), module_totals(parts_table(new))
    for m, step in COURSE_MAP.items():
        path = LESSONS_DIR / step.lesson_text
        path.write_text(refresh_lesson(path.read_text(encoding="utf-8"), parts, totals, m),
                        encoding="utf-8")
    titles = {m: t.title for m, t in new.modules.items()}
    AGENDA_FILE.write_text(_agenda(AGENDA_FILE.read_text(encoding="utf-8"), parts, totals,
                                   titles, stamp), encoding="utf-8")
    zh = write_chinese(parts, totals, titles, stamp)
    print(f"written: {TIMINGS_FILE}, the lessons' header lines and tables, {AGENDA_FILE}; "
          f"in Chinese: {', '.join(zh) or 'none yet'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
