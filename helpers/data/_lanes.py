"""Two lanes of work at once: tasks on a worker thread beside others on the caller's thread.

The loader validates a large table in two lanes (:func:`helpers.data._validate.validate`): the
columns that may become numbers, dates or yes/no on a worker thread, the text columns and the
key's repeats on the caller's. Arrow's compute functions and numpy's loops let go of the GIL, so
the two lanes share the machine's cores. Each lane runs its tasks in order and nothing is shared
between them but what they read, so the results are those of running the first lane and then the
second, one task after the other; an error is raised as it would be then (the first lane's first).

>>> two_lanes([lambda: 1, lambda: 2], [lambda: 3])
([1, 2], [3])
>>> two_lanes([lambda: 1], [lambda: 3], threads=False)
([1], [3])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["two_lanes"]

T = TypeVar("T")


def _in_order(tasks: Sequence[Callable[[], T]]) -> list[T]:
    return [task() for task in tasks]


def two_lanes(first: Sequence[Callable[[], T]], second: Sequence[Callable[[], T]],
              threads: bool = True) -> tuple[list[T], list[T]]:
    """Run ``first`` on a worker thread while ``second`` runs here; what each task returned.

    Parameters
    ----------
    first, second : sequence of callables
        The lanes' tasks, each run in its lane's order; tasks of different lanes must not write
        to anything the other lane reads.
    threads : bool
        ``False``: run ``first`` and then ``second`` on this thread (small tables: a thread
        costs more than it saves).

    Returns
    -------
    tuple of list
        Each lane's results, in its tasks' order.

    Raises
    ------
    Exception
        The first error of ``first`` if it has one (the second lane is run to its end or its
        first error first), else the first error of ``second``.
    """
    if not threads or not first or not second:
        return _in_order(first), _in_order(second)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-lane") as pool:
        side = pool.submit(_in_order, first)
        try:
            here = _in_order(second)
        except BaseException:
            side.result()  # the first lane's error, had it one, comes first
            raise
        return side.result(), here
