"""A deliberately dirty "raw CRM export" of customer records, for the data-collection lesson.

Chinese headers (some not the course's standard ones, so a mapping is needed), near-duplicate
records, phones and dates in several formats, full-width characters, inconsistent city names,
missing values and stale records. Written once in UTF-8 and once GBK-encoded, with a key file
that gives each raw row's true customer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.simulate.customers import CITY_TABLE, SIMILAR

#: Raw header -> course column. Most are the standard ``zh`` names of helpers.tables; the
#: variants (姓名, 手机, 注册日期, 更新时间) need mappings/crm_export_zh.yaml.
RAW_COLUMNS = {
    "客户编号": "customer_id",
    "客户类别": "customer_kind",
    "姓名": "name",
    "性别": "gender",
    "出生年份": "birth_year",
    "手机": "phone",
    "电子邮箱": "email",
    "证件号码": "id_number",
    "城市": "city",
    "省份": "province",
    "所属行业": "industry",
    "员工人数": "employees",
    "信用等级": "credit_rating",
    "主要联系人": "key_contact",
    "注册日期": "signup_date",
    "客户态度": "attitude",
    "营销许可": "consent_marketing",
    "更新时间": "last_updated",
}
VALUE_CODES = {
    "customer_kind": {"individual": "个人", "organisation": "企业"},
    "gender": {"F": "女", "M": "男"},
    "attitude": {"positive": "积极", "neutral": "中立", "negative": "消极"},
}
FULL_WIDTH = str.maketrans("0123456789-()+ ", "０１２３４５６７８９－（）＋　")
DATE_FORMATS = ("2024-03-05", "2024/3/5", "05/03/2024 (day/month/year)", "2024年3月5日")
#: Optional raw fields that get a few percent of their values blanked out, in draw order.
BLANKED = ["性别", "出生年份", "手机", "电子邮箱", "证件号码", "城市", "省份", "员工人数",
           "客户态度", "营销许可", "更新时间"]


def _fmt_dates(dates: pd.Series, style: np.ndarray) -> pd.Series:
    """Format dates in one of four styles per row (vectorised)."""
    y = dates.dt.year.astype("Int64").astype(str)
    m = dates.dt.month.astype("Int64").astype(str)
    d = dates.dt.day.astype("Int64").astype(str)
    options = [
        dates.dt.strftime("%Y-%m-%d"),
        y + "/" + m + "/" + d,
        dates.dt.strftime("%d/%m/%Y"),
        y + "年" + m + "月" + d + "日",
    ]
    out = options[0].copy()
    for k in range(1, 4):
        out = out.where(style != k, options[k])
    return out.where(dates.notna(), None)


def _fmt_phones(phone: pd.Series, style: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Phone numbers in several formats: +86 with dashes, spaces, full-width digits, extension."""
    p = phone.astype(str)
    mobile = p.str.len().eq(11) & p.str.startswith("1")
    area_len = np.where(p.str[:3].isin(["010", "020", "021", "022", "023", "024", "025", "027",
                                        "028", "029"]), 3, 4)
    area = p.str[:3].where(area_len == 3, p.str[:4])
    local = p.str[3:].where(area_len == 3, p.str[4:])
    ext = pd.Series(rng.integers(100, 999, len(p)).astype(str), index=p.index)
    mob = [
        p,
        "+86 " + p.str[:3] + "-" + p.str[3:7] + "-" + p.str[7:],
        p.str[:3] + " " + p.str[3:7] + " " + p.str[7:],
        p.str.translate(FULL_WIDTH),
        "86-" + p,
    ]
    land = [
        area + "-" + local,
        "(" + area + ")" + local,
        area + " " + local + " 转 " + ext,
        (area + "-" + local).str.translate(FULL_WIDTH),
        area + "-" + local + " ext." + ext,
    ]
    out = pd.Series(p, index=p.index, dtype=object)
    for k in range(5):
        out = out.where(~((style == k) & mobile), mob[k])
        out = out.where(~((style == k) & ~mobile), land[k])
    return out.where(phone.notna(), None)


