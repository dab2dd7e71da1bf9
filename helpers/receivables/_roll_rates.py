"""Roll rates (滚动率): where each stage's balance is a month later, paid or rolled on."""

from __future__ import annotations

import pandas as pd

from helpers.errors import require_columns
from helpers.scale import stage_flows, use_engine

from ._stages import Stages, resolve_stages

__all__ = ["PAID", "cure_rates", "flow_matrix", "roll_forward_rates", "roll_rates",
           "snapshot_transitions"]

#: The column of the flow matrix for money paid between two month ends.
PAID = "paid"


def snapshot_transitions(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Pairs (stage at one month end, where that balance is at the next) for every invoice.

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`month_end_snapshots`.

    Returns
    -------
    DataFrame
        ``date`` (the later month end), ``from_stage, to_stage, start_balance, end_balance,
        paid``: the input of :func:`flow_matrix`.

    Raises
    ------
    DataProblem
        If ``snapshots`` lacks a needed column.
    """
    require_columns(snapshots, ["date", "invoice_id", "stage", "balance", "paid_in_period"],
                    "snapshots")
    s = snapshots.sort_values(["invoice_id", "date"], kind="stable")
    same = s["invoice_id"].to_numpy()[1:] == s["invoice_id"].to_numpy()[:-1]
    prev = s.iloc[:-1][same]
    nxt = s.iloc[1:][same]
    return pd.DataFrame({
        "date": nxt["date"].to_numpy(),
        "from_stage": prev["stage"].to_numpy(),
        "to_stage": nxt["stage"].to_numpy(),
        "start_balance": prev["balance"].to_numpy(),
        "end_balance": nxt["balance"].to_numpy(),
        "paid": nxt["paid_in_period"].to_numpy(),
    })


def flow_matrix(
    snapshots: pd.DataFrame | None = None,
    transitions: pd.DataFrame | None = None,
    stages: Stages | None = None,
    normalise: bool = False,
    *,
    engine: str | None = None,
) -> pd.DataFrame:
    """Where each stage's balance went by the next month end: stages plus ``paid``.

    A row is the balance that was in a stage at one month end, summed over all consecutive pairs
    of month ends; its columns say how much of it sat in each stage a month later and how much was
    paid in between. Balance is conserved: each row sums to the balance it started with.

    Parameters
    ----------
    snapshots : DataFrame
        From :func:`month_end_snapshots` (or any table with the same columns).
    transitions : DataFrame, optional
        Precomputed pairs with ``from_stage, to_stage, start_balance, end_balance, paid``
        (:func:`snapshot_transitions`, :func:`credit_default_transitions`).
    stages : Stages, optional
        Default: the bundled stages.
    normalise : bool
        Divide each row by its total: the roll-rate matrix (rows sum to 1).
    engine : {None, "auto", "pandas", "duckdb"}
        Snapshots of at least ``helpers.scale.ENGINE_ROWS`` rows are paired and summed on
        DuckDB by default (same matrix); ``"pandas"``/``"duckdb"`` force one.

    Returns
    -------
    DataFrame
        Rows: stages (``from_stage``); columns: stages and ``paid`` (``to``).

    Raises
    ------
    DataProblem
        If the snapshots lack a needed column.
    """
    st = resolve_stages(stages)
    if transitions is None and snapshots is not None and use_engine(snapshots, engine):
        require_columns(snapshots, ["date", "invoice_id", "stage", "balance", "paid_in_period"],
                        "snapshots")
        moved, paid_rows = stage_flows(snapshots)  # pairs and sums in SQL
        return _matrix(moved, paid_rows.set_index("from_stage")["paid"], st, normalise)
    t = snapshot_transitions(snapshots) if transitions is None else transitions
    t = t[t["start_balance"] > 0]
    return _matrix(t, t.groupby("from_stage", observed=False)["paid"].sum(), st, normalise)


def _matrix(t: pd.DataFrame, paid: pd.Series, st: Stages, normalise: bool) -> pd.DataFrame:
    """The flow matrix from balances moved (``from_stage, to_stage, end_balance``) and paid."""
    cols = [*st.names, PAID]
    stay = t.pivot_table(index="from_stage", columns="to_stage", values="end_balance",
                         aggfunc="sum", observed=False, fill_value=0.0)
    stay = stay.reindex(index=list(st.names), columns=cols, fill_value=0.0)
    stay.index = pd.CategoricalIndex(stay.index, dtype=st.dtype, name="from_stage")
    stay[PAID] = paid.reindex(list(st.names)).fillna(0.0).to_numpy()
    stay.columns = pd.Index(cols, name="to")
    if normalise:
        totals = stay.sum(axis=1)
        stay = stay.div(totals.where(totals > 0), axis=0)
    return stay


def roll_rates(snapshots: pd.DataFrame | None = None, transitions: pd.DataFrame | None = None,
               stages: Stages | None = None) -> pd.DataFrame:
    """The roll-rate (flow-rate) matrix: :func:`flow_matrix` with rows summing to 1.

    Stages that held no balance get a row of NaN (nothing to divide by).

    Parameters
    ----------
    snapshots, transitions, stages
        As for :func:`flow_matrix`.

    Returns
    -------
    DataFrame
        Rows: stages now; columns: stages a month later and ``paid``.
    """
    return flow_matrix(snapshots, transitions, stages, normalise=True)


def roll_forward_rates(rates: pd.DataFrame, stages: Stages | None = None) -> pd.Series:
    """Share of each stage's balance that moved to a worse stage a month later.

    The last stage has no worse stage: its rate is the share that stayed.

    Parameters
    ----------
    rates : DataFrame
        From :func:`roll_rates`.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    Series
        Per stage, named ``roll_forward``.
    """
    st = resolve_stages(stages)
    names = list(st.names)
    out = {}
    for i, s in enumerate(names):
        out[s] = float(rates.loc[s, names[i + 1:]].sum()) if i + 1 < len(names) else float(
            rates.loc[s, s])
    return pd.Series(out, name="roll_forward")


def cure_rates(rates: pd.DataFrame, stages: Stages | None = None) -> pd.Series:
    """Share of each stage's balance that was paid or moved back to a milder stage.

    Parameters
    ----------
    rates : DataFrame
        From :func:`roll_rates`.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    Series
        Per stage, named ``cure``.
    """
    st = resolve_stages(stages)
    names = list(st.names)
    out = {s: float(rates.loc[s, [*names[:i], PAID]].sum()) for i, s in enumerate(names)}
    return pd.Series(out, name="cure")
