"""Look-alike targeting: rank prospects by how closely they resemble the loyal customers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from helpers._threads import one_thread
from helpers.caveats import AUC_LEAK, all_equal, auc_caveat, caveat
from helpers.errors import DataProblem, require_columns, sample_rows

__all__ = ["LOOKALIKE_CATEGORICAL", "LOOKALIKE_NUMERIC", "LookalikeCheck", "attribute_matrix",
           "lookalike_attributes", "lookalike_backtest", "lookalike_scores", "prospect_ids",
           "truth_auc"]

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
                 max_orders: int = 0) -> pd.Index:
    """Whom to score for look-alikes: the people on the list who have not bought yet.

    These are the source's prospects (潜在客户: not bought yet, but could). ``max_orders``
    above 0 also admits buyers with at most that many purchase days (new customers still to win
    over): an extension of the source's meaning, off by default. ``exclude`` (the model group)
    is left out.

    Parameters
    ----------
    all_ids : iterable
        Everybody (e.g. the customers table's ``customer_id``).
    summary : DataFrame
        :func:`customer_summary` of the buyers (needs ``n_orders``).
    exclude : iterable
        Ids to leave out.
    max_orders : int
        0 (default): never-bought people only; k > 0: also buyers with at most k orders.

    Returns
    -------
    Index
        The prospects' ids, as text.

    Raises
    ------
    DataProblem
        If the summary has no ``n_orders`` or ``max_orders`` is negative.

    Examples
    --------
    >>> summary = pd.DataFrame({"n_orders": [1, 3, 1, 7]}, index=["a", "b", "c", "d"])
    >>> list(prospect_ids(["a", "b", "c", "d", "e", "f"], summary, exclude=["f"]))
    ['e']
    >>> list(prospect_ids(["a", "b", "c", "d", "e"], summary, exclude=["c"], max_orders=1))
    ['a', 'e']
    """
    require_columns(summary, ["n_orders"], "prospect_ids: the summary",
                    fix="build it with helpers.segments.customer_summary.")
    if max_orders < 0:
        raise DataProblem(f"prospect_ids: max_orders={max_orders} is negative; use 0 for the "
                          "people who never bought, or k > 0 to add buyers with up to k orders")
    everyone = pd.Index(list(all_ids)).astype(str)
    bought = summary.index.astype(str)
    few = bought[summary["n_orders"].to_numpy() <= max_orders]
    never = everyone.difference(bought)
    return never.union(few.intersection(everyone)).difference(pd.Index(list(exclude)).astype(str))


class LookalikeCheck(NamedTuple):
    """The result of :func:`lookalike_backtest`."""

    #: P(a hidden model-group member scores above another buyer): 0.5 = no better than chance.
    auc: float
    #: How many of the model group were hidden and scored.
    held_out: int
    #: How many other buyers were scored against them.
    others: int
    #: The scores of the hidden members and the other buyers (best first).
    scores: pd.Series
    #: True for the hidden model-group members, indexed like ``scores``.
    is_model: pd.Series


def _rank_auc(is_pos: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve by ranks (Mann-Whitney U), ties counted half."""
    from scipy import stats  # deferred: scipy.stats takes over a second to import
    ranks = stats.rankdata(score)
    n_pos = int(is_pos.sum())
    n_neg = len(is_pos) - n_pos
    return float((ranks[is_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def truth_auc(scores: pd.Series, truth: pd.Series,
              become: Sequence[str] = ("loyal", "high_value_org")) -> float | None:
    """How well the look-alike scores rank the prospects who would become ``become`` (AUC).

    Only the course's generated data knows what a prospect would become (``truth``: the planted
    type per customer id); on an analyst's data use :func:`lookalike_backtest` instead.

    Parameters
    ----------
    scores : Series
        :func:`lookalike_scores` of the prospects, indexed by customer id.
    truth : Series
        The planted type per customer id.
    become : sequence of str
        The types that count as "became a good customer".

    Returns
    -------
    float or None
        The AUC (0.5: no better than chance), or ``None`` when the prospects are all of one kind.

    Examples
    --------
    >>> truth_auc(pd.Series([0.9, 0.2, 0.7], index=["a", "b", "c"]),
    ...           pd.Series({"a": "loyal", "b": "bargain", "c": "bargain"}))
    1.0
    """
    future = truth.reindex(scores.index).isin(list(become)).to_numpy()
    if future.all() or not future.any():
        return None
    return _rank_auc(future, scores.to_numpy(dtype=float))


def _backtest_groups(index: pd.Index, seeds: Any, others: Any) -> tuple[pd.Index, pd.Index]:
    """The model group and the other buyers present in the matrix, checked for size."""
    seed_ids = pd.Index(_ids(seeds)).astype(str).intersection(index)
    other_ids = pd.Index(_ids(others)).astype(str).intersection(index).difference(seed_ids)
    if len(seed_ids) < 2 or len(other_ids) == 0:
        raise DataProblem(f"lookalike_backtest: {len(seed_ids):,} model-group members and "
                          f"{len(other_ids):,} other buyers in the matrix; the check needs at "
                          "least 2 and 1 (hide one, keep one, compare with somebody else)")
    return seed_ids, other_ids


# Long: the numpydoc docstring and its worked example are two thirds of it; the body is 20 lines
def lookalike_backtest(matrix: pd.DataFrame, seeds: pd.Series | Sequence[Any],
                       others: pd.Series | Sequence[Any], holdout: float = 0.3,
                       n_neighbors: int = 10, seed: int = 2024) -> LookalikeCheck:
    """Does resemblance mean anything on this data? Hide part of the model group and look.

    A random ``holdout`` share of the model group is set aside; the rest is the model. The
    hidden members and the ``others`` (buyers outside the model group) are scored with
    :func:`lookalike_scores`. If the attributes carry a signal, the hidden members score higher:
    the AUC is the chance that a hidden member outscores another buyer (0.5: a coin toss, the
    look-alike list is no better than a random one; 1: perfect). It needs no planted truth, so
    it runs on any customer list. An AUC near 0.5 comes with a :class:`~helpers.caveats.Caveat`.

    Parameters
    ----------
    matrix : DataFrame
        :func:`attribute_matrix` of everybody involved.
    seeds : boolean Series or list of ids
        The model group (e.g. champions and loyal customers).
    others : boolean Series or list of ids
        The buyers outside the model group.
    holdout : float
        Share of the model group hidden (between 0 and 1).
    n_neighbors : int
        As in :func:`lookalike_scores`.
    seed : int
        Random seed of the hidden share.

    Returns
    -------
    LookalikeCheck
        ``auc``, ``held_out``, ``others``, ``scores``, ``is_model``.

    Raises
    ------
    DataProblem
        If ``holdout`` is not between 0 and 1, or either group is too small (the model group
        needs at least 2 members, so one can be hidden and one kept; others at least 1).

    Examples
    --------
    >>> m = pd.DataFrame({"x": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 5.0, 0.35, 6.0, 7.0]},
    ...                  index=list("abcdefghij"))
    >>> check = lookalike_backtest(m, list("abcdef"), list("ghij"), holdout=0.5, n_neighbors=1)
    >>> round(check.auc, 3), check.held_out, check.others   # h looks like the model group
    (0.75, 3, 4)
    """
    if not 0 < holdout < 1:
        raise DataProblem(f"lookalike_backtest: holdout={holdout} must be between 0 and 1 (the "
                          "share of the model group hidden), e.g. 0.3")
    matrix = matrix.set_axis(matrix.index.astype(str))
    seed_ids, other_ids = _backtest_groups(matrix.index, seeds, others)
    n_hidden = min(max(1, int(round(holdout * len(seed_ids)))), len(seed_ids) - 1)
    rng = np.random.default_rng(seed)
    hidden = pd.Index(rng.choice(seed_ids.to_numpy(), size=n_hidden, replace=False))
    model = seed_ids.difference(hidden)
    scores = lookalike_scores(matrix, model, hidden.append(other_ids), n_neighbors=n_neighbors)
    is_model = pd.Series(scores.index.isin(hidden), index=scores.index, name="in_model_group")
    auc = _rank_auc(is_model.to_numpy(), scores.to_numpy())
    if auc > AUC_LEAK:
        caveat(f"look-alike back-test AUC {auc:.3f} is above {AUC_LEAK:g}: suspiciously good; "
               "check that no attribute is filled in only after people buy (a customer grade, a "
               "loyalty-card number) and leave it out of the attribute columns.")
    else:
        caveat(auc_caveat(auc, "look-alike back-test AUC"))
    return LookalikeCheck(auc, n_hidden, len(other_ids), scores, is_model)
