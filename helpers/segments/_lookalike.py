"""Look-alike targeting: rank prospects by how closely they resemble the loyal customers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from helpers.caveats import all_equal, caveat
from helpers.errors import DataProblem, require_columns, sample_rows
from helpers.segments._clusters import one_thread

__all__ = ["LOOKALIKE_CATEGORICAL", "LOOKALIKE_NUMERIC", "attribute_matrix",
           "lookalike_attributes", "lookalike_scores", "prospect_ids"]

#: Customer attributes known before anybody buys, used for look-alikes when present.
LOOKALIKE_NUMERIC = ("birth_year", "children", "employees")
LOOKALIKE_CATEGORICAL = ("customer_kind", "income_band", "marital_status", "acquisition_channel",
                         "industry", "outlet_format")

_SAME_SCORES_FIX = ("The candidates do not differ from the seed group on the chosen columns, so "
                    "the top of the list is just the first ids; choose attribute columns that "
                    "vary (birth_year, income_band, channel ...).")


def attribute_matrix(frame: pd.DataFrame, numeric: Sequence[str] = (),
                     categorical: Sequence[str] = ()) -> pd.DataFrame:
    """Profile attributes as numbers, for comparing customers with prospects.

    Numeric columns are standardised (missing -> column median), categorical columns one-hot
    encoded (missing -> its own "unknown" column). Used by :func:`lookalike_scores` so
    customers and prospects are compared on what is known before anybody buys (age, income
    band, channel, industry ...).

    Parameters
    ----------
    frame : DataFrame
        One row per person (customers and prospects).
    numeric, categorical : list of str
        The columns to use.

    Returns
    -------
    DataFrame
        Same index, all columns float.

    Raises
    ------
    DataProblem
        If no column is chosen or a column is missing.

    Examples
    --------
    >>> m = attribute_matrix(pd.DataFrame({"x": [1.0, None, 3.0], "c": ["a", None, "a"]}),
    ...                      numeric=["x"], categorical=["c"])
    >>> list(m.columns)
    ['x', 'c_a', 'c_unknown']
    """
    if not numeric and not categorical:
        raise DataProblem("attribute_matrix: choose at least one column")
    require_columns(frame, [*numeric, *categorical], "attribute_matrix",
                    fix="choose columns the table has.")
    parts = []
    for c in numeric:
        x = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        x = x.fillna(x.median() if x.notna().any() else 0.0)
        sd = x.std(ddof=0)
        parts.append(((x - x.mean()) / (sd if sd > 0 else 1.0)).rename(c))
    for c in categorical:
        parts.append(pd.get_dummies(frame[c].astype("object").fillna("unknown"), prefix=c,
                                    dtype="float64"))
    return pd.concat(parts, axis=1)


def lookalike_attributes(customers: pd.DataFrame | None) -> tuple[list[str], list[str]]:
    """The numeric and categorical look-alike attributes a customer list has.

    Parameters
    ----------
    customers : DataFrame or None
        The customers table (or ``None`` when the run has none).

    Returns
    -------
    tuple of two lists
        Columns of :data:`LOOKALIKE_NUMERIC` and :data:`LOOKALIKE_CATEGORICAL` present in
        ``customers`` with at least one value (both empty when there is no customer list).

    Examples
    --------
    >>> lookalike_attributes(pd.DataFrame({"customer_id": ["a"], "income_band": ["low"],
    ...                                    "children": [None]}))
    ([], ['income_band'])
    """
    if customers is None:
        return [], []
    present = [c for c in customers.columns if customers[c].notna().any()]
    return ([c for c in LOOKALIKE_NUMERIC if c in present],
            [c for c in LOOKALIKE_CATEGORICAL if c in present])


def _ids(selection: Any) -> pd.Index:
    """Ids from a boolean Series (the true rows) or a list of ids."""
    if isinstance(selection, pd.Series) and selection.dtype == bool:
        return selection[selection].index
    return pd.Index(list(selection))


def lookalike_scores(matrix: pd.DataFrame, seeds: pd.Series | Sequence[Any],
                     candidates: pd.Series | Sequence[Any] | None = None,
                     n_neighbors: int = 10) -> pd.Series:
    """Similarity of each candidate to the seed group (e.g. loyal customers), 0 to 1.

    For each candidate: the mean distance to its ``n_neighbors`` nearest seed customers in
    the attribute space; the score is ``1 / (1 + distance)``. Higher means "looks like our loyal
    customers", so the top of the list is where a sales team calls first.

    Parameters
    ----------
    matrix : DataFrame
        :func:`attribute_matrix` for seeds and candidates together (same columns).
    seeds : boolean Series or list of ids
        The customers to resemble.
    candidates : boolean Series or list of ids, optional
        Whom to score (default: everyone not in ``seeds``).
    n_neighbors : int
        How many of the nearest seed customers are averaged.

    Returns
    -------
    Series
        ``lookalike_score`` per candidate, best first (all equal: a :class:`~helpers.caveats.Caveat`).

    Raises
    ------
    DataProblem
        If the seed group or the candidates are empty or not in the matrix.
    """
    # deferred: scikit-learn takes seconds to import (see helpers.segments._clusters)
    from sklearn.neighbors import NearestNeighbors

    seed_ids = _ids(seeds)
    unknown = seed_ids.difference(matrix.index)
    if len(unknown):
        raise DataProblem(f"lookalike_scores: seed ids not in the matrix, e.g. "
                          f"{sample_rows(unknown)}")
    if len(seed_ids) == 0:
        raise DataProblem("lookalike_scores: the seed group is empty; nobody to resemble")
    cand_ids = matrix.index.difference(seed_ids) if candidates is None else _ids(candidates)
    if len(cand_ids) == 0:
        raise DataProblem("lookalike_scores: there is nobody to score (no candidates); choose "
                          "prospects with prospect_ids(...) or pass candidates=")
    unknown = cand_ids.difference(matrix.index)
    if len(unknown):
        raise DataProblem(f"lookalike_scores: candidate ids not in the matrix, e.g. "
                          f"{sample_rows(unknown)}")
    nn = NearestNeighbors(n_neighbors=min(n_neighbors, len(seed_ids)))
    with one_thread():
        nn.fit(matrix.loc[seed_ids].to_numpy())
        dist, _ = nn.kneighbors(matrix.loc[cand_ids].to_numpy())
    score = 1.0 / (1.0 + dist.mean(axis=1))
    caveat(all_equal(score, "look-alike scores", fix=_SAME_SCORES_FIX))
    return pd.Series(score, index=cand_ids, name="lookalike_score").sort_values(
        ascending=False, kind="stable")


def prospect_ids(all_ids: Iterable[Any], summary: pd.DataFrame, exclude: Iterable[Any] = (),
                 max_orders: int = 1) -> pd.Index:
    """Whom to score for look-alikes: people who never bought, plus buyers with few orders.

    Buyers with at most ``max_orders`` purchase days are new and one-off customers still to win
    over; ``exclude`` (the model group) is left out.

    Parameters
    ----------
    all_ids : iterable
        Everybody (e.g. the customers table's ``customer_id``).
    summary : DataFrame
        :func:`customer_summary` (needs ``n_orders``).
    exclude : iterable
        Ids to leave out.
    max_orders : int
        Buyers with at most this many orders count as prospects.

    Returns
    -------
    Index
        The prospects' ids, as text.

    Raises
    ------
    DataProblem
        If the summary has no ``n_orders``.

    Examples
    --------
    >>> summary = pd.DataFrame({"n_orders": [1, 3, 1, 7]}, index=["a", "b", "c", "d"])
    >>> list(prospect_ids(["a", "b", "c", "d", "e"], summary, exclude=["c"]))
    ['a', 'e']
    """
    require_columns(summary, ["n_orders"], "prospect_ids: the summary",
                    fix="build it with helpers.segments.customer_summary.")
    everyone = pd.Index(list(all_ids)).astype(str)
    bought = summary.index.astype(str)
    few = bought[summary["n_orders"].to_numpy() <= max_orders]
    never = everyone.difference(bought)
    return never.union(few.intersection(everyone)).difference(pd.Index(list(exclude)).astype(str))
