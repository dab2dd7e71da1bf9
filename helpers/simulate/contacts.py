"""Agents, telephone calls (2025), B2B leads and service contacts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate._common import (
    AS_OF,
    CALLS_START,
    DIP_DATES,
    HOLIDAYS_2025,
    START,
    days,
    ids,
    pick,
    pick_by,
)
from helpers.simulate.customers import person_names

#: True probability of a sale among answered sales calls, by script variant.
SCRIPT_RATE_A = 0.24
SCRIPT_UPLIFT = 0.05
#: The bundled test's observed result is steered to this z score (B - A over its standard
#: error): about a 93 % probability that B is better, with a 95 % interval that includes zero.
SCRIPT_Z = 1.5
SCRIPT_RATE_B = round(SCRIPT_RATE_A * (1 + SCRIPT_UPLIFT), 4)
DIP_RATE = 0.04
#: No other day falls under this conversion rate (the alert threshold is 10%).
FLOOR_RATE = 0.13

TEAMS = {
    "sales": ["Sales East", "Sales South", "Sales North"],
    "collection": ["Collections"],
    "service": ["Customer Service"],
}
REGIONS = ["North America", "South America", "Europe", "Africa", "Middle East",
           "Southeast Asia", "Australia"]
REGION_P = [0.22, 0.1, 0.25, 0.08, 0.1, 0.18, 0.07]
COUNTRY_CODE = {"North America": "1", "South America": "55", "Europe": "49", "Africa": "27",
                "Middle East": "971", "Southeast Asia": "65", "Australia": "61"}
COMPANY_A = ["Blue", "North", "Golden", "Pacific", "Summit", "Silver", "Atlas", "Prime", "Delta",
             "Harbor", "Green", "Eagle", "Orion", "Crown", "Union", "Bright", "Coastal", "Alpine"]
COMPANY_B = ["Trading", "Imports", "Supply", "Distribution", "Industries", "Retail", "Electronics",
             "Home", "Wholesale", "Sourcing"]
LEGAL = {"North America": "Inc.", "South America": "S.A.", "Europe": "GmbH", "Africa": "Ltd",
         "Middle East": "LLC", "Southeast Asia": "Pte Ltd", "Australia": "Pty Ltd"}
FIRST = ["James", "Maria", "Ahmed", "Anna", "Carlos", "Fatima", "John", "Sofia", "David", "Aisha",
         "Peter", "Nguyen", "Lucas", "Emma", "Omar", "Grace", "Daniel", "Siti", "Mark", "Laura"]
LAST = ["Smith", "Garcia", "Khan", "Müller", "Silva", "Haddad", "Brown", "Rossi", "Tan", "Wilson",
        "Okafor", "Martin", "Lopez", "Schmidt", "Lim", "Taylor", "Costa", "Nasser", "Novak", "Lee"]

#: Service contacts per year of the service-heavy customers (bargain hunters; a complaint-heavy
#: mix): the loss-making tail of the whale curve.
SERVICE_HEAVY_RATE = 14.0
#: Service contacts per year while active, by customer type.
SERVICE_RATE = {
    "loyal": 1.5,
    "occasional": 0.6,
    "new": 1.5,
    "lapsed": 1.0,
    "bargain_hunter": SERVICE_HEAVY_RATE,
    "high_value_org": 3.0,
    "chronic_late_payer": 1.5,
}
SALES_WEIGHT = {"loyal": 1.0, "occasional": 1.2, "new": 2.0, "lapsed": 1.0,
                "bargain_hunter": 1.0, "high_value_org": 1.5, "chronic_late_payer": 0.5}
COLLECTION_WEIGHT = {"on_time": 0.05, "after_reminder": 1.0, "chronic_late": 4.0,
                     "partial": 3.0, "disputer": 3.0, "never": 3.0}
ANSWER_FACTOR = {"loyal": 1.15, "occasional": 1.0, "new": 1.1, "lapsed": 0.7,
                 "bargain_hunter": 1.0, "high_value_org": 1.1, "chronic_late_payer": 0.8,
                 "lead": 0.9}


def generate_agents(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Agents: about 55% sales, 25% collection, 20% service, in five teams."""
    role = np.array(["sales"] * n, dtype=object)
    n_col, n_svc = max(1, round(n * 0.25)), max(1, round(n * 0.2))
    role[:n_col] = "collection"
    role[n_col:n_col + n_svc] = "service"
    role = role[rng.permutation(n)]
    team = np.empty(n, dtype=object)
    for r, teams in TEAMS.items():
        mask = role == r
        team[mask] = pick(rng, teams, int(mask.sum()))
    hire = rng.integers(days("2016-03-01"), days("2024-12-01"), n)
    return pd.DataFrame({"agent_id": ids("A", n, 3), "name": person_names(rng, n), "team": team,
                         "role": role, "hire_date": hire})


