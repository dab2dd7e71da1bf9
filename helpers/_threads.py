"""One native thread around small numerical work: one thread-pool controller for the package."""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["one_thread"]


@cache
def _controller() -> Any:
    # deferred: building the controller inspects every loaded native library (slow), once
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_thread(user_api: str | None = None) -> Any:
    """Context limiting native thread pools to one thread.

    Small fits call BLAS or OpenMP thousands of times on tiny arrays; on two cores each call
    that wakes a second thread costs more than it saves (k-means, scikit-learn's mixtures,
    L-BFGS-B's steps on a few parameters), and one thread keeps results independent of the
    machine's number of cores.

    Parameters
    ----------
    user_api : {"blas", "openmp"}, optional
        Limit only that kind of pool (default: every pool).

    Examples
    --------
    >>> import numpy as np
    >>> with one_thread("blas"):
    ...     float(np.ones(3) @ np.ones(3))
    3.0
    """
    return _controller().limit(limits=1, user_api=user_api)
