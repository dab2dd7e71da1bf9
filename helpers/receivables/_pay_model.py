"""Probability to pay (回款概率): features known at a date, a time-split model, scored invoices."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from helpers._threads import one_thread
from helpers.caveats import auc_caveat, caveat
from helpers.errors import DataProblem, require_columns

from ._aging import open_items
from ._behaviour import payment_history
from ._common import as_date, invoice_rows
from ._stages import Stages, resolve_stages
from ._validation import validate_receivables

__all__ = ["FEATURES", "ModelNotTrainable", "fit_pay_model", "pay_features", "predict_pay",
           "PayModelRun", "run_pay_model", "score_open_items", "score_without_model"]

#: The model's inputs, all known at the snapshot date.
FEATURES = ["log_balance", "days_past_due", "part_paid", "hist_invoices", "hist_late_share",
            "hist_mean_days_late", "hist_partial_share", "hist_unpaid_share"]


class ModelNotTrainable(DataProblem):
    """The data cannot train the pay model (too few month ends, one outcome only).

    Not bad data: a notebook skips the model's section and says why (the message names
    ``as_of``, ``train_months`` and ``test_months`` and what the data covers).
    """


def pay_features(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
                 horizon_days: int = 30, stages: Stages | None = None,
                 data_end: Any = None, validate: bool = True) -> pd.DataFrame:
    """Open invoices at ``as_of`` with model features and the 30-day outcome where known.

    Features use only what was known at ``as_of`` (the invoice's balance, days past due, and the
    customer's payment history on invoices due before it).

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        The snapshot date.
    horizon_days : int
        The outcome window after ``as_of``.
    stages : Stages, optional
        Default: the bundled stages.
    data_end : date-like, optional
        Last date the data covers (default: the last payment date).
    validate : bool
        Run :func:`validate_receivables` first (turn off only for data already checked).

    Returns
    -------
    DataFrame
        The open items of :func:`open_items` with :data:`FEATURES`, ``as_of``, ``paid_next``
        (paid in the window) and ``paid_30d``: 1 when the invoice was settled within
        ``horizon_days``, NaN when the data end before that horizon.

    Raises
    ------
    DataProblem
        Bad input, see :func:`validate_receivables`.
    """
    st = resolve_stages(stages)
    day = as_date(as_of)
    if validate:
        invoices, payments = validate_receivables(invoices, payments, overpayment="cap")
    items = open_items(invoices, payments, day, st, validate=False)
    prof = _history_profile(invoices, payments, day, st)
    x = items.join(prof, on="customer_id")
    x[list(prof.columns)] = x[list(prof.columns)].fillna(0.0)
    x["log_balance"] = np.log1p(x["balance"])
    x["part_paid"] = (x["paid"] > 0).astype("int64")
    x["as_of"] = day
    paid_on = pd.to_datetime(payments["payment_date"])
    end = day + pd.Timedelta(days=horizon_days)
    later = payments.loc[(paid_on > day) & (paid_on <= end)]
    # the window's payments summed per open item, grouped by the item's row (integers, not ids)
    got = later["amount"].groupby(invoice_rows(x["invoice_id"], later["invoice_id"])).sum()
    x["paid_next"] = got.reindex(np.arange(len(x)), fill_value=0.0).to_numpy(dtype="float64")
    last_seen = (as_date(data_end, "data_end") if data_end is not None
                 else paid_on.max() if len(payments) else day)
    known = end <= max(last_seen, day)
    x["paid_30d"] = ((x["paid_next"] >= x["balance"] - st.tolerance).astype("float64")
                     if known else np.nan)
    return x


def _history_profile(invoices: pd.DataFrame, payments: pd.DataFrame, day: pd.Timestamp,
                     st: Stages) -> pd.DataFrame:
    """Each customer's payment record on invoices due before ``day``: the ``hist_*`` features."""
    hist = payment_history(invoices, payments, day - pd.Timedelta(days=1), st, validate=False)
    g = hist.groupby("customer_id", observed=True)
    return pd.DataFrame({
        "hist_invoices": g.size(),
        "hist_late_share": g["late"].mean(),
        "hist_mean_days_late": g["days_late"].mean(),
        "hist_partial_share": g["partial"].mean(),
        "hist_unpaid_share": g["unpaid"].mean(),
    })


def fit_pay_model(train: pd.DataFrame, test: pd.DataFrame | None = None,
                  seed: int = 0) -> tuple[Any, dict[str, float]]:
    """Fit a probability-to-pay model (gradient boosting) and evaluate it on a later period.

    Parameters
    ----------
    train, test : DataFrame
        From :func:`pay_features` on earlier (train) and later (test) snapshot dates: a time
        split, so the model is judged on months it never saw.
    seed : int
        Random seed of the model.

    Returns
    -------
    model, metrics
        The fitted scikit-learn estimator and ``{"auc", "brier", "base_rate", "n_train",
        "n_test", "predicted_recovery", "actual_recovery"}`` on the test period.

    Raises
    ------
    ModelNotTrainable
        If the training period has only one outcome (a :class:`DataProblem`).

    Warns
    -----
    Caveat
        When the test-period AUC is about chance or suspiciously near 1 (a leak), see
        :func:`helpers.caveats.auc_caveat`.
    """
    # deferred: scikit-learn takes about a second to import and only the pay model needs it
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import brier_score_loss, roc_auc_score

    tr = train.dropna(subset=["paid_30d"])
    _check_two_outcomes(tr["paid_30d"])
    model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                           random_state=seed)
    # one thread: on a busy shared machine OpenMP threads oversubscribe the cores (50x slower
    # observed), and single-threaded fits are reproducible across runs
    with one_thread():
        model.fit(tr[FEATURES], tr["paid_30d"].astype(int))
    metrics: dict[str, float] = {"n_train": float(len(tr))}
    if test is not None:
        te = test.dropna(subset=["paid_30d"])
        with one_thread():
            p = model.predict_proba(te[FEATURES])[:, 1]
        y = te["paid_30d"].astype(int).to_numpy()
        metrics.update({
            "n_test": float(len(te)),
            "base_rate": float(y.mean()) if len(y) else float("nan"),
            "auc": float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan"),
            "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
            "predicted_recovery": float((p * te["balance"]).sum()),
            "actual_recovery": float(np.minimum(te["paid_next"], te["balance"]).sum()),
        })
    caveat(auc_caveat(metrics.get("auc", float("nan")),
                      "fit_pay_model: ROC AUC on the test period"))
    return model, metrics


