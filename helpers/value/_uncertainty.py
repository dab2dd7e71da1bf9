"""How sure a fit is: standard errors from the Hessian, and bootstrap intervals on predictions.

Two kinds of uncertainty, both about the *parameters* (the population), not about what one
customer will do:

* :func:`standard_errors`: the numerical Hessian of the negative log-likelihood at the optimum,
  in the natural parameter space (``r``, ``alpha``, … themselves), inverted. The square roots
  of its diagonal are the standard errors; the intervals are computed on the log scale
  (``estimate × exp(±z·se/estimate)``), so they stay positive and are not symmetric. A Hessian
  that is not positive definite (a flat or saddle direction: the data does not pin a parameter
  down) gives no standard errors and a :class:`HessianWarning`. For BG/NBD, MBG/NBD,
  Pareto/NBD and Gamma-Gamma fits.
* :func:`bootstrap_intervals`: customers resampled with replacement (a seeded numpy
  ``Generator``), the models refitted on each replicate (warm-started at the fit), and the
  expected purchases, P(alive) and CLV of every customer (or of every ``segment``) recomputed:
  the percentile interval at ``level``. :func:`bootstrap_parameters` gives the refitted
  parameters themselves.

>>> from helpers.value import BGNBDFit
>>> s = pd.DataFrame({"frequency": [0, 1, 2, 4, 0, 3, 1, 6], "recency": [0, 5, 9, 30, 0, 20, 2, 35.],
...                   "T": [10, 20, 30, 40, 40, 30, 20, 40.]})
>>> fit = BGNBDFit(r=1.0, alpha=10.0, a=0.5, b=2.0, loglik=0.0, n_customers=8)
>>> list(standard_errors(fit, s, check_optimum=False).columns)
['estimate', 'se', 'lower', 'upper']
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from helpers._threads import one_thread
from helpers.caveats import Caveat, caveat
from helpers.errors import DataProblem, sample_rows

from ._bgnbd import BGNBDFit, _bgnbd_terms
from ._gamma_gamma import GammaGammaFit, _gg_terms
from ._horizon import _clv_arrays, _clv_inputs, _ClvInputs, predict_customers
from ._inputs import frequency_recency_t, summary_column
from ._mbgnbd import MBGNBDFit, _mbg_terms
from ._optimise import _runs_off, minimise, penalised
from ._pareto_nbd import ParetoNBDFit, _pairs, _pareto_terms

__all__ = ["HessianWarning", "bootstrap_intervals", "bootstrap_parameters",
           "numerical_hessian", "parameter_covariance", "standard_errors"]

Terms = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]]

#: Fewest replicates for a percentile interval worth reading (its ends rest on few replicates).
MIN_REPLICATES = 50
#: Share of replicates whose refit may fail before the intervals come with a caveat.
MAX_FAILED_SHARE = 0.05


class HessianWarning(Caveat):
    """The Hessian at the optimum is not positive definite: no standard errors."""


@dataclass(frozen=True)
class _Problem:
    """A likelihood on distinct rows: names, log parameters at the fit, row terms, weights.

    ``rows`` maps each customer of the summary to its distinct row (``-1``: not used by the
    model, e.g. one-time buyers in Gamma-Gamma), which is how a bootstrap replicate's weights
    are built.
    """

    what: str
    names: tuple[str, ...]
    log_params: np.ndarray
    terms: Terms
    weights: np.ndarray
    rows: np.ndarray


def _distinct(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Distinct rows of ``columns``, their counts, and the distinct row of every input row."""
    codes, uniques = pd.MultiIndex.from_arrays(list(columns)).factorize()
    keys = [uniques.get_level_values(i).to_numpy(dtype=float) for i in range(len(columns))]
    return keys, np.bincount(codes, minlength=len(uniques)).astype(float), codes