def generate_leads(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """B2B leads by source; the source predicts the latent grade well but not perfectly."""
    source = pick(rng, ["trade_show", "detailed_inquiry", "price_only_inquiry", "search_engine"],
                  n, [0.2, 0.25, 0.3, 0.25])
    grade = pick_by(rng, source, {
        "trade_show": [0.8, 0.15, 0.05],
        "detailed_inquiry": [0.1, 0.75, 0.15],
        "price_only_inquiry": [0.03, 0.15, 0.82],
        "search_engine": [0.05, 0.15, 0.8],
    }, ["A", "B", "C"])
    detail_p = pd.Series(source).map({"trade_show": 0.5, "detailed_inquiry": 0.88,
                                      "price_only_inquiry": 0.08, "search_engine": 0.15}).to_numpy()
    flags = rng.random((n, 4)) < detail_p[:, None]
    region = pick(rng, REGIONS, n, REGION_P)
    company = (pick(rng, COMPANY_A, n) + " " + pick(rng, COMPANY_B, n) + " "
               + pd.Series(region).map(LEGAL).to_numpy()).astype(object)
    contact = (pick(rng, FIRST, n) + " " + pick(rng, LAST, n)).astype(object)
    phone = (pd.Series(region).map(COUNTRY_CODE).to_numpy()
             + np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9).astype(object)
             + np.char.zfill(rng.integers(0, 100, n).astype(str), 2).astype(object))
    phone = np.where(rng.random(n) < 0.15, None, phone)
    size_mu = pd.Series(grade).map({"A": np.log(300), "B": np.log(120), "C": np.log(30)}).to_numpy()
    employees = np.round(np.exp(rng.normal(size_mu, 1.0)))
    employees = np.where(rng.random(n) < 0.3, np.nan, np.maximum(employees, 1))
    created = rng.integers(days(START), days(AS_OF) + 1, n)
    # conversion (an order within 180 days); recent leads have had less time to convert
    p = pd.Series(grade).map({"A": 0.45, "B": 0.22, "C": 0.05}).to_numpy()
    elapsed = np.clip((days(AS_OF) - created) / 180, 0, 1)
    converted = rng.random(n) < p * np.sqrt(elapsed)
    order = np.argsort(created, kind="stable")
    df = pd.DataFrame({
        "company": company[order], "contact_name": contact[order], "phone": phone[order],
        "region": region[order], "source": source[order],
        "has_specs": flags[order, 0], "has_quantity": flags[order, 1],
        "has_payment_terms": flags[order, 2], "has_delivery_date": flags[order, 3],
        "employees": pd.array(employees[order], dtype="Int64"),
        "created_date": created[order], "converted": converted[order], "true_grade": grade[order],
    })
    df.insert(0, "lead_id", ids("L", n, 5))
    return df


