"""Column mappings: how an analyst's export becomes a course table (format in CONTRIBUTING.md).

One schema, :class:`ColumnMapping`, and one reader, :func:`read_mapping`, serve every file the
course reads: the course tables through :func:`helpers.data.load_table`, and the two wide public
layouts that are not course tables (a campaign export with an outcome column for lead scoring,
the credit-card default file for roll rates) through their own readers, which take the same
mapping. Those need three optional keys of the format: ``target``, ``leak_columns`` and
``order_column``.

>>> m = read_mapping({"客户编号": "customer_id", "姓名": "name"}, table="customers")
>>> m.columns
{'客户编号': 'customer_id', '姓名': 'name'}
>>> read_mapping({"table": "customers", "columns": {"编号": "customer_idd"}})
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: mapping has 1 problem(s):
- mapping: columns: 编号: 'customer_idd' is not a column of table 'customers' (did you mean 'customer_id'?)
"""

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from helpers import paths
from helpers.config import ConfigModel, read_yaml, validate_config
from helpers.errors import ConfigProblem, did_you_mean
from helpers.tables import TABLES

__all__ = ["ColumnMapping", "ReadOptions", "header_key", "normalise_header", "read_mapping",
           "to_halfwidth"]

DeriveOp = Literal["multiply", "add", "subtract", "startswith", "copy", "row_number",
                   "constant"]


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII (NFKC); ideographic space as a space.

    >>> to_halfwidth("１３８ ＡＢＣ，")
    '138 ABC,'
    """
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def normalise_header(text: Any) -> str:
    """A header as the loader compares it: half-width, trimmed, single spaces.

    >>> normalise_header(" 客户编号\u3000")
    '客户编号'
    """
    return re.sub(r"\s+", " ", to_halfwidth(str(text))).strip()


def header_key(text: Any) -> str:
    """A header as the loader matches it leniently: lower case, spaces and hyphens as ``_``.

    >>> header_key(" Customer-ID "), header_key("ｃｕｓｔｏｍｅｒ＿ｉｄ")
    ('customer_id', 'customer_id')
    """
    return re.sub(r"[\s\-]+", "_", normalise_header(text).lower())


class ReadOptions(ConfigModel):
    """How to read the file (CSV: ``sep, encoding, header, skiprows``; Excel: ``sheet, header``)."""

    sep: str | None = None
    encoding: str | None = None
    header: int | None = None
    skiprows: int | list[int] | None = None
    sheet: str | int | None = None
    decimal: str | None = None
    thousands: str | None = None
    names: list[str] | None = None

    def given(self) -> dict[str, Any]:
        """The options the mapping sets (not the defaults), as keyword arguments."""
        return self.model_dump(exclude_unset=True)


class ColumnMapping(ConfigModel):
    """One export format: which table it becomes, how to read it, how its columns map.

    ``columns`` maps file headers (normalised: half-width, single spaces) to course columns, or
    to ``None`` to drop a column. ``formats`` gives date formats, ``values`` recodes values and
    ``derive`` computes columns (``{multiply: [Quantity, UnitPrice]}``, ``row_number`` …), each
    keyed by course column. ``target``, ``leak_columns`` and ``order_column`` describe a scoring
    task (lead scoring): the outcome column, the columns known only after the call, and the
    column giving time order.
    """

    table: str | None = None
    description: str = ""
    read: ReadOptions = Field(default_factory=ReadOptions)
    columns: dict[str, str | None] = Field(default_factory=dict)
    formats: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[Any, Any]] = Field(default_factory=dict)
    derive: dict[str, Literal["row_number"] | dict[DeriveOp, Any]] = Field(default_factory=dict)
    target: str | None = None
    leak_columns: list[str] = Field(default_factory=list)
    order_column: str | None = None

    @field_validator("table")
    @classmethod
    def _known_table(cls, value: str | None) -> str | None:
        if value is not None and value not in TABLES:
            raise ValueError(f"{value!r} is not a course table{did_you_mean(value, list(TABLES))}")
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _normalised_headers(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {normalise_header(k): None if v is None else str(v).strip()
                for k, v in value.items()}

    @field_validator("derive")
    @classmethod
    def _one_operation(cls, value: dict[str, Any]) -> dict[str, Any]:
        for col, spec in value.items():
            if isinstance(spec, dict) and len(spec) != 1:
                raise ValueError(f"derive.{col}: write one operation, e.g. "
                                 "{multiply: [Quantity, UnitPrice]} or {startswith: [InvoiceNo, C]}")
        return value

    @field_validator("columns")
    @classmethod
    def _targets_are_course_columns(cls, value: dict[str, str | None],
                                    info: ValidationInfo) -> dict[str, str | None]:
        known = _known_columns(info)
        problems = [f"{src}: {dst!r} is not a column of table {info.data.get('table') or (info.context or {}).get('table')!r}"
                    f"{did_you_mean(dst, known)}"
                    for src, dst in value.items() if known and dst is not None and dst not in known]
        seen: dict[str, str] = {}
        for src, dst in value.items():
            if dst is not None and dst in seen:
                problems.append(f"both {seen[dst]!r} and {src!r} map to {dst!r}; keep one")
            if dst is not None:
                seen[dst] = src
        if problems:
            raise ValueError("\n- ".join(problems))
        return value

    @field_validator("formats", "values", "derive")
    @classmethod
    def _keyed_by_course_column(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        known = _known_columns(info)
        bad = [f"{col}: not a course column{did_you_mean(col, known)}"
               for col in value if known and col not in known]
        if bad:
            raise ValueError("\n- ".join(bad))
        return value

    @model_validator(mode="after")
    def _same_table(self, info: ValidationInfo) -> "ColumnMapping":
        expected = (info.context or {}).get("table")
        if expected and self.table not in (None, expected):
            raise ValueError(f"table: the mapping is written for {self.table!r} but the file is "
                             f"being loaded as {expected!r}; use a mapping written for "
                             f"{expected!r}")
        return self


def _known_columns(info: ValidationInfo) -> list[str]:
    """Columns of the mapping's table (its ``table`` key, else the table it is loaded as)."""
    name = info.data.get("table") or (info.context or {}).get("table")
    return TABLES[name].names if name in TABLES else []


