"""Tests of the seeded generator (helpers.simulate) and the bundled datasets."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.paths import DATASETS_DIR, MAPPINGS_DIR
from helpers.simulate import TABLE_FILES, generate, write_datasets
from helpers.simulate.__main__ import main as cli_main
from helpers.tables import TABLES

AS_OF = pd.Timestamp("2025-12-31")
DIP = ["2025-06-10", "2025-06-11", "2025-06-12"]


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh full-size generation with the bundled seed."""
    folder = tmp_path_factory.mktemp("fresh") / "data"
    write_datasets(folder, seed=2024)
    return folder


def read(folder: Path, name: str) -> pd.DataFrame:
    """Read a written table with its dates parsed (plain pandas, independent of the loader)."""
    parse = [c.name for c in TABLES[name].columns if c.dtype in ("date", "datetime")]
    return pd.read_csv(folder / f"{name}.csv", parse_dates=parse, keep_default_na=True,
                       dtype={c.name: str for c in TABLES[name].columns if c.dtype == "string"})


@pytest.fixture(scope="module")
def data(fresh: Path) -> dict[str, pd.DataFrame]:
    return {name: read(fresh, name) for name in TABLE_FILES}


@pytest.fixture(scope="module")
def truth(fresh: Path) -> dict:
    return json.loads((fresh / "truth.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- reproducibility
def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_committed_datasets_equal_a_fresh_generation(fresh: Path) -> None:
    files = _files(fresh)
    assert set(files) <= set(_files(DATASETS_DIR)), "a generated file is missing from datasets/"
    _, mismatch, errors = filecmp.cmpfiles(DATASETS_DIR, fresh, files, shallow=False)
    assert not mismatch and not errors, (
        f"datasets/ drifted from the generator: {mismatch or errors}. Regenerate with "
        "`python -m helpers.simulate --seed 2024 --out datasets`."
    )


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a = write_datasets(tmp_path / "a", seed=11, scale=0.1)
    b = write_datasets(tmp_path / "b", seed=11, scale=0.1)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes(), key


def test_other_seed_gives_other_data_with_the_same_schema() -> None:
    one, two = generate(seed=1, scale=0.1), generate(seed=2, scale=0.1)
    for name in TABLE_FILES:
        assert list(one[name].columns) == list(two[name].columns) == TABLES[name].names
        assert dict(one[name].dtypes) == dict(two[name].dtypes) or name in ("customers",)
    assert not one["customers"].name.equals(two["customers"].name)
    assert not one["transactions"].amount.equals(two["transactions"].amount)


def test_scale_sets_the_size() -> None:
    small, larger = generate(seed=4, scale=0.1), generate(seed=4, scale=0.3)
    assert len(small["customers"]) == 300 and len(larger["customers"]) == 900
    for name in ("transactions", "invoices", "calls", "leads"):
        ratio = len(larger[name]) / len(small[name])
        assert 2.4 < ratio < 3.6, (name, ratio)


def test_generated_types_follow_the_data_model() -> None:
    tables = generate(seed=3, scale=0.1)
    for name, df in tables.items():
        for col in TABLES[name].columns:
            s = df[col.name]
            if col.dtype in ("date", "datetime"):
                assert pd.api.types.is_datetime64_any_dtype(s), (name, col.name)
            elif col.dtype == "int":
                assert pd.api.types.is_integer_dtype(s), (name, col.name)
            elif col.dtype == "float":
                assert pd.api.types.is_float_dtype(s), (name, col.name)
            elif col.dtype == "bool":
                assert pd.api.types.is_bool_dtype(s), (name, col.name)
            else:
                assert pd.api.types.is_string_dtype(s), (name, col.name)


# --------------------------------------------------------------------------- schema of the files
@pytest.mark.parametrize("name", TABLE_FILES)
def test_written_table_conforms_to_tables_py(data: dict, name: str) -> None:
    df, spec = data[name], TABLES[name]
    assert list(df.columns) == spec.names
    assert df[spec.key].is_unique and df[spec.key].notna().all()
    for col in spec.columns:
        s = df[col.name]
        if col.required:
            assert s.notna().all(), f"{name}.{col.name} has missing values"
        if col.allowed:
            values = set(s.dropna().astype(str))
            if col.dtype == "bool":
                continue
            assert values <= set(col.allowed), (name, col.name, values - set(col.allowed))
        if col.min_value is not None:
            assert (s.dropna() >= col.min_value).all(), (name, col.name)
        if col.dtype == "bool":
            assert set(s.dropna().unique()) <= {True, False}, (name, col.name)


def test_foreign_keys_resolve(data: dict) -> None:
    customers = set(data["customers"].customer_id)
    for name in ("transactions", "invoices", "payments", "service_contacts"):
        assert set(data[name].customer_id) <= customers, name
    assert set(data["calls"].customer_id.dropna()) <= customers
    assert set(data["calls"].lead_id.dropna()) <= set(data["leads"].lead_id)
    assert set(data["calls"].agent_id) <= set(data["agents"].agent_id)
    assert set(data["payments"].invoice_id) <= set(data["invoices"].invoice_id)
    pay = data["payments"].merge(data["invoices"], on="invoice_id", suffixes=("", "_inv"))
    assert (pay.customer_id == pay.customer_id_inv).all()
    signup = data["customers"].set_index("customer_id").signup_date
    for name, col in (("transactions", "purchase_date"), ("service_contacts", "contacted_at"),
                      ("invoices", "issue_date")):
        df = data[name]
        assert (df[col] >= df.customer_id.map(signup)).all(), f"{name} before signup"
    # each call has exactly one of customer or lead
    calls = data["calls"]
    assert (calls.customer_id.notna() ^ calls.lead_id.notna()).all()


def test_sizes_and_counts(fresh: Path, data: dict, truth: dict) -> None:
    for path in fresh.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 5 * 2**20, path
    c = data["customers"]
    assert len(c) == 3000
    assert 0.75 <= (c.customer_kind == "individual").mean() <= 0.85
    assert 35_000 <= len(data["transactions"]) <= 45_000
    assert 35 <= len(data["agents"]) <= 45
    assert 38_000 <= len(data["calls"]) <= 42_000
    assert 1400 <= len(data["leads"]) <= 1600
    assert truth["counts"] == {name: len(df) for name, df in data.items()}
    assert truth["customer_type_counts"] == c.true_type.value_counts().to_dict()
    assert truth["as_of"] == "2025-12-31" and truth["seed"] == 2024
    tx = data["transactions"]
    assert tx.purchase_date.min() >= pd.Timestamp("2023-01-01")
    assert tx.purchase_date.max() < AS_OF + pd.Timedelta(days=1)


# --------------------------------------------------------------------------- customers
def _id_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2, written independently of the generator."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


def _uscc_ok(code: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(ch) * (3**i % 31) for i, ch in enumerate(code[:17]))
    return alphabet[(31 - total % 31) % 31] == code[17]


def test_identity_numbers_are_valid_and_consistent(data: dict) -> None:
    c = data["customers"]
    ind = c.loc[c.customer_kind == "individual"]
    assert ind.id_number.str.fullmatch(r"\d{17}[\dX]").all()
    assert all(_id_ok(x) for x in ind.id_number)
    assert (ind.id_number.str[6:10].astype(int) == ind.birth_year).all()
    assert pd.to_datetime(ind.id_number.str[6:14], format="%Y%m%d", errors="coerce").notna().all()
    odd = ind.id_number.str[16].astype(int) % 2 == 1
    assert ((ind.gender == "M") == odd).all()
    org = c.loc[c.customer_kind == "organisation"]
    assert org.id_number.str.len().eq(18).all()
    assert all(_uscc_ok(x) for x in org.id_number)
    # a corrupted number fails the independent check (the check can fail)
    bad = ind.id_number.iloc[0]
    assert not _id_ok(bad[:17] + ("0" if bad[17] != "0" else "1"))


def test_contacts_and_places(data: dict) -> None:
    c = data["customers"]
    ind = c.loc[c.customer_kind == "individual"]
    assert ind.phone.str.fullmatch(r"1[3-9]\d{9}").all()
    assert c.phone.str.fullmatch(r"\d{10,12}").all()
    assert c.groupby("city").province.nunique().eq(1).all()
    assert c.email.dropna().str.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.[a-z]+").all()
    org = c.loc[c.customer_kind == "organisation"]
    assert org[["industry", "employees", "credit_rating", "key_contact",
                "key_contact_title"]].notna().all().all()
    assert org.outlet_format.notna().sum() > 20
    assert ind[["industry", "credit_rating", "outlet_format"]].isna().all().all()


def test_attitudes_partly_known_and_correlated_with_type(data: dict) -> None:
    c = data["customers"]
    for col in ("attitude", "need_type", "price_orientation", "risk_style", "consent_marketing"):
        share = c[col].notna().mean()
        assert 0.3 < share < 0.95, col
    neg = c.assign(neg=c.attitude.eq("negative")).loc[c.attitude.notna()].groupby("true_type").neg.mean()
    assert neg["lapsed"] > 2 * neg["loyal"]
    assert neg["chronic_late_payer"] > 2 * neg["loyal"]
    price = c.loc[c.price_orientation.notna()].assign(p=lambda d: d.price_orientation.eq("price"))
    assert price.loc[price.true_type == "bargain_hunter", "p"].mean() > 0.8


def test_stale_records(data: dict) -> None:
    c = data["customers"]
    stale = (c.last_updated < AS_OF - pd.DateOffset(years=2)).mean()
    assert 0.12 <= stale <= 0.22
    assert (c.last_updated >= c.signup_date).all() and (c.last_updated <= AS_OF).all()


# --------------------------------------------------------------------------- behaviour
def test_types_buy_differently(data: dict) -> None:
    c, tx = data["customers"], data["transactions"]
    sales = tx.loc[~tx.is_return]
    last = sales.groupby("customer_id").purchase_date.max()
    per_type = c.assign(last=c.customer_id.map(last)).groupby("true_type")["last"]
    lapsed_last = per_type.get_group("lapsed")
    assert lapsed_last.max() <= AS_OF - pd.DateOffset(months=9)
    assert lapsed_last.min() >= AS_OF - pd.DateOffset(months=19)
    assert per_type.median()["loyal"] > AS_OF - pd.Timedelta(days=60)
    new = c.loc[c.true_type == "new"]
    assert (new.signup_date >= AS_OF - pd.DateOffset(months=7)).all()
    freq = sales.groupby("customer_id").order_id.nunique()
    f = c.assign(f=c.customer_id.map(freq).fillna(0)).groupby("true_type").f.median()
    assert f["loyal"] > 2 * f["occasional"]
    disc = sales.assign(d=sales.discount > 0).merge(c[["customer_id", "true_type"]])
    d = disc.groupby("true_type").d.mean()
    # bargain hunters take discounts; key accounts negotiate volume discounts; others rarely
    assert d["bargain_hunter"] > 0.6 and d["high_value_org"] > 0.5
    assert d.drop(["bargain_hunter", "high_value_org"]).max() < 0.25
    rate = (disc.discount / (disc.amount + disc.discount)).groupby(disc.true_type).mean()
    assert rate["bargain_hunter"] > rate["high_value_org"] > rate.drop(
        ["bargain_hunter", "high_value_org"]).max()


def test_value_is_heavy_tailed_with_margins_by_category(data: dict) -> None:
    tx, c = data["transactions"], data["customers"]
    rev = tx.groupby("customer_id").amount.sum().reindex(c.customer_id, fill_value=0)
    top = rev.sort_values(ascending=False)
    share = top.iloc[: len(top) // 5].sum() / top.sum()
    assert 0.6 <= share <= 0.9
    margin = tx.groupby("product_category").apply(
        lambda d: 1 - d.cost.sum() / (d.amount + d.discount).sum(), include_groups=False)
    assert margin.max() - margin.min() > 0.15
    ret = tx.loc[tx.is_return]
    assert len(ret) > 0 and (ret.amount < 0).all() and (ret.quantity < 0).all()


def test_seasonality_double_11_and_spring_festival(data: dict) -> None:
    tx = data["transactions"]
    daily = tx.loc[~tx.is_return].groupby(tx.purchase_date.dt.normalize()).amount.sum()
    daily = daily.reindex(pd.date_range("2023-01-01", AS_OF), fill_value=0)
    base = daily.rolling(91, center=True, min_periods=30).median()
    nov = daily[(daily.index.month == 11) & (daily.index.day <= 11)]
    assert (nov / base[nov.index]).mean() > 1.5
    pre_sf = daily["2024-01-20":"2024-02-07"]
    assert (pre_sf / base[pre_sf.index]).mean() > 1.3


def test_extreme_service_users_make_some_customers_unprofitable(data: dict, truth: dict) -> None:
    sc, tx = data["service_contacts"], data["transactions"]
    per_year = sc.groupby([sc.customer_id, sc.contacted_at.dt.year]).size()
    assert per_year.max() >= 100
    heavy = set(per_year[per_year >= 24].index.get_level_values(0))
    assert heavy >= set(truth["extreme_service_customers"])
    margin = (tx.amount - tx.cost).groupby(tx.customer_id).sum()
    serve = (sc.minutes * 1.5).groupby(sc.customer_id).sum()
    profit = margin.sub(serve, fill_value=0)
    assert (profit[list(heavy)] < 0).sum() >= 3


# --------------------------------------------------------------------------- receivables
def _stages(invoices: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    paid = payments.groupby("invoice_id").amount.sum()
    inv = invoices.assign(balance=invoices.amount - invoices.invoice_id.map(paid).fillna(0))
    inv = inv.loc[inv.balance > 0.005]
    dpd = (AS_OF - inv.due_date).dt.days
    stage = pd.cut(dpd, [-np.inf, 0, 30, 60, 90, np.inf], labels=["M0", "M1", "M2", "M3", "M3+"])
    return inv.assign(dpd=dpd, stage=stage)


def test_payments_never_precede_issue_or_exceed_balance(data: dict) -> None:
    inv, pay = data["invoices"], data["payments"]
    m = pay.merge(inv[["invoice_id", "issue_date", "amount"]], on="invoice_id",
                  suffixes=("", "_inv"))
    assert (m.payment_date >= m.issue_date).all()
    total = m.groupby("invoice_id").agg(paid=("amount", "sum"), due=("amount_inv", "first"))
    assert (total.paid <= total.due + 0.005).all()
    assert (inv.due_date - inv.issue_date).dt.days.isin([30, 60]).all()
    assert (pay.payment_date <= AS_OF).all()
    parts = pay.groupby("invoice_id").size()
    assert (parts >= 2).sum() > 50  # partial payers pay in instalments


def test_every_collection_stage_is_open_at_as_of(data: dict, truth: dict) -> None:
    st = _stages(data["invoices"], data["payments"])
    counts = st.stage.value_counts()
    for stage in ("M0", "M1", "M2", "M3", "M3+"):
        assert counts[stage] >= 10, stage
        assert truth["collection_stages_at_as_of"][stage]["invoices"] == counts[stage]
    # month-end history: invoices span 2024-2025 so monthly roll rates can be computed
    assert data["invoices"].issue_date.dt.to_period("M").nunique() >= 24


def test_most_overdue_customers_are_negative_or_lapsed(data: dict) -> None:
    st = _stages(data["invoices"], data["payments"])
    overdue = st.loc[st.dpd > 30, "customer_id"].unique()
    c = data["customers"].set_index("customer_id").loc[overdue]
    share = (c.attitude.eq("negative") | c.true_type.eq("lapsed")).mean()
    assert share > 0.5
    everyone = data["customers"]
    assert share > (everyone.attitude.eq("negative") | everyone.true_type.eq("lapsed")).mean()


# --------------------------------------------------------------------------- calls
def test_calls_are_on_working_hours_of_2025(data: dict) -> None:
    calls = data["calls"]
    assert calls.started_at.dt.year.eq(2025).all()
    assert (calls.started_at.dt.day_of_week < 5).all()
    assert calls.started_at.dt.hour.between(8, 20).all()
    assert (calls.ended_at >= calls.started_at).all()
    assert ((calls.duration_s == 0) == ~calls.answered).all()
    assert (calls.outcome[~calls.answered] == "no_answer").all()
    outcome_by_purpose = calls.loc[calls.answered].groupby("purpose").outcome.agg(set)
    assert "sale" in outcome_by_purpose["sales"]
    assert not {"sale", "promise_to_pay", "paid"} & outcome_by_purpose["service"]
    assert not {"sale"} & outcome_by_purpose["collection"]
    assert calls.script_variant.notna().eq(calls.purpose.eq("sales")).all()
    assert calls.lead_id.notna().sum() > 1000
    hired = calls.agent_id.map(data["agents"].set_index("agent_id").hire_date)
    assert (hired <= calls.started_at).all()
    role = calls.agent_id.map(data["agents"].set_index("agent_id").role)
    assert (role == calls.purpose).all()
    signup = calls.customer_id.map(data["customers"].set_index("customer_id").signup_date)
    assert (signup.dropna() <= calls.started_at[signup.notna()]).all()
    created = calls.lead_id.map(data["leads"].set_index("lead_id").created_date)
    assert (created.dropna() <= calls.started_at[created.notna()]).all()


def test_answering_depends_on_hour_and_kind(data: dict) -> None:
    calls = data["calls"].loc[lambda d: d.direction == "outbound"]
    kind = calls.customer_id.map(data["customers"].set_index("customer_id").customer_kind)
    hour = calls.started_at.dt.hour
    rate = calls.answered.groupby([kind, hour]).mean()
    ind, org = rate["individual"], rate["organisation"]
    assert ind[[12, 13, 19, 20]].mean() > ind[[9, 10, 11, 15, 16]].mean() + 0.15
    assert org[[9, 10, 11, 14, 15, 16]].mean() > org[[12, 13, 19, 20]].mean() + 0.15


def _daily_conversion(calls: pd.DataFrame) -> pd.Series:
    s = calls.loc[calls.purpose.eq("sales") & calls.answered]
    return s.outcome.eq("sale").groupby(s.started_at.dt.strftime("%Y-%m-%d")).mean()


def _low_runs(rate: pd.Series, threshold: float = 0.10, days: int = 3) -> list[list[str]]:
    low = (rate < threshold).to_numpy()
    runs, start = [], None
    for i, flag in enumerate([*low, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= days:
                runs.append(list(rate.index[start:i]))
            start = None
    return runs


def test_script_ab_test_shows_the_planted_uplift(data: dict, truth: dict) -> None:
    calls = data["calls"]
    s = calls.loc[calls.purpose.eq("sales") & calls.answered
                  & ~calls.started_at.dt.strftime("%Y-%m-%d").isin(DIP)]
    share_b = (calls.loc[calls.purpose.eq("sales"), "script_variant"] == "B").mean()
    assert 0.47 < share_b < 0.53
    rate = s.outcome.eq("sale").groupby(s.script_variant).agg(["mean", "size"])
    a, b = rate.loc["A"], rate.loc["B"]
    assert 0.20 <= a["mean"] <= 0.27
    assert 0.0 < b["mean"] / a["mean"] - 1 < 0.12  # a modest uplift
    assert truth["script_test"]["true_relative_uplift"] == pytest.approx(0.05)
    assert truth["script_test"]["observed_rate_A"] == pytest.approx(a["mean"], abs=1e-4)


def _ab_result(calls: pd.DataFrame) -> tuple[float, float, float, float]:
    """B - A, its 95 % Wald interval and P(B better) (flat Beta priors), as notebook 08 counts."""
    s = calls.loc[calls.purpose.eq("sales") & calls.answered & calls.script_variant.notna()]
    g = s.outcome.eq("sale").groupby(s.script_variant).agg(["sum", "size"])
    (ka, na), (kb, nb) = g.loc["A"].tolist(), g.loc["B"].tolist()
    pa, pb = ka / na, kb / nb
    se = np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    rng = np.random.default_rng(0)
    draws_a = rng.beta(1 + ka, 1 + na - ka, 200_000)
    draws_b = rng.beta(1 + kb, 1 + nb - kb, 200_000)
    return pb - pa, pb - pa - 1.96 * se, pb - pa + 1.96 * se, float((draws_b > draws_a).mean())


@pytest.mark.parametrize("seed", [2024, 7])
def test_ab_result_fits_the_discussion_question(seed: int, data: dict, generated) -> None:
    """Lesson 08, question 1: B better with about 93 % probability, interval includes zero."""
    calls = data["calls"] if seed == 2024 else generated(seed)[0]["calls"]
    diff, low, high, p_better = _ab_result(calls)
    assert diff > 0 and low < 0 < high
    assert low > -0.01  # only just includes zero
    assert 0.88 <= p_better <= 0.97


def test_alert_dip_is_the_only_three_day_run_under_ten_percent(data: dict, truth: dict) -> None:
    rate = _daily_conversion(data["calls"])
    assert _low_runs(rate) == [DIP]
    assert truth["alert"]["dip_dates"] == DIP
    assert (rate[DIP] < 0.08).all()
    s = data["calls"].loc[lambda d: d.purpose.eq("sales") & d.answered]
    assert s.groupby(s.started_at.dt.date).size().min() >= 30  # enough calls to judge each day


@pytest.mark.parametrize("seed", [7, 99])
def test_alert_dip_holds_for_other_seeds(seed: int, generated) -> None:
    calls = generated(seed)[0]["calls"]
    assert _low_runs(_daily_conversion(calls)) == [DIP]


# --------------------------------------------------------------------------- leads
def test_leads_grade_by_source_with_noise(data: dict) -> None:
    leads = data["leads"]
    rule = leads.source.map({"trade_show": "A", "detailed_inquiry": "B",
                             "price_only_inquiry": "C", "search_engine": "C"})
    accuracy = (rule == leads.true_grade).mean()
    assert 0.7 < accuracy < 0.95
    conv = leads.groupby("true_grade").converted.mean()
    assert conv["A"] > conv["B"] > conv["C"]
    assert set(leads.region) == {"North America", "South America", "Europe", "Africa",
                                 "Middle East", "Southeast Asia", "Australia"}
    detailed = leads.loc[leads.source == "detailed_inquiry", "has_specs"].mean()
    assert detailed > leads.loc[leads.source == "price_only_inquiry", "has_specs"].mean() + 0.5


# --------------------------------------------------------------------------- raw export
def test_raw_export_is_dirty_in_the_documented_ways(fresh: Path) -> None:
    raw_dir = fresh / "raw"
    utf8 = (raw_dir / "crm_export.csv").read_bytes().decode("utf-8")
    gbk = (raw_dir / "crm_export_gbk.csv").read_bytes()
    assert gbk.decode("gbk") == utf8 == gbk.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    raw = pd.read_csv(raw_dir / "crm_export.csv", dtype=str)
    key = pd.read_csv(raw_dir / "crm_export_truth.csv")
    assert 1100 <= len(raw) <= 1300 and len(key) == len(raw)
    dup_share = key.is_duplicate.mean()
    assert 0.05 <= dup_share <= 0.11
    assert key.customer_id.nunique() == len(raw) - key.is_duplicate.sum()
    zh_names = {c.zh for c in TABLES["customers"].columns}
    assert {"姓名", "手机", "注册日期"} <= set(raw.columns) - zh_names
    phones = raw["手机"].dropna()
    assert phones.str.contains(r"^\+86 ").any() and phones.str.contains(r"^\d{3} \d{4} \d{4}$").any()
    assert phones.str.contains("[０-９]").any() and phones.str.contains("转|ext").any()
    dates = raw["注册日期"].dropna()
    for pattern in (r"^\d{4}-\d{2}-\d{2}$", r"^\d{4}/\d{1,2}/\d{1,2}$", r"^\d{2}/\d{2}/\d{4}$",
                    r"^\d{4}年\d{1,2}月\d{1,2}日$"):
        assert dates.str.match(pattern).any(), pattern
    assert {"北京市", "北京", "Beijing", "京"} <= set(raw["城市"].dropna())
    assert raw["姓名"].str.endswith(" ").any()
    assert raw["姓名"].str.contains("\u3000").any()  # full-width space
    assert raw.isna().mean().max() > 0.03
    # duplicates differ from their original in small ways but refer to the same customer
    merged = raw.assign(customer_id=key.customer_id, dup=key.is_duplicate)
    groups = merged.groupby("customer_id").filter(lambda g: len(g) > 1)
    assert (groups.groupby("customer_id")["姓名"].nunique() > 1).mean() > 0.3
    orgs = groups.loc[groups["客户类别"] == "企业", "姓名"].str.strip()
    assert orgs.str.endswith("有限责任公司").any()


def test_raw_values_match_the_true_customers(fresh: Path, data: dict) -> None:
    raw = pd.read_csv(fresh / "raw" / "crm_export.csv", dtype=str)
    key = pd.read_csv(fresh / "raw" / "crm_export_truth.csv")
    true = data["customers"].set_index("customer_id").loc[key.customer_id]
    digits = raw["手机"].str.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    digits = digits.str.replace(r"(转|ext\.).*$", "", regex=True).str.replace(r"\D", "", regex=True)
    digits = digits.str.replace(r"^86(?=1\d{10}$)", "", regex=True)
    ok = digits.isna().to_numpy() | (digits.to_numpy() == true.phone.to_numpy())
    assert ok.all()
    ids = raw["证件号码"].str.upper()
    assert (ids.isna().to_numpy() | (ids.to_numpy() == true.id_number.to_numpy())).all()


def test_mapping_file_covers_the_raw_headers(fresh: Path) -> None:
    import yaml

    mapping = yaml.safe_load((MAPPINGS_DIR / "crm_export_zh.yaml").read_text(encoding="utf-8"))
    raw = pd.read_csv(fresh / "raw" / "crm_export.csv", dtype=str, nrows=5)
    assert mapping["table"] == "customers"
    assert set(mapping["columns"]) == set(raw.columns)
    assert set(mapping["columns"].values()) <= set(TABLES["customers"].names)


# --------------------------------------------------------------------------- writing safely
def test_refuses_to_overwrite_someone_elses_folder(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "customers.csv").write_text("my own data\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="refusing"):
        write_datasets(target, seed=1, scale=0.05)
    assert (target / "customers.csv").read_text(encoding="utf-8") == "my own data\n"


def test_rewrites_its_own_previous_output(tmp_path: Path) -> None:
    first = write_datasets(tmp_path / "d", seed=5, scale=0.05)
    second = write_datasets(tmp_path / "d", seed=6, scale=0.05)
    assert first.keys() == second.keys()
    assert json.loads(second["truth"].read_text(encoding="utf-8"))["seed"] == 6


def test_cli_writes_a_dataset(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli_main(["--seed", "17", "--out", str(tmp_path / "cli"), "--scale", "0.05"]) == 0
    assert (tmp_path / "cli" / "customers.csv").exists()
    assert "truth" in capsys.readouterr().out
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x", encoding="utf-8")
    assert cli_main(["--seed", "17", "--out", str(tmp_path / "other")]) == 2
    assert "refusing" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, message", [
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
    ({"scale": 0}, "scale"),
    ({"scale": float("nan")}, "scale"),
    ({"scale": 0.001}, "too small"),
])
def test_bad_arguments_are_explained(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(**kwargs)


def test_readme_documents_tables_and_truth_keys(fresh: Path, truth: dict) -> None:
    text = (fresh / "README.md").read_text(encoding="utf-8")
    for name, spec in TABLES.items():
        assert f"### {name}" in text
        for col in spec.columns:
            assert re.search(rf"\| {col.name} \|", text), (name, col.name)
    for key in truth:
        assert f"`{key}`" in text, key
