"""The call-script library, a keyword-triggered script recommender and the call-quality scorecard.

Scripts and the scorecard rubric are data (``helpers/config/call_scripts.yaml`` and
``call_quality_rubric.yaml``), so an instructor changes wording, tags or trigger words without
touching code. The recommender is deliberately rule-based and transparent: it says which words in
the call note triggered which script.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers.calls.telemarketing import _need, _problem, _rows
from helpers.paths import config_file

__all__ = [
    "load_scripts",
    "recommend_script",
    "recommend_scripts",
    "explore_recommender",
    "load_rubric",
    "rubric_table",
    "score_calls",
    "FALLBACK_SCRIPT",
]

#: Script suggested when no trigger word is found in a note: go back to discovery questions.
FALLBACK_SCRIPT = "spin_situation"


def _read_yaml(name: str, path: str | Path | None) -> tuple[Path, Any]:
    file = config_file(name, path)
    try:
        return file, yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise _problem(f"{file}: not valid YAML ({exc})") from None


def load_scripts(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the script library.

    Returns
    -------
    DataFrame
        One row per script: ``id, stage, title, text, when`` (list of tags), ``keywords`` (list,
        lower-cased) and ``priority``; ``attrs["stages"]`` keeps the stage order.

    Raises
    ------
    DataProblem
        Naming the file, the script and the key (missing key, duplicate id, unknown stage,
        empty keyword list, non-numeric priority).
    """
    file, raw = _read_yaml("call_scripts.yaml", path)
    stages = raw.get("stages")
    if not isinstance(stages, list) or not stages:
        raise _problem(f"{file}: key 'stages' must list the call stages, e.g. [opening, spin, "
                       "objection, closing]")
    scripts = raw.get("scripts")
    if not isinstance(scripts, list) or not scripts:
        raise _problem(f"{file}: key 'scripts' must be a non-empty list")
    seen: set[str] = set()
    rows = []
    for i, s in enumerate(scripts):
        where = f"{file}: scripts[{i}]" + (f" ({s.get('id')})" if isinstance(s, dict) else "")
        if not isinstance(s, dict):
            raise _problem(f"{where}: each script must be a mapping with id, stage, title, text")
        for key in ("id", "stage", "title", "text", "keywords"):
            if not s.get(key):
                raise _problem(f"{where}: key {key!r} is missing or empty")
        if s["id"] in seen:
            raise _problem(f"{where}: id {s['id']!r} is used twice")
        seen.add(s["id"])
        if s["stage"] not in stages:
            raise _problem(f"{where}: stage {s['stage']!r} is not one of {stages}")
        if not isinstance(s["keywords"], list) or not all(
                isinstance(k, str) and k.strip() for k in s["keywords"]):
            raise _problem(f"{where}: keywords must be a list of words or phrases")
        priority = s.get("priority", 1)
        if not isinstance(priority, int | float):
            raise _problem(f"{where}: priority must be a number, got {priority!r}")
        rows.append({"id": s["id"], "stage": s["stage"], "title": s["title"], "text": s["text"],
                     "when": list(s.get("when") or []),
                     "keywords": [k.strip().lower() for k in s["keywords"]],
                     "priority": float(priority)})
    if FALLBACK_SCRIPT not in seen:
        raise _problem(f"{file}: the library needs a script with id {FALLBACK_SCRIPT!r}; it is "
                       "suggested when no keyword matches")
    lib = pd.DataFrame(rows)
    lib.attrs["stages"] = stages
    lib.attrs["file"] = str(file)
    return lib


