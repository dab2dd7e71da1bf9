"""Protecting customer information: masking for display, pseudonyms for analysis.

Views by role (``access_levels.yaml``) are in :mod:`helpers.data._roles`, built on these.

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

Columns are found personal three ways: the ``personal`` marks of the course table, the column's
name (``phone``, ``联系人``, ``法人代表``, ``收货人``; an individual's ``employer``/``工作单位``, which
with city and job identifies the person, counts as a name …), and their content: in every other text column
the table does not define, phones (mobiles, landlines with area code), 18-digit resident ID
numbers (and the old 15-digit ones), e-mails and Luhn-valid bank-card numbers are masked wherever they appear, free text
included ("call 13812345678" -> "call 138****5678"; :func:`mask_text_series`).

Pseudonyms (:func:`pseudonymise`) are keyed HMAC-SHA256 digests: the same ID and key always give
the same pseudonym, so tables still join, but without the key nobody can go back or recompute them.
The course's demo key (:data:`DEMO_KEY`) is public, so it is refused unless ``allow_demo_key=True``
(notebook 01 allows it on the bundled, made-up data only); :func:`choose_pseudonym_key` picks the key to
use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.errors import (
    PERSONAL_HINT,
    PERSONAL_PATTERNS,
    DataProblem,
    did_you_mean,
    re2_pattern,
    redact_personal,
)
from helpers.i18n import tr
from helpers.tables import TABLES, personal_columns

__all__ = [
    "DEMO_KEY",
    "KEY_ENV",
    "map_distinct",
    "mask_name",
    "mask_phone",
    "mask_email",
    "mask_id_number",
    "mask_address",
    "mask_value",
    "mask_series",
    "mask_frame",
    "mask_text_series",
    "personal_columns_of",
    "choose_pseudonym_key",
    "pseudonymise",
    "pseudonymise_frame",
]

KEY_ENV = "COURSE_PSEUDONYM_KEY"
#: The key notebook 01 uses on the bundled data. It is public (it is in the notebook), so
#: pseudonyms made with it can be recomputed by anyone: refused on anything else.
DEMO_KEY = "course-demo-key"
MASK = "*"

#: Column-name patterns (lower case, half-width) recognised as personal data without a table.
NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "email": (r"e-?mail", r"邮箱", r"电子邮件", r"邮件"),
    "phone": (r"phone", r"mobile", r"\btel", r"^tel", r"电话", r"手机", r"联系方式"),
    "id_number": (r"id_?number", r"id_?no", r"身份证", r"证件", r"national_?id", r"passport",
                  r"信用代码"),
    "address": (r"address", r"地址", r"住址"),
    "name": (r"^name$", r"_name$", r"^contact$", r"key_contact$", r"^contact_?person$",
             r"^contact_?persons?_?name$", r"姓名", r"客户名称", r"联系人$", r"^名称$", r"法人",
             r"收货人$", r"收件人$", r"负责人$", r"经办人$", r"full_?name", r"first_?name",
             r"last_?name", r"employer", r"工作单位$", r"任职单位", r"就职单位", r"雇主"),
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
    if len(text) >= 8 and text.isascii() and text.isdigit():  # the usual case, half the time:
        return text[:3] + MASK * (len(text) - 7) + text[-4:]  # every character is a position
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


#: How personal data found inside text is masked: the rules of the table above (cards: last 4).
_CONTENT_MASKS: dict[str, Callable[[str], str]] = {
    "phone": mask_phone, "email": mask_email, "id_number": mask_id_number}

# Which values can redact_personal change? It returns its text at once unless PERSONAL_HINT
# finds something, then runs ``text = pattern.sub(sub, text)`` for each of PERSONAL_PATTERNS in
# turn, and nothing else touches the text. ``re.sub`` returns its input unchanged when the
# pattern has no match. So if no pattern matches the ORIGINAL text, the first step returns it
# unchanged, the second sees the original and returns it unchanged, and so on: the value comes
# back as it was. A value can change only if some pattern matches the original text. (The
# converse does not hold, and need not: a card number failing Luhn, or a match in a text without
# PERSONAL_HINT, stays as it is; the scan then only picks a value redact_personal leaves alone.)
# Nor can a step create a match for a later one (the proof above does not need this): masks only
# turn characters of their own match into '*' (digits; an ID's letters and digits; an e-mail's
# user part but its first character, so no '*' borders text outside that match), and the phone
# and card patterns neither contain nor accept '*' next to them. _PERSONAL_SCAN (RE2, finding
# every text the Python patterns find, see re2_pattern) so picks every value that can change.
_PERSONAL_SCAN = "|".join(f"(?:{re2_pattern(p.pattern)})" for p in PERSONAL_PATTERNS.values())


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a file decoded with errors="surrogateescape")
        return False
    return True


def _candidates(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` (distinct, any type) :func:`redact_personal` may change (bool array).

    Text values only, found by one vectorised RE2 search (:data:`_PERSONAL_SCAN`); the rare
    text Arrow cannot hold (lone surrogates) is tested with :data:`PERSONAL_HINT`, as before.
    """
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        is_text = np.ones(len(values), dtype=bool)
    else:
        is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    found = np.zeros(len(values), dtype=bool)
    try:
        arrow = pa.array(values[is_text], type=pa.large_string())
    except UnicodeEncodeError:
        rest = np.flatnonzero(is_text)
        odd = rest[[not _utf8(v) for v in values[rest]]]
        found[odd] = [PERSONAL_HINT.search(v) is not None for v in values[odd]]
        is_text[odd] = False
        arrow = pa.array(values[is_text], type=pa.large_string())
    hits = pc.match_substring_regex(arrow, _PERSONAL_SCAN)
    found[is_text] = hits.to_numpy(zero_copy_only=False).astype(bool)
    return found