def _check_two_outcomes(paid: pd.Series) -> None:
    """:class:`ModelNotTrainable` unless the training outcomes hold both paid and unpaid."""
    if paid.nunique() < 2:
        outcomes = "no open invoice" if paid.empty else f"{len(paid):,} invoices, " + (
            "all paid" if paid.iloc[0] else "none paid")
        raise ModelNotTrainable(f"fit_pay_model: the training period has only one outcome "
                                f"({outcomes}); choose more or earlier snapshot dates.")


def predict_pay(model: Any, features: pd.DataFrame) -> pd.DataFrame:
    """Add ``p_pay_30d`` and ``expected_recovery`` (= balance × probability) to features.

    Parameters
    ----------
    model : estimator
        From :func:`fit_pay_model`.
    features : DataFrame
        From :func:`pay_features`.

    Returns
    -------
    DataFrame
        A copy of ``features`` with the two columns.

    Raises
    ------
    DataProblem
        If ``features`` lacks a model input or ``balance``.
    """
    require_columns(features, [*FEATURES, "balance"], "pay features")
    out = features.copy()
    with one_thread():
        out["p_pay_30d"] = model.predict_proba(out[FEATURES])[:, 1] if len(out) else []
    out["expected_recovery"] = out["balance"] * out["p_pay_30d"]
    return out


