"""Large results written by DuckDB itself, under the rules of :func:`helpers.data.write_table`.

A result of millions of rows is not turned into a pandas frame to be written: ``COPY (query) TO``
streams it into a temporary file inside the output folder (never a table in memory: at 200M
rows the customer summary materialised first ran out of memory), which is then given its final
name with ``write_table``'s exclusive claim (a hard link that fails if the name exists;
``name-2`` …): the file appears complete or not at all and nothing is ever overwritten.

Masking: ``write_table`` masks columns named as personal data (``phone``, ``姓名`` …) and the
phones, ID, card numbers and e-mails it finds inside other text columns. The names are checked
on the result's columns; the patterns (:data:`helpers.errors.PERSONAL_PATTERNS`, their
look-arounds rewritten for DuckDB's RE2) are searched in SQL in the temporary file. If either
finds something, the temporary file is read back :data:`BATCH_ROWS` rows at a time, each batch
masked by ``write_table``'s own :func:`~helpers.data.privacy.mask_frame` and appended to a
second temporary file, which is claimed instead: bounded memory, and the same file (values,
types, pandas metadata, row groups) that ``write_table`` would write from the whole frame.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from helpers.data.privacy import mask_frame, personal_columns_of
from helpers.data.writing import _claim, _folder, _fsync_folder
from helpers.errors import PERSONAL_PATTERNS, DataProblem, re2_pattern

from ._sources import _literal, quote

if TYPE_CHECKING:
    import duckdb

__all__ = ["BATCH_ROWS", "copy_result", "re2_pattern"]

#: Rows read back, masked and appended at a time when a result needs masking: memory holds one
#: batch, never the result. 1,048,576 is also the row group ``DataFrame.to_parquet`` writes, so
#: the file is laid out as ``write_table``'s is.
BATCH_ROWS = 1024 * 1024
#: Rows in one DuckDB vector (``fetch_df_chunk`` counts in vectors).
_VECTOR = 2048


def _holds_personal(con: duckdb.DuckDBPyConnection, table: str, text_cols: list[str]) -> bool:
    if not text_cols:
        return False
    # one alternation per column: a third of the time of one search per pattern
    scan = _literal("|".join(f"(?:{re2_pattern(p.pattern)})" for p in PERSONAL_PATTERNS.values()))
    tests = " OR ".join(f"regexp_matches(CAST({quote(c)} AS VARCHAR), {scan})"
                        for c in text_cols)
    row = con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {tests})").fetchone()
    return bool(row and row[0])


def _needs_masking(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``write_table`` would change anything in ``table``.

    It would if a column is personal by its name (whatever it holds: names have no pattern to
    find) or a text value holds a phone, ID, card number or e-mail.
    """
    described = con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()
    if personal_columns_of(pd.DataFrame(columns=[str(r[0]) for r in described])):
        return True
    return _holds_personal(con, table, [str(r[0]) for r in described if str(r[1]) == "VARCHAR"])


def _sample_frame(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A frame of at most two rows with the dtypes DuckDB gives ``table`` read whole (``.df()``).

    Those depend on the data only through whether a column holds a NULL (``int64`` or
    ``Int64``, ``bool`` or ``boolean``) and whether it holds nothing else (``object``, not
    ``str``): the first row has a value of each column that has one, the second a NULL in each
    column that has one. An empty table gives the empty frame.
    """
    names = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()]
    stats = ", ".join(f"count(*) - count({quote(c)}) AS __nulls{i}, any_value({quote(c)}) AS "
                      f"__value{i}" for i, c in enumerate(names))  # any_value skips NULLs
    values = ", ".join(f"__value{i} AS {quote(c)}" for i, c in enumerate(names))
    nulled = ", ".join(f"CASE WHEN __nulls{i} > 0 THEN NULL ELSE __value{i} END AS {quote(c)}"
                       for i, c in enumerate(names))
    return con.execute(f"WITH s AS (SELECT count(*) AS __rows, {stats} FROM {table}) "
                       f"SELECT {values} FROM s WHERE __rows > 0 UNION ALL "
                       f"SELECT {nulled} FROM s WHERE __rows > 0").df()


def _write_masked(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """Write ``table`` masked as ``write_table`` masks it into ``path``, batch by batch (fsynced).

    Raises
    ------
    DataProblem
        A value Parquet cannot hold in its column's type (as ``write_table``).
    """
    # write_table(df, fmt="parquet"): mask_frame(df) (no table, nothing revealed), no formula
    # quoting for Parquet, then df.to_parquet(index=False), i.e. Table.from_pandas(df,
    # preserve_index=False): the schema and its pandas metadata come from the whole frame's
    # dtypes, which the sample has
    schema = pa.Schema.from_pandas(mask_frame(_sample_frame(con, table)), preserve_index=False)
    vectors = max(1, BATCH_ROWS // _VECTOR)
    result = con.execute(f"SELECT * FROM {table}")
    with open(path, "wb") as handle:
        try:
            with pq.ParquetWriter(handle, schema) as writer:
                while len(batch := result.fetch_df_chunk(vectors)):
                    writer.write_table(pa.Table.from_pandas(mask_frame(batch), schema=schema,
                                                            preserve_index=False))
        except (ValueError, TypeError, NotImplementedError) as exc:  # Arrow: invalid, no cast
            raise DataProblem(f"the result cannot be written as parquet: {exc}. Fix: make each "
                              "column one type; nothing was written.", file=str(path.parent)
                              ) from exc
        handle.flush()
        os.fsync(handle.fileno())


def copy_result(con: duckdb.DuckDBPyConnection, sql: str, name: str, output_dir: str | Path
                ) -> Path:
    """Write the result of ``sql`` as ``output_dir/name.parquet`` from DuckDB, never overwriting.

    The file is what :func:`helpers.data.write_table` would write from the result as a frame
    (personal data masked the same way), written without ever holding the result in memory.

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
    masked = tmp.with_name(f".{name}.{os.getpid()}.{id(con)}.masked.tmp.parquet")
    written = f"read_parquet({_literal(str(tmp))})"
    try:
        con.execute(f"COPY ({sql}) TO {_literal(str(tmp))} (FORMAT parquet)")
        if _needs_masking(con, written):
            _write_masked(con, written, masked)
            target = _claim(masked, folder, name, "parquet")
        else:
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            target = _claim(tmp, folder, name, "parquet")
    except OSError as exc:
        raise DataProblem(f"writing {folder / (name + '.parquet')} failed: {exc.strerror or exc}; "
                          "nothing was written. Fix: free space or choose another --out.",
                          file=str(folder)) from exc
    finally:
        tmp.unlink(missing_ok=True)
        masked.unlink(missing_ok=True)
    _fsync_folder(folder)
    return target
