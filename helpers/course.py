"""Running, exporting and preparing the course: the instructor's commands.

``python -m helpers.course run NB OUT -p NAME VALUE``  execute one notebook (papermill's -p/-r/-f)
``python -m helpers.course run-all``        execute every notebook with papermill, export HTML
``python -m helpers.course make-trainee``   write trainee copies (solutions stripped) to notebooks/
``python -m helpers.course check-trainee``  fail if notebooks/ is out of step with solutions/
``python -m helpers.course workshop A B``   per-trainee folders: own dataset + trainee notebooks
``python -m helpers.course answers --seed N``  the expected answers for a trainee's data

Solutions live in ``solutions/``: the full notebooks an instructor teaches from. In them, the
code that answers an exercise sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(nbgrader's markers); markdown answers sit between ``<!-- BEGIN SOLUTION -->`` and
``<!-- END SOLUTION -->``. The trainee copy in ``notebooks/`` replaces each such block: every
top-level assignment ``name = ...`` in it becomes ``name = None  # YOUR CODE HERE`` so the
notebook still runs top to bottom and ``check(...)`` reports "not answered yet".
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from helpers._kernels import CellTimeout, _ipc_kernel_manager, _stopped_message
from helpers.exercises import STORE_NAME, add_workshop_parsers, answers_for, trainee_package
from helpers.i18n import EDITION_DIR, edition_problems, zh_solution
from helpers.papermill_engine import recheck_after_send
from helpers.paths import NOTEBOOKS_DIR, PROJECT_DIR, SOLUTIONS_DIR
from helpers.simulate import write_datasets
from helpers.site import export_html as offline_html

CODE_BLOCK = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*\n?",
                        re.S | re.M)
MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.S)
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)", re.M)
TRAINEE_MD = {"en": "*(Write your answer here.)*\n", "zh": "*（在这里写下你的回答。）*\n"}
#: A workshop notebook's data folder, relative to the notebook (``<trainee>/notebooks/``).
WORKSHOP_DATA_DIR = "../data"


def course_notebooks(folder: Path = SOLUTIONS_DIR) -> list[Path]:
    """The course's notebooks in teaching order (``NN-name.ipynb``).

    Parameters
    ----------
    folder : Path
        ``solutions/`` (default) or ``notebooks/``.

    Returns
    -------
    list of Path
        The notebooks whose names start with a two-digit lesson number, sorted.
    """
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def _strip_code(source: str) -> str:
    r"""Replace every solution block by ``name = None  # YOUR CODE HERE`` lines.

    >>> print(_strip_code("x = 1\n    ### BEGIN SOLUTION\n    answer = 42\n    ### END SOLUTION\n"), end="")
    x = 1
        answer = None  # YOUR CODE HERE
    """
    def replace(match: re.Match[str]) -> str:
        indent = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip(" \t"))]
        names = list(dict.fromkeys(ASSIGNMENT.findall(textwrap.dedent(match.group(1)))))
        if not names:
            return f"{indent}# YOUR CODE HERE\n"
        return "".join(f"{indent}{n} = None  # YOUR CODE HERE\n" for n in names)

    return CODE_BLOCK.sub(replace, source)


def trainee_copy(notebook: dict[str, Any]) -> dict[str, Any]:
    r"""Return the trainee version of a solution notebook (a new dict; outputs cleared).

    Parameters
    ----------
    notebook : dict
        A solution notebook, as read from its JSON file.

    Returns
    -------
    dict
        The copy: solution blocks replaced (code: ``name = None  # YOUR CODE HERE``; markdown:
        a placeholder), outputs and execution counts cleared, marked ``course.copy = trainee``
        (an edition's ``course.lang`` kept).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {},
    ...                  "source": "Why? <!-- BEGIN SOLUTION -->Because.<!-- END SOLUTION -->"}]}
    >>> trainee_copy(nb)["cells"][0]["source"]
    'Why? *(Write your answer here.)*\n'
    """
    nb = copy.deepcopy(notebook)
    lang = nb.get("metadata", {}).get("course", {}).get("lang", "en")
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            source = _strip_code(source)
            cell["outputs"], cell["execution_count"] = [], None
        elif cell["cell_type"] == "markdown":
            source = MD_BLOCK.sub(TRAINEE_MD.get(lang, TRAINEE_MD["en"]), source)
        cell["source"] = source
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            cell["metadata"]["tags"] = [t for t in tags if t != "solution"]
    edition = {k: v for k, v in nb.setdefault("metadata", {}).get("course", {}).items()
               if k == "lang"}
    nb["metadata"]["course"] = {"copy": "trainee", **edition}
    return nb


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(nb: dict[str, Any]) -> str:
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _editions(src: Path, out: Path) -> list[tuple[Path, dict[str, Any] | None]]:
    """Each edition's trainee file and solution notebook; None: its Chinese is incomplete."""
    return [(out / src.name, _read(src)),
            (out / EDITION_DIR / src.name, zh_solution(src, src.parent / EDITION_DIR))]


