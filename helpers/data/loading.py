"""Loading a course table from any export (CSV, Excel or Parquet), mapped and validated.

One loader serves every table of :mod:`helpers.tables`:

>>> tx = load_table("my_export.csv", "transactions", mapping="mappings/my_crm.yaml")  # doctest: +SKIP

:func:`load_table` is a short pipeline of five stages, each a module of its own:

1. **read** (:mod:`helpers.data._read`): the file's cells, its encoding, delimiter and header row;
2. **map** (:mod:`helpers.data._columns`): the file's headers to course columns, derived columns;
3. **coerce** (:mod:`helpers.data._coerce`): numbers, dates and yes/no values from text;
4. **validate** (:mod:`helpers.data._validate`): every problem found, as
   :class:`~helpers.errors.Problem` findings;
5. **report** (:mod:`helpers.data._report`): the :class:`LoadReport`, and what ``on_invalid``
   says to do: ``"raise"`` one :class:`~helpers.errors.DataProblem` listing every problem
   (file, column, up to five rows as numbered in the file, the values, and how to fix),
   ``"drop"`` the offending rows, or ``"keep"`` them with the bad cells empty.

Large files: a UTF-8 CSV whose rows all have the header's number of fields is read by pyarrow
(:mod:`helpers.data._fast_read`), and columns already clean (ASCII, trimmed, ISO dates, plain
numbers, unique keys) are checked with one vectorised pass each; a column whose every cell is
plainly a number, ISO date or yes/no goes straight to its type (:mod:`helpers.data._typed`)
and its text is freed at once. A file or column that is not is read value by value as before, so
a bad row among millions is still named by its file row. A table of 100k to 2M rows is validated
on two threads, typed columns beside text columns (:mod:`helpers.data._lanes`), with the same
results in the same order.

``load_table(..., return_report=True)`` returns the table and its report as a :class:`Loaded`
pair. :func:`load_course_data` loads a folder of course tables into a :class:`CourseData`. The
input file is only ever read; outputs go through :func:`helpers.data.write_table`.

>>> frame, report = load_table(pd.DataFrame({"客户编号": ["C1"], "交易时间": ["2024/3/5"],
...                                          "金额": ["1,200"]}), "transactions",
...                            return_report=True)
>>> frame[["customer_id", "purchase_date", "amount"]].to_dict("records")
[{'customer_id': 'C1', 'purchase_date': Timestamp('2024-03-05 00:00:00'), 'amount': 1200.0}]
>>> report.ok, report.columns["金额"]
(True, 'amount')
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

import pandas as pd

from helpers import paths
from helpers.data._columns import known_headers, map_columns
from helpers.data._read import RawTable, check_shape, existing_file, frame_as_raw, read_raw
from helpers.data._report import (
    LoadReport,
    OnInvalid,
    finish,
    load_problem,
    transaction_notes,
    warn_cautions,
)
from helpers.data._validate import ReadHints, future_dates_caution, validate
from helpers.data.mapping import ColumnMapping, read_mapping
from helpers.errors import DataProblem, Problem
from helpers.tables import TABLES, Table

__all__ = ["FOREIGN_KEYS", "CourseData", "Loaded", "LoadReport", "check_foreign_keys",
           "load_course_data", "load_table"]

MappingSource = str | Path | Mapping[str, Any] | ColumnMapping


class Loaded(NamedTuple):
    """A loaded table and the report of how it was loaded (``load_table(..., return_report=True)``)."""

    frame: pd.DataFrame
    report: LoadReport


def _course_table(table: str) -> Table:
    if table not in TABLES:
        raise DataProblem(f"unknown table {table!r}; the course's tables are {sorted(TABLES)}")
    return TABLES[table]


def _read_stage(path: str | Path | pd.DataFrame, t: Table, mapping: ColumnMapping,
                options: dict[str, Any]) -> tuple[str, RawTable]:
    """Stage 1: the file's name (for messages) and its rows under its own column names."""
    if isinstance(path, pd.DataFrame):
        return "the DataFrame", frame_as_raw(path)
    file = str(path)
    raw = read_raw(existing_file(path), file, t.name, options,
                   known_headers(t, mapping.columns), narrow=True)
    return file, raw


def _read_options(mapping: ColumnMapping, **given: Any) -> dict[str, Any]:
    """The mapping's ``read`` options, overridden by those given to :func:`load_table`."""
    options = mapping.read.given()
    options.update({k: v for k, v in given.items() if v is not None})
    return options


