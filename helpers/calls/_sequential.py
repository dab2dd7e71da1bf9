"""A valid way to look at a running A/B test: alpha-spending group-sequential boundaries.

:func:`helpers.calls.simulate_peeking` shows that testing at 5 % after every batch of calls and
stopping at the first "significant" result declares far more false winners than 5 %. The
remedy taught here is Lan and DeMets' alpha spending: decide in advance how much of the 5 % may
be used up by each share of the planned calls (the *spending function*), and compare each look's
z statistic with the boundary that spends exactly that much:

- :func:`spending_boundaries` computes the two-sided boundaries for any information fractions
  (the share of the planned calls reached at each look; looks need not be equally spaced or
  planned in advance), by numerical integration of the group-sequential distribution;
- :func:`sequential_looks` applies them to the cumulative counts of a running test;
- :func:`simulate_sequential` repeats the peeking simulation with the boundaries: the false
  winners stay at 5 %.

The O'Brien-Fleming-type spending function (``obrien_fleming``, the default) spends almost
nothing early (a look at 20 % of the calls needs |z| > 4.88, the published figure) and keeps the final boundary close
to 1.96; the Pocock-type (``pocock``) spends evenly.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr
from helpers.plotting import new_axes

from ._stats import scipy_stats

__all__ = ["plot_sequential", "sequential_looks", "simulate_sequential", "spending_boundaries",
           "spent_alpha"]

Spending = Literal["obrien_fleming", "pocock"]
_GRID = 1201
_SQRT_2PI = float(np.sqrt(2 * np.pi))


def spent_alpha(information: np.ndarray | list[float], alpha: float = 0.05,
                spending: Spending = "obrien_fleming") -> np.ndarray:
    """The two-sided alpha spent by each information fraction (Lan-DeMets spending functions).

    Parameters
    ----------
    information : array-like of float
        Share of the planned sample reached, in (0, 1].
    alpha : float
        The overall false-positive rate.
    spending : {"obrien_fleming", "pocock"}
        O'Brien-Fleming type: each side spends ``2 - 2 Φ(z_{α/4} / √t)`` of its ``α/2``
        (the convention of the published tables, gsDesign and ldbounds); Pocock type:
        ``α ln(1 + (e - 1) t)``.

    Returns
    -------
    ndarray
        Cumulative alpha spent at each fraction (``alpha`` at 1).

    Examples
    --------
    >>> spent_alpha([0.5, 1.0]).round(4).tolist()
    [0.0031, 0.05]
    """
    t = np.asarray(information, dtype=float)
    if spending == "pocock":
        return alpha * np.log1p((np.e - 1) * t)
    return 2 * (2 * scipy_stats().norm.sf(scipy_stats().norm.isf(alpha / 4) / np.sqrt(t)))


def _check_information(information: np.ndarray) -> None:
    if information.ndim != 1 or len(information) == 0 or (information <= 0).any() \
            or (information > 1).any() or (np.diff(information) <= 0).any():
        raise DataProblem(f"information fractions must increase within (0, 1], got "
                          f"{information.tolist()}; give the share of the planned calls reached "
                          "at each look (e.g. [0.25, 0.5, 0.75, 1]).")


def _trapezoid(grid: np.ndarray) -> np.ndarray:
    w = np.full(len(grid), grid[1] - grid[0])
    w[[0, -1]] /= 2
    return w


def _next_boundary(density: np.ndarray, grid: np.ndarray, sd: float, t: float,
                   target: float) -> float:
    """The z boundary at information ``t`` whose crossing probability is ``target``."""
    # deferred: scipy.optimize takes half a second to import; only the boundaries need it
    from scipy import optimize

    weights = density * _trapezoid(grid)
    norm = scipy_stats().norm

    def crossing(c: float) -> float:
        b = c * np.sqrt(t)
        return float(weights @ (norm.cdf((-b - grid) / sd) + norm.sf((b - grid) / sd)))

    if target <= 0:
        return np.inf
    if crossing(0.0) <= target:
        return 0.0
    return float(optimize.brentq(lambda c: crossing(c) - target, 0.0, 40.0, xtol=1e-10))


def spending_boundaries(information: int | list[float] | np.ndarray, alpha: float = 0.05,
                        spending: Spending = "obrien_fleming") -> pd.DataFrame:
    """Two-sided group-sequential boundaries that spend ``alpha`` as the calls come in.

    The statistic at look k is the usual z of the two-proportion test on all calls so far;
    the test stops (declares a difference) at the first look with ``|z| > z_boundary``. The
    boundaries are found by recursive numerical integration (Armitage, McPherson and Rowe) so
    that the chance of a first crossing at each look under no difference is exactly the alpha
    the spending function releases there.

    Parameters
    ----------
    information : int or sequence of float
        Number of equally spaced looks, or the share of the planned calls reached at each look
        (increasing, last one at most 1).
    alpha : float
        Overall false-positive rate (two-sided).
    spending : {"obrien_fleming", "pocock"}
        The Lan-DeMets spending function.

    Returns
    -------
    DataFrame
        One row per look: ``look, information, alpha_spent`` (cumulative), ``alpha_look``,
        ``z_boundary`` and ``nominal_p`` (the p-value a look must beat).

    Raises
    ------
    DataProblem
        If the fractions do not increase within (0, 1] or alpha is not a proportion.

    Examples
    --------
    >>> spending_boundaries(5)["z_boundary"].round(3).tolist()
    [4.877, 3.357, 2.68, 2.29, 2.031]
    """
    if not 0 < alpha < 1:
        raise DataProblem(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    t = (np.arange(1, information + 1) / information if isinstance(information, int | np.integer)
         else np.asarray(information, dtype=float))
    _check_information(t)
    spent = spent_alpha(t, alpha, spending)
    per_look = np.diff(spent, prepend=0.0)
    bounds = [float(scipy_stats().norm.isf(per_look[0] / 2))]
    b_w = bounds[0] * np.sqrt(t[0])
    grid = np.linspace(-b_w, b_w, _GRID)
    density = scipy_stats().norm.pdf(grid, scale=np.sqrt(t[0]))
    for k in range(1, len(t)):
        sd = float(np.sqrt(t[k] - t[k - 1]))
        c = _next_boundary(density, grid, sd, float(t[k]), float(per_look[k]))
        bounds.append(c)
        if k + 1 < len(t):
            new_grid = np.linspace(-c * np.sqrt(t[k]), c * np.sqrt(t[k]), _GRID)
            step = (new_grid[:, None] - grid[None, :]) / sd  # the normal density by hand:
            kernel = np.exp(-0.5 * step * step) / (sd * _SQRT_2PI)  # scipy's pdf is 100× slower
            density, grid = kernel @ (density * _trapezoid(grid)), new_grid
    z = np.array(bounds)
    return pd.DataFrame({"look": np.arange(1, len(t) + 1), "information": t,
                         "alpha_spent": spent, "alpha_look": per_look, "z_boundary": z,
                         "nominal_p": 2 * scipy_stats().norm.sf(z)})


def _pooled_z(conv_a: np.ndarray, n_a: np.ndarray, conv_b: np.ndarray,
              n_b: np.ndarray) -> np.ndarray:
    pooled = (conv_a + conv_b) / (n_a + n_b)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(se > 0, (conv_b / n_b - conv_a / n_a) / se, 0.0)


def sequential_looks(looks: pd.DataFrame, planned_per_arm: int, alpha: float = 0.05,
                     spending: Spending = "obrien_fleming") -> pd.DataFrame:
    """Judge each look at a running test against its alpha-spending boundary.

    Parameters
    ----------
    looks : DataFrame
        One row per look, cumulative counts: ``n_a, conv_a, n_b, conv_b``.
    planned_per_arm : int
        Calls per arm planned for the end of the test (the information fraction of a look is
        its smaller arm's calls over this; capped at 1).
    alpha : float
        Overall false-positive rate (two-sided).
    spending : {"obrien_fleming", "pocock"}
        The spending function.

    Returns
    -------
    DataFrame
        ``looks`` with ``information, z, z_boundary, naive_significant`` (|z| > 1.96, what
        peeking would say) and ``stop`` (the boundary is crossed at this look or earlier).

    Raises
    ------
    DataProblem
        If a column is missing or the counts do not grow from look to look.

    Examples
    --------
    >>> looks = pd.DataFrame({"n_a": [500, 1000], "conv_a": [50, 100],
    ...                       "n_b": [500, 1000], "conv_b": [70, 135]})
    >>> sequential_looks(looks, 1000)[["naive_significant", "stop"]].values.tolist()
    [[False, False], [True, True]]
    """
    require_columns(looks, ["n_a", "conv_a", "n_b", "conv_b"], "sequential looks",
                    fix="give one row per look with the cumulative calls and conversions.")
    n = np.minimum(looks["n_a"], looks["n_b"]).to_numpy(dtype=float)
    info = np.minimum(n / planned_per_arm, 1.0)
    if (info <= 0).any() or (np.diff(info) <= 0).any():
        raise DataProblem(f"sequential looks: calls per arm must grow from look to look and stay "
                          f"positive, got {n.tolist()}; give cumulative counts, one row per look.")
    bounds = spending_boundaries(info, alpha, spending)["z_boundary"].to_numpy()
    z = _pooled_z(*(looks[c].to_numpy(dtype=float) for c in ("conv_a", "n_a", "conv_b", "n_b")))
    return looks.assign(information=info, z=z, z_boundary=bounds,
                        naive_significant=np.abs(z) > scipy_stats().norm.isf(alpha / 2),
                        stop=np.maximum.accumulate(np.abs(z) > bounds))


def simulate_sequential(p: float = 0.10, n_per_arm: int = 4000, looks: int = 10,
                        n_sims: int = 4000, alpha: float = 0.05, lift: float = 0.0,
                        spending: Spending = "obrien_fleming", seed: int = 0) -> dict[str, Any]:
    """Simulate tests looked at ``looks`` times: naive peeking against alpha spending.

    Parameters
    ----------
    p : float
        Conversion rate of arm A.
    n_per_arm : int
        Calls per arm at the planned end.
    looks : int
        Equally spaced looks.
    n_sims : int
        Simulated tests.
    alpha : float
        False-positive rate promised (two-sided).
    lift : float
        Absolute lift of arm B (0: A/A tests, every winner is a false one).
    spending : {"obrien_fleming", "pocock"}
        The spending function.
    seed : int
        Seed of the simulation.

    Returns
    -------
    dict
        ``fixed`` (share significant when tested once at the end), ``peeking`` (significant at
        any look at ``alpha``), ``spending`` (crossing a boundary at any look) and
        ``boundaries`` (:func:`spending_boundaries`). With ``lift=0`` these are false-positive
        rates, otherwise the power.

    Raises
    ------
    DataProblem
        If a rate is not a proportion or ``looks`` does not fit ``n_per_arm``.

    Examples
    --------
    >>> sim = simulate_sequential(n_sims=2000, seed=1)
    >>> sim["peeking"] > 0.1, sim["spending"] <= 0.06
    (True, True)
    """
    if not (0 < p < 1 and 0 < p + lift < 1):
        raise DataProblem(f"rates must lie between 0 and 1, got p={p} and p + lift={p + lift}")
    if looks < 1 or n_per_arm < looks:
        raise DataProblem(f"need 1 <= looks <= n_per_arm, got looks={looks}, n_per_arm={n_per_arm}")
    rng = np.random.default_rng(seed)
    edges = np.linspace(0, n_per_arm, looks + 1).round().astype(int)
    batch = np.diff(edges)[None, :]
    conv_a = rng.binomial(batch, p, size=(n_sims, looks)).cumsum(axis=1)
    conv_b = rng.binomial(batch, p + lift, size=(n_sims, looks)).cumsum(axis=1)
    n = np.broadcast_to(edges[1:][None, :].astype(float), conv_a.shape)
    z = np.abs(_pooled_z(conv_a, n, conv_b, n))
    bounds = spending_boundaries(edges[1:] / n_per_arm, alpha, spending)
    return {"fixed": float((z[:, -1] > scipy_stats().norm.isf(alpha / 2)).mean()),
            "peeking": float((z > scipy_stats().norm.isf(alpha / 2)).any(axis=1).mean()),
            "spending": float((z > bounds["z_boundary"].to_numpy()[None, :]).any(axis=1).mean()),
            "boundaries": bounds}


def plot_sequential(looks: pd.DataFrame, alpha: float = 0.05, ax: Axes | None = None) -> Axes:
    """The |z| of each look against the alpha-spending boundary and the naive 1.96 line.

    Parameters
    ----------
    looks : DataFrame
        :func:`sequential_looks` (or :func:`spending_boundaries`, drawn without a z path).
    alpha : float
        The false-positive rate of the naive line.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Raises
    ------
    DataProblem
        If ``looks`` lacks ``information`` or ``z_boundary``.
    """
    require_columns(looks, ["information", "z_boundary"], "sequential looks",
                    fix="pass sequential_looks(...) or spending_boundaries(...).")
    ax = new_axes(ax, (6, 4))
    t = looks["information"]
    ax.plot(t, looks["z_boundary"], marker="o", color="#c0504d",
            label=tr("alpha-spending boundary"))
    ax.axhline(scipy_stats().norm.isf(alpha / 2), color="grey", linestyle="--",
               label=tr("naive {level:.0%} line (peeking)", level=1 - alpha))
    if "z" in looks:
        ax.plot(t, looks["z"].abs(), marker="s", color="#4f81bd",
                label=tr("|z| of the test so far"))
    ax.set(xlabel=tr("share of the planned calls"), ylabel="|z|", xlim=(0, 1.02),
           title=tr("Looking at a running test: stop only above the boundary"))
    ax.legend()
    return ax