def working_days_2025() -> np.ndarray:
    """Monday-Friday of 2025 without public holidays, as day numbers."""
    d = np.arange(days(CALLS_START), days(AS_OF) + 1)
    dates = pd.to_datetime(d.astype("datetime64[D]"))
    keep = (dates.day_of_week < 5) & ~dates.strftime("%Y-%m-%d").isin(HOLIDAYS_2025)
    return d[keep]


def _answer_probability(hour: np.ndarray, org: np.ndarray) -> np.ndarray:
    """Chance the called party picks up, by hour of day and kind of customer."""
    ind_p = np.select([np.isin(hour, [12, 13]), np.isin(hour, [19, 20]), hour >= 18],
                      [0.66, 0.7, 0.5], 0.36)
    org_p = np.select([np.isin(hour, [9, 10, 11]), np.isin(hour, [14, 15, 16]),
                       np.isin(hour, [12, 13]), hour >= 18, hour == 8],
                      [0.66, 0.64, 0.28, 0.1, 0.4], 0.5)
    return np.where(org, org_p, ind_p)


def _choose_existing(rng: np.random.Generator, weights: np.ndarray, since: np.ndarray,
                     day: np.ndarray) -> np.ndarray:
    """For each call day, a random row (by ``weights``) whose ``since`` day is not after it."""
    p = weights / weights.sum()
    idx = rng.choice(len(weights), size=len(day), p=p)
    bad = since[idx] > day
    for _ in range(50):  # re-draw the few picks that did not exist yet (vectorised)
        if not bad.any():
            break
        idx[bad] = rng.choice(len(weights), size=int(bad.sum()), p=p)
        bad = since[idx] > day
    if bad.any():  # fall back to the oldest row
        idx[bad] = int(np.argmin(since))
    return idx


