"""The customer summary: one row per customer from a transaction log (lesson 03's hot path).

:func:`customer_summary` gives the classic RFM measures (days since the last purchase, number of
orders, money spent) *and* the ``frequency / recency / T / monetary_value`` columns that
buy-till-you-die models (BG/NBD, Gamma-Gamma) expect, computed exactly as the ``lifetimes``
package does. :func:`summarise_customers` gives the same table together with the count of the
rows left out and the last day observed. Later lessons (customer value, telemarketing,
collections) reuse both.

Conventions (the same as ``lifetimes.utils.summary_data_from_transaction_data``):

* time is cut into periods of ``freq`` (``"D"`` days, ``"W"`` weeks starting on Monday); several
  purchases in one period count as **one** order whose value is their sum;
* ``frequency`` is the number of *repeat* periods (orders - 1); ``recency`` is the time from the
  first to the last purchase period; ``T`` the time from the first purchase period to the period
  holding ``as_of``; all three in ``freq`` units divided by ``freq_multiplier``;
* ``monetary_value`` is the mean value of the repeat periods (0 for one-time buyers);
* the period that holds ``as_of`` is observed in full (with ``freq="W"`` a purchase on the
  Sunday after a Tuesday ``as_of`` still counts); later purchases are left out.

The work is done in four vectorised stages (read the columns, choose the rows, group by
customer and period, build the table); no Python loop runs over rows or customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, require_columns, sample_rows
from helpers.scale import summary_on_engine, use_engine

__all__ = ["FREQ_DAYS", "CustomerSummary", "customer_summary", "summarise_customers"]

#: Length of one period, in days, for the supported ``freq`` values.
FREQ_DAYS = {"D": 1, "W": 7}
_TABLE = "transactions"
_COLUMNS_FIX = ("map your export's columns to the course names (a mapping file in mappings/) or "
                "pass the right column names (customer_col=, date_col=, amount_col=).")


@dataclass(frozen=True)
class CustomerSummary:
    """What :func:`summarise_customers` returns.

    Attributes
    ----------
    table : DataFrame
        The summary, one row per customer (see :func:`customer_summary`).
    exclusions : Series
        How many transaction rows were read (``rows_in``), used (``rows_used``) and left out,
        by reason: ``missing_customer``, ``missing_date``, ``returns``,
        ``after_observation_end``; ``zero_amount_kept`` counts purchases of value 0 that were
        kept.
    window_end : Timestamp
        The last day observed: ``as_of``, or the last day of the week holding it (``freq="W"``).
    freq : str
        The period length used.
    """

    table: pd.DataFrame
    exclusions: pd.Series
    window_end: pd.Timestamp
    freq: str


class _Rows(NamedTuple):
    """The columns of the usable rows, as numpy arrays (the input of the grouping stage)."""

    codes: np.ndarray  # customer code per row (int64)
    day: np.ndarray  # the row's day (days since epoch)
    amount: np.ndarray  # float64


class _Groups(NamedTuple):
    """Per customer (in customer-code order): the arrays the summary columns are made of."""

    customer: np.ndarray  # customer code
    n_orders: np.ndarray
    total: np.ndarray
    first_amount: np.ndarray
    first_period: np.ndarray
    last_period: np.ndarray


def as_datetime(values: pd.Series, col: str) -> pd.Series:
    """Dates of a transactions column (strings parsed, time zones dropped).

    Raises
    ------
    DataProblem
        If some values are not dates (a few are shown).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna() & values.notna()
    if bad.any():
        raise DataProblem(
            f"{_TABLE}: column {col!r} has {int(bad.sum())} value(s) that are not dates, e.g. "
            f"{sample_rows(values[bad])}. Fix: correct them in the export or give the date "
            "format in the mapping file (formats: {purchase_date: '%Y/%m/%d'})."
        )
    return parsed


