"""Offline pages: an exported notebook shows its widget's state, and the course site opens, with
every network request blocked (only ``file://`` is let through)."""

from __future__ import annotations

import nbformat
import pytest

from helpers.course import execute_notebook, export_html
from tests.browser.conftest import screenshot
from tests.site.test_site import course, site  # noqa: F401  (fixtures: a small site, built offline)

pytestmark = [pytest.mark.browser]  # in no xdist group: see tests/browser/conftest.py



def _offline(page) -> list[str]:
    """Block every request that is not ``file://``; return the list the blocked ones go to."""
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("file://", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def test_an_exported_notebook_shows_its_widget_state_offline(tmp_path, page):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell("from helpers.data import explore_signups, "
                                          "load_course_data\ncustomers = load_course_data(None)"
                                          ".customers"),
                nbformat.v4.new_code_cell("explore_signups(customers)")]
    source = tmp_path / "widget.ipynb"
    nbformat.write(nb, source)
    html = export_html(execute_notebook(source, tmp_path / "run" / "widget.ipynb", cwd=tmp_path))
    blocked = _offline(page)
    page.goto(html.as_uri())
    page.wait_for_selector(".widget-slider", timeout=30_000)  # drawn from the stored state
    text = page.inner_text("body")
    assert "signed up" in text, "the widget's default view (its label) is in the saved state"
    screenshot(page, "export-widget-offline")
    assert blocked == [], f"the page asked the network for {blocked}"


def test_the_course_site_opens_offline(page, site):  # noqa: F811  (the fixture below)
    """A small site built by Sphinx here (one lesson, one executed notebook), opened offline.

    (``make site`` builds the whole course the same way; this test does not need it.)
    """
    index = site[0] / "index.html"
    blocked = _offline(page)
    page.goto(index.as_uri())
    page.wait_for_load_state("load")
    assert page.title(), "the site's front page has a title"
    links = [a for a in page.locator("a[href$='.html']").evaluate_all("as => as.map(a => a.href)")
             if a.startswith("file://")]
    assert links, "the front page links to the lessons"
    page.goto(links[min(3, len(links) - 1)])
    page.wait_for_load_state("load")
    screenshot(page, "site-offline")
    assert blocked == [], f"the site asked the network for {blocked[:5]}"
