"""Expected answers for lesson 05 (customer value, profitability and the whale curve).

Computed with plain pandas from the profit table the trainee works on, not with the helpers the
notebook teaches, so a wrong helper would not make a wrong answer look right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.exercises import choice, exercise


def _top_share(values: pd.Series, share: float) -> float:
    v = values.sort_values(ascending=False)
    return float(v.iloc[: int(round(share * len(v)))].sum() / v.sum())


@exercise("05.1", hint="The best fifth of the customers by revenue, as a part of the whole.",
          rel_tol=1e-6, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "by profit": (lambda expected, profit: _top_share(profit["profit"], 0.2),
                                  "that is the top 20 %'s share of PROFIT; the question ranks "
                                  "customers by revenue and asks for their share of revenue.")})
def top20_revenue_share(profit: pd.DataFrame) -> float:
    """Share of revenue earned by the top 20% of customers."""
    return _top_share(profit["revenue"], 0.2)


@exercise("05.2", hint="Which customers cost more than they bring?", expect=int,
          range=(0, 1e9),
          mistakes={"zero included": (
              lambda expected, profit: int((profit["profit"] <= 0).sum()),
              "that includes customers whose profit is exactly zero (they neither earn nor "
              "lose); count only those below zero."),
              "profitable": (lambda expected, profit: int((profit["profit"] > 0).sum()),
                             "that is the profitable customers; the question asks for the "
                             "others.")})
def unprofitable_customers(profit: pd.DataFrame) -> int:
    """Customers whose profit is below zero."""
    return int((profit["profit"] < 0).sum())


def _largest_cost(frame: pd.DataFrame) -> str:
    costs = [c for c in frame.columns if c.startswith("cost_") and c != "cost_to_serve"]
    return str(frame[costs].sum().idxmax())


@exercise("05.3", hint="Only the loss-makers, and only the individual cost columns.", expect=str,
          mistakes={"total": (lambda expected, profit: "cost_to_serve",
                              "cost_to_serve is the total of all the cost columns; name the "
                              "single column that weighs most."),
                    "all customers": (lambda expected, profit: _largest_cost(profit),
                                      "that is the largest cost over ALL customers; the "
                                      "question asks about the loss-making ones.")})
def largest_cost_of_the_loss_makers(profit: pd.DataFrame) -> str:
    """The cost column that weighs most on the loss-making customers."""
    return _largest_cost(profit[profit["profit"] < 0])


def _dedicated(profit: pd.DataFrame, managers: int, accounts_per_manager: int) -> np.ndarray:
    p = profit["profit"]
    return np.sort(p[p > 0].to_numpy())[::-1][: managers * accounts_per_manager]


@exercise("05.4", hint="The places go to the most profitable customers; compare their profit "
                       "with the company's.", rel_tol=1e-6, expect=float, range=(0, 10),
          range_hint="a share of total profit is a positive number (it can exceed 1 when "
                     "others lose money, but not by that much).",
          mistakes={
              "percent": None, "rounded": None,
              "positive profit only": (
                  lambda expected, profit, managers, accounts_per_manager: float(
                      _dedicated(profit, managers, accounts_per_manager).sum()
                      / profit.loc[profit["profit"] > 0, "profit"].sum()),
                  "you divided by the profit of the profitable customers only; the question "
                  "asks for the share of TOTAL profit (after the losses)."),
              "by revenue": (
                  lambda expected, profit, managers, accounts_per_manager: float(
                      profit.nlargest(managers * accounts_per_manager, "revenue")["profit"].sum()
                      / profit["profit"].sum()),
                  "you picked the accounts by revenue; the places go to the most profitable "
                  "customers."),
          })
def dedicated_profit_share(profit: pd.DataFrame, managers: int,
                           accounts_per_manager: int) -> float:
    """Share of total profit in the dedicated accounts (top positive profits, within capacity)."""
    return float(_dedicated(profit, managers, accounts_per_manager).sum() / profit["profit"].sum())


PEAK_BANDS = {"below 110 %": "", "110 % to 125 %": "", "125 % to 160 %": "",
              "above 160 %": ""}


@exercise("05.5", hint="", kind="predict", options=PEAK_BANDS,
          shows="William Sherden's 80/20/30 rule: the top 20 % of customers create 80 % of the "
                "profit, and the unprofitable bottom 30 % consume half of it (40 points). The "
                "middle 50 % must then add about 60 points, so the curve climbs to about 140 % "
                "at about 70 % of the customers before the loss-makers pull it back to 100 %.")
def whale_peak_band(peak_share: float) -> str:
    """Where the whale curve's peak falls (a share of total profit)."""
    if peak_share < 1.10:
        return "below 110 %"
    if peak_share < 1.25:
        return "110 % to 125 %"
    return "125 % to 160 %" if peak_share <= 1.60 else "above 160 %"


@choice("05.6", options={
    "a": "Not that one: EchoStar moved customers with a poor credit record to prepayment; that "
         "answers unpaid bills, not returns.",
    "b": "Right: Sears and Best Buy charge a restocking fee on some goods. The customer stays "
         "and can still return goods, but a return no longer costs the shop alone.",
    "c": "Not that one: ending the relationship (as Sprint Nextel did with customers who called "
         "hundreds of times) is the last resort, after the cheaper levers were tried.",
    "d": "Not that one: a dedicated manager makes a loss-maker more expensive to serve; the "
         "places go to the most profitable customers.",
})
def returns_lever() -> str:
    """The alternative to dropping a customer who returns much of what she buys."""
    return "b"


@choice("05.7", options={
    "a": "Not that one: a bigger discount lowers the margin on every order and does not make "
         "the invoices any more likely to be paid.",
    "b": "Not that one: a restocking fee answers returns; this customer's cost is unpaid "
         "invoices.",
    "c": "Right: like EchoStar, move the customer to prepayment (or cash on delivery). The "
         "revenue stays, the bad debt and the collection calls go.",
    "d": "Not that one: TXU cut off chronic late payers, but only as the hard end of a policy "
         "that also rewarded on-time payers; cutting off first loses the revenue with the debt.",
}, hint="Which cost is it, and which lever removes that cost but keeps the customer?")
def late_payer_lever() -> str:
    """The alternative to dropping a customer whose loss is bad debt and late payment."""
    return "c"


def _middle_share(profit: pd.DataFrame, start: float, end: float) -> float:
    p = profit["profit"].sort_values(ascending=False)
    n = len(p)
    return float(p.iloc[int(round(start * n)): int(round(end * n))].sum() / p.sum())


@exercise("05.8", hint="Who is 'the middle' on the whale curve, and what part of the total do "
                       "they add?", rel_tol=1e-6, expect=float,
          range=(-5, 5), range_hint="a share of total profit: a number like 0.5, not a "
                                    "percentage.",
          mistakes={"percent": None, "rounded": None,
                    "curve height": (lambda expected, profit: _middle_share(profit, 0, 0.7),
                                     "that is the curve's height at 70 % of the customers: it "
                                     "includes the top 20 %'s part. Take the middle only."),
                    "by revenue": (lambda expected, profit: float(
                        profit.sort_values("revenue", ascending=False)["profit"]
                        .iloc[int(round(0.2 * len(profit))): int(round(0.7 * len(profit)))]
                        .sum() / profit["profit"].sum()),
                        "you ranked the customers by revenue; the whale curve ranks them by "
                        "profit.")})
def middle_profit_share(profit: pd.DataFrame) -> float:
    """Share of total profit added by the middle 50 % of customers (ranks 20 % to 70 %)."""
    return _middle_share(profit, 0.2, 0.7)