def _plain_column_map(raw: Any) -> bool:
    """True for ``{file column: course column}`` written without the ``columns:`` key.

    A dict whose values are sections (dicts, lists) is a mapping with misspelt keys, not a plain
    column map: it is validated as a mapping so that ``colums:`` is reported as an unknown key.
    """
    if not isinstance(raw, Mapping) or not raw or set(map(str, raw)) & set(ColumnMapping.model_fields):
        return False
    return all(v is None or isinstance(v, str) for v in raw.values())


def read_mapping(path: str | Path | Mapping[str, Any] | ColumnMapping,
                 table: str | None = None) -> ColumnMapping:
    """Read and validate a column mapping (a YAML file, a dict or a :class:`ColumnMapping`).

    A plain dict without any of the format's keys is taken as ``{file column: course column}``.

    Parameters
    ----------
    path : str, Path, dict or ColumnMapping
        The mapping file or an equivalent dict.
    table : str, optional
        Course table the mapping must target (else the mapping's ``table`` key).

    Returns
    -------
    ColumnMapping
        With ``table`` set to ``table`` when the mapping names none.

    Raises
    ------
    ConfigProblem
        Listing every problem at once as ``file: key.path: what is wrong``: unknown keys, unknown
        course columns, two file columns mapped to one course column, malformed sections.
    """
    if isinstance(path, ColumnMapping):
        raw: Any = path.model_dump(exclude_unset=True)
        source = "mapping"
    elif isinstance(path, str | Path):
        source = str(path)
        if not Path(path).is_file():
            raise ConfigProblem(f"mapping file {path} does not exist; check the path (bundled "
                                f"mappings are in {paths.MAPPINGS_DIR}).", file=source)
        raw = read_yaml(path) or {}
    else:
        raw, source = dict(path), "mapping"
    if _plain_column_map(raw):
        raw = {"columns": dict(raw)}
    if table is not None and isinstance(raw, Mapping) and table not in TABLES:
        raise ConfigProblem(f"{source}: {table!r} is not a course table"
                            f"{did_you_mean(table, list(TABLES))}", file=source)
    mapping = validate_config(ColumnMapping, raw, source, context={"table": table})
    if table is not None and mapping.table is None:
        mapping = mapping.model_copy(update={"table": table})
    return mapping