def _city_variants(city: pd.Series, style: np.ndarray) -> pd.Series:
    """北京市 / 北京 / Beijing / 京: the same city written four ways."""
    info = CITY_TABLE.set_index("city")
    stripped = city.str.replace("市", "", regex=False)
    pinyin = city.map(info.pinyin)
    short = city.map(info.short)
    out = city.where(style != 1, stripped).where(style != 2, pinyin).where(style != 3, short)
    return out.where(city.notna(), None)


def _sample_rows(rng: np.random.Generator,
                 customers: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers drawn into the export, some twice, shuffled; and which rows are repeats."""
    n_rows = min(round(len(customers) * 0.4), round(len(customers) * 0.9))
    n_unique = round(n_rows / 1.087)
    chosen = np.sort(rng.choice(len(customers), size=n_unique, replace=False))
    dup_of = rng.choice(n_unique, size=n_rows - n_unique, replace=False)
    source = np.r_[np.arange(n_unique), dup_of]
    base = customers.iloc[chosen[source]].reset_index(drop=True)
    order = rng.permutation(len(base))
    base, source = base.iloc[order].reset_index(drop=True), source[order]
    # the first appearance in row order is the "original"; later ones are the duplicates
    first_seen = ~pd.Series(source).duplicated().to_numpy()
    return base, ~first_seen


def _messy_names(rng: np.random.Generator, base: pd.DataFrame, is_dup: np.ndarray) -> pd.Series:
    """Names with near-duplicate spellings, legal-form variants and stray spaces."""
    n = len(base)
    name = base.name.astype(str)
    # near-duplicates: similar-looking characters, legal-form variants, stray spaces
    change = is_dup & (rng.random(n) < 0.6)
    org = base.customer_kind.eq("organisation").to_numpy()
    last = name.str[-1]
    similar = name.str[:-1] + last.map(SIMILAR).fillna(last)
    legal = name.str.replace("有限责任公司", "@@", regex=False).str.replace(
        "有限公司", "有限责任公司", regex=False).str.replace("@@", "有限公司", regex=False)
    name = name.where(~(change & ~org), similar).where(~(change & org), legal)
    # a full-width space between surname and given name (typed with a Chinese input method)
    wide = is_dup & ~org & (rng.random(n) < 0.2)
    name = name.where(~wide, name.str[:1] + "\u3000" + name.str[1:])
    spaces = rng.random(n) < np.where(is_dup, 0.35, 0.04)
    name = name.where(~spaces, name + "  ")
    lead_space = rng.random(n) < 0.02
    return name.where(~lead_space, " " + name)


def _messy_fields(rng: np.random.Generator, base: pd.DataFrame,
                  is_dup: np.ndarray) -> dict[str, pd.Series]:
    """Phones, cities and dates in mixed formats, staler duplicates, some lower-case IDs."""
    n = len(base)
    phone_style = rng.choice(5, n, p=[0.45, 0.15, 0.15, 0.1, 0.15])
    phone = _fmt_phones(base.phone, phone_style, rng)
    city_style = rng.choice(4, n, p=[0.55, 0.25, 0.12, 0.08])
    city = _city_variants(base.city, city_style)
    date_style = rng.choice(4, n, p=[0.4, 0.25, 0.15, 0.2])
    signup = _fmt_dates(base.signup_date, date_style)
    updated = _fmt_dates(base.last_updated, rng.choice(4, n, p=[0.4, 0.25, 0.15, 0.2]))
    # duplicates were entered earlier: their record is staler
    dup_update = base.last_updated - pd.to_timedelta(rng.integers(30, 700, n), unit="D")
    updated = updated.where(~is_dup, _fmt_dates(dup_update.where(dup_update >= base.signup_date,
                                                                 base.signup_date), date_style))
    id_number = base.id_number.astype(str).where(base.id_number.notna(), None)
    id_lower = rng.random(n) < 0.05
    id_number = id_number.where(~id_lower, id_number.str.lower())
    return {"phone": phone, "city": city, "signup": signup, "updated": updated,
            "id_number": id_number}


def _raw_table(rng: np.random.Generator, base: pd.DataFrame, name: pd.Series,
               fields: dict[str, pd.Series]) -> pd.DataFrame:
    """The export under Chinese headers with coded values; a few e-mails in capitals."""
    n = len(base)
    return pd.DataFrame({
        "客户编号": np.char.add("CRM", (100_001 + np.arange(n)).astype(str)).astype(object),
        "客户类别": base.customer_kind.map(VALUE_CODES["customer_kind"]),
        "姓名": name,
        "性别": base.gender.map(VALUE_CODES["gender"]),
        "出生年份": base.birth_year,
        "手机": fields["phone"],
        "电子邮箱": base.email.where(~(rng.random(n) < 0.03), base.email.str.upper()),
        "证件号码": fields["id_number"],
        "城市": fields["city"],
        "省份": base.province,
        "所属行业": base.industry,
        "员工人数": base.employees,
        "信用等级": base.credit_rating,
        "主要联系人": base.key_contact,
        "注册日期": fields["signup"],
        "客户态度": base.attitude.map(VALUE_CODES["attitude"]),
        "营销许可": base.consent_marketing.map({True: "是", False: "否"}),
        "更新时间": fields["updated"],
    })


def _blank_out(rng: np.random.Generator, raw: pd.DataFrame) -> pd.DataFrame:
    """Missing values: a few percent of each optional field blanked out."""
    raw = raw.copy()
    for col in BLANKED:
        blank = rng.random(len(raw)) < (0.08 if col == "更新时间" else 0.04)
        raw[col] = raw[col].astype(object).where(~blank, None)
    return raw


def build_raw(customers: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The raw export (Chinese headers, text values) and its key (row -> customer_id)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7_101]))
    base, is_dup = _sample_rows(rng, customers)
    name = _messy_names(rng, base, is_dup)
    fields = _messy_fields(rng, base, is_dup)
    raw = _blank_out(rng, _raw_table(rng, base, name, fields))
    key = pd.DataFrame({
        "raw_row": np.arange(1, len(raw) + 1),
        "crm_id": raw["客户编号"],
        "customer_id": base.customer_id,
        "is_duplicate": is_dup,
    })
    return raw, key


def write_raw(customers: pd.DataFrame, folder: Path, seed: int) -> tuple[dict[str, Path], dict]:
    """Write raw/crm_export.csv (UTF-8), raw/crm_export_gbk.csv (GBK) and the key file."""
    raw, key = build_raw(customers, seed)
    folder.mkdir(parents=True, exist_ok=True)
    text = raw.to_csv(index=False, lineterminator="\n")
    paths = {
        "raw": folder / "crm_export.csv",
        "raw_gbk": folder / "crm_export_gbk.csv",
        "raw_truth": folder / "crm_export_truth.csv",
    }
    paths["raw"].write_bytes(text.encode("utf-8"))
    paths["raw_gbk"].write_bytes(text.encode("gbk"))
    key.to_csv(paths["raw_truth"], index=False, lineterminator="\n")
    truth = {
        "rows": len(raw),
        "distinct_customers": int(key.customer_id.nunique()),
        "duplicate_rows": int(key.is_duplicate.sum()),
        "encodings": {"crm_export.csv": "utf-8", "crm_export_gbk.csv": "gbk"},
        "date_formats": list(DATE_FORMATS),
        "stale_rows": int((pd.Timestamp("2023-12-31") >= customers.set_index("customer_id")
                           .last_updated.reindex(key.customer_id).to_numpy()).sum()),
    }
    return paths, truth
