"""Browser tests: what a trainee and a team lead see in JupyterLab, Voilà and the offline pages.

One headless Chromium for the whole session (Debian's ``chromium``, driven by the Python
``playwright`` package through ``executable_path``: ``playwright install`` is not needed), one
JupyterLab server and one Voilà server, each started on a free localhost port the first time a test
asks for it. Without playwright or a Chromium binary every test here is skipped, saying which is
missing (``.ci/run`` installs Debian's chromium). Screenshots are kept as test artefacts in
``build/screenshots/`` (a test's figures, such as the dashboard's first render, go beside them in
``browser-figures.json``). They are in no xdist group, so each worker that gets one starts its own
Chromium: grouped on one worker (after the notebook groups, beside their load), the Voilà test's
second visitor never connected its pre-heated kernel in 3 of 12 runs (CHANGELOG); spread over
the workers, as in every run before, it has not failed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from helpers.paths import PROJECT_DIR

SCREENSHOTS = PROJECT_DIR / "build" / "screenshots"
BIN = Path(sys.executable).parent
#: What ``make dashboard`` adds (a pre-heated kernel), so the test serves the page the same way.
DASHBOARD_VOILA = ["--preheat_kernel=True", "--pool_size=1"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]


def chromium_path() -> str | None:
    """The Chromium binary: ``COURSE_CHROMIUM``, else ``chromium`` on the PATH, else Debian's."""
    for candidate in (os.environ.get("COURSE_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    """A localhost port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def record_figure(name: str, value: Any) -> None:
    """Add one measured figure to ``build/screenshots/browser-figures.json``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "browser-figures.json"
    figures = json.loads(path.read_text()) if path.is_file() else {}
    figures[name] = value
    path.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")


class Server:
    """A Jupyter server process (JupyterLab or Voilà) on a localhost port, with its log."""

    def __init__(self, args: list[str], url: str, log: Path, env: dict[str, str] | None = None,
                 cwd: Path = PROJECT_DIR) -> None:
        self.url, self.log = url, log
        self.process = subprocess.Popen(args, cwd=cwd, stdout=log.open("wb"),
                                        stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                        start_new_session=True)

    def wait(self, path: str = "", seconds: float = 90) -> None:
        """Until the server answers ``path`` (it is killed and the test fails otherwise)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):
                    return
            except urllib.error.HTTPError:  # it answers (a 403 or 404 is an answer)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"{self.url} did not start; its log:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """End the server and its kernels (each kernel leads a session of its own)."""
        if self.process.poll() is not None:
            return
        children = psutil.Process(self.process.pid).children(recursive=True)
        os.killpg(self.process.pid, 15)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
        for child in children:  # a pre-heated kernel Voilà did not shut down
            if child.is_running():
                child.terminate()
        psutil.wait_procs(children, timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (skipped when there is none).

    Not per session: playwright's sync API keeps an asyncio loop running in the thread while it
    is open, and the tests that run after these on the same worker call ``asyncio.run``.
    """
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed "
        "(pip install -r requirements-test.txt)")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium binary: apt-get install chromium (or set COURSE_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context) of 1280 x 900 pixels."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Server]:
    """JupyterLab on a free port with a token, serving a scratch folder (nothing is saved back)."""
    root = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    args = [str(BIN / "jupyter-lab"), "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            f"--ServerApp.token={token}", "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
            "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.getuid() == 0:
        args.append("--allow-root")
    settings = root.parent / "lab-settings"  # every cell in the page; no news pop-up
    for plugin, values in (("notebook-extension/tracker", {"windowingMode": "none"}),
                           ("apputils-extension/notification", {"fetchNews": "false",
                                                                "checkForUpdates": False})):
        file = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values))
    server = Server(args, f"http://127.0.0.1:{port}", root.parent / "lab.log",
                    env={"JUPYTER_CONFIG_DIR": str(root.parent / "jupyter-config"),
                         "JUPYTERLAB_SETTINGS_DIR": str(settings),
                         "JUPYTERLAB_WORKSPACES_DIR": str(root.parent / "workspaces")})
    server.token, server.root = token, root  # type: ignore[attr-defined]
    server.wait(f"/api/status?token={token}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Server]:
    """Voilà on the team lead's dashboard, as ``make dashboard`` starts it."""
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    port = free_port()
    args = [str(BIN / "python"), "-m", "helpers._voila", "solutions/dashboard.ipynb",
            "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--show_tracebacks=True", *DASHBOARD_VOILA]
    server = Server(args, f"http://127.0.0.1:{port}", log, env={"COURSE_EDITION": "en"})
    server.wait("/voila/static/")  # the server is up; the page itself starts a kernel
    yield server
    server.stop()


def screenshot(page: Any, name: str) -> Path:
    """Save ``page`` as ``build/screenshots/<name>.png`` (full page) and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
