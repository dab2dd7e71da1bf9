"""Find the bundled data's raw personal values (phones, ID numbers, e-mails, names) in any text.

The notebook harness scans every executed notebook, the files its runs write and an HTML export
with :func:`find_personal`: none of the clear values of ``datasets/customers.csv``,
``datasets/leads.csv`` or the raw CRM exports (``datasets/raw/crm_export*.csv``) may appear in what
the course shows or writes unless a run asked for ``reveal_personal=True``.

The scan is independent of the package's own masking (:mod:`helpers.data.privacy`): it knows the
values and looks for them. Phones are matched as 11 digits after removing separators, ``+86`` and
full-width digits; ID numbers and unified social credit codes as 18 characters exactly; names of
3 or more characters (Chinese names of 2 characters could be ordinary words) as substrings.

Names are those of natural persons: individual customers, key contacts, lead contacts. An
organisation's registered name is public business information, not personal data (it is still
masked by ``name`` columns, but may appear unmasked as an individual's ``employer`` and in the
lesson text, e.g. the duplicate shop of lesson 01); its phone, e-mail and credit code are scanned.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.paths import DATASETS_DIR

#: Columns holding clear personal values, per file (the raw exports use Chinese headers).
SOURCES = {
    "customers.csv": {"name": "name", "key_contact": "name", "phone": "phone",
                      "email": "email", "id_number": "id_number"},
    "leads.csv": {"contact_name": "name", "phone": "phone"},
    "raw/crm_export.csv": {"姓名": "name", "主要联系人": "name", "手机": "phone",
                           "电子邮箱": "email", "证件号码": "id_number"},
    "raw/crm_export_gbk.csv": {"姓名": "name", "主要联系人": "name", "手机": "phone",
                               "电子邮箱": "email", "证件号码": "id_number"},
}
MIN_NAME = 3
#: Column and value marking an organisation's row, whose ``name`` is not a person's.
ORGANISATION = {"customers.csv": ("customer_kind", "organisation"),
                "raw/crm_export.csv": ("客户类别", "企业"),
                "raw/crm_export_gbk.csv": ("客户类别", "企业")}
PERSON_NAME = {"name", "姓名"}

# a mainland mobile with optional +86 / 86- prefix and spaces or dashes between the digits
_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9](?:[\s-]?\d){9})(?!\d)")
_ID = re.compile(r"[0-9A-Z]{18}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_DIGITS = re.compile(r"\d{9,}")
_WORD = re.compile(r"[^\W\d_]+")
# base64 images (plots) in notebooks and HTML: skipped, they hold no text
_BASE64 = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s\\n]+")


@dataclass(frozen=True)
class PersonalValues:
    """The clear personal values to look for, by kind."""

    phones: frozenset[str]
    id_numbers: frozenset[str]
    emails: frozenset[str]
    names: frozenset[str]

    @property
    def longest_name(self) -> int:
        return max(map(len, self.names), default=0)


def _clean(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _phone_digits(value: str) -> str | None:
    digits = re.sub(r"\D", "", _clean(value))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits  # a mainland mobile
    # a foreign number (the leads' international phones) as written: matched as a digit run
    return digits if len(digits) >= 9 and not digits.startswith("0") else None


def _read(path: Path) -> pd.DataFrame:
    encoding = "gbk" if path.name.endswith("_gbk.csv") else "utf-8"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)


@cache
def personal_values(data_dir: Path = DATASETS_DIR) -> PersonalValues:
    """Every clear phone, ID number, e-mail and name (≥ 3 characters) of the bundled data."""
    found: dict[str, set[str]] = {"phone": set(), "id_number": set(), "email": set(),
                                  "name": set()}
    for file, columns in SOURCES.items():
        path = data_dir / file
        if not path.exists():
            continue
        table = _read(path)
        kind_column, organisation = ORGANISATION.get(file, ("", ""))
        person = table[kind_column] != organisation if kind_column else True
        for column, kind in columns.items():
            rows = table[person] if column in PERSON_NAME else table
            for value in rows.get(column, pd.Series(dtype=str)).map(_clean):
                if kind == "phone":
                    found[kind].add(_phone_digits(value) or "")
                elif kind == "id_number":
                    found[kind].add(value.upper() if len(value) == 18 else "")
                elif kind == "email":
                    found[kind].add(value.lower())
                else:
                    found[kind].add(value if len(value) >= MIN_NAME else "")
    for values in found.values():
        values.discard("")
    return PersonalValues(frozenset(found["phone"]), frozenset(found["id_number"]),
                          frozenset(found["email"]), frozenset(found["name"]))


def _names_in(text: str, values: PersonalValues) -> set[str]:
    hits = set()
    # a slice of a CJK run is all CJK: only names written in CJK alone can match one, so the
    # slices need be no longer than the longest of those (computed once, not per position)
    longest = max((len(n) for n in values.names if _CJK.fullmatch(n)), default=0)
    for run in _CJK.findall(text):
        for start in range(len(run) - MIN_NAME + 1):
            for end in range(start + MIN_NAME, min(len(run), start + longest) + 1):
                if run[start:end] in values.names:
                    hits.add(run[start:end])
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    for i in range(len(words)):  # Latin names: two or three words with one space between
        for j in (i + 1, i + 2):
            if j < len(words) and text[words[i][0]:words[j][1]] in values.names:
                hits.add(text[words[i][0]:words[j][1]])
    return hits


def find_personal(text: str, values: PersonalValues | None = None) -> dict[str, set[str]]:
    """The clear personal values in ``text``, by kind (empty when there are none).

    Examples
    --------
    >>> vals = PersonalValues(frozenset({"13812345678"}), frozenset({"11010119900307123X"}),
    ...                       frozenset({"zhang@example.com"}), frozenset({"张小明"}))
    >>> find_personal("张小明, +86 138-1234-5678, 11010119900307123x, Zhang@example.com", vals)
    ... # doctest: +NORMALIZE_WHITESPACE
    {'phone': {'13812345678'}, 'id_number': {'11010119900307123X'},
     'email': {'zhang@example.com'}, 'name': {'张小明'}}
    >>> find_personal("138****5678 张*明 110101********123X z****@example.com", vals)
    {}
    """
    values = values or personal_values()
    text = _BASE64.sub(" ", unicodedata.normalize("NFKC", text))
    upper = text.upper()
    hits = {
        "phone": {p for m in _PHONE.finditer(text)
                  if (p := re.sub(r"\D", "", m.group(1))) in values.phones}
        | {run for run in _DIGITS.findall(text) if run in values.phones},
        "id_number": {upper[i:i + 18] for m in _ID.finditer(upper)
                      for i in range(m.start(), m.end() - 17) if upper[i:i + 18] in values.id_numbers},
        "email": {e.lower() for e in _EMAIL.findall(text) if e.lower() in values.emails},
        "name": _names_in(text, values),
    }
    return {kind: found for kind, found in hits.items() if found}


def notebook_text(notebook: dict[str, Any]) -> dict[str, str]:
    """What an executed notebook shows, by place: each cell's outputs, and the widget state."""
    places = {}
    for number, cell in enumerate(notebook["cells"]):
        outputs = cell.get("outputs", [])
        if outputs:
            places[f"cell {number} ({cell.get('id', '?')})"] = json.dumps(outputs,
                                                                        ensure_ascii=False)
    places["metadata (widget state)"] = json.dumps(notebook.get("metadata", {}),
                                                    ensure_ascii=False)
    return places


def file_text(path: Path) -> str:
    """A written file's content as text (tables read with pandas, other files decoded)."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xls"}:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        return "\n".join(sheet.to_csv(index=False) for sheet in sheets.values())
    if suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv(index=False)
    if suffix in {".png", ".jpg", ".jpeg", ".gif", ".pdf"}:
        return ""
    raw = path.read_bytes()
    for encoding in ("utf-8", "utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def leaks(places: dict[str, str], values: PersonalValues | None = None) -> dict[str, Any]:
    """``{place: {kind: a few values}}`` for every place whose text holds clear personal values."""
    found = {}
    for place, text in places.items():
        hits = find_personal(text, values)
        if hits:
            found[place] = {kind: sorted(vals)[:3] + ([f"… {len(vals)} in all"]
                                                       if len(vals) > 3 else [])
                            for kind, vals in hits.items()}
    return found