def mask_text_series(s: pd.Series) -> pd.Series:
    """Mask the phones, ID, card numbers and e-mails found inside the text values of ``s``.

    Each distinct value is scanned once: one vectorised RE2 search over them all picks the
    values that hold a phone, ID, card number or e-mail, and only those go through
    :func:`helpers.errors.redact_personal` (ids such as ``C000000001`` are not masked one by
    one). Values without any, and values that are not text, are kept as they are.

    Parameters
    ----------
    s : Series
        Any column (free text such as remarks included).

    Returns
    -------
    Series
        ``s`` itself when nothing was found, else a copy with the findings masked.

    Examples
    --------
    >>> mask_text_series(pd.Series(["call 13812345678", "VIP"])).tolist()
    ['call 138****5678', 'VIP']
    """
    if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)
            or isinstance(s.dtype, pd.CategoricalDtype)):
        return s
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    found = np.flatnonzero(_candidates(values))
    masked = np.array([redact_personal(v, _CONTENT_MASKS) for v in values[found]], dtype=object)
    differs = masked != values[found]
    changed, masked = found[differs], masked[differs]
    if not len(changed):
        return s
    done = values.copy()
    done[changed] = masked
    out = s.to_numpy(dtype=object, copy=True)
    rows = np.isin(codes, changed)
    out[rows] = done[codes[rows]]
    dtype = s.dtype if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object else object
    return pd.Series(out, index=s.index, name=s.name, dtype=dtype)


def content_columns(df: pd.DataFrame, table: str | None, personal: Iterable[str]
                          ) -> list[Any]:
    """Columns scanned by content: not personal already, and not a column of the course table."""
    known = set(personal) | (set(TABLES[table].names) if table in TABLES else set())
    return [c for c in df.columns if c not in known]


def mask_frame(df: pd.DataFrame, table: str | None = None, reveal_personal: bool = False
               ) -> pd.DataFrame:
    """A copy of ``df`` with personal data masked, by column and by content (see the module).

    Parameters
    ----------
    df : DataFrame
        Any table.
    table : str, optional
        Course table name; its ``personal`` marks say which columns to mask. Columns it does not
        know are recognised by name (English or Chinese), and their text is scanned for phones,
        ID numbers, e-mails and bank-card numbers (:func:`mask_text_series`).
    reveal_personal : bool
        Keep the clear values (opt-in; only for users entitled to see them).

    Returns
    -------
    DataFrame
        Same shape, index and column order; personal columns as masked strings.

    Examples
    --------
    >>> mask_frame(pd.DataFrame({"联系人": ["张三丰"], "remark": ["call 13812345678"]}))
        联系人            remark
    0  张**  call 138****5678
    """
    out = df.copy()
    if reveal_personal:
        return out
    kinds = personal_columns_of(df, table)
    for col, kind in kinds.items():
        out[col] = mask_series(df[col], kind)
    for col in content_columns(df, table, kinds):
        out[col] = mask_text_series(df[col])
    return out


