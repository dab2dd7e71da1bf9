"""Monitoring the scoring models: population stability and calibration drift, with alert rules.

A lead score (lesson 07) or a probability to pay (lesson 09) is trusted because it was checked
once on a test period. Monitoring keeps checking it, period by period, on the rows scored since:

- :func:`psi_table` and :func:`psi`: the population stability index of the scores against a
  reference (the scores the model was validated on), binned on the reference's quantiles:
  ``PSI = Σ (current share - reference share) × ln(current share / reference share)``;
  :func:`psi_band` names the usual bands (under 0.1 stable, 0.1-0.25 a moderate shift, 0.25
  and more a major shift: investigate before using the scores);
- :func:`monitor_scores`: per period, the PSI and, where the outcome is known, the calibration
  (mean predicted probability against the observed rate, their gap, ratio and z statistic);
- :func:`monitoring_alerts`: the alert rules of ``helpers/config/model_monitoring.yaml``, in the
  same form as the KPI alerts of ``kpi_alerts.yaml`` (a rule fires when ``metric op threshold``
  holds ``days`` periods running).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal, get_args

import numpy as np
import pandas as pd
from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from helpers.config import ConfigModel, read_config
from helpers.errors import DataProblem, require_columns, rows_preview

from ._alerts import _COLUMNS, _firings
from ._kpi_config import AlertRule

__all__ = ["MONITOR_METRICS", "MonitorConfig", "MonitorRule", "load_monitor_config",
           "monitor_scores", "monitoring_alerts", "psi", "psi_band", "psi_table"]

MonitorMetric = Literal["psi", "calibration_gap", "calibration_ratio", "calibration_z"]
#: What a monitoring rule may watch (columns of :func:`monitor_scores`).
MONITOR_METRICS: tuple[str, ...] = get_args(MonitorMetric)
#: Floor of a bin's share in the PSI, so an empty bin gives a large but finite term.
SHARE_FLOOR = 1e-4


class MonitorRule(AlertRule):
    """A KPI alert rule (:class:`AlertRule`) over the monitoring metrics, ``days`` = periods."""

    metric: MonitorMetric  # type: ignore[assignment]


class Bands(ConfigModel):
    """PSI bands: under ``moderate`` stable, from ``major`` on a major shift."""

    moderate: float = Field(0.1, gt=0)
    major: float = Field(0.25, gt=0)


class MonitorConfig(ConfigModel):
    """``model_monitoring.yaml``: bins, bands, the smallest judged period, the alert rules."""

    file: ClassVar[str | None] = "model_monitoring.yaml"

    bins: PositiveInt = 10
    min_scored: NonNegativeInt = 100
    psi_bands: Bands = Bands()
    alerts: list[MonitorRule]

    @field_validator("alerts")
    @classmethod
    def _unique_names(cls, rules: list[MonitorRule]) -> list[MonitorRule]:
        names = [r.name for r in rules]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"rule name(s) {twice} used twice; give every rule its own name")
        return rules


def load_monitor_config(path: str | Path | None = None) -> MonitorConfig:
    """Read and validate ``model_monitoring.yaml`` (or the file at ``path``).

    Parameters
    ----------
    path : str or Path, optional
        Your own file; default: the bundled ``helpers/config/model_monitoring.yaml``.

    Returns
    -------
    MonitorConfig
        The typed configuration.

    Raises
    ------
    ConfigProblem
        Naming the file and the key, every problem at once.

    Examples
    --------
    >>> [rule.name for rule in load_monitor_config().alerts]
    ['score_shift_major', 'score_shift_moderate', 'calibration_drift']
    """
    return read_config(MonitorConfig, path)


def _scores(values: Any, what: str) -> np.ndarray:
    s = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    if len(s) == 0 or np.isnan(s).any():
        bad = pd.DataFrame({what: pd.Series(values).astype(str)})
        raise DataProblem(f"{what}: scores must be numbers and there must be some; "
                          f"{int(np.isnan(s).sum())} of {len(s)} are not:\n"
                          f"{rows_preview(bad, np.isnan(s), [what])}")
    return s


def psi_table(reference: Any, current: Any, bins: int = 10) -> pd.DataFrame:
    """Share of reference and current scores per reference-quantile bin, and each PSI term.

    Parameters
    ----------
    reference : array-like
        Scores the model was validated on (the reference distribution).
    current : array-like
        Scores of the period being checked.
    bins : int
        Number of quantile bins of the reference (fewer when scores are tied).

    Returns
    -------
    DataFrame
        One row per bin: ``bin, low, high, reference_share, current_share, psi`` (the bin's
        term; shares below 0.0001 count as 0.0001).

    Raises
    ------
    DataProblem
        If either set of scores is empty or holds values that are not numbers.

    Examples
    --------
    >>> t = psi_table([1, 2, 3, 4], [1, 1, 1, 4], bins=2)
    >>> t[["reference_share", "current_share"]].values.tolist()
    [[0.5, 0.75], [0.5, 0.25]]
    """
    ref, cur = _scores(reference, "reference"), _scores(current, "current")
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    edges = edges[edges > ref.min()]  # a cut at the minimum would leave the first bin empty
    ref_bin = np.searchsorted(edges, ref, side="right")
    cur_bin = np.searchsorted(edges, cur, side="right")
    k = len(edges) + 1
    r = np.bincount(ref_bin, minlength=k) / len(ref)
    c = np.bincount(cur_bin, minlength=k) / len(cur)
    rf, cf = np.maximum(r, SHARE_FLOOR), np.maximum(c, SHARE_FLOOR)
    return pd.DataFrame({"bin": np.arange(1, k + 1), "low": np.r_[-np.inf, edges],
                         "high": np.r_[edges, np.inf], "reference_share": r,
                         "current_share": c, "psi": (cf - rf) * np.log(cf / rf)})


def psi(reference: Any, current: Any, bins: int = 10) -> float:
    """Population stability index of ``current`` scores against ``reference``.

    Parameters
    ----------
    reference, current : array-like
        Scores, as :func:`psi_table`.
    bins : int
        Number of reference-quantile bins.

    Returns
    -------
    float
        The PSI (0: the same distribution).

    Raises
    ------
    DataProblem
        As :func:`psi_table`.

    Examples
    --------
    >>> round(psi([1, 2, 3, 4], [1, 1, 1, 4], bins=2), 4)
    0.2747
    """
    return float(psi_table(reference, current, bins)["psi"].sum())


def psi_band(value: float, bands: Bands | None = None) -> str:
    """``stable`` (under 0.1), ``moderate shift`` (0.1-0.25) or ``major shift`` (0.25 on).

    Examples
    --------
    >>> psi_band(0.05), psi_band(0.1), psi_band(0.3)
    ('stable', 'moderate shift', 'major shift')
    """
    b = bands or Bands()
    return "major shift" if value >= b.major else "moderate shift" if value >= b.moderate \
        else "stable"


def _periods(scored: pd.DataFrame, date: str, freq: str) -> pd.Series:
    when = pd.to_datetime(scored[date], errors="coerce")
    if when.isna().any():
        raise DataProblem(f"scored rows: column {date!r} must hold dates; "
                          f"{int(when.isna().sum())} row(s) do not:\n"
                          f"{rows_preview(scored, when.isna().to_numpy(), [date])}")
    return when.dt.to_period(freq).dt.start_time


# Long: per-period PSI and calibration, then the assembled table (about 30 lines of code)
def monitor_scores(scored: pd.DataFrame, score: str, date: str, outcome: str | None = None,
                   reference: Any = None, freq: str = "M",
                   config: MonitorConfig | None = None) -> pd.DataFrame:
    """Per period: how far the scores moved from the reference, and whether they still fit.

    Parameters
    ----------
    scored : DataFrame
        Scored rows: ``score`` (a predicted probability), ``date`` and, once known, ``outcome``.
    score, date : str
        The score and date columns.
    outcome : str, optional
        Yes/no outcome column; rows with an empty outcome count in the PSI only.
    reference : array-like, optional
        The reference scores (default: the first period's).
    freq : str
        Period length (pandas period code: ``"M"`` months, ``"W"`` weeks, ``"Q"`` quarters).
    config : MonitorConfig, optional
        Bins and bands (default: the bundled ``model_monitoring.yaml``).

    Returns
    -------
    DataFrame
        One row per period: ``date`` (its first day), ``scored``, ``psi``, ``psi_band`` and,
        with an outcome, ``judged`` (rows with a known outcome), ``expected`` (mean score),
        ``observed`` (rate), ``calibration_gap`` (|observed - expected|),
        ``calibration_ratio`` (observed / expected) and ``calibration_z`` (|observed -
        expected| over its binomial standard error).

    Raises
    ------
    DataProblem
        If a column is missing, a date is not a date or a score not a number.
    """
    cfg = config or load_monitor_config()
    require_columns(scored, [score, date, *([outcome] if outcome else [])], "scored rows")
    period = _periods(scored, date, freq)
    s = pd.Series(_scores(scored[score], score), index=scored.index)
    ref = s[period == period.min()] if reference is None else reference
    groups = s.groupby(period)
    out = pd.DataFrame({"date": list(groups.groups), "scored": groups.size().to_numpy()})
    out["psi"] = [psi(ref, g, cfg.bins) for _, g in groups]
    out["psi_band"] = [psi_band(v, cfg.psi_bands) for v in out["psi"]]
    if outcome is None:
        return out
    known = scored[outcome].notna()
    y = scored[outcome].where(known).map({True: 1.0, False: 0.0})
    if y[known].isna().any():
        bad = known & y.isna()
        raise DataProblem(f"scored rows: {outcome!r} must be yes/no (True/False, 1/0):\n"
                          f"{rows_preview(scored, bad.to_numpy(), [outcome])}")
    frame = pd.DataFrame({"p": s, "y": y, "v": s * (1 - s), "period": period})[known]
    cal = frame.groupby("period").agg(judged=("y", "size"), expected=("p", "mean"),
                                      observed=("y", "mean"), var=("v", "sum"))
    out = out.merge(cal, left_on="date", right_index=True, how="left")
    out["judged"] = out["judged"].fillna(0).astype(int)
    gap = (out["observed"] - out["expected"]).abs()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["calibration_gap"] = gap
        out["calibration_ratio"] = out["observed"] / out["expected"]
        out["calibration_z"] = gap * out["judged"] / np.sqrt(out.pop("var"))
    return out


def monitoring_alerts(monitored: pd.DataFrame, config: MonitorConfig | None = None
                      ) -> pd.DataFrame:
    """Evaluate the monitoring rules over :func:`monitor_scores`; list each firing.

    A rule fires when its condition holds ``days`` periods running; periods with fewer than
    ``min_scored`` scored rows (for calibration rules: rows with a known outcome) are not judged
    and break a run, as days with too few calls do for the KPI alerts.

    Parameters
    ----------
    monitored : DataFrame
        :func:`monitor_scores`.
    config : MonitorConfig, optional
        Default: the bundled ``model_monitoring.yaml``.

    Returns
    -------
    DataFrame
        One row per firing, the columns of :func:`evaluate_alerts`: ``rule, metric, threshold,
        start, end, n_days`` (periods), ``fired_on, dates, worst, message``.

    Raises
    ------
    DataProblem
        If the table lacks ``date``, ``scored`` or a rule's metric.
    """
    cfg = config or load_monitor_config()
    require_columns(monitored, ["date", "scored"], "monitored periods",
                    fix="pass the result of monitor_scores(...).")
    d = monitored.sort_values("date").reset_index(drop=True)
    rows = []
    for rule in cfg.alerts:
        count = d["judged"] if rule.metric != "psi" and "judged" in d else d["scored"]
        rows += _firings(d, (count >= cfg.min_scored).to_numpy(), rule)
    return pd.DataFrame(rows, columns=_COLUMNS)
