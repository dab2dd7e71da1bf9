"""What every ``plot_*`` helper shares: draw into the caller's axes, or a new figure."""

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = ["new_axes"]


def new_axes(ax: Axes | None, size: tuple[float, float] = (6, 4)) -> Axes:
    """``ax`` when the caller gives one, else the axes of a new figure of ``size`` inches.

    Every ``plot_*`` helper starts with it, so each can also draw into a trainee's own grid.

    >>> ax = new_axes(None, (3, 2))
    >>> new_axes(ax) is ax
    True
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax
