"""The aging widget: move the as-of date and the stage boundaries, see the bars change."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd

from helpers.errors import DataProblem

from ._aging import aging_table, open_items
from ._common import as_date
from ._snapshots import month_ends
from ._stages import Stages, load_stages, resolve_stages
from ._validation import validate_receivables

__all__ = ["aging_view", "explore_aging"]


def aging_view(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any,
               m1_max: int = 30, m2_max: int = 60, m3_max: int = 90,
               stages: Stages | None = None, validate: bool = True) -> pd.DataFrame:
    """Aging by stage for a date and stage boundaries (the widget's pure function).

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    as_of : date-like
        The aging date.
    m1_max, m2_max, m3_max : int
        Upper bounds (days past due) of M1, M2 and M3.
    stages : Stages, optional
        Names and other settings (default: the bundled stages; five stages are needed).
    validate : bool
        ``False`` skips the input checks for tables already returned by
        :func:`validate_receivables` (the widget validates once, then calls this on every move).

    Returns
    -------
    DataFrame
        ``stage, balance, invoices, share`` (:func:`aging_table` with ``by=None``).

    Raises
    ------
    DataProblem
        If the boundaries do not increase or the stages are not five.
    """
    st = resolve_stages(stages)
    bounds = [0, m1_max, m2_max, m3_max]
    if not all(a < b for a, b in zip(bounds, bounds[1:], strict=False)) or len(st.names) != 5:
        raise DataProblem(f"aging_view: boundaries must increase (0 < M1 < M2 < M3), got "
                          f"{bounds[1:]}.")
    custom = st.with_max_days([float(b) for b in bounds])
    return aging_table(open_items(invoices, payments, as_of, custom, validate=validate), by=None)


def explore_aging(invoices: pd.DataFrame, payments: pd.DataFrame, as_of: Any) -> w.Widget:
    """Widget: move the as-of date and the stage boundaries, see the aging bars change.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables (validated once, when the widget is built).
    as_of : date-like
        The latest date offered; the slider covers the 12 month ends up to it.

    Returns
    -------
    ipywidgets.Widget
    """
    day = as_date(as_of)
    months = [d.date() for d in month_ends(day - pd.DateOffset(months=11), day)]
    date = w.SelectionSlider(options=months, value=months[-1], description="as of")
    m1 = w.IntSlider(30, 5, 60, description="M1 up to")
    m2 = w.IntSlider(60, 20, 120, description="M2 up to")
    m3 = w.IntSlider(90, 40, 180, description="M3 up to")
    out = w.Output()
    st = load_stages()
    inv, pay = validate_receivables(invoices, payments, overpayment="cap")

    def update(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                table = aging_view(inv, pay, date.value, m1.value, m2.value, m3.value, st,
                                   validate=False)
            except DataProblem as exc:
                print(exc)
                return
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.bar(table["stage"].astype(str), table["balance"], color="#d9822b")
            ax.set_title(f"Open balance by stage on {date.value} "
                         f"(overdue share {1 - table['share'].iloc[0]:.0%})")
            plt.show()

    for control in (date, m1, m2, m3):
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox([date, m1]), w.HBox([m2, m3]), out])
