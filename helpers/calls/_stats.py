"""The Wilson score interval (contact rates by hour, A/B-test arms) and scipy.stats on demand."""

from types import ModuleType
from typing import Any

import numpy as np

Z95 = 1.959963984540054


def wilson_interval(x: Any, n: Any, z: float = Z95) -> tuple[Any, Any]:
    """Wilson score interval of ``x`` successes in ``n`` trials (arrays or numbers).

    Where ``n`` is 0 the interval is the whole range ``[0, 1]``.

    Examples
    --------
    >>> low, high = wilson_interval(np.array([5, 0]), np.array([10, 0]))
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.2366, 0.0], [0.7634, 1.0])
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, x / n, 0.0)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.where(n > 0, centre - half, 0.0), np.where(n > 0, centre + half, 1.0)


def scipy_stats() -> ModuleType:
    """:mod:`scipy.stats`, imported the first time a test or interval needs it.

    Examples
    --------
    >>> round(float(scipy_stats().norm.ppf(0.975)), 6)
    1.959964
    """
    # deferred: scipy.stats takes over a second to import, and the lessons that load
    # helpers.calls for scoring, queues or aging never run a significance test
    from scipy import stats

    return stats
