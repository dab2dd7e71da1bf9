"""The course site: Sphinx + myst-nb + sphinx-book-theme over the lessons and executed notebooks.

Why Sphinx with myst-nb: it reads the lessons' Markdown and the executed notebooks as they are
(``nb_execution_mode = "off"``: the site never re-runs a notebook), draws stored widget state,
has a built-in offline search, and every file a page loads ships in the Python packages or in
``vendor/``. Jupyter Book 2 is the Node MyST engine, which downloads its theme at build time (no
offline build from a clean clone); MkDocs + mkdocs-jupyter renders notebooks through nbconvert
and has no widget support in its search/theme stack worth the second toolchain.

:func:`stage_sources` lays out ``build/site-src/<lang>/`` (``index.md`` with one table of contents
per module in :data:`helpers.COURSE_MAP` order, ``lessons/``, ``notebooks/``, the agenda, the
glossary); :func:`build_site` runs ``sphinx-build`` with ``site/conf.py`` into ``build/site/``
(English) and ``build/site/zh/`` (Chinese, where the Chinese lessons or notebooks exist) and
checks that no page loads anything from the network (:func:`helpers.site.remote_urls`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import COURSE_MAP
from helpers.paths import NOTEBOOKS_DIR, PROJECT_DIR

from ._offline import remote_urls

#: The Sphinx configuration folder (``conf.py``, ``_static``).
CONF_DIR = PROJECT_DIR / "site"
LESSONS_DIR = PROJECT_DIR / "lessons"
#: ``make course`` output: ``solutions/`` (English) and ``zh/solutions/`` (Chinese).
EXECUTED_DIR = PROJECT_DIR / "build" / "course"

_TITLES = {"en": ("Customer classification for sales teams", "Course", "Lesson", "Notebook",
                  "中文版", "zh/index.html"),
           "zh": ("销售团队的客户分类课程", "课程", "讲义", "练习本", "English edition",
                  "../index.html")}


def _complete(path: Path) -> bool:
    """Whether a lesson-folder file exists with no untranslated TODO entry left."""
    return path.is_file() and "<!-- TODO" not in path.read_text(encoding="utf-8")


def _lesson_title(path: Path) -> str:
    """The first heading of a Markdown file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def _notebook_source(name: str, lang: str, executed: Path, which: str) -> Path | None:
    """The executed notebook for the site, else the committed copy without outputs."""
    ran = executed / (which if lang == "en" else f"{lang}/{which}") / name
    if ran.is_file():
        return ran
    plain = NOTEBOOKS_DIR / name if lang == "en" else NOTEBOOKS_DIR / lang / name
    return plain if plain.is_file() else None


