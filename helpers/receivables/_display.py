"""Collection tables for people: headers and play values in the edition's language.

The tables the notebooks compute keep their English column names and values (code and exercises
use them); :func:`display_table` gives a copy to show, translated in the Chinese edition.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.display import Shown, formatters
from helpers.i18n import language, tr

from ._playbook import CollectionPlaybook, type_label

__all__ = ["display_table"]

#: Columns whose values are English words of the playbook or the queue, translated for display.
VALUE_COLUMNS = ("channel", "actor", "tone", "goal", "escalation", "value_tier", "event")
#: Headers whose one word means something else elsewhere: the catalog key that says which.
HEADER_KEYS = {"total": "total (sum of the row)"}


def _header(name: Any) -> Any:
    return tr(HEADER_KEYS.get(name, name)) if isinstance(name, str) else name


def _word(value: Any) -> Any:
    return tr(value) if isinstance(value, str) and value else value


def _offers(value: Any) -> Any:
    if isinstance(value, str) and value:
        return "、".join(tr(o.strip()) for o in value.split(","))
    if isinstance(value, list | tuple):
        return "、".join(tr(str(o)) for o in value)
    return value


def display_table(frame: pd.DataFrame, playbook: CollectionPlaybook | None = None
                  ) -> pd.DataFrame:
    """A copy of a queue, account or play table to show: in Chinese in the zh edition.

    Headers go through :func:`helpers.i18n.tr`; customer types get the playbook's Chinese
    names; channels, actors, tones, goals, escalations, value tiers, timeline events and offers
    get the catalog's Chinese; numbers are formatted as :func:`helpers.display.show` formats
    them (¥, %, thousands), decided on the English names. In the English edition the frame
    itself is returned. Mask personal data first (:func:`helpers.display.show`): masking finds
    columns by their names.

    Parameters
    ----------
    frame : DataFrame
        A table such as the work queue (or its first rows).
    playbook : CollectionPlaybook, optional
        Names the customer types (default: the bundled playbook).

    Returns
    -------
    DataFrame
        The table to display (never used for computing): a :class:`helpers.display.Shown`
        of formatted text in the Chinese edition.

    Examples
    --------
    >>> from helpers.i18n import using_language
    >>> q = pd.DataFrame({"customer_type": ["lapsed"], "channel": ["visit"],
    ...                   "offers": ["instalment_plan, targeted_offer"]})
    >>> display_table(q) is q
    True
    >>> with using_language("zh"):
    ...     display_table(q).iloc[0].tolist()
    ['流失客户', '上门拜访', '分期付款、针对性限时优惠']
    """
    if language() == "en":
        return frame
    out = pd.DataFrame(frame).copy()
    shape = formatters(out)
    for col in out.columns:
        out[col] = out[col].astype(object).map(shape[col])
    if "customer_type" in out.columns:
        out["customer_type"] = out["customer_type"].astype(object).map(
            lambda t: type_label(t, playbook) if isinstance(t, str) else t)
    for col in VALUE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(object).map(_word)
    if "offers" in out.columns:
        out["offers"] = out["offers"].astype(object).map(_offers)
    out = out.rename(columns=_header, index=lambda i: _header(i) if i in HEADER_KEYS else i)
    if out.index.nlevels == 1:
        out = out.rename_axis(index=_header(out.index.name))
    return Shown(out)
