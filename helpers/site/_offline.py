"""Offline HTML: notebook exports whose widgets draw from stored state with vendored JavaScript.

A notebook executed by :func:`helpers.course.execute_notebook` keeps its widget state in its
metadata (nbclient's ``store_widget_state``, on by default; an ``explore_*`` widget draws its
default view while the cell runs, so the plot is in the state too). :func:`export_html` writes it
with the ``offline`` template (``templates/offline``): JupyterLab's export, with require.js and
``@jupyter-widgets/html-manager`` loaded from a ``_vendor/`` folder copied beside the page, and
no MathJax or mermaid; Chinese text takes the system's CJK font (macOS and Windows ship one;
on Linux ``python -m helpers.i18n fonts --install``). :func:`remote_urls` lists what a page would fetch from the network (the
tests and the site build assert it is nothing).
"""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path
from typing import Any

#: The committed JavaScript (see ``vendor/README.md`` for where each file comes from).
VENDOR_DIR = Path(__file__).parent / "vendor"
#: nbconvert templates of this package (``offline``).
TEMPLATES_DIR = Path(__file__).parent / "templates"
#: The folder name the vendored files get beside an exported page.
VENDOR_NAME = "_vendor"
#: What a page needs of :data:`VENDOR_DIR` (licences included).
VENDOR_FILES = ("require.js", "embed-amd.js", "LICENSE-html-manager.txt", "LICENSE-requirejs.txt",
                "html-manager.THIRD-PARTY.txt", "README.md")

_FETCHING = re.compile(
    r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*["']([^"']+)["']"""
    r"""|url\(\s*["']?([^"')\s]+)|@import\s+["']([^"']+)["']""",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"/\*.*?\*/|<!--.*?-->", re.DOTALL)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
#: One exporter per thread (``run_all`` exports two notebooks at a time): building one and
#: compiling its templates took about a fifth of an export. Not shared between threads: each
#: export registers its notebook's own filters on the exporter.
_EXPORTERS = threading.local()


def copy_vendor(folder: Path) -> Path:
    """Copy the vendored renderer into ``folder / "_vendor"`` (files already there are kept).

    Parameters
    ----------
    folder : Path
        The folder of the pages that will load it.

    Returns
    -------
    Path
        The ``_vendor`` folder.
    """
    target = Path(folder) / VENDOR_NAME
    target.mkdir(parents=True, exist_ok=True)
    names = [*VENDOR_FILES, *(p.name for p in VENDOR_DIR.glob("*.woff2"))]
    for name in names:
        source, copy = VENDOR_DIR / name, target / name
        if not copy.exists() or copy.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, copy)
    return target


def remote_urls(html: str) -> list[str]:
    """The remote addresses a page would load: scripts, style sheets, fonts, images, frames.

    Links a reader may follow (``<a href>``) are not loads; comments are skipped.

    Parameters
    ----------
    html : str
        The page (or a style sheet).

    Returns
    -------
    list of str
        Each remote ``src``/``href``/``url()``/``@import`` address, in page order.

    Examples
    --------
    >>> remote_urls('<script src="https://cdn.example/x.js"></script><a href="https://ok">')
    ['https://cdn.example/x.js']
    >>> remote_urls('<link href="_static/a.css"><style>a{background:url(//x/y.png)}</style>')
    ['//x/y.png']
    """
    found = []
    for match in _FETCHING.finditer(_COMMENT.sub("", html)):
        url = next(group for group in match.groups() if group is not None)
        if _REMOTE.match(url):
            found.append(url)
    return found


def export_html(notebook: Path, out: Path | None = None) -> Path:
    """Export an executed notebook to HTML that shows its widgets with no network.

    Parameters
    ----------
    notebook : Path
        An executed notebook (its widget state stored in the metadata).
    out : Path, optional
        The HTML file (default: beside the notebook, same name, ``.html``). The vendored
        renderer is copied into ``_vendor/`` beside it.

    Returns
    -------
    Path
        The HTML file.
    """
    html = Path(out) if out is not None else Path(notebook).with_suffix(".html")
    html.parent.mkdir(parents=True, exist_ok=True)
    copy_vendor(html.parent)
    resources = {"widget_vendor_url": f"{VENDOR_NAME}/"}
    body, _ = _exporter().from_filename(str(notebook), resources=resources)
    html.write_text(body, encoding="utf-8")
    return html


def _exporter() -> Any:
    """The calling thread's HTML exporter with the ``offline`` template (made once, then kept)."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        # deferred: nbconvert takes about a second to import; only exports need it
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="offline",
                                extra_template_basedirs=[str(TEMPLATES_DIR)])
        exporter.require_js_url = f"{VENDOR_NAME}/require.js"
        exporter.widget_renderer_url = f"{VENDOR_NAME}/embed-amd.js"
        _EXPORTERS.exporter = exporter
    return exporter
