"""The call-quality scorecard (通话质量评估): rubric, weighted score and grade per reviewed call."""

from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from pydantic import Field, PositiveFloat, field_validator, model_validator

from helpers.config import ConfigModel, read_config
from helpers.errors import DataProblem, require_columns, rows_preview
from helpers.i18n import tr

__all__ = ["Rubric", "load_rubric", "rubric_table", "score_calls"]


class Scale(ConfigModel):
    """The rating scale, e.g. 1 to 5."""

    min: int
    max: int

    @model_validator(mode="after")
    def _increasing(self) -> "Scale":
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max}), e.g. "
                             "{min: 1, max: 5}")
        return self


class Dimension(ConfigModel):
    """One thing the reviewer rates, its weight in the total and the question asked."""

    id: str
    zh: str = ""
    weight: PositiveFloat
    question: str
    levels: dict[int, str] = Field(default_factory=dict)


class Grade(ConfigModel):
    """A grade and the total at or above which it starts."""

    grade: str
    min: float


class Rubric(ConfigModel):
    """``call_quality_rubric.yaml``: the scale, the weighted dimensions and the grades."""

    file: ClassVar[str | None] = "call_quality_rubric.yaml"

    scale: Scale
    dimensions: list[Dimension] = Field(min_length=1)
    grades: list[Grade] = Field(min_length=1)

    @field_validator("dimensions")
    @classmethod
    def _unique_ids_weights_add_up(cls, dims: list[Dimension]) -> list[Dimension]:
        problems = []
        ids = [d.id for d in dims]
        if len(set(ids)) != len(ids):
            problems.append(f"dimension ids repeat: {ids}")
        total = sum(d.weight for d in dims)
        if abs(total - 1) > 1e-6:
            problems.append(f"dimension weights add up to {total:.3f}; they must add up to 1")
        if problems:
            raise ValueError("\n- ".join(problems))
        return dims

    @field_validator("grades")
    @classmethod
    def _best_first_from_zero(cls, grades: list[Grade]) -> list[Grade]:
        if min(g.min for g in grades) > 0:
            raise ValueError("the lowest grade must start at min: 0 so every call gets a grade")
        return sorted(grades, key=lambda g: g.min, reverse=True)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Read and validate the call-quality rubric (dimensions, weights, scale, grades).

    Parameters
    ----------
    path : str or Path, optional
        Your own file; default: the bundled ``helpers/config/call_quality_rubric.yaml``.

    Returns
    -------
    Rubric
        The typed rubric; ``grades`` best first.

    Raises
    ------
    ConfigProblem
        Naming the file and the key (scale, weights not adding up to 1, repeated ids, grades).

    Examples
    --------
    >>> rubric = load_rubric()
    >>> rubric.scale.max, [g.grade for g in rubric.grades][:2]
    (5, ['excellent', 'good'])
    """
    return read_config(Rubric, path)


def rubric_table(rubric: Rubric | None = None) -> pd.DataFrame:
    """The rubric as a table an instructor prints for role play.

    Parameters
    ----------
    rubric : Rubric, optional
        From :func:`load_rubric` (default: the bundled rubric).

    Returns
    -------
    DataFrame
        One row per dimension: ``dimension, 中文, weight, question`` and one column per level;
        the question and the levels' texts in the edition's language.
    """
    r = rubric or load_rubric()
    return pd.DataFrame([{
        "dimension": d.id, "中文": d.zh, "weight": d.weight, "question": tr(d.question),
        **{f"score {k}": tr(v) for k, v in d.levels.items()},
    } for d in r.dimensions])


def score_calls(ratings: pd.DataFrame, rubric: Rubric | None = None) -> pd.DataFrame:
    """Weighted call-quality score (0–100) and grade for each reviewed call.

    Parameters
    ----------
    ratings : DataFrame
        One row per reviewed call, one column per rubric dimension id, ratings on the rubric's
        scale (e.g. 1–5). Other columns (call id, agent) are kept.
    rubric : Rubric, optional
        From :func:`load_rubric` (default: the bundled rubric).

    Returns
    -------
    DataFrame
        ``ratings`` plus ``total`` (0–100) and ``grade``.

    Raises
    ------
    DataProblem
        A dimension column missing, or ratings empty or outside the scale (rows shown).

    Examples
    --------
    >>> rubric = load_rubric()
    >>> ratings = pd.DataFrame([{d.id: 5 for d in rubric.dimensions}])
    >>> score_calls(ratings, rubric)[["total", "grade"]]
       total      grade
    0  100.0  excellent
    """
    r = rubric or load_rubric()
    dims = [d.id for d in r.dimensions]
    require_columns(ratings, dims, "ratings")
    lo, hi = r.scale.min, r.scale.max
    values = ratings[dims].apply(pd.to_numeric, errors="coerce")
    bad = (values.isna() | (values < lo) | (values > hi)).any(axis=1)
    if bad.any():
        raise DataProblem(f"ratings: {int(bad.sum())} call(s) with a rating missing or outside "
                          f"{lo}-{hi}:\n{rows_preview(ratings, bad, list(ratings.columns))}\n"
                          "Rate every dimension on the rubric's scale.")
    weights = np.array([d.weight for d in r.dimensions])
    total = 100 * ((values.to_numpy() - lo) / (hi - lo)) @ weights
    cuts = [g.min for g in r.grades]
    names = [g.grade for g in r.grades]
    grade = np.select([total >= c for c in cuts], names, names[-1])
    return ratings.assign(total=total.round(1), grade=grade)
