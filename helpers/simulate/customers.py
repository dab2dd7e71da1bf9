"""Customers: individuals and organisations with names, contacts, IDs and latent types."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate._common import AS_OF, ORG_SHARE, TYPE_SHARES, TYPES, days, ids, pick, pick_by

# city, province, administrative code (for ID numbers), landline area code, pinyin, short name
CITIES = (
    ("北京市", "北京市", "110105", "010", "Beijing", "京", 10),
    ("上海市", "上海市", "310115", "021", "Shanghai", "沪", 10),
    ("广州市", "广东省", "440106", "020", "Guangzhou", "穗", 7),
    ("深圳市", "广东省", "440304", "0755", "Shenzhen", "深", 7),
    ("杭州市", "浙江省", "330106", "0571", "Hangzhou", "杭", 6),
    ("宁波市", "浙江省", "330203", "0574", "Ningbo", "甬", 3),
    ("南京市", "江苏省", "320106", "025", "Nanjing", "宁", 5),
    ("苏州市", "江苏省", "320508", "0512", "Suzhou", "苏", 5),
    ("成都市", "四川省", "510107", "028", "Chengdu", "蓉", 6),
    ("重庆市", "重庆市", "500103", "023", "Chongqing", "渝", 5),
    ("武汉市", "湖北省", "420106", "027", "Wuhan", "汉", 5),
    ("西安市", "陕西省", "610113", "029", "Xi'an", "陕", 4),
    ("天津市", "天津市", "120104", "022", "Tianjin", "津", 4),
    ("郑州市", "河南省", "410105", "0371", "Zhengzhou", "郑", 4),
    ("长沙市", "湖南省", "430104", "0731", "Changsha", "长", 4),
    ("济南市", "山东省", "370102", "0531", "Jinan", "济", 3),
    ("青岛市", "山东省", "370212", "0532", "Qingdao", "青", 3),
    ("沈阳市", "辽宁省", "210102", "024", "Shenyang", "沈", 3),
    ("福州市", "福建省", "350102", "0591", "Fuzhou", "榕", 2),
    ("厦门市", "福建省", "350203", "0592", "Xiamen", "厦", 2),
    ("合肥市", "安徽省", "340104", "0551", "Hefei", "庐", 3),
    ("昆明市", "云南省", "530102", "0871", "Kunming", "昆", 2),
)
CITY_TABLE = pd.DataFrame(
    CITIES, columns=["city", "province", "admin_code", "area_code", "pinyin", "short", "weight"]
)

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢")
SURNAME_WEIGHTS = np.r_[np.full(10, 5.0), np.full(10, 2.5), np.full(len(SURNAMES) - 20, 1.0)]
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲斌辉建国文宇浩然思雨欣怡子涵梓轩"
    "晨阳佳琪婷雪梅海波志鹏凯峰俊晓燕丹红云飞龙鑫慧颖嘉琳博涵宁楠"
)
# similar-sounding or similar-looking replacements, used for near-duplicate names in the raw export
SIMILAR = {
    "伟": "玮", "丽": "莉", "军": "君", "明": "铭", "华": "桦", "静": "晶", "敏": "闽", "磊": "垒",
    "洋": "阳", "勇": "永", "艳": "燕", "杰": "洁", "涛": "韬", "娟": "鹃", "霞": "侠", "平": "萍",
    "刚": "钢", "芳": "方", "红": "虹", "玲": "琳", "斌": "彬", "辉": "晖", "波": "博", "英": "瑛",
    "建": "健", "文": "雯", "宇": "雨", "欣": "馨", "佳": "嘉", "琪": "琦", "婷": "亭", "梅": "玫",
    "海": "凯", "志": "智", "鹏": "朋", "俊": "骏", "晓": "小", "燕": "艳", "丹": "单", "云": "芸",
    "飞": "菲", "龙": "隆", "鑫": "新", "慧": "惠", "颖": "莹", "博": "波", "宁": "凝", "楠": "南",
}
ORG_CORE = list(
    "华联 恒信 鑫源 宏达 天成 瑞丰 永泰 金鼎 博远 信达 安泰 盛世 嘉禾 远航 中科 新峰 东方 长江 "
    "万通 汇丰 同创 启明 正大 恒通 联创 凯旋 德润 广源 和信 锦程".split()
)
INDUSTRY_WORDS = {
    "manufacturing": ["制造", "机械", "电器", "精密"],
    "retail": ["商贸", "百货", "商业"],
    "wholesale": ["贸易", "批发", "供应链"],
    "IT services": ["科技", "信息技术", "网络"],
    "construction": ["建设", "建筑工程", "装饰"],
    "catering": ["餐饮", "餐饮管理"],
    "healthcare": ["医疗", "健康"],
    "education": ["教育", "培训"],
    "logistics": ["物流", "运输"],
}
INDUSTRIES = list(INDUSTRY_WORDS)
OUTLET_WORDS = {
    "supermarket": "超市",
    "convenience": "便利店",
    "grocery": "商店",
    "rural_store": "小卖部",
}
ORG_SUFFIX = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
OCCUPATIONS = [
    "teacher", "engineer", "doctor", "nurse", "civil servant", "salesperson", "accountant",
    "self-employed", "student", "retired", "factory worker", "programmer", "designer", "driver",
    "manager", "lawyer",
]
TITLES = ["purchasing manager", "general manager", "finance manager", "owner", "store manager",
          "procurement officer", "operations director"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "155", "156", "157", "158", "159", "166", "170", "176", "177", "178",
                   "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198",
                   "199"]
EMAIL_DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "gmail.com", "outlook.com",
                 "foxmail.com"]
LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = np.array(list("10X98765432"))
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
ORG_CODE_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
INCOME_P = {
    "loyal": [0.02, 0.08, 0.25, 0.4, 0.25],
    "occasional": [0.25, 0.3, 0.3, 0.1, 0.05],
    "new": [0.2, 0.3, 0.3, 0.15, 0.05],
    "lapsed": [0.2, 0.3, 0.3, 0.15, 0.05],
    "bargain_hunter": [0.35, 0.35, 0.2, 0.08, 0.02],
    "high_value_org": [0.1, 0.2, 0.3, 0.25, 0.15],
    "chronic_late_payer": [0.3, 0.3, 0.25, 0.1, 0.05],
}
INCOME_BANDS = ["low", "lower_middle", "middle", "upper_middle", "high"]
RATING_P = {
    "high_value_org": [0.25, 0.35, 0.25, 0.1, 0.05, 0, 0],
    "chronic_late_payer": [0, 0.02, 0.08, 0.2, 0.3, 0.25, 0.15],
    "lapsed": [0.02, 0.08, 0.2, 0.3, 0.2, 0.12, 0.08],
    "other": [0.05, 0.15, 0.3, 0.3, 0.12, 0.05, 0.03],
}
RATINGS = ["AAA", "AA", "A", "BBB", "BB", "B", "C"]
#: Acquisition channel by kind and by latent type group: loyal individuals came mostly by
#: referral or to a store, high-value organisations from trade shows and referrals; the
#: look-alike signal of notebook 04 rests on these (and on age and income).
CHANNEL_P = {
    "individual": [0.3, 0.25, 0.05, 0.12, 0.0, 0.2, 0.08],
    "individual_loyal": [0.3, 0.05, 0.6, 0.02, 0.0, 0.02, 0.01],
    "organisation": [0.05, 0.2, 0.05, 0.35, 0.05, 0.1, 0.2],
    "organisation_top": [0.02, 0.05, 0.35, 0.03, 0.5, 0.0, 0.05],
}
#: Birth year (mean, sd) of individuals: loyal customers are older and settled.
BIRTH_YEAR = {"loyal": (1972.0, 6.0), "other": (1986.0, 10.0)}
CHANNELS = ["store", "website", "referral", "telemarketing", "trade_show", "marketplace",
            "search_engine"]


def _char_matrix(strings: np.ndarray, width: int) -> np.ndarray:
    """Byte codes of fixed-width ASCII strings as an ``(n, width)`` integer matrix."""
    raw = np.asarray(strings, dtype=f"S{width}")
    return np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(raw), width).astype(int)


def id_check_digit(first17: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check character of 17-digit strings (resident ID numbers)."""
    digits = _char_matrix(first17, 17) - ord("0")
    return ID_CHECK[(digits * ID_WEIGHTS).sum(axis=1) % 11].astype(object)


