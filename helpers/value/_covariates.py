"""BG/NBD and Gamma-Gamma with static customer covariates (acquisition channel, region, kind).

The Fader & Hardie note "Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD
models" lets the gamma's rate depend on the customer: ``alpha_i = alpha0 · exp(-x_i'β)``, so a
customer's purchase rate ``λ`` is scaled by ``exp(x_i'β)`` and ``exp(β)`` is a **rate ratio**
(1.5: customers of that level buy 1.5 times as often as the reference level's). Dropout may
depend on covariates too: ``a_i = a0 · exp(z_i'γ_a)``, ``b_i = b0 · exp(z_i'γ_b)``. In
Gamma-Gamma the rate of ``ν`` is scaled, ``gamma_i = gamma0 · exp(x_i'δ)``, so ``exp(δ)``
multiplies the expected spend per purchase.

Categorical covariates (text, category, bool) are one-hot coded against a reference level (the
most frequent one unless ``reference`` names another); numeric covariates enter as they are
(centre and scale them for readable coefficients). Coefficients come with standard errors from
the Hessian at the optimum (:mod:`._uncertainty`) and intervals at ``level``.

>>> s = pd.DataFrame({"frequency": [0, 1], "recency": [0.0, 3.0], "T": [5.0, 6.0],
...                   "channel": ["web", "store"]})
>>> covariate_design(s, ["channel"]).terms
('channel=web',)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from helpers.errors import DataProblem, sample_rows

from ._bgnbd import BGNBDFit, _bgnbd_terms, fit_bgnbd
from ._gamma_gamma import GammaGammaFit, _gg_terms, _repeat_buyers, fit_gamma_gamma
from ._inputs import frequency_recency_t, summary_column
from ._optimise import minimise
from ._uncertainty import _z, covariance_from_hessian, numerical_hessian

__all__ = ["CovariateDesign", "CovariateFit", "covariate_design", "fit_bgnbd_covariates",
           "fit_gamma_gamma_covariates", "join_covariates"]


# ------------------------------------------------------------------------------------ design
@dataclass(frozen=True)
class CovariateDesign:
    """How covariate columns become a design matrix.

    Attributes
    ----------
    columns : tuple of str
        The covariate columns.
    levels : dict
        For each categorical column, its non-reference levels (one column each).
    reference : dict
        For each categorical column, its reference level.
    terms : tuple of str
        Names of the design matrix's columns (``"channel=referral"``, or a numeric column).
    """

    columns: tuple[str, ...]
    levels: dict[str, tuple[Any, ...]]
    reference: dict[str, Any]
    terms: tuple[str, ...]

    def matrix(self, frame: pd.DataFrame, what: str = "covariates") -> np.ndarray:
        """The design matrix of ``frame`` (one row per customer).

        Parameters
        ----------
        frame : DataFrame
            With the covariate columns.
        what : str
            Name of the table, for messages.

        Returns
        -------
        ndarray
            ``(len(frame), len(terms))``.

        Raises
        ------
        DataProblem
            A column missing or empty, or a level the design does not know.
        """
        _check_columns(frame, self.columns, what)
        parts = []
        for col in self.columns:
            if col not in self.levels:
                parts.append(frame[col].to_numpy(dtype=float)[:, None])
                continue
            values = frame[col].astype(object)
            known = set(self.levels[col]) | {self.reference[col]}
            unknown = ~values.isin(known)
            if unknown.any():
                raise DataProblem(
                    f"{what}: column {col!r} has level(s) {sample_rows(values[unknown].unique())} "
                    f"the model was not fitted with (it knows {sorted(map(str, known))}), e.g. "
                    f"customers {sample_rows(frame.index[unknown.to_numpy()])}. Map them to a "
                    "known level or refit.")
            parts.append(np.column_stack([(values == lv).to_numpy(dtype=float)
                                          for lv in self.levels[col]]))
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataProblem(f"{what}: covariate column(s) {missing} are not in the table (it has "
                          f"{list(frame.columns)}). Join them first (join_covariates).")
    for col in columns:
        empty = frame[col].isna().to_numpy()
        if empty.any():
            raise DataProblem(f"{what}: covariate {col!r} is empty for {int(empty.sum())} "
                              f"customer(s), e.g. {sample_rows(frame.index[empty])}. Fill them "
                              "(e.g. with 'unknown') or drop those customers.")


def _is_categorical(values: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def covariate_design(frame: pd.DataFrame, columns: Sequence[str],
                     reference: Mapping[str, Any] | None = None) -> CovariateDesign:
    """One-hot coding of the categorical covariates (against a reference level), numeric as is.

    Parameters
    ----------
    frame : DataFrame
        The customers (a summary with the covariate columns joined).
    columns : sequence of str
        Covariate columns.
    reference : mapping, optional
        Reference level per categorical column; default its most frequent level.

    Returns
    -------
    CovariateDesign

    Raises
    ------
    DataProblem
        A column missing or empty, a reference level that does not occur, a column with one
        level only.
    """
    columns = list(columns)
    _check_columns(frame, columns, "covariates")
    chosen = dict(reference or {})
    levels: dict[str, tuple[Any, ...]] = {}
    refs: dict[str, Any] = {}
    terms: list[str] = []
    for col in columns:
        values = frame[col]
        if not _is_categorical(values):
            terms.append(col)
            continue
        counts = values.astype(object).value_counts()
        if len(counts) < 2:
            raise DataProblem(f"covariates: column {col!r} has one level only "
                              f"({sample_rows(counts.index)}); it cannot explain differences.")
        ref = chosen.get(col, sorted(counts.index[counts == counts.max()], key=str)[0])
        if ref not in counts.index:
            raise DataProblem(f"covariates: reference level {ref!r} of {col!r} does not occur; "
                              f"its levels are {sorted(map(str, counts.index))}.")
        refs[col] = ref
        levels[col] = tuple(sorted((v for v in counts.index if v != ref), key=str))
        terms += [f"{col}={v}" for v in levels[col]]
    return CovariateDesign(tuple(columns), levels, refs, tuple(terms))


def join_covariates(summary: pd.DataFrame, customers: pd.DataFrame,
                    columns: Sequence[str]) -> pd.DataFrame:
    """The summary with covariate columns of the customers table joined on ``customer_id``.

    Parameters
    ----------
    summary : DataFrame
        Indexed by customer (:func:`helpers.segments.customer_summary`).
    customers : DataFrame
        The customers table (``customer_id`` and the covariate columns).
    columns : sequence of str
        Columns to join (``acquisition_channel``, ``customer_kind``, ``province`` …).

    Returns
    -------
    DataFrame
        The summary with the columns (replacing any of the same name).

    Raises
    ------
    DataProblem
        A column missing from ``customers``, or summary customers absent from it.
    """
    cols = list(columns)
    _check_columns(customers, ["customer_id", *cols], "customers")
    table = customers.drop_duplicates("customer_id").set_index("customer_id")[cols]
    table.index = table.index.astype(str)
    absent = ~summary.index.astype(str).isin(table.index)
    if absent.any():
        raise DataProblem(f"join_covariates: {int(absent.sum())} customer(s) of the summary are "
                          f"not in the customers table, e.g. {sample_rows(summary.index[absent])}"
                          ". Fix: use the customers table of the same export.")
    joined = table.reindex(summary.index.astype(str))
    joined.index = summary.index
    return summary.drop(columns=[c for c in cols if c in summary.columns]).join(joined)


# --------------------------------------------------------------------------------------- fit
@dataclass(frozen=True, eq=False)
class CovariateFit:
    """A BG/NBD or Gamma-Gamma fit with covariates.

    Attributes
    ----------
    model : str
        ``"BG/NBD"`` or ``"Gamma-Gamma"``.
    base : dict
        Parameters of a customer at the reference levels (all numeric covariates 0).
    coefficients : DataFrame
        Indexed by ``(part, term)`` (part ``purchase``, ``dropout_a``, ``dropout_b`` or
        ``spend``): ``coef``, ``se``, ``lower``, ``upper``, ``ratio`` (``exp(coef)``: the rate
        ratio of the purchase rate, the factor on ``a``, on ``b``, or on the mean spend),
        ``ratio_lower``, ``ratio_upper``.
    loglik : float
        Log-likelihood at the optimum.
    n_customers : int
        Customers fitted on.
    converged, message, seconds :
        What the optimiser reported, and the fitting time.
    designs : dict
        The :class:`CovariateDesign` of each part.
    covariance : ndarray
        Covariance of the fitted vector (log base parameters, then the coefficients).
    """

    model: str
    base: dict[str, float]
    coefficients: pd.DataFrame
    loglik: float
    n_customers: int
    converged: bool
    message: str
    seconds: float
    designs: dict[str, CovariateDesign] = field(repr=False)
    covariance: np.ndarray = field(repr=False)

    def customer_params(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each customer's model parameters given their covariates.

        Parameters
        ----------
        frame : DataFrame
            With the covariate columns.

        Returns
        -------
        DataFrame
            Indexed like ``frame``: the model's parameters per customer.
        """
        out = pd.DataFrame({k: np.full(len(frame), v) for k, v in self.base.items()},
                           index=frame.index)
        for part, (param, sign) in _PARTS[self.model].items():
            if part in self.designs:
                beta = self.coefficients.loc[part, "coef"].to_numpy()
                out[param] *= np.exp(sign * (self.designs[part].matrix(frame) @ beta))
        return out

    def fits(self, frame: pd.DataFrame) -> tuple[pd.Series, dict[int, Any]]:
        """Customers grouped by their covariates: each one's group, and each group's plain fit.

        Parameters
        ----------
        frame : DataFrame
            With the covariate columns.

        Returns
        -------
        (Series, dict)
            The group of each customer (indexed like ``frame``) and a :class:`BGNBDFit` or
            :class:`GammaGammaFit` per group, to predict with.
        """
        params = self.customer_params(frame)
        codes, uniques = pd.MultiIndex.from_frame(params).factorize()
        cls = BGNBDFit if self.model == "BG/NBD" else GammaGammaFit
        fits = {i: cls(**dict(zip(params.columns, map(float, row), strict=True)), loglik=0.0,
                       n_customers=int((codes == i).sum()))
                for i, row in enumerate(uniques)}
        return pd.Series(codes, index=frame.index), fits

    def predict(self, summary: pd.DataFrame, t: float) -> pd.DataFrame:
        """BG/NBD: ``p_alive`` and ``expected_purchases`` over ``t``, each customer by their covariates.

        Parameters
        ----------
        summary : DataFrame
            ``frequency``, ``recency``, ``T`` and the covariate columns.
        t : float
            The horizon, in the model's time unit.

        Returns
        -------
        DataFrame
            Indexed like ``summary``.

        Raises
        ------
        DataProblem
            On a Gamma-Gamma fit, a bad summary or unknown levels.
        """
        if self.model != "BG/NBD":
            raise DataProblem("predict is for BG/NBD fits; a Gamma-Gamma fit has expected_spend.")
        group, fits = self.fits(summary)
        parts = [fits[g].predict(summary.loc[(group == g).to_numpy()], t) for g in fits]
        return pd.concat(parts).reindex(summary.index)

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Gamma-Gamma: expected spend per purchase, each customer by their covariates.

        Parameters
        ----------
        summary : DataFrame
            ``frequency``, ``monetary_value`` and the covariate columns.

        Returns
        -------
        Series

        Raises
        ------
        DataProblem
            On a BG/NBD fit, a bad summary or unknown levels.
        """
        if self.model != "Gamma-Gamma":
            raise DataProblem("expected_spend is for Gamma-Gamma fits; a BG/NBD fit has predict.")
        group, fits = self.fits(summary)
        x, _ = summary_column(summary, "frequency", None)
        m, _ = summary_column(summary, "monetary_value", None)
        out = np.empty(len(summary))
        for g, fit in fits.items():
            rows = (group == g).to_numpy()
            out[rows] = fit.expected_spend(x[rows], m[rows])
        return pd.Series(out, index=summary.index, name="expected_spend")


#: Per model, the part -> (parameter it scales, sign of the exponent).
_PARTS = {"BG/NBD": {"purchase": ("alpha", -1.0), "dropout_a": ("a", 1.0),
                     "dropout_b": ("b", 1.0)},
          "Gamma-Gamma": {"spend": ("gamma", 1.0)}}


def _coefficient_table(designs: dict[str, CovariateDesign], theta: np.ndarray, cov: np.ndarray,
                       n_base: int, level: float) -> pd.DataFrame:
    """Coefficients with standard errors, intervals and ratios."""
    z = _z(level)
    keys = [(part, term) for part, d in designs.items() for term in d.terms]
    coef = theta[n_base:]
    se = np.sqrt(np.diag(cov))[n_base:]
    out = pd.DataFrame({"coef": coef, "se": se, "lower": coef - z * se, "upper": coef + z * se},
                       index=pd.MultiIndex.from_tuples(keys, names=["part", "term"]))
    return out.assign(ratio=np.exp(out.coef), ratio_lower=np.exp(out.lower),
                      ratio_upper=np.exp(out.upper))


def _objective(terms: Any, n: int) -> Any:
    """Mean negative log-likelihood and gradient of ``terms(theta) -> (ll rows, grad)``."""
    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            ll, g = terms(theta)
        f = -float(ll.sum()) / n
        total = g.sum(axis=0)
        if not np.isfinite(f) or not np.all(np.isfinite(total)):
            return 1e100, np.zeros_like(theta)
        return f, -total / n
    return objective


def _bgnbd_cov_terms(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, mats: list[np.ndarray],
                     ) -> Any:
    """Row log-likelihood and per-row gradient in ``theta`` = (log r, log α0, log a0, log b0, β, γa, γb)."""
    xb, za, zb = mats
    k = [xb.shape[1], za.shape[1], zb.shape[1]]

    def terms(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        beta, g_a, g_b = np.split(theta[4:], np.cumsum(k)[:2])
        lp = np.vstack([np.full(len(x), theta[0]), theta[1] - xb @ beta, theta[2] + za @ g_a,
                        theta[3] + zb @ g_b])
        ll, g = _bgnbd_terms(lp, x, t_x, big_t)
        assert g is not None
        return ll, np.hstack([g.T, -xb * g[1][:, None], za * g[2][:, None],
                              zb * g[3][:, None]])
    return terms


def _gg_cov_terms(x: np.ndarray, m: np.ndarray, mat: np.ndarray) -> Any:
    """Row log-likelihood and per-row gradient in ``theta`` = (log p, log q, log γ0, δ)."""
    def terms(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lp = np.vstack([np.full(len(x), theta[0]), np.full(len(x), theta[1]),
                        theta[2] + mat @ theta[3:]])
        ll, g = _gg_terms(lp, x, m)
        assert g is not None
        return ll, np.hstack([g.T, mat * g[2][:, None]])
    return terms


class _Options(NamedTuple):
    level: float
    strict: bool
    robust: bool


def _finish(model: str, names: tuple[str, ...], terms: Any, start: np.ndarray,
            designs: dict[str, CovariateDesign], n: int, options: _Options,
            began: float) -> CovariateFit:
    """Optimise, take the Hessian (and the sandwich), and build the :class:`CovariateFit`."""
    level, strict, robust = options
    res, ok = minimise(_objective(terms, n), start, f"{model} with covariates fit", strict)
    h = numerical_hessian(lambda th: -terms(th)[1].sum(axis=0), res.x)
    cov = covariance_from_hessian(h, f"{model} with covariates")
    ll, scores = terms(res.x)
    if robust:
        cov = cov @ (scores.T @ scores) @ cov
    base = {k: float(v) for k, v in zip(names, np.exp(res.x[:len(names)]), strict=True)}
    table = _coefficient_table(designs, res.x, cov, len(names), level)
    return CovariateFit(model, base, table, float(ll.sum()), n, ok, str(res.message),
                        time.perf_counter() - began, designs, cov)


# Long: the docstring states the model and its parts; the code is 20 lines.
def fit_bgnbd_covariates(summary: pd.DataFrame, covariates: Sequence[str],
                         dropout_covariates: Sequence[str] = (),
                         reference: Mapping[str, Any] | None = None, level: float = 0.95,
                         robust: bool = True, strict: bool = False) -> CovariateFit:
    """Fit BG/NBD with covariates on the purchase rate (and optionally on the dropout).

    ``alpha_i = alpha0 · exp(-x_i'β)`` (so ``λ`` scales by ``exp(x_i'β)``), ``a_i = a0 ·
    exp(z_i'γ_a)``, ``b_i = b0 · exp(z_i'γ_b)`` (Fader & Hardie's note on time-invariant
    covariates).

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T`` and the covariate columns (:func:`join_covariates`).
    covariates : sequence of str
        Columns acting on the purchase rate.
    dropout_covariates : sequence of str
        Columns acting on the dropout (``a`` and ``b``); none by default.
    reference : mapping, optional
        Reference level per categorical column (default: its most frequent level).
    level : float
        Coverage of the coefficients' intervals.
    robust : bool
        Standard errors from the sandwich ``H⁻¹ (Σ sᵢsᵢ') H⁻¹`` (Huber-White: valid when the
        model is only an approximation of how the customers behave, as it always is), instead
        of the inverse Hessian ``H⁻¹`` alone (valid when the model is exactly right).
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    CovariateFit
        ``coefficients.loc[("purchase", "acquisition_channel=referral"), "ratio"]`` is the
        purchase-rate ratio of referred customers to those of the reference channel.

    Raises
    ------
    DataProblem
        A bad summary, covariate columns missing or empty, no repeat purchase.
    """
    began = time.perf_counter()
    x, t_x, big_t, _ = frequency_recency_t(summary)
    _z(level)
    plain = fit_bgnbd(summary)
    designs = {"purchase": covariate_design(summary, covariates, reference)}
    if dropout_covariates:
        drop = covariate_design(summary, dropout_covariates, reference)
        designs |= {"dropout_a": drop, "dropout_b": drop}
    mats = [designs[p].matrix(summary, "summary") if p in designs else np.zeros((len(x), 0))
            for p in ("purchase", "dropout_a", "dropout_b")]
    start = np.r_[np.log(list(plain.params.values())), np.zeros(sum(m.shape[1] for m in mats))]
    return _finish("BG/NBD", ("r", "alpha", "a", "b"), _bgnbd_cov_terms(x, t_x, big_t, mats),
                   start, designs, len(x), _Options(level, strict, robust), began)


def fit_gamma_gamma_covariates(summary: pd.DataFrame, covariates: Sequence[str],
                               reference: Mapping[str, Any] | None = None, level: float = 0.95,
                               robust: bool = True, strict: bool = False) -> CovariateFit:
    """Fit Gamma-Gamma with covariates on the spend: ``gamma_i = gamma0 · exp(x_i'δ)``.

    ``exp(δ)`` multiplies the expected spend per purchase (the mean of ``p/ν``).

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``monetary_value`` and the covariate columns; fitted on the repeat buyers
        with a positive mean spend (as :func:`fit_gamma_gamma`).
    covariates : sequence of str
        Columns acting on the spend.
    reference : mapping, optional
        Reference level per categorical column.
    level : float
        Coverage of the coefficients' intervals.
    robust : bool
        Standard errors from the sandwich ``H⁻¹ (Σ sᵢsᵢ') H⁻¹`` (Huber-White: valid when the
        model is only an approximation of how the customers behave, as it always is), instead
        of the inverse Hessian ``H⁻¹`` alone (valid when the model is exactly right).
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    CovariateFit

    Raises
    ------
    DataProblem
        A bad summary, covariate columns missing or empty, fewer than 10 usable repeat buyers.
    """
    began = time.perf_counter()
    _z(level)
    x, index = summary_column(summary, "frequency", None)
    m, _ = summary_column(summary, "monetary_value", None)
    use, _ = _repeat_buyers(x, m, index)
    rows = summary.loc[use]
    plain = fit_gamma_gamma(rows)
    designs = {"spend": covariate_design(rows, covariates, reference)}
    mat = designs["spend"].matrix(rows, "summary")
    start = np.r_[np.log([plain.p, plain.q, plain.gamma]), np.zeros(mat.shape[1])]
    return _finish("Gamma-Gamma", ("p", "q", "gamma"), _gg_cov_terms(x[use], m[use], mat),
                   start, designs, int(use.sum()), _Options(level, strict, robust), began)
