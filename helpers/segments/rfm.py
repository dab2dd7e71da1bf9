"""RFM analysis: one summary row per customer, scores, named segments, migration and cohorts.

The central function is :func:`customer_summary`. It turns a transaction log into one row per
customer with the classic RFM measures (days since the last purchase, number of orders, money
spent) *and* the ``frequency / recency / T / monetary_value`` columns that buy-till-you-die models
(BG/NBD, Gamma-Gamma) expect, computed exactly as the ``lifetimes`` package does. Later lessons
(customer value, telemarketing, collections) reuse it, and :func:`rfm_segments` for the labels.

Conventions (the same as ``lifetimes.utils.summary_data_from_transaction_data``):

* time is cut into periods of ``freq`` (``"D"`` days, ``"W"`` weeks starting on Monday); several
  purchases in one period count as **one** order whose value is their sum;
* ``frequency`` is the number of *repeat* periods (orders - 1); ``recency`` is the time from the
  first to the last purchase period; ``T`` the time from the first purchase period to the period
  holding ``observation_end``; all three in ``freq`` units divided by ``freq_multiplier``;
* ``monetary_value`` is the mean value of the repeat periods (0 for one-time buyers);
* the period that holds ``observation_end`` is observed in full (with ``freq="W"`` a purchase on
  the Sunday after a Tuesday observation end still counts); later purchases are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, config_problem, require_columns, sample_rows

__all__ = [
    "FREQ_DAYS",
    "customer_summary",
    "exclusions",
    "rfm_scores",
    "load_segment_map",
    "validate_segment_map",
    "segment_grid",
    "rfm_segments",
    "segment_profile",
    "rfm_snapshot",
    "segment_migration",
    "cohort_retention",
    "rfm_view",
    "explore_rfm",
    "plot_rf_heatmap",
    "plot_segments",
    "plot_migration",
    "plot_cohorts",
]

#: Length of one period, in days, for the supported ``freq`` values.
FREQ_DAYS = {"D": 1, "W": 7}
_TABLE = "transactions"


# --------------------------------------------------------------------------------------------
# customer summary
# --------------------------------------------------------------------------------------------
def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    require_columns(frame, columns, what, fix="map your export's columns to the course names (a "
                    "mapping file in mappings/) or pass the right column names (customer_col=, "
                    "date_col=, amount_col=).")


def _as_datetime(values: pd.Series, col: str) -> pd.Series:
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


def _as_number(values: pd.Series, col: str) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.to_numpy(dtype="float64", na_value=np.nan)
    else:
        coerced = pd.to_numeric(values, errors="coerce")
        bad = coerced.isna() & values.notna()
        if bad.any():
            raise DataProblem(
                f"{_TABLE}: column {col!r} has {int(bad.sum())} value(s) that are not numbers, "
                f"e.g. {sample_rows(values[bad])}. Fix: remove currency signs or thousands "
                "separators in the export, or map the right column to 'amount'."
            )
        out = coerced.to_numpy(dtype="float64", na_value=np.nan)
    return out


def _day_number(stamp: Any) -> int:
    """Days since 1970-01-01 of a date-like value (time of day dropped)."""
    return int(np.datetime64(pd.Timestamp(stamp).to_datetime64(), "D").astype("int64"))


def _period_start(day: np.ndarray | int, freq: str) -> np.ndarray | int:
    """First day (days since epoch) of the period holding ``day``; weeks start on Monday."""
    if freq == "D":
        return day
    return day - (day + 3) % 7  # 1970-01-01 was a Thursday


def customer_summary(
    transactions: pd.DataFrame,
    observation_end: Any = None,
    freq: str = "D",
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    exclude_returns: bool = True,
    freq_multiplier: float = 1.0,
) -> pd.DataFrame:
    """One row per customer: RFM measures and the lifetimes-style frequency/recency/T.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase (the course's ``transactions`` table, or any table with a customer,
        a date and an amount column).
    observation_end : date-like, optional
        Last day observed; purchases in later periods are left out (and counted in the
        report). Default: the last purchase date in the data.
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

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, with ``first_purchase``, ``last_purchase`` (dates),
        ``n_orders`` (distinct purchase periods), ``frequency`` (``n_orders - 1``), ``recency``,
        ``T``, ``days_since_last``, ``monetary_total``, ``monetary_value`` (mean of the repeat
        periods, 0 for one-time buyers), ``avg_order_value`` and ``tenure_days``. The rows left
        out are counted in ``result.attrs["exclusions"]`` (see :func:`exclusions`) and the
        observation end used is ``result.attrs["observation_end"]``.

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
    >>> s = customer_summary(tx, observation_end="2025-01-31")
    >>> s.loc["a", ["n_orders", "frequency", "recency", "T", "monetary_value"]].tolist()
    [2, 1, 10.0, 30.0, 20.0]
    """
    if freq not in FREQ_DAYS:
        raise DataProblem(f"customer_summary: freq={freq!r} is not supported; use one of "
                          f"{sorted(FREQ_DAYS)} (days or weeks).")
    if not freq_multiplier or freq_multiplier <= 0:
        raise DataProblem(f"customer_summary: freq_multiplier must be positive, got "
                          f"{freq_multiplier!r}.")
    if not isinstance(transactions, pd.DataFrame):
        raise DataProblem(f"customer_summary expects a DataFrame of transactions, got "
                          f"{type(transactions).__name__}.")
    _require_columns(transactions, [customer_col, date_col, amount_col], _TABLE)
    n_in = len(transactions)
    report: dict[str, int] = {"rows_in": n_in}

    amount = _as_number(transactions[amount_col], amount_col)
    dates = _as_datetime(transactions[date_col], date_col)
    ids = transactions[customer_col]
    if isinstance(ids.dtype, pd.CategoricalDtype):  # already encoded: no string hashing
        codes, uniques = ids.cat.codes.to_numpy(), ids.cat.categories
    else:
        codes, uniques = pd.factorize(ids, sort=True)

    keep = codes >= 0
    report["missing_customer"] = int(n_in - keep.sum())
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
        flagged = transactions["is_return"].fillna(False).to_numpy(dtype=bool)
        returns |= flagged
    if exclude_returns:
        report["returns"] = int((returns & keep).sum())
        keep &= ~returns
    else:
        report["returns"] = 0
    report["zero_amount_kept"] = int(((amount == 0) & keep).sum())

    day = dates.to_numpy().astype("datetime64[D]").view("int64")
    if observation_end is None:
        if not keep.any():
            raise DataProblem(f"{_TABLE}: no purchase left to summarise ({report}).")
        end_day = int(day[keep].max())
    else:
        try:
            end_day = _day_number(observation_end)
        except (ValueError, TypeError) as err:
            raise DataProblem(f"customer_summary: observation_end={observation_end!r} is not a "
                              "date; give e.g. '2025-12-31'.") from err
    step = FREQ_DAYS[freq]
    period = _period_start(day, freq)
    end_period = int(_period_start(end_day, freq))
    late = period > end_period
    report["after_observation_end"] = int((late & keep).sum())
    keep &= ~late
    report["rows_used"] = int(keep.sum())
    if not keep.any():
        raise DataProblem(
            f"{_TABLE}: no purchase left to summarise after the exclusions {report}. Fix: check "
            "observation_end, the amount signs and the customer column."
        )

    codes_k = codes[keep].astype("int64")
    period_k = period[keep]
    base = int(period_k.min())
    key = (codes_k << 32) | (period_k - base)
    # one sort groups rows by (customer, period): cheaper than hashing ~n distinct keys
    order = np.argsort(key)
    key = key[order]
    new_group = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    keys = key[new_group]
    sums = np.add.reduceat(amount[keep][order], new_group)
    del key, order
    cust_of = keys >> 32
    per_of = (keys & 0xFFFFFFFF) + base
    starts = np.flatnonzero(np.r_[True, cust_of[1:] != cust_of[:-1]])
    ends = np.r_[starts[1:], len(keys)] - 1
    n_orders = np.diff(np.r_[starts, len(keys)])
    total = np.add.reduceat(sums, starts)
    first_amount = sums[starts]
    first_p, last_p = per_of[starts], per_of[ends]
    frequency = n_orders - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        mval = np.where(frequency > 0, (total - first_amount) / np.maximum(frequency, 1), 0.0)

    if freq == "D":
        first_day, last_day = first_p, last_p
    else:
        cust_codes = codes_k
        order = cust_of[starts]
        day_k = day[keep]
        lo = pd.Series(day_k).groupby(cust_codes).agg(["min", "max"])
        first_day = lo["min"].reindex(order).to_numpy()
        last_day = lo["max"].reindex(order).to_numpy()
    # the observed window ends with the last day of the period holding observation_end
    window_end = end_period + step - 1 if freq != "D" else end_day
    scale = step * freq_multiplier
    index = pd.Index(uniques[cust_of[starts]], name="customer_id")
    out = pd.DataFrame(
        {
            "first_purchase": (first_day.astype("datetime64[D]")).astype("datetime64[ns]"),
            "last_purchase": (last_day.astype("datetime64[D]")).astype("datetime64[ns]"),
            "n_orders": n_orders.astype("int64"),
            "frequency": frequency.astype("int64"),
            "recency": (last_p - first_p) / scale,
            "T": (end_period - first_p) / scale,
            "days_since_last": (window_end - last_day).astype("int64"),
            "monetary_total": total,
            "monetary_value": mval,
            "avg_order_value": total / n_orders,
            "tenure_days": (window_end - first_day).astype("int64"),
        },
        index=index,
    )
    out.attrs["exclusions"] = report
    out.attrs["observation_end"] = pd.Timestamp(np.datetime64(int(window_end), "D"))
    out.attrs["freq"] = freq
    return out


def exclusions(summary: pd.DataFrame) -> pd.Series:
    """How many transaction rows :func:`customer_summary` used and left out, and why."""
    report = summary.attrs.get("exclusions")
    if report is None:
        raise DataProblem("exclusions: this table was not made by customer_summary (or lost its "
                          "report in a later step); call exclusions() on the summary itself.")
    return pd.Series(report, name="rows")


# --------------------------------------------------------------------------------------------
# scores
# --------------------------------------------------------------------------------------------
#: Which summary column each RFM letter uses, and whether larger is better.
RFM_COLUMNS = {"r": ("days_since_last", False), "f": ("n_orders", True),
               "m": ("monetary_total", True)}


def _quantile_score(values: pd.Series, bins: int, larger_is_better: bool) -> np.ndarray:
    """``1 + floor(bins × share of customers strictly worse)``: ties share the lower score."""
    x = values.to_numpy(dtype="float64")
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype="int64")
    lo, hi = x.min(), x.max()
    if np.all(x == np.floor(x)) and hi - lo < 4 * n + 1000:
        # whole numbers in a small range (days, orders): count instead of sorting
        offset = (x - lo).astype("int64")
        counts = np.bincount(offset)
        below = np.cumsum(counts) - counts
        worse = below[offset] if larger_is_better else n - below[offset] - counts[offset]
        return (1 + (bins * worse) // n).clip(1, bins).astype("int64")
    order = np.argsort(x)
    ordered = x[order]
    # searching sorted queries is far faster than searching in the original order
    worse = np.empty(n, dtype="int64")
    if larger_is_better:
        worse[order] = np.searchsorted(ordered, ordered, side="left")
    else:
        worse[order] = n - np.searchsorted(ordered, ordered, side="right")
    return (1 + (bins * worse) // n).clip(1, bins).astype("int64")


def _fixed_score(values: pd.Series, edges: Sequence[float], larger_is_better: bool,
                 letter: str) -> np.ndarray:
    edges = np.asarray(list(edges), dtype="float64")
    if edges.ndim != 1 or len(edges) == 0 or np.any(np.diff(edges) <= 0):
        raise DataProblem(f"rfm_scores: thresholds for {letter!r} must be increasing numbers, "
                          f"got {list(edges)}.")
    x = values.to_numpy(dtype="float64")
    if larger_is_better:
        # score 1 below the first edge, +1 for every edge reached
        return (1 + np.searchsorted(edges, x, side="right")).astype("int64")
    # recency in days: at most edge[0] days -> best score
    return (len(edges) + 1 - np.searchsorted(edges, x, side="left")).astype("int64")


def rfm_scores(
    summary: pd.DataFrame,
    method: str = "quantile",
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Score recency, frequency and money 1 (worst) to ``bins`` (best).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`customer_summary` (needs ``days_since_last``, ``n_orders``,
        ``monetary_total``).
    method : {"quantile", "fixed"}
        ``quantile``: score = 1 + floor(bins × share of customers who do strictly worse), so
        tied customers always share a score (the lower one) and many one-time buyers do not get
        split at random. ``fixed``: thresholds set by the business (e.g. from
        ``rfm_segments.yaml``), the same from one quarter to the next.
    bins : int
        Number of score levels for ``quantile`` (with ``fixed``: one more than the number of
        thresholds).
    thresholds : mapping, optional
        For ``fixed``: ``{"r": [days...], "f": [orders...], "m": [money...]}``, increasing.
        ``r`` edges are upper limits of days since the last purchase (``[30, 90, 180, 365]``
        gives 5 for at most 30 days ... 1 for more than 365).

    Returns
    -------
    DataFrame
        ``summary`` with ``r_score``, ``f_score``, ``m_score`` (int) and ``rfm_code`` (545 for R=5, F=4, M=5).
    """
    _require_columns(summary, [c for c, _ in RFM_COLUMNS.values()], "rfm_scores: summary")
    if method not in {"quantile", "fixed"}:
        raise DataProblem(f"rfm_scores: method={method!r}; use 'quantile' or 'fixed'.")
    out = summary.copy()
    for letter, (col, larger) in RFM_COLUMNS.items():
        if out[col].isna().any():
            raise DataProblem(f"rfm_scores: column {col!r} has empty values for customers "
                              f"{sample_rows(out.index[out[col].isna()])}; rebuild the summary "
                              "with customer_summary.")
        if method == "quantile":
            if not isinstance(bins, int | np.integer) or bins < 2:
                raise DataProblem(f"rfm_scores: bins must be an integer >= 2, got {bins!r}.")
            out[f"{letter}_score"] = _quantile_score(out[col], int(bins), larger)
        else:
            if not thresholds or letter not in thresholds:
                raise DataProblem(f"rfm_scores: method='fixed' needs thresholds for {letter!r}, "
                                  "e.g. thresholds={'r': [30, 90, 180, 365], 'f': [2, 3, 5, 8], "
                                  "'m': [100, 300, 1000, 3000]}.")
            out[f"{letter}_score"] = _fixed_score(out[col], thresholds[letter], larger, letter)
    out["rfm_code"] = out["r_score"] * 100 + out["f_score"] * 10 + out["m_score"]
    return out