def as_number(values: pd.Series, col: str) -> np.ndarray:
    """Amounts of a transactions column as float64 (empty cells are NaN).

    Raises
    ------
    DataProblem
        If some values are not numbers (a few are shown).
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    coerced = pd.to_numeric(values, errors="coerce")
    bad = coerced.isna() & values.notna()
    if bad.any():
        raise DataProblem(
            f"{_TABLE}: column {col!r} has {int(bad.sum())} value(s) that are not numbers, "
            f"e.g. {sample_rows(values[bad])}. Fix: remove currency signs or thousands "
            "separators in the export, or map the right column to 'amount'."
        )
    return coerced.to_numpy(dtype="float64", na_value=np.nan)


def _day_number(stamp: Any) -> int:
    """Days since 1970-01-01 of a date-like value (time of day dropped)."""
    return int(np.datetime64(pd.Timestamp(stamp).to_datetime64(), "D").astype("int64"))


def _period_start(day: Any, freq: str) -> Any:
    """First day (days since epoch) of the period holding ``day``; weeks start on Monday."""
    if freq == "D":
        return day
    return day - (day + 3) % 7  # 1970-01-01 was a Thursday


def _check_arguments(transactions: Any, freq: str, freq_multiplier: float,
                     columns: list[str]) -> None:
    if freq not in FREQ_DAYS:
        raise DataProblem(f"customer_summary: freq={freq!r} is not supported; use one of "
                          f"{sorted(FREQ_DAYS)} (days or weeks).")
    if not freq_multiplier or freq_multiplier <= 0:
        raise DataProblem(f"customer_summary: freq_multiplier must be positive, got "
                          f"{freq_multiplier!r}.")
    if not isinstance(transactions, pd.DataFrame):
        raise DataProblem(f"customer_summary expects a DataFrame of transactions, got "
                          f"{type(transactions).__name__}.")
    require_columns(transactions, columns, _TABLE, fix=_COLUMNS_FIX)


def _read_columns(transactions: pd.DataFrame, customer_col: str, date_col: str,
                  amount_col: str, exclude_returns: bool, report: dict[str, int]
                  ) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Stage 1: customer codes, days and amounts, and the rows kept so far (counted in report)."""
    amount = as_number(transactions[amount_col], amount_col)
    dates = as_datetime(transactions[date_col], date_col)
    codes, uniques = _encode_customers(transactions[customer_col])
    codes = codes.astype("int64", copy=False)
    keep = codes >= 0
    report["missing_customer"] = int(len(transactions) - keep.sum())
    no_date = dates.isna().to_numpy()
    report["missing_date"] = int((no_date & keep).sum())
    keep &= ~no_date
    no_amount = np.isnan(amount)
    if (no_amount & keep).any():
        raise DataProblem(
            f"{_TABLE}: column {amount_col!r} is empty in {int((no_amount & keep).sum())} "
            f"row(s), e.g. rows {sample_rows(transactions.index[no_amount & keep])}. Fix: fill "
            "the amount in the export, or drop those rows before summarising."
        )
    returns = amount < 0
    if "is_return" in transactions.columns:
        returns |= transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    if exclude_returns:
        report["returns"] = int((returns & keep).sum())
        keep &= ~returns
    else:
        report["returns"] = 0
    report["zero_amount_kept"] = int(((amount == 0) & keep).sum())
    day = dates.to_numpy().astype("datetime64[D]").view("int64")
    return codes, uniques, day, amount, keep


def _observed_window(as_of: Any, day: np.ndarray, keep: np.ndarray, freq: str,
                     report: dict[str, int]) -> tuple[int, int]:
    """Stage 2: the period holding ``as_of``, and the last day observed.

    Rows of later periods are dropped from ``keep`` (and counted in ``report``).
    """
    end_day = _end_day(as_of, day, keep, report)
    end_period = int(_period_start(end_day, freq))
    # the observed window ends with the last day of the period holding as_of
    window_end = end_period + FREQ_DAYS[freq] - 1 if freq != "D" else end_day
    late = day > window_end
    report["after_observation_end"] = int((late & keep).sum())
    keep &= ~late
    report["rows_used"] = int(keep.sum())
    if not keep.any():
        raise DataProblem(
            f"{_TABLE}: no purchase left to summarise after the exclusions {report}. Fix: check "
            "as_of, the amount signs and the customer column."
        )
    return end_period, window_end


