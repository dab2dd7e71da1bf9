"""Each customer's response to calls over a window: :func:`interaction_profile`."""

import pandas as pd

from helpers.errors import require_columns

from ._vocabulary import POSITIVE, REFUSALS

__all__ = ["interaction_profile"]

_COLUMNS = ["n_calls", "n_answered", "answer_rate", "mean_talk_s", "callbacks", "refusal_share",
            "positive_share", "sales", "inbound", "last_call", "last_signal"]


def _window(calls: pd.DataFrame, as_of: pd.Timestamp, window_days: int, key: str,
            purpose: str | None) -> pd.DataFrame:
    """The calls of the window (and of ``purpose``), with the columns the profile needs."""
    start = as_of - pd.Timedelta(days=window_days)
    mask = calls[key].notna() & (calls["started_at"] > start) & (
        calls["started_at"] <= as_of + pd.Timedelta(days=1))
    if purpose and "purpose" in calls.columns:
        mask &= calls["purpose"].eq(purpose).fillna(False).astype(bool)
    return calls.loc[mask, [key, "started_at", "answered", "outcome", "duration_s"]
                     + (["direction"] if "direction" in calls.columns else [])]


def _per_call(c: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per call: the 0/1 flags and times the profile sums or takes the latest of."""
    answered = c["answered"].astype("boolean").fillna(False).astype(bool)
    inbound = (c["direction"].eq("inbound").fillna(False).astype(bool)
               if "direction" in c.columns else pd.Series(False, index=c.index))
    signal = c["outcome"].isin(("callback_requested", "interested")) | inbound
    return pd.DataFrame({
        key: c[key],
        "n_calls": 1,
        "n_answered": answered.astype(int),
        "talk": c["duration_s"].where(answered, 0).astype(float),
        "callbacks": c["outcome"].eq("callback_requested").astype(int),
        "refusals": (c["outcome"].isin(REFUSALS) & answered).astype(int),
        "positive": (c["outcome"].isin(POSITIVE) & answered).astype(int),
        "sales": c["outcome"].eq("sale").astype(int),
        "inbound": inbound.astype(int) if "direction" in c.columns else 0,
        "last_call": c["started_at"],
        "last_signal": c["started_at"].where(signal),
    })


def interaction_profile(
    calls: pd.DataFrame,
    as_of: str | pd.Timestamp,
    window_days: int = 180,
    key: str = "customer_id",
    purpose: str | None = "sales",
) -> pd.DataFrame:
    """Summarise each customer's response to calls in the ``window_days`` before ``as_of``.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` table (``started_at, answered, outcome, duration_s``, optionally
        ``direction`` and ``purpose``).
    as_of : date
        The last day of the window.
    window_days : int
        Length of the window in days.
    key : str
        The column identifying the customer.
    purpose : str or None
        Keep calls with this purpose only (``None``: all calls).

    Returns
    -------
    DataFrame
        Indexed by ``key``: ``n_calls, n_answered, answer_rate, mean_talk_s, callbacks,
        refusal_share, positive_share, sales, inbound, last_call, last_signal`` (time of the
        latest call-back request, interest or inbound call; NaT if none). Shares are 0 when a
        customer never answered (documented; never NaN).

    Raises
    ------
    DataProblem
        If a needed column is missing.

    Examples
    --------
    >>> calls = pd.DataFrame({"customer_id": ["c1", "c1"], "answered": [True, False],
    ...                       "started_at": pd.to_datetime(["2025-12-01", "2025-12-02"]),
    ...                       "outcome": ["interested", "no_answer"], "duration_s": [120, 0]})
    >>> interaction_profile(calls, "2025-12-31")[["n_calls", "answer_rate", "positive_share"]]
                 n_calls  answer_rate  positive_share
    customer_id
    c1                 2          0.5             1.0
    """
    require_columns(calls, [key, "started_at", "answered", "outcome", "duration_s"], "calls")
    work = _per_call(_window(calls, pd.Timestamp(as_of), window_days, key, purpose), key)
    g = work.groupby(key, sort=True).agg(
        n_calls=("n_calls", "sum"), n_answered=("n_answered", "sum"), talk=("talk", "sum"),
        callbacks=("callbacks", "sum"), refusals=("refusals", "sum"),
        positive=("positive", "sum"), sales=("sales", "sum"), inbound=("inbound", "sum"),
        last_call=("last_call", "max"), last_signal=("last_signal", "max"))
    answered_n = g["n_answered"].where(g["n_answered"] > 0)
    g["answer_rate"] = g["n_answered"] / g["n_calls"]
    g["mean_talk_s"] = (g["talk"] / answered_n).fillna(0.0)
    g["refusal_share"] = (g["refusals"] / answered_n).fillna(0.0)
    g["positive_share"] = (g["positive"] / answered_n).fillna(0.0)
    return g[_COLUMNS]
