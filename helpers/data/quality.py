"""Data quality: audit a customer table, clean and standardise it, find near-duplicate records.

The usual order in a lesson (each step a function that returns a new DataFrame, so they chain
with ``.pipe``)::

    raw = load_table("datasets/raw/crm_export_gbk.csv", "customers",
                     mapping="mappings/crm_export_zh.yaml")
    quality_report(raw, "customers")                # completeness, invalid values, distinct counts
    clean = raw.pipe(clean_customers)               # half-width, phones, cities, e-mails, IDs
    pairs = duplicate_candidates(clean)             # scored candidate pairs (blocked, fuzzy names)
    clusters = cluster_duplicates(clean, pairs)     # a cluster id per record
    golden = golden_records(clean, clusters)        # one record per real customer
    flag_stale(golden, as_of="2025-12-31", days=730)

Rules used for "invalid" values:

- phone: after standardising, an 11-digit mobile starting with 1, or a landline of 10-12 digits
  starting with 0 (area code included); anything else is invalid.
- email: ``something@domain.tld`` with no spaces.
- id_number: 18 characters with a valid check digit: resident ID numbers (GB 11643) or unified
  social credit codes of organisations (GB 32100).
- category columns: a value outside the allowed list in :mod:`helpers.tables`; numbers below the
  column's minimum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import paths
from helpers.data.loading import to_halfwidth
from helpers.data.privacy import map_distinct
from helpers.errors import DataProblem
from helpers.tables import TABLES

__all__ = [
    "quality_report",
    "quality_summary",
    "invalid_mask",
    "duplicate_keys",
    "flag_stale",
    "stale_share",
    "to_halfwidth_frame",
    "standardise_phone",
    "standardise_email",
    "standardise_id_number",
    "standardise_city",
    "load_city_aliases",
    "normalise_company_name",
    "clean_customers",
    "duplicate_candidates",
    "cluster_duplicates",
    "golden_records",
    "pair_scores",
    "issues_by_column_view",
]

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = "10X98765432"
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "co., ltd.", "co.,ltd.",
                    "co. ltd", "ltd.", "ltd", "inc.", "inc")


# --------------------------------------------------------------------------------------------
# standardising single columns (vectorised: computed once per distinct value)


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
    :func:`quality_report` for how many).

    >>> standardise_phone(pd.Series(["+86 138-0013-8000", "１３８００１３８０００", "(010)72967499",
    ...                               "0512 75774818 转 110", "12"])).tolist()
    ['13800138000', '13800138000', '01072967499', '051275774818', <NA>]
    """
    return map_distinct(s, _phone)


def standardise_email(s: pd.Series) -> pd.Series:
    """E-mail addresses trimmed, half-width and lower case; malformed ones become <NA>."""

    def one(text: str) -> str | None:
        t = re.sub(r"\s+", "", to_halfwidth(text)).lower()
        return t if re.match(EMAIL_RE, t) else None

    return map_distinct(s, one)


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _id_ok(t: str) -> bool:
    """A resident ID number with a valid check digit (GB 11643), or a unified social credit code
    with a valid check character (GB 32100)."""
    if re.fullmatch(r"\d{17}[\dX]", t):
        total = int((np.array([int(c) for c in t[:17]]) * ID_WEIGHTS).sum())
        if ID_CHECK[total % 11] == t[17]:
            return True
    if re.fullmatch(f"[{CREDIT_CHARS}]{{18}}", t):
        total = sum(CREDIT_CHARS.index(ch) * w for ch, w in zip(t[:17], CREDIT_WEIGHTS,
                                                                 strict=True))
        return CREDIT_CHARS[(31 - total % 31) % 31] == t[17]
    return False


def standardise_id_number(s: pd.Series) -> pd.Series:
    """ID numbers upper case, half-width, without spaces; values that fail the check become <NA>.

    Resident ID numbers are checked with their check digit (GB 11643), unified social credit codes
    of organisations with their check character (GB 32100).
    """

    def one(text: str) -> str | None:
        t = re.sub(r"[\s-]", "", to_halfwidth(text)).upper()
        return t if _id_ok(t) else None

    return map_distinct(s, one)