# --------------------------------------------------------------------------------------------
# segment map
# --------------------------------------------------------------------------------------------
def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise config_problem(path, "(file)", f"is not valid YAML: {err}") from err


def load_segment_map(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate the RFM segment map (default ``helpers/config/rfm_segments.yaml``).

    Returns
    -------
    dict
        ``{"scale": 5, "segments": [...], "fixed_thresholds": {...}, "actions": {...}}``.

    Raises
    ------
    DataProblem
        Naming the file and the key when a segment has a bad range, two segments overlap or a
        score cell is left without a segment.
    """
    from helpers.paths import config_file

    chosen = config_file("rfm_segments.yaml", path)
    raw = _read_yaml(chosen)
    return validate_segment_map(raw, source=str(chosen))


def _range(value: Any, source: str, key: str, scale: int) -> tuple[int, int]:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        value = [value, value]
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise config_problem(source, key, f"must be a score or a [low, high] pair of whole "
                             f"numbers, got {value!r}")
    lo, hi = value
    if not 1 <= lo <= hi <= scale:
        raise config_problem(source, key, f"range {value} must satisfy 1 <= low <= high <= "
                             f"{scale}")
    return int(lo), int(hi)


def validate_segment_map(raw: Any, source: str = "segment map") -> dict[str, Any]:
    """Check a segment map (as read from YAML): every (R, F) cell in exactly one segment.

    Each segment is ``{name, zh, r: [low, high], f: [low, high], action}``. Errors name the
    source, the segment and the cells concerned.
    """
    if not isinstance(raw, dict) or "segments" not in raw:
        raise config_problem(source, "segments", "is missing: the file needs a list of segments")
    scale = raw.get("scale", 5)
    if not isinstance(scale, int) or scale < 2:
        raise config_problem(source, "scale", f"must be a whole number >= 2, got {scale!r}")
    segments = raw["segments"]
    if not isinstance(segments, list) or not segments:
        raise config_problem(source, "segments", "must be a non-empty list")
    owner = np.full((scale, scale), "", dtype=object)
    clean = []
    for i, seg in enumerate(segments):
        where = f"segments[{i}]"
        if not isinstance(seg, dict) or not isinstance(seg.get("name"), str):
            raise config_problem(source, where, "needs a 'name' (text)")
        where = f"segments[{i}] ({seg['name']})"
        unknown = set(seg) - {"name", "zh", "r", "f", "action", "description"}
        if unknown:
            raise config_problem(source, where, f"has unknown key(s) {sorted(unknown)}; allowed "
                                 "are name, zh, r, f, action, description")
        for letter in ("r", "f"):
            if letter not in seg:
                raise config_problem(source, f"{where}.{letter}", "is missing")
        r_lo, r_hi = _range(seg["r"], source, f"{where}.r", scale)
        f_lo, f_hi = _range(seg["f"], source, f"{where}.f", scale)
        for r in range(r_lo, r_hi + 1):
            for f in range(f_lo, f_hi + 1):
                if owner[r - 1, f - 1]:
                    raise config_problem(
                        source, where, f"overlaps segment {owner[r - 1, f - 1]!r} at R={r}, "
                        f"F={f}; each (R, F) cell must belong to exactly one segment")
                owner[r - 1, f - 1] = seg["name"]
        clean.append({**seg, "r": [r_lo, r_hi], "f": [f_lo, f_hi]})
    gaps = [(r + 1, f + 1) for r in range(scale) for f in range(scale) if not owner[r, f]]
    if gaps:
        raise config_problem(source, "segments", f"leave {len(gaps)} (R, F) cell(s) without a "
                             f"segment, e.g. {gaps[:5]}; extend a segment's r/f range to cover "
                             "them")
    names = [s["name"] for s in clean]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise config_problem(source, "segments", f"names {dup} are used twice")
    out = dict(raw)
    out["scale"], out["segments"] = scale, clean
    return out


def segment_grid(segment_map: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The segment map as an R × F table of segment names (rows R high to low)."""
    smap = segment_map or load_segment_map()
    scale = smap["scale"]
    grid = pd.DataFrame("", index=pd.Index(range(scale, 0, -1), name="R score"),
                        columns=pd.Index(range(1, scale + 1), name="F score"))
    for seg in smap["segments"]:
        for r in range(seg["r"][0], seg["r"][1] + 1):
            for f in range(seg["f"][0], seg["f"][1] + 1):
                grid.loc[r, f] = seg["name"]
    return grid


def _lookup(smap: Mapping[str, Any]) -> np.ndarray:
    """(R, F) -> position of the segment in the map."""
    scale = smap["scale"]
    table = np.full((scale + 1, scale + 1), -1, dtype="int64")
    for i, seg in enumerate(smap["segments"]):
        table[seg["r"][0]:seg["r"][1] + 1, seg["f"][0]:seg["f"][1] + 1] = i
    return table


def rfm_segments(
    summary: pd.DataFrame,
    method: str = "quantile",
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segment_map: Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """Score customers and name their RFM segment (champions, loyal, at risk, lost ...).

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`customer_summary`.
    method : {"quantile", "fixed"}
        Scoring scheme (see :func:`rfm_scores`). ``fixed`` uses ``thresholds``, or the
        ``fixed_thresholds`` of the segment map when not given.
    thresholds : mapping, optional
        Fixed thresholds ``{"r": [...], "f": [...], "m": [...]}``.
    segment_map : dict or path, optional
        A validated map (:func:`load_segment_map`), a path to one, or None for the bundled map.

    Returns
    -------
    DataFrame
        ``summary`` plus ``r_score``, ``f_score``, ``m_score``, ``rfm_code`` and ``segment``
        (an ordered categorical in the map's order).
    """
    if segment_map is None or isinstance(segment_map, str | Path):
        smap = load_segment_map(segment_map)
    else:
        smap = validate_segment_map(dict(segment_map), source="segment_map argument")
    scale = smap["scale"]
    if method == "fixed" and thresholds is None:
        thresholds = smap.get("fixed_thresholds")
    scored = rfm_scores(summary, method=method, bins=scale, thresholds=thresholds)
    for letter in ("r", "f", "m"):
        top = int(scored[f"{letter}_score"].max()) if len(scored) else 1
        if top > scale:
            raise DataProblem(f"rfm_segments: {letter}_score reaches {top} but the segment map "
                              f"has a {scale}-point scale; give {scale - 1} thresholds per letter.")
    codes = _lookup(smap)[scored["r_score"].to_numpy(), scored["f_score"].to_numpy()]
    order = [s["name"] for s in smap["segments"]]
    scored["segment"] = pd.Categorical.from_codes(codes, categories=order)
    return scored


def segment_profile(segmented: pd.DataFrame, min_share: float = 0.01) -> pd.DataFrame:
    """Size, revenue and typical behaviour of each segment.

    Returns one row per segment (in map order, empty segments included) with ``customers``,
    ``customer_share``, ``revenue``, ``revenue_share``, median ``days_since_last``, mean
    ``n_orders``, mean ``monetary_total`` and ``tiny`` (fewer than ``min_share`` of customers:
    too small to act on alone, merge it or read it with care).
    """
    _require_columns(segmented, ["segment", "days_since_last", "n_orders", "monetary_total"],
                     "segment_profile")
    g = segmented.groupby("segment", observed=False)
    prof = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["monetary_total"].sum(),
        "median_days_since_last": g["days_since_last"].median(),
        "mean_orders": g["n_orders"].mean(),
        "mean_revenue": g["monetary_total"].mean(),
    })
    n, rev = prof["customers"].sum(), prof["revenue"].sum()
    prof.insert(1, "customer_share", prof["customers"] / n if n else 0.0)
    prof.insert(3, "revenue_share", prof["revenue"] / rev if rev else 0.0)
    prof["tiny"] = prof["customer_share"] < min_share
    return prof


