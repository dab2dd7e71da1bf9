"""Scenarios for the least profitable customers: re-price, a cheaper channel, or drop them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.errors import DataProblem

from ._inputs import need

__all__ = ["profit_scenarios"]

_PROFIT_COLUMNS = ["revenue", "discounts", "returns", "profit", "cost_service",
                   "cost_complaints", "cost_calls"]


def _check_shares(**shares: float) -> None:
    for name, value in shares.items():
        if not 0 <= value <= 1:
            raise DataProblem(f"profit_scenarios: {name} must be a share between 0 and 1, "
                              f"got {value!r}.")


def _best_per_customer(p: np.ndarray, t: np.ndarray, options: dict[str, np.ndarray],
                       kept_share: dict[str, float]) -> tuple[str, int, float, float]:
    """Each target customer gets the option (or none) that earns the most."""
    stacked = np.vstack([p, *options.values()])
    best = stacked.argmax(axis=0)
    kept = np.array([1.0, *(kept_share[name] for name in options)])[best]
    return ("best per customer", int(t.sum()), float(np.where(t, kept, 1.0).sum()),
            float(np.where(t, stacked.max(axis=0), p).sum()))


# Long: the docstring defines each scenario and has an example; the code is 25 lines.
def profit_scenarios(
    profit: pd.DataFrame,
    target: pd.Series | None = None,
    price_increase: float = 0.10,
    reprice_churn: float = 0.30,
    channel_saving: float = 0.60,
    channel_churn: float = 0.05,
) -> pd.DataFrame:
    """What happens to total profit if the least profitable customers are treated differently.

    Parameters
    ----------
    profit : DataFrame
        :func:`customer_profit` output.
    target : boolean Series, optional
        Which customers the measures apply to; default: customers with profit below 0.
    price_increase : float
        Re-pricing: net sales of the target customers rise by this share …
    reprice_churn : float
        … and this share of them leave (their profit, positive or negative, becomes 0).
    channel_saving : float
        Cheaper channel (self-service, e-mail, online portal): this share of their service,
        complaint and call costs disappears …
    channel_churn : float
        … and this share of them leave.

    Returns
    -------
    DataFrame
        One row per scenario (``as is``, ``re-price``, ``cheaper channel``, ``drop``, ``best per
        customer``) with ``customers_affected``, ``customers_kept`` (expected),
        ``total_profit`` (expected), ``change`` and ``change_pct`` against ``as is``.

    Raises
    ------
    DataProblem
        A share outside [0, 1], or a profit table without the columns of
        :func:`customer_profit`.

    Notes
    -----
    Expected values, not forecasts: every target customer is assumed to react in the same
    way. Dropping a customer removes their revenue and their variable costs only; fixed
    overheads stay, which is why dropping is the last resort in the material's cases.

    Examples
    --------
    >>> p = pd.DataFrame({"revenue": [1000.0, 200], "discounts": 0.0, "returns": 0.0,
    ...                   "cost_service": [10.0, 50], "cost_complaints": [0.0, 30],
    ...                   "cost_calls": [0.0, 20], "profit": [400.0, -20]})
    >>> profit_scenarios(p)["total_profit"].round(1).to_dict()
    {'as is': 380.0, 're-price': 400.0, 'cheaper channel': 438.0, 'drop': 400.0, 'best per customer': 438.0}
    """
    _check_shares(price_increase=price_increase, reprice_churn=reprice_churn,
                  channel_saving=channel_saving, channel_churn=channel_churn)
    need(profit, "profit table", _PROFIT_COLUMNS)
    p = profit["profit"].to_numpy(dtype=float)
    t = (p < 0 if target is None
         else pd.Series(target).reindex(profit.index).fillna(False).to_numpy(dtype=bool))
    net = (profit["revenue"] - profit["discounts"] - profit["returns"]).to_numpy(dtype=float)
    serve = profit[["cost_service", "cost_complaints", "cost_calls"]].sum(axis=1).to_numpy(float)
    options = {"re-price": (1 - reprice_churn) * (p + price_increase * net),
               "cheaper channel": (1 - channel_churn) * (p + channel_saving * serve),
               "drop": np.zeros_like(p)}
    kept_share = {"re-price": 1 - reprice_churn, "cheaper channel": 1 - channel_churn, "drop": 0.0}
    base_total = float(p.sum())
    rows: list[tuple[str, int, float, float]] = [("as is", 0, float(len(p)), base_total)]
    for name, after in options.items():
        rows.append((name, int(t.sum()), float(len(p) - t.sum() * (1 - kept_share[name])),
                     float(np.where(t, after, p).sum())))
    rows.append(_best_per_customer(p, t, options, kept_share))
    return _scenario_table(rows, base_total)


def _scenario_table(rows: list[tuple[str, int, float, float]], base_total: float) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["scenario", "customers_affected", "customers_kept",
                                      "total_profit"]).set_index("scenario")
    out["change"] = out["total_profit"] - base_total
    out["change_pct"] = out["change"] / abs(base_total) if base_total else 0.0
    return out