def load_city_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Read ``helpers/config/city_aliases.yaml``: alias (matching key) -> standard city name.

    Raises
    ------
    DataProblem
        Naming the file and key: missing ``cities`` key, aliases not a list, an alias listed
        under two cities.
    """
    import yaml

    f = paths.config_file("city_aliases.yaml", path)
    try:
        raw = yaml.safe_load(f.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataProblem(f"{f} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cities"), dict):
        raise DataProblem(f"{f}: expected a top-level key 'cities' mapping each standard city "
                          "name to a list of aliases")
    out: dict[str, str] = {}
    errors = []
    for city, aliases in raw["cities"].items():
        if aliases is None:
            aliases = []
        if not isinstance(aliases, list):
            errors.append(f"cities.{city}: aliases must be a list, e.g. [北京, 京, Beijing]")
            continue
        for name in [city, *aliases]:
            key = _city_key(str(name))
            if key in out and out[key] != city:
                errors.append(f"cities.{city}: alias {name!r} is also listed under {out[key]!r}")
            out[key] = str(city)
    if errors:
        raise DataProblem(f"{f} has {len(errors)} problem(s):\n" + "\n".join(f"- {e}"
                                                                             for e in errors))
    return out


def _city_key(text: str) -> str:
    return re.sub(r"[\s']", "", to_halfwidth(text)).lower()


def standardise_city(s: pd.Series, aliases: Mapping[str, str] | str | Path | None = None
                     ) -> pd.Series:
    """City names in their standard form (北京 / 京 / Beijing -> 北京市) using the alias table.

    Names not in the table are kept (trimmed, half-width), with 市 added when the name plus 市 is a
    standard name.

    >>> standardise_city(pd.Series(["京", "Beijing", "北京 ", "Lhasa"])).tolist()
    ['北京市', '北京市', '北京市', 'Lhasa']
    """
    table = aliases if isinstance(aliases, Mapping) else load_city_aliases(aliases)
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


def normalise_company_name(s: pd.Series) -> pd.Series:
    """Names for comparison: half-width, lower case, no spaces or punctuation, legal suffix
    (有限公司 / 有限责任公司 / Co., Ltd.) removed."""

    def one(text: str) -> str:
        t = re.sub(r"\s+", "", to_halfwidth(text)).lower()
        for suffix in COMPANY_SUFFIXES:
            if t.endswith(suffix.replace(" ", "")):
                t = t[: -len(suffix.replace(" ", ""))]
                break
        return re.sub(r"[()（）.,·\-]", "", t)

    return map_distinct(s, one)


def to_halfwidth_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text column converted to half-width and trimmed (other columns untouched)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = map_distinct(out[col], lambda t: re.sub(r"\s+", " ", to_halfwidth(t))
                                   .strip() or None)
    return out


def clean_customers(df: pd.DataFrame, city_aliases: Mapping[str, str] | str | Path | None = None
                    ) -> pd.DataFrame:
    """Standardise a customer table: half-width text, phones, e-mails, ID numbers, cities.

    Values that cannot be standardised become <NA> (they were unusable anyway); compare the
    output with the input, or read :func:`quality_report`, to see how many.

    Parameters
    ----------
    df : DataFrame
        A customers table (course column names), e.g. from ``load_table(..., "customers")``.
    city_aliases : mapping, str or Path, optional
        Alias table or file (default ``helpers/config/city_aliases.yaml``).
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


# --------------------------------------------------------------------------------------------
# auditing


