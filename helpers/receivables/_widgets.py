"""The aging widget: move the as-of date and the stage boundaries, see the bars change."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from helpers.errors import DataProblem
from helpers.i18n import tr

from ._aging import aging_table, open_items
from ._common import as_date, invoice_rows
from ._snapshots import month_ends
from ._stages import Stages, load_stages, resolve_stages, stage_of
from ._validation import validate_receivables

__all__ = ["AgingInputs", "aging_view", "explore_aging"]


class AgingInputs:
    """The aging widget's inputs validated once, and each as-of date's open items kept.

    Stage boundaries only re-stage the open items of a date, so a move of the M1/M2/M3 sliders
    does not recompute balances; the most recent ``keep`` dates are kept. A date not seen before
    costs one pass over arrays read once (each payment's invoice is found once, not per date).

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    stages : Stages, optional
        Default: the bundled stages.
    validate : bool
        ``False`` for tables already returned by :func:`validate_receivables`.
    keep : int
        As-of dates kept (the widget offers twelve month ends).
    """

    def __init__(self, invoices: pd.DataFrame, payments: pd.DataFrame,
                 stages: Stages | None = None, validate: bool = True, keep: int = 12) -> None:
        self.stages, self.keep = resolve_stages(stages), keep
        self.invoices, self.payments = (validate_receivables(invoices, payments, overpayment="cap")
                                        if validate else (invoices, payments))
        self._items: dict[Any, pd.DataFrame] = {}
        self._open_at: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        inv, pay = self.invoices, self.payments
        self._book = {  # the columns the balances need, as arrays; payments' invoices found once
            "issue": inv["issue_date"].to_numpy(dtype="datetime64[ns]"),
            "due": inv["due_date"].to_numpy(dtype="datetime64[ns]"),
            "amount": inv["amount"].to_numpy(dtype="float64"),
            "pay_row": invoice_rows(inv["invoice_id"], pay["invoice_id"]),
            "pay_date": pay["payment_date"].to_numpy(dtype="datetime64[ns]"),
            "pay_amount": pay["amount"].to_numpy(dtype="float64")}

    def open_at(self, as_of: Any) -> tuple[np.ndarray, np.ndarray]:
        """Balance and days past due of the invoices open at ``as_of`` (in invoice order), kept.

        The numbers of :func:`open_items`: paid is the sum of the payments received by then
        (added in payment order), at most the amount; the balance rounded to cents, 0 within
        the tolerance.

        Parameters
        ----------
        as_of : date-like
            The aging date.

        Returns
        -------
        tuple of arrays
            ``balance`` (float) and ``days_past_due`` (int64) of each open invoice.
        """
        day = as_date(as_of)
        if day not in self._open_at:
            while len(self._open_at) >= self.keep:
                self._open_at.pop(next(iter(self._open_at)))
            self._open_at[day] = _open_balances(self._book, day, self.stages.tolerance)
        return self._open_at[day]

    def items(self, as_of: Any) -> pd.DataFrame:
        """Open items at ``as_of`` (:func:`open_items` with the base stages), kept.

        Parameters
        ----------
        as_of : date-like
            The aging date.

        Returns
        -------
        DataFrame
            As :func:`open_items`.
        """
        day = as_date(as_of)
        if day not in self._items:
            while len(self._items) >= self.keep:
                self._items.pop(next(iter(self._items)))
            self._items[day] = open_items(self.invoices, self.payments, day, self.stages,
                                          validate=False)
        return self._items[day]


def _open_balances(book: dict[str, np.ndarray], day: pd.Timestamp,
                   tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`open_items`' balance and days past due at ``day``, from ``AgingInputs._book``."""
    d64 = np.datetime64(day, "ns")
    issued = book["issue"] <= d64
    row = book["pay_row"]
    # payments received by then, on an invoice issued by then (the others find no invoice)
    counted = (book["pay_date"] <= d64) & (row >= 0)
    counted[counted] = issued[row[counted]]
    amount = book["amount"][issued]
    position = np.cumsum(issued) - 1  # row of each issued invoice among the issued ones
    paid = np.bincount(position[row[counted]], weights=book["pay_amount"][counted],
                       minlength=len(amount))
    balance = np.round(amount - np.minimum(paid, amount), 2)
    balance[balance <= tolerance] = 0.0
    dpd = np.asarray((d64 - book["due"][issued]) // np.timedelta64(1, "D"), dtype="int64")
    still = balance > 0
    return balance[still], dpd[still]


def aging_view(invoices: pd.DataFrame | AgingInputs, payments: pd.DataFrame | None = None,
               as_of: Any = None, m1_max: int = 30, m2_max: int = 60, m3_max: int = 90,
               stages: Stages | None = None, validate: bool = True) -> pd.DataFrame:
    """Aging by stage for a date and stage boundaries (the widget's pure function).

    Given an :class:`AgingInputs` (what :func:`explore_aging` builds once), the open balances of
    a date already seen are re-staged rather than recomputed; the table is the same.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables; or ``invoices`` an :class:`AgingInputs` and ``payments`` ``None``.
    as_of : date-like
        The aging date.
    m1_max, m2_max, m3_max : int
        Upper bounds (days past due) of M1, M2 and M3.
    stages : Stages, optional
        Names and other settings (default: the bundled stages, or those of the
        ``AgingInputs``; five stages are needed).
    validate : bool
        ``False`` skips the input checks for tables already returned by
        :func:`validate_receivables` (ignored with ``AgingInputs``, validated once).

    Returns
    -------
    DataFrame
        ``stage, balance, invoices, share`` (:func:`aging_table` with ``by=None``).

    Raises
    ------
    DataProblem
        If the boundaries do not increase or the stages are not five, or a table is missing.
    """
    prep = invoices if isinstance(invoices, AgingInputs) else None
    st = prep.stages if prep is not None and stages is None else resolve_stages(stages)
    bounds = [0, m1_max, m2_max, m3_max]
    if not all(a < b for a, b in zip(bounds, bounds[1:], strict=False)) or len(st.names) != 5:
        raise DataProblem(f"aging_view: boundaries must increase (0 < M1 < M2 < M3), got "
                          f"{bounds[1:]}.")
    custom = st.with_max_days([float(b) for b in bounds])
    if prep is None and payments is not None and as_of is not None:
        return aging_table(open_items(invoices, payments, as_of, custom, validate=validate),
                           by=None)
    if prep is None or as_of is None:
        raise DataProblem("aging_view: pass the invoices, the payments and an as-of date (or "
                          "AgingInputs(invoices, payments) and an as-of date).")
    balance, dpd = prep.open_at(as_of)
    return aging_table(pd.DataFrame({"stage": stage_of(dpd, custom), "balance": balance}),
                       by=None)


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
    date = w.SelectionSlider(options=months, value=months[-1], description=tr("as of"))
    m1 = w.IntSlider(30, 5, 60, description=tr("M1 up to"))
    m2 = w.IntSlider(60, 20, 120, description=tr("M2 up to"))
    m3 = w.IntSlider(90, 40, 180, description=tr("M3 up to"))
    out = w.Output()
    prep = AgingInputs(invoices, payments, load_stages())  # validated once, items per date kept
    fig, ax = plt.subplots(figsize=(7, 3))
    plt.close(fig)  # one figure: each move resets the bars' heights and shows it again
    bars = ax.bar([str(s) for s in prep.stages.names], [0.0] * len(prep.stages.names),
                  color="#d9822b")

    def update(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                table = aging_view(prep, None, date.value, m1.value, m2.value, m3.value)
            except DataProblem as exc:
                print(exc)
                return
            for bar, height in zip(bars, table["balance"], strict=True):
                bar.set_height(height)
            ax.set_ylim(0, max(float(table["balance"].max()), 1.0) * 1.05)
            ax.set_title(tr("Open balance by stage on {date} (overdue share {share:.0%})",
                            date=date.value, share=1 - table["share"].iloc[0]))
            display(fig)

    for control in (date, m1, m2, m3):
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox([date, m1]), w.HBox([m2, m3]), out])
