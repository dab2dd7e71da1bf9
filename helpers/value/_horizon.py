"""Horizons that cannot be misread, and CLV with a per-customer margin, for any purchase model.

A model fitted on a summary in weeks predicts in weeks: ``expected_purchases(52, …)`` is a
year there and under two months on a summary in days (the most common question about
``lifetimes``). Here a horizon carries its unit: ``horizon="12W"`` (converted to the summary's
unit) or ``horizon=12, unit="W"`` (checked against it; a mismatch is an error that says what to
pass). The summary's unit is read from the summary itself: ``tenure_days / T`` (both columns of
:func:`helpers.segments.customer_summary`).

>>> s = pd.DataFrame({"frequency": [2, 0], "recency": [4.0, 0.0], "T": [6.0, 3.0],
...                   "tenure_days": [42, 21]})
>>> summary_unit(s)
'W'
>>> model_time("26W", summary=s), model_time("1Y", summary=s)
(26.0, 52.17857142857143)
>>> model_time(26, unit="D", summary=s)   # doctest: +ELLIPSIS
Traceback (most recent call last):
...
helpers.errors.DataProblem: horizon=26 with unit='D', but the summary is in weeks; ...
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, sample_rows

from ._bgbb import BGBBFit
from ._gamma_gamma import GammaGammaFit
from ._inputs import frequency_recency_t, summary_column

__all__ = ["UNIT_DAYS", "lifetime_value", "model_time", "predict_customers", "summary_unit"]

#: Days in one unit of a horizon: days, weeks, months (a twelfth of a year), years.
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Y": 365.25}
_UNIT_NAMES = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([DWMY])\s*$", re.IGNORECASE)


class PurchaseModel(Protocol):
    """What a purchase model offers: BG/NBD, MBG/NBD and Pareto/NBD fits."""

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray: ...

    def expected_purchases(self, t: Any, frequency: Any, recency: Any,
                           T: Any) -> np.ndarray: ...


def summary_unit_days(summary: pd.DataFrame) -> float | None:
    """Days per time unit of a summary (``tenure_days / T``), or ``None`` if it cannot say.

    With ``freq="W"`` the ratio is 7 to 8 (the first week is counted from its Monday); it is
    snapped to the nearest unit of :data:`UNIT_DAYS` within 15 %.
    """
    if not isinstance(summary, pd.DataFrame) or not {"tenure_days", "T"} <= set(summary.columns):
        return None
    big_t = pd.to_numeric(summary["T"], errors="coerce").to_numpy(dtype=float)
    days = pd.to_numeric(summary["tenure_days"], errors="coerce").to_numpy(dtype=float)
    use = (big_t > 0) & np.isfinite(days) & (days > 0)
    if not use.any():
        return None
    ratio = float(np.median(days[use] / big_t[use]))
    near = min(UNIT_DAYS.values(), key=lambda d: abs(math.log(ratio / d)))
    return near if abs(ratio / near - 1) < 0.15 else ratio


def summary_unit(summary: pd.DataFrame) -> str | None:
    """The time unit of a summary (``"D"``, ``"W"``, ``"M"``, ``"Y"``), ``"<n>D"`` or ``None``.

    Parameters
    ----------
    summary : DataFrame
        With ``T`` and ``tenure_days`` (:func:`helpers.segments.customer_summary`).

    Returns
    -------
    str or None
        ``None`` when the summary has no ``tenure_days`` column to tell.
    """
    days = summary_unit_days(summary)
    if days is None:
        return None
    for name, d in UNIT_DAYS.items():
        if d == days:
            return name
    return f"{days:g}D"


def _describe(days: float) -> str:
    for name, d in UNIT_DAYS.items():
        if d == days:
            return _UNIT_NAMES[name]
    return f"units of {days:g} days"


def _from_text(horizon: str, days: float | None, what: str) -> float:
    """``"12W"`` in units of ``days`` days (the summary's unit)."""
    match = _DURATION.match(horizon)
    if not match:
        raise DataProblem(f"{what}={horizon!r} is not a duration; write a number and a unit: "
                          "'30D', '12W', '6M' or '1Y'.")
    if days is None:
        raise DataProblem(
            f"{what}={horizon!r}: the summary does not say its time unit (it has no "
            "'tenure_days' column); build it with helpers.segments.customer_summary, or give "
            f"{what} as a number in the summary's own unit with unit='D' or 'W'.")
    return float(match.group(1)) * UNIT_DAYS[match.group(2).upper()] / days


def model_time(horizon: Any, unit: str | None = None, summary: pd.DataFrame | None = None,
               what: str = "horizon") -> float:
    """A horizon (or step) in the summary's time unit.

    Parameters
    ----------
    horizon : str or float
        ``"12W"``, ``"365D"``, ``"6M"``, ``"1Y"`` (converted), or a number with ``unit``.
    unit : {"D", "W", "M", "Y"}, optional
        The unit of a numeric ``horizon``; it must be the summary's unit.
    summary : DataFrame, optional
        The summary the model was fitted on (its unit is read from ``tenure_days / T``).
    what : str
        The argument's name, for messages.

    Returns
    -------
    float

    Raises
    ------
    DataProblem
        A number without a unit, a unit that is not the summary's, a text that is not a
        duration, a horizon of 0 or below, or a text horizon on a summary that does not say
        its unit.
    """
    days = summary_unit_days(summary) if summary is not None else None
    if isinstance(horizon, str):
        out = _from_text(horizon, days, what)
    else:
        if isinstance(horizon, bool) or not isinstance(horizon, numbers.Real):
            raise DataProblem(f"{what} must be a duration such as '12W' or a number with unit=, "
                              f"got {horizon!r}.")
        if unit is None:
            raise DataProblem(
                f"{what}={horizon!r} has no unit, so it can be misread (52 is a year in weeks "
                f"and under two months in days); pass {what}='{horizon:g}W' or "
                f"{what}={horizon!r}, unit='W' (or 'D', 'M', 'Y').")
        number, code = float(horizon), str(unit).upper()
        if code not in UNIT_DAYS:
            raise DataProblem(f"unit={unit!r} is not one of {sorted(UNIT_DAYS)}.")
        if days is not None and abs(UNIT_DAYS[code] / days - 1) > 1e-9:
            raise DataProblem(
                f"{what}={number:g} with unit={unit!r}, but the summary is in "
                f"{_describe(days)}; pass {what}='{number:g}{code}' to convert it, or "
                f"{what}={number * UNIT_DAYS[code] / days:.6g} in the summary's unit.")
        out = number
    if not (math.isfinite(out) and out > 0):
        raise DataProblem(f"{what} must be above 0, got {horizon!r}.")
    return out


def _continuous_time(fit: Any, what: str) -> None:
    """Refuse BG/BB here: its horizon is a number of opportunities, not a duration."""
    if isinstance(fit, BGBBFit):
        raise DataProblem(f"{what}: a BG/BB model counts purchase opportunities, not time; use "
                          "fit.expected_purchases(n_opportunities, frequency, recency, "
                          "n_periods) instead.")


def predict_customers(summary: pd.DataFrame, fit: PurchaseModel, horizon: Any,
                      unit: str | None = None) -> pd.DataFrame:
    """P(alive) and expected purchases over a horizon with explicit units (``.pipe``-able).

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T`` (and ``tenure_days`` for the unit check).
    fit : BGNBDFit, MBGNBDFit or ParetoNBDFit
        A purchase model fitted on a summary in the same unit.
    horizon : str or float
        ``"12W"`` or a number with ``unit`` (see :func:`model_time`).
    unit : str, optional
        Unit of a numeric horizon.

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases``.

    Raises
    ------
    DataProblem
        A bad summary, a horizon that could be misread, or a BG/BB fit (whose horizon is a
        number of opportunities).
    """
    _continuous_time(fit, "predict_customers")
    t = model_time(horizon, unit, summary)
    x, t_x, big_t, index = frequency_recency_t(summary)
    return pd.DataFrame({"p_alive": fit.p_alive(x, t_x, big_t),
                         "expected_purchases": fit.expected_purchases(t, x, t_x, big_t)},
                        index=index)


def _margins(summary: pd.DataFrame, margin: Any) -> np.ndarray:
    """One margin per customer: a scalar, a column name, or a Series indexed by customer."""
    if isinstance(margin, str):
        values, _ = summary_column(summary, margin, None)
    elif isinstance(margin, pd.Series):
        aligned = margin.reindex(summary.index)
        if aligned.isna().any():
            raise DataProblem(f"margin: no value for {int(aligned.isna().sum())} customer(s), "
                              f"e.g. {sample_rows(summary.index[aligned.isna().to_numpy()])}; "
                              "give a margin for every customer of the summary (or a scalar).")
        values = aligned.to_numpy(dtype=float)
    else:
        values = np.full(len(summary), float(margin))
    if not np.all(np.isfinite(values)):
        raise DataProblem("margin must be a finite number for every customer.")
    return values


# Long: the docstring documents the units, the discounting and the margin forms
def lifetime_value(summary: pd.DataFrame, fit: PurchaseModel, spend: GammaGammaFit,
                   horizon: Any = "1Y", step: Any = "1M", unit: str | None = None,
                   annual_discount_rate: float = 0.10, margin: Any = 1.0) -> pd.DataFrame:
    """Discounted CLV of every customer from any purchase model, with units and margins explicit.

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T``, ``monetary_value`` (and ``tenure_days``).
    fit : BGNBDFit, MBGNBDFit or ParetoNBDFit
        The purchase model.
    spend : GammaGammaFit
        The spend model.
    horizon, step : str or float
        How far ahead, and the length of one discounting step: ``"1Y"``, ``"1M"``, or numbers
        with ``unit`` (see :func:`model_time`).
    unit : str, optional
        Unit of numeric ``horizon`` and ``step``.
    annual_discount_rate : float
        A rate per year (0.10 = 10 %), turned into one per step, so it means the same in any
        unit.
    margin : float, str or Series
        Share of the spend that is profit: one number, a column of ``summary``, or a Series
        indexed by customer (a margin for each).

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases``, ``expected_spend``,
        ``margin``, ``clv``.

    Raises
    ------
    DataProblem
        A bad summary, horizon or step; a margin missing for some customer; a discount rate of
        -1 or below.

    Examples
    --------
    >>> from helpers.value import BGNBDFit
    >>> bg = BGNBDFit(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, loglik=0.0, n_customers=0)
    >>> gg = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, n_customers=0)
    >>> one = pd.DataFrame({"frequency": [2], "recency": [30.0], "T": [38.9],
    ...                     "monetary_value": [40.0], "tenure_days": [272]})
    >>> lifetime_value(one, bg, gg, "1Y", "1M", margin=0.3).round(2).iloc[0].tolist()
    [0.72, 1.55, 39.14, 0.3, 17.34]
    """
    _continuous_time(fit, "lifetime_value")
    inputs = _clv_inputs(summary, horizon, step, unit, annual_discount_rate, margin)
    return pd.DataFrame(_clv_arrays(inputs, fit, spend), index=inputs.index)


@dataclass(frozen=True)
class _ClvInputs:
    """What :func:`lifetime_value` reads from the summary, prepared once (bootstrap refits)."""

    x: np.ndarray
    t_x: np.ndarray
    big_t: np.ndarray
    monetary: np.ndarray
    margin: np.ndarray
    edges: np.ndarray
    discount: np.ndarray
    index: pd.Index


def _clv_inputs(summary: pd.DataFrame, horizon: Any = "1Y", step: Any = "1M",
               unit: str | None = None, annual_discount_rate: float = 0.10,
               margin: Any = 1.0) -> _ClvInputs:
    """The checked columns, step edges and discount factors of :func:`lifetime_value`."""
    t_end, t_step = model_time(horizon, unit, summary), model_time(step, unit, summary, "step")
    if not annual_discount_rate > -1:
        raise DataProblem(f"annual_discount_rate must be above -1, got {annual_discount_rate!r}.")
    days = summary_unit_days(summary) or UNIT_DAYS[str(unit).upper()]
    per_step = (1 + annual_discount_rate) ** (t_step * days / UNIT_DAYS["Y"]) - 1
    x, t_x, big_t, index = frequency_recency_t(summary)
    m, _ = summary_column(summary, "monetary_value", None)
    edges = np.r_[np.arange(0.0, t_end, t_step), t_end][1:]
    disc = (1 + per_step) ** -np.arange(1, len(edges) + 1)
    return _ClvInputs(x, t_x, big_t, m, _margins(summary, margin), edges, disc, index)


def _clv_arrays(inputs: _ClvInputs, fit: PurchaseModel,
               spend: GammaGammaFit) -> dict[str, np.ndarray]:
    """The columns of :func:`lifetime_value` from prepared inputs and one pair of fits."""
    x, t_x, big_t = inputs.x, inputs.t_x, inputs.big_t
    cum = np.vstack([fit.expected_purchases(e, x, t_x, big_t) for e in inputs.edges])
    steps = np.diff(np.vstack([np.zeros(len(x)), cum]), axis=0)
    value_spend = spend.expected_spend(x, inputs.monetary)
    return {"p_alive": fit.p_alive(x, t_x, big_t), "expected_purchases": cum[-1],
            "expected_spend": value_spend, "margin": inputs.margin,
            "clv": inputs.margin * value_spend * (inputs.discount @ steps)}
