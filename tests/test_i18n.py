"""The Chinese edition cannot drift from the English one (issue 12).

One test id per notebook and per lesson, so an incomplete translation shows as a clear failing
test (``test_notebook_text_complete[05-value-profitability]``), never as a silent English cell:

- every markdown cell of a solution notebook has a Chinese entry, none TODO, none stale (the
  English changed after it was translated), none orphaned (its cell is gone);
- each entry keeps the cell's solution markers, exercise numbers and the code spans that name
  variables and answers; it has no run of English words left over;
- the generated Chinese trainee notebooks (``notebooks/zh``) are up to date, and exist exactly
  for the notebooks whose Chinese is complete;
- each Chinese lesson pairs section by section with its English lesson (stamps current).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.course import (
    _dump,
    _zh_sources,
    course_notebooks,
    make_trainee,
    out_of_step,
    trainee_copy,
    workshop,
)
from helpers.i18n import EDITION_DIR, catalog, edition_problems, using_language, zh_solution
from helpers.i18n import __main__ as cli
from helpers.i18n._drift import (
    english_runs,
    exercise_numbers,
    missing_spans,
    solution_markers,
)
from helpers.i18n._edition import sidecar_path, zh_notebook
from helpers.i18n._glossary import (
    GLOSSARY_FILE,
    clashes,
    collect,
    glossary_markdown,
    lesson_terms,
    translations,
)
from helpers.i18n._sidecar import (
    Entry,
    lesson_sections,
    lesson_status,
    markdown_cells,
    read_notebook_sidecar,
    source_hash,
)
from helpers.paths import LESSONS_DIR, NOTEBOOKS_DIR
from helpers.timings import module_totals, parts_table, read_timings
from helpers.timings.__main__ import ZH_DIR, _agenda, write_chinese
from helpers.timings._render import WORDS
from helpers.timings._zh import refresh_zh_lesson, translated_parts

NOTEBOOKS = course_notebooks()
LESSONS = sorted(p for p in LESSONS_DIR.glob("*.md") if p != GLOSSARY_FILE)
NB_IDS = [p.stem for p in NOTEBOOKS]


def _pairs(notebook: Path) -> list[tuple[str, str, Entry]]:
    """``(cell id, English, Chinese entry)`` of the translated cells of a notebook."""
    entries = read_notebook_sidecar(sidecar_path(notebook))
    return [(cid, en, entries[cid]) for cid, en in markdown_cells(notebook)
            if cid in entries and not entries[cid].todo]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NB_IDS)
def test_notebook_text_complete(notebook):
    problems = edition_problems(notebook)
    side = sidecar_path(notebook)
    if side.exists():
        entries = read_notebook_sidecar(side)
        ids = {cid for cid, _ in markdown_cells(notebook)}
        orphans = [k for k in entries if k not in ids]
        if orphans:
            problems["orphaned"] = orphans
    assert not problems, (f"{side}: {problems}; run `python -m helpers.i18n skeleton "
                          f"{notebook.stem[:2]}` and translate the TODO entries")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NB_IDS)
def test_notebook_text_keeps_markers_numbers_and_names(notebook):
    problems = []
    for cid, en, entry in _pairs(notebook):
        if solution_markers(en) != solution_markers(entry.text):
            problems.append(f"cell {cid}: solution markers {solution_markers(en)} in English, "
                            f"{solution_markers(entry.text)} in Chinese")
        if exercise_numbers(en) != exercise_numbers(entry.text):
            problems.append(f"cell {cid}: exercises {exercise_numbers(en)} in English, "
                            f"{exercise_numbers(entry.text)} in Chinese (write 练习 NN.k)")
        if missing := missing_spans(en, entry.text):
            problems.append(f"cell {cid}: code spans {missing} missing in Chinese")
    assert not problems, f"{sidecar_path(notebook)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NB_IDS)
def test_notebook_text_has_no_english_left_over(notebook):
    left = [f"cell {cid}: {run[:90]}" for cid, _, entry in _pairs(notebook)
            for run in english_runs(entry.text)]
    assert not left, f"{sidecar_path(notebook)}: English left over:\n" + "\n".join(left)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NB_IDS)
def test_chinese_trainee_notebook_up_to_date(notebook):
    target = NOTEBOOKS_DIR / EDITION_DIR / notebook.name
    nb = zh_solution(notebook)
    if nb is None:
        assert not target.exists(), (f"{target} exists but the Chinese of {notebook.name} is "
                                     f"incomplete; run `python -m helpers.course make-trainee`")
        return
    assert target.exists(), f"{target} missing; run `python -m helpers.course make-trainee`"
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        _dump(trainee_copy(nb))), f"{target} is out of step; run `make trainee-notebooks`"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_sections_pair(lesson):
    chinese = LESSONS_DIR / "zh" / lesson.name
    assert chinese.exists(), (f"{chinese} missing; run `python -m helpers.i18n skeleton "
                              f"{lesson.stem}`")
    status = {k: v for k, v in lesson_status(lesson, chinese).items() if v}
    assert not status, f"{chinese}: {status}"


def _exercise_block(text: str) -> list[str]:
    block = re.search(r"<!-- exercises -->\n(.*?)<!-- /exercises -->", text, re.S)
    return re.findall(r"\*\*(\d\d\.\d+)\*\*", block[1]) if block else []


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_exercise_lists_match(lesson):
    """The exercises block is left out of the stamps, so its list is compared here."""
    chinese = LESSONS_DIR / "zh" / lesson.name
    if not chinese.exists():
        pytest.fail(f"{chinese} missing")
    en, zh = (_exercise_block(p.read_text(encoding="utf-8")) for p in (lesson, chinese))
    assert zh == en, f"{chinese}: exercises {zh} listed, the English lesson lists {en}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_no_english_left_over(lesson):
    chinese = LESSONS_DIR / "zh" / lesson.name
    if not chinese.exists():
        pytest.fail(f"{chinese} missing")
    left = [f"{head}: {run[:90]}" for head, body in lesson_sections(
        chinese.read_text(encoding="utf-8")) if "TODO" not in body
        for run in english_runs(body)]
    assert not left, f"{chinese}: English left over:\n" + "\n".join(left)


def test_glossary_is_up_to_date():
    assert GLOSSARY_FILE.exists() and GLOSSARY_FILE.read_text(encoding="utf-8") == \
        glossary_markdown(collect()), "run `python -m helpers.i18n glossary`"


def test_no_chinese_term_stands_for_two_english_terms():
    found = clashes(collect())
    assert not found, "one Chinese term, two meanings (fix the lessons' key-term tables):\n" + \
        "\n".join(f"{zh}: {', '.join(ens)}" for zh, ens in found.items())


def test_each_english_term_has_one_chinese_term():
    found = translations(collect())
    assert not found, "one English term, several Chinese terms across the lessons:\n" + \
        "\n".join(f"{en}: {', '.join(zh)}" for en, zh in found.items())


def _timings() -> tuple:
    timings = read_timings()
    parts = parts_table(timings)
    return timings, parts, module_totals(parts)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_chinese_timings_are_current(lesson, tmp_path, monkeypatch):
    """The generated lines and blocks of lessons/zh are what the timings say, in Chinese."""
    chinese = ZH_DIR / lesson.name
    if not chinese.exists():
        pytest.fail(f"{chinese} missing")
    timings, parts, totals = _timings()
    monkeypatch.setattr("helpers.timings.__main__.ZH_DIR", tmp_path)
    (tmp_path / lesson.name).write_text(chinese.read_text(encoding="utf-8"), encoding="utf-8")
    write_chinese(parts, totals, {m: t.title for m, t in timings.modules.items()},
                  timings.walked)
    assert (tmp_path / lesson.name).read_text(encoding="utf-8") == chinese.read_text(
        encoding="utf-8"), "run `python -m helpers.timings --chinese`"


def test_the_timing_words_have_chinese_entries():
    assert [w for w in WORDS if w not in catalog("zh")] == []


# ------------------------------------------------------------------ the machinery on toy input


def test_chinese_lesson_lines_and_table_replace_the_english_ones():
    timings, parts, totals = _timings()
    text = ("# 00 · 欢迎\n<!-- en: 1 -->\nTeaching: 1 min\nTracks: x\n\n## 讲师备注\n"
            "<!-- timings -->\nold\n<!-- /timings -->\n")
    with using_language("zh"):
        new = refresh_zh_lesson(text, translated_parts(parts, {}), totals, "00")
        agenda = _agenda("<!-- totals -->\n<!-- /totals -->\n<!-- agenda:sales -->\n<!-- "
                         "/agenda:sales -->\n<!-- agenda:analyst -->\n<!-- /agenda:analyst -->",
                         parts, totals, {m: f"第 {m} 课" for m in timings.modules}, "now")
    lines = new.splitlines()
    assert lines[2].startswith("授课：") and lines[2].endswith("分钟")
    assert lines[3].startswith("路线：销售路线 ✔")
    assert "| 部分 | 类型 | 分钟 | 路线 |" in new and "| 导言 | 讲授 |" in new and "old" not in new
    assert "### 第 1 天" in agenda and "| 模块 | 课程 |" in agenda
    todo = "# 00\n<!-- en: 1 -->\n<!-- TODO: translate\nTeaching: 1 min\n-->\n"
    with using_language("zh"):
        assert refresh_zh_lesson(todo, parts, totals, "00") == todo


def test_glossary_pairs_chinese_rows_and_finds_a_clash(tmp_path):
    table = "| term | 中文 | meaning |\n| --- | --- | --- |\n"
    (tmp_path / "zh").mkdir()
    (tmp_path / "07-a.md").write_text(f"# 07\n## Key terms\n{table}| hesitant | 观望型 | unsure |\n",
                                      encoding="utf-8")
    (tmp_path / "08-b.md").write_text(f"# 08\n## Key terms\n{table}| wait-and-see | 观望 | later |"
                                      f"\n| cohort | 同期群 | same month |\n", encoding="utf-8")
    (tmp_path / "zh" / "08-b.md").write_text(
        "# 08\n<!-- en: 0 -->\n## 关键术语\n<!-- en: 0 -->\n| 术语 | 中文 | 含义 |\n| --- | --- | --- |\n"
        "| wait-and-see | 观望型 | 以后再说 |\n| cohort | 同期群 | 同月首购 |\n", encoding="utf-8")
    terms = collect(tmp_path)
    assert [(t.en, t.zh, t.meaning_zh, t.lessons) for t in terms] == [
        ("cohort", "同期群", "同月首购", ["08"]), ("hesitant", "观望型", "", ["07"]),
        ("wait-and-see", "观望型", "以后再说", ["08"])]
    assert list(clashes(terms)) == ["观望型"]
    assert lesson_terms(tmp_path / "07-a.md")[0].zh == "观望型"


def _toy(tmp_path: Path, zh: str | None) -> Path:
    nb = {"cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "**Exercise 01.2.** Why?"},
        {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "outputs": [],
         "execution_count": None, "source": 'data_dir = None\nlang = "en"  # edition'}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "01-toy.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    if zh is not None:
        (tmp_path / "zh").mkdir()
        (tmp_path / "zh" / "01-toy.md").write_text(zh, encoding="utf-8")
    return path


def test_chinese_edition_replaces_markdown_and_sets_lang(tmp_path):
    path = _toy(tmp_path, f"<!-- cell: m1 | en: {source_hash('**Exercise 01.2.** Why?')} -->\n"
                          "**练习 01.2.** 为什么？\n")
    nb = zh_solution(path, tmp_path / "zh")
    assert nb is not None
    assert nb["cells"][0]["source"] == "**练习 01.2.** 为什么？"
    assert 'lang = "zh"' in nb["cells"][1]["source"] and "data_dir = None" in nb["cells"][1]["source"]
    assert nb["metadata"]["course"]["lang"] == "zh"


@pytest.mark.parametrize("zh, why", [
    (None, "no file"),
    ("<!-- cell: m1 | en: 00000000 -->\n**练习 01.2.** 为什么？\n", "stale"),
    ("<!-- cell: m1 | en: 00000000 -->\n<!-- TODO: translate\nWhy?\n-->\n", "todo"),
    ("<!-- cell: other | en: 00000000 -->\n别的\n", "missing"),
])
def test_incomplete_chinese_gives_no_edition(tmp_path, zh, why):
    path = _toy(tmp_path, zh)
    assert why in edition_problems(path, tmp_path / "zh")
    assert zh_solution(path, tmp_path / "zh") is None


def test_make_trainee_writes_zh_only_when_complete_and_removes_stale(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    good = f"<!-- cell: m1 | en: {source_hash('**Exercise 01.2.** Why?')} -->\n**练习 01.2.** 为什么？\n"
    _toy(solutions, good)
    out = tmp_path / "notebooks"
    written = make_trainee(solutions, out)
    assert out / "zh" / "01-toy.ipynb" in written and out_of_step(solutions, out) == []
    zh_cells = json.loads((out / "zh" / "01-toy.ipynb").read_text(encoding="utf-8"))["cells"]
    assert zh_cells[0]["source"] == "**练习 01.2.** 为什么？"
    (solutions / "zh" / "01-toy.md").write_text(good.replace("为什么", "<!-- TODO: translate"),
                                                encoding="utf-8")
    assert out_of_step(solutions, out) == ["zh/01-toy.ipynb (its Chinese is incomplete)"]
    make_trainee(solutions, out)
    assert not (out / "zh" / "01-toy.ipynb").exists() and (out / "01-toy.ipynb").exists()
    assert out_of_step(solutions, out) == []


def test_zh_notebook_needs_every_entry():
    nb = {"cells": [{"cell_type": "markdown", "id": "x", "metadata": {}, "source": "Hi"}]}
    with pytest.raises(KeyError):
        zh_notebook(nb, {})


def test_workshop_and_run_all_hand_out_the_chinese_edition(tmp_path):
    complete = [p for p in NOTEBOOKS if zh_solution(p) is not None]
    (folder,) = workshop(tmp_path / "ws", ["wang"], base_seed=501, lang="zh")
    for src in NOTEBOOKS:
        nb = json.loads((folder / "notebooks" / src.name).read_text(encoding="utf-8"))
        params = next("".join(c["source"]) for c in nb["cells"]
                      if "parameters" in c["metadata"].get("tags", []))
        assert "data_dir = '../data'" in params
        assert (nb["metadata"]["course"].get("lang") == "zh") == (src in complete), src.name
        assert ('lang = "zh"' in params) == (src in complete)
    sources = _zh_sources("solutions", tmp_path / "run")
    assert sorted(p.name for p in sources.glob("*.ipynb")) == [p.name for p in complete]
    assert _zh_sources("trainee", tmp_path / "run") == NOTEBOOKS_DIR / EDITION_DIR


def test_the_command_line_reports_fonts_and_writes_the_glossary(tmp_path, monkeypatch, capsys):
    assert cli.main(["fonts"]) == 0
    assert "Noto Sans CJK SC" in capsys.readouterr().out
    monkeypatch.setattr(cli, "GLOSSARY_FILE", tmp_path / "GLOSSARY.md")
    assert cli.main(["glossary"]) == 0
    assert (tmp_path / "GLOSSARY.md").read_text(encoding="utf-8") == glossary_markdown(collect())
