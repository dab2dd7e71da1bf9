"""Large results written by DuckDB itself, under the rules of :func:`helpers.data.write_table`.

A result of millions of rows is not turned into a pandas frame to be written: ``COPY (query) TO``
streams it into a temporary file inside the output folder (never a table in memory: at 200M
rows the customer summary materialised first ran out of memory), which is then given its final
name with ``write_table``'s exclusive claim (a hard link that fails if the name exists;
``name-2`` …): the file appears complete or not at all and nothing is ever overwritten.

Masking: ``write_table`` masks the phones, ID, card numbers and e-mails it finds inside text
columns. The same patterns (:data:`helpers.errors.PERSONAL_PATTERNS`, their look-arounds
rewritten for DuckDB's RE2) are searched in SQL in the temporary file; if any text value holds
one, the file is read back and goes through ``write_table`` instead (exact masking, in memory).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.data import write_table
from helpers.data.writing import _claim, _folder, _fsync_folder
from helpers.errors import PERSONAL_PATTERNS, DataProblem

from ._sources import _literal, quote

if TYPE_CHECKING:
    import duckdb

__all__ = ["copy_result", "re2_pattern"]


def re2_pattern(pattern: str) -> str:
    """A pattern whose ``(?<![…])``/``(?![…])`` look-arounds are spelt without look-around.

    A search for the result finds a text exactly when a search for ``pattern`` does (the
    neighbouring character, or the start/end of the text, is matched instead of looked at).

    Examples
    --------
    >>> re2_pattern("(?<![0-9*])13[0-9](?![0-9*])")
    '(?:^|[^0-9*])13[0-9](?:[^0-9*]|$)'
    """
    out = re.sub(r"\(\?<!\[([^\]]*)\]\)", r"(?:^|[^\1])", pattern)
    return re.sub(r"\(\?!\[([^\]]*)\]\)", r"(?:[^\1]|$)", out)


def _holds_personal(con: duckdb.DuckDBPyConnection, table: str, text_cols: list[str]) -> bool:
    if not text_cols:
        return False
    tests = " OR ".join(f"regexp_matches(CAST({quote(c)} AS VARCHAR), "
                        f"{_literal(re2_pattern(p.pattern))})"
                        for c in text_cols for p in PERSONAL_PATTERNS.values())
    row = con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {tests})").fetchone()
    return bool(row and row[0])


def copy_result(con: duckdb.DuckDBPyConnection, sql: str, name: str, output_dir: str | Path
                ) -> Path:
    """Write the result of ``sql`` as ``output_dir/name.parquet`` from DuckDB, never overwriting.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection the query runs on.
    sql : str
        The query (run once, streamed into the file).
    name : str
        File name without folder and extension.
    output_dir : str or Path
        Output folder (created; never the bundled data or the package).

    Returns
    -------
    Path
        The file written (``name-2.parquet`` … if ``name.parquet`` exists).

    Raises
    ------
    DataProblem
        The output folder cannot be written (as :func:`helpers.data.write_table`).
    """
    folder = _folder(output_dir)
    tmp = folder / f".{name}.{os.getpid()}.{id(con)}.tmp.parquet"
    written = f"read_parquet({_literal(str(tmp))})"
    try:
        con.execute(f"COPY ({sql}) TO {_literal(str(tmp))} (FORMAT parquet)")
        text = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {written}").fetchall()
                if str(r[1]) == "VARCHAR"]
        if _holds_personal(con, written, text):  # rare: exact masking in pandas
            return write_table(con.execute(f"SELECT * FROM {written}").df(), name, folder,
                               fmt="parquet")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        target = _claim(tmp, folder, name, "parquet")
    except OSError as exc:
        raise DataProblem(f"writing {folder / (name + '.parquet')} failed: {exc.strerror or exc}; "
                          "nothing was written. Fix: free space or choose another --out.",
                          file=str(folder)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_folder(folder)
    return target
