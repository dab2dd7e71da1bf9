"""The instructor's kit: expected answers for a trainee's data, and a package without them.

:func:`record_answers` runs the solution notebooks on one data folder with
``COURSE_RECORD_ANSWERS`` set, so every ``check(...)`` records its expected answer (the notebook
parameters are the defaults, as the trainee's copy has them). :func:`trainee_package` copies the
``helpers`` package without the expected-answer modules ``helpers/exercises/mNN_*.py``: trainees
install that, and their checks use the store in their data folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from helpers.exercises._store import RECORD_ENV, answer_sheet, trainee_store

ANSWER_MODULE = re.compile(r"^m\d\d_.*\.py$")
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE")


def record_answers(
    notebooks: Sequence[Path],
    data_dir: Path,
    record: Path,
    run: Callable[..., Any],
    seed: int | None = None,
) -> list[str]:
    """Run solution notebooks on ``data_dir`` and record every exercise's expected answer.

    Parameters
    ----------
    notebooks : sequence of Path
        The solution notebooks to run (their ``check`` calls compute the expected answers).
    data_dir : Path
        The trainee's data folder.
    record : Path
        The instructor's record to write (plain answers and their hashes).
    run : callable
        ``run(source, target, parameters, cwd=...)``: how a notebook is executed
        (``helpers.course.execute_notebook``).
    seed : int, optional
        The ``seed`` parameter to give the notebooks (the data's seed).

    Returns
    -------
    list of str
        The notebooks that did not finish, each with the error's first line (their exercises
        up to the failing cell are recorded all the same).
    """
    parameters: dict[str, Any] = {"data_dir": str(Path(data_dir).resolve())}
    if seed is not None:
        parameters["seed"] = seed
    before = os.environ.get(RECORD_ENV)
    os.environ[RECORD_ENV] = str(Path(record).resolve())
    failed: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="course-answers-") as tmp:
            for nb in notebooks:
                try:
                    run(nb, Path(tmp) / nb.name, parameters, cwd=Path(tmp))
                except Exception as error:  # one broken notebook spoils no other's answers
                    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    failed.append(f"{nb.name}: {first[:200]}")
    finally:
        if before is None:
            os.environ.pop(RECORD_ENV, None)
        else:
            os.environ[RECORD_ENV] = before
    return failed


def answers_for(
    notebooks: Sequence[Path],
    data_dir: Path,
    run: Callable[..., Any],
    store: Path | None = None,
    seed: int | None = None,
    title: str = "",
) -> str:
    """The answer sheet for one data folder; optionally also write the trainees' store.

    Parameters
    ----------
    notebooks : sequence of Path
        The solution notebooks to run.
    data_dir : Path
        The data folder.
    run : callable
        How a notebook is executed.
    store : Path, optional
        Where to write the trainee's hashed store (``<data>/answers.json``).
    seed : int, optional
        The data's seed (the notebooks' ``seed`` parameter).
    title : str
        The answer sheet's title (trainee and seed).

    Returns
    -------
    str
        The answer sheet (Markdown).
    """
    with tempfile.TemporaryDirectory(prefix="course-record-") as tmp:
        record = Path(tmp) / "record.json"
        failed = record_answers(notebooks, data_dir, record, run, seed)
        if not record.exists():
            return f"# Expected answers: {title}\n\n(no exercise was recorded)\n" + \
                "".join(f"\n- did not finish: {f}" for f in failed)
        if store is not None:
            trainee_store(record, store)
        sheet = answer_sheet(record, title)
    if failed:
        sheet += ("\n## Notebooks that did not finish (their later exercises are missing)\n\n"
                  + "".join(f"- {f}\n" for f in failed))
    return sheet


def trainee_package(project: Path, out: Path) -> Path:
    """Copy the course package without the expected-answer code (``helpers/exercises/mNN_*.py``).

    Parameters
    ----------
    project : Path
        The course's folder (holding ``helpers/`` and ``pyproject.toml``).
    out : Path
        The package folder to write; trainees install it with ``pip install <out>``.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    FileExistsError
        If ``out`` exists already.
    """
    if out.exists():
        raise FileExistsError(f"{out} exists already; remove it or choose another --out")

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
        if Path(folder).name == "exercises":
            skip |= {n for n in names if ANSWER_MODULE.match(n)}
        return skip

    shutil.copytree(project / "helpers", out / "helpers", ignore=ignore)
    for name in PACKAGE_FILES:
        if (project / name).is_file():
            shutil.copy2(project / name, out / name)
    return out


WORKSHOP_HELP = """\
Make one folder per trainee under OUT:

  OUT/<trainee>/data/        the trainee's own dataset (seed BASE_SEED, BASE_SEED+1, ...)
  OUT/<trainee>/notebooks/   the trainee notebooks, data_dir = "../data" (relative: the folder
                             works wherever it is copied)
  OUT/<trainee>/SEED.txt     the trainee's seed (for `answers --seed N` later)
  OUT/<trainee>/data/answers.json   with --answers: the hidden answer store (salted hashes)
  OUT/instructor/<trainee>-answers.md  with --answers: the expected answers, for you only
  OUT/course-package/        with --package: the course package without the expected-answer
                             code; trainees install it with `pip install course-package`

Hand out OUT/<trainee>/ (and OUT/course-package/); never OUT/instructor/. Nothing is
overwritten: an existing trainee folder stops the command.
"""

ANSWERS_HELP = """\
Print each exercise's expected answer for a trainee's data: the data of --seed N is generated
(or --data-dir is read), the solution notebooks run on it with their default parameters (a few
minutes; --only to run some), and every check(...) records its expected answer. --store also
writes the hidden answer store (answers.json) for that data folder.
"""


def add_workshop_parsers(sub: Any, default_out: Path) -> None:
    """Add the ``workshop`` and ``answers`` commands (every option documented) to a CLI.

    Parameters
    ----------
    sub : argparse subparsers
        Where the commands go (``helpers.course``'s).
    default_out : Path
        The workshop's default output folder.
    """
    raw = argparse.RawDescriptionHelpFormatter
    ws = sub.add_parser("workshop", help="per-trainee datasets and notebooks",
                        description=WORKSHOP_HELP, formatter_class=raw)
    ws.add_argument("trainees", nargs="+", metavar="TRAINEE",
                    help="the trainees' names, one folder each (e.g. wang li zhang)")
    ws.add_argument("--out", type=Path, default=default_out,
                    help="where the folders are made (default: build/workshop)")
    ws.add_argument("--base-seed", type=int, default=1000,
                    help="dataset seed of the first trainee; the next count up (default 1000)")
    ws.add_argument("--answers", action="store_true",
                    help="also write each trainee's answer store and your answer sheets "
                         "(runs the solution notebooks on every trainee's data: minutes each)")
    ws.add_argument("--package", action="store_true",
                    help="also write OUT/course-package, the package without the answers' code")
    an = sub.add_parser("answers", help="the expected answers for a trainee's seed",
                        description=ANSWERS_HELP, formatter_class=raw)
    an.add_argument("--seed", type=int, default=None,
                    help="the trainee's dataset seed (SEED.txt in their folder)")
    an.add_argument("--data-dir", type=Path, default=None,
                    help="a data folder to use instead of generating the seed's data")
    an.add_argument("--only", nargs="*", default=[],
                    help="notebook number prefixes, e.g. 02 03 (default: all)")
    an.add_argument("--store", type=Path, default=None,
                    help="also write the hidden answer store (answers.json) here")