def _purchase_problem(fit: Any, summary: pd.DataFrame) -> _Problem:
    x, t_x, big_t, _ = frequency_recency_t(summary)
    (ux, ut, u_big), w, rows = _distinct(x, t_x, big_t)
    names = tuple(fit.params)
    lp = np.log(np.array(list(fit.params.values()), dtype=float))
    if isinstance(fit, ParetoNBDFit):
        pairs = _pairs(ux, ut, u_big)
        return _Problem("Pareto/NBD", names, lp,
                        lambda p: _pareto_terms(p, ux, ut, u_big, pairs=pairs), w, rows)
    groups = np.unique(ux, return_inverse=True)
    if isinstance(fit, MBGNBDFit):
        return _Problem("MBG/NBD", names, lp,
                        lambda p: _mbg_terms(p, ux, ut, u_big, x_groups=groups), w, rows)
    return _Problem("BG/NBD", names, lp,
                    lambda p: _bgnbd_terms(p, ux, ut, u_big, x_groups=groups), w, rows)


def _spend_problem(fit: GammaGammaFit, summary: pd.DataFrame) -> _Problem:
    x, _ = summary_column(summary, "frequency", None)
    m, _ = summary_column(summary, "monetary_value", None)
    use = (x > 0) & (m > 0)
    if use.sum() < 10:
        raise DataProblem(f"Gamma-Gamma: only {int(use.sum())} repeat buyer(s) with a positive "
                          "mean spend in the summary; at least 10 are needed.")
    (ux, um), w, codes = _distinct(x[use], m[use])
    rows = np.full(len(x), -1)
    rows[use] = codes
    lp = np.log([fit.p, fit.q, fit.gamma])
    return _Problem("Gamma-Gamma", ("p", "q", "gamma"), lp, lambda p: _gg_terms(p, ux, um), w,
                    rows)


def _problem(fit: Any, summary: pd.DataFrame) -> _Problem:
    if isinstance(fit, GammaGammaFit):
        return _spend_problem(fit, summary)
    if isinstance(fit, BGNBDFit | MBGNBDFit | ParetoNBDFit):
        return _purchase_problem(fit, summary)
    raise DataProblem(f"uncertainty: {type(fit).__name__} is not supported; give a BGNBDFit, "
                      "MBGNBDFit, ParetoNBDFit or GammaGammaFit.")


def numerical_hessian(gradient: Callable[[np.ndarray], np.ndarray], at: np.ndarray,
                      step: float = 1e-5) -> np.ndarray:
    """Hessian by central differences of an (analytic) gradient, symmetrised.

    Parameters
    ----------
    gradient : callable
        ``gradient(point) -> ndarray`` of the function whose Hessian is wanted.
    at : ndarray
        The point.
    step : float
        Difference step in each coordinate.

    Returns
    -------
    ndarray
        ``(k, k)``.

    Examples
    --------
    >>> numerical_hessian(lambda v: np.array([2 * v[0] + v[1], v[0] + 6 * v[1]]),
    ...                   np.zeros(2)).round(6).tolist()
    [[2.0, 1.0], [1.0, 6.0]]
    """
    at = np.asarray(at, dtype=float)
    cols = []
    for j in range(len(at)):
        e = np.zeros_like(at)
        e[j] = step
        cols.append((gradient(at + e) - gradient(at - e)) / (2 * step))
    h = np.column_stack(cols)
    return (h + h.T) / 2


