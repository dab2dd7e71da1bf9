"""helpers.site._offline: notebook exports that draw their widgets with no network."""

from __future__ import annotations

import ast
import json

import nbformat
import pytest

from helpers.paths import PROJECT_DIR
from helpers.site import VENDOR_DIR, copy_vendor, export_html, remote_urls
from helpers.site.__main__ import main
from tests.conftest import package_functions

# A model the real renderer draws: an IntSlider, as ipywidgets 8 stores it after a run.
STATE = {
    "version_major": 2, "version_minor": 0,
    "state": {"aa11": {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
                       "model_module_version": "2.0.0",
                       "state": {"value": 30, "min": 7, "max": 180, "description": "R=5 if days ≤"}}},
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A small executed notebook holding stored widget state and a widget view output."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("explore_rfm(summary)")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": "aa11", "version_major": 2, "version_minor": 0},
            "text/plain": "IntSlider(value=30)"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# 03 · RFM 分析"), cell]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": STATE}
    path = tmp_path_factory.mktemp("course") / "03-rfm.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def page(executed):
    """The export of :func:`executed` and its text."""
    html = export_html(executed)
    return html, html.read_text(encoding="utf-8")


def test_export_loads_nothing_from_the_network(page):
    _, text = page
    assert remote_urls(text) == []
    assert "cdnjs" not in text and "unpkg.com" not in text and "mathjax" not in text.lower()


def test_export_holds_the_widget_state_and_the_vendored_loader(page):
    html, text = page
    state = text.split('<script type="application/vnd.jupyter.widget-state+json">')[1]
    assert json.loads(state.split("</script>")[0])["state"]["aa11"]["state"]["value"] == 30
    assert "application/vnd.jupyter.widget-view+json" in text
    assert 'src="_vendor/require.js"' in text and '"_vendor/embed-amd.js"' in text
    for name in ("require.js", "embed-amd.js", "LICENSE-html-manager.txt", "LICENSE-requirejs.txt"):
        assert (html.parent / "_vendor" / name).stat().st_size > 0, name


def test_vendored_renderer_is_the_amd_html_manager_with_licences():
    embed = (VENDOR_DIR / "embed-amd.js").read_text(encoding="utf-8")
    assert embed.startswith("/*!") and 'define("@jupyter-widgets/base"' in embed[:400]
    assert "RequireJS 2.3.7" in (VENDOR_DIR / "require.js").read_text(encoding="utf-8")[:300]
    assert "BSD-3-Clause" in (VENDOR_DIR / "LICENSE-html-manager.txt").read_text(encoding="utf-8")
    assert len(list(VENDOR_DIR.glob("*.woff2"))) == 3  # the icons' fonts the bundle refers to


def test_command_line_export_writes_where_asked(executed, tmp_path, capsys):
    assert main(["export", str(executed), "--out", str(tmp_path / "x" / "03.html")]) == 0
    assert capsys.readouterr().out.strip().endswith("03.html")
    assert (tmp_path / "x" / "_vendor" / "embed-amd.js").is_file()


def test_copy_vendor_keeps_files_already_there(tmp_path):
    target = copy_vendor(tmp_path)
    stamp = (target / "require.js").stat().st_mtime_ns
    copy_vendor(tmp_path)
    assert (target / "require.js").stat().st_mtime_ns == stamp


@pytest.mark.parametrize(("html", "expected"), [
    ('<script src="https://cdn.jsdelivr.net/npm/x.js"></script>', ["https://cdn.jsdelivr.net/npm/x.js"]),
    ("<link rel='stylesheet' href='//fonts.example/css'>", ["//fonts.example/css"]),
    ('<style>@import "http://a/b.css"; .x{background:url( https://a/c.png )}</style>',
     ["http://a/b.css", "https://a/c.png"]),
    ('<img src="data:image/png;base64,AAA"><script src="_static/a.js"></script>', []),
    ('<a href="https://example.org">a link is not a load</a>', []),
    ("<!-- <script src='https://old/x.js'></script> -->/* url(https://x/y) */", []),
])
def test_remote_urls_finds_loads_not_links(html, expected):
    assert remote_urls(html) == expected


#: Every ``explore_*`` widget function of the package, with its module.
EXPLORE = [(f"{path.relative_to(PROJECT_DIR)}:{node.name}", node)
           for path, node in package_functions("explore_")]


def test_the_package_has_its_explore_widgets():
    assert len(EXPLORE) >= 14


@pytest.mark.parametrize(("where", "node"), EXPLORE, ids=[w for w, _ in EXPLORE])
def test_explore_widget_draws_its_default_view_before_returning(where, node):
    # the first drawing happens while the cell runs, so the plot is in the stored widget state
    # and an exported page shows it with no kernel
    nested = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    calls = [n.value.func.id for n in node.body if isinstance(n, ast.Expr)
             and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)]
    assert nested & set(calls), f"{where}: call the redraw function once before returning"
