"""Alert rules over the daily KPI series: :func:`evaluate_alerts`."""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.config import validate_config
from helpers.errors import DataProblem, require_columns

from ._kpi_config import AlertRule, KpiConfig, as_kpi_config

__all__ = ["evaluate_alerts"]

_OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
_COLUMNS = ["rule", "metric", "threshold", "start", "end", "n_days", "fired_on", "dates",
            "worst", "message"]


def _firings(d: pd.DataFrame, judged: np.ndarray, rule: AlertRule) -> list[dict[str, Any]]:
    """The runs of at least ``rule.days`` judged days on which the rule's condition holds."""
    if rule.metric not in d.columns:
        raise DataProblem(f"alert rule {rule.name!r}: metric {rule.metric!r} is not in the daily "
                          f"series ({list(d.columns)})")
    value = d[rule.metric].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        hit = _OPS[rule.op](value, rule.threshold) & judged & ~np.isnan(value)
    run_id = np.cumsum(~hit)
    runs = pd.DataFrame({"run": run_id[hit], "date": d.loc[hit, "date"],
                         "value": value[hit]}).groupby("run")
    rows = []
    for _, r in runs:
        if len(r) < rule.days:
            continue
        worst = r["value"].min() if rule.op in ("<", "<=") else r["value"].max()
        rows.append({"rule": rule.name, "metric": rule.metric, "threshold": rule.threshold,
                     "start": r["date"].iloc[0], "end": r["date"].iloc[-1], "n_days": len(r),
                     "fired_on": r["date"].iloc[rule.days - 1],
                     "dates": [t.date().isoformat() for t in r["date"]],
                     "worst": float(worst), "message": rule.text()})
    return rows


def evaluate_alerts(daily: pd.DataFrame, config: KpiConfig | None = None,
                    rules: Sequence[AlertRule | Mapping[str, Any]] | None = None
                    ) -> pd.DataFrame:
    """Evaluate every alert rule over the daily series; list each firing with its dates.

    A rule fires when its condition holds on ``days`` consecutive days with calls (weekends
    without calls do not break a run); a run longer than ``days`` is one firing listing all its
    dates. Days with fewer than ``min_answered`` answered calls are not judged and break a run.

    Parameters
    ----------
    daily : DataFrame
        :func:`daily_kpis`.
    config : KpiConfig, optional
        From :func:`load_kpi_config` (default: the bundled file).
    rules : sequence of AlertRule or dict, optional
        Rules to judge instead of the configuration's (dicts are validated like the file).

    Returns
    -------
    DataFrame
        One row per firing: ``rule, metric, threshold, start, end, n_days, fired_on`` (the day
        the rule first fired: the ``days``-th day of the run), ``dates`` (list of ISO dates),
        ``worst`` (the extreme value in the run) and ``message``.

    Raises
    ------
    ConfigProblem
        If a rule given as a dict is malformed.
    DataProblem
        If the series lacks ``date``, ``answered`` or a rule's metric.

    Examples
    --------
    >>> daily = pd.DataFrame({"date": pd.bdate_range("2025-06-02", periods=4),
    ...                       "answered": 100, "conversion": [0.2, 0.08, 0.07, 0.09]})
    >>> rule = {"name": "low", "metric": "conversion", "op": "<", "threshold": 0.1, "days": 3}
    >>> evaluate_alerts(daily, rules=[rule])[["rule", "n_days", "dates"]]
      rule  n_days                                     dates
    0  low       3  [2025-06-03, 2025-06-04, 2025-06-05]
    """
    cfg = as_kpi_config(config)
    chosen = cfg.alerts if rules is None else [
        validate_config(AlertRule, rule, f"alert rule {i}") for i, rule in enumerate(rules)]
    require_columns(daily, ["date", "answered"], "daily KPIs")
    d = daily.sort_values("date").reset_index(drop=True)
    judged = (d["answered"] >= cfg.min_answered).to_numpy()
    rows = [row for rule in chosen for row in _firings(d, judged, rule)]
    return pd.DataFrame(rows, columns=_COLUMNS)