def make_trainee(solutions: Path = SOLUTIONS_DIR, out: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Write the trainee copy of every solution notebook into ``out``, and the Chinese edition.

    The Chinese edition goes to ``out/zh/`` for each notebook whose Chinese text
    (``solutions/zh/<name>.md``) is complete; a Chinese copy whose text became incomplete (a new
    or changed English cell) is removed, so no English cell passes for Chinese.

    Parameters
    ----------
    solutions, out : Path
        Where the solution notebooks are, and where their trainee copies go.

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    for src in course_notebooks(solutions):
        for target, nb in _editions(src, out):
            if nb is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_dump(trainee_copy(nb)), encoding="utf-8")
            written.append(target)
    return written


def out_of_step(solutions: Path = SOLUTIONS_DIR, trainee: Path = NOTEBOOKS_DIR) -> list[str]:
    """Names of notebooks whose trainee copy differs from the stripped solution (or is missing).

    Parameters
    ----------
    solutions, trainee : Path
        The solution notebooks and their trainee copies.

    Returns
    -------
    list of str
        Notebook names out of step, then trainee copies without a solution notebook.
    """
    problems = []
    for src in course_notebooks(solutions):
        for target, nb in _editions(src, trainee):
            name = target.relative_to(trainee).as_posix()
            if nb is None:
                problems += [f"{name} (its Chinese is incomplete)"] if target.exists() else []
            elif not target.exists() or _read(target) != json.loads(_dump(trainee_copy(nb))):
                problems.append(name)
    names = {p.name for p in course_notebooks(solutions)}
    extra = [f"{d}{p.name}" for d in ("", f"{EDITION_DIR}/")
             for p in course_notebooks(trainee / d) if p.name not in names]
    return problems + sorted(f"{n} (no solution notebook)" for n in extra)


CELL_TIMEOUT = 900  # seconds one cell may run before the run fails (``run --timeout`` sets it)


def execute_notebook(
    source: Path,
    target: Path,
    parameters: dict[str, Any] | None = None,
    cwd: Path | None = None,
    timeout: int = CELL_TIMEOUT,
    progress_bar: bool = False,
) -> Path:
    """Execute one notebook with papermill into ``target``; finish, or fail naming the cell.

    Parameters
    ----------
    source : Path
        The notebook to run.
    target : Path
        The executed copy to write (its folder is created if needed).
    parameters : dict, optional
        Papermill parameters (injected after the cell tagged ``parameters``).
    cwd : Path, optional
        The kernel's working folder (default: the current folder).
    timeout : int
        Seconds each cell may run.
    progress_bar : bool
        Show papermill's progress bar.

    Returns
    -------
    Path
        The executed copy.

    Raises
    ------
    CellTimeout
        If a cell runs longer than ``timeout`` or the kernel dies; names the notebook and cell.
    papermill.PapermillExecutionError
        If a cell raises (a ``DataProblem`` for bad input, say); the executed copy shows where.
    """
    # deferred: papermill (and nbformat behind it) takes seconds to import; only runs need it
    import papermill as pm
    from nbclient.exceptions import DeadKernelError

    recheck_after_send()
    target.parent.mkdir(parents=True, exist_ok=True)
    current: dict[str, Any] = {}

    def on_cell_start(cell: Any, cell_index: int) -> None:
        current.update(cell=cell, index=cell_index)

    # Windows has no Unix sockets: keep jupyter's default TCP transport there
    ipc = {} if sys.platform == "win32" else {"kernel_manager_class": _ipc_kernel_manager()}
    try:
        pm.execute_notebook(
            str(source), str(target), parameters=parameters or {},
            cwd=cwd and str(Path(cwd).resolve()), kernel_name="python3", engine_name="course",
            progress_bar=progress_bar, execution_timeout=timeout, on_cell_start=on_cell_start,
            **ipc,
        )
    except (TimeoutError, DeadKernelError) as error:  # nbclient's CellTimeoutError is a TimeoutError
        raise CellTimeout(_stopped_message(source, target, current, timeout, error)) from None
    return target