def _gradient(problem: _Problem) -> Callable[[np.ndarray], np.ndarray]:
    """Gradient of the total negative log-likelihood in the log parameters."""
    def grad(lp: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            _, g = problem.terms(lp)
        assert g is not None
        return -(g @ problem.weights)
    return grad


def natural_hessian(h_log: np.ndarray, g_log: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Hessian in ``theta`` from the one in ``log theta`` (and the gradient there).

    ``∂²f/∂θi∂θj = F_ij / (θi θj) - δ_ij F_i / θi²`` for ``f(θ) = F(log θ)``.
    """
    return h_log / np.outer(theta, theta) - np.diag(g_log / theta**2)


def covariance_from_hessian(hessian: np.ndarray, what: str) -> np.ndarray:
    """Inverse of a Hessian, or NaNs and a :class:`HessianWarning` when it is not positive definite."""
    eig = np.linalg.eigvalsh(hessian) if np.all(np.isfinite(hessian)) else np.array([np.nan])
    scale = float(np.nanmax(np.abs(eig))) if np.any(np.isfinite(eig)) else 0.0
    if not np.all(np.isfinite(eig)) or eig.min() <= 1e-12 * scale:
        warnings.warn(
            f"{what}: the Hessian of the negative log-likelihood at the optimum is not positive "
            f"definite (smallest eigenvalue {float(np.nanmin(eig)):.3g}): the data does not pin "
            "down at least one parameter (a flat or saddle direction), so there are no standard "
            "errors. Try more data, a penalizer, or a simpler model.", HessianWarning,
            stacklevel=4)
        return np.full_like(hessian, np.nan)
    return np.linalg.inv(hessian)


def _check_optimum(problem: _Problem, g_log: np.ndarray, converged: bool) -> None:
    """Caveat when the fit did not converge or is not an optimum of this summary's likelihood."""
    if not converged:
        caveat(f"{problem.what}: the fit did not converge, so the standard errors describe a "
               "point that is not the optimum.", stacklevel=4)
        return
    per_customer = np.abs(g_log) / problem.weights.sum()
    if np.any(per_customer > 1e-3):
        caveat(f"{problem.what}: the log-likelihood's gradient at the fitted parameters is "
               f"{sample_rows(np.round(per_customer, 4))} per customer, not 0: the fit was "
               "probably made on another summary (or with a penalizer); the standard errors "
               "are those of a point that is not this summary's optimum.", stacklevel=4)


def parameter_covariance(fit: Any, summary: pd.DataFrame,
                         check_optimum: bool = True) -> pd.DataFrame:
    """Covariance matrix of the fitted parameters (inverse Hessian, natural parameter space).

    Parameters
    ----------
    fit : BGNBDFit, MBGNBDFit, ParetoNBDFit or GammaGammaFit
        A fit made on ``summary`` without a penalizer.
    summary : DataFrame
        The summary the model was fitted on.
    check_optimum : bool
        Caveat when the fit did not converge or its parameters are not an optimum of this
        summary's likelihood (gradient not 0).

    Returns
    -------
    DataFrame
        Parameters × parameters; NaN (with a :class:`HessianWarning`) when the Hessian is not
        positive definite.

    Raises
    ------
    DataProblem
        A fit of an unsupported model, or a bad summary.
    """
    problem = _problem(fit, summary)
    grad = _gradient(problem)
    g_log = grad(problem.log_params)
    if check_optimum:
        _check_optimum(problem, g_log, bool(getattr(fit, "converged", True)))
    theta = np.exp(problem.log_params)
    h = natural_hessian(numerical_hessian(grad, problem.log_params), g_log, theta)
    cov = covariance_from_hessian(h, problem.what)
    return pd.DataFrame(cov, index=list(problem.names), columns=list(problem.names))


def _z(level: float) -> float:
    from scipy import stats  # deferred: scipy.stats takes over a second to import
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise DataProblem(f"level must be between 0 and 1 (0.95 for a 95 % interval), got "
                          f"{level!r}.")
    return float(stats.norm.ppf(0.5 + level / 2))


def standard_errors(fit: Any, summary: pd.DataFrame, level: float = 0.95,
                    check_optimum: bool = True) -> pd.DataFrame:
    """Standard errors and intervals of a fit's parameters, from the Hessian at the optimum.

    Parameters
    ----------
    fit : BGNBDFit, MBGNBDFit, ParetoNBDFit or GammaGammaFit
        A fit made on ``summary`` (without a penalizer).
    summary : DataFrame
        The summary the model was fitted on.
    level : float
        Coverage of the intervals (0.95: 95 %).
    check_optimum : bool
        See :func:`parameter_covariance`.

    Returns
    -------
    DataFrame
        One row per parameter: ``estimate``, ``se`` (natural scale, as ``lifetimes``'
        ``se(coef)``), ``lower``, ``upper`` (on the log scale: ``estimate × exp(±z se /
        estimate)``, always positive).

    Raises
    ------
    DataProblem
        A fit of an unsupported model, a bad summary or level.

    Warns
    -----
    HessianWarning
        The Hessian is not positive definite: ``se``, ``lower``, ``upper`` are NaN.
    """
    z = _z(level)
    cov = parameter_covariance(fit, summary, check_optimum)
    est = pd.Series({k: float(getattr(fit, k)) for k in cov.index})
    se = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=cov.index)
    spread = np.exp(z * se / est)
    return pd.DataFrame({"estimate": est, "se": se, "lower": est / spread,
                         "upper": est * spread})


# --------------------------------------------------------------------------------- bootstrap
def _refit(problem: _Problem, weights: np.ndarray) -> tuple[np.ndarray, bool]:
    """Refit on replicate ``weights`` from the original fit; the parameters and success.

    L-BFGS-B with the fits' analytic gradient, warm-started, to a tolerance (1e-10 in the mean
    log-likelihood) far below the bootstrap's own spread; a refit that fails gets the full
    :func:`minimise` (with its Nelder-Mead fallback) before it counts as failed.
    """
    objective = penalised(problem.terms, weights, 0.0)
    with np.errstate(all="ignore"):
        res = optimize.minimize(objective, problem.log_params, jac=True, method="L-BFGS-B",
                                bounds=[(-25.0, 25.0)] * len(problem.log_params),
                                options={"maxiter": 500, "ftol": 1e-10, "gtol": 1e-7})
    if res.success and np.all(np.isfinite(res.x)) and not _runs_off(res.x):
        return np.exp(res.x), True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res, ok = minimise(objective, problem.log_params, problem.what, strict=False)
    return np.exp(res.x), ok and not caught


def _replicate_counts(n: int, replicates: int, seed: int) -> np.ndarray:
    """How often each customer is drawn in each replicate (customers resampled, seeded)."""
    if not (isinstance(replicates, int) and replicates >= 2):
        raise DataProblem(f"replicates must be a whole number of 2 or more, got {replicates!r}.")
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1 / n), size=replicates)