# Long: the docstring (the time split and what is raised when) is half of it
def score_open_items(
    invoices: pd.DataFrame,
    payments: pd.DataFrame,
    as_of: Any,
    train_months: int = 6,
    test_months: int = 2,
    horizon_days: int = 30,
    stages: Stages | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Probability to pay for every open invoice at ``as_of``, with an honest time-split check.

    Month ends before ``as_of`` whose 30-day outcome is known are split in time: the earlier
    ``train_months`` train the model, the last ``test_months`` test it (metrics). The model is
    then refitted on all those months and applied to the invoices open at ``as_of``.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        The working day.
    train_months, test_months, horizon_days : int
        Month ends to learn from and, after them, to test on; the outcome window.
    stages : Stages, optional
        Default: the bundled stages.
    seed : int
        Random seed of the model.

    Returns
    -------
    scored, metrics
        Open items at ``as_of`` with ``p_pay_30d`` and ``expected_recovery``; the metrics of
        :func:`fit_pay_model` on the test months, with ``train_from`` and ``test_to``.

    Raises
    ------
    DataProblem
        Bad input; month counts below 1.
    ModelNotTrainable
        The month ends reach back before the first invoice, or a period has one outcome only
        (the message names ``as_of``, ``train_months`` and ``test_months``).
    """
    run = run_pay_model(invoices, payments, as_of, train_months, test_months, horizon_days,
                        stages, seed)
    return run.scored, run.metrics


class PayModelRun(NamedTuple):
    """What :func:`run_pay_model` returns."""

    #: Open items at ``as_of`` with ``p_pay_30d`` and ``expected_recovery`` (final model).
    scored: pd.DataFrame
    #: The test-period metrics of the train-only model, with ``train_from`` and ``test_to``.
    metrics: dict[str, Any]
    #: Every train and test month end's rows scored by the train-only model, with ``period``
    #: (``"train"``/``"test"``) and the outcome ``paid_30d`` as yes/no: what a monitor reads.
    history: pd.DataFrame


def run_pay_model(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
                  train_months: int = 6, test_months: int = 2, horizon_days: int = 30,
                  stages: Stages | None = None, seed: int = 0) -> PayModelRun:
    """:func:`score_open_items` and the month-by-month scores for monitoring, in one pass.

    The month-end features are built once: the train-only model gives the test metrics and
    scores every train and test month end (``history``: the train months are a monitor's
    reference, the later ones what it compares, :func:`helpers.calls.monitor_scores`); the
    model refitted on all months scores the invoices open at ``as_of``.

    Parameters
    ----------
    invoices, payments, as_of, train_months, test_months, horizon_days, stages, seed
        As in :func:`score_open_items`.

    Returns
    -------
    PayModelRun
        ``scored``, ``metrics`` (as :func:`score_open_items`) and ``history``.

    Raises
    ------
    DataProblem
        Bad input; month counts below 1.
    ModelNotTrainable
        As in :func:`score_open_items`.
    """
    st = resolve_stages(stages)
    day = as_date(as_of)
    if train_months < 1 or test_months < 1:
        raise DataProblem("score_open_items: train_months and test_months must be >= 1.")
    invoices, payments = validate_receivables(invoices, payments, overpayment="cap")
    ends = _model_month_ends(invoices, day, train_months, test_months, horizon_days)
    frames = [pay_features(invoices, payments, d, horizon_days, st, data_end=day, validate=False)
              .assign(period="train" if k < train_months else "test")
              for k, d in enumerate(ends)]
    train = pd.concat(frames[:train_months], ignore_index=True)
    test = pd.concat(frames[train_months:], ignore_index=True)
    try:
        model, fitted = fit_pay_model(train, test, seed)
    except ModelNotTrainable as exc:
        raise ModelNotTrainable(f"{exc} (as_of={day:%Y-%m-%d}, train_months={train_months}, "
                                f"test_months={test_months}: month ends {ends[0]:%Y-%m-%d} to "
                                f"{ends[-1]:%Y-%m-%d})") from None
    metrics: dict[str, Any] = dict(fitted)
    metrics["train_from"], metrics["test_to"] = str(ends[0].date()), str(ends[-1].date())
    history = predict_pay(model, pd.concat(frames, ignore_index=True))
    history["paid_30d"] = history["paid_30d"].astype("boolean")
    final, _ = fit_pay_model(pd.concat(frames, ignore_index=True).drop(columns="period"), None,
                             seed)
    now = pay_features(invoices, payments, day, horizon_days, st, data_end=day, validate=False)
    return PayModelRun(predict_pay(final, now), metrics, history)


def _last_known_month_end(day: pd.Timestamp, horizon_days: int) -> pd.Timestamp:
    """The last month end whose ``horizon_days`` outcome is known on ``day``."""
    last: pd.Timestamp = (day - pd.Timedelta(days=horizon_days)) + pd.offsets.MonthEnd(0)
    if last + pd.Timedelta(days=horizon_days) > day:
        last = last - pd.offsets.MonthEnd(1)
    return last


def _model_month_ends(invoices: pd.DataFrame, day: pd.Timestamp, train_months: int,
                      test_months: int, horizon_days: int) -> pd.DatetimeIndex:
    """The train and test month ends, or :class:`ModelNotTrainable` if the data is too short."""
    last = _last_known_month_end(day, horizon_days)
    ends = pd.date_range(end=last, periods=train_months + test_months, freq="ME")
    first = invoices["issue_date"].min() if len(invoices) else pd.NaT
    if pd.isna(first) or ends[0] < first:
        usable = 0 if pd.isna(first) else int((ends >= first).sum())
        since = "no invoice" if pd.isna(first) else f"the first invoice issued {first:%Y-%m-%d}"
        raise ModelNotTrainable(
            f"the pay model needs {train_months + test_months} month ends with a known "
            f"{horizon_days}-day outcome (train_months={train_months} + test_months="
            f"{test_months}, ending {last:%Y-%m-%d} for as_of={day:%Y-%m-%d}), but the data "
            f"starts with {since}: only {usable} of them have invoices. Lower train_months / "
            "test_months, or give a longer invoice history.")
    return ends


def score_without_model(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
                        horizon_days: int = 30, stages: Stages | None = None
                        ) -> tuple[pd.DataFrame, float]:
    """Open invoices at ``as_of`` with one flat probability to pay: when no model can be trained.

    The probability is the share of invoices open at the last month end whose outcome is known
    that were settled within ``horizon_days`` (0.5 when there is no such month end). It ranks
    nothing by itself: a queue built on it orders accounts by stage urgency and balance only.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        The working day.
    horizon_days : int
        The outcome window.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    scored, rate
        :func:`open_items` with ``p_pay_30d`` (= ``rate``) and ``expected_recovery``; the rate.

    Examples
    --------
    >>> inv = pd.DataFrame({"invoice_id": ["A", "B", "C"], "customer_id": ["c1", "c2", "c3"],
    ...                     "issue_date": ["2025-10-01", "2025-10-01", "2025-11-01"],
    ...                     "due_date": ["2025-10-31", "2025-10-31", "2025-11-30"],
    ...                     "amount": [100.0, 300.0, 50.0]})
    >>> pay = pd.DataFrame({"payment_id": ["P1", "P2"], "invoice_id": ["A", "C"],
    ...                     "customer_id": ["c1", "c3"], "amount": [100.0, 50.0],
    ...                     "payment_date": ["2025-11-10", "2025-12-10"]})
    >>> scored, rate = score_without_model(inv, pay, "2025-12-31")
    >>> rate, scored["p_pay_30d"].tolist()
    (0.5, [0.5])
    """
    st = resolve_stages(stages)
    day = as_date(as_of)
    invoices, payments = validate_receivables(invoices, payments, overpayment="cap")
    past = pay_features(invoices, payments, _last_known_month_end(day, horizon_days),
                        horizon_days, st, data_end=day, validate=False)
    outcome = past["paid_30d"].dropna()
    rate = float(outcome.mean()) if len(outcome) else 0.5
    items = open_items(invoices, payments, day, st, validate=False)
    items["p_pay_30d"] = rate
    items["expected_recovery"] = items["balance"] * rate
    return items, rate