def _end_day(as_of: Any, day: np.ndarray, keep: np.ndarray, report: dict[str, int]) -> int:
    if as_of is None:
        if not keep.any():
            raise DataProblem(f"{_TABLE}: no purchase left to summarise ({report}).")
        return int(day[keep].max())
    try:
        return _day_number(as_of)
    except (ValueError, TypeError) as err:
        raise DataProblem(f"customer_summary: as_of={as_of!r} is not a date; give e.g. "
                          "'2025-12-31'.") from err


def _usable_rows(codes: np.ndarray, day: np.ndarray, amount: np.ndarray,
                 keep: np.ndarray) -> _Rows:
    """The kept rows: filtered once, and only when some rows are left out."""
    if keep.all():
        return _Rows(codes, day, amount)
    at = np.flatnonzero(keep)
    return _Rows(codes[at], day[at], amount[at])


def _encode_customers(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Customer codes per row (-1 where missing) and the customers in sorted order.

    Equivalent to ``pd.factorize(ids, sort=True)`` but without sorting all the rows' strings:
    fixed-width IDs (``C00012345``) are read as numbers straight from their bytes, integer IDs
    in a small range are numbered through a lookup table, and other IDs are hashed unsorted
    and only the distinct values sorted.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):  # already encoded: no string hashing
        return ids.cat.codes.to_numpy().astype("int64"), ids.cat.categories
    keys = _fixed_width_keys(ids)
    if keys is None and ids.dtype.kind in "iu" and len(ids) and not ids.isna().any() and (
            ids.dtype.kind == "i" or int(ids.max()) < 2**62):
        keys = ids.to_numpy(dtype="int64")
    if keys is not None:
        codes, row_of = _dense_codes(keys.astype("int64", copy=False))
        return codes, pd.Index(ids.iloc[row_of].array)
    codes, uniques = pd.factorize(ids)
    if uniques.dtype == object:  # mixed Python objects: let pandas order them as before
        return pd.factorize(ids, sort=True)
    order = uniques.argsort()
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    return np.where(codes >= 0, rank[codes], -1), uniques.take(order)


def _fixed_width_keys(ids: pd.Series) -> np.ndarray | None:
    """Order-preserving integer keys of Arrow strings of one byte length, else None."""
    arr = getattr(ids.array, "_pa_array", None)
    if arr is None or arr.null_count or len(arr) == 0:
        return None
    arr = arr.combine_chunks()
    if str(arr.type) not in ("string", "large_string"):
        return None
    _, off_buf, data_buf = arr.buffers()
    off_type = np.int64 if str(arr.type) == "large_string" else np.int32
    offsets = np.frombuffer(off_buf, off_type, len(arr) + 1, arr.offset * off_type().itemsize)
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 32 or int(offsets[-1] - offsets[0]) != width * len(arr) or (
            np.diff(offsets) != width).any():
        return None
    raw = np.frombuffer(data_buf, np.uint8, width * len(arr), int(offsets[0]))
    columns = raw.reshape(len(arr), width).T  # one byte position per row of this view
    varying = [j for j in range(width) if (columns[j] != columns[j][0]).any()]
    tail = columns[varying[0]:] if varying else columns[:0]
    digits = all(48 <= int(col.min()) and int(col.max()) <= 57 for col in tail)
    base, zero, limit = (10, 48, 18) if digits else (256, 0, 7)
    if len(tail) > limit:
        return None
    keys = np.zeros(len(arr), dtype="int64")
    for col in tail:  # big-endian, so number order = text order
        keys *= base
        keys += col
        keys -= zero
    return keys


