"""Calibration / holdout: fit on the past, predict the next period, compare with what happened."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.caveats import caveat, too_short
from helpers.errors import DataProblem, require_columns
from helpers.segments import FREQ_DAYS, summarise_customers

from ._bgnbd import BGNBDFit
from ._inputs import frequency_recency_t

__all__ = ["MIN_CALIBRATION_DAYS", "MIN_HOLDOUT_DAYS", "MIN_REPEAT_BUYERS",
           "calibration_holdout", "holdout_check"]

#: A calibration period shorter than this (half a year) rarely shows enough repeat purchases
#: for BG/NBD to tell how often customers buy from how soon they leave.
MIN_CALIBRATION_DAYS = 182
#: A holdout shorter than this (three months) holds too few purchases per customer to judge the
#: predictions: most customers buy nothing in it by chance.
MIN_HOLDOUT_DAYS = 90
#: With fewer repeat buyers than this, the spread of purchase rates and spends rests on a handful
#: of customers: BG/NBD's and Gamma-Gamma's parameters (and every CLV built on them) are shaky.
MIN_REPEAT_BUYERS = 100


def few_repeat_buyers(n_repeat: int, what: str, minimum: int = MIN_REPEAT_BUYERS) -> str | None:
    """A caveat when a fit rests on fewer than ``minimum`` repeat buyers, else ``None``.

    Examples
    --------
    >>> few_repeat_buyers(12, "the calibration period")   # doctest: +ELLIPSIS
    'the calibration period has only 12 repeat buyers (at least 100 needed); ...'
    >>> few_repeat_buyers(500, "the data") is None
    True
    """
    if n_repeat >= minimum:
        return None
    return (f"{what} has only {n_repeat:,} repeat buyers (at least {minimum:,} needed); the "
            "purchase-rate and spend parameters rest on too few customers to mean much, and "
            "so does every expected purchase or CLV built on them. Use more history or more "
            "customers.")


def _first_purchase_check(transactions: pd.DataFrame, cal_end: pd.Timestamp, hold_end: pd.Timestamp,
                          date_col: str) -> None:
    """A clear message when the calibration period holds no purchase at all."""
    if date_col not in transactions.columns:
        return
    dates = pd.to_datetime(transactions[date_col], errors="coerce")
    first = dates.min()
    if pd.notna(first) and first.normalize() > cal_end:
        raise DataProblem(
            f"calibration_holdout: the calibration period ends {cal_end:%Y-%m-%d}, before the "
            f"first purchase ({first:%Y-%m-%d}): there is nothing to fit on. Set "
            f"calibration_end between {first:%Y-%m-%d} and {hold_end:%Y-%m-%d} (about half way: "
            f"{first + (hold_end - first) / 2:%Y-%m-%d}).")


def _day_number(when: pd.Timestamp) -> int:
    """Days since 1970-01-01 of the day holding ``when``."""
    return int(np.datetime64(when.normalize(), "D").astype("int64"))


# Long: the docstring (parameters, the columns added, an example) is two thirds of it
def calibration_holdout(
    transactions: pd.DataFrame,
    calibration_end: Any,
    holdout_end: Any,
    freq: str = "D",
    freq_multiplier: float = 1.0,
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Summaries of a calibration period and the purchases the same customers made afterwards.

    Parameters
    ----------
    transactions : DataFrame
        The course's transactions (customer, purchase date, amount).
    calibration_end, holdout_end : date-like
        Last day of the calibration period and of the holdout period.
    freq, freq_multiplier : str, float
        Period and time unit, as in :func:`helpers.segments.customer_summary`.
    customer_col, date_col, amount_col : str
        Column names.

    Returns
    -------
    DataFrame
        :func:`helpers.segments.customer_summary` up to ``calibration_end`` (the customers
        acquired by then), plus ``frequency_holdout`` (purchase days, or weeks with ``freq="W"``,
        in ``(calibration_end, holdout_end]``) and ``duration_holdout`` (its length, in ``T``'s
        unit).

    Raises
    ------
    DataProblem
        A holdout end not after the calibration end, or transactions the summary refuses.

    Warns
    -----
    Caveat
        When the calibration period (first purchase to ``calibration_end``) is shorter than
        :data:`MIN_CALIBRATION_DAYS`, the holdout shorter than :data:`MIN_HOLDOUT_DAYS`, or the
        calibration period has fewer than :data:`MIN_REPEAT_BUYERS` repeat buyers.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 20, 5, 7],
    ...                    "purchase_date": pd.to_datetime(["2024-06-01", "2025-01-10",
    ...                                                     "2025-02-05", "2025-02-10"])})
    >>> calibration_holdout(tx, "2025-01-31", "2025-03-31")[
    ...     ["frequency", "frequency_holdout", "duration_holdout"]].values.tolist()
    [[1.0, 1.0, 59.0]]
    """
    cal_end, hold_end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if hold_end <= cal_end:
        raise DataProblem(f"calibration_holdout: holdout_end {hold_end:%Y-%m-%d} must come after "
                          f"calibration_end {cal_end:%Y-%m-%d}.")
    _first_purchase_check(transactions, cal_end, hold_end, date_col)
    cal = summarise_customers(transactions, cal_end, freq=freq, freq_multiplier=freq_multiplier,
                              customer_col=customer_col, date_col=date_col,
                              amount_col=amount_col)
    span = int(cal.table["tenure_days"].max()) if len(cal.table) else 0
    caveat(too_short(span, MIN_CALIBRATION_DAYS, "calibration_holdout: the calibration period",
                     fix="BG/NBD fitted on it says little about the holdout; choose a later "
                         "calibration_end (or use more history)."))
    caveat(too_short((hold_end.normalize() - cal_end.normalize()).days, MIN_HOLDOUT_DAYS,
                     "calibration_holdout: the holdout period",
                     fix="Most customers buy nothing in so short a time by chance, so the "
                         "comparison says little; choose an earlier calibration_end."))
    caveat(few_repeat_buyers(int((cal.table["frequency"] > 0).sum()),
                             "calibration_holdout: the calibration period"))
    cal_day, end_day = _day_number(cal.window_end), _day_number(hold_end)
    counts = _holdout_purchases(transactions, cal_day, end_day, freq,
                                (customer_col, date_col, amount_col))
    out = cal.table.copy()
    out["frequency_holdout"] = counts.reindex(out.index.astype("string")).fillna(0).to_numpy(
        dtype="int64")
    out["duration_holdout"] = (end_day - cal_day) / (FREQ_DAYS[freq] * freq_multiplier)
    return out


