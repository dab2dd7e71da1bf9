"""Protecting customer information: masking for display, pseudonyms for analysis, views by role.

The masking rules (what stays visible):

==========  ===================================================  ==========================
kind        rule                                                 example
==========  ===================================================  ==========================
name        first character, every other character as ``*``     张三丰 -> 张**; Anna -> A***
phone       first 3 and last 4 digits when it has 8 or more      13812348000 -> 138****8000
            digits; otherwise only the last 2
email       first character of the part before ``@``; domain    zhang@qq.com -> z****@qq.com
id_number   first 6 (issuing region) and last 4 characters      110101********123X
            when 15 or more; otherwise only the last 2
address     first 6 characters                                   上海市浦东新区****
==========  ===================================================  ==========================

Masks keep the value's length and are idempotent (masking a masked value changes nothing).
Pseudonyms (:func:`pseudonymise`) are keyed HMAC-SHA256 digests: the same ID and key always give
the same pseudonym, so tables still join, but without the key nobody can go back or recompute them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from helpers.config import ConfigModel, read_config
from helpers.errors import DataProblem, did_you_mean
from helpers.tables import TABLES, personal_columns

if TYPE_CHECKING:
    import ipywidgets

__all__ = [
    "AccessLevels",
    "KEY_ENV",
    "Role",
    "explore_roles",
    "map_distinct",
    "mask_name",
    "mask_phone",
    "mask_email",
    "mask_id_number",
    "mask_address",
    "mask_value",
    "mask_series",
    "mask_frame",
    "personal_columns_of",
    "pseudonymise",
    "pseudonymise_frame",
    "load_access_levels",
    "view_for_role",
]

KEY_ENV = "COURSE_PSEUDONYM_KEY"
MASK = "*"

#: Column-name patterns (lower case, half-width) recognised as personal data without a table.
NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "email": (r"e-?mail", r"邮箱", r"电子邮件", r"邮件"),
    "phone": (r"phone", r"mobile", r"\btel", r"^tel", r"电话", r"手机", r"联系方式"),
    "id_number": (r"id_?number", r"id_?no", r"身份证", r"证件", r"national_?id", r"passport",
                  r"信用代码"),
    "address": (r"address", r"地址", r"住址"),
    "name": (r"^name$", r"_name$", r"^contact$", r"key_contact$", r"姓名", r"客户名称",
             r"联系人$", r"^名称$", r"full_?name", r"first_?name", r"last_?name"),
}
#: Names that look personal by pattern but are not.
NOT_PERSONAL = {"product_name", "company_name_public", "team_name", "file_name", "sheet_name",
                "column_name", "table_name", "segment_name", "script_name", "stage_name"}


def _positions_mask(value: str, is_pos: Callable[[str], bool], keep_head: int,
                    keep_tail: int) -> str:
    chars = list(value)
    pos = [i for i, ch in enumerate(chars) if is_pos(ch)]
    keep = set(pos[:keep_head]) | set(pos[len(pos) - keep_tail:] if keep_tail else [])
    for i in pos:
        if i not in keep:
            chars[i] = MASK
    return "".join(chars)


def mask_name(value: Any) -> Any:
    """First character kept, the rest as ``*`` (spaces kept).

    >>> mask_name("张三丰"), mask_name("Anna Li")
    ('张**', 'A*** **')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value)
    if len(text) <= 1:
        return MASK * len(text)
    return text[0] + "".join(ch if ch == " " else MASK for ch in text[1:])


def mask_phone(value: Any) -> Any:
    """First 3 and last 4 digits kept when the number has 8 or more, else only the last 2.

    >>> mask_phone("13812348000"), mask_phone("021-6234 5678")
    ('138****8000', '021-**** 5678')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value)
    n = sum(ch.isdigit() or ch == MASK for ch in text)
    head, tail = (3, 4) if n >= 8 else (0, 2)
    return _positions_mask(text, lambda ch: ch.isdigit() or ch == MASK, head, tail)


def mask_email(value: Any) -> Any:
    """First character before ``@`` kept, the rest of that part as ``*``; the domain kept.

    >>> mask_email("zhang.san@example.com")
    'z********@example.com'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value)
    if "@" not in text:
        return mask_name(text)
    local, _, domain = text.rpartition("@")
    return (local[:1] + MASK * (len(local) - 1) if local else "") + "@" + domain


