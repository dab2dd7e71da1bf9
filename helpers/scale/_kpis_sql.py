"""The KPI cube and the segment-migration counts as DuckDB SQL.

:func:`kpi_cube_on_engine` sums enriched calls (:func:`helpers.calls.prepare_calls`, a frame or
a CSV/Parquet file of them) into one row per day × team × agent × tier, as
:func:`helpers.calls.kpi_cube` does: every sum is a count or a whole number of seconds, so the
engine's order of adding gives the same numbers. :func:`migration_counts_on_engine` counts the
customers of each (segment before, segment after) pair of two snapshots, with the customers of
only one snapshot under ``absent``, which :func:`helpers.segments.segment_migration` lays out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.errors import DataProblem

from ._engine import EngineSettings, connect

if TYPE_CHECKING:
    import duckdb

__all__ = ["CUBE_KEYS", "CUBE_SUMS", "kpi_cube_on_engine", "migration_counts_on_engine"]

CUBE_KEYS = ("date", "team", "agent_id", "tier")
#: Each sum of the cube: its SQL over the prepared calls, and its type.
CUBE_SUMS = {
    "dials": ("count(*)", "int64"),
    "answered": ("sum(answered::INT)", "int64"),
    "sales": ("sum(sale::INT)", "int64"),
    "talk_s": ("sum(CASE WHEN answered THEN duration_s ELSE 0 END)::DOUBLE", "float64"),
    "eff_calls": ("sum(effective::INT)", "int64"),
    "eff_talk_s": ("sum(CASE WHEN effective THEN duration_s ELSE 0 END)::DOUBLE", "float64"),
    "first_calls": ("sum(first_call::INT)", "int64"),
    "first_intent": ("sum((first_call AND intent)::INT)", "int64"),
    "fu_answered": ("sum((NOT first_call AND answered)::INT)", "int64"),
    "fu_sales": ("sum((NOT first_call AND sale)::INT)", "int64"),
    "requests": ("sum(request::INT)", "int64"),
    "in_sla": ("sum(in_sla::INT)", "int64"),
}
_NEEDED = ["date", "team", "agent_id", "tier", "answered", "sale", "duration_s", "effective",
           "first_call", "intent", "request", "in_sla"]


def _calls_view(con: duckdb.DuckDBPyConnection, prepared: pd.DataFrame | str | Path) -> str:
    """A view of the prepared calls (a frame registered as Arrow, or a file read by DuckDB)."""
    if isinstance(prepared, pd.DataFrame):
        missing = [c for c in _NEEDED if c not in prepared.columns]
        if missing:
            raise DataProblem(f"kpi_cube: the prepared calls lack {missing}; build them with "
                              "helpers.calls.prepare_calls(calls, agents).")
        import pyarrow as pa  # deferred with the engine

        frame = prepared[_NEEDED].assign(
            **{c: prepared[c].astype("string") for c in ("team", "agent_id", "tier")})
        con.register("prepared_calls", pa.Table.from_pandas(frame, preserve_index=False))
        return "prepared_calls"
    path = Path(prepared)
    if not path.exists():
        raise DataProblem(f"kpi_cube: {path} does not exist; give a CSV or Parquet file (or a "
                          "folder of Parquet files) of prepare_calls' output.")
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    reader = ("read_parquet" if path.is_dir() or path.suffix.lower() in (".parquet", ".pq")
              else "read_csv_auto")
    literal = "'" + pattern.replace("'", "''") + "'"  # a view cannot take a parameter
    con.execute(f"CREATE VIEW prepared_calls AS SELECT * FROM {reader}({literal})")
    have = {r[0] for r in con.execute("DESCRIBE prepared_calls").fetchall()}
    missing = [c for c in _NEEDED if c not in have]
    if missing:
        raise DataProblem(f"kpi_cube: {path.name} lacks the columns {missing}; write the output "
                          "of helpers.calls.prepare_calls to it.")
    return "prepared_calls"


def kpi_cube_on_engine(prepared: pd.DataFrame | str | Path,
                       settings: EngineSettings | None = None) -> pd.DataFrame:
    """:func:`helpers.calls.kpi_cube` on DuckDB: the same cube, from a frame or a file.

    Parameters
    ----------
    prepared : DataFrame, str or Path
        :func:`helpers.calls.prepare_calls` output, or a CSV/Parquet file (or a folder of
        Parquet files) of it, read by the engine (never loaded whole).
    settings : EngineSettings, optional
        Memory limit, spill folder, threads, progress bar.

    Returns
    -------
    DataFrame
        ``date, team, agent_id, tier`` (categories) and the sums, sorted by the keys.

    Raises
    ------
    DataProblem
        A missing file or column.

    Examples
    --------
    >>> calls = pd.DataFrame({"date": pd.to_datetime(["2025-03-03"] * 2), "team": "t",
    ...     "agent_id": "A1", "tier": "low", "answered": [True, False], "sale": [True, False],
    ...     "duration_s": [300, 0], "effective": [True, False], "first_call": [True, True],
    ...     "intent": [True, False], "request": False, "in_sla": False})
    >>> kpi_cube_on_engine(calls)[["dials", "answered", "sales", "talk_s"]].to_numpy().tolist()
    [[2.0, 1.0, 1.0, 300.0]]
    """
    con = connect(settings)
    try:
        view = _calls_view(con, prepared)
        sums = ", ".join(f"{sql} AS {name}" for name, (sql, _) in CUBE_SUMS.items())
        keys = ", ".join(CUBE_KEYS)
        cube = con.execute(
            f"SELECT {keys}, {sums} FROM {view} "
            f"WHERE {' AND '.join(f'{k} IS NOT NULL' for k in CUBE_KEYS)} "
            f"GROUP BY {keys} ORDER BY {keys}").df()
    finally:
        con.close()
    for name, (_, dtype) in CUBE_SUMS.items():
        cube[name] = cube[name].astype(dtype)
    if isinstance(prepared, pd.DataFrame):  # keys typed as the frame had them, as pandas does
        for col in CUBE_KEYS:
            cube[col] = cube[col].astype(prepared[col].dtype)
    else:
        cube["date"] = pd.to_datetime(cube["date"])
    for col in ("team", "agent_id", "tier"):
        cube[col] = cube[col].astype("category")
    return cube


def migration_counts_on_engine(before: pd.Series, after: pd.Series, absent: str,
                               settings: EngineSettings | None = None) -> pd.DataFrame:
    """Customers per (segment before, segment after), counted by DuckDB.

    Parameters
    ----------
    before, after : Series
        Segment per customer (indexed by customer) at the two snapshots.
    absent : str
        The segment of a customer missing from one snapshot.
    settings : EngineSettings, optional
        Memory limit, spill folder, threads.

    Returns
    -------
    DataFrame
        ``before, after, n``, one row per pair that occurs.

    Examples
    --------
    >>> b = pd.Series(["a", "b"], index=["c1", "c2"])
    >>> a = pd.Series(["a", "a"], index=["c1", "c3"])
    >>> migration_counts_on_engine(b, a, "(none)").sort_values("before").to_numpy().tolist()
    [['(none)', 'a', 1], ['a', 'a', 1], ['b', '(none)', 1]]
    """
    import pyarrow as pa  # deferred with the engine

    con = connect(settings)
    try:
        for name, s in (("seg_before", before), ("seg_after", after)):
            frame = pd.DataFrame({"cid": s.index.astype(str), "segment": s.astype("string")})
            con.register(name, pa.Table.from_pandas(frame, preserve_index=False))
        counts = con.execute(
            "SELECT coalesce(b.segment, ?) AS before, coalesce(f.segment, ?) AS after, "
            "count(*) AS n FROM seg_before b FULL OUTER JOIN seg_after f ON b.cid = f.cid "
            "GROUP BY ALL", [absent, absent]).df()
    finally:
        con.close()
    counts["n"] = counts["n"].astype("int64")
    return counts
