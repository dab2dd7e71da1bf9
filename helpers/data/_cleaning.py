"""Data quality, cleaning: customer columns in one standard form (phones, e-mails, IDs, cities).

Each function returns a new Series or DataFrame (so they chain with ``.pipe``) and works once per
distinct value. Values that cannot be standardised become <NA>: they were unusable anyway; the
audit (:func:`helpers.data.quality_report`) counts them.

Rules:

- phone: an 11-digit mobile starting with 1, or a landline of 10-12 digits starting with 0 (area
  code included), or a local number of 7-8 digits; ``+86``, spaces, dashes, brackets and
  extensions removed.
- email: ``something@domain.tld`` with no spaces, lower case.
- id_number: 18 characters with a valid check digit: resident ID numbers (GB 11643) or unified
  social credit codes of organisations (GB 32100).
- city: the standard name of ``helpers/config/city_aliases.yaml`` (京 / Beijing -> 北京市).

>>> clean_customers(pd.DataFrame({"phone": ["+86 138-0013-8000"], "city": ["沪"]})).iloc[0].tolist()
['13800138000', '上海市']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from helpers.config import ConfigModel, read_config
from helpers.data.mapping import to_halfwidth
from helpers.data.privacy import map_distinct

__all__ = [
    "CityAliases",
    "clean_customers",
    "load_city_aliases",
    "normalise_company_name",
    "standardise_city",
    "standardise_email",
    "standardise_id_number",
    "standardise_phone",
    "to_halfwidth_frame",
]

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "co., ltd.", "co.,ltd.",
                    "co. ltd", "ltd.", "ltd", "inc.", "inc")


# --------------------------------------------------------------------------------------------
# phones, e-mails, ID numbers


def _phone(text: str) -> str | None:
    t = to_halfwidth(text).lower()
    t = re.split(r"转|ext\.?|x(?=\d)|分机|#", t)[0]  # drop an extension
    digits = re.sub(r"\D", "", t)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) in (13, 12, 11) and len(digits) != 11:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return digits
    if 7 <= len(digits) <= 8:  # local landline without area code
        return digits
    return None


def standardise_phone(s: pd.Series) -> pd.Series:
    """Phone numbers as digits only: mobiles as 11 digits, landlines with their area code.

    Removes ``+86``/``86-``/``0086``, spaces, dashes, brackets and extensions (``转 806``,
    ``ext.806``), full-width digits. Numbers that fit no pattern become <NA> (see
    :func:`~helpers.data.quality_report` for how many).

    Parameters
    ----------
    s : Series
        Phone numbers as written.

    Returns
    -------
    Series
        ``string``: the standard form, or <NA>.

    Examples
    --------
    >>> standardise_phone(pd.Series(["+86 138-0013-8000", "１３８００１３８０００", "(010)72967499",
    ...                               "0512 75774818 转 110", "12"])).tolist()
    ['13800138000', '13800138000', '01072967499', '051275774818', <NA>]
    """
    return map_distinct(s, _phone)


def _email(text: str) -> str | None:
    t = re.sub(r"\s+", "", to_halfwidth(text)).lower()
    return t if re.match(EMAIL_RE, t) else None


def standardise_email(s: pd.Series) -> pd.Series:
    """E-mail addresses trimmed, half-width and lower case; malformed ones become <NA>.

    >>> standardise_email(pd.Series([" ZHANG@QQ.COM ", "no-at-sign"])).tolist()
    ['zhang@qq.com', <NA>]
    """
    return map_distinct(s, _email)


def _id_ok(t: str) -> bool:
    """A resident ID number (GB 11643) or a unified social credit code (GB 32100), checked."""
    if re.fullmatch(r"\d{17}[\dX]", t):
        total = int((np.array([int(c) for c in t[:17]]) * ID_WEIGHTS).sum())
        if ID_CHECK[total % 11] == t[17]:
            return True
    if re.fullmatch(f"[{CREDIT_CHARS}]{{18}}", t):
        total = sum(CREDIT_CHARS.index(ch) * w for ch, w in zip(t[:17], CREDIT_WEIGHTS,
                                                                 strict=True))
        return CREDIT_CHARS[(31 - total % 31) % 31] == t[17]
    return False


def _id_number(text: str) -> str | None:
    t = re.sub(r"[\s-]", "", to_halfwidth(text)).upper()
    return t if _id_ok(t) else None


def standardise_id_number(s: pd.Series) -> pd.Series:
    """ID numbers upper case, half-width, without spaces; values that fail the check become <NA>.

    Resident ID numbers are checked with their check digit (GB 11643), unified social credit codes
    of organisations with their check character (GB 32100).

    >>> standardise_id_number(pd.Series(["11010519491231002x", "110105194912310021"])).tolist()
    ['11010519491231002X', <NA>]
    """
    return map_distinct(s, _id_number)


# --------------------------------------------------------------------------------------------
# cities


def _city_key(text: str) -> str:
    return re.sub(r"[\s']", "", to_halfwidth(text)).lower()


_NOT_A_LIST = PydanticCustomError("aliases_list", "aliases must be a list, e.g. [北京, 京, Beijing]")


class CityAliases(ConfigModel):
    """``helpers/config/city_aliases.yaml``: each standard city name and its other spellings.

    ``lookup`` maps every spelling's matching key (half-width, lower case, no spaces or
    apostrophes) to the standard name. An alias listed under two cities is an error.
    """

    file = "city_aliases.yaml"

    cities: dict[str, list[str]] = Field(min_length=1)

    @field_validator("cities", mode="before")
    @classmethod
    def _no_aliases_is_empty(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(city): [] if aliases is None else aliases
                    for city, aliases in value.items()}
        return value

    @field_validator("cities", mode="wrap")
    @classmethod
    def _one_city_per_alias(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Report aliases listed under two cities together with any malformed entry."""
        errors: list[InitErrorDetails] = []
        try:
            cities = handler(value)
        except ValidationError as exc:
            if not isinstance(value, Mapping):
                raise
            errors = [InitErrorDetails(type=_NOT_A_LIST if e["type"] == "list_type" else e["type"],
                                       loc=e["loc"], input=e["input"], ctx=e.get("ctx", {}))
                      for e in exc.errors()]
            cities = {c: a for c, a in value.items() if isinstance(a, list)}
        seen: dict[str, str] = {}
        for city, aliases in cities.items():
            for name in [city, *aliases]:
                key = _city_key(str(name))
                if seen.get(key, city) != city:
                    errors.append(InitErrorDetails(
                        type=PydanticCustomError("alias_twice", "alias {alias} is also listed "
                                                 "under {other}", {"alias": repr(str(name)),
                                                                   "other": repr(seen[key])}),
                        loc=(city,), input=aliases))
                seen[key] = city
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return cities

    @property
    def lookup(self) -> dict[str, str]:
        """Matching key of every spelling (the standard name too) -> standard name."""
        return {_city_key(str(name)): city for city, aliases in self.cities.items()
                for name in [city, *aliases]}


