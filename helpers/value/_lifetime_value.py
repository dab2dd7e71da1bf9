"""Customer lifetime value over a horizon: BG/NBD purchases × Gamma-Gamma spend × margin.

The horizon is cut into steps; the purchases expected in each step are valued at the expected
spend × margin and discounted step by step.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.caveats import caveat
from helpers.errors import DataProblem, sample_rows

from ._bgnbd import BGNBDFit
from ._gamma_gamma import GammaGammaFit
from ._holdout import few_repeat_buyers
from ._inputs import frequency_recency_t, summary_column

__all__ = ["customer_lifetime_value"]


def _check_horizon(horizon: float, step: float, discount_rate: float) -> None:
    if not (isinstance(horizon, int | float) and math.isfinite(horizon)) or horizon <= 0:
        raise DataProblem(f"customer_lifetime_value: horizon must be above 0, got {horizon!r}.")
    if not (isinstance(step, int | float) and math.isfinite(step)) or step <= 0:
        raise DataProblem(f"customer_lifetime_value: step must be above 0, got {step!r}.")
    if discount_rate <= -1 or not math.isfinite(discount_rate):
        raise DataProblem(f"customer_lifetime_value: discount_rate must be above -1, got "
                          f"{discount_rate!r}.")


# Long: the docstring documents the discounting and has an example; the code is 20 lines.
def customer_lifetime_value(
    summary: pd.DataFrame,
    bgnbd: BGNBDFit,
    gamma_gamma: GammaGammaFit,
    horizon: float = 365.0,
    step: float = 30.0,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> pd.DataFrame:
    """Expected purchases, spend and discounted CLV of every customer over a horizon.

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T``, ``monetary_value`` (model time units).
    bgnbd, gamma_gamma : fits
    horizon : float
        How far ahead, in the model's time unit (365 for a year in days, 52 in weeks).
    step : float
        Length of one discounting step in that unit (30 days, 4.35 weeks: monthly).
    discount_rate : float
        Discount rate per step (0.01 a month is about 12.7 % a year).
    margin : float
        Share of the spend that is profit (1 = value in sales).

    Returns
    -------
    DataFrame
        Indexed by customer: ``p_alive``, ``expected_purchases`` (over the horizon),
        ``expected_spend`` (per purchase), ``clv`` (discounted margin).

    Raises
    ------
    DataProblem
        A bad summary (see :func:`fit_bgnbd`), a horizon or step of 0 or less, a discount rate
        of -1 or below, or parameters that give no finite value.

    Warns
    -----
    Caveat
        When the summary has fewer than ``MIN_REPEAT_BUYERS`` (100) repeat buyers: the values
        come back but rest on too few customers.

    Notes
    -----
    The horizon is cut in steps ``(t_{i-1}, t_i]``; the purchases expected in each step are
    valued at the expected spend × margin and discounted by ``(1 + discount_rate)^i``.

    Examples
    --------
    >>> bg = BGNBDFit(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, loglik=0.0, n_customers=0)
    >>> gg = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    >>> one = pd.DataFrame({"frequency": [2], "recency": [30.0], "T": [38.9],
    ...                     "monetary_value": [40.0]})
    >>> customer_lifetime_value(one, bg, gg, horizon=52, step=4.35).round(2).iloc[0].tolist()
    [0.72, 1.54, 39.14, 56.95]
    """
    _check_horizon(horizon, step, discount_rate)
    x, t_x, big_t, index = frequency_recency_t(summary)
    m, _ = summary_column(summary, "monetary_value", None)
    caveat(few_repeat_buyers(int((x > 0).sum()), "customer_lifetime_value: the summary"))
    spend = gamma_gamma.expected_spend(x, m)
    edges = np.r_[np.arange(0.0, horizon, step), horizon][1:]
    cum = np.vstack([bgnbd.expected_purchases(t, x, t_x, big_t) for t in edges])
    per_step = np.diff(np.vstack([np.zeros(len(x)), cum]), axis=0)
    disc = (1 + discount_rate) ** -np.arange(1, len(edges) + 1)
    value = margin * spend * (disc @ per_step)
    out = pd.DataFrame({"p_alive": bgnbd.p_alive(x, t_x, big_t), "expected_purchases": cum[-1],
                        "expected_spend": spend, "clv": value}, index=index)
    if not np.isfinite(out.to_numpy()).all():
        bad = ~np.isfinite(out.to_numpy()).all(axis=1)
        raise DataProblem(f"customer_lifetime_value: no finite value for {int(bad.sum())} "
                          f"customer(s), e.g. {sample_rows(index[bad])}; the fitted parameters "
                          f"({bgnbd.params}) are probably degenerate.")
    return out