def _call_slots(rng: np.random.Generator,
                n_calls: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Day, purpose, direction, hour and start second of every call."""
    wdays = working_days_2025()
    # a steady workload: the same number of calls each day, give or take 5%
    mean = n_calls / len(wdays)
    per_day = np.maximum(1, np.round(mean * (1 + 0.05 * rng.standard_normal(len(wdays)))))
    day = np.repeat(wdays, per_day.astype(int))
    n = len(day)
    purpose = pick(rng, ["sales", "collection", "service"], n, [0.72, 0.16, 0.12])
    direction = np.where((purpose == "service") & (rng.random(n) < 0.7), "inbound", "outbound")
    hour = rng.integers(8, 21, n)
    start_sec = hour * 3600 + rng.integers(0, 3600, n)
    return day, purpose, direction, hour, start_sec


def _called_parties(rng: np.random.Generator, customers: pd.DataFrame, leads: pd.DataFrame,
                    profile: np.ndarray, credit: np.ndarray, day: np.ndarray,
                    purpose: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The customer row (or lead row) each call goes to; -1 where it is the other kind."""
    n = len(day)
    ttype = customers.true_type.to_numpy()
    signup = customers.signup_date.to_numpy()
    cust = np.full(n, -1)
    lead = np.full(n, -1)
    sales = purpose == "sales"
    to_lead = sales & (rng.random(n) < 0.2)
    w_sales = pd.Series(ttype).map(SALES_WEIGHT).to_numpy()
    m = sales & ~to_lead
    cust[m] = _choose_existing(rng, w_sales, signup, day[m])
    lead[to_lead] = _choose_existing(rng, np.ones(len(leads)), leads.created_date.to_numpy(),
                                     day[to_lead])
    w_col = pd.Series(profile).map(COLLECTION_WEIGHT).to_numpy()
    w_col = np.where(credit, w_col, 0.0)
    m = purpose == "collection"
    cust[m] = _choose_existing(rng, w_col, signup, day[m])
    w_svc = pd.Series(ttype).map(SERVICE_RATE).to_numpy()
    w_svc = np.where(customers.never_bought.to_numpy(), 0.0, w_svc)
    m = purpose == "service"
    cust[m] = _choose_existing(rng, w_svc, signup, day[m])
    return cust, lead


def _answered(rng: np.random.Generator, customers: pd.DataFrame, cust: np.ndarray,
              hour: np.ndarray, purpose: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Whether each call is picked up: by hour, kind and type of customer; inbound always."""
    ttype = customers.true_type.to_numpy()
    org = np.where(cust >= 0,
                   (customers.customer_kind.to_numpy() == "organisation")[np.maximum(cust, 0)],
                   True)
    type_factor = pd.Series(np.where(cust >= 0, ttype[np.maximum(cust, 0)], "lead")).map(
        ANSWER_FACTOR).to_numpy()
    p_answer = np.clip(_answer_probability(hour, org) * type_factor, 0.02, 0.95)
    p_answer = np.where(purpose == "collection", p_answer * 0.8, p_answer)
    p_answer = np.where(direction == "inbound", 1.0, p_answer)
    return rng.random(len(cust)) < p_answer


def _script_sales(rng: np.random.Generator, day: np.ndarray, sales: np.ndarray,
                  answered: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Script variant of each sales call and its sale; the dip days' share is fixed at 4%."""
    n = len(day)
    variant = np.where(sales, np.where(rng.random(n) < 0.5, "A", "B"),
                       None).astype(object)  # type: ignore[call-overload]
    dip = np.isin(day, [days(x) for x in DIP_DATES])
    p_sale = np.where(variant == "B", SCRIPT_RATE_B, SCRIPT_RATE_A)
    sale = sales & answered & (rng.random(n) < p_sale) & ~dip
    # on the dip days exactly round(4%) of each day's answered sales calls end in a sale, so the
    # planted alert shows with every seed
    on_dip = sales & answered & dip
    order = pd.Series(rng.random(n)[on_dip]).groupby(day[on_dip]).rank(method="first")
    n_day = pd.Series(day[on_dip]).map(pd.Series(day[on_dip]).value_counts())
    k_day = np.maximum(1, np.round(DIP_RATE * n_day.to_numpy()))
    sale[on_dip] = order.to_numpy() <= k_day
    return variant, sale, dip


def _top_up_sales(rng: np.random.Generator, day: np.ndarray, judged: np.ndarray,
                  sale: np.ndarray, dip: np.ndarray) -> np.ndarray:
    """The sales, topped up on any non-dip day that fell under ``FLOOR_RATE`` by chance."""
    # every other day stays well above the alert threshold: a day that falls under FLOOR_RATE by
    # chance gets the missing sales from randomly chosen answered calls of that day
    sale = sale.copy()
    n_judged = pd.Series(day[judged]).value_counts()
    n_sales = pd.Series(day[sale & ~dip]).value_counts().reindex(n_judged.index, fill_value=0)
    missing = (np.ceil(FLOOR_RATE * n_judged) - n_sales).clip(lower=0)
    candidates = judged & ~sale
    rank = pd.Series(rng.random(len(day))[candidates]).groupby(day[candidates]).rank(
        method="first")
    top_up = rank.to_numpy() <= pd.Series(day[candidates]).map(missing).fillna(0).to_numpy()
    sale[np.flatnonzero(candidates)[top_up]] = True
    return sale


def _steer_script_test(rng: np.random.Generator, variant: np.ndarray, judged: np.ndarray,
                       sale: np.ndarray, dip: np.ndarray) -> np.ndarray:
    """The sales, with B's count moved so that B - A is ``SCRIPT_Z`` standard errors.

    Counted as notebook 08 counts (every answered sales call with its variant); only calls of
    B outside the dip days are changed, a few dozen out of thousands.
    """
    a, b = judged & (variant == "A"), judged & (variant == "B")
    n_a, n_b, k_a = int(a.sum()), int(b.sum()), int((sale & a).sum())
    if min(n_a, n_b) < 30:
        return sale
    p_a, p_b = k_a / n_a, float((sale & b).sum()) / n_b
    for _ in range(5):  # the standard error depends on B's rate: a few fixed-point steps
        se = np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
        p_b = p_a + SCRIPT_Z * se
    want = round(p_b * n_b) - int((sale & b).sum())
    pool = np.flatnonzero(b & ~dip & (sale if want < 0 else ~sale))
    flip = rng.choice(pool, size=min(abs(want), len(pool)), replace=False)
    sale = sale.copy()
    sale[flip] = want > 0
    return sale


def _outcomes(rng: np.random.Generator, ttype: np.ndarray, cust: np.ndarray,
              purpose: np.ndarray, answered: np.ndarray, sale: np.ndarray) -> np.ndarray:
    """The recorded outcome of each call, by purpose; colder customers refuse more often."""
    n = len(cust)
    sales = purpose == "sales"
    outcome = np.full(n, "no_answer", dtype=object)
    other_sales = sales & answered & ~sale
    key = np.where(np.isin(ttype[np.maximum(cust, 0)], ["lapsed", "chronic_late_payer"]) & (cust >= 0),
                   "cold", "warm")
    outcome[other_sales] = pick_by(rng, key[other_sales], {
        "warm": [0.3, 0.22, 0.3, 0.13, 0.05], "cold": [0.12, 0.15, 0.4, 0.28, 0.05]},
        ["interested", "callback_requested", "not_interested", "refused", "wrong_number"])
    outcome[sale] = "sale"
    col = (purpose == "collection") & answered
    outcome[col] = pick(rng, ["promise_to_pay", "paid", "refused", "callback_requested",
                              "wrong_number"], int(col.sum()), [0.45, 0.15, 0.15, 0.2, 0.05])
    svc = (purpose == "service") & answered
    outcome[svc] = pick(rng, ["interested", "callback_requested", "not_interested"],
                        int(svc.sum()), [0.3, 0.4, 0.3])
    return outcome


def _durations(rng: np.random.Generator, purpose: np.ndarray, answered: np.ndarray,
               sale: np.ndarray, start_sec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Talk time in seconds (0 when unanswered) and the second each call ends."""
    n = len(purpose)
    talk = np.select([purpose == "sales", purpose == "collection"],
                     [rng.lognormal(np.log(140), 0.6, n), rng.lognormal(np.log(110), 0.5, n)],
                     rng.lognormal(np.log(280), 0.6, n))
    talk = np.where(sale, talk + rng.lognormal(np.log(200), 0.4, n), talk)
    duration = np.where(answered, np.maximum(5, np.round(talk)), 0).astype(int)
    ring = rng.integers(15, 45, n)
    end_sec = start_sec + np.where(answered, duration + 5, ring)
    return duration, end_sec


def _assign_agents(rng: np.random.Generator, agents: pd.DataFrame,
                   purpose: np.ndarray) -> np.ndarray:
    """An agent of the matching role for each call (any agent when the role has none)."""
    roles = agents.role.to_numpy()
    agent = np.empty(len(purpose), dtype=object)
    for r in ("sales", "collection", "service"):
        mask = purpose == r
        pool = agents.agent_id.to_numpy()[roles == r]
        if len(pool) == 0:
            pool = agents.agent_id.to_numpy()
        agent[mask] = pool[rng.integers(0, len(pool), int(mask.sum()))]
    return agent


def generate_calls(customers: pd.DataFrame, agents: pd.DataFrame, leads: pd.DataFrame,
                   profile: np.ndarray, credit: np.ndarray, rng: np.random.Generator,
                   n_calls: int) -> pd.DataFrame:
    """Telephone calls on working days of 2025 with the planted A/B test and alert dip."""
    day, purpose, direction, hour, start_sec = _call_slots(rng, n_calls)
    cust, lead = _called_parties(rng, customers, leads, profile, credit, day, purpose)
    answered = _answered(rng, customers, cust, hour, purpose, direction)
    sales = purpose == "sales"
    variant, sale, dip = _script_sales(rng, day, sales, answered)
    sale = _top_up_sales(rng, day, sales & answered & ~dip, sale, dip)
    sale = _steer_script_test(rng, variant, sales & answered, sale, dip)
    outcome = _outcomes(rng, customers.true_type.to_numpy(), cust, purpose, answered, sale)
    duration, end_sec = _durations(rng, purpose, answered, sale, start_sec)
    agent = _assign_agents(rng, agents, purpose)
    calls = pd.DataFrame({
        "cust": cust, "lead": lead, "agent_id": agent, "day": day, "start_sec": start_sec,
        "end_sec": end_sec, "duration_s": duration, "answered": answered, "outcome": outcome,
        "purpose": purpose, "direction": direction, "script_variant": variant,
    })
    calls = calls.sort_values(["day", "start_sec", "agent_id"], kind="stable").reset_index(drop=True)
    calls["call_id"] = ids("K", len(calls), 6)
    return calls


def generate_service(customers: pd.DataFrame, windows: pd.DataFrame, profile: np.ndarray,
                     rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Service contacts; a few customers contact support dozens to hundreds of times a year."""
    ttype = customers.true_type.to_numpy()
    n = len(customers)
    rate = pd.Series(ttype).map(SERVICE_RATE).to_numpy() * np.exp(rng.normal(0, 0.5, n))
    # the extreme few: occasional or bargain-hunting individuals with modest purchases
    eligible = np.flatnonzero(np.isin(ttype, ["occasional", "bargain_hunter"])
                              & (customers.customer_kind.to_numpy() == "individual")
                              & ~customers.never_bought.to_numpy())
    n_extreme = min(len(eligible), max(3, round(n * 0.004)))
    extreme = np.sort(rng.choice(eligible, size=n_extreme, replace=False))
    rate[extreme] = rng.uniform(30, 60, n_extreme)
    rate[extreme[rng.integers(n_extreme)]] = 130.0  # the most extreme: over 100 a year
    disputer = profile == "disputer"
    rate = np.where(disputer, rate + 3.0, rate)
    rate = np.where(customers.never_bought.to_numpy(), 0.0, rate)
    start = windows.start.to_numpy()
    end = np.minimum(windows.end.to_numpy() + 60, days(AS_OF))
    years = (end - start + 1) / 365.25
    k = rng.poisson(rate * years)
    c = np.repeat(np.arange(n), k)
    m = len(c)
    day = start[c] + np.floor(rng.random(m) * (end[c] - start[c] + 1)).astype(int)
    sec = rng.integers(8, 21, m) * 3600 + rng.integers(0, 3600, m)
    key = np.where(np.isin(c, extreme), "extreme", np.where(disputer[c], "disputer", "normal"))
    key = np.where((key == "normal") & (ttype[c] == "bargain_hunter"), "heavy", key)
    kind = pick_by(rng, key, {"normal": [0.55, 0.15, 0.15, 0.15],
                              "heavy": [0.3, 0.35, 0.15, 0.2],
                              "disputer": [0.3, 0.5, 0.1, 0.1],
                              "extreme": [0.35, 0.35, 0.05, 0.25]},
                   ["inquiry", "complaint", "return_request", "technical_support"])
    channel = pick(rng, ["phone", "email", "chat", "visit"], m, [0.5, 0.15, 0.3, 0.05])
    mean_min = pd.Series(kind).map({"inquiry": 6, "complaint": 22, "return_request": 12,
                                    "technical_support": 18}).to_numpy()
    minutes = np.round(rng.lognormal(np.log(mean_min), 0.5), 1)
    resolved = rng.random(m) < np.where(kind == "complaint", 0.55, 0.8)
    df = pd.DataFrame({"cust": c, "day": day, "sec": sec, "kind": kind, "channel": channel,
                       "minutes": minutes, "resolved": resolved})
    df = df.sort_values(["day", "sec", "cust"], kind="stable").reset_index(drop=True)
    df["contact_id"] = ids("S", len(df), 6)
    return df, extreme
