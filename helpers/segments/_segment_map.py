"""The RFM segment map (``helpers/config/rfm_segments.yaml``): which (R, F) cells form each segment.

The file is read through :func:`helpers.config.read_config` into a :class:`SegmentMap`. Its
validators check, once each, what a schema cannot say by itself: score ranges inside the scale,
every (R, F) cell in exactly one segment, no segment name used twice, fixed thresholds
increasing.

>>> smap = load_segment_map()
>>> smap.scale, smap.segments[0].name, smap.segments[0].r
(5, 'champions', (5, 5))
>>> validate_config(SegmentMap, {"scale": 2, "segments": [
...     {"name": "a", "r": [1, 2], "f": 1}, {"name": "b", "r": 2, "f": [1, 2]}]}, "my_map.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: my_map.yaml has 2 problem(s):
- my_map.yaml: segments.1 (b): overlaps segment 'a' at R=2, F=1; each (R, F) cell must belong to exactly one segment
- my_map.yaml: segments: leave 1 (R, F) cell(s) without a segment, e.g. [(1, 2)]; extend a segment's r/f range to cover them
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from helpers.config import ConfigModel, read_config, validate_config
from helpers.i18n import tr

__all__ = ["FixedThresholds", "Segment", "SegmentMap", "load_segment_map", "segment_grid"]


def _is_whole(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


class Segment(ConfigModel):
    """One named segment: the R and F score ranges it covers, and what sales should do."""

    name: str
    zh: str = ""
    r: tuple[int, int]
    f: tuple[int, int]
    action: str = ""
    description: str = ""

    @field_validator("r", "f", mode="before")
    @classmethod
    def _score_or_range(cls, value: Any) -> Any:
        if _is_whole(value):
            return (int(value), int(value))
        if (not isinstance(value, list | tuple) or len(value) != 2
                or not all(_is_whole(v) for v in value)):
            raise ValueError(f"must be a score or a [low, high] pair of whole numbers, got "
                             f"{value!r}")
        return tuple(int(v) for v in value)

    def cells(self) -> list[tuple[int, int]]:
        """The (R, F) cells of the segment."""
        return [(r, f) for r in range(self.r[0], self.r[1] + 1)
                for f in range(self.f[0], self.f[1] + 1)]


class FixedThresholds(ConfigModel):
    """Thresholds of the ``fixed`` scoring scheme, increasing (see :func:`rfm_scores`)."""

    r: list[float]
    f: list[float]
    m: list[float]

    @field_validator("r", "f", "m")
    @classmethod
    def _increasing(cls, value: list[float]) -> list[float]:
        if not value or any(b <= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError(f"must be a non-empty list of increasing numbers, got {value}")
        return value

    def as_dict(self) -> dict[str, list[float]]:
        """``{"r": [...], "f": [...], "m": [...]}``, as :func:`rfm_scores` takes them."""
        return {"r": list(self.r), "f": list(self.f), "m": list(self.m)}


class SegmentMap(ConfigModel):
    """The RFM segment map: a ``scale`` x ``scale`` grid of (R, F) cells cut into segments."""

    file = "rfm_segments.yaml"

    scale: int = Field(5, ge=2)
    fixed_thresholds: FixedThresholds | None = None
    segments: list[Segment] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_segment_per_cell(self) -> SegmentMap:
        problems: list[str] = []
        ranges_ok = True
        owner: dict[tuple[int, int], str] = {}
        for i, seg in enumerate(self.segments):
            where = f"segments.{i} ({seg.name})"
            bad = [f"{where}.{letter}: range {list(rng)} must satisfy 1 <= low <= high <= "
                   f"{self.scale}" for letter, rng in (("r", seg.r), ("f", seg.f))
                   if not 1 <= rng[0] <= rng[1] <= self.scale]
            problems += bad
            if bad:
                ranges_ok = False
                continue
            clash = [(cell, owner[cell]) for cell in seg.cells() if cell in owner]
            if clash:
                (r, f), other = clash[0]
                problems.append(f"{where}: overlaps segment {other!r} at R={r}, F={f}; each "
                                "(R, F) cell must belong to exactly one segment")
            owner.update({cell: seg.name for cell in seg.cells() if cell not in owner})
        gaps = [(r, f) for r in range(1, self.scale + 1) for f in range(1, self.scale + 1)
                if (r, f) not in owner]
        if gaps and ranges_ok:  # a bad range leaves spurious gaps
            problems.append(f"segments: leave {len(gaps)} (R, F) cell(s) without a segment, e.g. "
                            f"{gaps[:5]}; extend a segment's r/f range to cover them")
        names = [s.name for s in self.segments]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            problems.append(f"segments: names {dup} are used twice")
        if problems:
            raise ValueError("\n- ".join(problems))
        return self

    @property
    def names(self) -> list[str]:
        """Segment names in the map's order."""
        return [s.name for s in self.segments]

    def lookup(self) -> np.ndarray:
        """``table[r, f]``: position in :attr:`segments` of the segment holding cell (R, F)."""
        table = np.full((self.scale + 1, self.scale + 1), -1, dtype="int64")
        for i, seg in enumerate(self.segments):
            table[seg.r[0]:seg.r[1] + 1, seg.f[0]:seg.f[1] + 1] = i
        return table


def load_segment_map(path: str | Path | Mapping[str, Any] | SegmentMap | None = None
                     ) -> SegmentMap:
    """Read and validate an RFM segment map (default ``helpers/config/rfm_segments.yaml``).

    Parameters
    ----------
    path : str, Path, dict or SegmentMap, optional
        Your own map file, or a map given as a dict (validated the same way); a
        :class:`SegmentMap` is returned as it is.

    Returns
    -------
    SegmentMap
        ``scale``, ``segments`` (each with ``name``, ``zh``, ``r``, ``f``, ``action``) and
        ``fixed_thresholds``.

    Raises
    ------
    ConfigProblem
        Naming the file, the key and the segment when a range is outside the scale, two segments
        overlap, a score cell is left without a segment or a key is unknown.
    """
    if isinstance(path, SegmentMap):
        return path
    if isinstance(path, Mapping):
        return validate_config(SegmentMap, path, "segment_map argument")
    return read_config(SegmentMap, path)


def segment_grid(segment_map: SegmentMap | None = None) -> pd.DataFrame:
    """The segment map as an R x F table of segment names (rows R high to low), for display.

    Names and headers are in the active language (:func:`helpers.i18n.tr`).

    Parameters
    ----------
    segment_map : SegmentMap, optional
        Default: the bundled map.

    Returns
    -------
    DataFrame
        Indexed by ``R score`` (high to low), one column per ``F score``.

    Examples
    --------
    >>> segment_grid().loc[5, 5], segment_grid().loc[1, 1]
    ('champions', 'lost')
    """
    smap = load_segment_map(segment_map)
    scale = smap.scale
    grid = pd.DataFrame("", index=pd.Index(range(scale, 0, -1), name=tr("R score")),
                        columns=pd.Index(range(1, scale + 1), name=tr("F score")))
    for seg in smap.segments:
        for r, f in seg.cells():
            grid.loc[r, f] = tr(seg.name)
    return grid