def run_notebook(
    source: Path, out_dir: Path, parameters: dict[str, Any] | None = None, cwd: Path | None = None
) -> Path:
    """Execute one notebook with papermill into ``out_dir``; return the executed copy's path.

    Parameters
    ----------
    source : Path
        The notebook to run.
    out_dir : Path
        Where the executed copy is written (created if needed).
    parameters : dict, optional
        Papermill parameters (injected after the cell tagged ``parameters``).
    cwd : Path, optional
        The kernel's working folder (default: ``out_dir``).

    Returns
    -------
    Path
        The executed copy.

    Raises
    ------
    CellTimeout
        If a cell runs longer than :data:`CELL_TIMEOUT` seconds or the kernel dies.
    """
    return execute_notebook(source, out_dir / source.name, parameters, cwd=cwd or out_dir)


def export_html(notebook: Path) -> Path:
    """Export an executed notebook to HTML beside it that works offline (:mod:`helpers.site`).

    Parameters
    ----------
    notebook : Path
        An executed notebook.

    Returns
    -------
    Path
        The HTML file (same name, ``.html``); widgets draw from their stored state with the
        renderer copied into ``_vendor/`` beside it, and nothing is fetched from the network.
    """
    return offline_html(notebook)


def _code_size(nb: Path) -> int:
    """Characters of code in notebook ``nb``: roughly how long it runs (the longest start first)."""
    return sum(len("".join(c["source"])) for c in _read(nb)["cells"] if c["cell_type"] == "code")


def _run_and_export(nb: Path, target: Path, parameters: dict[str, Any] | None) -> float:
    """Run one notebook in a fresh kernel and export it to HTML; return the seconds it took."""
    start = time.perf_counter()
    export_html(run_notebook(nb, target, parameters, cwd=target))
    return time.perf_counter() - start


def run_all(
    out: Path,
    which: str = "solutions",
    parameters: dict[str, Any] | None = None,
    only: Sequence[str] = (),
    jobs: int | None = None,
    lang: str = "en",
) -> list[tuple[str, float]]:
    """Execute every course notebook and export each to HTML, ``jobs`` notebooks at a time.

    Each notebook runs in its own fresh kernel, as a trainee's would; the notebooks do not depend
    on each other, so on a machine with two cores two run side by side, the longest (most code)
    first so that no core idles at the end for a long one; each is reported when it finishes.

    Parameters
    ----------
    out : Path
        Output folder; the executed notebooks go to ``out / which``.
    which : {"solutions", "trainee"}
        Which copies to run.
    parameters : dict, optional
        Papermill parameters for every notebook.
    only : sequence of str
        Notebook name prefixes to run (e.g. ``["00", "03"]``); all when empty.
    jobs : int, optional
        Notebooks run at the same time (default: the number of cores, at most 4).
    lang : {"en", "zh"}
        The edition; the Chinese one (notebooks with complete Chinese only) goes to ``out / "zh"``.

    Returns
    -------
    list of (str, float)
        Each notebook's name and how many seconds it took, in course order.
    """
    out, folder = Path(out).resolve(), SOLUTIONS_DIR if which == "solutions" else NOTEBOOKS_DIR
    if lang != "en":
        folder, out = _zh_sources(which, out / EDITION_DIR), out / EDITION_DIR
    chosen = [nb for nb in course_notebooks(folder)
              if not only or any(nb.name.startswith(o) for o in only)]
    jobs = jobs or min(4, os.cpu_count() or 1)
    # threads suffice: the work is in kernel processes (absolute paths: papermill chdirs)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_run_and_export, nb, out / which, parameters): nb.name
                   for nb in sorted(chosen, key=_code_size, reverse=True)}
        seconds = {}
        for future in as_completed(futures):
            seconds[futures[future]] = future.result()
            print(f"{futures[future]:45s} {seconds[futures[future]]:6.1f} s", flush=True)
    return [(nb.name, seconds[nb.name]) for nb in chosen]


def _zh_sources(which: str, out: Path) -> Path:
    """The Chinese notebooks to run: ``notebooks/zh``, or the Chinese solutions written to ``out``."""
    if which != "solutions":
        return NOTEBOOKS_DIR / EDITION_DIR
    (out / "sources").mkdir(parents=True, exist_ok=True)
    for src in course_notebooks(SOLUTIONS_DIR):
        nb = zh_solution(src)
        if nb is not None:
            (out / "sources" / src.name).write_text(_dump(nb), encoding="utf-8")
    return out / "sources"


