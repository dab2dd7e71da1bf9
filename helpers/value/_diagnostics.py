"""Fit diagnostics for every customer-base model: should the analyst believe the fit.

* :func:`period_transactions`: customers with 0, 1, … repeat purchases, observed against what
  the model expects given each customer's time observed (calibration fit);
* :func:`tracking`: repeat purchases over calendar time, actual against expected, through the
  calibration period and on into the holdout (cumulative and per step);
* :func:`holdout_accuracy`: MAE, RMSE and bias of the predicted holdout purchases, overall and
  by decile of the prediction;
* :func:`compare_models`: BG/NBD, MBG/NBD and Pareto/NBD side by side (log-likelihood, AIC,
  BIC on the calibration period; holdout errors).

Each returns a DataFrame; ``helpers.value._diagnostic_plots`` draws them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from helpers.errors import DataProblem, require_columns

from ._bgbb import BGBBFit, _bgbb_input
from ._bgnbd import BGNBDFit, fit_bgnbd
from ._horizon import model_time, summary_unit_days
from ._inputs import compress, frequency_recency_t
from ._mbgnbd import fit_mbgnbd
from ._pareto_nbd import fit_pareto_nbd

__all__ = ["MODELS", "compare_models", "holdout_accuracy", "period_transactions", "tracking"]

#: The purchase models :func:`compare_models` fits by default, by name.
MODELS: dict[str, Callable[..., Any]] = {"BG/NBD": fit_bgnbd, "MBG/NBD": fit_mbgnbd,
                                         "Pareto/NBD": fit_pareto_nbd}


def _bgnbd_count_probability(fit: BGNBDFit, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``P(X(t) = x)`` of BG/NBD (Fader, Hardie & Lee 2005, eq. 8)."""
    from scipy import stats  # deferred: scipy.stats takes over a second to import
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    q = alpha / (alpha + t)
    first = np.exp(special.betaln(a, b + x) - special.betaln(a, b)) * stats.nbinom.pmf(x, r, q)
    below = np.where(x > 0, stats.nbinom.cdf(x - 1, r, q), 1.0)
    second = np.where(x > 0, np.exp(special.betaln(a + 1, np.maximum(b + x - 1, 1e-300))
                                    - special.betaln(a, b)), 0.0) * (1 - below)
    return first + second


