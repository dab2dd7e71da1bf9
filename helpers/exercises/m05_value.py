"""Expected answers for lesson 05 (customer value, profitability and the whale curve).

Computed with plain pandas from the profit table the trainee works on, not with the helpers the
notebook teaches, so a wrong helper would not make a wrong answer look right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.exercises import exercise


@exercise("05.1", hint="Sort revenue from high to low, take the first 20% of the customers "
                       "(round(0.2 * n) of them) and divide their revenue by the total.",
          rel_tol=1e-6)
def top20_revenue_share(profit: pd.DataFrame) -> float:
    """Share of revenue earned by the top 20% of customers."""
    revenue = profit["revenue"].sort_values(ascending=False)
    k = int(round(0.2 * len(revenue)))
    return float(revenue.iloc[:k].sum() / revenue.sum())


@exercise("05.2", hint="Count the customers whose profit is below zero.")
def unprofitable_customers(profit: pd.DataFrame) -> int:
    """Customers whose profit is below zero."""
    return int((profit["profit"] < 0).sum())


@exercise("05.3", hint="Keep the customers with profit below zero, sum each cost_ column "
                       "except cost_to_serve, and give the name of the largest one as text.")
def largest_cost_of_the_loss_makers(profit: pd.DataFrame) -> str:
    """The cost column that weighs most on the loss-making customers."""
    losers = profit[profit["profit"] < 0]
    costs = [c for c in profit.columns if c.startswith("cost_") and c != "cost_to_serve"]
    return str(losers[costs].sum().idxmax())


@exercise("05.4", hint="Rank the customers with positive profit from high to low, keep the first "
                       "managers x accounts_per_manager, and divide their profit by total profit.",
          rel_tol=1e-6)
def dedicated_profit_share(profit: pd.DataFrame, managers: int,
                           accounts_per_manager: int) -> float:
    """Share of total profit in the dedicated accounts (top positive profits, within capacity)."""
    p = profit["profit"]
    top = np.sort(p[p > 0].to_numpy())[::-1][: managers * accounts_per_manager]
    return float(top.sum() / p.sum())