def _replicate_params(problems: list[_Problem], counts: np.ndarray) -> tuple[list[np.ndarray],
                                                                           np.ndarray]:
    """Refitted parameters per problem (``(replicates, k)``) and which replicates all converged."""
    params = [np.empty((len(counts), len(p.names))) for p in problems]
    ok = np.ones(len(counts), dtype=bool)
    with one_thread("blas"):  # as in minimise, once around all the refits
        for b, drawn in enumerate(counts):
            for i, problem in enumerate(problems):
                used = problem.rows >= 0
                w = np.bincount(problem.rows[used], weights=drawn[used],
                                minlength=len(problem.weights))
                params[i][b], good = _refit(problem, w)
                ok[b] &= good
    return params, ok


def _failed_caveat(ok: np.ndarray, what: str) -> None:
    failed = int((~ok).sum())
    if failed > MAX_FAILED_SHARE * len(ok):
        caveat(f"{what}: the refit did not converge on {failed} of {len(ok)} bootstrap "
               "replicates (left out); the intervals may be too narrow. Check the fit, or use "
               "more data.", stacklevel=4)
    if int(ok.sum()) < MIN_REPLICATES:
        caveat(f"{what}: only {int(ok.sum())} bootstrap replicates (at least {MIN_REPLICATES} "
               "for a percentile interval worth reading; 200 is usual).", stacklevel=4)


