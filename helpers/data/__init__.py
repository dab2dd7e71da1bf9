"""Lessons 00-01: collecting customer information: loading, mapping, quality, privacy, set-up.

Import from here (``from helpers.data import load_table, quality_report``); the modules are:

- :mod:`~helpers.data.loading`   :func:`load_table` (any CSV/Excel/Parquet export, mapped and
  validated, a pipeline of five stages: ``_read`` the grid, ``_columns`` maps headers to course
  columns, ``_coerce`` parses numbers/dates/yes-no, ``_validate`` finds problems, ``_report``
  builds the :class:`LoadReport` and applies ``on_invalid``), :func:`load_course_data` and
  :class:`CourseData` (a folder of course tables);
  ``_inputs``: :func:`load_inputs`, the input contract of every notebook (per table a file and
  a mapping, or a course folder; needed and optional tables; the as-of date and its origin);
- :mod:`~helpers.data.mapping`   :func:`read_mapping`: the column-mapping format (``mappings/*.yaml``);
- :mod:`~helpers.data.writing`   :func:`write_table`: masked, never overwriting;
- data quality, in four private modules: ``_audit`` (:func:`quality_report`,
  :func:`quality_summary`, plots and widget), ``_cleaning`` (``standardise_*``,
  :func:`clean_customers`, city aliases), ``_dedup`` (:func:`duplicate_candidates`,
  :func:`cluster_duplicates`, :func:`golden_records`), ``_freshness`` (:func:`flag_stale`);
- :mod:`~helpers.data.privacy`   masking (by column and by content) and pseudonyms; views by role
  (``access_levels.yaml``) in ``_roles``;
- :mod:`~helpers.data.setup_check`  :func:`run_checks`: is this machine ready (notebook 00);
- ``_public``: :func:`public_dataset`: a public dataset's full file in ``../shared`` when
  present, else its extract in ``datasets/public/`` (same format; notebooks 03, 06, 07, 09).

Tests: ``tests/data/test_<module>.py`` (``test_read.py`` … for the loader's stages,
``test_online_retail.py`` for published figures on real data).
"""

from helpers.data._audit import (
    explore_quality,
    invalid_mask,
    issues_by_column_view,
    plot_completeness,
    quality_report,
    quality_summary,
    skip_without,
)
from helpers.data._cleaning import (
    CityAliases,
    clean_customers,
    load_city_aliases,
    normalise_company_name,
    standardise_city,
    standardise_email,
    standardise_id_number,
    standardise_phone,
    to_halfwidth_frame,
)
from helpers.data._coerce import MISSING_TOKENS, parse_bools, parse_dates, parse_numbers
from helpers.data._dedup import (
    cluster_duplicates,
    dedup_precision_recall,
    duplicate_candidates,
    duplicate_keys,
    golden_records,
    pair_scores,
    plot_pair_scores,
)
from helpers.data._freshness import flag_stale, stale_share
from helpers.data._inputs import Inputs, load_inputs, load_overview
from helpers.data._public import PUBLIC_DATASETS, public_dataset
from helpers.data._roles import (
    AccessLevels,
    Role,
    explore_roles,
    load_access_levels,
    view_for_role,
)
from helpers.data.loading import CourseData, Loaded, LoadReport, load_course_data, load_table
from helpers.data.mapping import (
    ColumnMapping,
    ReadOptions,
    normalise_header,
    read_mapping,
    to_halfwidth,
)
from helpers.data.privacy import (
    DEMO_KEY,
    KEY_ENV,
    choose_pseudonym_key,
    mask_address,
    mask_email,
    mask_frame,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_series,
    mask_text_series,
    mask_value,
    personal_columns_of,
    pseudonymise,
    pseudonymise_frame,
)
from helpers.data.setup_check import (
    explore_signups,
    plot_table_sizes,
    run_checks,
    signup_view,
)
from helpers.data.writing import write_table

__all__ = [
    "DEMO_KEY",
    "KEY_ENV",
    "MISSING_TOKENS",
    "AccessLevels",
    "CityAliases",
    "ColumnMapping",
    "CourseData",
    "LoadReport",
    "Inputs",
    "Loaded",
    "ReadOptions",
    "Role",
    "clean_customers",
    "cluster_duplicates",
    "dedup_precision_recall",
    "duplicate_candidates",
    "duplicate_keys",
    "explore_quality",
    "explore_roles",
    "explore_signups",
    "flag_stale",
    "golden_records",
    "invalid_mask",
    "issues_by_column_view",
    "load_access_levels",
    "load_city_aliases",
    "load_course_data",
    "load_inputs",
    "load_overview",
    "load_table",
    "mask_address",
    "mask_email",
    "mask_frame",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_series",
    "mask_text_series",
    "mask_value",
    "normalise_company_name",
    "normalise_header",
    "pair_scores",
    "parse_bools",
    "parse_dates",
    "parse_numbers",
    "personal_columns_of",
    "plot_completeness",
    "plot_pair_scores",
    "plot_table_sizes",
    "choose_pseudonym_key",
    "pseudonymise",
    "pseudonymise_frame",
    "public_dataset",
    "PUBLIC_DATASETS",
    "quality_report",
    "quality_summary",
    "read_mapping",
    "run_checks",
    "signup_view",
    "skip_without",
    "stale_share",
    "standardise_city",
    "standardise_email",
    "standardise_id_number",
    "standardise_phone",
    "to_halfwidth",
    "to_halfwidth_frame",
    "view_for_role",
    "write_table",
]
