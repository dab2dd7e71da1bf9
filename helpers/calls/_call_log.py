"""Checking a call log before any analysis: :func:`validate_calls`."""

import warnings
from typing import NamedTuple

import pandas as pd

from helpers.errors import DataProblem, require_columns, rows_preview

from ._vocabulary import OUTCOMES

__all__ = ["validate_calls"]


class _Check(NamedTuple):
    name: str
    mask: pd.Series
    columns: list[str]
    fix: str


def _checks(calls: pd.DataFrame, agents: pd.DataFrame | None) -> list[_Check]:
    """Every check of a call log, with the rows that fail it."""
    checks = []
    if "ended_at" in calls.columns:
        end_before = (calls["ended_at"] < calls["started_at"]).fillna(False).astype(bool)
        checks.append(_Check("end before start", end_before, ["call_id", "started_at", "ended_at"],
                             "fix the clock or swap the two columns in the export"))
    negative = (pd.to_numeric(calls["duration_s"], errors="coerce") < 0).fillna(False)
    checks.append(_Check("negative duration", negative.astype(bool), ["call_id", "duration_s"],
                         "talk time must be >= 0 seconds; 0 for unanswered calls"))
    checks.append(_Check("unknown outcome", ~calls["outcome"].isin(OUTCOMES),
                         ["call_id", "outcome"],
                         f"recode outcomes to one of {list(OUTCOMES)} with a mapping file's "
                         "`values:` section"))
    no_agent = calls["agent_id"].isna()
    if agents is not None:
        require_columns(agents, ["agent_id"], "agents")
        no_agent |= ~calls["agent_id"].isin(agents["agent_id"])
    checks.append(_Check("agent missing", no_agent, ["call_id", "agent_id"],
                         "every call needs an agent_id listed in the agents table; add the agent "
                         "or correct the id"))
    return checks


def _problem(calls: pd.DataFrame, check: _Check, count: int, source: str) -> DataProblem:
    return DataProblem(
        f"{source}: {count} call(s) with {check.name} (column {check.columns[-1]!r}). "
        f"First rows:\n{rows_preview(calls, check.mask, check.columns)}\n"
        f"Fix: {check.fix}; or call validate_calls(..., errors='drop') to leave them out.",
        file=source)


def validate_calls(
    calls: pd.DataFrame,
    agents: pd.DataFrame | None = None,
    errors: str = "raise",
    source: str = "calls",
) -> pd.DataFrame:
    """Check a call log before any analysis; return it (or its valid rows).

    Checks: calls that end before they start, negative talk time, outcomes outside
    :data:`OUTCOMES`, calls with no agent or with an agent not in ``agents``.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` table.
    agents : DataFrame, optional
        The ``agents`` table; when given, every ``agent_id`` must appear in it.
    errors : {"raise", "drop"}
        ``"raise"`` (default): raise on the first kind of problem found. ``"drop"``: the
        documented fallback, remove offending rows and warn how many were removed and why.
    source : str
        Name of the file or table, used in messages.

    Returns
    -------
    DataFrame
        ``calls`` itself when every row passes, else (``errors="drop"``) its valid rows.

    Raises
    ------
    DataProblem
        Naming the check, the column, up to five offending rows and how to fix it.

    Examples
    --------
    >>> calls = pd.DataFrame({"call_id": ["k1", "k2"], "agent_id": ["A1", "A1"],
    ...                       "started_at": pd.to_datetime(["2025-01-02", "2025-01-03"]),
    ...                       "duration_s": [30, -4], "outcome": ["sale", "refused"]})
    >>> validate_calls(calls)
    Traceback (most recent call last):
    ...
    helpers.errors.DataProblem: calls: 1 call(s) with negative duration (column 'duration_s'). ...
    """
    require_columns(calls, ["call_id", "agent_id", "started_at", "duration_s", "outcome"], source)
    if errors not in ("raise", "drop"):
        raise DataProblem(f"errors must be 'raise' or 'drop', got {errors!r}")
    bad_any = pd.Series(False, index=calls.index)
    reasons = []
    for check in _checks(calls, agents):
        count = int(check.mask.sum())
        if count and errors == "raise":
            raise _problem(calls, check, count, source)
        if count:
            bad_any |= check.mask
            reasons.append(f"{count} with {check.name}")
    if reasons:
        warnings.warn(f"{source}: dropped {int(bad_any.sum())} of {len(calls)} calls "
                      f"({'; '.join(reasons)})", UserWarning, stacklevel=2)
        return calls.loc[~bad_any].copy()
    return calls