@overload
def load_table(path: str | Path | pd.DataFrame, table: str, mapping: MappingSource | None = ...,
               encoding: str | None = ..., sep: str | None = ..., sheet: str | int | None = ...,
               header: int | None = ..., skiprows: int | None = ...,
               on_invalid: OnInvalid = ..., keep_extra: bool = ..., *,
               return_report: Literal[False] = ..., accept: Collection[str] = ...,
               as_of: pd.Timestamp | str | None = ...) -> pd.DataFrame: ...


@overload
def load_table(path: str | Path | pd.DataFrame, table: str, mapping: MappingSource | None = ...,
               encoding: str | None = ..., sep: str | None = ..., sheet: str | int | None = ...,
               header: int | None = ..., skiprows: int | None = ...,
               on_invalid: OnInvalid = ..., keep_extra: bool = ..., *,
               return_report: Literal[True], accept: Collection[str] = ...,
               as_of: pd.Timestamp | str | None = ...) -> Loaded: ...


# Long: the numpydoc docstring of eleven parameters; the body is the five-stage pipeline.
def load_table(
    path: str | Path | pd.DataFrame,
    table: str,
    mapping: MappingSource | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    header: int | None = None,
    skiprows: int | None = None,
    on_invalid: OnInvalid = "raise",
    keep_extra: bool = True,
    *,
    return_report: bool = False,
    accept: Collection[str] = (),
    as_of: pd.Timestamp | str | None = None,
) -> pd.DataFrame | Loaded:
    """Load one course table from a CSV, Excel or Parquet file (or a DataFrame), validated.

    Parameters
    ----------
    path : str, Path or DataFrame
        The file (``.csv``, ``.txt``, ``.tsv``, ``.gz``, ``.xlsx``, ``.xls``, ``.parquet``) or a
        DataFrame to validate.
    table : str
        Course table the file holds (``customers``, ``transactions`` …; see :mod:`helpers.tables`).
    mapping : str, Path or dict, optional
        Column mapping (YAML file or dict; see :func:`~helpers.data.read_mapping`). Headers equal
        to a course column or its Chinese name need no mapping.
    encoding, sep : str, optional
        Text encoding and delimiter; detected when not given (override the mapping's ``read``).
    sheet : str or int, optional
        Excel sheet (default: the first).
    header : int, optional
        Row number (1 = first row of the file) of the header; detected when not given.
    skiprows : int, optional
        Lines to skip at the top of a text file before anything else.
    on_invalid : {"raise", "drop", "keep"}
        What to do with invalid rows: raise one :class:`~helpers.errors.DataProblem` listing every
        problem, drop the rows (reported), or keep them with the invalid cells empty (reported).
    keep_extra : bool
        Keep file columns that map to no course column (at the end, as text).
    return_report : bool
        Also return the :class:`LoadReport` (what was read, found, dropped).
    accept : collection of str
        Kinds of :class:`~helpers.data._report.LoadWarning` to accept silently (still noted in the
        report): ``ambiguous_decimal``, ``ambiguous_date_order``, ``future_dates``,
        ``implausible_number``, ``several_sheets``.
    as_of : Timestamp or str, optional
        The data's observation date; dates more than a month after it are warned about
        (default: today).

    Returns
    -------
    DataFrame or Loaded
        Course columns in canonical order with nullable dtypes (``string``, ``Int64``,
        ``Float64``, ``boolean``, ``datetime64[ns]``); with ``return_report=True`` a
        :class:`Loaded` ``(frame, report)``.

    Raises
    ------
    DataProblem
        Listing every problem found (file, column, up to five rows as numbered in the file with
        their values, and how to fix). Problems that concern the whole file (empty, unreadable,
        missing required columns, a bad mapping) raise whatever ``on_invalid`` says.
    """
    if on_invalid not in {"raise", "drop", "keep"}:
        raise DataProblem(f"on_invalid must be 'raise', 'drop' or 'keep', not {on_invalid!r}")
    t = _course_table(table)
    spec = read_mapping(mapping if mapping is not None else {"columns": {}}, table=table)
    options = _read_options(spec, encoding=encoding, sep=sep, sheet=sheet, header=header,
                            skiprows=skiprows)
    file, raw = _read_stage(path, t, spec, options)                              # 1. read
    report = LoadReport(file=file, table=table, rows_read=len(raw.frame), encoding=raw.encoding,
                        sep=raw.sep, header_row=raw.header_row, notes=list(raw.notes),
                        encoding_confidence=raw.info.confidence, sheet=raw.info.sheet,
                        other_sheets=list(raw.info.other_sheets))
    check_shape(raw, file, table)
    mapped = map_columns(raw.frame, t, spec, file)                               # 2. map
    raw.frame = raw.frame.iloc[:0, :0]  # the cells as read: freed as each column is coerced
    report.columns = mapped.columns
    report.notes += mapped.notes
    hints = ReadHints(options.get("decimal"), options.get("thousands"), raw.sep)
    values, problems, invalid, notes, cautions = validate(                       # 3-4. coerce,
        mapped.frame, t, raw.row_numbers, mapped.source_of, spec.values, spec.formats, hints)
    report.notes += notes
    result = values[[c for c in t.names if c in values.columns]]
    when = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    warn_cautions(report, raw.info.cautions + cautions + future_dates_caution(result, t, when),
                  accept)
    if keep_extra and mapped.extra.shape[1]:
        result = pd.concat([result, mapped.extra.astype("string")], axis=1)
    if t.name == "transactions":
        report.notes += transaction_notes(result)
    result = finish(result, problems, invalid, raw.row_numbers, on_invalid, report)  # 5. report
    return Loaded(result, report) if return_report else result


