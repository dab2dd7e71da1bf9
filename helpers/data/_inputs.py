"""The one input contract of every notebook: per table a file and an optional mapping.

A notebook that reads data has, for each table it uses, a parameter ``<table>_file`` (CSV,
Excel or Parquet) and ``<table>_mapping`` (a mapping YAML, see ``mappings/``), plus ``data_dir``,
``as_of`` and ``on_invalid``. :func:`load_inputs` turns those into a
:class:`~helpers.data.loading.CourseData`:

- no file given: every table comes from ``data_dir`` (the bundled ``datasets/`` by default);
- files given, ``data_dir`` not: only those files are read; no bundled table is mixed in;
- files and ``data_dir`` given: the folder's tables, each file replacing its table.

Tables a notebook *needs* must be there (else a :class:`DataProblem` naming the parameter to
set); *optional* tables are loaded when present, and the notebook skips the sections that need an
absent one, saying so (:meth:`Inputs.skip`). The as-of date is the one given, else the
generator's (``truth.json``) for a course folder, else the latest date in the data; where it
came from is said (:attr:`Inputs.as_of_source`), never silently the bundled data's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths
from helpers.data.loading import (
    CourseData,
    LoadReport,
    OnInvalid,
    check_foreign_keys,
    latest_date,
    load_table,
    read_truth,
    table_file,
)
from helpers.errors import DataProblem
from helpers.i18n import tr
from helpers.tables import TABLES

__all__ = ["Inputs", "load_inputs", "load_overview"]

#: The date column that says how far each table reaches (the as-of date is the latest of them).
#: The customer list's update date counts only when no event table is loaded.
_DATE_COLUMNS = {"transactions": "purchase_date", "invoices": "issue_date",
                 "payments": "payment_date", "calls": "started_at", "leads": "created_date",
                 "service_contacts": "contacted_at"}
_FALLBACK_DATES = {"customers": "last_updated", "agents": "hire_date"}


@dataclass
class Inputs(CourseData):
    """The tables a notebook loaded, where each came from and how the as-of date was chosen.

    Attributes (beyond :class:`~helpers.data.loading.CourseData`'s tables, ``as_of``,
    ``truth`` and ``reports``): ``sources`` (table -> file read), ``as_of_source`` (why this
    date), ``own_data`` (True when any table came from the analyst's files rather than a course
    folder), ``missing`` (optional tables that are absent).
    """

    sources: dict[str, str] = field(default_factory=dict)
    as_of_source: str = ""
    own_data: bool = False
    missing: list[str] = field(default_factory=list)

    def has(self, *tables: str) -> bool:
        """True when every one of ``tables`` is loaded (and not empty)."""
        return all(getattr(self, t, None) is not None and len(getattr(self, t)) > 0
                   for t in tables)

    def skip(self, section: str, *tables: str) -> bool:
        """Print why ``section`` is skipped and return True when a table it needs is absent.

        Parameters
        ----------
        section : str
            The section's name, as the notebook's heading gives it.
        *tables : str
            The tables it needs.

        Returns
        -------
        bool
            True (and a printed note naming the parameters to set) when the section must be
            skipped; False when it can run.
        """
        absent = [t for t in tables if not self.has(t)]
        if not absent:
            return False
        wanted = ", ".join(f"{t}_file" for t in absent)
        print(tr("Skipped: {section} needs the {tables} table(s), which this run does not have. "
                 "Set {wanted} (and its mapping) to run it.", section=tr(section),
                 tables=", ".join(absent), wanted=wanted))
        return True

    def describe(self) -> str:
        """Two or more lines saying what was loaded from where, and the as-of date's origin."""
        lines = [tr("as of {date} ({source})", date=f"{self.as_of:%Y-%m-%d}",
                    source=tr(self.as_of_source))]
        for name, frame in self.tables.items():
            report = self.reports.get(name)
            dropped = (tr(", {n:,} dropped", n=report.n_dropped)
                       if report and report.n_dropped else "")
            lines.append(tr("  {name}: {n:,} rows{dropped} from {source}", name=name, n=len(frame),
                            dropped=dropped, source=self.sources.get(name, "?")))
        if self.missing:
            lines.append(tr("  not given (sections that need them are skipped): {tables}",
                            tables=", ".join(self.missing)))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _clean(given: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (given or {}).items() if v not in (None, "")}


def _check_names(files: Mapping[str, Any], mappings: Mapping[str, Any],
                 allowed: list[str], context: str) -> None:
    unknown = sorted((set(files) | set(mappings)) - set(allowed))
    if unknown:
        raise DataProblem(f"{context}: table(s) {unknown} are not read here; the tables this "
                          f"notebook reads are {allowed}.")
    orphan = sorted(set(mappings) - set(files))
    if orphan:
        raise DataProblem(f"{context}: a mapping is given for {orphan} but no file: set "
                          f"{', '.join(f'{t}_file' for t in orphan)} too, or remove the mapping.")


