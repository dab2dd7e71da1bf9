"""The Chinese catalog covers every code string a trainee sees; the editions' runtime pieces.

- every ``tr("literal", ...)`` in ``helpers/`` and in the solution notebooks' code cells has a
  Chinese entry with the same ``{fields}`` (one test id per file, found with ast);
- every exercise's fixed strings (hint, mistakes, ``shows``, options and their feedback) and the
  framework's own texts (type names, built-in mistakes) have entries (one test id per lesson);
- every catalog entry keeps its English's ``{fields}``;
- ``check()`` speaks Chinese in the Chinese edition and accepts Chinese answers;
- plots draw Chinese with the Noto Sans CJK font, no missing glyph.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from helpers import COURSE_MAP
from helpers.config import read_yaml
from helpers.data import run_checks
from helpers.data.setup_check import check_chinese
from helpers.exercises import BUILTIN, all_keys, check, choice, exercise, registered
from helpers.exercises._builtin import TYPE_NAMES
from helpers.exercises._core import _REGISTRY
from helpers.i18n import (
    CJK_FAMILY,
    catalog,
    cjk_font_path,
    font_face_css,
    setup_fonts,
    tr,
    using_language,
)
from helpers.i18n._drift import exercise_texts, fields, tr_literals, untranslated
from helpers.i18n._fonts import install_user_font
from helpers.paths import PACKAGE_DIR, PROJECT_DIR, SOLUTIONS_DIR

CATALOGS = sorted((PACKAGE_DIR / "i18n" / "zh").glob("*.yaml"))
#: The texts ``_builtin._what`` names a trainee's answer with.
WHAT = ["a table", "a column (Series)", "True/False", "text", "a list", "a dict", "a number",
        "a number with decimals"]


def _code_of(path: Path) -> str:
    if path.suffix == ".py":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]
    # IPython magics and shell lines are not Python
    return "\n".join(re.sub(r"^\s*[%!].*$", "", c, flags=re.M) for c in code)


def _sources() -> list[Path]:
    files = sorted(PACKAGE_DIR.rglob("*.py")) + sorted(SOLUTIONS_DIR.glob("[0-9][0-9]-*.ipynb"))
    return [p for p in files if "tr(" in p.read_text(encoding="utf-8")
            and any(True for _ in tr_literals(_code_of(p)))]


SOURCES = _sources()


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(PROJECT_DIR).as_posix()
                                               for p in SOURCES])
def test_every_tr_literal_has_a_chinese_entry(path):
    texts = {text: f"line {line}" for line, text in tr_literals(_code_of(path))}
    problems = untranslated(texts, catalog("zh"))
    assert not problems, (f"{path.relative_to(PROJECT_DIR)}: add to helpers/i18n/zh/<part>.yaml:\n"
                          + "\n".join(problems))


LESSON_KEYS: dict[str, list[str]] = {}
for _key in all_keys():  # the course's exercises, not the toys other test modules register
    if _key.split(".")[0] in COURSE_MAP:
        LESSON_KEYS.setdefault(_key.split(".")[0], []).append(_key)


@pytest.mark.parametrize("lesson", sorted(LESSON_KEYS))
def test_every_exercise_string_has_a_chinese_entry(lesson):
    texts: dict[str, str] = {}
    for key in LESSON_KEYS[lesson]:
        texts.update({t: w for t, w in exercise_texts(registered(key)).items() if t not in texts})
    problems = untranslated(texts, catalog("zh"))
    assert not problems, (f"add to helpers/i18n/zh/exercises-m{lesson}.yaml:\n"
                          + "\n".join(problems))


def test_the_framework_texts_have_chinese_entries():
    texts = {t: "type name" for t in TYPE_NAMES.values()}
    texts.update({t: "answer kind" for t in WHAT})
    texts.update({hint: f"built-in mistake {name!r}" for name, (_, _, hint) in BUILTIN.items()})
    problems = untranslated(texts, catalog("zh"))
    assert not problems, "add to helpers/i18n/zh/exercises-core.yaml:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGS, ids=[p.name for p in CATALOGS])
def test_catalog_entries_keep_their_fields(path):
    entries = read_yaml(path) or {}
    wrong = [f"{en!r}: {sorted(fields(en))} vs {zh!r}" for en, zh in entries.items()
             if fields(str(en)) != fields(str(zh))]
    assert not wrong, f"{path.name}: the Chinese must keep the same {{fields}}:\n" + "\n".join(wrong)


def test_a_missing_entry_is_reported_with_its_place():
    assert untranslated({"No such text {n}": "line 3"}, {"Other": "别的"}) == [
        "line 3: 'No such text {n}'"]
    assert "fields" in untranslated({"{n} days": "x"}, {"{n} days": "{m} 天"})[0]


# ------------------------------------------------------------------------------ check() in Chinese

_TOY_ZH = {"more than half": "超过一半", "about a fifth": "大约五分之一",
           "Right: the few bring most.": "对：少数客户带来大部分收入。",
           "✅ Exercise {key}: right.": "✅ 练习 {key}：答对了。",
           "❌ Exercise {key}: not yet.": "❌ 练习 {key}：还不对。",
           "Answer with one of: {options}.": "请从这些选项中选一个：{options}。",
           "That would be an even spread.": "那是平均分布。"}


@pytest.fixture
def toy_catalog(monkeypatch):
    """Two toy exercises (96.1 a choice, 96.2 a segment name) and a catalog with their Chinese.

    (``tests/test_exercises.py`` registers 99.x when it is imported, in the same worker.)
    """
    choice("96.1", options={"more than half": "Right: the few bring most.",
                            "about a fifth": "That would be an even spread."})(
        lambda: "more than half")
    exercise("96.2", hint="The best segment.", expect=str)(lambda: "champions")
    monkeypatch.setitem(_REGISTRY, "96.1", _REGISTRY.pop("96.1"))
    monkeypatch.setitem(_REGISTRY, "96.2", _REGISTRY.pop("96.2"))
    merged = {**catalog("zh"), **_TOY_ZH}

    def toy(lang: str = "zh") -> dict[str, str]:
        return merged if lang == "zh" else catalog(lang)  # English keeps its display catalog

    monkeypatch.setattr("helpers.exercises._check.catalog", toy)
    monkeypatch.setattr("helpers.i18n._core.catalog", toy)
    return merged


def test_check_speaks_chinese_and_accepts_chinese_options(toy_catalog):
    with using_language("zh"):
        right = check("96.1", "超过一半")
        wrong = check("96.1", "大约五分之一")
        unknown = check("96.1", "不知道")
    assert right.correct and right.message == "✅ 练习 96.1：答对了。 对：少数客户带来大部分收入。"
    assert not wrong.correct and wrong.message.startswith("❌ 练习 96.1：还不对。 那是平均分布。")
    assert unknown.layer == "option" and "'more than half'（超过一半）" in unknown.message


def test_chinese_answers_count_only_in_the_chinese_edition(toy_catalog):
    assert check("96.1", "超过一半").layer == "option"
    assert check("96.1", "more than half").correct
    with using_language("zh"):
        assert check("96.1", "more than half").correct


def test_a_chinese_segment_name_is_its_english_key_for_a_value_exercise(toy_catalog):
    toy_catalog["champions"] = "重要价值客户"
    with using_language("zh"):
        assert check("96.2", "重要价值客户").correct
        assert not check("96.2", "流失客户").correct
    assert not check("96.2", "重要价值客户").correct


def test_a_prediction_and_its_outcome_show_in_chinese(toy_catalog):
    exercise("96.3", hint="", kind="predict", shows="Few customers bring most revenue.",
             options={"more than half": "", "about a fifth": ""})(lambda: "more than half")
    toy_catalog.update({"You predicted {answer}; the run shows {outcome}.":
                        "你的预测是{answer}；运行结果是{outcome}。",
                        "Few customers bring most revenue.": "少数客户带来大部分收入。"})
    try:
        with using_language("zh"):
            said = check("96.3", "大约五分之一").message
    finally:
        _REGISTRY.pop("96.3")
    assert "你的预测是大约五分之一；运行结果是超过一半。" in said and said.endswith("少数客户带来大部分收入。")


def test_a_list_of_chinese_segment_names_is_mapped_item_by_item(toy_catalog):
    exercise("96.4", hint="", expect=list, ordered=False)(lambda: ["champions", "lost"])
    toy_catalog.update({"champions": "重要价值客户", "lost": "流失客户"})
    try:
        with using_language("zh"):
            assert check("96.4", ["流失客户", "重要价值客户"]).correct
            assert check("96.4", ["lost", "champions"]).correct
            assert not check("96.4", ["流失客户"]).correct
        assert not check("96.4", ["流失客户", "重要价值客户"]).correct
    finally:
        _REGISTRY.pop("96.4")


def test_unanswered_in_chinese_when_the_catalog_has_it():
    with using_language("zh"):
        said = check("03.1", None, summary=None).message
    zh = catalog("zh").get("⏳ Exercise {key}: not answered yet.")
    assert said == (zh or "⏳ Exercise {key}: not answered yet.").format(key="03.1")


# --------------------------------------------------------------------------------------- fonts

def test_the_cjk_font_is_installed_and_licensed():
    path = cjk_font_path()
    assert path is not None and path.name == "NotoSansCJK-Regular.ttc"
    assert path.stat().st_size > 10_000_000
    licence = next(path.parent.parent.glob("noto_cjk_sans_otc-*.dist-info/METADATA")).read_text()
    assert "OFL-1.1" in licence


def test_a_chinese_plot_uses_the_cjk_font_without_missing_glyphs():
    assert setup_fonts() and setup_fonts()  # idempotent
    families = list(mpl.rcParams["font.sans-serif"])
    assert families.count(CJK_FAMILY) == 1 and families.index(CJK_FAMILY) == families.index(
        "DejaVu Sans") + 1
    fig, ax = plt.subplots()
    title = ax.set_title("重要价值客户 champions · 催收")
    ax.set_xlabel("最近购买间隔（R）")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing" in str(w.message).lower()]
    assert not missing, missing
    used = font_manager.fontManager._find_fonts_by_props(title.get_fontproperties())
    assert [Path(p).name for p in used] == ["DejaVuSans.ttf", "NotoSansCJK-Regular.ttc"]
    assert title.get_fontfamily() == ["sans-serif", CJK_FAMILY]
    assert list(mpl.rcParams["font.family"]).count(CJK_FAMILY) == 1


def test_without_the_cjk_font_chinese_glyphs_are_missing():
    """The check above can fail: DejaVu Sans alone has no Chinese glyphs."""
    fig, ax = plt.subplots()
    ax.set_title("重要价值客户", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    assert any("missing" in str(w.message).lower() for w in caught)


def test_font_install_copies_the_file_once(tmp_path):
    target = install_user_font(tmp_path / "fonts")
    assert target.stat().st_size == cjk_font_path().stat().st_size
    mtime = target.stat().st_mtime_ns
    assert install_user_font(tmp_path / "fonts") == target and target.stat().st_mtime_ns == mtime


def test_font_face_css_points_at_the_file():
    assert font_face_css().startswith('@font-face { font-family: "Noto Sans CJK SC"; src: url("file:')
    assert tr("share of revenue") == "share of revenue"


def test_the_setup_check_covers_the_chinese_edition(monkeypatch):
    rows = {r["check"]: r for r in check_chinese()}
    assert set(rows) == {"Chinese font (plots)", "Chinese font (browser)", "JupyterLab in Chinese"}
    assert all(r["status"] == "ok" for r in rows.values()), rows
    assert set(rows) <= set(run_checks()["check"])
    monkeypatch.setattr("helpers.data.setup_check.fontconfig_knows_cjk", lambda: False)
    browser = {r["check"]: r for r in check_chinese()}["Chinese font (browser)"]
    assert browser["status"] == "problem" and "fonts --install" in browser["fix"]


def test_an_english_answer_may_be_written_as_the_english_edition_shows_it():
    # the segment key "cant lose" is shown "can't lose" (helpers/i18n/en/display.yaml)
    exercise("96.5", hint="The segment to win back first.", expect=str)(lambda: "cant lose")
    try:
        with using_language("en"):
            assert check("96.5", "can't lose").correct
            assert check("96.5", "cant lose").correct
            assert not check("96.5", "lost").correct
    finally:
        _REGISTRY.pop("96.5", None)
