"""Transactions: orders over 2023-2025 with seasonality, type-dependent frequency and value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate._common import AS_OF, SPRING_FESTIVAL, START, days, ids, pick_by

# category: (typical unit price in CNY, gross margin on list price)
CATEGORIES = {
    "electronics": (1200.0, 0.12),
    "home appliances": (800.0, 0.20),
    "home goods": (120.0, 0.35),
    "apparel": (200.0, 0.45),
    "food and beverage": (60.0, 0.25),
    "office supplies": (80.0, 0.30),
    "personal care": (90.0, 0.40),
}
CATEGORY_P = {
    "individual": [0.12, 0.1, 0.2, 0.2, 0.18, 0.05, 0.15],
    "organisation": [0.22, 0.12, 0.1, 0.04, 0.2, 0.27, 0.05],
}
#: Orders per year while active.
ORDER_RATE = {
    "loyal": 6.5,
    "occasional": 2.5,
    "new": 7.0,
    "lapsed": 4.0,
    "bargain_hunter": 4.0,
    "high_value_org": 7.5,
    "chronic_late_payer": 3.5,
}
#: Static covariate: the acquisition channel multiplies a customer's order rate (lambda) by this
#: factor on top of the type's rate; channels not listed keep factor 1.0. Recorded in truth.json.
CHANNEL_RATE_FACTOR = {"referral": 1.5, "marketplace": 0.7}
#: Typical value of one order line before the customer's own multiplier, in CNY.
LINE_VALUE = {
    "loyal": 400.0,
    "occasional": 950.0,
    "new": 600.0,
    "lapsed": 800.0,
    "bargain_hunter": 200.0,
    "high_value_org": 950.0,
    "chronic_late_payer": 600.0,
}
#: Share of key accounts' (high_value_org) lines with a negotiated volume discount, and its range.
KEY_DISCOUNT_P = 0.75
KEY_DISCOUNT = (0.08, 0.2)
#: Spread (log-normal sd) of customers' spending levels around their type's typical value.
LEVEL_SD = 0.4
RETURN_P = {
    "loyal": 0.025,
    "occasional": 0.04,
    "new": 0.05,
    "lapsed": 0.06,
    "bargain_hunter": 0.10,
    "high_value_org": 0.02,
    "chronic_late_payer": 0.05,
}
CHANNEL_P = {
    "individual": [0.45, 0.45, 0.1, 0.0],
    "organisation": [0.05, 0.25, 0.25, 0.45],
}
CHANNELS = ["store", "online", "phone", "field_sales"]


def day_weights() -> tuple[np.ndarray, np.ndarray]:
    """Day numbers from START to AS_OF and their relative sales weight (seasonality).

    Peaks: the run-up to "Double 11" (1-11 November, highest on the 11th) and the three weeks
    before the Spring Festival; a lull during the festival week; weekends a little busier; a
    gentle growth trend.
    """
    d = np.arange(days(START), days(AS_OF) + 1)
    dates = pd.to_datetime(d.astype("datetime64[D]"))
    w = np.ones(len(d))
    w *= np.where(dates.day_of_week >= 5, 1.15, 1.0)
    w *= 1 + 0.12 * (dates.year - 2023) + 0.01 * (dates.month - 1)
    nov = (dates.month == 11) & (dates.day <= 12)
    w = np.where(nov, w * (1.6 + 0.15 * dates.day.to_numpy()), w)
    w = np.where((dates.month == 11) & (dates.day == 11), w * 2.0, w)
    for sf in SPRING_FESTIVAL:
        offset = (dates - pd.Timestamp(sf)).days.to_numpy()
        w = np.where((offset >= -21) & (offset < -2), w * 1.9, w)
        w = np.where((offset >= -2) & (offset <= 5), w * 0.5, w)
    return d, w


def activity_windows(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Each customer's buying window: from signup (or START) to AS_OF, or the lapse date."""
    start = np.maximum(customers.signup_date.to_numpy(), days(START))
    end = np.full(len(customers), days(AS_OF))
    lapsed = customers.true_type.to_numpy() == "lapsed"
    # lapsed customers stop 9-18 months before the as-of date
    end[lapsed] = days(AS_OF) - rng.integers(280, 540, size=int(lapsed.sum()))
    start = np.minimum(start, end)
    return pd.DataFrame({"start": start, "end": end}, index=customers.index)


def sample_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray,
                day_numbers: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Draw one day per row in ``[lo, hi]`` following the seasonal ``weights`` (inverse CDF)."""
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    first = day_numbers[0]
    a = cum[np.clip(lo - first, 0, len(weights))]
    b = cum[np.clip(hi - first + 1, 0, len(weights))]
    u = a + rng.random(len(lo)) * (b - a)
    idx = np.searchsorted(cum, u, side="right") - 1
    return day_numbers[np.clip(idx, 0, len(day_numbers) - 1)]


def _order_counts(rng: np.random.Generator, customers: pd.DataFrame,
                  windows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's number of orders (at least one; none if never bought) and line level."""
    ttype = customers.true_type.to_numpy()
    years = (windows.end - windows.start + 1).to_numpy() / 365.25
    factor = customers.acquisition_channel.map(CHANNEL_RATE_FACTOR).fillna(1.0).to_numpy()
    rate = (pd.Series(ttype).map(ORDER_RATE).to_numpy() * factor
            * np.exp(rng.normal(0, 0.45, len(ttype))))
    n_orders = np.maximum(1, rng.poisson(rate * years))
    n_orders[customers.never_bought.to_numpy()] = 0
    # a customer's spending level: heavy-tailed (log-normal) around the type's typical value
    level = pd.Series(ttype).map(LINE_VALUE).to_numpy() * np.exp(rng.normal(0, LEVEL_SD,
                                                                            len(ttype)))
    return n_orders, level