def _as_of(as_of: Any, truth: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
           context: str) -> tuple[pd.Timestamp, str]:
    if as_of not in (None, ""):
        try:
            return pd.Timestamp(as_of).normalize(), "as given"
        except (ValueError, TypeError):
            raise DataProblem(f"{context}: as_of={as_of!r} is not a date; write it like "
                              "'2025-12-31', or None for the latest date in the data.") from None
    if truth.get("as_of"):
        return pd.Timestamp(truth["as_of"]), "the generated data's as-of date, truth.json"
    dated = [(t, c) for t, c in _DATE_COLUMNS.items()
             if t in tables and c in tables[t].columns and tables[t][c].notna().any()]
    dated = dated or [(t, c) for t, c in _FALLBACK_DATES.items()
                      if t in tables and c in tables[t].columns and tables[t][c].notna().any()]
    if not dated:
        day = latest_date(tables)
        return day, tr("no date in the data: today; set as_of")
    table, column = max(dated, key=lambda tc: tables[tc[0]][tc[1]].max())
    day = pd.Timestamp(tables[table][column].max()).normalize()
    return day, tr("latest {table}.{column} in the data; set as_of to choose another day",
                   table=table, column=column)


def _plan(tables: list[str], files: Mapping[str, Any], mappings: Mapping[str, Any],
          data_dir: str | Path | None) -> tuple[Path | None, dict[str, Any], dict[str, Any]]:
    """Which file (and mapping) each table is read from: the folder's, then the files given."""
    folder: Path | None = None
    truth: dict[str, Any] = {}
    plan: dict[str, tuple[Any, Any]] = {}
    if not files or data_dir not in (None, ""):
        folder = paths.data_dir(data_dir)
        truth = read_truth(folder)
        plan = {n: (p, None) for n in tables if (p := table_file(folder, n)) is not None}
    plan.update({n: (files[n], mappings.get(n)) for n in tables if n in files})
    return folder, truth, plan


def _require(needs: list[str], plan: Mapping[str, Any], folder: Path | None,
             context: str) -> None:
    absent = [t for t in needs if t not in plan]
    if absent:
        where = f"the folder {folder}" if folder is not None else "the files given"
        raise DataProblem(f"{context}: needs the {' and '.join(absent)} table, absent from "
                          f"{where}. Set {', '.join(f'{t}_file' for t in absent)} (and "
                          f"{', '.join(f'{t}_mapping' for t in absent)} if its headers differ "
                          "from the course's; see mappings/).")


# Long: the docstring of the notebooks' one entry point is most of it
def load_inputs(
    needs: Iterable[str],
    optional: Iterable[str] = (),
    files: Mapping[str, str | Path | None] | None = None,
    mappings: Mapping[str, str | Path | Mapping[str, Any] | None] | None = None,
    data_dir: str | Path | None = None,
    as_of: Any = None,
    on_invalid: OnInvalid = "raise",
    context: str = "inputs",
) -> Inputs:
    """Load the tables a notebook uses from the analyst's files or a course data folder.

    Parameters
    ----------
    needs : iterable of str
        Tables every section needs (missing: :class:`DataProblem`).
    optional : iterable of str
        Tables some sections use; loaded when present (``Inputs.missing`` lists the absent).
    files : mapping, optional
        Table -> file (the notebook's ``<table>_file`` parameters); ``None`` values ignored.
    mappings : mapping, optional
        Table -> mapping YAML or dict (``<table>_mapping``); ``None`` values ignored.
    data_dir : str or Path, optional
        Course data folder; with no files it is the only source (default: bundled data).
    as_of : date-like, optional
        The observation end. Default: ``truth.json``'s for a course folder, else the latest
        date in the data (announced in :attr:`Inputs.as_of_source`).
    on_invalid : {"raise", "drop", "keep"}
        What the loader does with unusable rows and with orphan keys across tables.
    context : str
        Named in error messages (e.g. ``"notebook 04"``).

    Returns
    -------
    Inputs
        The tables, their load reports and sources, the as-of date and its origin.

    Raises
    ------
    DataProblem
        A needed table absent, a mapping without its file, a table the notebook does not read,
        an unreadable as-of date, or what :func:`~helpers.data.load_table` raises.

    Examples
    --------
    >>> data = load_inputs(["transactions"], optional=["customers"])
    >>> data.as_of_source, data.has("customers"), data.missing
    ("the generated data's as-of date, truth.json", True, [])
    """
    needs, optional = list(needs), [t for t in optional if t not in needs]
    files, mappings = _clean(files), _clean(mappings)
    _check_names(files, mappings, needs + optional, context)
    folder, truth, plan = _plan(needs + optional, files, mappings, data_dir)
    _require(needs, plan, folder, context)
    reports: dict[str, LoadReport] = {}
    tables: dict[str, pd.DataFrame] = {}
    for name in [n for n in needs + optional if n in plan]:
        path, mapping = plan[name]
        tables[name], reports[name] = load_table(path, name, mapping=mapping,
                                                 on_invalid=on_invalid, return_report=True)
    sources = {name: str(plan[name][0]) for name in tables}
    check_foreign_keys(tables, reports, on_invalid, context)
    if files:
        truth = {}  # the planted truth describes the folder's data, not the analyst's files
    day, origin = _as_of(as_of, truth, tables, context)
    home = folder if folder is not None else Path(str(next(iter(files.values())))).parent
    return Inputs(data_dir=home.expanduser().resolve(), as_of=day, truth=truth,
                  reports=reports, sources=sources, as_of_source=origin,
                  own_data=bool(files) or data_dir not in (None, ""),
                  missing=[t for t in optional if t not in tables],
                  **{n: f for n, f in tables.items() if n in TABLES})


def load_overview(data: CourseData) -> pd.DataFrame:
    """One row per loaded table: file, rows read, kept and dropped, problems and encoding.

    Parameters
    ----------
    data : Inputs
        From :func:`load_inputs` (or any CourseData with reports).

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