# --------------------------------------------------------------------------------------------
# migration and cohorts
# --------------------------------------------------------------------------------------------
def rfm_snapshot(
    transactions: pd.DataFrame,
    as_of: Any,
    method: str = "fixed",
    thresholds: Mapping[str, Sequence[float]] | None = None,
    segment_map: Mapping[str, Any] | None = None,
    window_days: int | None = None,
) -> pd.DataFrame:
    """Segments as they stood on ``as_of`` (only transactions up to that day are used).

    ``window_days`` limits the summary to the last ``window_days`` before ``as_of``, so F and M
    describe recent behaviour; by default the whole history is used. Fixed thresholds are the
    default so that two snapshots are scored with the same yardstick.
    """
    tx = transactions
    if window_days is not None:
        dates = _as_datetime(tx["purchase_date"], "purchase_date")
        start = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=window_days - 1)
        tx = tx[dates >= start]
    summary = customer_summary(tx, observation_end=as_of)
    return rfm_segments(summary, method=method, thresholds=thresholds, segment_map=segment_map)


def segment_migration(
    before: pd.DataFrame, after: pd.DataFrame, normalize: bool = False,
    absent: str = "(none)",
) -> pd.DataFrame:
    """Transition matrix of segments between two snapshots (rows: before, columns: after).

    Customers present in only one snapshot appear in the row or column ``absent`` (new
    customers come from it; nobody leaves to it when the second snapshot covers all history).
    With ``normalize=True`` each row is divided by its total: the share of a segment's
    customers that moved to each segment.
    """
    for name, frame in (("before", before), ("after", after)):
        if "segment" not in frame.columns:
            raise DataProblem(f"segment_migration: {name!r} has no 'segment' column; pass "
                              "tables made by rfm_segments or rfm_snapshot.")
    order = list(dict.fromkeys([*before["segment"].cat.categories,
                                *after["segment"].cat.categories]))
    b = before["segment"].astype(object)
    a = after["segment"].astype(object)
    both = pd.concat([b.rename("before"), a.rename("after")], axis=1).fillna(absent)
    cats = [*order, absent]
    matrix = pd.crosstab(pd.Categorical(both["before"], categories=cats),
                         pd.Categorical(both["after"], categories=cats), dropna=False)
    matrix.index.name, matrix.columns.name = "before", "after"
    if normalize:
        totals = matrix.sum(axis=1)
        matrix = matrix.div(totals.where(totals > 0), axis=0).fillna(0.0)
    return matrix


