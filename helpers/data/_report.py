"""Loader stage 5, the report: what was read and found, and what ``on_invalid`` does about it.

:class:`LoadReport` is what :func:`helpers.data.load_table` hands back beside the table (with
``return_report=True``); :func:`finish` applies ``on_invalid`` (raise one error listing every
problem, drop the rows, or keep them) and :func:`load_problem` builds that error.

>>> report = LoadReport(file="orders.csv", table="transactions", rows_read=3, rows_kept=3)
>>> print(report)
Load report for orders.csv -> table 'transactions': 3 data row(s) read, 3 kept.
No problems found.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from html import escape
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, Problem
from helpers.i18n import tr

__all__ = ["MAX_DROPPED_LISTED", "MAX_ROWS_SHOWN", "Caution", "LoadReport", "LoadWarning",
           "OnInvalid", "finish", "load_problem", "transaction_notes", "warn_cautions"]

#: Rows shown per problem in messages.
MAX_ROWS_SHOWN = 5
#: Dropped rows listed in a report (the count is always complete).
MAX_DROPPED_LISTED = 1000

OnInvalid = Literal["raise", "drop", "keep"]


class LoadWarning(UserWarning):
    """Data that may be legitimate but may also be read wrongly: the loader says what it assumed.

    Each warning has a kind (``ambiguous_decimal``, ``ambiguous_date_order``, ``future_dates``,
    ``implausible_number``, ``several_sheets``); ``load_table(..., accept=[kind])`` accepts it
    (the note stays in the :class:`LoadReport`, no warning is raised).
    """


class Caution(NamedTuple):
    """A finding that is not an error: its kind (for ``accept=``) and the message.

    >>> Caution("future_dates", "2 dates lie in the future.").kind
    'future_dates'
    """

    kind: str
    text: str


@dataclass(repr=False)
class LoadReport:
    """What the loader found and did: problems, dropped rows, notes. ``str()`` reads well.

    Attributes
    ----------
    file, table : str
        The file read and the course table it was loaded as.
    rows_read, rows_kept : int
        Data rows read from the file, and rows in the table returned.
    problems : list of Problem
        Every finding (empty when the file is clean).
    notes : list of str
        Things worth knowing that are not problems (title rows skipped, returns counted …).
    dropped_rows : list of int
        File row numbers of the dropped rows (the first 1000); ``n_dropped`` counts them all.
    encoding, sep : str, optional
        Text encoding and delimiter used (text files only).
    encoding_confidence : float, optional
        How sure the encoding detection was (1.0: a BOM, valid UTF-8 or the encoding given).
    sheet : str, optional
        The Excel sheet read; ``other_sheets`` lists the workbook's other sheets.
    warnings : list of Caution
        Assumptions the loader made that may be wrong (each also raised as a
        :class:`LoadWarning` unless accepted, and listed among the notes).
    header_row : int, optional
        File row of the header (1 = first row).
    columns : dict
        File column -> course column.
    """

    file: str = ""
    table: str = ""
    rows_read: int = 0
    rows_kept: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped_rows: list[int] = field(default_factory=list)
    n_dropped: int = 0
    encoding: str | None = None
    sep: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    encoding_confidence: float | None = None
    sheet: str | None = None
    other_sheets: list[str] = field(default_factory=list)
    warnings: list[Caution] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """The problems as a small table: kind, column, count, first rows, fix.

        Returns
        -------
        DataFrame
            One row per problem: ``kind, column, file column, count, rows, problem, fix``.
        """
        return pd.DataFrame(
            [
                {
                    "kind": p.kind,
                    "column": p.column,
                    "file column": p.source_column,
                    "count": p.count,
                    "rows": ", ".join(map(str, p.rows)),
                    "problem": p.detail,
                    "fix": p.fix,
                }
                for p in self.problems
            ],
            columns=["kind", "column", "file column", "count", "rows", "problem", "fix"],
        )

    def __str__(self) -> str:
        lines = [tr("Load report for {file} -> table {table!r}: {read} data row(s) read, {kept} "
                    "kept.", file=self.file, table=self.table, read=self.rows_read,
                    kept=self.rows_kept)]
        bits = []
        if self.encoding:
            sure = (tr(" (confidence {share:.0%})", share=self.encoding_confidence)
                    if self.encoding_confidence is not None else "")
            bits.append(tr("encoding {encoding}{sure}", encoding=self.encoding, sure=sure))
        if self.sheet is not None:
            others = (tr(" (other sheets: {sheets})", sheets=", ".join(self.other_sheets))
                      if self.other_sheets else "")
            bits.append(tr("sheet {sheet!r}{others}", sheet=self.sheet, others=others))
        if self.sep:
            bits.append(tr("delimiter {sep!r}", sep=self.sep))
        if self.header_row:
            bits.append(tr("header on row {row}", row=self.header_row))
        if bits:
            lines.append(tr("Read with {how}.", how=tr(", ").join(bits)))
        lines += [tr("Note: {note}", note=n) for n in self.notes]
        if self.problems:
            lines.append(tr("{n} problem(s):", n=len(self.problems)))
            lines += [f"{i}. {p.text()}" for i, p in enumerate(self.problems, 1)]
        else:
            lines.append(tr("No problems found."))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return f"<pre>{escape(str(self))}</pre>"


def load_problem(file: str, problems: list[Problem], table: str | None = None) -> DataProblem:
    """The one error that lists every problem found in ``file``.

    >>> err = load_problem("x.csv", [Problem("empty_file", detail="the file is empty.")])
    >>> print(err)
    Cannot load x.csv: 1 problem(s) found.
    1. the file is empty.
    """
    what = f" as table {table!r}" if table else ""
    head = f"Cannot load {file}{what}: {len(problems)} problem(s) found."
    body = "\n".join(f"{i}. {p.text()}" for i, p in enumerate(problems, 1))
    return DataProblem(f"{head}\n{body}", problems=problems, file=file)


def transaction_notes(df: pd.DataFrame) -> list[str]:
    """Notes on a transactions table: returns and cancellations, negative quantities/amounts.

    >>> transaction_notes(pd.DataFrame({"amount": [5.0, -2.0]}))
    ['1 row(s) have a negative amount (returns are negative).']
    """
    notes = []
    if "is_return" in df.columns:
        n = int(df["is_return"].fillna(False).sum())
        if n:
            extra = ""
            if "order_id" in df.columns:
                extra = f" on {df.loc[df['is_return'].fillna(False), 'order_id'].nunique()} order(s)"
            notes.append(f"{n} row(s) are returns or cancellations{extra}.")
    for c in ("quantity", "amount"):
        if c in df.columns:
            n = int((df[c] < 0).fillna(False).sum())
            if n:
                notes.append(f"{n} row(s) have a negative {c} (returns are negative).")
    return notes


def warn_cautions(report: LoadReport, cautions: list[Caution],
                  accept: Collection[str] = ()) -> None:
    """Record ``cautions`` in ``report`` (warnings and notes); warn about those not accepted.

    >>> report = LoadReport(file="x.csv")
    >>> warn_cautions(report, [Caution("future_dates", "1 date lies in the future.")],
    ...               accept=["future_dates"])
    >>> report.notes
    ['warning (accepted): 1 date lies in the future.']
    """
    for c in cautions:
        report.warnings.append(c)
        if c.kind in accept:
            report.notes.append(f"warning (accepted): {c.text}")
            continue
        report.notes.append(f"warning: {c.text}")
        warnings.warn(f"{report.file}: {c.text} (accept it with accept=[{c.kind!r}])",
                      LoadWarning, stacklevel=4)


def finish(result: pd.DataFrame, problems: list[Problem], invalid: np.ndarray,
           row_numbers: pd.Series, on_invalid: OnInvalid, report: LoadReport) -> pd.DataFrame:
    """Record the problems in ``report`` and apply ``on_invalid``; the table handed back.

    Parameters
    ----------
    result : DataFrame
        The mapped, coerced table (one row per data row of the file).
    problems : list of Problem
        Every problem found by the earlier stages.
    invalid : ndarray of bool
        Rows with a problem (what ``"drop"`` drops).
    row_numbers : Series
        File row number of each row of ``result`` (for the report).
    on_invalid : {"raise", "drop", "keep"}
        What to do with the invalid rows.
    report : LoadReport
        Completed in place (problems, dropped rows, rows kept, notes).

    Returns
    -------
    DataFrame
        ``result`` with a fresh index, without the invalid rows when ``on_invalid="drop"``.

    Raises
    ------
    DataProblem
        When there are problems and ``on_invalid="raise"``.
    """
    report.problems = list(problems)
    if problems and on_invalid == "raise":
        raise load_problem(report.file, problems, report.table)
    if on_invalid == "drop" and invalid.any():
        report.dropped_rows = [int(v) for v in row_numbers.to_numpy()[invalid][:MAX_DROPPED_LISTED]]
        report.n_dropped = int(invalid.sum())
        report.notes.append(f"{report.n_dropped} row(s) with problems were dropped "
                            f"(first rows: {report.dropped_rows[:MAX_ROWS_SHOWN]}).")
        result = result.loc[~invalid]
    elif on_invalid == "keep" and problems:
        report.notes.append("rows with problems were kept; their invalid cells are empty.")
    result = result.reset_index(drop=True)
    report.rows_kept = len(result)
    return result
