"""Capstone, step 1: load the analyst's files (or a course folder), and what the loader did.

The tables are loaded and validated by :func:`helpers.data.loading.load_table`; this module
only decides which files to read, which as-of date to use, and keeps every table's
:class:`~helpers.data.loading.LoadReport` beside it (in :attr:`CapstoneData.reports`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.data import CourseData, LoadReport, load_table, quality_summary
from helpers.errors import DataProblem
from helpers.paths import data_dir as resolve_data_dir

__all__ = [
    "FOLDER_TABLES",
    "INPUT_TABLES",
    "CapstoneData",
    "customer_base",
    "load_inputs",
    "load_overview",
    "quality_overview",
    "transactions_of",
]

#: Tables an analyst can give as files (transactions is required).
INPUT_TABLES = ("transactions", "customers", "invoices", "payments", "calls")
#: Tables read from a course data folder when no transactions file is given.
FOLDER_TABLES = (*INPUT_TABLES, "service_contacts")
#: What the loader does with rows it cannot use (see :func:`helpers.data.load_table`).
OnInvalid = Literal["drop", "raise", "keep"]
_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")
_DATE_COLUMNS = {"transactions": "purchase_date", "invoices": "issue_date",
                 "payments": "payment_date", "calls": "started_at"}


@dataclass
class CapstoneData(CourseData):
    """The loaded tables (a :class:`~helpers.data.loading.CourseData`) and their load reports.

    ``reports`` maps each loaded table's name to the
    :class:`~helpers.data.loading.LoadReport` saying what was read, kept and dropped.
    """

    reports: dict[str, LoadReport] = field(default_factory=dict)


def _load(path: Any, name: str, mapping: Any, on_invalid: OnInvalid,
          reports: dict[str, LoadReport]) -> pd.DataFrame:
    """Load one table with :func:`load_table` and keep its report in ``reports``."""
    frame, reports[name] = load_table(path, name, mapping=mapping, on_invalid=on_invalid,
                                      return_report=True)
    return frame


def _folder_file(folder: Path, name: str) -> Path | None:
    for suffix in _SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _latest_date(tables: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    latest = [tables[t][c].max() for t, c in _DATE_COLUMNS.items()
              if t in tables and c in tables[t].columns and len(tables[t])]
    latest = [v for v in latest if pd.notna(v)]
    if not latest:
        raise DataProblem("cannot tell the as-of date: no table has a readable date. Give "
                          "as_of='YYYY-MM-DD' in the parameters cell.")
    return pd.Timestamp(max(latest)).normalize()


def _check_names(files: Mapping[str, Any], mappings: Mapping[str, Any]) -> None:
    """Refuse unknown tables, a mapping without its file, and files without transactions."""
    unknown = sorted(set(files) - set(INPUT_TABLES)) + sorted(set(mappings) - set(INPUT_TABLES))
    if unknown:
        raise DataProblem(f"capstone: unknown table(s) {unknown}; the files you can give are "
                          f"{list(INPUT_TABLES)}.")
    orphan = sorted(set(mappings) - set(files))
    if orphan:
        raise DataProblem(f"capstone: a mapping is given for {orphan} but no file: set "
                          f"{', '.join(f'{t}_file' for t in orphan)} too, or remove the mapping.")
    if files and "transactions" not in files:
        raise DataProblem(f"capstone: files are given for {sorted(files)} but not for "
                          "transactions, which every section needs. Set transactions_file (your "
                          "sales export), or leave every *_file at None for the bundled data.")


def _read_truth(folder: Path) -> dict[str, Any]:
    """``truth.json`` of a course data folder (empty when absent or unreadable)."""
    truth_file = folder / "truth.json"
    if not truth_file.is_file():
        return {}
    try:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return truth if isinstance(truth, dict) else {}


def _load_folder(data_dir: str | Path | None, on_invalid: OnInvalid,
                 reports: dict[str, LoadReport]) -> tuple[Path, dict[str, pd.DataFrame]]:
    """Every course table found in ``data_dir`` (the bundled data by default)."""
    folder = resolve_data_dir(data_dir)
    tables = {}
    for name in FOLDER_TABLES:
        path = _folder_file(folder, name)
        if path is not None:
            tables[name] = _load(path, name, None, on_invalid, reports)
    if "transactions" not in tables:
        raise DataProblem(f"{folder} has no transactions file (transactions.csv); point "
                          "data_dir at a course data folder or set transactions_file.")
    return folder, tables


def _as_of_day(as_of: Any, truth: Mapping[str, Any],
               tables: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    """The observation end: as given, else truth.json's, else the latest date in the data."""
    if as_of not in (None, ""):
        try:
            return pd.Timestamp(as_of).normalize()
        except (ValueError, TypeError):
            raise DataProblem(f"capstone: as_of={as_of!r} is not a date; write it like "
                              "'2025-12-31', or None for the latest date in the data.") from None
    if truth.get("as_of"):
        return pd.Timestamp(truth["as_of"])
    return _latest_date(tables)