_USCC_VALUE = np.full(256, -1)
_USCC_VALUE[[ord(c) for c in USCC_ALPHABET]] = np.arange(len(USCC_ALPHABET))


def uscc_check_char(first17: np.ndarray) -> np.ndarray:
    """GB 32100 check character of 17-character unified social credit code stems."""
    values = _USCC_VALUE[_char_matrix(first17, 17)]
    r = (31 - (values * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    return np.array(list(USCC_ALPHABET), dtype=object)[r]


def _digits(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """``n`` strings of ``k`` random digits (k <= 18)."""
    return np.char.zfill(rng.integers(0, 10**k, size=n).astype(str), k).astype(object)


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Chinese personal names: a surname and one or two given-name characters."""
    surname = pick(rng, SURNAMES, n, SURNAME_WEIGHTS)
    g1 = pick(rng, GIVEN, n)
    g2 = np.where(rng.random(n) < 0.65, pick(rng, GIVEN, n), "")
    return (surname + g1 + g2).astype(object)


def org_names(rng: np.random.Generator, city_short: np.ndarray, industry: np.ndarray,
              outlet: np.ndarray | None = None) -> np.ndarray:
    """Organisation names: city + brand + industry word + legal form."""
    n = len(industry)
    core = pick(rng, ORG_CORE, n)
    words = np.empty(n, dtype=object)
    for ind, options in INDUSTRY_WORDS.items():
        mask = industry == ind
        words[mask] = pick(rng, options, int(mask.sum()))
    if outlet is not None:
        for fmt, word in OUTLET_WORDS.items():
            words[outlet == fmt] = word
    suffix = pick(rng, ORG_SUFFIX, n)
    city = np.array([c[:-1] if c.endswith("市") else c for c in city_short], dtype=object)
    return (city + core + words + suffix).astype(object)


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """11-digit mainland mobile numbers."""
    return (pick(rng, MOBILE_PREFIXES, n) + _digits(rng, n, 8)).astype(object)


def _latent_types(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's latent type and whether it is an organisation."""
    true_type = pick(rng, TYPES, n, list(TYPE_SHARES.values()))
    is_org = rng.random(n) < pd.Series(true_type).map(ORG_SHARE).to_numpy()
    return true_type, is_org


def _city_index(rng: np.random.Generator, n: int) -> np.ndarray:
    """Each customer's row in ``CITY_TABLE``, drawn by the cities' weights."""
    return rng.choice(len(CITY_TABLE), size=n, p=CITY_TABLE.weight / CITY_TABLE.weight.sum())


def _signup_days(rng: np.random.Generator, true_type: np.ndarray) -> np.ndarray:
    """Signup day numbers: new customers in the last ~6 months, the rest 2017 to mid-2025."""
    signup = rng.integers(days("2017-01-01"), days("2025-06-01"), size=len(true_type))
    new = true_type == "new"
    signup[new] = rng.integers(days("2025-06-25"), days(AS_OF) - 14, size=int(new.sum()))
    lapsed = true_type == "lapsed"
    signup[lapsed] = rng.integers(days("2017-01-01"), days("2024-01-01"), size=int(lapsed.sum()))
    return signup


def _household(rng: np.random.Generator, ind: np.ndarray,
               true_type: np.ndarray) -> dict[str, np.ndarray]:
    """Individuals' name, gender, birth year, marital status and children (empty for others)."""
    n, n_ind = len(ind), int(ind.sum())
    loyal = true_type[ind] == "loyal"
    name = np.empty(n, dtype=object)
    name[ind] = person_names(rng, n_ind)
    gender = np.full(n, None, dtype=object)
    gender[ind] = pick(rng, ["F", "M"], n_ind)
    birth_year = np.full(n, np.nan)
    mu = np.where(loyal, BIRTH_YEAR["loyal"][0], BIRTH_YEAR["other"][0])
    sd = np.where(loyal, BIRTH_YEAR["loyal"][1], BIRTH_YEAR["other"][1])
    birth_year[ind] = np.clip(np.round(rng.normal(mu, sd)), 1945, 2005)
    age = 2025 - birth_year
    marital = np.full(n, None, dtype=object)
    married_p = np.clip((age[ind] - 22) / 15, 0.05, 0.85)
    u = rng.random(n_ind)
    m = np.where(u < married_p, "married", "single").astype(object)
    m[(u > 0.97) & (age[ind] > 35)] = "divorced"
    m[(u > 0.985) & (age[ind] > 60)] = "widowed"
    marital[ind] = m
    children = np.full(n, np.nan)
    kids = np.where(loyal, rng.choice([1, 1, 2, 2, 2, 3], size=n_ind),
                    rng.choice([0, 0, 1, 1, 1, 2], size=n_ind))
    children[ind] = np.where(m == "single", 0, kids)
    return {"name": name, "gender": gender, "birth_year": birth_year,
            "marital_status": marital, "children": children}


def _work(rng: np.random.Generator, ind: np.ndarray, true_type: np.ndarray, city: np.ndarray,
          birth_year: np.ndarray) -> dict[str, np.ndarray]:
    """Individuals' occupation, employer and income band (empty for organisations)."""
    n, n_ind = len(ind), int(ind.sum())
    age = 2025 - birth_year
    occupation = np.full(n, None, dtype=object)
    occupation[ind] = pick(rng, OCCUPATIONS, n_ind)
    occupation[ind & (age > 62)] = "retired"
    occupation[ind & (age < 23)] = "student"
    employer = np.full(n, None, dtype=object)
    has_employer = ind & ~np.isin(occupation, ["retired", "student", "self-employed"])
    employer[has_employer] = org_names(
        rng, city[has_employer], pick(rng, INDUSTRIES, int(has_employer.sum()))
    )
    income = np.full(n, None, dtype=object)
    income[ind] = pick_by(rng, true_type[ind], INCOME_P, INCOME_BANDS)
    return {"occupation": occupation, "employer": employer, "income_band": income}


def _organisation_profile(rng: np.random.Generator, org: np.ndarray, true_type: np.ndarray,
                          city: np.ndarray) -> dict[str, np.ndarray]:
    """Organisations' industry, outlet format, name, employees and credit rating."""
    n, n_org = len(org), int(org.sum())
    industry = np.full(n, None, dtype=object)
    industry[org] = pick(rng, INDUSTRIES, n_org, [3, 4, 2, 1, 1, 1, 1, 0.5, 1])
    outlet = np.full(n, None, dtype=object)
    retail = org & (industry == "retail")
    outlet[retail] = pick(rng, list(OUTLET_WORDS), int(retail.sum()), [0.25, 0.3, 0.25, 0.2])
    name = np.full(n, None, dtype=object)
    name[org] = org_names(rng, city[org], industry[org], outlet[org])
    employees = np.full(n, np.nan)
    org_mu = np.where(true_type == "high_value_org", np.log(400), np.log(40))
    size_mu = np.where(np.isin(outlet, ["convenience", "grocery", "rural_store"]), np.log(6), org_mu)
    employees[org] = np.maximum(1, np.round(np.exp(rng.normal(size_mu[org], 0.8))))
    rating = np.full(n, None, dtype=object)
    rating_types = np.where(np.isin(true_type, list(RATING_P)), true_type, "other")
    rating[org] = pick_by(rng, rating_types[org], RATING_P, RATINGS)
    return {"industry": industry, "outlet_format": outlet, "name": name,
            "employees": employees, "credit_rating": rating}


def _key_contacts(rng: np.random.Generator, org: np.ndarray,
                  industry: np.ndarray) -> dict[str, np.ndarray]:
    """Organisations' key contact and title; retailers are run by owners or store managers."""
    n, n_org = len(org), int(org.sum())
    key_contact = np.full(n, None, dtype=object)
    key_contact[org] = person_names(rng, n_org)
    title = np.full(n, None, dtype=object)
    title[org] = pick(rng, TITLES, n_org)
    retail = org & (industry == "retail")
    title[retail] = pick(rng, ["owner", "store manager"], int(retail.sum()))
    return {"key_contact": key_contact, "key_contact_title": title}


def _phones(rng: np.random.Generator, org: np.ndarray, city_idx: np.ndarray,
            outlet: np.ndarray) -> np.ndarray:
    """Mobiles for individuals, landlines for organisations, mobiles for small outlets."""
    n, n_org = len(org), int(org.sum())
    phone = np.empty(n, dtype=object)
    phone[~org] = mobiles(rng, n - n_org)
    area = CITY_TABLE.area_code.to_numpy()[city_idx[org]]
    phone[org] = (area + pick(rng, list("2345678"), n_org) + _digits(rng, n_org, 7)).astype(object)
    # organisations whose main number is the key contact's mobile (small outlets)
    small = org & np.isin(outlet, ["grocery", "rural_store"])
    phone[small] = mobiles(rng, int(small.sum()))
    return phone


def _emails(rng: np.random.Generator, org: np.ndarray) -> np.ndarray:
    """Personal mailbox handles, info@ addresses for organisations; about 25% missing."""
    n, n_org = len(org), int(org.sum())
    letters = LETTERS[rng.integers(0, 26, size=(n, 6))].astype(object)
    handle = letters[:, 0] + letters[:, 1] + letters[:, 2] + letters[:, 3] + letters[:, 4]
    email = (handle + _digits(rng, n, 3) + "@" + pick(rng, EMAIL_DOMAINS, n)).astype(object)
    email[org] = ("info" + _digits(rng, n_org, 4) + "@" + pick(rng, ["corp.cn", "com.cn", "net.cn"],
                                                                 n_org)).astype(object)
    email[rng.random(n) < 0.25] = None
    return email


def _resident_ids(rng: np.random.Generator, admin: np.ndarray, birth_year: np.ndarray,
                  gender: np.ndarray) -> np.ndarray:
    """18-character resident ID numbers consistent with birth year and gender."""
    n_ind = len(admin)
    # birth date: a random day within birth_year, consistent with the year
    by = birth_year.astype(int)
    bdays = pd.to_datetime(pd.Series(by.astype(str)) + "-01-01") + pd.to_timedelta(
        rng.integers(0, 365, n_ind), unit="D"
    )
    seq = rng.integers(0, 100, n_ind) * 10 + np.where(
        gender == "M", rng.choice([1, 3, 5, 7, 9], n_ind), rng.choice([0, 2, 4, 6, 8], n_ind)
    )
    first17 = (admin + bdays.dt.strftime("%Y%m%d").to_numpy().astype(object)
               + np.char.zfill(seq.astype(str), 3).astype(object))
    return (first17 + id_check_digit(first17)).astype(object) if n_ind else first17


def _credit_codes(rng: np.random.Generator, admin: np.ndarray) -> np.ndarray:
    """Unified social credit codes around a random 9-character organisation code."""
    org_code8 = _digits(rng, len(admin), 8)
    vals = _char_matrix(org_code8, 8) - ord("0")
    c9 = (11 - (vals * ORG_CODE_WEIGHTS).sum(axis=1) % 11) % 11
    c9s = np.where(c9 == 10, "X", c9.astype(str)).astype(object)
    stem = ("91" + admin + org_code8 + c9s).astype(object)
    return (stem + uscc_check_char(stem)).astype(object)


def _id_numbers(rng: np.random.Generator, org: np.ndarray, city_idx: np.ndarray,
                birth_year: np.ndarray, gender: np.ndarray) -> np.ndarray:
    """Resident ID numbers for individuals, credit codes for organisations."""
    ind = ~org
    id_number = np.empty(len(org), dtype=object)
    admin = CITY_TABLE.admin_code.to_numpy()[city_idx]
    id_number[ind] = _resident_ids(rng, admin[ind], birth_year[ind], gender[ind])
    if org.any():
        id_number[org] = _credit_codes(rng, admin[org])
    return id_number


def generate_customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The customers table plus hidden helper columns (prefixed ``_``) used by later steps."""
    true_type, is_org = _latent_types(rng, n)
    kind = np.where(is_org, "organisation", "individual").astype(object)
    city_idx = _city_index(rng, n)
    city = CITY_TABLE.city.to_numpy()[city_idx]
    signup = _signup_days(rng, true_type)
    person = _household(rng, ~is_org, true_type)
    work = _work(rng, ~is_org, true_type, city, person["birth_year"])
    company = _organisation_profile(rng, is_org, true_type, city)
    contact = _key_contacts(rng, is_org, company["industry"])
    phone = _phones(rng, is_org, city_idx, company["outlet_format"])
    email = _emails(rng, is_org)
    id_number = _id_numbers(rng, is_org, city_idx, person["birth_year"], person["gender"])
    top = np.isin(true_type, ["loyal", "high_value_org"])
    channel = pick_by(rng, np.where(top, np.where(is_org, "organisation_top", "individual_loyal"),
                                    kind), CHANNEL_P, CHANNELS)
    return pd.DataFrame({"customer_id": ids("C", n), "customer_kind": kind}).assign(
        name=np.where(is_org, company["name"], person["name"]),
        gender=person["gender"],
        birth_year=pd.array(person["birth_year"], dtype="Int64"),
        marital_status=person["marital_status"],
        children=pd.array(person["children"], dtype="Int64"),
        occupation=work["occupation"],
        employer=work["employer"],
        income_band=work["income_band"],
        phone=phone,
        email=email,
        id_number=id_number,
        city=city,
        province=CITY_TABLE.province.to_numpy()[city_idx],
        industry=company["industry"],
        employees=pd.array(company["employees"], dtype="Int64"),
        credit_rating=company["credit_rating"],
        key_contact=contact["key_contact"],
        key_contact_title=contact["key_contact_title"],
        outlet_format=company["outlet_format"],
        acquisition_channel=channel,
        signup_date=signup,  # day numbers for now
        true_type=true_type,
    )


def add_attitudes(df: pd.DataFrame, profile: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Attitude, needs, price orientation, risk style, consent and ``last_updated``.

    Filled only where the sales team "knows" them (about 70% of customers; more often for
    accounts finance chases). Negative attitude is more common among late payers and lapsed
    customers, price orientation among bargain hunters.
    """
    n = len(df)
    ttype = df.true_type.to_numpy()
    late = np.isin(profile, ["chronic_late", "partial", "disputer", "never"])
    attitude_p = {
        "loyal": [0.6, 0.35, 0.05],
        "occasional": [0.3, 0.55, 0.15],
        "new": [0.4, 0.5, 0.1],
        "lapsed": [0.1, 0.35, 0.55],
        "bargain_hunter": [0.25, 0.55, 0.2],
        "high_value_org": [0.5, 0.4, 0.1],
        "chronic_late_payer": [0.1, 0.3, 0.6],
        "late": [0.05, 0.2, 0.75],
    }
    key = np.where(late, "late", ttype)
    attitude = pick_by(rng, key, attitude_p, ["positive", "neutral", "negative"])
    known = rng.random(n) < np.where(late, 0.88, 0.68)
    attitude = np.where(known, attitude, None)  # type: ignore[call-overload]
    need = pick_by(rng, np.where(ttype == "high_value_org", "hvo", "other"),
                   {"hvo": [0.4, 0.6], "other": [0.7, 0.3]}, ["standard", "personalised"])
    price = pick_by(rng, ttype, {
        "loyal": [0.35, 0.65], "occasional": [0.55, 0.45], "new": [0.5, 0.5],
        "lapsed": [0.6, 0.4], "bargain_hunter": [0.92, 0.08], "high_value_org": [0.35, 0.65],
        "chronic_late_payer": [0.6, 0.4]}, ["price", "quality"])
    age = 2025 - df.birth_year.to_numpy(dtype=float, na_value=np.nan)
    p_adv = np.where(np.isnan(age), 0.4, np.clip(0.8 - age / 100, 0.15, 0.7))
    risk = np.where(rng.random(n) < p_adv, "adventurous", "conservative")
    consent = rng.random(n) < np.where(np.isin(ttype, ["loyal", "new"]), 0.75, 0.55)
    consent_known = rng.random(n) < 0.85
    signup = df.signup_date.to_numpy()
    as_of = days(AS_OF)
    # last_updated: ~18% stale (older than two years), more often for lapsed customers
    stale_cut = days("2023-12-31")
    can_be_stale = signup < stale_cut
    stale = can_be_stale & (rng.random(n) < np.where(ttype == "lapsed", 0.4, 0.17))
    recent_from = np.maximum(signup, stale_cut + 1)
    lu = recent_from + np.floor(rng.random(n) * (as_of - recent_from + 1)).astype(int)
    lu_stale = signup + np.floor(rng.random(n) * (stale_cut - signup)).astype(int)
    last_updated = np.where(stale, lu_stale, lu)
    return df.assign(
        attitude=attitude,
        need_type=np.where(rng.random(n) < 0.6, need, None),  # type: ignore[call-overload]
        price_orientation=np.where(rng.random(n) < 0.65, price, None),  # type: ignore[call-overload]
        risk_style=np.where(rng.random(n) < 0.5, risk, None),  # type: ignore[call-overload]
        consent_marketing=pd.array(np.where(consent_known, consent, None), dtype="boolean"),  # type: ignore[call-overload]
        last_updated=last_updated,
    )
