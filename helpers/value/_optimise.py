"""Maximum-likelihood fitting shared by BG/NBD and Gamma-Gamma: L-BFGS-B, then Nelder-Mead.

A fit that cannot converge warns with :class:`FitWarning` (a :class:`helpers.caveats.Caveat`)
and returns within about a second; ``strict=True`` raises :class:`DataProblem` instead.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable

import numpy as np
from scipy import optimize

from helpers._threads import one_thread
from helpers.caveats import Caveat
from helpers.errors import DataProblem
from helpers.i18n import tr

__all__ = ["FitWarning", "minimise"]

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


#: Longest time (seconds) the Nelder-Mead fallback may search after L-BFGS-B failed.
FALLBACK_SECONDS = 0.5

class FitWarning(Caveat):
    """The optimiser stopped without converging; the parameters may be unreliable."""


def _runs_off(log_params: np.ndarray) -> bool:
    """A parameter beyond 1e5 or below 1e-5: the likelihood is flat in that direction."""
    return bool(np.any(np.abs(log_params) >= math.log(1e5)))


def _stop_after(deadline: float) -> Callable[[optimize.OptimizeResult], None]:
    """An optimiser callback that ends the search at ``deadline`` (a perf_counter time)."""
    def callback(intermediate_result: optimize.OptimizeResult) -> None:
        if time.perf_counter() >= deadline:
            raise StopIteration
    return callback


def _stop_when(flat: Callable[[np.ndarray], bool],
               patience: int = 3) -> Callable[[optimize.OptimizeResult], None]:
    """An L-BFGS-B callback that ends the search once ``flat(log_params)`` held ``patience`` times.

    The likelihood is flat there, and the remaining iterations only push a parameter further
    (slowly, when each step is expensive).
    """
    run = [0]

    def callback(intermediate_result: optimize.OptimizeResult) -> None:
        run[0] = run[0] + 1 if flat(intermediate_result.x) else 0
        if run[0] >= patience:
            raise StopIteration
    return callback


def penalised(ll_and_grad: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]],
              weights: np.ndarray, penalizer: float) -> Objective:
    """Mean negative log-likelihood (weighted rows) + L2 penalty, with its gradient.

    ``ll_and_grad(log_params)`` gives the log-likelihood of each distinct row and its
    gradient in the log parameters (one row per parameter).
    """
    n = weights.sum()

    def objective(lp: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g = ll_and_grad(lp)
        p = np.exp(lp)
        f = -(weights @ ll) / n + penalizer * (p @ p)
        if not np.isfinite(f) or g is None:
            return 1e100, np.zeros_like(lp)
        return f, -(g @ weights) / n + penalizer * 2 * p * p

    return objective


def minimise(objective: Objective, start: np.ndarray, what: str, strict: bool,
             flat: tuple[Callable[[np.ndarray], bool], str] | None = None,
             ) -> tuple[optimize.OptimizeResult, bool]:
    """Minimise over the log parameters; warn (or raise with ``strict``) when not converged.

    L-BFGS-B first. When it stops without converging, a derivative-free Nelder-Mead search
    gets a second chance from where it stopped, but only when no parameter has run off towards
    0 or infinity (no search can pin down a flat direction) and only for
    :data:`FALLBACK_SECONDS` (or as long as L-BFGS-B took, if longer), so a fit that cannot
    converge gives up within about a second instead of minutes. ``flat`` (a test on the log
    parameters, and the reason to give) stops L-BFGS-B itself once the test has held for a few
    iterations: for a model that knows where its likelihood goes flat and whose evaluation slows
    down there (Pareto/NBD's 2F1 as the dropout rate runs to 0).
    """
    began = time.perf_counter()
    # one BLAS thread: L-BFGS-B calls BLAS thousands of times on a few parameters, and a second
    # thread woken for each call made the fits 4-10 times slower (see helpers._threads)
    with np.errstate(all="ignore"), one_thread("blas"):
        res = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                                bounds=[(-25.0, 25.0)] * len(start),
                                callback=_stop_when(flat[0]) if flat else None,
                                options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9})
        finite = bool(np.all(np.isfinite(res.x)))
        gave_up = finite and (_runs_off(res.x) or (flat is not None and flat[0](res.x)))
        if not res.success and not gave_up:
            deadline = time.perf_counter() + max(FALLBACK_SECONDS, time.perf_counter() - began)
            alt = optimize.minimize(lambda p: objective(p)[0], res.x if finite else start,
                                    method="Nelder-Mead", callback=_stop_after(deadline),
                                    options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-12})
            if alt.success and (not np.isfinite(res.fun) or alt.fun <= res.fun):
                res = alt
            elif time.perf_counter() >= deadline:
                res.message = (f"{res.message}; the Nelder-Mead fallback gave up after "
                               f"{FALLBACK_SECONDS:g} s")
    at_bound = _runs_off(res.x)
    went_flat = flat is not None and not res.success and flat[0](res.x)
    ok = bool(res.success) and bool(np.all(np.isfinite(res.x))) and not at_bound
    if not ok:
        if flat is not None and went_flat and not at_bound:
            reason = tr(flat[1])
        else:
            reason = (tr("a parameter ran off to 0 or infinity (the data does not pin it down)")
                      if at_bound else str(res.message) or tr("stopped early"))
        text = tr("{what}: the optimiser did not converge ({reason}); the parameters {params} are "
                  "unreliable. Try more data, a penalizer > 0, or check the summary (time unit, "
                  "as_of).", what=what, reason=reason,
                  params=[float(f"{v:.4g}") for v in np.exp(res.x)])
        if strict:
            raise DataProblem(text)
        warnings.warn(text, FitWarning, stacklevel=3)
    return res, ok
