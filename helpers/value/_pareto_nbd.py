"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; Fader, Hardie & Lee 2005).

While alive, a customer buys at a Poisson rate ``λ ~ Gamma(r, α)``; their lifetime is
exponential with rate ``μ ~ Gamma(s, β)`` and may end at any moment (BG/NBD: only just after a
purchase). :func:`fit_pareto_nbd` fits it by maximum likelihood on a customer summary
(``frequency``, ``recency``, ``T``); :class:`ParetoNBDFit` predicts from it.

>>> fit = ParetoNBDFit(r=0.553, alpha=10.578, s=0.606, beta=11.669, loglik=0.0, n_customers=0)
>>> round(float(fit.p_alive(2, 30.43, 38.86)), 3)
0.869
>>> round(float(fit.expected_purchases(39, 2, 30.43, 38.86)), 3)
1.455
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from helpers.errors import DataProblem, sample_rows

from ._fit_base import CountModelFit, param_values
from ._inputs import compress, frequency_recency_t
from ._optimise import _runs_off, minimise, penalised

__all__ = ["ParetoNBDFit", "fit_pareto_nbd", "pareto_nbd_loglik"]

_NAMES = ("r", "alpha", "s", "beta")

#: The fit stops when the mean dropout rate ``s / beta`` times the longest observation ``T``
#: stays under this (fewer than 1 in 1,000 customers expected to leave over the whole data):
#: the likelihood is flat from there on, and its 2F1 slows down as ``beta`` grows.
NOBODY_LEAVES = 1e-3


def _log_f(r: float, alpha: float, s: float, beta: float, x: np.ndarray,
           t: np.ndarray) -> np.ndarray:
    """``log[(r+s+x) ∫_t^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ]``, the 2F1 part of the likelihood.

    Written with Euler's transformation so that the Gauss function has first argument 1 and
    every term of its series is positive: ``2F1(1, r+x; r+s+x+1; (α-β)/(α+t))`` when
    ``α >= β``, ``2F1(1, s+1; r+s+x+1; (β-α)/(β+t))`` otherwise; neither overflows for
    frequent buyers (lifetimes' form raises ``(α+t)`` to the power ``r+s+x``).
    """
    c = r + s + x + 1
    la, lb = np.log(alpha + t), np.log(beta + t)
    if alpha >= beta:
        h = special.hyp2f1(1.0, r + x, c, (alpha - beta) / (alpha + t))
        return np.log(h) - (r + x) * la - s * lb
    h = special.hyp2f1(1.0, s + 1, c, (beta - alpha) / (beta + t))
    return np.log(h) + (1 - r - x) * la - (s + 1) * lb