# --------------------------------------------------------------------------------------------
# the course's folder of tables


@dataclass
class CourseData:
    """The course tables of one data folder, loaded and validated.

    Attributes are the tables (``None`` when not loaded), ``as_of`` (the observation end date),
    ``truth`` (planted truths from ``truth.json``; empty when absent) and ``reports`` (the
    :class:`LoadReport` of each loaded table, by name).
    """

    data_dir: Path
    as_of: pd.Timestamp
    truth: dict[str, Any] = field(default_factory=dict)
    customers: pd.DataFrame | None = None
    transactions: pd.DataFrame | None = None
    invoices: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    agents: pd.DataFrame | None = None
    calls: pd.DataFrame | None = None
    leads: pd.DataFrame | None = None
    service_contacts: pd.DataFrame | None = None
    reports: dict[str, LoadReport] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The loaded tables by name."""
        return {n: getattr(self, n) for n in TABLES if getattr(self, n) is not None}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = getattr(self, name, None) if name in TABLES else None
        if frame is None:
            raise KeyError(f"table {name!r} is not loaded; loaded are {sorted(self.tables)}")
        return frame

    def sizes(self) -> pd.DataFrame:
        """Rows and columns of each loaded table.

        Returns
        -------
        DataFrame
            ``table, rows, columns``, one row per loaded table.
        """
        return pd.DataFrame(
            [{"table": n, "rows": len(f), "columns": f.shape[1]} for n, f in self.tables.items()]
        )


def table_file(folder: Path, name: str) -> Path | None:
    for suffix in (".csv", ".csv.gz", ".parquet", ".xlsx"):
        p = folder / f"{name}{suffix}"
        if p.is_file():
            return p
    return None


def read_truth(folder: Path) -> dict[str, Any]:
    tf = folder / "truth.json"
    if not tf.is_file():
        return {}
    try:
        truth: dict[str, Any] = json.loads(tf.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataProblem(f"{tf} is not valid JSON ({exc}); regenerate the dataset.") from None
    return truth


def latest_date(loaded: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest date of any date column but due dates (which lie in the future)."""
    latest = [
        frame[c.name].max()
        for name, frame in loaded.items()
        for c in TABLES[name].columns
        if c.dtype in ("date", "datetime") and c.name in frame.columns
        and c.name not in ("due_date",)
    ]
    latest = [v for v in latest if pd.notna(v)]
    return max(latest).normalize() if latest else pd.Timestamp.today().normalize()


#: Foreign keys between the course tables: (table, column) must be found in (table, column).
FOREIGN_KEYS = [
    ("transactions", "customer_id", "customers", "customer_id"),
    ("invoices", "customer_id", "customers", "customer_id"),
    ("payments", "invoice_id", "invoices", "invoice_id"),
    ("calls", "agent_id", "agents", "agent_id"),
    ("calls", "customer_id", "customers", "customer_id"),
]


