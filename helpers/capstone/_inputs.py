"""Capstone, step 1: load the analyst's files (or a course folder), and what the loader did.

The tables are loaded and validated by :func:`helpers.data.loading.load_table`; this module
only decides which files to read, which as-of date to use, and keeps every table's
:class:`~helpers.data.loading.LoadReport` beside it (in :attr:`CapstoneData.reports`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data import CourseData, Inputs, load_overview, quality_summary
from helpers.data import load_inputs as load_data
from helpers.data.loading import OnInvalid
from helpers.errors import DataProblem

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


#: The capstone's data: :class:`helpers.data.Inputs` (tables, reports, sources, as-of origin).
CapstoneData = Inputs


def load_inputs(
    files: Mapping[str, str | Path | None] | None = None,
    mappings: Mapping[str, str | Path | Mapping[str, Any] | None] | None = None,
    data_dir: str | Path | None = None,
    as_of: Any = None,
    on_invalid: OnInvalid = "drop",
) -> Inputs:
    """Load the analyst's files (or a course data folder) for the capstone.

    :func:`helpers.data.load_inputs` with the capstone's tables: transactions needed; customers,
    invoices, payments, calls and service contacts optional.

    Parameters
    ----------
    files : mapping, optional
        Table name -> file, for the tables of :data:`INPUT_TABLES`; ``None`` values are ignored.
        With files and no ``data_dir``, only the files given are used (no bundled table).
    mappings : mapping, optional
        Table name -> mapping YAML (or dict) for that file; see CONTRIBUTING.md.
    data_dir : str or Path, optional
        Course data folder (the bundled data by default) used for the tables not given as files.
    as_of : date-like, optional
        Observation end. Default: ``truth.json``'s ``as_of`` in a course folder, else the latest
        purchase, invoice, payment or call date in the data.
    on_invalid : {"drop", "raise", "keep"}
        What the loader does with invalid rows (``"drop"``: leave them out and report them).

    Returns
    -------
    Inputs
        The loaded tables (``None`` when absent), ``as_of`` and its origin, and ``reports``.

    Raises
    ------
    DataProblem
        Unknown table names, a mapping without its file, no transactions, or any problem the
        loader reports with ``on_invalid="raise"``.

    Examples
    --------
    >>> data = load_inputs()                                     # the bundled course data
    >>> str(data.as_of.date()), sorted(data.reports) == sorted(data.tables)
    ('2025-12-31', True)
    """
    given = {k: v for k, v in (files or {}).items() if v not in (None, "")}
    unknown = sorted(set(given) - set(INPUT_TABLES))
    if unknown:
        raise DataProblem(f"capstone: unknown table(s) {unknown}; the files you can give are "
                          f"{list(INPUT_TABLES)}.")
    optional = [t for t in FOLDER_TABLES if t != "transactions"]
    return load_data(["transactions"], optional, files=given, mappings=mappings,
                     data_dir=data_dir, as_of=as_of, on_invalid=on_invalid,
                     context="capstone")


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
