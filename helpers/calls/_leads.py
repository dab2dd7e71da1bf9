"""Leads with a known outcome, ready for scoring: from a campaign export or the course's leads.

Both readers return a :class:`LeadData`: the frame plus what the scoring task needs to know
about it (the target column, the columns that leak the outcome, the column giving time order).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data.mapping import ColumnMapping, normalise_header, read_mapping
from helpers.errors import DataProblem, require_columns

__all__ = ["LeadData", "as_bool", "course_leads_with_outcome", "load_leads_with_outcome"]

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
    """

    frame: pd.DataFrame
    target: str = "converted"
    leak_columns: list[str] = field(default_factory=list)
    order_column: str | None = None
    source: str = "leads"


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


def _read_export(path: Path, spec: ColumnMapping) -> pd.DataFrame:
    """The export as read with the mapping's ``read`` options, headers normalised."""
    if not path.is_file():
        raise DataProblem(f"{path}: file not found. Give the path of your export (CSV or Excel).",
                          file=str(path))
    read: dict[str, Any] = spec.read.given()
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            if "sheet" in read:
                read["sheet_name"] = read.pop("sheet")
            raw = pd.read_excel(path, **read)
        else:
            raw = pd.read_csv(path, **read)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise DataProblem(f"{path}: could not be read with options {read} ({exc}); check "
                          "`read:` (sep, encoding) in the mapping file", file=str(path)) from None
    raw.columns = [normalise_header(c) for c in raw.columns]
    return raw


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


def load_leads_with_outcome(path: str | Path,
                            mapping: str | Path | dict[str, Any] | ColumnMapping | None = None,
                            target: str | None = None) -> LeadData:
    """Read a campaign export into leads with a true/false outcome.

    The mapping (see ``mappings/bank_marketing.yaml``) is the course's one mapping format, read
    by :func:`helpers.data.mapping.read_mapping`: ``read`` options go to
    :func:`pandas.read_csv` (or :func:`pandas.read_excel` for .xlsx/.xls), ``columns`` renames,
    ``values`` recodes, and three optional keys describe the scoring task: ``target`` (the
    outcome column after renaming), ``leak_columns`` (known only after the call) and
    ``order_column`` (a column giving time order; when absent the row order of the file is kept
    in ``row_order``, which is chronological for Bank Marketing).

    Parameters
    ----------
    path : str or Path
        The export (CSV or Excel).
    mapping : str, Path, dict or ColumnMapping, optional
        The mapping file or an equivalent dict.
    target : str, optional
        The outcome column after mapping (default: the mapping's ``target``, else
        ``converted``).

    Returns
    -------
    LeadData
        The leads and the scoring task's target, leak columns and order column.

    Raises
    ------
    ConfigProblem
        If the mapping is malformed.
    DataProblem
        If the file or a mapped column is missing, or the target is not a yes/no column.
    """
    path = Path(path)
    spec = read_mapping({} if mapping is None else mapping)
    frame = _apply_mapping(_read_export(path, spec), spec, path)
    target = target or spec.target or "converted"
    if target not in frame.columns:
        raise DataProblem(f"{path}: no target column {target!r} after mapping; map your outcome "
                          "column to it (e.g. `columns: {y: converted}`)", file=str(path))
    frame[target] = as_bool(frame[target], f"{path}: target column {target!r}")
    if not spec.order_column:
        frame["row_order"] = np.arange(len(frame))
    return LeadData(frame, target=target, leak_columns=list(spec.leak_columns),
                    order_column=spec.order_column or "row_order", source=str(path))


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
    return LeadData(frame, target="converted", order_column="created_date", source="leads")
