"""What the fitted customer-base models share: parameters by name and the per-customer view.

BG/NBD, MBG/NBD and Pareto/NBD fits are frozen dataclasses that inherit :class:`CountModelFit`;
each names its parameters in ``PARAM_NAMES`` and defines ``p_alive`` and
``expected_purchases``, and gets ``params`` and ``predict`` from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._inputs import frequency_recency_t

__all__ = ["CountModelFit", "param_values"]


def param_values(params: Mapping[str, float] | Sequence[float],
                 names: Sequence[str]) -> list[float]:
    """The parameters in ``names`` order, from a mapping by name or a sequence in that order.

    >>> param_values({"b": 2.0, "a": 1.0}, ("a", "b")), param_values([1.0, 2.0], ("a", "b"))
    ([1.0, 2.0], [1.0, 2.0])
    """
    if isinstance(params, Mapping):
        return [float(params[k]) for k in names]
    return [float(v) for v in params]


class CountModelFit:
    """Shared by the purchase-count model fits (BG/NBD, MBG/NBD, Pareto/NBD)."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ()

    @property
    def params(self) -> dict[str, float]:
        """The fitted parameters by name, in the model's order."""
        return {k: float(getattr(self, k)) for k in self.PARAM_NAMES}

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that a customer with this history is still alive (each model's own)."""
        raise NotImplementedError

    def expected_purchases(self, t: Any, frequency: Any, recency: Any,
                           T: Any) -> np.ndarray:
        """Expected purchases over ``t`` given the history (each model's own)."""
        raise NotImplementedError

    def predict(self, summary: pd.DataFrame, t: float) -> pd.DataFrame:
        """``p_alive`` and ``expected_purchases`` over ``t`` for every customer of ``summary``.

        Parameters
        ----------
        summary : DataFrame
            ``frequency``, ``recency``, ``T`` per customer.
        t : float
            The horizon, in the model's time unit.

        Returns
        -------
        DataFrame
            Indexed like ``summary``.

        Raises
        ------
        DataProblem
            A bad summary (missing columns, negative or inconsistent values).
        """
        x, t_x, big_t, index = frequency_recency_t(summary)
        return pd.DataFrame({"p_alive": self.p_alive(x, t_x, big_t),
                             "expected_purchases": self.expected_purchases(t, x, t_x, big_t)},
                            index=index)