def mask_id_number(value: Any) -> Any:
    """First 6 and last 4 characters kept when 15 or more, otherwise only the last 2.

    >>> mask_id_number("11010119900307123X")
    '110101********123X'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value)
    n = sum(ch.isalnum() or ch == MASK for ch in text)
    head, tail = (6, 4) if n >= 15 else (0, 2)
    return _positions_mask(text, lambda ch: ch.isalnum() or ch == MASK, head, tail)


def mask_address(value: Any) -> Any:
    """First 6 characters kept (city and district), the rest as ``*``.

    >>> mask_address("上海市浦东新区世纪大道100号")
    '上海市浦东新*********'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value)
    return text[:6] + MASK * max(len(text) - 6, 0)


MASKERS: dict[str, Callable[[Any], Any]] = {
    "name": mask_name,
    "phone": mask_phone,
    "email": mask_email,
    "id_number": mask_id_number,
    "address": mask_address,
}


def _masker(kind: str) -> Callable[[Any], Any]:
    try:
        return MASKERS[kind]
    except KeyError:
        raise DataProblem(f"unknown kind of personal data {kind!r}{did_you_mean(kind, list(MASKERS))}"
                          ) from None


def mask_value(value: Any, kind: str) -> Any:
    """Mask one value of the given kind (``name, phone, email, id_number, address``).

    Raises
    ------
    DataProblem
        For an unknown kind.

    Examples
    --------
    >>> mask_value("13812348000", "phone")
    '138****8000'
    """
    return _masker(kind)(value)