def workshop(out: Path, trainees: Sequence[str], base_seed: int = 1000,
             answers: bool = False, package: bool = False, lang: str = "en") -> list[Path]:
    """Prepare one folder per trainee: their own dataset (own seed) and trainee notebooks.

    Each trainee's notebooks get ``data_dir = "../data"``: a path relative to the notebook, so
    the folder works wherever it is copied (another laptop, a USB stick), exercises check against
    the trainee's own data, and no two trainees can copy each other's numbers.

    Parameters
    ----------
    out : Path
        Where the trainee folders are made.
    trainees : sequence of str
        The trainees' names (one folder each).
    base_seed : int
        Seed of the first trainee's dataset; the next ones count up from it.
    answers : bool
        Also run the solution notebooks on each trainee's data (minutes per trainee): writes the
        hidden answer store ``<trainee>/data/answers.json`` and the instructor's answer sheet
        ``<out>/instructor/<trainee>-answers.md`` (outside the trainee folders).
    package : bool
        Also write ``<out>/course-package/``: the course package without the expected-answer
        code, for trainees to install (``pip install course-package``).
    lang : {"en", "zh"}
        The edition handed out; ``"zh"``: the Chinese one (English where a notebook's Chinese is
        still incomplete, see ``make-trainee``).

    Returns
    -------
    list of Path
        The trainee folders.

    Raises
    ------
    FileExistsError
        If a trainee's folder exists already (nothing is overwritten).
    """
    for trainee in trainees:
        if (out / trainee).exists():
            raise FileExistsError(f"{out / trainee} exists already; choose another --out or "
                                  f"remove it")
    if package:
        trainee_package(PROJECT_DIR, out / "course-package")
    folders = []
    for i, trainee in enumerate(trainees):
        folder, seed = out / trainee, base_seed + i
        write_datasets(folder / "data", seed=seed)
        _hand_out(folder / "notebooks", seed, lang)
        (folder / "SEED.txt").write_text(f"{trainee}: dataset seed {seed}\n", encoding="utf-8")
        if answers:
            sheet = answers_for(course_notebooks(SOLUTIONS_DIR), folder / "data",
                                execute_notebook, store=folder / "data" / STORE_NAME, seed=seed,
                                title=f"{trainee}, seed {seed}")
            (out / "instructor").mkdir(exist_ok=True)
            (out / "instructor" / f"{trainee}-answers.md").write_text(sheet, encoding="utf-8")
        folders.append(folder)
    return folders


def _hand_out(nb_dir: Path, seed: int, lang: str) -> None:
    """Write a trainee's notebooks (own data folder and seed) in the edition's language."""
    nb_dir.mkdir(parents=True)
    for src in course_notebooks(SOLUTIONS_DIR):
        nb = trainee_copy((zh_solution(src) if lang != "en" else None) or _read(src))
        _set_default_parameter(nb, "data_dir", WORKSHOP_DATA_DIR)
        _set_default_parameter(nb, "seed", seed)
        (nb_dir / src.name).write_text(_dump(nb), encoding="utf-8")


def _set_default_parameter(nb: dict[str, Any], name: str, value: Any) -> None:
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            pattern = re.compile(rf"^{name}\s*=.*?(\s+#.*)?$", re.M)
            cell["source"] = pattern.sub(
                lambda m: f"{name} = {value!r}{m.group(1) or ''}", cell["source"], count=1
            )
            return


