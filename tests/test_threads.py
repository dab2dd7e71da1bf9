"""The package's one thread-pool controller (:mod:`helpers._threads`)."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers.paths import PROJECT_DIR

#: Run in a fresh interpreter: a limit first taken with only numpy's BLAS loaded, then
#: scikit-learn's OpenMP runtime loaded, then every pool limited (and, outside, left alone).
_LATE_POOL = """
import numpy
from helpers._threads import one_thread, threads
with one_thread("blas"):
    pass
import sklearn.cluster  # brings scikit-learn's OpenMP runtime
from threadpoolctl import threadpool_info
def pools():
    return sorted({(p["user_api"], p["num_threads"]) for p in threadpool_info()})
with one_thread():
    print(pools())
with threads(None):
    print(pools())
"""


def test_a_pool_loaded_after_the_first_limit_is_held_to_one_thread_too():
    env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2")
    done = subprocess.run([sys.executable, "-c", _LATE_POOL], capture_output=True, text=True,
                          check=True, env=env, cwd=PROJECT_DIR)
    limited, untouched = done.stdout.strip().splitlines()
    assert limited == "[('blas', 1), ('openmp', 1)]"
    assert untouched == "[('blas', 2), ('openmp', 2)]"
