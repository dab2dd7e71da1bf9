"""Maximum-likelihood fitting shared by BG/NBD and Gamma-Gamma: L-BFGS-B, then Nelder-Mead."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from scipy import optimize

from helpers.errors import DataProblem

__all__ = ["FitWarning", "minimise"]

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


class FitWarning(UserWarning):
    """The optimiser stopped without converging; the parameters may be unreliable."""


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


def minimise(objective: Objective, start: np.ndarray, what: str,
             strict: bool) -> tuple[optimize.OptimizeResult, bool]:
    """Minimise over the log parameters; warn (or raise with ``strict``) when not converged."""
    with np.errstate(all="ignore"):
        res = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                                bounds=[(-25.0, 25.0)] * len(start),
                                options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9})
        if not res.success or not np.all(np.isfinite(res.x)):
            # second chance: a derivative-free search from where L-BFGS-B stopped
            alt = optimize.minimize(lambda p: objective(p)[0], res.x if np.all(
                np.isfinite(res.x)) else start, method="Nelder-Mead",
                options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-12})
            if alt.success and (not np.isfinite(res.fun) or alt.fun <= res.fun):
                res = alt
    # a parameter beyond 1e5 or below 1e-5 means the likelihood is flat in that direction
    at_bound = bool(np.any(np.abs(res.x) >= math.log(1e5)))
    ok = bool(res.success) and bool(np.all(np.isfinite(res.x))) and not at_bound
    if not ok:
        reason = ("a parameter ran off to 0 or infinity (the data does not pin it down)"
                  if at_bound else str(res.message) or "stopped early")
        text = (f"{what}: the optimiser did not converge ({reason}); the parameters "
                f"{[float(f'{v:.4g}') for v in np.exp(res.x)]} are unreliable. Try more data, a "
                "penalizer > 0, or check the summary (time unit, as_of).")
        if strict:
            raise DataProblem(text)
        warnings.warn(text, FitWarning, stacklevel=3)
    return res, ok