def _holdout_purchases(transactions: pd.DataFrame, after_day: int, end_day: int, freq: str,
                       columns: tuple[str, str, str]) -> pd.Series:
    """Purchase periods per customer in ``(after_day, end_day]`` (returns left out)."""
    customer_col, date_col, amount_col = columns
    require_columns(transactions, list(columns), "transactions")
    dates = pd.to_datetime(transactions[date_col], errors="coerce")
    day = dates.to_numpy().astype("datetime64[D]").view("int64")
    period = day if freq == "D" else day - ((day + 3) % 7)   # weeks start on Monday
    keep = dates.notna().to_numpy() & (day > after_day) & (day <= end_day)
    amount = pd.to_numeric(transactions[amount_col], errors="coerce").to_numpy()
    keep &= ~(amount < 0)
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    ids = transactions[customer_col].astype("string").to_numpy()
    hold = pd.DataFrame({"customer_id": ids[keep], "period": period[keep]}).drop_duplicates()
    return hold.groupby("customer_id").size()


def holdout_check(fit: BGNBDFit, calhold: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Predicted against actual holdout purchases, by number of repeat purchases in calibration.

    Parameters
    ----------
    fit : BGNBDFit
        A BG/NBD fit on the calibration summary.
    calhold : DataFrame
        :func:`calibration_holdout` output.
    max_frequency : int
        Calibration frequencies from this one up are pooled (``"7+"``).

    Returns
    -------
    DataFrame
        Index: calibration frequency ``0 … max_frequency-1`` and ``"{max}+"``; columns
        ``customers``, ``actual`` and ``predicted`` (mean holdout purchases per customer), and
        a final row ``"all"``. This is Figure 4 of Fader, Hardie & Lee (2005).

    Raises
    ------
    DataProblem
        If ``calhold`` lacks the holdout columns or its summary is not valid.
    """
    for col in ("frequency_holdout", "duration_holdout"):
        if col not in calhold.columns:
            raise DataProblem(f"holdout_check: column {col!r} missing; build the table with "
                              "calibration_holdout(...).")
    x, t_x, big_t, _ = frequency_recency_t(calhold)
    pred = fit.expected_purchases(calhold["duration_holdout"].to_numpy(dtype=float), x, t_x,
                                  big_t)
    group = np.minimum(x, max_frequency).astype(int)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    frame = pd.DataFrame({"group": pd.Categorical.from_codes(group, labels),
                          "actual": calhold["frequency_holdout"].to_numpy(dtype=float),
                          "predicted": pred})
    out = frame.groupby("group", observed=False).agg(customers=("actual", "size"),
                                                     actual=("actual", "mean"),
                                                     predicted=("predicted", "mean"))
    out = out[out["customers"] > 0]
    out.loc["all"] = [len(frame), frame["actual"].mean(), frame["predicted"].mean()]
    out["customers"] = out["customers"].astype("int64")
    out.index.name = "calibration_frequency"
    return out