def cohort_retention(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "purchase_date",
    amount_col: str = "amount",
    max_months: int | None = None,
) -> pd.DataFrame:
    """Share of each first-purchase-month cohort that buys again 0, 1, 2 ... months later.

    Returns a table indexed by cohort month (``Period``) with a ``size`` column and one
    column per month since the first purchase (0 is always 1.0). Returns are left out.
    """
    _require_columns(transactions, [customer_col, date_col, amount_col], _TABLE)
    amount = _as_number(transactions[amount_col], amount_col)
    dates = _as_datetime(transactions[date_col], date_col)
    ok = transactions[customer_col].notna().to_numpy() & dates.notna().to_numpy() & (amount > 0)
    if "is_return" in transactions.columns:
        ok &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    if not ok.any():
        raise DataProblem(f"{_TABLE}: no purchase to build cohorts from.")
    codes, _ = pd.factorize(transactions[customer_col].to_numpy()[ok])
    m = dates.to_numpy()[ok].astype("datetime64[M]").astype("int64")
    first = np.full(codes.max() + 1, np.iinfo("int64").max)
    np.minimum.at(first, codes, m)
    cohort = first[codes]
    since = m - cohort
    pairs = pd.DataFrame({"cohort": cohort, "since": since, "c": codes}).drop_duplicates()
    counts = pairs.groupby(["cohort", "since"]).size().unstack(fill_value=0)
    size = counts[0]
    table = counts.div(size, axis=0)
    if max_months is not None:
        table = table.loc[:, table.columns <= max_months]
    # cells after the data ends are unknown, not zero
    months_known = int(m.max()) - table.index.to_numpy()
    table = table.mask(table.columns.to_numpy()[None, :] > months_known[:, None])
    table.index = pd.PeriodIndex(table.index.to_numpy().astype("datetime64[M]"), freq="M",
                                 name="cohort")
    table.columns = pd.Index(table.columns.astype(int), name="months since first purchase")
    table.insert(0, "size", size.to_numpy())
    return table


