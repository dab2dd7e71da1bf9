"""Where the course finds its data and where it writes: one place, so no notebook hard-codes a path."""

from __future__ import annotations

from pathlib import Path

from helpers.errors import DataProblem

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATASETS_DIR = PROJECT_DIR / "datasets"
CONFIG_DIR = PACKAGE_DIR / "config"
MAPPINGS_DIR = PROJECT_DIR / "mappings"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
SOLUTIONS_DIR = PROJECT_DIR / "solutions"
LESSONS_DIR = PROJECT_DIR / "lessons"
#: The public datasets used by tests and benchmarks (never copied into the project).
SHARED_DATASETS_DIR = PROJECT_DIR.parent / "shared" / "datasets"


def data_dir(path: str | Path | None = None) -> Path:
    """Folder holding the course tables: ``path`` if given, else the bundled ``datasets/``.

    Parameters
    ----------
    path : str or Path, optional
        The folder (``None`` or ``""``: the bundled data).

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    DataProblem
        If the folder does not exist, saying which folder was expected.
    """
    folder = DATASETS_DIR if path in (None, "") else Path(path).expanduser()
    if not folder.is_dir():
        raise DataProblem(
            f"data folder {folder} does not exist. Pass data_dir=None for the bundled data, or the "
            "folder where your exported tables are (e.g. made by `python -m helpers.simulate`)."
        )
    return folder


def output_dir(path: str | Path | None = "output") -> Path:
    """Create (if needed) and return the folder outputs are written to.

    Outputs never go into the bundled ``datasets/`` folder or the package, so no input can be
    overwritten by accident.

    Parameters
    ----------
    path : str or Path, optional
        The folder (default ``output``, relative to the working folder).

    Returns
    -------
    Path
        The folder, resolved and created.

    Raises
    ------
    DataProblem
        If the folder is, or is inside, ``datasets/`` or the package.
    """
    folder = Path(path or "output").expanduser().resolve()
    for protected in (DATASETS_DIR.resolve(), PACKAGE_DIR.resolve()):
        if folder == protected or protected in folder.parents:
            raise DataProblem(
                f"refusing to write outputs into {folder}: it holds course inputs. "
                "Choose a separate folder, e.g. output_dir='output'."
            )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