def load_city_aliases(path: str | Path | None = None) -> CityAliases:
    """Read and validate ``helpers/config/city_aliases.yaml`` (or the file given).

    Parameters
    ----------
    path : str or Path, optional
        Another alias file of the same format (``cities: {standard name: [aliases]}``).

    Returns
    -------
    CityAliases
        ``lookup`` maps each alias's matching key to the standard city name.

    Raises
    ------
    ConfigProblem
        Every problem at once, as ``file: cities.<city>: what is wrong``: a missing ``cities``
        key, aliases that are not a list, an alias listed under two cities.

    Examples
    --------
    >>> load_city_aliases().lookup["hangzhou"]
    '杭州市'
    """
    return read_config(CityAliases, path)


def standardise_city(s: pd.Series,
                     aliases: CityAliases | Mapping[str, str] | str | Path | None = None
                     ) -> pd.Series:
    """City names in their standard form (北京 / 京 / Beijing -> 北京市) using the alias table.

    Names not in the table are kept (trimmed, half-width), with 市 added when the name plus 市 is a
    standard name.

    Parameters
    ----------
    s : Series
        City names as written.
    aliases : CityAliases, mapping, str or Path, optional
        The alias table (matching key -> standard name), or a file; default the bundled one.

    Returns
    -------
    Series
        ``string``.

    Examples
    --------
    >>> standardise_city(pd.Series(["京", "Beijing", "北京 ", "Lhasa"])).tolist()
    ['北京市', '北京市', '北京市', 'Lhasa']
    """
    if isinstance(aliases, Mapping):
        table = dict(aliases)
    else:
        table = (aliases if isinstance(aliases, CityAliases) else load_city_aliases(aliases)).lookup
    standard = set(table.values())

    def one(text: str) -> str | None:
        key = _city_key(text)
        if not key:
            return None
        if key in table:
            return table[key]
        if key + "市" in standard:
            return key + "市"
        return to_halfwidth(text).strip()

    return map_distinct(s, one)


