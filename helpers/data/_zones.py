"""Time-zone offsets in exported dates (``2024-03-05 10:00:00+08:00``): read on one clock or not at all.

Used by the loader's date parsing (:func:`helpers.data._coerce.parse_dates`) before any format is
tried; the course's tables hold local times without a zone.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

from helpers.caveats import Caveat

__all__ = ["without_offsets"]

#: A time followed by a time-zone offset: ``10:00:00+08:00``, ``10:00Z``, ``10:00 +0800``.
_OFFSET = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})$",
                     re.IGNORECASE)


def without_offsets(u: pd.Series) -> pd.Series:
    """Unique date texts with their time-zone offsets handled: one clock, or none read.

    pandas cannot put ``2024-03-05 10:00+08:00`` and ``2024-03-06`` on one clock (it raises);
    the course's tables hold local times without a zone. When every dated value carries the
    same offset, it is dropped and the times are read as they are written (the local time of
    that zone), with a caveat. When offsets differ, or only some values have one, the values
    with an offset are not read (they are reported as unreadable dates with their rows) and a
    caveat says how to export them.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     without_offsets(pd.Series(["2024-03-05 10:00+08:00", "2024-03-06 09:30+08:00"])).tolist()
    ['2024-03-05 10:00', '2024-03-06 09:30']
    """
    text = u.astype("string")
    found = text.str.extract(_OFFSET)
    has = found[1].notna()
    if not has.any():
        return u
    offsets = found.loc[has, 1].str.upper().str.replace(":", "", regex=False).unique()
    if has[text.notna()].all() and len(offsets) == 1:
        warnings.warn(f"dates carry the time-zone offset {found.loc[has, 1].iloc[0]}: read as the "
                      "local time written, offset dropped", Caveat, stacklevel=2)
        return text.str.replace(r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$", "", regex=True,
                                flags=re.IGNORECASE)
    warnings.warn("dates mix time zones (offsets " + ", ".join(sorted(map(str, offsets)))
                  + (" and dates without one" if not has[text.notna()].all() else "")
                  + "): those with an offset are not read; export every date in one time zone "
                  "(e.g. local time, without an offset)", Caveat, stacklevel=2)
    return text.mask(has)