def _pairs(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct ``(frequency, time)`` pairs among ``(x, T)`` and ``(x, t_x)``, and where each row's is.

    The 2F1 part depends on the frequency and one time only, so it is computed once per pair
    (far fewer than the distinct histories on a large summary).
    """
    both = pd.DataFrame({"x": np.r_[x, x], "t": np.r_[big_t, t_x]})
    codes, uniques = pd.MultiIndex.from_frame(both).factorize()
    pair_x = uniques.get_level_values(0).to_numpy(dtype=float)
    pair_t = uniques.get_level_values(1).to_numpy(dtype=float)
    return pair_x, pair_t, codes[: len(x)], codes[len(x):]


def _parts(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
           pairs: tuple[np.ndarray, ...] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the log-likelihood and the log of its "still alive at T" share."""
    r, alpha, s, beta = params
    log_alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    if pairs is None:
        lf_t, lf_tx = _log_f(r, alpha, s, beta, x, big_t), _log_f(r, alpha, s, beta, x, t_x)
    else:
        lf = _log_f(r, alpha, s, beta, pairs[0], pairs[1])
        lf_t, lf_tx = lf[pairs[2]], lf[pairs[3]]
    with np.errstate(divide="ignore"):
        log_gone = (np.log(s) - np.log(r + s + x) + lf_tx
                    + np.log(-np.expm1(np.minimum(lf_t - lf_tx, 0.0))))
    log_total = np.logaddexp(log_alive, log_gone)
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return head + log_total, log_alive - log_total


def _pair_terms(params: np.ndarray, px: np.ndarray,
                pt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per ``(frequency, time)`` pair: ``log F``, log alive (time read as T), ``c`` and head."""
    r, alpha, s, beta = params
    lf = _log_f(r, alpha, s, beta, px, pt)
    alive = -(r + px) * np.log(alpha + pt) - s * np.log(beta + pt)
    c = np.log(s) - np.log(r + s + px)
    head = special.gammaln(r + px) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return lf, alive, c, head


def _pair_gradients(log_params: np.ndarray, px: np.ndarray, pt: np.ndarray,
                    step: float) -> tuple[np.ndarray, ...]:
    """Derivatives of the pair terms in the log parameters.

    ``log F`` by central differences (2F1 has no closed-form derivative in its parameters),
    the others in closed form.
    """
    r, alpha, s, beta = np.exp(log_params)
    d_lf = np.empty((4, len(px)))
    for k in range(4):
        up, down = log_params.copy(), log_params.copy()
        up[k] += step
        down[k] -= step
        (r1, a1, s1, b1), (r0, a0, s0, b0) = np.exp(up), np.exp(down)
        d_lf[k] = (_log_f(r1, a1, s1, b1, px, pt) - _log_f(r0, a0, s0, b0, px, pt)) / (2 * step)
    zero = np.zeros_like(px)
    rsx = r + s + px
    d_alive = np.vstack([-r * np.log(alpha + pt), -(r + px) * alpha / (alpha + pt),
                         -s * np.log(beta + pt), -s * beta / (beta + pt)])
    d_c = np.vstack([-r / rsx, zero, 1 - s / rsx, zero])
    d_head = np.vstack([r * (special.digamma(r + px) - special.digamma(r) + np.log(alpha)),
                        zero + r, zero + s * np.log(beta), zero + s])
    return d_lf, d_alive, d_c, d_head


def _pareto_terms(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
                  grad: bool = True, step: float = 1e-6,
                  pairs: tuple[np.ndarray, ...] | None = None,
                  ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-row log-likelihood and its gradient in the log parameters.

    Everything that needs a special function is computed once per distinct ``(frequency,
    time)`` pair (:func:`_pairs`); a row only combines its two pairs (at ``T`` and at
    ``t_x``), and its gradient follows by the chain rule.
    """
    px, pt, i_big, i_tx = pairs if pairs is not None else _pairs(x, t_x, big_t)
    lf, alive_p, c_p, head_p = _pair_terms(np.exp(log_params), px, pt)
    alive, gap = alive_p[i_big], lf[i_big] - lf[i_tx]
    with np.errstate(divide="ignore"):
        rest = -np.expm1(np.minimum(gap, 0.0))
        gone = c_p[i_big] + lf[i_tx] + np.log(rest)
    tail = np.logaddexp(alive, gone)
    ll = head_p[i_big] + tail
    if not grad:
        return ll, None
    d_lf, d_alive, d_c, d_head = _pair_gradients(log_params, px, pt, step)
    w_alive = np.exp(alive - tail)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(rest > 0, np.exp(gap) / rest, 0.0)
    d_gone = (d_c[:, i_big] + d_lf[:, i_tx]
              - ratio * (d_lf[:, i_big] - d_lf[:, i_tx]))
    g = d_head[:, i_big] + w_alive * d_alive[:, i_big] + (1 - w_alive) * d_gone
    return ll, g


def _growth(s: float, base: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``base / (s-1) · [1 - (base/(base+t))^(s-1)]``, also at ``s = 1`` (``base·log(1+t/base)``)."""
    log_ratio = np.log(base) - np.log(base + t)
    if abs(s - 1) < 1e-10:
        return -base * log_ratio
    return -base * np.expm1((s - 1) * log_ratio) / (s - 1)


@dataclass(frozen=True)
class ParetoNBDFit(CountModelFit):
    """A fitted Pareto/NBD model.

    Attributes
    ----------
    r, alpha, s, beta : float
        Purchase rates ~ Gamma(shape r, rate alpha); dropout rates ~ Gamma(shape s, rate beta).
    loglik : float
        Log-likelihood at the optimum (sum over customers).
    n_customers : int
        Customers fitted on.
    converged, message, iterations, seconds :
        What the optimiser reported, and the fitting time.
    extras : dict
        ``distinct_rows`` (distinct histories the likelihood was computed on) and
        ``distinct_pairs`` (distinct (frequency, time) pairs its 2F1 part was computed on).
    """

    r: float
    alpha: float
    s: float
    beta: float
    loglik: float
    n_customers: int
    converged: bool = True
    message: str = ""
    iterations: int = 0
    seconds: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    PARAM_NAMES: ClassVar[tuple[str, ...]] = _NAMES


    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that a customer with this history is still alive at ``T``.

        Parameters
        ----------
        frequency, recency, T : float or array-like
            The history, in the model's time unit.

        Returns
        -------
        ndarray
        """
        x, t_x, big_t = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                              for v in (frequency, recency, T)))
        _, log_share = _parts(np.array(list(self.params.values())), x, t_x, big_t)
        return np.exp(log_share)

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected purchases in the next ``t`` time units given the history (FHL 2005 note).

        ``E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)]
        · P(alive)``.

        Parameters
        ----------
        t : float or array-like
            The horizon, 0 or more, in the model's time unit.
        frequency, recency, T : float or array-like
            The history.

        Returns
        -------
        ndarray

        Raises
        ------
        DataProblem
            A negative horizon.
        """
        t = np.asarray(t, dtype=float)
        if np.any(t < 0):
            raise DataProblem(f"expected_purchases: the horizon t must be 0 or more, got "
                              f"{sample_rows(np.ravel(t)[np.ravel(t) < 0])}.")
        x, big_t = np.asarray(frequency, dtype=float), np.asarray(T, dtype=float)
        rate = (self.r + x) / (self.alpha + big_t)
        return rate * _growth(self.s, self.beta + big_t, t) * self.p_alive(x, recency, big_t)

    def expected_purchases_new(self, t: Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a customer just acquired (unconditional E[X(t)])."""
        t = np.asarray(t, dtype=float)
        return self.r / self.alpha * _growth(self.s, np.full_like(t, self.beta), t)

    def purchase_count_probability(self, x: Any, t: Any, nodes: int = 64) -> np.ndarray:
        """``P(X(t) = x)``: probability of ``x`` purchases in ``(0, t]`` for a new customer.

        Integrates the negative binomial count over the lifetime distribution (Pareto II),
        by Gauss-Legendre quadrature in the survival probability.

        Parameters
        ----------
        x, t : array-like
            Counts (0, 1, …) and horizons; broadcast together.
        nodes : int
            Quadrature nodes.

        Returns
        -------
        ndarray
        """
        x, t = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(t, dtype=float))
        surv_t = (self.beta / (self.beta + t)) ** self.s
        u, w = np.polynomial.legendre.leggauss(nodes)
        surv = surv_t[..., None] + (1 - surv_t[..., None]) * (u + 1) / 2   # S in [S(t), 1]
        tau = self.beta * (surv ** (-1 / self.s) - 1)

        def nb(k: np.ndarray, span: np.ndarray) -> np.ndarray:
            p = self.alpha / (self.alpha + span)
            return np.exp(special.gammaln(self.r + k) - special.gammaln(self.r)
                          - special.gammaln(k + 1) + self.r * np.log(p) + k * np.log1p(-p))

        inner = (nb(x[..., None], tau) * w).sum(axis=-1) * (1 - surv_t) / 2
        return surv_t * nb(x, t) + inner