def check_foreign_keys(loaded: dict[str, pd.DataFrame], reports: Mapping[str, LoadReport],
                       on_invalid: OnInvalid, where: str) -> None:
    """Rows whose customer, invoice or agent is not in the table it refers to (orphans).

    ``"raise"``: one :class:`DataProblem` listing each orphan column with counts and a few
    IDs; ``"drop"``: the rows are dropped from ``loaded`` (in place) and noted in the report;
    ``"keep"``: noted only.

    Parameters
    ----------
    loaded : dict
        Table name -> loaded table (changed in place under ``"drop"``).
    reports : mapping
        Table name -> its load report (notes added).
    on_invalid : {"raise", "drop", "keep"}
        What to do with orphan rows.
    where : str
        The folder (for messages).

    Raises
    ------
    DataProblem
        Under ``"raise"``, when any table has orphan rows.
    """
    problems = []
    for table, col, ref, ref_col in FOREIGN_KEYS:
        if table not in loaded or ref not in loaded or col not in loaded[table]:
            continue
        frame = loaded[table]
        keys = frame[col]
        # as objects: pandas' isin on Arrow strings builds one scalar per reference value
        known = keys.astype(object).isin(loaded[ref][ref_col].astype(object))
        orphan = (keys.notna() & ~known).to_numpy(bool)
        if not orphan.any():
            continue
        ids = list(dict.fromkeys(keys[orphan].astype(str)))
        text = (f"{int(orphan.sum())} row(s) of {table} refer to {len(ids)} {col}(s) not in "
                f"{ref} (e.g. {', '.join(ids[:5])})")
        problems.append(Problem(
            "orphan_key", column=f"{table}.{col}", count=int(orphan.sum()), detail=text + ".",
            fix=f"add the missing {ref} rows (an export filtered by date or region?), or load "
                "with on_invalid='drop' to leave these rows out."))
        if on_invalid == "drop":
            loaded[table] = frame.loc[~orphan].reset_index(drop=True)
            reports[table].notes.append(text + "; dropped.")
            reports[table].rows_kept = len(loaded[table])
        elif on_invalid == "keep":
            reports[table].notes.append(text + "; kept.")
    if problems and on_invalid == "raise":
        raise load_problem(where, problems)


def load_course_data(
    data_dir: str | Path | None = None,
    tables: Iterable[str] | None = None,
    on_invalid: OnInvalid = "raise",
) -> CourseData:
    """Load the course tables from a folder (default: the bundled ``datasets/``).

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with ``customers.csv``, ``transactions.csv`` … (as written by
        ``helpers.simulate.write_datasets``); ``None`` for the bundled data.
    tables : iterable of str, optional
        Which tables to load (default: every course table whose file is present).
    on_invalid : {"raise", "drop", "keep"}
        For each table (see :func:`load_table`) and for orphan rows, whose customer, invoice or
        agent is missing from the table it refers to (:data:`FOREIGN_KEYS`).

    Returns
    -------
    CourseData
        ``as_of`` comes from ``truth.json`` (key ``as_of``) or else the latest date in the data;
        ``reports`` holds each table's :class:`LoadReport`.

    Raises
    ------
    DataProblem
        When a requested table's file is missing, a file does not validate, or (with
        ``on_invalid="raise"``) rows refer to customers, invoices or agents not loaded.
    """
    folder = paths.data_dir(data_dir)
    wanted = list(tables) if tables is not None else list(TABLES)
    unknown = [n for n in wanted if n not in TABLES]
    if unknown:
        raise DataProblem(f"unknown table(s) {unknown}; the course's tables are {sorted(TABLES)}")
    loaded: dict[str, pd.DataFrame] = {}
    reports: dict[str, LoadReport] = {}
    for name in wanted:
        f = table_file(folder, name)
        if f is None:
            if tables is not None:
                raise DataProblem(f"{folder} has no file for table {name!r} (expected {name}.csv). "
                                  "Generate a dataset with `python -m helpers.simulate` or point "
                                  "data_dir at the folder holding your tables.", file=str(folder))
            continue
        loaded[name], reports[name] = load_table(f, name, on_invalid=on_invalid,
                                                 return_report=True)
    if not loaded:
        raise DataProblem(f"{folder} holds none of the course tables ({', '.join(TABLES)}; "
                          "expected e.g. customers.csv).", file=str(folder))
    check_foreign_keys(loaded, reports, on_invalid, str(folder))
    truth = read_truth(folder)
    as_of = pd.Timestamp(truth["as_of"]) if truth.get("as_of") else latest_date(loaded)
    return CourseData(data_dir=folder, as_of=as_of, truth=truth, reports=reports, **loaded)