# --------------------------------------------------------------------------------------------
# names and whole tables


def _company_key(text: str) -> str:
    t = re.sub(r"\s+", "", to_halfwidth(text)).lower()
    for suffix in COMPANY_SUFFIXES:
        if t.endswith(suffix.replace(" ", "")):
            t = t[: -len(suffix.replace(" ", ""))]
            break
    return re.sub(r"[()（）.,·\-]", "", t)


def normalise_company_name(s: pd.Series) -> pd.Series:
    """Names for comparison: half-width, lower case, no spaces, punctuation or legal suffix.

    The legal suffixes removed are 有限公司 / 有限责任公司 / 股份有限公司 / 集团 / Co., Ltd. / Inc.

    >>> normalise_company_name(pd.Series(["上海汇丰超市有限公司", "ACME Co., Ltd."])).tolist()
    ['上海汇丰超市', 'acme']
    """
    return map_distinct(s, _company_key)


def to_halfwidth_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text column converted to half-width and trimmed (other columns untouched).

    >>> to_halfwidth_frame(pd.DataFrame({"a": ["ＡＢ　 Ｃ "], "n": [1]})).to_dict("list")
    {'a': ['AB C'], 'n': [1]}
    """
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = map_distinct(out[col], lambda t: re.sub(r"\s+", " ", to_halfwidth(t))
                                    .strip() or None)
    return out


def clean_customers(df: pd.DataFrame,
                    city_aliases: CityAliases | Mapping[str, str] | str | Path | None = None
                    ) -> pd.DataFrame:
    """Standardise a customer table: half-width text, phones, e-mails, ID numbers, cities.

    Values that cannot be standardised become <NA> (they were unusable anyway); compare the
    output with the input, or read :func:`~helpers.data.quality_report`, to see how many.

    Parameters
    ----------
    df : DataFrame
        A customers table (course column names), e.g. from ``load_table(..., "customers")``.
    city_aliases : CityAliases, mapping, str or Path, optional
        Alias table or file (default ``helpers/config/city_aliases.yaml``).

    Returns
    -------
    DataFrame
        A cleaned copy, same columns.
    """
    out = to_halfwidth_frame(df)
    if "phone" in out:
        out["phone"] = standardise_phone(out["phone"])
    if "email" in out:
        out["email"] = standardise_email(out["email"])
    if "id_number" in out:
        out["id_number"] = standardise_id_number(out["id_number"])
    if "city" in out:
        out["city"] = standardise_city(out["city"], city_aliases)
    if "name" in out:
        out["name"] = map_distinct(out["name"], lambda t: re.sub(r"\s+", "", t) or None)
    return out