def pareto_nbd_loglik(params: Mapping[str, float] | Sequence[float],
                      summary: pd.DataFrame | None = None, frequency: Any = None,
                      recency: Any = None, T: Any = None) -> float:
    """Total Pareto/NBD log-likelihood of ``(r, alpha, s, beta)`` on a customer summary.

    Parameters
    ----------
    params : mapping or sequence of float
        ``{"r", "alpha", "s", "beta"}``, or the four values in that order.
    summary : DataFrame, optional
        ``frequency``, ``recency``, ``T`` per customer.
    frequency, recency, T : array-like, optional
        Instead of the columns of ``summary``.

    Returns
    -------
    float
    """
    vals = param_values(params, _NAMES)
    x, t_x, big_t, _ = frequency_recency_t(summary, frequency, recency, T)
    ll, _ = _parts(np.asarray(vals, dtype=float), x, t_x, big_t)
    return float(ll.sum())


def _fit_input(summary: Any, frequency: Any, recency: Any, T: Any,
               penalizer: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, t_x, big_t, _ = frequency_recency_t(summary, frequency, recency, T)
    if len(x) < 3 or not (x > 0).any():
        raise DataProblem(
            f"Pareto/NBD: {int((x > 0).sum())} of {len(x)} customers bought more than once; the "
            "model needs repeat purchases. Fix: use a longer observation period, or value this "
            "base with historical_clv / simple_clv.")
    if penalizer < 0:
        raise DataProblem(f"fit_pareto_nbd: penalizer must be 0 or more, got {penalizer!r}.")
    return x, t_x, big_t


def fit_pareto_nbd(
    summary: pd.DataFrame | None = None,
    frequency: Any = None,
    recency: Any = None,
    T: Any = None,
    penalizer: float = 0.0,
    initial: Mapping[str, float] | None = None,
    strict: bool = False,
) -> ParetoNBDFit:
    """Fit the Pareto/NBD model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame, optional
        :func:`helpers.segments.customer_summary` output (``frequency``, ``recency``, ``T``).
    frequency, recency, T : array-like, optional
        Instead of (or overriding columns of) ``summary``.
    penalizer : float
        L2 penalty on the parameters, as in :func:`fit_bgnbd`; 0 = plain maximum likelihood.
    initial : mapping, optional
        Starting values; default ``r = s = 1`` and ``alpha = beta`` = mean of ``T``.
    strict : bool
        Raise instead of warning when the optimiser does not converge.

    Returns
    -------
    ParetoNBDFit

    Raises
    ------
    DataProblem
        A bad summary (see :func:`fit_bgnbd`), no repeat purchase at all, or (``strict``) no
        convergence.

    Notes
    -----
    The likelihood is computed once per distinct ``(frequency, recency, T)``, weighted by its
    count, its 2F1 part once per distinct ``(frequency, time)``; L-BFGS-B on the log parameters.
    """
    x, t_x, big_t = _fit_input(summary, frequency, recency, T, penalizer)
    began = time.perf_counter()
    (ux, ut, u_big), w = compress(x, t_x, big_t)
    pairs = _pairs(ux, ut, u_big)
    objective = penalised(lambda lp: _pareto_terms(lp, ux, ut, u_big, pairs=pairs), w, penalizer)
    init = dict(initial or {})
    mean_t = max(float(big_t.mean()), 1e-3)
    start = np.log([init.get("r", 1.0), init.get("alpha", mean_t), init.get("s", 1.0),
                    init.get("beta", mean_t)])
    horizon = float(big_t.max())
    flat = (lambda lp: bool(np.exp(lp[2] - lp[3]) * horizon < NOBODY_LEAVES) or _runs_off(lp),
            "the dropout rate ran off to 0: hardly anybody seems to leave in the data, so it does "
            "not pin down s and beta")
    res, ok = minimise(objective, start, "Pareto/NBD fit", strict, flat=flat)
    ll, _ = _pareto_terms(res.x, ux, ut, u_big, grad=False, pairs=pairs)
    r, alpha, s, beta = (float(v) for v in np.exp(res.x))
    return ParetoNBDFit(r, alpha, s, beta, float(w @ ll), int(w.sum()), ok, str(res.message),
                        int(getattr(res, "nit", 0)), time.perf_counter() - began,
                        {"distinct_rows": len(w), "distinct_pairs": len(pairs[0])})
