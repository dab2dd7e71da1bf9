"""JupyterLab: a trainee's notebook opens, runs all its cells without an error, a widget responds."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from helpers.paths import PROJECT_DIR
from tests.browser.conftest import record_figure, screenshot

pytestmark = [pytest.mark.browser]  # in no xdist group: see tests/browser/conftest.py

NOTEBOOK = PROJECT_DIR / "notebooks" / "00-welcome.ipynb"  # the first thing a trainee opens
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\w+(Error|Problem): ", re.MULTILINE)


def _code_cells(path) -> int:
    return sum(c["cell_type"] == "code" for c in json.loads(path.read_text())["cells"])


def test_lab_runs_a_notebook_without_errors_and_its_widget_responds(lab_server, page):
    shutil.copy(NOTEBOOK, lab_server.root / NOTEBOOK.name)
    page.goto(f"{lab_server.url}/lab/tree/{NOTEBOOK.name}?token={lab_server.token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)  # the kernel is up
    page.locator("[data-command='notebook:restart-run-all']").first.click()  # the toolbar's ⏩
    page.locator(".jp-Dialog-button.jp-mod-accept").click()  # "Restart"
    n = _code_cells(NOTEBOOK)
    try:
        page.wait_for_function(  # every code cell has run (a number in its prompt, no '*')
            """n => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                return prompts.length === n && prompts.every(p => /\\[\\d+\\]/.test(p.innerText));
            }""", arg=n, timeout=180_000)
    except Exception:
        screenshot(page, "lab-failure")
        raise AssertionError("Run All did not finish; prompts: " + repr(page.locator(
            ".jp-CodeCell .jp-InputPrompt").all_inner_texts())) from None
    screenshot(page, "lab-00-welcome-run-all")

    errors = [t for t in page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
        if TRACEBACK.search(t)]
    assert errors == [], f"error output after Run All: {errors[:2]}"
    assert "{'n_" not in page.inner_text(".jp-Notebook"), "keep(...) echoes no raw dict"

    box = page.locator(".widget-vbox:has(.widget-slider)").first
    box.scroll_into_view_if_needed()
    before = box.inner_text()
    box.locator(".noUi-handle").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")  # the slider's year, three steps back
    page.wait_for_function("([el, b]) => el.innerText !== b", arg=[box.element_handle(), before],
                           timeout=30_000)
    assert box.inner_text() != before, "moving the slider changes the widget's output"
    screenshot(page, "lab-00-welcome-widget-driven")
    record_figure("lab_code_cells_run", n)
