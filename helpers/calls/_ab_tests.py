"""A/B tests of call scripts: plan the sample size, test the result, and see why peeking misleads.

The workflow a sales team follows, one function per step:

1. before the test, :func:`sample_size_per_arm` says how many answered calls each script variant
   needs to detect the smallest lift worth acting on (and :func:`power_two_proportions` the
   chance of detecting a given lift with the calls you can afford);
2. after the test, :func:`arms_from_calls` counts calls and sales per variant from a call log,
   :func:`two_proportion_test` gives the classical answer (difference, confidence interval,
   p-value) and :func:`bayesian_ab` the "probability that B beats A" view;
3. :func:`simulate_peeking` shows by simulation why looking at the p-value every day and stopping
   at the first "significant" result produces far more false winners than the 5% promised.

Bad input (no calls in an arm, no conversions anywhere, counts that do not add up) raises
:class:`helpers.errors.DataProblem` with the arm and the fix; an arm with zero conversions is
handled by a documented fallback (Fisher's exact test and a Newcombe score interval).
"""

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.errors import DataProblem, require_columns
from helpers.i18n import tr
from helpers.plotting import OKABE_ITO, percent_axis, text_colour

from ._stats import scipy_stats, wilson_interval

__all__ = [
    "arms_from_calls",
    "bayesian_ab",
    "plot_ab_result",
    "plot_peeking",
    "power_two_proportions",
    "sample_size_per_arm",
    "simulate_peeking",
    "two_proportion_test",
]


def _z(q: float) -> float:
    return float(scipy_stats().norm.ppf(q))


def _check_rate(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and 0 < value < 1):
        raise DataProblem(f"{name} must be a proportion strictly between 0 and 1, got {value!r}. "
                          "Give rates as fractions, e.g. 0.12 for 12%.")


def sample_size_per_arm(
    p_base: float,
    min_lift: float,
    alpha: float = 0.05,
    power: float = 0.8,
    relative: bool = False,
) -> int:
    """Answered calls needed in *each* arm to detect a lift with the given power.

    Uses the normal approximation for two independent proportions (pooled variance under the
    null, unpooled under the alternative), two-sided.

    Parameters
    ----------
    p_base : float
        Current conversion rate (variant A), e.g. 0.12.
    min_lift : float
        Smallest lift worth detecting: absolute (0.03 = three percentage points) or, with
        ``relative=True``, relative (0.25 = a quarter better).
    alpha : float
        False-positive rate accepted (two-sided).
    power : float
        Chance of detecting a true lift of ``min_lift``.
    relative : bool
        Read ``min_lift`` as a relative lift.

    Returns
    -------
    int
        Calls per arm, rounded up.

    Raises
    ------
    DataProblem
        If a rate is not a proportion or the lift leaves the range 0-1.

    Examples
    --------
    >>> sample_size_per_arm(0.10, 0.02)
    3841
    """
    _check_rate("p_base", p_base)
    _check_rate("alpha", alpha)
    _check_rate("power", power)
    p2 = p_base * (1 + min_lift) if relative else p_base + min_lift
    if not 0 < p2 < 1 or p2 == p_base:
        raise DataProblem(f"the target rate {p2:.4g} (p_base {p_base} with lift {min_lift}) must "
                          "differ from p_base and lie between 0 and 1; choose a smaller lift.")
    p_bar = (p_base + p2) / 2
    top = (_z(1 - alpha / 2) * math.sqrt(2 * p_bar * (1 - p_bar))
           + _z(power) * math.sqrt(p_base * (1 - p_base) + p2 * (1 - p2)))
    return math.ceil(top**2 / (p2 - p_base) ** 2)


def power_two_proportions(n_per_arm: int, p_base: float, p_variant: float,
                          alpha: float = 0.05) -> float:
    """Chance that a two-sided test with ``n_per_arm`` calls per arm detects ``p_variant``.

    Parameters
    ----------
    n_per_arm : int
        Answered calls in each arm.
    p_base, p_variant : float
        Conversion rate of variant A and the rate B would have.
    alpha : float
        False-positive rate accepted (two-sided).

    Returns
    -------
    float
        The power.

    Raises
    ------
    DataProblem
        If a rate is not a proportion or ``n_per_arm`` is not positive.

    Examples
    --------
    >>> round(power_two_proportions(3841, 0.10, 0.12), 2)
    0.8
    """
    _check_rate("p_base", p_base)
    _check_rate("p_variant", p_variant)
    if n_per_arm <= 0:
        raise DataProblem(f"n_per_arm must be positive, got {n_per_arm}")
    p_bar = (p_base + p_variant) / 2
    se0 = math.sqrt(2 * p_bar * (1 - p_bar) / n_per_arm)
    se1 = math.sqrt((p_base * (1 - p_base) + p_variant * (1 - p_variant)) / n_per_arm)
    diff = abs(p_variant - p_base)
    return float(scipy_stats().norm.cdf((diff - _z(1 - alpha / 2) * se0) / se1))