def _count_probability(fit: Any, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    if isinstance(fit, BGNBDFit):
        return _bgnbd_count_probability(fit, x, t)
    if hasattr(fit, "purchase_count_probability"):
        return np.asarray(fit.purchase_count_probability(x, t))
    raise DataProblem(f"{type(fit).__name__} is not a purchase model (BG/NBD, MBG/NBD, "
                      "Pareto/NBD, BG/BB fit).")


def _history(fit: Any, summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """frequency, recency and time observed (``T``, or ``n_periods`` for BG/BB)."""
    if isinstance(fit, BGBBFit):
        x, t_x, n, _ = _bgbb_input(summary, None, None, None, None)
        return x, t_x, n
    x, t_x, big_t, _ = frequency_recency_t(summary)
    return x, t_x, big_t


def period_transactions(fit: Any, summary: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Customers by number of repeat purchases: observed against the model's expectation.

    Parameters
    ----------
    fit : BGNBDFit, MBGNBDFit, ParetoNBDFit or BGBBFit
        A model fitted on ``summary``.
    summary : DataFrame
        The calibration summary (``frequency``, ``recency``, ``T``; ``n_periods`` for BG/BB).
    max_frequency : int
        Frequencies from this one up are pooled (``"7+"``).

    Returns
    -------
    DataFrame
        Index ``frequency`` (``"0"`` … ``"{max}+"``); ``observed`` and ``expected`` customers,
        ``difference`` and the chi-square contribution ``chi2``; ``.sum()`` of it against
        ``max_frequency`` degrees of freedom, less the parameters, is the usual test.

    Raises
    ------
    DataProblem
        A bad summary or a fit that is not a purchase model.
    """
    x, _, big_t = _history(fit, summary)
    (u_t,), w = compress(big_t)
    counts = np.arange(max_frequency, dtype=float)
    probs = _count_probability(fit, counts[None, :], u_t[:, None])     # distinct T × count
    expected = w @ probs
    expected = np.r_[expected, len(x) - expected.sum()]
    observed = np.bincount(np.minimum(x, max_frequency).astype(int), minlength=max_frequency + 1)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    out = pd.DataFrame({"observed": observed[: max_frequency + 1].astype("int64"),
                        "expected": expected}, index=pd.Index(labels, name="frequency"))
    out["difference"] = out["observed"] - out["expected"]
    out["chi2"] = out["difference"] ** 2 / out["expected"].clip(lower=1e-12)
    return out


def _repeat_purchase_days(transactions: pd.DataFrame, summary: pd.DataFrame, end_day: int,
                          columns: tuple[str, str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Days of the repeat purchase days (first purchase day left out) and each customer's birth."""
    customer_col, date_col, amount_col = columns
    require_columns(transactions, list(columns), "transactions")
    require_columns(summary, ["first_purchase"], "summary (from calibration_holdout)")
    born = pd.to_datetime(summary["first_purchase"]).to_numpy().astype("datetime64[D]").view(
        "int64")
    ids = pd.Index(summary.index.astype("string"))
    dates = pd.to_datetime(transactions[date_col], errors="coerce")
    day = dates.to_numpy().astype("datetime64[D]").view("int64")
    amount = pd.to_numeric(transactions[amount_col], errors="coerce").to_numpy()
    keep = dates.notna().to_numpy() & (day <= end_day) & ~(amount < 0)
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    code = ids.get_indexer(transactions[customer_col].astype("string").to_numpy()[keep])
    frame = pd.DataFrame({"c": code, "day": day[keep]})
    frame = frame[frame["c"] >= 0].drop_duplicates()
    frame = frame[frame["day"] > born[frame["c"].to_numpy()]]
    return frame["day"].to_numpy(), born


# Long: the docstring explains both tracking curves and the step; the code is 25 lines
def tracking(fit: Any, summary: pd.DataFrame, transactions: pd.DataFrame, holdout_end: Any,
             step: Any = "1W", customer_col: str = "customer_id",
             date_col: str = "purchase_date", amount_col: str = "amount") -> pd.DataFrame:
    """Repeat purchases per step of calendar time, actual against expected (FHL 2005, Fig. 1-2).

    The customers are those of the calibration ``summary`` (acquired by its end); a customer
    first seen on day ``b`` is expected to make ``E[X(d - b)]`` repeat purchases by day ``d``
    (the model's unconditional expectation), summed over customers. The calibration period
    shows how well the model fits; the holdout how well it forecasts.

    Parameters
    ----------
    fit : BGNBDFit, MBGNBDFit or ParetoNBDFit
        Fitted on ``summary``.
    summary : DataFrame
        :func:`calibration_holdout` (or :func:`helpers.segments.customer_summary`) output, with
        ``first_purchase``, ``T`` and ``tenure_days`` (its time unit is read from them).
    transactions : DataFrame
        The transaction log (the same the summary was built from, holdout included).
    holdout_end : date-like
        Last day tracked.
    step : str
        Length of one step: ``"1D"``, ``"1W"``, ``"1M"``.
    customer_col, date_col, amount_col : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``period_end`` (last day of each step); ``actual``, ``expected`` (repeat
        purchase days in the step), ``cumulative_actual``, ``cumulative_expected`` and
        ``holdout`` (the step ends after the calibration period).

    Raises
    ------
    DataProblem
        Missing columns, or a summary that does not say its time unit.
    """
    unit_days = summary_unit_days(summary)
    if unit_days is None:
        raise DataProblem("tracking: the summary has no 'tenure_days' column, so its time unit "
                          "is unknown; build it with calibration_holdout(...).")
    step_days = max(1, round(model_time(step, None, summary, "step") * unit_days))
    end_day = int(np.datetime64(pd.Timestamp(holdout_end).normalize(), "D").astype("int64"))
    days, born = _repeat_purchase_days(transactions, summary, end_day,
                                       (customer_col, date_col, amount_col))
    start = int(born.min())
    edges = np.arange(start + step_days - 1, end_day + step_days, step_days)
    edges[-1] = min(edges[-1], end_day)
    (u_born,), w = compress(born.astype(float))
    elapsed = np.maximum(edges[None, :] - u_born[:, None], 0.0) / unit_days
    cum_expected = w @ fit.expected_purchases_new(elapsed)
    actual = np.bincount(np.searchsorted(edges, days), minlength=len(edges))[: len(edges)]
    cal_end = int((born + pd.to_numeric(summary["tenure_days"]).to_numpy()).max())
    out = pd.DataFrame({"actual": actual.astype(float),
                        "expected": np.diff(np.r_[0.0, cum_expected]),
                        "cumulative_actual": np.cumsum(actual).astype(float),
                        "cumulative_expected": cum_expected, "holdout": edges > cal_end},
                       index=pd.DatetimeIndex(edges.astype("datetime64[D]"), name="period_end"))
    return out


def _holdout_columns(calhold: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    for col in ("frequency_holdout", "duration_holdout"):
        if col not in calhold.columns:
            raise DataProblem(f"column {col!r} missing; build the table with "
                              "calibration_holdout(...).")
    return (calhold["frequency_holdout"].to_numpy(dtype=float),
            calhold["duration_holdout"].to_numpy(dtype=float))


def _errors(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    diff = predicted - actual
    return {"customers": len(actual), "predicted": float(predicted.mean()),
            "actual": float(actual.mean()), "mae": float(np.abs(diff).mean()),
            "rmse": float(np.sqrt((diff ** 2).mean())), "bias": float(diff.mean())}


def holdout_accuracy(fit: Any, calhold: pd.DataFrame, groups: int = 10) -> pd.DataFrame:
    """How far the predicted holdout purchases are from the actual ones, overall and by decile.

    Parameters
    ----------
    fit : BGNBDFit, MBGNBDFit, ParetoNBDFit or BGBBFit
        Fitted on the calibration summary.
    calhold : DataFrame
        :func:`calibration_holdout` output (``frequency_holdout``, ``duration_holdout``).
    groups : int
        Groups of customers by rank of their prediction (10: deciles, 1 = lowest).

    Returns
    -------
    DataFrame
        Index ``"all"``, then ``1 … groups``; ``customers``, mean ``predicted`` and ``actual``
        purchases, ``mae``, ``rmse`` and ``bias`` (mean predicted - actual: above 0 the model
        over-forecasts).

    Raises
    ------
    DataProblem
        Missing holdout columns, or a bad summary.
    """
    actual, duration = _holdout_columns(calhold)
    x, t_x, big_t = _history(fit, calhold)
    predicted = np.asarray(fit.expected_purchases(duration, x, t_x, big_t), dtype=float)
    rank = pd.Series(predicted).rank(method="first").to_numpy()
    group = np.ceil(rank * groups / len(rank)).astype(int)
    rows = {"all": _errors(predicted, actual)}
    for g in range(1, groups + 1):
        if (group == g).any():
            rows[str(g)] = _errors(predicted[group == g], actual[group == g])
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["customers"] = out["customers"].astype("int64")
    out.index.name = "decile" if groups == 10 else "group"
    return out


def compare_models(calhold: pd.DataFrame, fits: Mapping[str, Any] | None = None,
                   models: Sequence[str] = tuple(MODELS)) -> pd.DataFrame:
    """Purchase models side by side: fit on the calibration period, errors on the holdout.

    Parameters
    ----------
    calhold : DataFrame
        :func:`calibration_holdout` output.
    fits : mapping, optional
        Name -> an existing fit; default: fit each of ``models`` on ``calhold``.
    models : sequence of str
        Names in :data:`MODELS` to fit when ``fits`` is not given.

    Returns
    -------
    DataFrame
        One row per model: ``parameters``, ``loglik``, ``aic`` and ``bic`` (calibration; lower
        is better), ``holdout_mae``, ``holdout_rmse``, ``holdout_bias``, ``predicted_total`` and
        ``actual_total`` holdout purchases, and ``seconds`` (fitting time).

    Raises
    ------
    DataProblem
        An unknown model name, or what the fits raise.
    """
    unknown = [m for m in models if m not in MODELS]
    if fits is None and unknown:
        raise DataProblem(f"compare_models: unknown model(s) {unknown}; choose from "
                          f"{list(MODELS)}.")
    if fits is None:
        fits = {name: MODELS[name](calhold) for name in models}
    n = len(calhold)
    rows = {}
    for name, fit in fits.items():
        acc = holdout_accuracy(fit, calhold).loc["all"]
        k = len(fit.params)
        rows[name] = {"parameters": k, "loglik": fit.loglik, "aic": 2 * k - 2 * fit.loglik,
                      "bic": k * np.log(n) - 2 * fit.loglik, "holdout_mae": acc["mae"],
                      "holdout_rmse": acc["rmse"], "holdout_bias": acc["bias"],
                      "predicted_total": acc["predicted"] * n, "actual_total": acc["actual"] * n,
                      "seconds": float(getattr(fit, "seconds", np.nan))}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "model"
    return out