def invalid_mask(df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """True where a present value is invalid (see the module's rules), per column."""
    t = TABLES.get(table) if table else None
    out = pd.DataFrame(False, index=df.index, columns=df.columns)
    for col in df.columns:
        s = df[col]
        present = s.notna()
        if col == "phone":
            out[col] = present & standardise_phone(s).isna()
        elif col == "email":
            out[col] = present & standardise_email(s).isna()
        elif col == "id_number":
            out[col] = present & standardise_id_number(s).isna()
        elif t is not None and col in t.names:
            c = t.column(col)
            if c.allowed:
                out[col] = present & ~s.astype("string").isin(c.allowed).fillna(False)
            elif c.min_value is not None and pd.api.types.is_numeric_dtype(s):
                out[col] = present & (s < c.min_value).fillna(False)
    return out.astype(bool)


def quality_report(df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """One row per column: how complete, how valid, how varied.

    Parameters
    ----------
    df : DataFrame
        Any table (course column names give the best report).
    table : str, optional
        Course table name: adds the Chinese name, whether the column is required and checks
        allowed values and minimums.

    Returns
    -------
    DataFrame
        ``column, 中文, required, filled, missing, completeness, invalid, invalid_share,
        nonstandard, distinct, example`` sorted as in ``df``. ``nonstandard`` counts usable values
        written in a non-standard form (phone, e-mail, ID number, city): fixed by
        :func:`clean_customers`.
    """
    t = TABLES.get(table) if table else None
    bad = invalid_mask(df, table)
    standardisers = {"phone": standardise_phone, "email": standardise_email,
                     "id_number": standardise_id_number, "city": standardise_city}
    rows = []
    n = len(df)
    for col in df.columns:
        s = df[col]
        filled = int(s.notna().sum())
        nonstandard = 0
        if col in standardisers and filled:
            std = standardisers[col](s)
            nonstandard = int((std.notna() & (std != s.astype("string"))).fillna(False).sum())
        c = t.column(col) if t is not None and col in t.names else None
        example = s.dropna().iloc[0] if filled else None
        rows.append({
            "column": col,
            "中文": c.zh if c else "",
            "required": bool(c.required) if c else False,
            "filled": filled,
            "missing": n - filled,
            "completeness": filled / n if n else np.nan,
            "invalid": int(bad[col].sum()),
            "invalid_share": float(bad[col].sum()) / filled if filled else 0.0,
            "nonstandard": nonstandard,
            "distinct": int(s.nunique(dropna=True)),
            "example": None if example is None else str(example),
        })
    return pd.DataFrame(rows)


def duplicate_keys(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows whose ``key`` appears more than once (all of them), sorted by key."""
    if key not in df.columns:
        raise DataProblem(f"duplicate_keys: column {key!r} not found; columns are "
                          f"{list(df.columns)[:15]}")
    return df[df[key].notna() & df[key].duplicated(keep=False)].sort_values(key)


def flag_stale(df: pd.DataFrame, as_of: Any, days: int = 730, column: str = "last_updated",
               missing_is_stale: bool = True) -> pd.DataFrame:
    """Add ``days_since_update`` and ``stale`` (not updated for more than ``days`` days).

    Parameters
    ----------
    df : DataFrame
        A table with a date column ``column``.
    as_of : date-like
        The day the check is made (the course data's ``as_of``).
    days : int
        Records older than this are stale (the course's default: two years).
    column : str
        The date the record was last checked or updated.
    missing_is_stale : bool
        A record never confirmed (no date) counts as stale.
    """
    if column not in df.columns:
        raise DataProblem(f"flag_stale: column {column!r} not found; load the table with a "
                          "mapping that gives the record's last update date (资料更新日期)")
    if days < 0:
        raise DataProblem(f"flag_stale: days must be 0 or more, got {days}")
    when = pd.to_datetime(df[column], errors="coerce")
    age = (pd.Timestamp(as_of) - when).dt.days
    out = df.copy()
    out["days_since_update"] = age.astype("Int64")
    stale = age > days
    out["stale"] = (stale | age.isna()) if missing_is_stale else stale.fillna(False)
    out["stale"] = out["stale"].astype(bool)
    return out


def stale_share(df: pd.DataFrame, as_of: Any, days: int = 730, column: str = "last_updated",
                missing_is_stale: bool = True) -> float:
    """Share of records that are stale (see :func:`flag_stale`)."""
    if len(df) == 0:
        return 0.0
    return float(flag_stale(df, as_of, days, column, missing_is_stale)["stale"].mean())


def quality_summary(df: pd.DataFrame, table: str, as_of: Any = None, stale_days: int = 730
                    ) -> dict[str, Any]:
    """The headline numbers of an audit: rows, complete rows, invalid cells, duplicate keys,
    exact duplicate rows and (with ``as_of``) the stale share."""
    t = TABLES[table]
    bad = invalid_mask(df, table)
    required = [c for c in t.required if c in df.columns]
    out = {
        "rows": len(df),
        "complete_required_rows": int(df[required].notna().all(axis=1).sum()) if required
        else len(df),
        "missing_cells": int(df.isna().sum().sum()),
        "invalid_cells": int(bad.to_numpy().sum()),
        "duplicate_keys": int(df[t.key].duplicated().sum()) if t.key in df else 0,
        "exact_duplicate_rows": int(df.drop(columns=[t.key], errors="ignore").duplicated().sum()),
    }
    if as_of is not None and "last_updated" in df.columns:
        out["stale_share"] = stale_share(df, as_of, stale_days)
    return out


def issues_by_column_view(report: pd.DataFrame, measure: str = "missing") -> pd.DataFrame:
    """The columns sorted by a problem measure (for the quality widget): ``missing``,
    ``nonstandard``, ``invalid`` or ``completeness``; columns without any problem are left out."""
    if measure not in ("missing", "invalid", "nonstandard", "completeness"):
        raise DataProblem(f"measure must be 'missing', 'invalid', 'nonstandard' or "
                          f"'completeness', not {measure!r}")
    if measure == "completeness":
        return report.sort_values("completeness")[["column", "中文", "completeness"]]
    return report[report[measure] > 0].sort_values(measure, ascending=False)[
        ["column", "中文", measure, "filled"]]


# --------------------------------------------------------------------------------------------
# near-duplicates


def _pairs_sharing(values: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"v": values.to_numpy(), "i": np.arange(len(values))}).dropna()
    if frame.empty:
        return pd.DataFrame({"i": [], "j": []}, dtype=int)
    sizes = frame.groupby("v")["i"].transform("size")
    frame = frame[sizes > 1]
    m = frame.merge(frame, on="v", suffixes=("", "_b"))
    m = m[m["i"] < m["i_b"]]
    return pd.DataFrame({"i": m["i"].to_numpy(), "j": m["i_b"].to_numpy()})


def pair_scores(df: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Score candidate pairs (positions ``i``, ``j`` in ``df``) from 0 to 100.

    ``name_score`` is the fuzzy similarity of the names (rapidfuzz ratio, legal suffixes
    removed); each of phone, ID number and e-mail agrees (1), disagrees (0) or cannot be compared
    (either missing). ``score`` = half the name score plus 50 times the share of comparable
    identifiers that agree (25 when none is comparable but city and birth year do not
    contradict).
    """
    from rapidfuzz import fuzz
    from rapidfuzz.process import cpdist

    out = pairs.copy()
    if out.empty:
        for c in ("name_score", "phone", "id_number", "email", "score"):
            out[c] = pd.Series(dtype=float)
        return out
    i, j = out["i"].to_numpy(), out["j"].to_numpy()
    names = normalise_company_name(df["name"]) if "name" in df else pd.Series([""] * len(df))
    a = names.fillna("").to_numpy(object)
    out["name_score"] = cpdist(list(a[i]), list(a[j]), scorer=fuzz.ratio, workers=1)
    agree_sum = np.zeros(len(out))
    comparable = np.zeros(len(out))
    for col in ("phone", "id_number", "email"):
        if col not in df:
            out[col] = np.nan
            continue
        v = df[col].astype("string").fillna("").to_numpy(object)
        va, vb = v[i], v[j]
        ok = (va != "") & (vb != "")
        same = ok & (va == vb)
        out[col] = np.where(ok, same.astype(float), np.nan)
        agree_sum += same
        comparable += ok
    evidence = np.where(comparable > 0, agree_sum / np.maximum(comparable, 1), 0.5)
    for col in ("city", "birth_year"):
        if col in df:
            v = df[col].astype("string").fillna("").to_numpy(object)
            va, vb = v[i], v[j]
            clash = (va != "") & (vb != "") & (va != vb)
            evidence = np.where((comparable == 0) & clash, 0.0, evidence)
    out["score"] = 0.5 * out["name_score"] + 50 * evidence
    return out


def duplicate_candidates(df: pd.DataFrame, threshold: float = 70.0,
                         blocks: Sequence[str] | None = None, max_block: int = 200
                         ) -> pd.DataFrame:
    """Pairs of records that probably describe the same customer, with scores.

    Only records sharing a *block* are compared (same phone, same ID number, same e-mail, or same
    city and first character of the name), which keeps the work close to linear in the number of
    records. Run :func:`clean_customers` first so phones, IDs and cities are comparable.

    Parameters
    ----------
    df : DataFrame
        A cleaned customers table.
    threshold : float
        Smallest score (0-100, see :func:`pair_scores`) kept.
    blocks : sequence of str, optional
        Blocking keys: column names, plus ``name_city`` (city + first character of the name).
        Default: those of ``phone, id_number, email, name_city`` the table has.
    max_block : int
        A ``name_city`` block larger than this is split by the first two characters of the name.

    Returns
    -------
    DataFrame
        ``i, j`` (row positions), ``id_a, id_b`` (the records' keys when ``customer_id`` exists),
        ``name_score``, per-identifier agreement and ``score``, best first.
    """
    if not 0 <= threshold <= 100:
        raise DataProblem(f"threshold must be between 0 and 100, got {threshold}")
    if blocks is None:
        blocks = [b for b in ("phone", "id_number", "email") if b in df] + ["name_city"]
    found = []
    for b in blocks:
        if b == "name_city":
            if "name" in df and "city" in df:
                names = normalise_company_name(df["name"])
                key = df["city"].astype("string") + "|" + names.str[:1]
                # a very common surname in a big city makes a huge block: split it further
                big = key.map(key.value_counts()).fillna(0) > max_block
                key = key.where(~big, df["city"].astype("string") + "|" + names.str[:2])
                found.append(_pairs_sharing(key))
        elif b in df:
            found.append(_pairs_sharing(df[b].astype("string")))
        else:
            raise DataProblem(f"duplicate_candidates: blocking column {b!r} not found; columns "
                              f"are {list(df.columns)[:15]}")
    pairs = (pd.concat(found, ignore_index=True).drop_duplicates() if found
             else pd.DataFrame({"i": [], "j": []}, dtype=int))
    scored = pair_scores(df.reset_index(drop=True), pairs)
    scored = scored[scored["score"] >= threshold]
    if "customer_id" in df:
        ids = df["customer_id"].to_numpy(object)
        scored.insert(2, "id_a", ids[scored["i"].to_numpy(int)])
        scored.insert(3, "id_b", ids[scored["j"].to_numpy(int)])
    return scored.sort_values(["score", "i"], ascending=[False, True]).reset_index(drop=True)


def cluster_duplicates(df: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """Cluster number for every record: records linked by a pair (directly or through others)
    share a cluster. Returned in ``df``'s index, numbered from 0 in order of first record."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(df)
    i = pairs["i"].to_numpy(int) if len(pairs) else np.array([], int)
    j = pairs["j"].to_numpy(int) if len(pairs) else np.array([], int)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # renumber in order of first appearance so the result does not depend on scipy's numbering
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return pd.Series(rank[labels], index=df.index, name="cluster")


def golden_records(df: pd.DataFrame, clusters: pd.Series, order_by: str = "last_updated"
                   ) -> pd.DataFrame:
    """One record per cluster: the most recently updated record, gaps filled from the others.

    Adds ``records`` (how many records were merged) and ``source_ids`` (their keys).
    """
    work = df.assign(cluster=clusters.to_numpy())
    if order_by in work:
        work = work.sort_values(["cluster", order_by], ascending=[True, False],
                                na_position="last", kind="stable")
    grouped = work.groupby("cluster", sort=True)
    golden = grouped.first()
    golden["records"] = grouped.size()
    if "customer_id" in work:
        golden["source_ids"] = grouped["customer_id"].agg(lambda s: ",".join(sorted(map(str, s))))
    return golden.reset_index()


def dedup_precision_recall(predicted: Iterable[Any], truth: Iterable[Any]) -> dict[str, float]:
    """Pairwise precision and recall of a clustering against the true entity of each record.

    A pair of records is a true duplicate when both have the same true entity; precision is the
    share of predicted pairs (same cluster) that are true, recall the share of true pairs found.
    """
    pred = pd.Series(list(predicted))
    true = pd.Series(list(truth))
    if len(pred) != len(true):
        raise DataProblem("dedup_precision_recall: predicted and truth differ in length")

    def pairs_in(groups: pd.Series) -> set[tuple[int, int]]:
        out = set()
        for idx in groups.groupby(groups.to_numpy()).indices.values():
            idx = sorted(idx)
            out.update((a, b) for k, a in enumerate(idx) for b in idx[k + 1:])
        return out

    p, t = pairs_in(pred), pairs_in(true)
    tp = len(p & t)
    return {
        "predicted_pairs": len(p),
        "true_pairs": len(t),
        "true_positives": tp,
        "precision": tp / len(p) if p else 1.0,
        "recall": tp / len(t) if t else 1.0,
    }


__all__.append("dedup_precision_recall")


# --------------------------------------------------------------------------------------------
# plots and widgets


def plot_completeness(report: pd.DataFrame, ax: Any = None) -> Any:
    """Horizontal bars: share of filled cells per column, invalid share stacked in orange."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, max(2.5, 0.28 * len(report))))
    r = report.iloc[::-1]
    valid = r["completeness"] * (1 - r["invalid_share"])
    invalid = r["completeness"] * r["invalid_share"]
    ax.barh(r["column"], valid, color="#4c72b0", label="filled, valid")
    ax.barh(r["column"], invalid, left=valid, color="#dd8452", label="filled, invalid")
    ax.barh(r["column"], 1 - r["completeness"], left=r["completeness"], color="#dddddd",
            label="missing")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of records")
    ax.set_title("Completeness and validity by column")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_pair_scores(pairs: pd.DataFrame, threshold: float, ax: Any = None) -> Any:
    """Histogram of candidate-pair scores with the threshold marked."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    ax.hist(pairs["score"], bins=range(0, 105, 5), color="#4c72b0")
    ax.axvline(threshold, color="#c44e52", ls="--", label=f"threshold {threshold:g}")
    ax.set_xlabel("pair score (0-100)")
    ax.set_ylabel("candidate pairs")
    ax.set_title("How alike are the candidate pairs?")
    ax.legend()
    return ax


def explore_quality(report: pd.DataFrame) -> Any:
    """Widget: pick a measure (missing / invalid / completeness) and see the columns it flags."""
    import ipywidgets as w
    from IPython.display import display

    pick = w.ToggleButtons(options=["missing", "nonstandard", "invalid", "completeness"],
                           description="Show")
    out = w.Output()

    def redraw(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            display(issues_by_column_view(report, pick.value))

    pick.observe(redraw, names="value")
    redraw()
    return w.VBox([pick, out])


__all__ += ["plot_completeness", "plot_pair_scores", "explore_quality"]
