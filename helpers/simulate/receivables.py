"""Invoices for credit sales and the payments against them, by payment behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.simulate._common import AS_OF, days, ids, pick, pick_by

PROFILES = ("on_time", "after_reminder", "chronic_late", "partial", "disputer", "never")
PROFILE_P = {
    "loyal": [0.75, 0.2, 0.02, 0.03, 0.0, 0.0],
    "occasional": [0.55, 0.3, 0.05, 0.07, 0.02, 0.01],
    "new": [0.6, 0.3, 0.04, 0.05, 0.01, 0.0],
    "lapsed": [0.25, 0.3, 0.15, 0.15, 0.08, 0.07],
    "bargain_hunter": [0.5, 0.3, 0.08, 0.1, 0.02, 0.0],
    "high_value_org": [0.65, 0.27, 0.02, 0.05, 0.01, 0.0],
    "chronic_late_payer": [0.0, 0.08, 0.6, 0.17, 0.1, 0.05],
}


def payer_profiles(customers: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each customer's payment behaviour (latent), drawn from their type."""
    return pick_by(rng, customers.true_type.to_numpy(), PROFILE_P, PROFILES)


def credit_customers(customers: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Who buys on credit: every organisation, late-paying individuals and a few others."""
    org = customers.customer_kind.to_numpy() == "organisation"
    late = customers.true_type.to_numpy() == "chronic_late_payer"
    lapsed = customers.true_type.to_numpy() == "lapsed"
    credit = org | (late & (rng.random(len(org)) < 0.9)) | (lapsed & (rng.random(len(org)) < 0.4)) | (
        rng.random(len(org)) < 0.08
    )
    return credit & ~customers.never_bought.to_numpy()


def generate_invoices(customers: pd.DataFrame, sales: pd.DataFrame, credit: np.ndarray,
                      rng: np.random.Generator) -> pd.DataFrame:
    """One invoice per credit order (sum of its lines), net 30 or net 60 days."""
    s = sales.loc[~sales.is_return.to_numpy() & credit[sales.cust.to_numpy()]]
    inv = (s.groupby("order_id", sort=True)
           .agg(cust=("cust", "first"), day=("day", "first"), amount=("amount", "sum"))
           .reset_index())
    inv = inv.sort_values(["day", "order_id"], kind="stable").reset_index(drop=True)
    org = customers.customer_kind.to_numpy() == "organisation"
    terms_by_customer = np.where(org & (rng.random(len(org)) < 0.4), 60, 30)
    inv["terms"] = terms_by_customer[inv.cust.to_numpy()]
    inv["due"] = inv.day + inv.terms
    inv["invoice_id"] = ids("INV", len(inv), 6)
    inv["amount"] = inv.amount.round(2)
    return inv.loc[inv.amount >= 0.01].reset_index(drop=True)


#: Chance that a lapsed customer's last invoice stays part-paid (the collection worked case).
LAPSED_STUCK_P = 0.35


def _last_invoice_of_lapsed(customers: pd.DataFrame, invoices: pd.DataFrame) -> np.ndarray:
    """Whether each invoice is the last one of a customer of latent type ``lapsed``."""
    cust = invoices.cust.to_numpy()
    lapsed = customers.true_type.to_numpy()[cust] == "lapsed"
    last_day = invoices.groupby("cust").day.transform("max").to_numpy()
    return lapsed & (invoices.day.to_numpy() == last_day)


def _stuck_invoices(customers: pd.DataFrame, invoices: pd.DataFrame, prof: np.ndarray,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Which invoices stay part-paid (a lapsed customer's last) and the share paid of each."""
    n = len(invoices)
    stuck = _last_invoice_of_lapsed(customers, invoices) & (rng.random(n) < LAPSED_STUCK_P)
    return stuck & (prof != "never"), rng.uniform(0.2, 0.6, n)


def generate_payments(customers: pd.DataFrame, invoices: pd.DataFrame, profile: np.ndarray,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Payments per invoice following the customer's payment profile.

    Never a payment before the issue date, never more than the open balance; payments after
    the as-of date are dropped (the invoice is still open then).
    """
    n = len(invoices)
    prof = profile[invoices.cust.to_numpy()].copy()
    # a little noise: 6% of invoices behave one step worse than the customer usually does
    worse = {"on_time": "after_reminder", "after_reminder": "chronic_late",
             "chronic_late": "chronic_late", "partial": "partial", "disputer": "disputer",
             "never": "never"}
    slip = rng.random(n) < 0.06
    prof[slip] = pd.Series(prof[slip]).map(worse).to_numpy()
    stuck, kept = _stuck_invoices(customers, invoices, prof, rng)
    issue, due = invoices.day.to_numpy(), invoices.due.to_numpy()
    terms = invoices.terms.to_numpy()

    delay = np.zeros(n)
    delay = np.where(prof == "on_time", -np.floor(rng.random(n) * np.minimum(terms, 25)), delay)
    delay = np.where(prof == "after_reminder", 1 + rng.gamma(2.0, 7.0, n), delay)
    delay = np.where(prof == "chronic_late", 20 + rng.gamma(2.5, 18.0, n), delay)
    disputed = (prof == "disputer") & (rng.random(n) < 0.3)
    delay = np.where(prof == "disputer", 5 + rng.gamma(2.0, 10.0, n), delay)
    delay = np.where(disputed, 120 + rng.gamma(2.0, 90.0, n), delay)
    never = prof == "never"
    first_day = np.maximum(issue, due + np.round(delay).astype(int))

    # number of instalments: partial payers pay in 2-4 parts, others in one
    partial = prof == "partial"
    k = np.where(partial, rng.integers(2, 5, n), 1)
    k = np.where(never, 0, np.where(stuck, 1, k))
    inv_idx = np.repeat(np.arange(n), k)
    part_no = np.arange(len(inv_idx)) - np.repeat(np.r_[0, np.cumsum(k)[:-1]], k)
    # share of each instalment: random Dirichlet-like weights
    w = rng.gamma(2.0, 1.0, len(inv_idx))
    w_sum = np.bincount(inv_idx, weights=w, minlength=n)[inv_idx]
    share = w / w_sum
    amount = invoices.amount.to_numpy()[inv_idx]
    pay = np.floor(amount * share * 100) / 100
    # the last instalment takes the remainder so the parts add up to the invoice exactly
    last = part_no == k[inv_idx] - 1
    paid_before_last = np.bincount(inv_idx, weights=np.where(last, 0, pay), minlength=n)
    pay = np.where(last, np.round(amount - paid_before_last[inv_idx], 2), pay)
    pay = np.where(stuck[inv_idx], np.round(amount * kept[inv_idx], 2), pay)
    gap = np.where(part_no == 0, 0, rng.integers(15, 50, len(inv_idx)))
    gap_cum = pd.Series(gap).groupby(inv_idx).cumsum().to_numpy()
    pay_day = first_day[inv_idx] + gap_cum
    p = pd.DataFrame({"inv": inv_idx, "day": pay_day, "amount": pay, "part": part_no})
    p = p.loc[(p.day <= days(AS_OF)) & (p.amount >= 0.01)]
    cust = invoices.cust.to_numpy()[p.inv.to_numpy()]
    org = (customers.customer_kind.to_numpy() == "organisation")[cust]
    method = np.where(org, pick(rng, ["bank_transfer", "cheque"], len(p), [0.85, 0.15]),
                      pick(rng, ["card", "bank_transfer", "cash"], len(p), [0.5, 0.35, 0.15]))
    p = p.assign(cust=cust, method=method,
                 invoice_id=invoices.invoice_id.to_numpy()[p.inv.to_numpy()])
    p = p.sort_values(["day", "invoice_id", "part"], kind="stable").reset_index(drop=True)
    p["payment_id"] = ids("P", len(p), 6)
    return p