def bootstrap_parameters(summary: pd.DataFrame, fit: Any, replicates: int = 200,
                         seed: int = 2024) -> pd.DataFrame:
    """The fit's parameters refitted on ``replicates`` bootstrap samples of the customers.

    Parameters
    ----------
    summary : DataFrame
        The summary ``fit`` was made on.
    fit : BGNBDFit, MBGNBDFit, ParetoNBDFit or GammaGammaFit
        The fit (each replicate starts from its parameters).
    replicates : int
        Number of bootstrap samples.
    seed : int
        Seed of the numpy ``Generator`` that draws the customers.

    Returns
    -------
    DataFrame
        One row per replicate, one column per parameter, and ``converged``.

    Raises
    ------
    DataProblem
        An unsupported fit, a bad summary, fewer than 2 replicates.
    """
    problem = _problem(fit, summary)
    counts = _replicate_counts(len(problem.rows), replicates, seed)
    (params,), ok = _replicate_params([problem], counts)
    _failed_caveat(ok, f"bootstrap_parameters ({problem.what})")
    out = pd.DataFrame(params, columns=list(problem.names))
    out.index.name = "replicate"
    return out.assign(converged=ok)


def _quantities(summary: pd.DataFrame, fit: Any, spend: GammaGammaFit | None,
                value: dict[str, Any] | _ClvInputs) -> pd.DataFrame:
    """Expected purchases, P(alive) (and CLV with a spend model) per customer.

    With a spend model, ``value`` may be the :class:`_ClvInputs` prepared once from the
    summary, so the replicates skip the summary's checks (same arithmetic, same numbers).
    """
    if spend is None:
        assert isinstance(value, dict)
        return predict_customers(summary, fit, value["horizon"], value["unit"])
    inputs = value if isinstance(value, _ClvInputs) else _clv_inputs(summary, **value)
    out = _clv_arrays(inputs, fit, spend)
    return pd.DataFrame({k: out[k] for k in ("expected_purchases", "p_alive", "clv")},
                        index=inputs.index)


def _by_segment(values: np.ndarray, codes: np.ndarray, n_groups: int,
                statistic: str) -> np.ndarray:
    """Per-replicate segment means or sums of ``(replicates, customers)`` values."""
    sums = np.stack([np.bincount(codes, weights=row, minlength=n_groups) for row in values])
    if statistic == "sum":
        return sums
    return sums / np.bincount(codes, minlength=n_groups)


def _segments(summary: pd.DataFrame, by: str, statistic: str) -> tuple[np.ndarray, pd.Index]:
    if by not in summary.columns:
        raise DataProblem(f"bootstrap_intervals: by={by!r} is not a column of the summary; it "
                          f"has {list(summary.columns)}. Join the segments first.")
    if summary[by].isna().any():
        bad = summary.index[summary[by].isna().to_numpy()]
        raise DataProblem(f"bootstrap_intervals: column {by!r} is empty for {len(bad)} "
                          f"customer(s), e.g. {sample_rows(bad)}; fill or drop them.")
    if statistic not in ("mean", "sum"):
        raise DataProblem(f"statistic must be 'mean' or 'sum', got {statistic!r}.")
    codes, groups = pd.factorize(summary[by], sort=True)
    return codes, pd.Index(groups, name=by)


