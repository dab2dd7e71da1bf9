"""The embedded engine (DuckDB): one connection with a memory limit, a spill folder, progress.

DuckDB runs inside the Python process (no server). :func:`connect` opens an in-memory database
whose ``memory_limit`` and ``temp_directory`` keep a larger-than-memory aggregation within the
machine: past the limit, DuckDB writes intermediate results to the spill folder instead of
failing. :func:`use_engine` is the rule the public helpers apply to choose the engine or pandas.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.errors import DataProblem

if TYPE_CHECKING:
    import duckdb

__all__ = ["ENGINE_ROWS", "EngineSettings", "connect", "default_memory_limit", "is_path",
           "use_engine"]

#: A DataFrame with at least this many rows is summarised on DuckDB. Measured (2 cores,
#: benchmarks/README.md): on a frame already in memory the pandas path is faster up to 10M rows
#: (7.4 s vs 14.7 s), so the engine takes over only where pandas' memory runs out; files of any
#: size always go to the engine.
ENGINE_ROWS = 50_000_000
#: Share of the machine's memory DuckDB may use by default, and the cap on it (bytes).
MEMORY_SHARE = 0.6
MEMORY_CAP = 5 * 1024**3


def total_memory() -> int:
    """The machine's physical memory in bytes (0 if the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def default_memory_limit() -> str:
    """60 % of the machine's memory, at most 5 GB, as a DuckDB size (``"4915MB"``).

    Examples
    --------
    >>> default_memory_limit().endswith("MB")
    True
    """
    total = total_memory() or MEMORY_CAP
    return f"{int(min(total * MEMORY_SHARE, MEMORY_CAP) // 1024**2)}MB"


@dataclass(frozen=True)
class EngineSettings:
    """How DuckDB may use the machine.

    Attributes
    ----------
    memory_limit : str, optional
        E.g. ``"4GB"``; default :func:`default_memory_limit` (60 % of RAM, at most 5 GB).
    temp_directory : str or Path, optional
        Spill folder for intermediate results past the limit; default a ``helpers-duckdb``
        folder in the system's temporary folder.
    threads : int, optional
        Worker threads; default all cores.
    progress : bool
        Print DuckDB's progress bar on queries that run longer than two seconds.
    """

    memory_limit: str | None = None
    temp_directory: str | Path | None = None
    threads: int | None = None
    progress: bool = False

    def spill_folder(self) -> Path:
        """The spill folder (created)."""
        folder = Path(self.temp_directory or Path(tempfile.gettempdir()) / "helpers-duckdb")
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def connect(settings: EngineSettings | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the memory limit, spill folder and progress set.

    Parameters
    ----------
    settings : EngineSettings, optional
        Default: :class:`EngineSettings` ().

    Returns
    -------
    duckdb.DuckDBPyConnection

    Raises
    ------
    DataProblem
        If a setting is not understood by DuckDB (e.g. ``memory_limit="lots"``).
    """
    import duckdb  # deferred: the pandas path does not need the engine loaded

    s = settings or EngineSettings()
    con = duckdb.connect(":memory:")
    options: dict[str, Any] = {
        "memory_limit": s.memory_limit or default_memory_limit(),
        "temp_directory": str(s.spill_folder()),
        "preserve_insertion_order": False,
        "enable_progress_bar": bool(s.progress),
        "enable_progress_bar_print": bool(s.progress),
    }
    if s.threads:
        options["threads"] = int(s.threads)
    for key, value in options.items():
        try:
            con.execute(f"SET {key} = ?", [value])
        except duckdb.Error as err:
            con.close()
            raise DataProblem(f"engine setting {key}={value!r} is not accepted by DuckDB: {err}. "
                              "Fix: give sizes like '4GB' and an existing, writable folder."
                              ) from err
    return con


def is_path(data: Any) -> bool:
    """True for a file or folder path (a ``str`` or :class:`~pathlib.Path`)."""
    return isinstance(data, str | os.PathLike)


def use_engine(data: Any, engine: str | None = None) -> bool:
    """Whether a helper should run on DuckDB: a path, a large frame, or ``engine="duckdb"``.

    Parameters
    ----------
    data : DataFrame, str or Path
        The helper's input.
    engine : {None, "auto", "pandas", "duckdb"}
        ``None``/``"auto"``: a path, or a frame of at least :data:`ENGINE_ROWS` rows, goes to
        DuckDB; ``"pandas"`` forces pandas (a path is then an error), ``"duckdb"`` forces DuckDB.

    Returns
    -------
    bool

    Raises
    ------
    DataProblem
        An unknown ``engine``, or ``engine="pandas"`` with a path.

    Examples
    --------
    >>> use_engine(pd.DataFrame({"a": [1]})), use_engine("big.parquet")
    (False, True)
    """
    if engine not in (None, "auto", "pandas", "duckdb"):
        raise DataProblem(f"engine={engine!r} is not known; use 'auto', 'pandas' or 'duckdb'.")
    if engine == "duckdb":
        return True
    if is_path(data):
        if engine == "pandas":
            raise DataProblem("engine='pandas' needs a DataFrame; load the file with "
                              "helpers.data.load_table first, or leave engine='auto'.")
        return True
    return engine != "pandas" and isinstance(data, pd.DataFrame) and len(data) >= ENGINE_ROWS