def load_inputs(
    files: Mapping[str, str | Path | None] | None = None,
    mappings: Mapping[str, str | Path | Mapping[str, Any] | None] | None = None,
    data_dir: str | Path | None = None,
    as_of: Any = None,
    on_invalid: OnInvalid = "drop",
) -> CapstoneData:
    """Load the analyst's files (or a course data folder), each validated by ``load_table``.

    Parameters
    ----------
    files : mapping, optional
        Table name -> file, for the tables of :data:`INPUT_TABLES`; ``None`` values are ignored.
        Without a transactions file every table comes from ``data_dir`` (the bundled data by
        default); with one, only the files given are used (no bundled table is mixed in).
    mappings : mapping, optional
        Table name -> mapping YAML (or dict) for that file; see CONTRIBUTING.md.
    data_dir : str or Path, optional
        Course data folder used when no transactions file is given.
    as_of : date-like, optional
        Observation end. Default: ``truth.json``'s ``as_of`` in a course folder, else the latest
        purchase, invoice, payment or call date in the data.
    on_invalid : {"drop", "raise", "keep"}
        What the loader does with invalid rows (``"drop"``: leave them out and report them).

    Returns
    -------
    CapstoneData
        The loaded tables (``None`` when absent), ``as_of``, and ``reports``: per table, the
        :class:`~helpers.data.loading.LoadReport` of what was read, kept and dropped.

    Raises
    ------
    DataProblem
        Unknown table names, a mapping without its file, a missing file, or any problem the
        loader reports with ``on_invalid="raise"``.

    Examples
    --------
    >>> data = load_inputs()                                     # the bundled course data
    >>> str(data.as_of.date()), sorted(data.reports) == sorted(data.tables)
    ('2025-12-31', True)
    """
    files = {k: v for k, v in (files or {}).items() if v not in (None, "")}
    mappings = {k: v for k, v in (mappings or {}).items() if v not in (None, "")}
    _check_names(files, mappings)
    reports: dict[str, LoadReport] = {}
    truth: dict[str, Any] = {}
    if files:
        folder = Path(str(files["transactions"])).expanduser().resolve().parent
        tables = {name: _load(files[name], name, mappings.get(name), on_invalid, reports)
                  for name in INPUT_TABLES if name in files}
    else:
        folder, tables = _load_folder(data_dir, on_invalid, reports)
        truth = _read_truth(folder)
    day = _as_of_day(as_of, truth, tables)
    return CapstoneData(data_dir=folder, as_of=day, truth=truth, reports=reports, **tables)


def load_overview(data: CapstoneData) -> pd.DataFrame:
    """One row per loaded table: file, rows read, kept and dropped, problems and encoding.

    Parameters
    ----------
    data : CapstoneData
        From :func:`load_inputs`.

    Returns
    -------
    DataFrame
        Indexed by ``table``: ``file``, ``rows_read``, ``rows_kept``, ``rows_dropped``,
        ``problems`` and ``encoding``.
    """
    rows = []
    reports = getattr(data, "reports", {})
    for name, frame in data.tables.items():
        rep = reports.get(name)
        rows.append({
            "table": name,
            "file": Path(rep.file).name if rep else "",
            "rows_read": rep.rows_read if rep else len(frame),
            "rows_kept": len(frame),
            "rows_dropped": rep.n_dropped if rep else 0,
            "problems": len(rep.problems) if rep else 0,
            "encoding": (rep.encoding or "") if rep else "",
        })
    return pd.DataFrame(rows, columns=["table", "file", "rows_read", "rows_kept", "rows_dropped",
                                       "problems", "encoding"]).set_index("table")


def quality_overview(data: CourseData) -> pd.DataFrame:
    """:func:`helpers.data.quality.quality_summary` for every loaded table, one row per table.

    Parameters
    ----------
    data : CourseData
        The loaded tables (staleness is measured at ``data.as_of``).

    Returns
    -------
    DataFrame
        Indexed by ``table``, one column per summary figure (``stale_share`` always present).
    """
    rows = {name: quality_summary(frame, name, as_of=data.as_of)
            for name, frame in data.tables.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "table"
    if "stale_share" not in out.columns:
        out["stale_share"] = np.nan
    return out


def transactions_of(data: CourseData) -> pd.DataFrame:
    """``data.transactions``, which every section needs.

    Raises
    ------
    DataProblem
        If no transactions table is loaded.
    """
    if data.transactions is None:
        raise DataProblem("capstone: no transactions table is loaded; load it with "
                          "load_inputs(), which needs one.")
    return data.transactions


def customer_base(data: CourseData) -> pd.DataFrame:
    """The customers table, extended with a bare row for every buyer or debtor it lacks.

    Helpers that need a customers table (life cycle, collection types) then work on a
    transactions file alone: customers known only from their purchases have just an id.

    Parameters
    ----------
    data : CourseData
        The loaded tables; ``transactions`` is required.

    Returns
    -------
    DataFrame
        One row per customer id (the customers table's columns, empty for added buyers).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["A", "B", "B"]})
    >>> known = pd.DataFrame({"customer_id": ["A", "C"], "name": ["Ann", "Cy"]})
    >>> base = customer_base(CourseData(data_dir=Path("."), as_of=pd.Timestamp("2025-01-01"),
    ...                                 transactions=tx, customers=known))
    >>> base["customer_id"].tolist()
    ['A', 'C', 'B']
    """
    ids = [transactions_of(data)["customer_id"]]
    for frame in (data.invoices, data.payments):
        if frame is not None:
            ids.append(frame["customer_id"])
    seen = pd.Index(pd.concat(ids, ignore_index=True).dropna().astype("string").unique())
    if data.customers is None:
        return pd.DataFrame({"customer_id": seen.astype("string")})
    known = data.customers.drop_duplicates("customer_id")
    extra = seen.difference(pd.Index(known["customer_id"].astype("string")))
    if len(extra) == 0:
        return known.reset_index(drop=True)
    return pd.concat([known, pd.DataFrame({"customer_id": pd.array(extra, dtype="string")})],
                     ignore_index=True)
