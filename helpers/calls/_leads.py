"""Leads with a known outcome, ready for scoring: from a campaign export or the course's leads.

Both readers return a :class:`LeadData`: the frame plus what the scoring task needs to know
about it (the target column, the columns that leak the outcome, the column giving time order).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data import MISSING_TOKENS, Inputs, load_inputs, parse_dates, parse_numbers
from helpers.data.loading import OnInvalid, check_shape, existing_file, read_raw
from helpers.data.mapping import ColumnMapping, header_key, normalise_header, read_mapping
from helpers.errors import DataProblem, redact_personal, require_columns, rows_preview
from helpers.i18n import tr

__all__ = ["CALL_TABLES", "CallInputs", "LeadData", "as_bool", "blank_counts",
           "course_leads_with_outcome", "load_call_inputs", "load_leads_with_outcome"]

TRUE_WORDS = {"yes", "y", "true", "1", "是", "成交", "t"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "未成交", "f"}


@dataclass(frozen=True)
class LeadData:
    """Leads with a known outcome and the facts of the scoring task.

    Parameters
    ----------
    frame : DataFrame
        One row per lead: feature columns and the true/false ``target`` column.
    target : str
        The outcome column.
    leak_columns : list of str
        Columns known only after the call (left out of an honest model).
    order_column : str
        The column giving time order (``row_order`` when the file's row order is the time axis).
    source : str
        Where the leads come from (file or table name).
    notes : list of str
        What the reader did that the analyst should know (columns left out, rows skipped …).
    blanks : dict
        Feature column -> number of empty cells, which the models fill in (never silently:
        :meth:`describe` lists them).
    """

    frame: pd.DataFrame
    target: str = "converted"
    leak_columns: list[str] = field(default_factory=list)
    order_column: str | None = None
    source: str = "leads"
    notes: list[str] = field(default_factory=list)
    blanks: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """What was read: leads, conversion rate, leaks, what the reader did, blanks filled in."""
        y = self.frame[self.target]
        lines = [tr("{n:,} leads with a known outcome from {source}, {rate:.1%} converted "
                    "(target {target!r}); left out as leaks: {leaks}", n=len(self.frame),
                    source=self.source, rate=float(y.mean()), target=self.target,
                    leaks=", ".join(self.leak_columns) or tr("none"))]
        lines += [f"  - {note}" for note in self.notes]
        if self.blanks:
            filled = ", ".join(f"{c} {n:,}" for c, n in self.blanks.items())
            lines.append("  - " + tr("empty cells the models fill in (numbers: the training "
                                     "median; text: a 'missing' category), per column: {filled}",
                                     filled=filled))
        else:
            lines.append("  - " + tr("no empty cells in the feature columns: nothing is filled in"))
        return "\n".join(lines)


def as_bool(values: pd.Series, where: str) -> pd.Series:
    """A yes/no column (``yes``/``no``, ``是``/``否``, ``1``/``0``, booleans …) as booleans.

    Raises
    ------
    DataProblem
        If a value is empty or not a yes/no word.

    Examples
    --------
    >>> as_bool(pd.Series(["yes", "否", "TRUE"]), "outcome").tolist()
    [True, False, True]
    """
    if pd.api.types.is_bool_dtype(values):
        if values.isna().any():
            raise DataProblem(f"{where}: {int(values.isna().sum())} empty values; every lead "
                              "needs a known outcome")
        return values.astype(bool)
    text = values.astype("string").str.strip().str.lower()
    yes, no = text.isin(TRUE_WORDS), text.isin(FALSE_WORDS)
    bad = ~(yes | no)
    if bad.any():
        examples = sorted(set(values[bad].astype(str).head(20)))[:5]
        raise DataProblem(f"{where}: {int(bad.sum())} values are not yes/no, e.g. {examples}; "
                          "recode them in the mapping's `values:` section")
    return yes.astype(bool)


#: Header words that mark an identifier (a numeric column of distinct whole numbers named so is
#: an ID, not a quantity).
_ID_HEADER = re.compile(r"(^|[_\s-])(id|no|nr|num|number|code|key)$|^id[_\s]|编号|号码|序号|单号",
                        re.IGNORECASE)
#: A text column needs this many rows before "every value distinct" means "an identifier".
_MIN_ROWS_FOR_ID = 20
_READ_KEYS = ("encoding", "sep", "sheet", "header", "skiprows", "names")


def _read_export(path: str | Path, spec: ColumnMapping) -> tuple[pd.DataFrame, list[str]]:
    """The export's cells as text through the course loader's reader, headers normalised.

    The loader's first stage (:func:`helpers.data.loading.read_raw`) detects the encoding
    (reporting its confidence), the delimiter and the header row, and refuses ragged rows,
    repeated headers, truncated archives and unreadable files with a :class:`DataProblem`.
    """
    file = str(path)
    options = {k: v for k, v in spec.read.given().items() if k in _READ_KEYS}
    known = {header_key(c) for c in spec.columns} | {header_key(spec.target or "converted")}
    raw = read_raw(existing_file(path), file, "campaign export", options, known)
    check_shape(raw, file, "campaign export")
    frame = raw.frame.reset_index(drop=True)
    frame.columns = [normalise_header(c) for c in frame.columns]
    info = raw.info
    how = [f"encoding {info.encoding}" + (f" (confidence {info.confidence:.0%})"
                                          if info.confidence is not None else "")
           if info.encoding else "", f"delimiter {info.sep!r}" if info.sep else "",
           f"sheet {info.sheet!r}" if info.sheet else ""]
    notes = [f"read {len(frame):,} rows of {file}: " + ", ".join(h for h in how if h)]
    notes += list(raw.notes) + [c.text for c in info.cautions]
    return frame, notes


def _apply_mapping(raw: pd.DataFrame, spec: ColumnMapping, path: Path) -> pd.DataFrame:
    """Rename (or drop) the mapped columns and recode values, as the mapping says."""
    missing = [c for c in spec.columns if c not in raw.columns]
    if missing:
        raise DataProblem(f"{path}: column(s) {missing} named in the mapping are not in the file "
                          f"(it has {list(raw.columns)[:20]}); fix `columns:` in the mapping",
                          file=str(path))
    dropped = [src for src, dst in spec.columns.items() if dst is None]
    frame = raw.drop(columns=dropped).rename(
        columns={src: dst for src, dst in spec.columns.items() if dst is not None})
    frame.columns = [str(c).strip().replace(".", "_") for c in frame.columns]
    for col, recode in spec.values.items():
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v, r=recode: r.get(v, v))
    return frame


def _blank(s: pd.Series) -> pd.Series:
    """True where a cell is empty or a missing-value word (``NA``, ``无``, ``-`` …)."""
    text = s.astype("string").str.strip().str.lower()
    return (s.isna() | text.isin(MISSING_TOKENS)).fillna(True).astype(bool)


def _looks_like_id(col: str, values: pd.Series, numeric: bool) -> bool:
    """A column with a different value in every (non-blank) row: an identifier, not a feature."""
    n = len(values)
    if n < _MIN_ROWS_FOR_ID or values.nunique() < n:
        return False
    if not numeric:
        return True
    whole = bool((values == values.round()).all())
    return whole and bool(_ID_HEADER.search(col))


def _typed_feature(frame: pd.DataFrame, col: str, spec: ColumnMapping,
                   notes: list[str]) -> pd.Series | None:
    """Column ``col`` as numbers when every non-blank cell is one, else as text; None: left out."""
    s, blank = frame[col], _blank(frame[col])
    if blank.all():
        notes.append(f"column {col!r} is empty in every row: left out of the model.")
        return None
    nums = parse_numbers(s.where(~blank), decimal=spec.read.decimal,
                         thousands=spec.read.thousands)
    numeric = bool(nums[~blank].notna().all())
    kept = nums.to_numpy(dtype="float64", na_value=np.nan) if numeric else None
    values = pd.Series(kept[~blank.to_numpy()]) if kept is not None else s[~blank]
    if not col.endswith("_id") and _looks_like_id(col, values, numeric):
        notes.append(f"column {col!r} has a different value in each of its {len(values):,} "
                     "rows: an identifier (or free text), not a feature; left out of the model. "
                     "Map it to `lead_id` in the mapping to keep it as the ID.")
        return None
    if kept is not None:
        return pd.Series(kept, index=s.index)
    share = float(nums[~blank].notna().mean())
    if share >= 0.8:
        odd = [redact_personal(v) for v in sorted(set(s[~blank & nums.isna()].astype(str)
                                                      .head(50)))[:3]]
        notes.append(f"column {col!r} is {share:.0%} numbers but also holds text (e.g. {odd}): "
                     "used as a category. Clean those cells to use it as a number.")
    return s.where(~blank).astype(object)


def blank_counts(frame: pd.DataFrame, target: str,
                 skip: tuple[str | None, ...] = ()) -> dict[str, int]:
    """Empty cells per feature column (the models fill them in), columns with none left out.

    Examples
    --------
    >>> blank_counts(pd.DataFrame({"a": [1.0, None], "b": ["x", "y"], "y": [True, False]}), "y")
    {'a': 1}
    """
    out = {}
    for col in frame.columns:
        if col == target or col in skip or col.endswith("_id") or col == "row_order":
            continue
        n = int(frame[col].isna().sum())
        if n:
            out[col] = n
    return out


def _typed_columns(frame: pd.DataFrame, spec: ColumnMapping, target: str,
                   order: str | None, file: str, notes: list[str]) -> pd.DataFrame:
    """Numbers parsed, the order column as numbers or dates, empty and ID columns left out."""
    out = {}
    for col in frame.columns:
        if col == target:
            out[col] = frame[col]
        elif col == order:
            nums = parse_numbers(frame[col])
            if spec.formats.get(col) is None and nums.notna().eq(~_blank(frame[col])).all():
                out[col] = nums.to_numpy(dtype="float64", na_value=np.nan)  # a sequence number
                continue
            dates = parse_dates(frame[col], fmt=spec.formats.get(col))
            bad = dates.isna() & ~_blank(frame[col])
            if bad.any():
                raise DataProblem(f"{file}: order column {col!r} has {int(bad.sum())} value(s) "
                                  f"that are not dates, e.g.\n{rows_preview(frame, bad, [col], n=3)}\n"
                                  "Give its format under `formats:` in the mapping.", file=file)
            out[col] = dates
        elif (typed := _typed_feature(frame, col, spec, notes)) is not None:
            out[col] = typed
    return pd.DataFrame(out, index=frame.index)


def _two_outcomes(values: pd.Series, where: str) -> None:
    if values.nunique() < 2:
        raise DataProblem(f"{where}: every one of the {len(values):,} leads has the outcome "
                          f"{bool(values.iloc[0])}; a model needs converted and not converted "
                          "leads. Check the target column and its `values:` recoding in the "
                          "mapping, or use a file with both outcomes.")


# Long: the docstring describes the mapping keys and what the reader announces
def load_leads_with_outcome(path: str | Path,
                            mapping: str | Path | dict[str, Any] | ColumnMapping | None = None,
                            target: str | None = None) -> LeadData:
    """Read a campaign export into leads with a true/false outcome.

    The file goes through the course loader's reader (encoding, delimiter, header row, ragged
    rows; CSV, Excel or Parquet) and the course's one mapping format, read by
    :func:`helpers.data.read_mapping`: ``read`` options, ``columns`` renames (or drops, with
    ``null``), ``values`` recodes, and three optional keys describe the scoring task: ``target``
    (the outcome column after renaming), ``leak_columns`` (known only after the call) and
    ``order_column`` (a column giving time order; when absent the row order of the file is
    kept in ``row_order``, which is chronological for Bank Marketing).

    Then every column is typed: numbers wherever every non-empty cell is a number (decimal
    commas and thousands separators understood; empty cells stay empty), text otherwise. A
    column empty in every row, and a column with a different value in every row (an
    identifier, unless mapped to a name ending in ``_id``), are left out with a note. The notes
    and the empty cells per column, which the models fill in, are in the result
    (:meth:`LeadData.describe`).

    Parameters
    ----------
    path : str or Path
        The export (CSV, Excel or Parquet).
    mapping : str, Path, dict or ColumnMapping, optional
        The mapping file or an equivalent dict.
    target : str, optional
        The outcome column after mapping (default: the mapping's ``target``, else
        ``converted``).

    Returns
    -------
    LeadData
        The leads, the scoring task's target, leak columns and order column, and the notes.

    Raises
    ------
    ConfigProblem
        If the mapping is malformed.
    DataProblem
        If the file cannot be read, a mapped column is missing, the target is missing, not a
        yes/no column or has one outcome only, or the order column holds text that is no date.
    """
    spec = read_mapping({} if mapping is None else mapping)
    raw, notes = _read_export(path, spec)
    frame = _apply_mapping(raw, spec, Path(path))
    target = target or spec.target or "converted"
    if target not in frame.columns:
        raise DataProblem(f"{path}: no target column {target!r} after mapping (the file has "
                          f"{list(frame.columns)[:20]}); map your outcome column to it (e.g. "
                          "`columns: {y: converted}`) or name it under `target:`", file=str(path))
    missing_leak = [c for c in spec.leak_columns if c not in frame.columns]
    if missing_leak:
        notes.append(f"leak column(s) {missing_leak} named in the mapping are not in the file.")
    frame = _typed_columns(frame, spec, target, spec.order_column, str(path), notes)
    frame[target] = as_bool(frame[target], f"{path}: target column {target!r}")
    _two_outcomes(frame[target], f"{path}: target column {target!r}")
    if spec.order_column and spec.order_column not in frame.columns:
        raise DataProblem(f"{path}: order column {spec.order_column!r} named in the mapping is "
                          "not in the file; fix `order_column:` (or remove it to use the row "
                          "order)", file=str(path))
    if not spec.order_column:
        frame["row_order"] = np.arange(len(frame))
    leak = [c for c in spec.leak_columns if c in frame.columns]
    return LeadData(frame, target=target, leak_columns=leak,
                    order_column=spec.order_column or "row_order", source=str(path),
                    notes=notes, blanks=blank_counts(frame, target, (spec.order_column,)))


def course_leads_with_outcome(leads: pd.DataFrame, as_of: str | pd.Timestamp,
                              maturity_days: int = 180) -> LeadData:
    """The course's ``leads`` table as leads with a known outcome, ready for scoring.

    Keeps leads created at least ``maturity_days`` before ``as_of`` (younger leads have not had
    the full 180 days to convert, so their "not converted" is not yet known) and drops personal
    and simulation-only columns (company, contact, phone, ``true_grade``).

    Parameters
    ----------
    leads : DataFrame
        The ``leads`` table.
    as_of : date
        The observation end.
    maturity_days : int
        How old a lead must be for its outcome to count as known.

    Returns
    -------
    LeadData
        Target ``converted``, time order ``created_date``, no leak columns.

    Raises
    ------
    DataProblem
        If a column is missing or no lead is old enough.
    """
    require_columns(leads, ["lead_id", "created_date", "converted"], "leads")
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=maturity_days)
    mature = leads.loc[(leads["created_date"] <= cutoff) & leads["converted"].notna()]
    if mature.empty:
        raise DataProblem(f"leads: no lead created before {cutoff:%Y-%m-%d} has a known "
                          "outcome; lower maturity_days or use a longer history")
    drop = [c for c in ("company", "contact_name", "phone", "true_grade") if c in mature.columns]
    frame = mature.drop(columns=drop).reset_index(drop=True)
    frame["converted"] = as_bool(frame["converted"], "leads: converted")
    young = int((leads["created_date"] > cutoff).sum())
    notes = [tr("{young:,} lead(s) younger than {days} days left out: their outcome is not "
                "known yet.", young=young, days=maturity_days)] if young else []
    return LeadData(frame, target="converted", order_column="created_date", source="leads",
                    notes=notes, blanks=blank_counts(frame, "converted", ("created_date",)))


#: The course tables notebook 07 reads besides the leads (each section needs some of them).
CALL_TABLES = ("calls", "agents", "customers", "transactions", "service_contacts")


@dataclass(frozen=True)
class CallInputs:
    """Notebook 07's inputs: the course tables (:class:`~helpers.data.Inputs`) and the leads.

    ``leads`` is the campaign export with outcomes when ``leads_file`` was given, else ``None``
    (the scoring sections then use the course's ``leads`` table, ``data.leads``).
    """

    data: Inputs
    leads: LeadData | None = None

    def __str__(self) -> str:
        text = str(self.data)
        return f"{text}\n{self.leads.describe()}" if self.leads is not None else text


def _no_tables(leads_file: str | Path, as_of: Any, context: str) -> Inputs:
    """Inputs holding no course table: a run given only a campaign export."""
    try:
        day = pd.Timestamp(as_of).normalize() if as_of not in (None, "") else None
    except (ValueError, TypeError):
        raise DataProblem(f"{context}: as_of={as_of!r} is not a date; write it like "
                          "'2025-12-31', or None.") from None
    origin = "as given" if day is not None else "no dated table loaded: today; set as_of"
    return Inputs(data_dir=Path(leads_file).expanduser().resolve().parent,
                  as_of=day if day is not None else pd.Timestamp.today().normalize(),
                  as_of_source=origin, own_data=True, missing=list(CALL_TABLES))


# Long: the docstring of the notebook's one entry point is most of it
def load_call_inputs(
    files: dict[str, str | Path | None],
    mappings: dict[str, Any] | None = None,
    leads_file: str | Path | None = None,
    leads_mapping: str | Path | dict[str, Any] | None = None,
    data_dir: str | Path | None = None,
    as_of: Any = None,
    on_invalid: OnInvalid = "raise",
    context: str = "notebook 07",
) -> CallInputs:
    """Load notebook 07's tables (:func:`helpers.data.load_inputs`) and its campaign export.

    The course tables (``calls``, ``agents``, ``customers``, ``transactions``,
    ``service_contacts``) follow the input contract: the files given (nothing bundled mixed
    in), else ``data_dir``, else the bundled data; every one is optional, and the sections that
    need an absent one say so and are skipped. ``leads_file`` (a campaign export with outcomes,
    read by :func:`load_leads_with_outcome` with ``leads_mapping``) replaces the course's
    ``leads`` table. Given only ``leads_file``, no course table is loaded at all.

    Parameters
    ----------
    files, mappings : dict
        Table -> file and table -> mapping (the notebook's ``<table>_file``/``_mapping``).
    leads_file, leads_mapping : str or Path, optional
        The campaign export and its mapping (target, leak columns, order column).
    data_dir, as_of, on_invalid, context
        As in :func:`helpers.data.load_inputs`.

    Returns
    -------
    CallInputs
        ``data`` (the tables, as-of date and where it came from) and ``leads`` (the export).

    Raises
    ------
    DataProblem
        A mapping without its file, or what the loaders raise.
    """
    given = {k: v for k, v in files.items() if v not in (None, "")}
    if leads_mapping not in (None, "") and leads_file in (None, ""):
        raise DataProblem(f"{context}: leads_mapping is given but no leads_file; set "
                          "leads_file to your campaign export too, or remove the mapping.")
    leads = (load_leads_with_outcome(leads_file, leads_mapping)
             if leads_file not in (None, "") else None)
    if leads_file not in (None, "") and not given and data_dir in (None, ""):
        return CallInputs(_no_tables(str(leads_file), as_of, context), leads)
    optional = [*CALL_TABLES, *([] if leads is not None else ["leads"])]
    data = load_inputs(needs=[], optional=optional, files=given, mappings=mappings,
                       data_dir=data_dir, as_of=as_of, on_invalid=on_invalid, context=context)
    return CallInputs(data, leads)
