"""Cohort retention: the share of each first-purchase month that buys again months later."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr
from helpers.plotting import new_axes
from helpers.scale import cohort_counts_on_engine, use_engine
from helpers.segments._summary import as_datetime, as_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["cohort_retention", "plot_cohorts"]


def cohort_retention(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    max_months: int | None = None,
    *,
    mapping: Any = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """Share of each first-purchase-month cohort that buys again 0, 1, 2 ... months later.

    Parameters
    ----------
    transactions : DataFrame
        The transactions table; returns are left out.
    customer_col, date_col, amount_col : str
        Column names.
    max_months : int, optional
        Keep only the first ``max_months`` months since the first purchase.
    mapping : str, Path, dict or ColumnMapping, optional
        For a file: its column mapping (``mappings/*.yaml``).
    engine : {None, "auto", "pandas", "duckdb"}
        Default: DuckDB (:mod:`helpers.scale`) for a file path (CSV, Parquet, a folder of
        Parquet files; never loaded whole) or a frame of at least ``helpers.scale.ENGINE_ROWS``
        rows, pandas otherwise; the same table.

    Returns
    -------
    DataFrame
        Indexed by cohort month (``Period``) with a ``size`` column and one column per month
        since the first purchase (0 is always 1.0); months not observed yet are empty.

    Raises
    ------
    DataProblem
        Missing columns, unreadable dates or amounts, or no purchase at all.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 5.0, 5.0],
    ...                    "purchase_date": pd.to_datetime(["2025-01-03", "2025-02-10",
    ...                                                     "2025-01-20"])})
    >>> cohort_retention(tx)[[0, 1]].to_numpy().tolist()
    [[1.0, 0.5]]
    """
    if use_engine(transactions, engine):  # a file, or a frame past the engine's threshold
        big = cohort_counts_on_engine(transactions, customer_col, date_col, amount_col, mapping)
        return _from_counts(big.counts, big.last_month, max_months)
    require_columns(transactions, [customer_col, date_col, amount_col], "transactions")
    amount = as_number(transactions[amount_col], amount_col)
    dates = as_datetime(transactions[date_col], date_col)
    ok = transactions[customer_col].notna().to_numpy() & dates.notna().to_numpy() & (amount > 0)
    if "is_return" in transactions.columns:
        ok &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    if not ok.any():
        raise DataProblem("transactions: no purchase to build cohorts from.")
    codes, _ = pd.factorize(transactions[customer_col].to_numpy()[ok])
    months = dates.to_numpy()[ok].astype("datetime64[M]").astype("int64")
    return _retention_table(codes, months, max_months)


def _retention_table(codes: np.ndarray, months: np.ndarray, max_months: int | None
                     ) -> pd.DataFrame:
    """The cohort table from each purchase's customer code and month (months since epoch)."""
    first = np.full(codes.max() + 1, np.iinfo("int64").max)
    np.minimum.at(first, codes, months)
    cohort = first[codes]
    since = months - cohort
    pairs = pd.DataFrame({"cohort": cohort, "since": since, "c": codes}).drop_duplicates()
    counts = pairs.groupby(["cohort", "since"]).size().unstack(fill_value=0)
    return _from_counts(counts, int(months.max()), max_months)


def _from_counts(counts: pd.DataFrame, last_month: int, max_months: int | None
                 ) -> pd.DataFrame:
    """The retention table from customers per cohort (rows) and months since (columns)."""
    size = counts[0]
    table = counts.div(size, axis=0)
    if max_months is not None:
        table = table.loc[:, table.columns <= max_months]
    # cells after the data ends are unknown, not zero
    months_known = last_month - table.index.to_numpy()
    table = table.mask(table.columns.to_numpy()[None, :] > months_known[:, None])
    table.index = pd.PeriodIndex(table.index.to_numpy().astype("datetime64[M]"), freq="M",
                                 name="cohort")
    table.columns = pd.Index(table.columns.astype(int), name="months since first purchase")
    table.insert(0, "size", size.to_numpy())
    return table


def plot_cohorts(table: pd.DataFrame, ax: Axes | None = None, max_months: int = 12) -> Axes:
    """Heat map of a cohort retention table from :func:`cohort_retention`.

    Parameters
    ----------
    table : DataFrame
        From :func:`cohort_retention`.
    ax : Axes, optional
        Where to draw; default a new figure.
    max_months : int
        Show months 0 to ``max_months`` since the first purchase.

    Returns
    -------
    Axes
    """
    import seaborn as sns  # deferred: seaborn loads scipy.stats, over a second
    ax = new_axes(ax, (10, 6))
    cols = [c for c in table.columns if c != "size" and int(c) <= max_months]
    data = table[cols].astype(float)
    later = data.to_numpy()[:, 1:]
    top = np.nanmax(later) if later.size and np.isfinite(later).any() else 1
    data.index = [str(p) for p in data.index]
    sns.heatmap(data, ax=ax, cmap="Greens", vmin=0, vmax=top, yticklabels=True,
                cbar_kws={"label": tr("share buying that month")})
    ax.set_xlabel(tr("months since first purchase"))
    ax.set_ylabel(tr("cohort (first purchase month)"))
    ax.set_title(tr("Cohort retention"))
    return ax