def _dense_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of integer keys in sorted order, and a row holding each code."""
    lo, hi = int(keys.min()), int(keys.max())
    if hi - lo <= max(2 * len(keys), 1 << 20):  # a lookup table, linear in the rows
        seen = np.zeros(hi - lo + 1, dtype=bool)
        seen[keys - lo] = True
        rank = np.cumsum(seen, dtype="int64") - 1
        codes = rank[keys - lo]
    else:
        codes, _ = pd.factorize(keys, sort=True)
    row_of = np.empty(int(codes.max()) + 1, dtype="int64")
    row_of[codes] = np.arange(len(codes))  # any row of a code holds the same ID
    return codes, row_of


def _group_periods(rows: _Rows, n_customers: int, freq: str) -> tuple[_Groups, np.ndarray,
                                                                       np.ndarray]:
    """Stage 3: per customer, the distinct periods and the sums, without sorting the rows.

    Only the (customer, period) keys are sorted (a sort of plain integers, much cheaper than
    ordering the rows by them); the money is summed with ``bincount`` in one pass over the rows.
    Returns the groups and each customer's first and last purchase day.
    """
    period = _period_start(rows.day, freq)
    base = int(period.min())
    span = int(period.max()) - base + 1
    keys = np.sort(rows.codes * span + (period - base))
    distinct = keys[np.r_[True, keys[1:] != keys[:-1]]]
    del keys
    cust_of, per_of = np.divmod(distinct, span)
    starts = np.flatnonzero(np.r_[True, cust_of[1:] != cust_of[:-1]])
    ends = np.r_[starts[1:], len(distinct)] - 1
    customer = cust_of[starts]
    first_period = np.zeros(n_customers, dtype="int64")
    first_period[customer] = per_of[starts]
    in_first = (period - base) == first_period[rows.codes]
    total = np.bincount(rows.codes, rows.amount, minlength=n_customers)[customer]
    first_amount = np.bincount(rows.codes, np.where(in_first, rows.amount, 0.0),
                               minlength=n_customers)[customer]
    groups = _Groups(customer=customer, n_orders=ends - starts + 1, total=total,
                     first_amount=first_amount, first_period=per_of[starts] + base,
                     last_period=per_of[ends] + base)
    if freq == "D":
        return groups, groups.first_period, groups.last_period
    first_day = np.full(n_customers, np.iinfo("int64").max)
    last_day = np.full(n_customers, np.iinfo("int64").min)
    np.minimum.at(first_day, rows.codes, rows.day)
    np.maximum.at(last_day, rows.codes, rows.day)
    return groups, first_day[customer], last_day[customer]


def _summary_table(groups: _Groups, first_day: np.ndarray, last_day: np.ndarray,
                   uniques: pd.Index, end_period: int, window_end: int, scale: float
                   ) -> pd.DataFrame:
    """Stage 4: the summary columns from the per-customer arrays."""
    n_orders, total = groups.n_orders, groups.total
    frequency = n_orders - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        mval = np.where(frequency > 0,
                        (total - groups.first_amount) / np.maximum(frequency, 1), 0.0)
    return pd.DataFrame(
        {
            "first_purchase": (first_day.astype("datetime64[D]")).astype("datetime64[ns]"),
            "last_purchase": (last_day.astype("datetime64[D]")).astype("datetime64[ns]"),
            "n_orders": n_orders.astype("int64"),
            "frequency": frequency.astype("int64"),
            "recency": (groups.last_period - groups.first_period) / scale,
            "T": (end_period - groups.first_period) / scale,
            "days_since_last": (window_end - last_day).astype("int64"),
            "monetary_total": total,
            "monetary_value": mval,
            "avg_order_value": total / n_orders,
            "tenure_days": (window_end - first_day).astype("int64"),
        },
        index=pd.Index(uniques[groups.customer], name="customer_id"),
    )


def summarise_customers(
    transactions: pd.DataFrame,
    as_of: Any = None,
    freq: str = "D",
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    exclude_returns: bool = True,
    freq_multiplier: float = 1.0,
    *,
    mapping: Any = None,
    engine: str | None = None,
) -> CustomerSummary:
    """The customer summary together with the rows left out and the last day observed.

    Takes the same arguments as :func:`customer_summary`.

    Returns
    -------
    CustomerSummary
        ``table`` (the summary), ``exclusions`` (rows used and left out, by reason),
        ``window_end`` (last day observed) and ``freq``.

    Raises
    ------
    DataProblem
        As :func:`customer_summary`.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "purchase_date": pd.to_datetime(["2025-01-01", "2025-01-09",
    ...                                                     "2025-02-05"]),
    ...                    "amount": [10.0, -10.0, 8.0]})
    >>> result = summarise_customers(tx, as_of="2025-01-31")
    >>> result.exclusions[["rows_in", "returns", "after_observation_end", "rows_used"]].tolist()
    [3, 1, 1, 1]
    >>> result.window_end
    Timestamp('2025-01-31 00:00:00')
    """
    if use_engine(transactions, engine):  # a file, or a frame past the engine's threshold
        big = summary_on_engine(transactions, as_of, freq, customer_col, date_col, amount_col,
                                exclude_returns, freq_multiplier, mapping=mapping)
        return CustomerSummary(big.table, pd.Series(big.exclusions, name="rows"),
                               big.window_end, freq)
    _check_arguments(transactions, freq, freq_multiplier, [customer_col, date_col, amount_col])
    report: dict[str, int] = {"rows_in": len(transactions)}
    codes, uniques, day, amount, keep = _read_columns(
        transactions, customer_col, date_col, amount_col, exclude_returns, report)
    end_period, window_end = _observed_window(as_of, day, keep, freq, report)
    groups, first_day, last_day = _group_periods(_usable_rows(codes, day, amount, keep),
                                                 len(uniques), freq)
    table = _summary_table(groups, first_day, last_day, uniques, end_period, window_end,
                           FREQ_DAYS[freq] * freq_multiplier)
    return CustomerSummary(table=table, exclusions=pd.Series(report, name="rows"),
                           window_end=pd.Timestamp(np.datetime64(int(window_end), "D")),
                           freq=freq)


# Long: the docstring documents every argument (the file and engine ones too)
def customer_summary(
    transactions: pd.DataFrame,
    as_of: Any = None,
    freq: str = "D",
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    exclude_returns: bool = True,
    freq_multiplier: float = 1.0,
    *,
    mapping: Any = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """One row per customer: RFM measures and the lifetimes-style frequency/recency/T.

    Parameters
    ----------
    transactions : DataFrame, str or Path
        One row per purchase (the course's ``transactions`` table, or any table with a customer,
        a date and an amount column), or a CSV/Parquet file or folder of Parquet files, which
        DuckDB reads without loading it into pandas (:mod:`helpers.scale`).
    as_of : date-like, optional
        Last day observed; purchases in later periods are left out (and counted by
        :func:`summarise_customers`). Default: the last purchase date in the data.
    freq : {"D", "W"}
        Period length: days, or weeks starting on Monday.
    customer_col, date_col, amount_col : str
        Column names.
    exclude_returns : bool
        Leave out returns and cancellations: rows with a negative amount, or with
        ``is_return`` true when that column exists.
    freq_multiplier : float
        Divide ``recency`` and ``T`` by this (``freq="D", freq_multiplier=7`` gives weeks at day
        resolution, the convention of Fader, Hardie & Lee's CDNOW summary).
    mapping : str, Path or dict, optional
        Column mapping of a file (``mappings/*.yaml``); not used for a DataFrame.
    engine : {None, "auto", "pandas", "duckdb"}
        Default: DuckDB for a path or a frame of at least ``helpers.scale.ENGINE_ROWS`` rows,
        pandas below; the same result either way.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, with ``first_purchase``, ``last_purchase`` (dates),
        ``n_orders`` (distinct purchase periods), ``frequency`` (``n_orders - 1``), ``recency``,
        ``T``, ``days_since_last``, ``monetary_total``, ``monetary_value`` (mean of the repeat
        periods, 0 for one-time buyers), ``avg_order_value`` and ``tenure_days``. The rows left
        out, and the last day observed, are given by :func:`summarise_customers`.

    Raises
    ------
    DataProblem
        Missing columns, dates or amounts that cannot be read, missing amounts, an unknown
        ``freq``, or no purchase left to summarise.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "purchase_date": pd.to_datetime(["2025-01-01", "2025-01-01",
    ...                                                     "2025-01-11", "2025-01-05"]),
    ...                    "amount": [10.0, 5.0, 20.0, 8.0]})
    >>> s = customer_summary(tx, as_of="2025-01-31")
    >>> s[["n_orders", "frequency"]].to_dict("index")
    {'a': {'n_orders': 2, 'frequency': 1}, 'b': {'n_orders': 1, 'frequency': 0}}
    >>> s.loc["a", ["recency", "T", "monetary_value"]].tolist()
    [10.0, 30.0, 20.0]
    """
    return summarise_customers(transactions, as_of, freq, customer_col, date_col, amount_col,
                               exclude_returns, freq_multiplier, mapping=mapping,
                               engine=engine).table
