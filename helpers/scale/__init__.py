"""When the data outgrows pandas: the heavy aggregations on DuckDB, files larger than memory, ibis.

Not a lesson of its own: the helpers of lessons 03 (customer summary, cohorts), 08 (KPI cube)
and 09 (month-end snapshots, roll rates) hand their work to this package when they are given a
file path, or a DataFrame of at least :data:`ENGINE_ROWS` rows, and return the same result.

- ``_engine``: :func:`connect` (DuckDB with ``memory_limit`` and a spill folder,
  :class:`EngineSettings`), :func:`use_engine` (the pandas/DuckDB rule, :data:`ENGINE_ROWS`);
- ``_sources``: a frame, or a CSV/Parquet file or folder read by DuckDB with the column mapping
  as SQL renames and casts (:func:`table_source`);
- ``_rfm``: :func:`summary_on_engine`, the customer summary in SQL;
- ``_cohorts_sql``, ``_receivables_sql``: cohort retention counts, month-end snapshots and
  roll-rate flows;
- ``_kpis_sql``: the calls' KPI cube (:func:`kpi_cube_on_engine`) and the segment-migration
  counts (:func:`migration_counts_on_engine`);
- ``_writing``: large results written by DuckDB (``COPY``) under ``write_table``'s rules;
- ``_portable``, ``_portable_aging``: the summary and the aging (snapshots, roll-rate flows)
  expressed once in ibis (DuckDB by default; Spark, Trino, BigQuery, Snowflake, PostgreSQL by
  connection);
- ``__main__``: ``python -m helpers.scale summarise|aging ...`` for files larger than memory.

Tests: ``tests/scale/`` (the Spark test is marked ``spark``).
"""

from helpers.scale._cohorts_sql import CohortCounts, cohort_counts_on_engine
from helpers.scale._engine import (
    ENGINE_ROWS,
    EngineSettings,
    connect,
    default_memory_limit,
    is_path,
    use_engine,
)
from helpers.scale._kpis_sql import kpi_cube_on_engine, migration_counts_on_engine
from helpers.scale._portable import portable_summary, summary_expression
from helpers.scale._portable_aging import (
    flows_expression,
    portable_flows,
    portable_snapshots,
    snapshots_expression,
)
from helpers.scale._receivables_sql import flow_on_engine, snapshots_on_engine, stage_flows
from helpers.scale._rfm import EngineSummary, summary_on_engine
from helpers.scale._sources import Source, table_source

__all__ = ["ENGINE_ROWS", "CohortCounts", "EngineSettings", "EngineSummary", "Source",
           "cohort_counts_on_engine", "connect", "default_memory_limit", "flow_on_engine",
           "flows_expression", "is_path", "kpi_cube_on_engine", "migration_counts_on_engine",
           "portable_flows", "portable_snapshots", "portable_summary", "snapshots_expression",
           "snapshots_on_engine", "stage_flows", "summary_expression", "summary_on_engine",
           "table_source", "use_engine"]
