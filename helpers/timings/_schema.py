"""The schema of ``lessons/timings.yaml`` and its reader."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from helpers.config import ConfigModel, read_config
from helpers.paths import LESSONS_DIR

#: The recorded timings (one file for all twelve modules).
TIMINGS_FILE = LESSONS_DIR / "timings.yaml"
#: The kinds of part, in the order the lesson line names them.
KINDS = ("teaching", "exercise", "discussion", "role_play")
#: The two tracks.
TRACKS = ("sales", "analyst")
Kind = Literal["teaching", "exercise", "discussion", "role_play"]
Track = Literal["sales", "analyst"]
KEY = r"\d\d\.\d+"


def walked_minutes(walk: float) -> int:
    """Whole minutes budgeted for a part the walk priced at ``walk`` (rounded up, at least 1).

    >>> walked_minutes(4.1), walked_minutes(0.2), walked_minutes(6.0)
    (5, 1, 6)
    """
    return max(1, math.ceil(round(walk, 1)))


class Part(ConfigModel):
    """One part of a module: a section's teaching, one exercise, a widget, a discussion ...

    ``walk`` is what :func:`~helpers.timings.walk_notebook` priced the part at (``None`` for
    parts the notebook does not hold: discussion, role play); ``added`` the minutes budgeted on
    top of the walk, which ``note`` explains; ``minutes`` is then the walk rounded up plus
    ``added`` (checked).
    """

    name: str
    kind: Kind
    minutes: int = Field(gt=0, le=120)
    tracks: tuple[Track, ...] = Field(min_length=1)
    exercise: str | None = Field(default=None, pattern=rf"^{KEY}$")
    walk: float | None = Field(default=None, ge=0)
    added: int = Field(default=0, ge=0)
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Part:
        if self.exercise is not None and self.kind != "exercise":
            raise ValueError(f"part {self.name!r}: only an exercise part names an exercise key")
        if self.walk is not None and self.minutes != walked_minutes(self.walk) + self.added:
            raise ValueError(f"part {self.name!r}: minutes {self.minutes} should be the walk "
                             f"{self.walk} rounded up plus added {self.added}")
        if self.added and not self.note:
            raise ValueError(f"part {self.name!r}: say in 'note' why {self.added} min are added")
        return self


class ModuleTiming(ConfigModel):
    """The parts of one module, in the order they are taught."""

    title: str
    parts: list[Part] = Field(min_length=1)


class WalkRates(ConfigModel):
    """The yardstick of the walk-through (minutes unless said otherwise)."""

    words_per_minute: float = Field(gt=0)
    code_cell: float = Field(ge=0)
    plot_cell: float = Field(ge=0)
    widget: float = Field(ge=0)
    exercise_base: float = Field(ge=0)
    exercise_per_line: float = Field(ge=0)
    exercise_max: float = Field(gt=0)
    written_answer: float = Field(ge=0)


class Timings(ConfigModel):
    """``lessons/timings.yaml``: when and how the modules were timed, and their parts."""

    walked: str
    method: str
    walk: WalkRates
    modules: dict[str, ModuleTiming]

    @field_validator("modules")
    @classmethod
    def _numbered_modules(cls, modules: dict[str, ModuleTiming]) -> dict[str, ModuleTiming]:
        bad = [m for m in modules if not re.fullmatch(r"\d\d", m)]
        if bad:
            raise ValueError(f"module keys are two digits ('00' ... '11'), not {bad}")
        return modules


def read_timings(path: str | Path | None = None) -> Timings:
    """Read and validate the timings file.

    Parameters
    ----------
    path : str or Path, optional
        The file (default ``lessons/timings.yaml``).

    Returns
    -------
    Timings
        The validated, read-only timings.
    """
    return read_config(Timings, TIMINGS_FILE if path in (None, "") else path)