def _copy_notebook(source: Path, target: Path) -> None:
    """Copy a notebook, dropping papermill's per-cell metadata the site does not need."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("papermill", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def stage_sources(src: Path, lang: str = "en", executed: Path = EXECUTED_DIR,
                  which: str = "solutions") -> list[str]:
    """Lay out one edition's Sphinx sources in ``src``; return the pages it holds.

    Parameters
    ----------
    src : Path
        The folder to fill (emptied first).
    lang : {"en", "zh"}
        The edition: Chinese takes ``lessons/zh`` (complete lessons only) and the Chinese
        notebooks.
    executed : Path
        Where ``make course`` left the executed notebooks.
    which : {"solutions", "trainee"}
        Which executed copies to show.

    Returns
    -------
    list of str
        The document names (``lessons/03-rfm-migration-cohorts``, ...), in course order.
    """
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    lessons = LESSONS_DIR if lang == "en" else LESSONS_DIR / lang
    title, course, lesson_word, nb_word, other, other_url = _TITLES[lang]
    pages, tocs = [], []
    # the glossary is bilingual: the Chinese edition shows it too until lessons/zh has its own
    sources = {"AGENDA.md": lessons / "AGENDA.md", "GLOSSARY.md": next(
        (p for p in (lessons / "GLOSSARY.md", LESSONS_DIR / "GLOSSARY.md") if _complete(p)),
        lessons / "GLOSSARY.md")}
    extra = [name for name, path in sources.items() if _complete(path)]
    for name in extra:
        shutil.copyfile(sources[name], src / name)
        pages.append(Path(name).stem)
    tocs.append(_toctree(course, [Path(n).stem for n in extra]))
    for number, step in COURSE_MAP.items():
        entries = []
        if _complete(lessons / step.lesson_text):
            shutil.copyfile(lessons / step.lesson_text, _mkdir(src / "lessons") / step.lesson_text)
            entries.append(f"{lesson_word} <lessons/{step.lesson_text[:-3]}>")
        notebook = _notebook_source(step.notebook, lang, executed, which)
        if notebook is not None:
            _copy_notebook(notebook, src / "notebooks" / step.notebook)
            entries.append(f"{nb_word} <notebooks/{step.notebook[:-6]}>")
        if entries:
            caption = (_lesson_title(lessons / step.lesson_text)
                       if _complete(lessons / step.lesson_text) else number)
            tocs.append(_toctree(caption, entries))
            pages.extend(e.split("<")[1].rstrip(">") for e in entries)
    index = (f"# {title}\n\n<p class=\"course-edition\"><a href=\"{other_url}\">{other}</a></p>"
             "\n\n" + "\n".join(tocs))
    (src / "index.md").write_text(index, encoding="utf-8")
    return pages


def _mkdir(folder: Path) -> Path:
    """Create ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _toctree(caption: str, entries: list[str]) -> str:
    """A MyST ``toctree`` directive."""
    body = "\n".join(entries)
    return f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n{body}\n```\n"


def sphinx_build(src: Path, out: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """Run ``sphinx-build -b html`` on staged sources with ``site/conf.py``.

    Parameters
    ----------
    src : Path
        From :func:`stage_sources`.
    out : Path
        The HTML folder.
    lang : {"en", "zh"}
        Sets Sphinx's language (labels, search tokenizer).

    Returns
    -------
    subprocess.CompletedProcess
        The finished build (``returncode`` 0), its output captured.

    Raises
    ------
    RuntimeError
        If Sphinx fails; with the end of its output.
    """
    language = "zh_CN" if lang == "zh" else "en"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(CONF_DIR),
           "-D", f"language={language}", "-d", str(src.parent / f".doctrees-{lang}"),
           str(src), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"sphinx-build failed for {src}:\n{done.stderr[-3000:]}")
    return done


def offline_problems(folder: Path) -> list[str]:
    """Every page of a built site that loads something from the network, with the address.

    Parameters
    ----------
    folder : Path
        A built site.

    Returns
    -------
    list of str
        ``"page: url"`` lines (empty: the site works offline).
    """
    problems = []
    for page in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.css")):
        for url in remote_urls(page.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{page.relative_to(folder)}: {url}")
    return problems


def build_site(out: Path = PROJECT_DIR / "build" / "site", executed: Path = EXECUTED_DIR,
               langs: tuple[str, ...] = ("en", "zh"), which: str = "solutions") -> dict[str, Path]:
    """Build the course site: English in ``out``, Chinese in ``out / "zh"`` where it exists.

    Parameters
    ----------
    out : Path
        The site folder (``build/site``); open ``out/index.html``.
    executed : Path
        The executed notebooks (``make course``).
    langs : tuple of str
        The editions to build.
    which : {"solutions", "trainee"}
        Which executed copies to show.

    Returns
    -------
    dict
        Edition -> its ``index.html``.

    Raises
    ------
    RuntimeError
        If Sphinx fails or a built page would load something from the network.
    """
    built = {}
    for lang in langs:
        src = out.parent / "site-src" / lang
        pages = stage_sources(src, lang, executed, which)
        if lang != "en" and not pages:
            continue
        target = out if lang == "en" else out / lang
        sphinx_build(src, target, lang)
        built[lang] = target / "index.html"
    problems = offline_problems(out)
    if problems:
        raise RuntimeError("pages that load from the network:\n" + "\n".join(problems[:20]))
    return built