def map_distinct(s: pd.Series, func: Callable[[str], Any]) -> pd.Series:
    """Apply a text function once per distinct value of ``s`` (missing stays missing), as strings.

    Customer columns repeat values a lot (cities, masked phones), so this is much faster than
    ``s.map(func)`` on large tables.

    >>> map_distinct(pd.Series(["a", "a", None]), str.upper).tolist()
    ['A', 'A', <NA>]
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    done = np.array([func(str(u)) for u in uniques], dtype=object)
    out = np.full(len(s), None, dtype=object)
    ok = codes >= 0
    out[ok] = done[codes[ok]]
    return pd.Series(out, index=s.index, name=s.name, dtype="string")


def mask_series(s: pd.Series, kind: str) -> pd.Series:
    """Mask every value of a column (computed once per distinct value), as strings.

    Raises
    ------
    DataProblem
        For an unknown kind.
    """
    return map_distinct(s, _masker(kind))


def _kind_by_name(column: str) -> str | None:
    low = re.sub(r"\s+", "_", str(column).strip().lower())
    if low in NOT_PERSONAL:
        return None
    for kind, pats in NAME_PATTERNS.items():
        if any(re.search(p, low) for p in pats):
            return kind
    return None


def personal_columns_of(df: pd.DataFrame, table: str | None = None) -> dict[str, str]:
    """Which columns of ``df`` hold personal data, and of which kind.

    Uses the ``personal`` marks of the course table when ``table`` is given, and column-name
    patterns (English and Chinese: 姓名, 电话, 邮箱, 身份证 …) for every other column.
    """
    found: dict[str, str] = {}
    marks = personal_columns(table) if table in TABLES else {}
    for col in df.columns:
        if col in marks:
            found[col] = marks[col]
        elif table not in TABLES or col not in TABLES[table].names:
            kind = _kind_by_name(col)
            if kind:
                found[col] = kind
    return found


def mask_frame(df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """A copy of ``df`` with every personal-data column masked (see the module's rules).

    Parameters
    ----------
    df : DataFrame
        Any table.
    table : str, optional
        Course table name; its ``personal`` marks say which columns to mask. Columns it does not
        know are recognised by name (English or Chinese).

    Returns
    -------
    DataFrame
        Same shape, index and column order; personal columns as masked strings.
    """
    out = df.copy()
    for col, kind in personal_columns_of(df, table).items():
        out[col] = mask_series(df[col], kind)
    return out


# --------------------------------------------------------------------------------------------
# pseudonyms


def _key_bytes(key: str | bytes | None) -> bytes:
    key = key if key not in (None, "") else os.environ.get(KEY_ENV)
    if not key:
        raise DataProblem(
            "pseudonymise needs a secret key: pass key='...' or set the environment variable "
            f"{KEY_ENV}. Keep the key out of notebooks you share; whoever has it can recompute "
            "the pseudonyms.")
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def pseudonymise(s: pd.Series, key: str | bytes | None = None, length: int = 16,
                 prefix: str = "P") -> pd.Series:
    """Replace IDs with keyed pseudonyms (HMAC-SHA256, hex, ``length`` characters).

    The same ID and key always give the same pseudonym; another key gives another one; without
    the key the original cannot be recovered or re-derived. Missing values stay missing.

    Parameters
    ----------
    s : Series
        The identifiers.
    key : str or bytes, optional
        Secret key; default the environment variable ``COURSE_PSEUDONYM_KEY``.
    length : int
        Hex characters kept (16 = 64 bits: collisions are negligible below billions of IDs).
    prefix : str
        Put in front so pseudonyms are recognisable as such.
    """
    k = _key_bytes(key)
    if not 8 <= length <= 64:
        raise DataProblem(f"pseudonymise: length must be between 8 and 64 hex characters, got "
                          f"{length}")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    hashed = np.array(
        [prefix + hmac.new(k, str(u).encode("utf-8"), hashlib.sha256).hexdigest()[:length]
         for u in uniques],
        dtype=object,
    )
    out = np.full(len(s), None, dtype=object)
    ok = codes >= 0
    out[ok] = hashed[codes[ok]]
    return pd.Series(out, index=s.index, name=s.name, dtype="string")


def pseudonymise_frame(df: pd.DataFrame, columns: Iterable[str] = ("customer_id",),
                       key: str | bytes | None = None) -> pd.DataFrame:
    """A copy of ``df`` with the given ID columns pseudonymised (absent columns are skipped)."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pseudonymise(out[col], key=key)
    return out


# --------------------------------------------------------------------------------------------
# access levels

Level = Literal["clear", "masked", "hidden"]


class PersonalAccess(ConfigModel):
    """How a role sees each kind of personal data (the kinds of :data:`MASKERS`)."""

    name: Level = "masked"
    phone: Level = "masked"
    email: Level = "masked"
    id_number: Level = "masked"
    address: Level = "masked"


class Role(ConfigModel):
    """One role of ``access_levels.yaml``.

    ``personal`` says, per kind of personal data, whether the role sees it ``clear``,
    ``masked`` (the default) or not at all (``hidden``); ``hidden`` lists columns dropped and
    ``pseudonymise`` ID columns replaced by keyed pseudonyms.
    """

    description: str = ""
    personal: PersonalAccess = Field(default_factory=PersonalAccess)
    hidden: list[str] = Field(default_factory=list)
    pseudonymise: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any) -> Any:
        """``personal:`` or ``hidden:`` left empty in the file means the default."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return value

    def level(self, kind: str) -> Level:
        """``clear``, ``masked`` or ``hidden`` for a kind of personal data."""
        level: Level = getattr(self.personal, kind)
        return level


class AccessLevels(ConfigModel):
    """``helpers/config/access_levels.yaml``: who may see what ("graded access", 分级授权)."""

    file = "access_levels.yaml"

    roles: dict[str, Role] = Field(min_length=1)

    def role(self, name: str) -> Role:
        """The role called ``name``.

        Raises
        ------
        DataProblem
            For a role the file does not define.
        """
        if name not in self.roles:
            raise DataProblem(f"unknown role {name!r}; the access levels define "
                              f"{sorted(self.roles)}{did_you_mean(name, list(self.roles))}")
        return self.roles[name]


def load_access_levels(path: str | Path | None = None) -> AccessLevels:
    """Read and validate ``helpers/config/access_levels.yaml`` (or the file given).

    Each role has ``description``, ``personal`` (kind of personal data -> ``clear``, ``masked``
    or ``hidden``), optional ``hidden`` (columns dropped) and ``pseudonymise`` (ID columns replaced
    by pseudonyms).

    Parameters
    ----------
    path : str or Path, optional
        Another access-levels file.

    Returns
    -------
    AccessLevels
        ``roles``: role name -> :class:`Role`.

    Raises
    ------
    ConfigProblem
        Every problem at once, as ``file: roles.<role>.<key>: what is wrong``.

    Examples
    --------
    >>> load_access_levels().role("agent").level("phone")
    'clear'
    """
    return read_config(AccessLevels, path)


def view_for_role(df: pd.DataFrame, role: str, table: str | None = None,
                  config: str | Path | AccessLevels | None = None, key: str | bytes | None = None
                  ) -> pd.DataFrame:
    """What a role may see of a table: some columns dropped, personal data clear or masked.

    Parameters
    ----------
    df : DataFrame
        The table.
    role : str
        A role of ``helpers/config/access_levels.yaml`` (``agent``, ``team_lead``, ``analyst``,
        ``admin`` in the bundled file).
    table : str, optional
        Course table name (for the personal-data marks).
    config : str, Path or AccessLevels, optional
        Another access-levels file (or one already read).
    key : str or bytes, optional
        Key for roles that see pseudonyms (default: ``COURSE_PSEUDONYM_KEY``).

    Returns
    -------
    DataFrame
        The role's view of ``df``.

    Raises
    ------
    DataProblem
        For an unknown role, or a pseudonymising role without a key.
    """
    levels = config if isinstance(config, AccessLevels) else load_access_levels(config)
    spec = levels.role(role)
    kinds = personal_columns_of(df, table)
    drop = [c for c in spec.hidden if c in df.columns]
    drop += [c for c, k in kinds.items() if spec.level(k) == "hidden" and c not in drop]
    out = df.drop(columns=drop)
    for col, kind in kinds.items():
        if col in out.columns and spec.level(kind) == "masked":
            out[col] = mask_series(out[col], kind)
    pseudo = [c for c in spec.pseudonymise if c in out.columns]
    if pseudo:
        out = pseudonymise_frame(out, pseudo, key=key)
    return out


def explore_roles(df: pd.DataFrame, table: str | None = None, rows: int = 5,
                  key: str | bytes | None = None) -> ipywidgets.Widget:
    """Widget: switch between the roles of ``access_levels.yaml`` and see what each one sees.

    Parameters
    ----------
    df : DataFrame
        The table (its first ``rows`` rows are shown).
    table : str, optional
        Course table name (for the personal-data marks).
    rows : int
        Rows shown.
    key : str or bytes, optional
        Pseudonym key for the roles that see pseudonyms.

    Returns
    -------
    ipywidgets.Widget
    """
    # deferred: ipywidgets is only needed for the widget (run_checks reports it when missing)
    import ipywidgets as w
    from IPython.display import display

    levels = load_access_levels()
    pick = w.ToggleButtons(options=list(levels.roles), description="Role")
    note = w.HTML()
    out = w.Output()
    head = df.head(rows)

    def redraw(*_: Any) -> None:
        note.value = f"<i>{levels.role(pick.value).description}</i>"
        with out:
            out.clear_output(wait=True)
            display(view_for_role(head, pick.value, table=table, config=levels, key=key))

    pick.observe(redraw, names="value")
    redraw()
    return w.VBox([pick, note, out])