# --------------------------------------------------------------------------------------------
# pseudonyms


def _key_bytes(key: str | bytes | None, allow_demo_key: bool = False) -> bytes:
    key = key if key not in (None, "") else os.environ.get(KEY_ENV)
    if not key:
        raise DataProblem(
            "pseudonymise needs a secret key: pass key='...' or set the environment variable "
            f"{KEY_ENV}. Keep the key out of notebooks you share; whoever has it can recompute "
            "the pseudonyms.")
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if raw == DEMO_KEY.encode("utf-8") and not allow_demo_key:
        raise DataProblem(
            f"pseudonymise: the key {DEMO_KEY!r} is the course's public demo key: anyone can "
            "recompute pseudonyms made with it, so it is only for the bundled, made-up data. "
            f"Fix: pass your own secret key, set the environment variable {KEY_ENV}, or use "
            "choose_pseudonym_key() for a random key kept in memory for this session.")
    return raw


def choose_pseudonym_key(key: str | bytes | None = None, bundled_data: bool = False) -> str | bytes:
    """The key to pseudonymise with: yours, else ``COURSE_PSEUDONYM_KEY``, else demo or random.

    On the bundled data (``bundled_data=True``) the public :data:`DEMO_KEY` is used when no key
    is given, so the course's pseudonyms are the same for everyone. On any other data, a given
    demo key is refused, and without a key a random one is generated: it is kept in memory only
    (never written to an output), so the pseudonyms of this session cannot be recomputed by
    anyone, nor joined with another session's; set ``COURSE_PSEUDONYM_KEY`` to keep them stable.

    Parameters
    ----------
    key : str or bytes, optional
        Your secret key.
    bundled_data : bool
        True when working on the course's bundled data (notebook 01: ``data_dir is None``).

    Returns
    -------
    str or bytes
        The key (pass it as ``key=`` to :func:`pseudonymise` and :func:`view_for_role`).

    Raises
    ------
    DataProblem
        For the demo key on data other than the bundled one.

    Examples
    --------
    >>> choose_pseudonym_key("my-own-secret")
    'my-own-secret'
    >>> choose_pseudonym_key(DEMO_KEY)
    Traceback (most recent call last):
    ...
    helpers.errors.DataProblem: pseudonymise: the key 'course-demo-key' is the course's public ...
    """
    chosen = key if key not in (None, "") else os.environ.get(KEY_ENV)
    if chosen:
        _key_bytes(chosen, allow_demo_key=bundled_data)
        return chosen
    if bundled_data:
        return DEMO_KEY
    print(tr("note: no pseudonym key given (key=... or {env}): using a random key kept in memory "
             "for this session only; its pseudonyms cannot be recomputed or joined later.",
             env=KEY_ENV))
    return secrets.token_hex(32)


def pseudonymise(s: pd.Series, key: str | bytes | None = None, length: int = 16,
                 prefix: str = "P", allow_demo_key: bool = False) -> pd.Series:
    """Replace IDs with keyed pseudonyms (HMAC-SHA256, hex, ``length`` characters).

    The same ID and key always give the same pseudonym; another key gives another one; without
    the key the original cannot be recovered or re-derived. Missing values stay missing.

    The course's demo key (:data:`DEMO_KEY`, ``"course-demo-key"``) is public: whoever reads
    notebook 01 could recompute its pseudonyms, so it is refused unless ``allow_demo_key=True``,
    which notebook 01 sets only on the bundled, made-up data (``data_dir is None``). On your data
    use your own key, or :func:`choose_pseudonym_key` for a random one kept in memory.

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
    allow_demo_key : bool
        Accept the public demo key (only for the bundled data).

    Returns
    -------
    Series
        The pseudonyms, as strings.

    Raises
    ------
    DataProblem
        Without a key, with the demo key unless allowed, or for a length outside 8-64.
    """
    k = _key_bytes(key, allow_demo_key)
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
                       key: str | bytes | None = None, allow_demo_key: bool = False
                       ) -> pd.DataFrame:
    """A copy of ``df`` with the given ID columns pseudonymised (absent columns are skipped)."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pseudonymise(out[col], key=key, allow_demo_key=allow_demo_key)
    return out
