"""What every ``plot_*`` helper shares: draw into the caller's axes, or a new figure.

The course's colours are the Okabe-Ito set (readable with every common colour-vision
deficiency), set as matplotlib's default cycle when this module is imported (seaborn takes its
default palette from that cycle, so seaborn is not imported here: it loads scipy.stats): no
red/green pairs. Two contrasting meanings use :data:`GOOD` (blue) and :data:`BAD` (vermillion);
:data:`ALERT` marks thresholds and alert runs. Labels drawn on bars take :func:`text_colour`, so
they stay readable (at least 4.5:1 contrast) on light and dark bars. Axes that hold money or
shares get their unit with :func:`money_axis` and :func:`percent_axis`.
"""

from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.ticker import FuncFormatter, PercentFormatter

from helpers.i18n import language, setup_fonts

# Chinese labels (both editions) are drawn with Noto Sans CJK, glyph by glyph after DejaVu Sans
setup_fonts()

__all__ = ["ALERT", "BAD", "GOOD", "NEUTRAL", "OKABE_ITO", "money_axis", "new_axes", "percent_axis",
           "text_colour"]

#: Okabe & Ito (2008), "Color Universal Design": black, orange, sky blue, bluish green, yellow,
#: blue, vermillion, reddish purple (black last here: it is the text colour).
OKABE_ITO = ("#0072B2", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442",
             "#000000")
GOOD, BAD, NEUTRAL, ALERT = "#0072B2", "#D55E00", "#999999", "#D55E00"

# as RGB tuples, the form seaborn's set_palette gave them: pandas draws its box plots from the
# cycle differently when it holds hex strings (blue boxes instead of black ones)
mpl.rcParams["axes.prop_cycle"] = cycler(color=[to_rgb(c) for c in OKABE_ITO])


def text_colour(background: Any) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance).

    >>> text_colour("#F0E442"), text_colour("#0072B2")
    ('black', 'white')
    """
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def percent_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> Axes:
    """Show fractions on ``ax``'s ``axis`` (``"x"`` or ``"y"``) as percentages (0.25 -> 25%).

    >>> ax = percent_axis(new_axes(None))
    >>> ax.yaxis.get_major_formatter()(0.25, 0)
    '25%'
    """
    getattr(ax, f"{axis}axis").set_major_formatter(PercentFormatter(1.0, decimals=decimals))
    return ax


def money_axis(ax: Axes, axis: str = "y") -> Axes:
    """Show amounts on ``ax``'s ``axis`` in yuan: ¥950, ¥123k, ¥1.2M (Chinese edition: ¥12.3万).

    >>> ax = money_axis(new_axes(None))
    >>> ax.yaxis.get_major_formatter()(123456, 0), ax.yaxis.get_major_formatter()(950, 0)
    ('¥123k', '¥950')
    """
    def yuan(value: float, _: Any) -> str:
        size = abs(value)
        if language() == "zh" and size >= 1e4:
            return f"¥{value / 1e8:,.2f}亿" if size >= 1e8 else f"¥{value / 1e4:,.1f}万"
        if size >= 1e6:
            return f"¥{value / 1e6:,.1f}M"
        return f"¥{value / 1e3:,.0f}k" if size >= 1e4 else f"¥{value:,.0f}"

    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(yuan))
    return ax


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