def _in_test(calls: pd.DataFrame, variant_col: str, purpose: str | None,
             answered_only: bool) -> pd.Series:
    """The calls that count in the test: with a variant, of ``purpose``, answered if asked."""
    keep = calls[variant_col].notna()
    if answered_only:
        keep &= calls["answered"].astype("boolean").fillna(False).astype(bool)
    if purpose:
        keep &= calls["purpose"].eq(purpose).fillna(False).astype(bool)
    return keep


# Long: the docstring documents the columns of both arms and has an example; the code is 25 lines
def arms_from_calls(
    calls: pd.DataFrame,
    variant_col: str | None = "script_variant",
    success: tuple[str, ...] = ("sale",),
    purpose: str | None = "sales",
    answered_only: bool = True,
) -> pd.DataFrame:
    """Count calls and conversions per script variant from a call log.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` table (``answered``, ``outcome``, ``purpose`` and the variant column).
    variant_col : str or None
        Column naming the variant each call used; calls without a variant are left out.
        ``None``: every call in one arm named ``"all"`` (the log's own base rate, when it
        records no variants).
    success : tuple of str
        Outcomes that count as a conversion.
    purpose : str or None
        Keep only calls with this purpose (``None``: all calls).
    answered_only : bool
        Count answered calls only (the script only works when someone listens).

    Returns
    -------
    DataFrame
        One row per variant: ``variant, calls, conversions, rate``.

    Raises
    ------
    DataProblem
        If a needed column is missing or no call carries a variant.

    Examples
    --------
    >>> arms_from_calls(pd.DataFrame({"script_variant": ["A", "A", "B"], "answered": True,
    ...                               "outcome": ["sale", "refused", "sale"], "purpose": "sales"}))
      variant  calls  conversions  rate
    0       A      2            1   0.5
    1       B      1            1   1.0
    >>> arms_from_calls(pd.DataFrame({"answered": True, "outcome": ["sale", "refused"]}),
    ...                 variant_col=None, purpose=None)
      variant  calls  conversions  rate
    0     all      2            1   0.5
    """
    if variant_col is None:
        calls, variant_col = calls.assign(_arm="all"), "_arm"
    need = [variant_col, "outcome", *(["answered"] if answered_only else []),
            *(["purpose"] if purpose else [])]
    require_columns(calls, need, "calls (A/B count)",
                    fix="map your export's variant column with a mapping file (see mappings/).")
    sub = calls.loc[_in_test(calls, variant_col, purpose, answered_only), [variant_col, "outcome"]]
    if sub.empty:
        raise DataProblem(f"calls: no {'answered ' if answered_only else ''}{purpose or ''} "
                          f"calls carry a value in {variant_col!r}; nothing to test. Check the "
                          "variant column and the purpose filter.")
    out = (sub.assign(conv=sub["outcome"].isin(success))
           .groupby(variant_col, observed=True)["conv"].agg(calls="size", conversions="sum")
           .reset_index().rename(columns={variant_col: "variant"}))
    out["variant"] = out["variant"].astype(str)
    out["conversions"] = out["conversions"].astype(int)
    out["rate"] = out["conversions"] / out["calls"]
    return out.sort_values("variant", ignore_index=True)


def _wilson(x: float, n: float, z: float) -> tuple[float, float]:
    low, high = wilson_interval(x, n, z)
    return float(low), float(high)


def _newcombe(conv_a: int, n_a: int, conv_b: int, n_b: int, z: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval for the difference of rates B − A."""
    pa, pb = conv_a / n_a, conv_b / n_b
    la, ua = _wilson(conv_a, n_a, z)
    lb, ub = _wilson(conv_b, n_b, z)
    diff = pb - pa
    return (diff - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2),
            diff + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2))


def _check_counts(conv_a: int, n_a: int, conv_b: int, n_b: int) -> None:
    for arm, c, n in (("A", conv_a, n_a), ("B", conv_b, n_b)):
        if n is None or c is None or n <= 0:
            raise DataProblem(f"arm {arm} has no calls (n={n}); both arms need calls before a "
                              "test. Check the variant labels in the call log.")
        if c < 0 or c > n:
            raise DataProblem(f"arm {arm}: conversions ({c}) must lie between 0 and the number of "
                              f"calls ({n}); check which column was counted.")
    if conv_a + conv_b == 0 or conv_a + conv_b == n_a + n_b:
        what = "no conversions" if conv_a + conv_b == 0 else "only conversions"
        raise DataProblem(f"both arms have {what} ({conv_a}/{n_a} and {conv_b}/{n_b}): the data "
                          "cannot tell the variants apart. Keep the test running: "
                          "sample_size_per_arm(...) says how many calls are needed.")


def two_proportion_test(conv_a: int, n_a: int, conv_b: int, n_b: int,
                        alpha: float = 0.05) -> dict[str, Any]:
    """Compare the conversion rates of variants A and B (two-sided).

    The z test with pooled variance is used when every expected cell count is at least 5;
    otherwise (for instance an arm with zero conversions) the documented fallback is Fisher's
    exact test. The interval for the difference is Newcombe's hybrid score interval, which stays
    inside [-1, 1] and works with zero counts.

    Parameters
    ----------
    conv_a, n_a : int
        Conversions and answered calls of variant A.
    conv_b, n_b : int
        The same for variant B.
    alpha : float
        False-positive rate accepted (two-sided); also sets the interval's level.

    Returns
    -------
    dict
        ``rate_a, rate_b, diff`` (B − A), ``relative_lift``, ``ci_low, ci_high`` (for the
        difference), ``z`` (None for Fisher), ``p_value``, ``significant``, ``method``.

    Raises
    ------
    DataProblem
        If an arm has no calls, counts do not add up, or no arm (or every call) converted.

    Examples
    --------
    >>> r = two_proportion_test(120, 1000, 150, 1000)
    >>> round(r["p_value"], 4), r["significant"], r["method"]
    (0.0496, True, 'z test')
    >>> two_proportion_test(0, 40, 6, 40)["method"]
    'Fisher exact (small counts)'
    """
    _check_counts(conv_a, n_a, conv_b, n_b)
    pa, pb = conv_a / n_a, conv_b / n_b
    pooled = (conv_a + conv_b) / (n_a + n_b)
    expected = [n_a * pooled, n_a * (1 - pooled), n_b * pooled, n_b * (1 - pooled)]
    z: float | None = None
    if min(expected) >= 5:
        z = (pb - pa) / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
        p_value = float(2 * scipy_stats().norm.sf(abs(z)))
    else:
        table = [[conv_b, n_b - conv_b], [conv_a, n_a - conv_a]]
        p_value = float(scipy_stats().fisher_exact(table)[1])
    low, high = _newcombe(conv_a, n_a, conv_b, n_b, _z(1 - alpha / 2))
    diff = pb - pa
    return {"rate_a": pa, "rate_b": pb, "diff": diff,
            "relative_lift": diff / pa if pa > 0 else None, "ci_low": low, "ci_high": high,
            "z": z, "p_value": p_value, "significant": p_value < alpha,
            "method": "z test" if z is not None else "Fisher exact (small counts)"}


def bayesian_ab(conv_a: int, n_a: int, conv_b: int, n_b: int, prior: tuple[float, float] = (1, 1),
                draws: int = 100_000, seed: int = 0, cred: float = 0.95) -> dict[str, Any]:
    """The Bayesian view: how likely B is better than A, and by how much.

    Each arm's rate gets a Beta posterior (``prior`` = Beta(a, b), flat by default); the answer is
    computed from ``draws`` joint samples.

    Parameters
    ----------
    conv_a, n_a, conv_b, n_b : int
        Conversions and answered calls of variants A and B.
    prior : tuple of float
        The Beta(a, b) prior of each arm's rate.
    draws : int
        Joint posterior samples.
    seed : int
        Seed of the sampling.
    cred : float
        Level of the credible interval.

    Returns
    -------
    dict
        ``prob_b_better``, ``diff_mean``, ``diff_low``, ``diff_high`` (central credible
        interval), ``expected_loss_b`` (expected conversion-rate loss if B is chosen and is in
        fact worse).

    Raises
    ------
    DataProblem
        As :func:`two_proportion_test`.

    Examples
    --------
    >>> round(bayesian_ab(120, 1000, 150, 1000)["prob_b_better"], 2)
    0.97
    """
    _check_counts(conv_a, n_a, conv_b, n_b)
    a0, b0 = prior
    rng = np.random.default_rng(seed)
    ra = rng.beta(a0 + conv_a, b0 + n_a - conv_a, draws)
    rb = rng.beta(a0 + conv_b, b0 + n_b - conv_b, draws)
    d = rb - ra
    tail = (1 - cred) / 2
    return {
        "prob_b_better": float((d > 0).mean()),
        "diff_mean": float(d.mean()),
        "diff_low": float(np.quantile(d, tail)),
        "diff_high": float(np.quantile(d, 1 - tail)),
        "expected_loss_b": float(np.maximum(-d, 0).mean()),
    }


def simulate_peeking(p: float = 0.10, n_per_arm: int = 4000, looks: int = 20,
                     n_sims: int = 2000, alpha: float = 0.05, seed: int = 0) -> dict[str, Any]:
    """Simulate A/A tests (no real difference) checked ``looks`` times as calls come in.

    Parameters
    ----------
    p : float
        The conversion rate of both arms.
    n_per_arm : int
        Calls per arm at the planned end.
    looks : int
        How many times the result is looked at (evenly spaced).
    n_sims : int
        Simulated tests.
    alpha : float
        Significance level of each look.
    seed : int
        Seed of the simulation.

    Returns
    -------
    dict
        ``false_positive_fixed``: share of simulated tests declared significant when tested once
        at the planned end; ``false_positive_peeking``: share declared significant at *any* look
        (stopping at the first significant result); ``by_look``: DataFrame with the cumulative
        share of tests stopped by each look.

    Raises
    ------
    DataProblem
        If ``p`` is not a proportion or ``looks`` does not fit ``n_per_arm``.

    Examples
    --------
    >>> peek = simulate_peeking(n_sims=500, seed=0)
    >>> peek["false_positive_fixed"], peek["false_positive_peeking"]
    (0.05, 0.25)
    """
    _check_rate("p", p)
    if looks < 1 or n_per_arm < looks:
        raise DataProblem(f"need 1 <= looks <= n_per_arm, got looks={looks}, n_per_arm={n_per_arm}")
    rng = np.random.default_rng(seed)
    edges = np.linspace(0, n_per_arm, looks + 1).round().astype(int)
    batch = np.diff(edges)
    conv = rng.binomial(batch[None, :, None], p, size=(n_sims, looks, 2)).cumsum(axis=1)
    n = edges[1:][None, :]
    pa, pb = conv[..., 0] / n, conv[..., 1] / n
    pooled = (conv[..., 0] + conv[..., 1]) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (pb - pa) / se, 0.0)
    reject = np.abs(z) > _z(1 - alpha / 2)
    stopped = np.maximum.accumulate(reject, axis=1)
    by_look = pd.DataFrame({"look": np.arange(1, looks + 1), "calls_per_arm": edges[1:],
                            "share_declared_winner": stopped.mean(axis=0)})
    return {
        "false_positive_fixed": float(reject[:, -1].mean()),
        "false_positive_peeking": float(stopped[:, -1].mean()),
        "by_look": by_look,
    }


def plot_ab_result(arms: pd.DataFrame, alpha: float = 0.05, ax: Axes | None = None) -> Axes:
    """Bar chart of each variant's conversion rate with its Wilson interval.

    Parameters
    ----------
    arms : DataFrame
        :func:`arms_from_calls`.
    alpha : float
        One minus the intervals' level.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    z = _z(1 - alpha / 2)
    bounds = np.array([_wilson(c, n, z) for c, n in zip(arms["conversions"], arms["calls"],
                                                          strict=True)])
    rates = arms["rate"].to_numpy()
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(arms))]
    ax.bar(arms["variant"], rates, color=colours,
           yerr=[rates - bounds[:, 0], bounds[:, 1] - rates], capsize=8)
    for x, (r, colour) in enumerate(zip(rates, colours, strict=True)):
        ax.text(x, r / 2, f"{r:.1%}", ha="center", color=text_colour(colour), fontweight="bold")
    percent_axis(ax)
    ax.set(ylabel=tr("conversion rate (answered calls)"), xlabel=tr("script variant"),
           title=tr("Conversion by script variant, {level:.0%} intervals", level=1 - alpha))
    return ax


def plot_peeking(result: dict[str, Any], alpha: float = 0.05, ax: Axes | None = None) -> Axes:
    """Line chart: share of A/A tests wrongly declared a winner, by how often one peeked.

    Parameters
    ----------
    result : dict
        :func:`simulate_peeking`.
    alpha : float
        The promised false-positive rate (drawn as a line).
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes
    """
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    look = result["by_look"]
    ax.plot(look["calls_per_arm"], look["share_declared_winner"], marker="o",
            label=tr("stop at first significant look"))
    ax.axhline(alpha, color="grey", ls="--",
               label=tr("promised false-positive rate {alpha:.0%}", alpha=alpha))
    ax.set(xlabel=tr("calls per arm so far"), ylabel=tr("share of A/A tests with a 'winner'"),
           title=tr("Peeking inflates false winners"), ylim=(0, None))
    ax.legend()
    return ax
