"""helpers.site._site: the Sphinx course site, built small (one lesson, one notebook) and offline."""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers import COURSE_MAP
from helpers.site import VENDOR_DIR, _site, build_site, offline_problems, stage_sources
from tests.site.test_offline import STATE

STEP = COURSE_MAP["03"]
LESSON = (_site.LESSONS_DIR / STEP.lesson_text).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Lessons (English, Chinese, an unfinished Chinese one), an agenda and one executed notebook."""
    root = tmp_path_factory.mktemp("course")
    lessons, executed, plain = root / "lessons", root / "build" / "course", root / "notebooks"
    (lessons / "zh").mkdir(parents=True)
    (lessons / STEP.lesson_text).write_text(LESSON, encoding="utf-8")
    (lessons / COURSE_MAP["00"].lesson_text).write_text("# 00 · Welcome\n\nHello.\n", "utf-8")
    (lessons / "AGENDA.md").write_text("# Workshop agenda\n\n| day | lesson |\n| - | - |\n"
                                       "| 1 | 03 |\n", encoding="utf-8")
    (lessons / "zh" / STEP.lesson_text).write_text("# 03 · RFM 分析\n\n常购客户与偶购客户。\n", "utf-8")
    (lessons / "zh" / COURSE_MAP["00"].lesson_text).write_text(
        "# 00 · 欢迎\n<!-- TODO: translate\nHello.\n-->\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("explore_rfm(summary)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "aa11", "version_major": 2,
                                                     "version_minor": 0},
        "text/plain": "IntSlider(value=30)"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# 03 · RFM notebook"), cell]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": STATE}
    nb.metadata["language_info"] = {"name": "python"}
    (executed / "solutions").mkdir(parents=True)
    nbformat.write(nb, executed / "solutions" / STEP.notebook)
    plain.mkdir()
    return root, lessons, executed, plain


@pytest.fixture(scope="module")
def site(course, tmp_path_factory):
    """The English site built from :func:`course` (one Sphinx run: the Chinese one is the same
    build with ``language=zh_CN``; its sources are tested by staging them)."""
    root, lessons, executed, plain = course
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_site, "LESSONS_DIR", lessons)
        mp.setattr(_site, "NOTEBOOKS_DIR", plain)
        out = root / "build" / "site"
        built = build_site(out, executed, langs=("en",))
    return out, built


def test_stage_sources_follows_the_course_map_and_skips_unfinished_chinese(course, monkeypatch,
                                                                           tmp_path):
    _, lessons, executed, plain = course
    monkeypatch.setattr(_site, "LESSONS_DIR", lessons)
    monkeypatch.setattr(_site, "NOTEBOOKS_DIR", plain)
    assert stage_sources(tmp_path / "en", "en", executed) == [
        "AGENDA", "lessons/00-welcome", f"lessons/{STEP.lesson_text[:-3]}",
        f"notebooks/{STEP.notebook[:-6]}"]
    index = (tmp_path / "en" / "index.md").read_text(encoding="utf-8")
    assert index.index(":caption: 00 · Welcome") < index.index(":caption: 03 · RFM")
    # the unfinished Chinese 00 is left out; no Chinese notebook executed, none committed
    assert stage_sources(tmp_path / "zh", "zh", executed) == [f"lessons/{STEP.lesson_text[:-3]}"]


def test_site_has_search_a_link_to_the_chinese_edition_and_no_remote_load(site):
    out, built = site
    assert set(built) == {"en"}
    assert (out / "search.html").is_file() and (out / "searchindex.js").is_file()
    assert "RFM" in (out / "searchindex.js").read_text(encoding="utf-8")
    assert offline_problems(out) == []
    assert 'href="zh/index.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_offline_problems_names_the_page_and_the_address(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.html").write_text('<script src="https://cdn.x/m.js"></script>', "utf-8")
    (tmp_path / "s.css").write_text("@import 'https://fonts.x/css';", encoding="utf-8")
    assert offline_problems(tmp_path) == ["a/p.html: https://cdn.x/m.js", "s.css: https://fonts.x/css"]


def test_site_pages_link_relatively_so_file_urls_work(site):
    out, _ = site
    for page in [out / "index.html", out / "lessons" / STEP.lesson_text.replace(".md", ".html")]:
        text = page.read_text(encoding="utf-8")
        assert not re.findall(r'(?:src|href)="/[^/]', text), page
        assert "Objectives" in text or "RFM" in text


def test_notebook_page_draws_stored_widgets_with_the_vendored_renderer(site):
    out, _ = site
    text = (out / "notebooks" / STEP.notebook.replace(".ipynb", ".html")).read_text("utf-8")
    assert "application/vnd.jupyter.widget-state+json" in text and '"aa11"' in text
    assert re.search(r'<script src="\.\./_static/require\.js[^"]*"', text)
    assert re.search(r'src="\.\./_static/embed-amd\.js[^"]*"', text)
    assert (out / "_static" / "embed-amd.js").stat().st_size > 1_000_000


def test_sphinx_conf_names_the_vendored_folder():
    conf = {"__file__": str(_site.CONF_DIR / "conf.py")}
    exec((_site.CONF_DIR / "conf.py").read_text(encoding="utf-8"), conf)
    assert conf["VENDOR_DIR"] == VENDOR_DIR.resolve()
    assert str(conf["VENDOR_DIR"]) in conf["html_static_path"]
    assert conf["nb_execution_mode"] == "off" and "dollarmath" not in conf["myst_enable_extensions"]