def _orders(rng: np.random.Generator, n_orders: np.ndarray, ttype: np.ndarray,
            is_org: np.ndarray, windows: pd.DataFrame) -> pd.DataFrame:
    """Orders (customer row, day, second) in time order with their ``order_id``."""
    cust = np.repeat(np.arange(len(n_orders)), n_orders)
    n = len(cust)
    d, w = day_weights()
    order_day = sample_days(rng, windows.start.to_numpy()[cust], windows.end.to_numpy()[cust], d, w)
    # lapsed customers' last order falls on their lapse date
    first_of_block = np.r_[0, np.cumsum(n_orders)[:-1]]
    lapsed = (ttype == "lapsed") & (n_orders > 0)
    order_day[first_of_block[lapsed]] = windows.end.to_numpy()[lapsed]
    hour = np.where(is_org[cust], rng.integers(8, 18, n), rng.integers(8, 23, n))
    seconds = hour * 3600 + rng.integers(0, 3600, n)
    orders = pd.DataFrame({"cust": cust, "day": order_day, "sec": seconds})
    orders = orders.sort_values(["day", "sec", "cust"], kind="stable").reset_index(drop=True)
    orders["order_id"] = ids("O", len(orders), 7)
    return orders


def _order_lines(rng: np.random.Generator, orders: pd.DataFrame,
                 is_org: np.ndarray) -> pd.DataFrame:
    """One row per order line: organisations' orders have more lines."""
    o_org = is_org[orders.cust.to_numpy()]
    lines = 1 + rng.poisson(np.where(o_org, 0.7, 0.25))
    li = np.repeat(np.arange(len(orders)), lines)
    return orders.iloc[li].reset_index(drop=True)


def _line_values(rng: np.random.Generator, kind: np.ndarray, level: np.ndarray,
                 bargain: np.ndarray, key: np.ndarray) -> dict[str, np.ndarray]:
    """Category, quantity, amount, discount and cost of each line."""
    m = len(kind)
    category = pick_by(rng, kind, CATEGORY_P, list(CATEGORIES))
    base_price = pd.Series(category).map({k: v[0] for k, v in CATEGORIES.items()}).to_numpy()
    margin = pd.Series(category).map({k: v[1] for k, v in CATEGORIES.items()}).to_numpy()
    unit = np.round(base_price * np.exp(rng.normal(0, 0.35, m)), 1)
    target = level * np.exp(rng.normal(0, 0.5, m))
    quantity = np.maximum(1, np.round(target / unit)).astype(int)
    quantity = np.minimum(quantity, 5000)
    list_value = quantity * unit
    # bargain hunters hunt discounts; key accounts negotiate volume discounts
    discounted = rng.random(m) < np.select([bargain, key], [0.8, KEY_DISCOUNT_P], 0.12)
    rate_off = np.select([bargain, key], [rng.uniform(0.15, 0.4, m), rng.uniform(*KEY_DISCOUNT, m)],
                         rng.uniform(0.05, 0.2, m))
    discount = np.round(np.where(discounted, list_value * rate_off, 0.0), 2)
    amount = np.round(list_value - discount, 2)
    cost = np.round(list_value * (1 - margin) * np.exp(rng.normal(0, 0.05, m)), 2)
    return {"quantity": quantity, "amount": amount, "discount": discount, "cost": cost,
            "product_category": category}


def _returns(rng: np.random.Generator, sales: pd.DataFrame, ttype: np.ndarray) -> pd.DataFrame:
    """Returns: negative copies of some lines, 2-30 days later, up to the as-of date."""
    is_ret = rng.random(len(sales)) < pd.Series(ttype).map(RETURN_P).to_numpy()
    ret = sales.loc[is_ret].copy()
    ret["day"] = ret.day + rng.integers(2, 31, len(ret))
    ret["sec"] = 9 * 3600 + rng.integers(0, 9 * 3600, len(ret))
    ret = ret.assign(quantity=-ret.quantity, amount=-ret.amount, cost=-ret.cost, discount=0.0,
                     is_return=True)
    return ret.loc[ret.day <= days(AS_OF)]


def generate_transactions(customers: pd.DataFrame, windows: pd.DataFrame,
                          rng: np.random.Generator) -> pd.DataFrame:
    """Order lines and returns for every customer; one row per line."""
    ttype = customers.true_type.to_numpy()
    is_org = customers.customer_kind.to_numpy() == "organisation"
    n_orders, level = _order_counts(rng, customers, windows)
    orders = _orders(rng, n_orders, ttype, is_org, windows)
    t = _order_lines(rng, orders, is_org)
    c = t.cust.to_numpy()
    kind = np.where(is_org[c], "organisation", "individual")
    values = _line_values(rng, kind, level[c], ttype[c] == "bargain_hunter",
                          ttype[c] == "high_value_org")
    channel = pick_by(rng, kind, CHANNEL_P, CHANNELS)
    sales = pd.DataFrame({
        "cust": c,
        "order_id": t.order_id.to_numpy(),
        "day": t.day.to_numpy(),
        "sec": t.sec.to_numpy(),
        **values,
        "sales_channel": channel,
        "is_return": False,
    })
    ret = _returns(rng, sales, ttype[c])
    allrows = pd.concat([sales, ret], ignore_index=True)
    allrows = allrows.sort_values(["day", "sec", "cust", "is_return", "order_id"],
                                  kind="stable").reset_index(drop=True)
    allrows["transaction_id"] = ids("T", len(allrows), 7)
    return allrows