def _keyword_hits(notes: pd.Series, library: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Matrix notes x scripts of keyword-hit counts; and the keyword list per script."""
    text = notes.fillna("").astype(str).str.lower()
    hits = np.zeros((len(text), len(library)), dtype=int)
    for j, words in enumerate(library["keywords"]):
        for word in words:
            hits[:, j] += text.str.contains(re.escape(word), regex=True).to_numpy(dtype=int)
    return hits, list(library["id"])


def recommend_script(note: str, library: pd.DataFrame | None = None, top: int = 3) -> pd.DataFrame:
    """Suggest scripts for one call note, best first, saying which words triggered each.

    A script's score is its number of matched keywords times its priority. With no match the
    fallback is the discovery question :data:`FALLBACK_SCRIPT` (``matched`` is empty).

    Examples
    --------
    >>> recommend_script("Customer says it is too expensive")["id"].iloc[0]
    'obj_price'
    """
    lib = library if library is not None else load_scripts()
    if not isinstance(note, str):
        raise _problem(f"a call note must be text, got {type(note).__name__}")
    hits, _ = _keyword_hits(pd.Series([note]), lib)
    low = note.lower()
    out = lib[["id", "stage", "title", "text", "priority"]].assign(
        hits=hits[0], score=hits[0] * lib["priority"].to_numpy(),
        matched=[[w for w in ws if w in low] for ws in lib["keywords"]])
    out = out.loc[out["hits"] > 0].sort_values(["score", "priority"], ascending=False)
    if out.empty:
        fb = lib.loc[lib["id"] == FALLBACK_SCRIPT, ["id", "stage", "title", "text", "priority"]]
        return fb.assign(hits=0, score=0.0, matched=[[]]).reset_index(drop=True)
    return out.head(top).reset_index(drop=True)


def recommend_scripts(notes: pd.Series, library: pd.DataFrame | None = None) -> pd.DataFrame:
    """Best script for each of many call notes (vectorised over notes).

    Returns
    -------
    DataFrame
        Indexed like ``notes``: ``script_id, stage, hits`` (0 when the fallback was used).
    """
    lib = library if library is not None else load_scripts()
    hits, ids = _keyword_hits(notes, lib)
    score = hits * lib["priority"].to_numpy()[None, :]
    best = score.argmax(axis=1) if len(notes) else np.array([], dtype=int)
    best_hits = hits[np.arange(len(notes)), best] if len(notes) else np.array([], dtype=int)
    chosen = np.where(best_hits > 0, np.asarray(ids, dtype=object)[best], FALLBACK_SCRIPT)
    stage = lib.set_index("id")["stage"]
    return pd.DataFrame({"script_id": chosen, "stage": stage.reindex(chosen).to_numpy(),
                         "hits": best_hits}, index=notes.index)


# --------------------------------------------------------------------------------------------
# call-quality scorecard

def load_rubric(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate the call-quality rubric (dimensions, weights, scale, grades)."""
    file, raw = _read_yaml("call_quality_rubric.yaml", path)
    scale = raw.get("scale") or {}
    if not all(isinstance(scale.get(k), int) for k in ("min", "max")) or (
            scale.get("min", 0) >= scale.get("max", 0)):
        raise _problem(f"{file}: scale must give whole numbers min < max, e.g. {{min: 1, max: 5}}")
    dims = raw.get("dimensions")
    if not isinstance(dims, list) or not dims:
        raise _problem(f"{file}: key 'dimensions' must be a non-empty list")
    ids = []
    for i, d in enumerate(dims):
        for key in ("id", "weight", "question"):
            if key not in d:
                raise _problem(f"{file}: dimensions[{i}]: key {key!r} is missing")
        if not isinstance(d["weight"], int | float) or d["weight"] <= 0:
            raise _problem(f"{file}: dimensions[{i}] ({d['id']}): weight must be positive")
        ids.append(d["id"])
    if len(set(ids)) != len(ids):
        raise _problem(f"{file}: dimension ids repeat: {ids}")
    total = sum(d["weight"] for d in dims)
    if abs(total - 1) > 1e-6:
        raise _problem(f"{file}: dimension weights add up to {total:.3f}; they must add up to 1")
    grades = raw.get("grades")
    if not isinstance(grades, list) or not grades or not all(
            isinstance(g, dict) and "grade" in g and isinstance(g.get("min"), int | float)
            for g in grades):
        raise _problem(f"{file}: grades must be a list of {{grade: name, min: number}}")
    if min(g["min"] for g in grades) > 0:
        raise _problem(f"{file}: the lowest grade must start at min: 0 so every call gets a grade")
    return {"scale": scale, "dimensions": dims,
            "grades": sorted(grades, key=lambda g: g["min"], reverse=True), "file": str(file)}


def rubric_table(rubric: dict[str, Any] | None = None) -> pd.DataFrame:
    """The rubric as a table an instructor prints for role play."""
    r = rubric or load_rubric()
    return pd.DataFrame([{
        "dimension": d["id"], "中文": d.get("zh", ""), "weight": d["weight"],
        "question": d["question"],
        **{f"score {k}": v for k, v in (d.get("levels") or {}).items()},
    } for d in r["dimensions"]])


def score_calls(ratings: pd.DataFrame, rubric: dict[str, Any] | None = None) -> pd.DataFrame:
    """Weighted call-quality score (0–100) and grade for each reviewed call.

    Parameters
    ----------
    ratings : DataFrame
        One row per reviewed call, one column per rubric dimension id, ratings on the rubric's
        scale (e.g. 1–5). Other columns (call id, agent) are kept.

    Raises
    ------
    DataProblem
        A dimension column missing, or ratings empty or outside the scale (rows shown).
    """
    r = rubric or load_rubric()
    dims = [d["id"] for d in r["dimensions"]]
    _need(ratings, dims, "ratings")
    lo, hi = r["scale"]["min"], r["scale"]["max"]
    values = ratings[dims].apply(pd.to_numeric, errors="coerce")
    bad = (values.isna() | (values < lo) | (values > hi)).any(axis=1)
    if bad.any():
        raise _problem(f"ratings: {int(bad.sum())} call(s) with a rating missing or outside "
                       f"{lo}-{hi}:\n{_rows(ratings, bad, list(ratings.columns))}\n"
                       "Rate every dimension on the rubric's scale.")
    weights = np.array([d["weight"] for d in r["dimensions"]])
    total = 100 * ((values.to_numpy() - lo) / (hi - lo)) @ weights
    cuts = [g["min"] for g in r["grades"]]
    names = [g["grade"] for g in r["grades"]]
    grade = np.select([total >= c for c in cuts], names, names[-1])
    return ratings.assign(total=total.round(1), grade=grade)


def explore_recommender(library: pd.DataFrame | None = None,
                        example: str = "客户说太贵了, 想先看看资料") -> Any:
    """Widget: type a call note, see the suggested next scripts and the words that triggered them.
    """
    import ipywidgets as w

    lib = library if library is not None else load_scripts()
    note = w.Textarea(value=example, description="call note", layout=w.Layout(width="95%"))
    out = w.HTML()

    def draw(*_: Any) -> None:
        top = recommend_script(note.value or "", lib)
        rows = "".join(
            f"<tr><td><b>{r.title}</b><br><small>{r.stage} · {r.id}</small></td>"
            f"<td>{r.text}</td><td>{', '.join(r.matched) or '(no trigger: fallback)'}</td></tr>"
            for r in top.itertuples())
        out.value = ("<table><tr><th>script</th><th>what to say</th><th>triggered by</th></tr>"
                     f"{rows}</table>")

    note.observe(draw, names="value")
    draw()
    return w.VBox([note, out])