# Long: the docstring states the interval, the segments and the units; the code is 35 lines.
def bootstrap_intervals(summary: pd.DataFrame, fit: Any, spend: GammaGammaFit | None = None,
                        horizon: Any = "1Y", step: Any = "1M", unit: str | None = None,
                        annual_discount_rate: float = 0.10, margin: Any = 1.0,
                        replicates: int = 200, level: float = 0.9, seed: int = 2024,
                        by: str | None = None, statistic: str = "mean") -> pd.DataFrame:
    """Bootstrap intervals on expected purchases, P(alive) and CLV, per customer or segment.

    Customers are resampled with replacement, the purchase model (and the spend model) refitted
    on each replicate from the fitted parameters, and the quantities of the *original*
    customers recomputed with each replicate's parameters; the interval is the replicates'
    percentile interval. It is the uncertainty of the model's expectation for a customer (how
    well the population is known), not the spread of what the customer will do.

    Parameters
    ----------
    summary : DataFrame
        The summary both models were fitted on (``frequency``, ``recency``, ``T``,
        ``tenure_days``; ``monetary_value`` with ``spend``; the ``by`` column).
    fit : BGNBDFit, MBGNBDFit or ParetoNBDFit
        The purchase model.
    spend : GammaGammaFit, optional
        The spend model; without it, no CLV.
    horizon, step, unit, annual_discount_rate, margin :
        As in :func:`lifetime_value` (``horizon`` as in :func:`predict_customers` without
        ``spend``).
    replicates : int
        Number of bootstrap samples (200 is usual; fewer than 50 warn).
    level : float
        Coverage of the intervals (0.9: 90 %).
    seed : int
        Seed of the numpy ``Generator`` that draws the customers.
    by : str, optional
        A column of ``summary`` (a segment): intervals per segment instead of per customer.
    statistic : {"mean", "sum"}
        Per segment: the mean per customer, or the segment's total.

    Returns
    -------
    DataFrame
        Indexed by customer (or segment): ``quantity`` (``expected_purchases``, ``p_alive``,
        ``clv``), ``estimate`` (from ``fit`` and ``spend``), ``lower``, ``upper``; per segment
        also ``customers``.

    Raises
    ------
    DataProblem
        An unsupported fit, a bad summary, horizon, level, segment column or statistic.

    Warns
    -----
    Caveat
        Fewer than 50 usable replicates, or more than 5 % of the refits not converging.
    """
    _z(level)
    value = {"horizon": horizon, "step": step, "unit": unit,
             "annual_discount_rate": annual_discount_rate, "margin": margin}
    seg = _segments(summary, by, statistic) if by is not None else None
    point = _quantities(summary, fit, spend, value)
    problems = [_problem(fit, summary)] + ([_problem(spend, summary)]
                                           if spend is not None else [])
    params, ok = _replicate_params(problems, _replicate_counts(len(summary), replicates, seed))
    if not ok.any():
        raise DataProblem(f"bootstrap_intervals: the refit failed on all {len(ok)} replicates; "
                          "the fit itself is probably degenerate (see FitWarning). Check the "
                          "summary (time unit, as_of) or use more data.")
    _failed_caveat(ok, "bootstrap_intervals")
    prepared = _clv_inputs(summary, **value) if spend is not None else value
    draws = np.stack([_quantities(summary, *_replicate_fits(fit, spend, problems, params, b),
                                  prepared).to_numpy() for b in np.flatnonzero(ok).tolist()])
    estimate, index = point.to_numpy(), point.index
    if seg is not None:
        codes, index = seg[0], seg[1]
        estimate = _by_segment(estimate.T, codes, len(index), statistic).T
        draws = np.stack([_by_segment(draws[..., k], codes, len(index), statistic)
                          for k in range(draws.shape[-1])], axis=-1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    out = pd.concat([pd.DataFrame({"quantity": name, "estimate": estimate[:, k],
                                   "lower": low[:, k], "upper": high[:, k]}, index=index)
                     for k, name in enumerate(point.columns)])
    if seg is not None:
        sizes = pd.Series(np.bincount(seg[0], minlength=len(index)), index=index)
        out.insert(1, "customers", sizes.reindex(out.index).to_numpy())
    return out


def _replicate_fits(fit: Any, spend: GammaGammaFit | None, problems: list[_Problem],
                    params: list[np.ndarray], b: int) -> tuple[Any, GammaGammaFit | None]:
    """The fit (and spend model) with replicate ``b``'s parameters."""
    fits = [dataclasses.replace(model, **dict(zip(problem.names, map(float, p[b]), strict=True)))
            for model, problem, p in zip([fit, spend], problems, params, strict=False)]
    return fits[0], (fits[1] if spend is not None else None)