# --------------------------------------------------------------------------------------------
# widget
# --------------------------------------------------------------------------------------------
def rfm_view(
    summary: pd.DataFrame,
    method: str = "quantile",
    r_days: Sequence[float] = (30, 90, 180, 365),
    f_orders: Sequence[float] = (2, 3, 5, 8),
    m_money: Sequence[float] = (100, 300, 1000, 3000),
    segment_map: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """What the RFM widget shows: the segment profile for one scoring choice (pure, fast)."""
    thresholds = {"r": list(r_days), "f": list(f_orders), "m": list(m_money)}
    seg = rfm_segments(summary, method=method,
                       thresholds=thresholds if method == "fixed" else None,
                       segment_map=segment_map or load_segment_map())
    return segment_profile(seg)


def explore_rfm(summary: pd.DataFrame, segment_map: Mapping[str, Any] | None = None) -> Any:
    """Widget: choose the scoring scheme and thresholds; segments and revenue shares update."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    smap = segment_map or load_segment_map()
    fixed = smap.get("fixed_thresholds", {"r": [30, 90, 180, 365], "f": [2, 3, 5, 8],
                                          "m": [100, 300, 1000, 3000]})
    method = w.ToggleButtons(options=["quantile", "fixed"], description="Scoring")
    r_best = w.IntSlider(value=int(fixed["r"][0]), min=7, max=180, step=7,
                         description="R=5 if days ≤")
    r_worst = w.IntSlider(value=int(fixed["r"][-1]), min=90, max=730, step=15,
                          description="R=1 if days >")
    f_top = w.IntSlider(value=int(fixed["f"][-1]), min=3, max=30, description="F=5 if orders ≥")
    out = w.Output()

    def redraw(*_: Any) -> None:
        lo, hi = r_best.value, max(r_worst.value, r_best.value + 3)
        r_edges = list(np.linspace(lo, hi, 4).round())
        f_edges = sorted({2, *np.linspace(2, max(f_top.value, 5), 4).round().astype(int)})
        while len(f_edges) < 4:
            f_edges.append(f_edges[-1] + 1)
        prof = rfm_view(summary, method.value, r_edges, f_edges[:4], fixed["m"], smap)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(9, 4))
            plot_segments(prof, ax=ax)
            plt.show()

    for control in (method, r_best, r_worst, f_top):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([method, w.HBox([r_best, r_worst, f_top]), out])


# --------------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------------
def plot_rf_heatmap(segmented: pd.DataFrame, value: str = "customers", ax: Any = None) -> Any:
    """Heat map of the R × F grid: number of customers (or ``value="revenue"``) per cell."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    if value == "revenue":
        grid = segmented.pivot_table(index="r_score", columns="f_score", values="monetary_total",
                                     aggfunc="sum", fill_value=0)
    else:
        grid = pd.crosstab(segmented["r_score"], segmented["f_score"])
    grid = grid.sort_index(ascending=False)
    im = ax.imshow(grid.to_numpy(), cmap="YlGnBu", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xlabel("F score (orders)")
    ax.set_ylabel("R score (recency)")
    for (i, j), v in np.ndenumerate(grid.to_numpy()):
        ax.text(j, i, f"{v:,.0f}", ha="center", va="center", fontsize=8)
    ax.figure.colorbar(im, ax=ax, label=value)
    ax.set_title(f"{value.capitalize()} by R and F score")
    return ax


def plot_segments(profile: pd.DataFrame, ax: Any = None) -> Any:
    """Bars: share of customers and share of revenue per segment (from :func:`segment_profile`)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(len(profile))
    ax.bar(x - 0.2, profile["customer_share"], width=0.4, label="share of customers")
    ax.bar(x + 0.2, profile["revenue_share"], width=0.4, label="share of revenue")
    ax.set_xticks(x, [str(i) for i in profile.index], rotation=35, ha="right")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend()
    ax.set_title("Segments: customers vs revenue")
    return ax


def plot_migration(matrix: pd.DataFrame, ax: Any = None) -> Any:
    """Heat map of a transition matrix (row shares) from :func:`segment_migration`."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 7))
    totals = matrix.sum(axis=1)
    shares = matrix.div(totals.where(totals > 0), axis=0).fillna(0.0)
    im = ax.imshow(shares.to_numpy(), cmap="Purples", vmin=0, vmax=1)
    ax.set_xticks(range(shares.shape[1]), shares.columns, rotation=45, ha="right")
    ax.set_yticks(range(shares.shape[0]), shares.index)
    ax.set_xlabel("segment after")
    ax.set_ylabel("segment before")
    for (i, j), v in np.ndenumerate(shares.to_numpy()):
        if v >= 0.05:
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7,
                    color="white" if v > 0.6 else "black")
    ax.figure.colorbar(im, ax=ax, label="share of the row's customers")
    ax.set_title("Where each segment went")
    return ax


def plot_cohorts(table: pd.DataFrame, ax: Any = None, max_months: int = 12) -> Any:
    """Heat map of a cohort retention table from :func:`cohort_retention`."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 6))
    cols = [c for c in table.columns if c != "size" and int(c) <= max_months]
    data = table[cols].astype(float).to_numpy()
    im = ax.imshow(data, cmap="Greens", vmin=0, vmax=np.nanmax(data[:, 1:]) if
                   data.shape[1] > 1 and np.isfinite(data[:, 1:]).any() else 1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(table)), [str(p) for p in table.index])
    ax.set_xlabel("months since first purchase")
    ax.set_ylabel("cohort (first purchase month)")
    ax.figure.colorbar(im, ax=ax, label="share buying that month")
    ax.set_title("Cohort retention")
    return ax
