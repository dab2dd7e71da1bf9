"""helpers.site._handouts and _slides: the PDFs build, have pages, say what they should, no tofu.

WeasyPrint's own document is read back (no PDF text extractor is installed): the text of its
boxes and the fonts it embedded, each with the code points it had no glyph for.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from helpers.i18n import CJK_FAMILY, tr
from helpers.segments import load_segment_map
from helpers.site import (
    HANDOUTS,
    build_handouts,
    build_slides,
    document_fonts,
    document_text,
    lesson_sections,
    slides_html,
)
from helpers.site._slides import DENSE, DENSER, LESSONS_DIR, _slide, notebook_plots

LESSON = "03-rfm-migration-cohorts"
# a 1 x 1 PNG
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """Two handouts: the RFM grid in English, the 6W3H sheet in Chinese."""
    out = tmp_path_factory.mktemp("handouts")
    built = build_handouts(out, langs=("en",), only=("rfm-grid",))
    built |= build_handouts(out, langs=("zh",), only=("6w3h-sheet",))
    return built


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """An 'executed' lesson-03 notebook with one plot under a heading."""
    folder = tmp_path_factory.mktemp("course")
    nb = nbformat.v4.new_notebook()
    plot = nbformat.v4.new_code_cell("plot_segments(profile)")
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG})]
    nb.cells = [nbformat.v4.new_markdown_cell("## 2. Worked case: the 80/20 rule"), plot]
    (folder / "solutions").mkdir()
    nbformat.write(nb, folder / "solutions" / f"{LESSON}.ipynb")
    return folder


@pytest.fixture(scope="module")
def slides(tmp_path_factory, executed):
    """Lesson 03's English deck."""
    return build_slides(tmp_path_factory.mktemp("slides"), langs=("en",), only=("03",),
                        executed=executed)


def test_handouts_are_pdfs_in_their_language_folder(handouts):
    assert set(handouts) == {"en/rfm-grid", "zh/6w3h-sheet"}
    for key, (path, doc) in handouts.items():
        assert path.parent.name == key.split("/")[0]
        assert path.read_bytes()[:5] == b"%PDF-" and len(doc.pages) >= 1


def test_rfm_grid_shows_every_cell_of_the_segment_map(handouts):
    text = document_text(handouts["en/rfm-grid"].document)
    smap = load_segment_map()
    assert "RFM segment map" in text and "R = 5" in text and "F = 1" in text
    cells = sum((s.r[1] - s.r[0] + 1) * (s.f[1] - s.f[0] + 1) for s in smap.segments)
    assert cells == smap.scale ** 2
    for segment in smap.segments:
        assert tr(segment.name) in text and segment.action in text  # shown: "can't lose"


def test_chinese_handout_is_in_chinese_with_the_cjk_font_and_no_missing_glyph(handouts):
    doc = handouts["zh/6w3h-sheet"].document
    text = document_text(doc)
    assert "6W3H 提问表" in text and "付款由谁审批" in text
    fonts = document_fonts(doc)
    assert CJK_FAMILY in fonts
    assert all(not missing for missing in fonts.values()), fonts


def test_every_handout_has_a_builder_and_a_page_size():
    assert {"rfm-grid", "playbook-matrix", "6w3h-sheet", "role-play-cards", "observer-cards",
            "glossary", "agenda"} <= set(HANDOUTS)
    assert {page for page, _ in HANDOUTS.values()} <= {"a4", "a4-landscape"}


def test_slides_are_16_by_9_pages_with_the_lesson_and_the_plot(slides):
    path, doc = slides[f"en/{LESSON}"]
    assert path.read_bytes()[:5] == b"%PDF-"
    page = doc.pages[0]
    assert page.width / page.height == pytest.approx(16 / 9, rel=0.01)
    text = document_text(doc)
    lesson = (LESSONS_DIR / f"{LESSON}.md").read_text(encoding="utf-8")
    for heading in ("Objectives", "Worked case", "Discussion questions", "Key points",
                    "The 80/20/30 rule"):
        assert heading in text and heading in lesson
    assert "Instructor notes" not in text  # for the instructor, not the room
    assert "2. Worked case: the 80/20 rule" in text  # the plot's slide, titled from the notebook
    assert len(doc.pages) >= 10


def test_chinese_slides_take_their_roles_from_the_english_twin():
    english = "# 03 · T\nTeaching\n## Objectives\n- a\n## Concepts\n### Scores [analyst]\nR\n\nmore\n" \
              "## Instructor notes\nsecret\n"
    chinese = "# 03 · 标题\n授课\n## 学习目标\n- 甲\n## 概念\n### 打分 [analyst]\n最近\n\n更多\n" \
              "## 讲师备注\n秘密\n"
    body = slides_html(english, chinese)
    assert "学习目标" in body and "打分" in body and "最近" in body
    assert "更多" not in body and "秘密" not in body and "[analyst]" not in body
    assert [s.heading for s in lesson_sections(chinese)][:3] == ["03 · 标题", "学习目标", "概念"]


def test_notebook_plots_takes_pngs_with_their_heading(executed):
    plots = notebook_plots(executed / "solutions" / f"{LESSON}.ipynb")
    assert plots == [("2. Worked case: the 80/20 rule", PNG)]
    assert notebook_plots(executed / "absent.ipynb") == []
    json.dumps(plots)  # plain data


@pytest.mark.parametrize(("text", "size"), [
    ("a" * (DENSE - 10), ""), ("a" * (DENSE + 10), "dense"), ("a" * (DENSER + 10), "denser"),
    ("客" * (DENSE // 2 + 10), "dense"),  # a Chinese character takes about two widths
    ("<img src='data:image/png;base64,AAA'>" + "a" * 2000, ""),  # plots keep their size
])
def test_long_slides_get_a_smaller_type(text, size):
    html = _slide("T", f"<p>{text}</p>" if "<img" not in text else text)
    assert html.startswith(f"<section class='slide  {size}'>")
