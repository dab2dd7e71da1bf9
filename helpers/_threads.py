"""Native thread pools held to a few threads around small numerical work: one controller.

Building a thread-pool controller inspects every loaded native library (3-12 ms), so it is kept;
but it only knows the libraries loaded when it was built, and one built before, say,
scikit-learn's OpenMP runtime or SciPy's own OpenBLAS was loaded would leave those pools alone.
Native libraries come with imported modules, so a new controller is built whenever modules have
been imported since the last one.
"""

from __future__ import annotations

import contextlib
import sys
from functools import lru_cache
from typing import Any

__all__ = ["one_thread", "threads"]


@lru_cache(maxsize=1)
def _controller(modules: int) -> Any:
    """A controller of the native libraries loaded with the first ``modules`` modules."""
    # deferred: building the controller inspects every loaded native library (slow)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def threads(limit: int | None, user_api: str | None = None) -> Any:
    """Context limiting native thread pools to ``limit`` threads (``None``: no limit).

    Parameters
    ----------
    limit : int or None
        Threads per pool; ``None`` leaves the pools as they are.
    user_api : {"blas", "openmp"}, optional
        Limit only that kind of pool (default: every pool).

    Examples
    --------
    >>> import numpy as np
    >>> with threads(None):
    ...     float(np.ones(2) @ np.ones(2))
    2.0
    """
    if limit is None:
        return contextlib.nullcontext()
    return _controller(len(sys.modules)).limit(limits=limit, user_api=user_api)


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
    return threads(1, user_api)