def _parameter_value(text: str) -> Any:
    """A ``-p`` value typed as papermill types it: True/False/None, int, float, else text.

    >>> [_parameter_value(v) for v in ["True", "None", "3", "0.5", "out/07", "1e3"]]
    [True, None, 3, 0.5, 'out/07', 1000.0]
    """
    if text in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _cli_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters as papermill combines them: files (``-f``) first, then ``-p`` and ``-r``."""
    # deferred: papermill reads its parameter files itself (only helpers.config imports yaml)
    from papermill.iorw import read_yaml_file

    parameters: dict[str, Any] = {}
    for path in args.parameters_file:
        parameters.update(read_yaml_file(str(path)) or {})
    parameters.update({name: _parameter_value(value) for name, value in args.parameters})
    parameters.update(dict(args.parameters_raw))
    return parameters


def _run_one(args: argparse.Namespace) -> int:
    """``run NOTEBOOK OUTPUT``: execute, then report success or why it stopped (exit code 1)."""
    # deferred: papermill takes seconds to import
    from papermill.exceptions import PapermillExecutionError

    if not args.notebook.is_file():
        print(f"no notebook {args.notebook}; the course's are in {NOTEBOOKS_DIR}", file=sys.stderr)
        return 2
    try:
        execute_notebook(args.notebook, args.output, _cli_parameters(args), cwd=args.cwd,
                         timeout=args.timeout, progress_bar=not args.no_progress_bar)
    except CellTimeout as error:
        print(error, file=sys.stderr)
        return 1
    except PapermillExecutionError as error:
        print(f"{args.notebook.name}: cell In [{error.exec_count}] stopped the run with "
              f"{error.ename}: {error.evalue}\nThe executed copy, with the full traceback, is in "
              f"{args.output}.", file=sys.stderr)
        return 1
    print(f"executed {args.notebook.name} into {args.output}")
    return 0


def _add_run_parser(sub: Any) -> None:
    one = sub.add_parser(
        "run", help="execute one notebook with your parameters (papermill's -p/-r/-f)",
        description="Execute NOTEBOOK into OUTPUT like papermill, but never hang: every cell has "
                    "a time limit and a stopped run names the cell.")
    one.add_argument("notebook", type=Path)
    one.add_argument("output", type=Path)
    one.add_argument("-p", "--parameters", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="a parameter, typed (3, 0.5, True, None)")
    one.add_argument("-r", "--parameters-raw", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="a parameter kept as text")
    one.add_argument("-f", "--parameters-file", type=Path, action="append", default=[],
                     help="a YAML file of parameters")
    one.add_argument("--cwd", type=Path, default=None,
                     help="the kernel's working folder (default: the current folder)")
    one.add_argument("--timeout", type=int, default=CELL_TIMEOUT,
                     help=f"seconds each cell may run (default {CELL_TIMEOUT})")
    one.add_argument("--no-progress-bar", action="store_true")


def _answers(args: argparse.Namespace) -> int:
    """``answers``: generate (or read) the data, run the solutions, print the answer sheet."""
    if args.seed is None and args.data_dir is None:
        print("give --seed N (the trainee's seed, in SEED.txt) or --data-dir FOLDER",
              file=sys.stderr)
        return 2
    notebooks = [nb for nb in course_notebooks(SOLUTIONS_DIR)
                 if not args.only or any(nb.name.startswith(o) for o in args.only)]
    title = f"seed {args.seed}" if args.seed is not None else str(args.data_dir)
    with tempfile.TemporaryDirectory(prefix="course-data-") as tmp:
        folder = args.data_dir
        if folder is None:
            folder = Path(tmp) / "data"
            write_datasets(folder, seed=args.seed)
        print(answers_for(notebooks, folder, execute_notebook, store=args.store, seed=args.seed,
                          title=title))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m helpers.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_run_parser(sub)
    every = sub.add_parser("run-all", help="execute every notebook and export HTML")
    every.add_argument("--out", type=Path, default=PROJECT_DIR / "build" / "course")
    every.add_argument("--which", choices=["solutions", "trainee"], default="solutions")
    every.add_argument("--only", nargs="*", default=[], help="notebook number prefixes, e.g. 00 03")
    every.add_argument("--jobs", type=int, default=None,
                       help="notebooks run at the same time (default: the number of cores, max 4)")
    sub.add_parser("make-trainee", help="write trainee copies into notebooks/ (zh: notebooks/zh/)")
    sub.add_parser("check-trainee", help="fail if notebooks/ is out of step with solutions/")
    add_workshop_parsers(sub, PROJECT_DIR / "build" / "workshop")
    for name in ("run-all", "workshop"):
        sub.choices[name].add_argument("--lang", choices=["en", "zh"], default="en",
                                       help="the edition (zh: the Chinese one)")
    args = parser.parse_args(argv)

    if args.command == "run":
        return _run_one(args)
    if args.command == "run-all":
        timings = run_all(args.out, args.which, only=args.only, jobs=args.jobs, lang=args.lang)
        where = args.out / (EDITION_DIR if args.lang != "en" else "") / args.which
        print(f"{len(timings)} notebooks executed; HTML in {where}")
    elif args.command == "make-trainee":
        for path in make_trainee():
            print(f"wrote {path.relative_to(PROJECT_DIR)}")
        for src in course_notebooks(SOLUTIONS_DIR):
            if incomplete := edition_problems(src):
                print(f"no Chinese edition of {src.name} yet: " + "; ".join(
                    f"{k} {len(v)} ({', '.join(v[:3])})" for k, v in incomplete.items()))
    elif args.command == "check-trainee":
        problems = out_of_step()
        if problems:
            print("out of step (run `make trainee-notebooks`): " + ", ".join(problems))
            return 1
        print("trainee notebooks match the solutions")
    elif args.command == "workshop":
        for folder in workshop(args.out, args.trainees, args.base_seed, answers=args.answers,
                               package=args.package, lang=args.lang):
            print(f"prepared {folder}")
    elif args.command == "answers":
        return _answers(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
