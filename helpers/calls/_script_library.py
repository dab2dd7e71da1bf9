"""The call-script library (话术库) and a keyword-triggered, transparent script recommender.

Scripts are data (``helpers/config/call_scripts.yaml``, schema :class:`ScriptLibrary`), so an
instructor changes wording, tags or trigger words without touching code. The recommender is
deliberately rule-based: it says which words in the call note triggered which script.

A script may carry its Chinese wording beside the English (``zh: {title: ..., text: ...}``, the
same blanks as the English text); the Chinese edition shows it, and a script without one is shown
in English.
"""

import re
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as w
import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from helpers.config import ConfigModel, read_config
from helpers.errors import DataProblem
from helpers.i18n import language, tr

from ._templates import placeholders, template_problems

__all__ = ["FALLBACK_SCRIPT", "Script", "ScriptLibrary", "ScriptText", "explore_recommender",
           "load_scripts", "recommend_script", "recommend_scripts"]

#: Script suggested when no trigger word is found in a note: go back to discovery questions.
FALLBACK_SCRIPT = "spin_situation"

_SHOWN = ["id", "stage", "title", "text", "priority"]


class ScriptText(ConfigModel):
    """A script's title and text in another language (the ``zh`` entry of a script)."""

    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Script(ConfigModel):
    """One script: its stage, what the agent says, and the words in a note that trigger it."""

    id: str = Field(min_length=1)
    stage: str = Field(min_length=1)
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    when: list[str] = Field(default_factory=list)
    keywords: list[str]
    priority: float = 1.0
    zh: ScriptText | None = None

    def wording(self, lang: str = "en") -> ScriptText:
        """The script's title and text in ``lang`` (English when it has no such wording).

        Examples
        --------
        >>> script = load_scripts().scripts[0]
        >>> script.wording("zh").title != script.wording("en").title
        True
        """
        if lang == "zh" and self.zh is not None:
            return self.zh
        return ScriptText(title=self.title, text=self.text)

    @field_validator("keywords")
    @classmethod
    def _lower_case_words(cls, words: list[str]) -> list[str]:
        if not words or not all(word.strip() for word in words):
            raise ValueError("list at least one word or phrase that triggers the script, e.g. "
                             "[expensive, 太贵]; no empty entries")
        return [word.strip().lower() for word in words]


class ScriptLibrary(ConfigModel):
    """``call_scripts.yaml``: the call stages, the fill-ins a text may use, and the scripts."""

    file: ClassVar[str | None] = "call_scripts.yaml"

    stages: list[str] = Field(min_length=1)
    fill_ins: dict[str, str] = Field(default_factory=dict)
    scripts: list[Script] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "ScriptLibrary":
        problems, seen = [], set()
        for i, s in enumerate(self.scripts):
            if s.id in seen:
                problems.append(f"scripts.{i}.id: {s.id!r} is used twice")
            seen.add(s.id)
            if s.stage not in self.stages:
                problems.append(f"scripts.{i}.stage: {s.stage!r} (script {s.id!r}) is not one "
                                f"of the stages {self.stages}")
            if self.fill_ins:
                problems += [f"scripts.{i}.text: {p} (script {s.id!r}; declare it under "
                             "fill_ins)" for p in template_problems(s.text, self.fill_ins)]
                problems += _translation_problems(i, s, self.fill_ins)
        problems += _overlap_problems(self.scripts)
        if FALLBACK_SCRIPT not in seen:
            problems.append(f"scripts: the library needs a script with id {FALLBACK_SCRIPT!r}; "
                            "it is suggested when no keyword matches")
        if problems:
            raise ValueError("\n- ".join(problems))
        return self

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """One row per script: ``id, stage, title, text, when, keywords, priority``.

        ``title`` and ``text`` are in ``lang`` (default: the active edition's language,
        :func:`helpers.i18n.language`; English for a script without that wording).
        """
        lang = lang or language()
        rows = [dict(s.model_dump(exclude={"zh"}), **s.wording(lang).model_dump())
                for s in self.scripts]
        return pd.DataFrame(rows, columns=["id", "stage", "title", "text", "when", "keywords",
                                           "priority"])


def _translation_problems(i: int, script: Script, fill_ins: dict[str, str]) -> list[str]:
    """A script's Chinese text: blanks declared, and the same blanks as its English text."""
    if script.zh is None:
        return []
    where = f"scripts.{i}.zh.text"
    problems = [f"{where}: {p} (script {script.id!r}; declare it under fill_ins)"
                for p in template_problems(script.zh.text, fill_ins)]
    if problems:
        return problems
    en, zh = set(placeholders(script.text)), set(placeholders(script.zh.text))
    if en != zh:
        problems.append(f"{where}: blanks {sorted(zh)} differ from the English text's "
                        f"{sorted(en)} (script {script.id!r}); the agent fills in the same ones "
                        "in either language")
    return problems


def _overlap_problems(scripts: list[Script]) -> list[str]:
    """Keywords of one script that another's keyword is part of: a note triggers both scripts.

    ``too expensive`` in one script and ``expensive`` in another (or the same word twice) leave
    the choice to priorities and file order; the file should say which script a word is for.
    """
    words = [(w, i, s.id) for i, s in enumerate(scripts) for w in dict.fromkeys(s.keywords)]
    problems = []
    for word, i, sid in words:
        for other, j, oid in words:
            if j == i or other not in word or (other == word and j < i):
                continue
            how = ("is also a keyword of" if other == word
                   else f"contains {other!r}, a keyword of")
            problems.append(f"scripts.{i}.keywords: {word!r} (script {sid!r}) {how} script "
                            f"{oid!r}: a note with it triggers both; keep the word in one "
                            "script")
    return problems


def load_scripts(path: str | Path | None = None) -> ScriptLibrary:
    """Read and validate the script library.

    Parameters
    ----------
    path : str or Path, optional
        Your own file; default: the bundled ``helpers/config/call_scripts.yaml``.

    Returns
    -------
    ScriptLibrary
        ``stages`` in order, ``fill_ins`` and ``scripts``; ``.table()`` gives one row per script.

    Raises
    ------
    ConfigProblem
        Naming the file, the script and the key (missing key, duplicate id, unknown stage,
        empty keyword list, a blank in a text that is not a declared fill-in, no fallback, a
        keyword that is, or contains, another script's keyword).

    Examples
    --------
    >>> library = load_scripts()
    >>> library.stages
    ['opening', 'spin', 'objection', 'closing']
    """
    return read_config(ScriptLibrary, path)


def _keyword_hits(notes: pd.Series, library: ScriptLibrary) -> np.ndarray:
    """Matrix notes × scripts of keyword-hit counts."""
    text = notes.fillna("").astype(str).str.lower()
    hits = np.zeros((len(text), len(library.scripts)), dtype=int)
    for j, script in enumerate(library.scripts):
        for word in script.keywords:
            hits[:, j] += text.str.contains(re.escape(word), regex=True).to_numpy(dtype=int)
    return hits


def recommend_script(note: str, library: ScriptLibrary | None = None,
                     top: int = 3) -> pd.DataFrame:
    """Suggest scripts for one call note, best first, saying which words triggered each.

    A script's score is its number of matched keywords times its priority. With no match the
    fallback is the discovery question :data:`FALLBACK_SCRIPT` (``matched`` is empty).

    Parameters
    ----------
    note : str
        The agent's call note.
    library : ScriptLibrary, optional
        From :func:`load_scripts` (default: the bundled library).
    top : int
        How many scripts to suggest.

    Returns
    -------
    DataFrame
        ``id, stage, title, text, priority, hits, score, matched`` (the triggering words).

    Raises
    ------
    DataProblem
        If ``note`` is not text.

    Examples
    --------
    >>> recommend_script("Customer says it is too expensive")["id"].iloc[0]
    'obj_price'
    """
    lib = library if library is not None else load_scripts()
    if not isinstance(note, str):
        raise DataProblem(f"a call note must be text, got {type(note).__name__}")
    table = lib.table()
    hits = _keyword_hits(pd.Series([note]), lib)[0]
    low = note.lower()
    out = table[_SHOWN].assign(
        hits=hits, score=hits * table["priority"].to_numpy(),
        matched=[[word for word in words if word in low] for words in table["keywords"]])
    out = out.loc[out["hits"] > 0].sort_values(["score", "priority"], ascending=False)
    if out.empty:
        fallback = table.loc[table["id"] == FALLBACK_SCRIPT, _SHOWN]
        return fallback.assign(hits=0, score=0.0, matched=[[]]).reset_index(drop=True)
    return out.head(top).reset_index(drop=True)


def recommend_scripts(notes: pd.Series, library: ScriptLibrary | None = None) -> pd.DataFrame:
    """Best script for each of many call notes (vectorised over notes).

    Parameters
    ----------
    notes : Series
        Call notes (empty notes get the fallback).
    library : ScriptLibrary, optional
        From :func:`load_scripts` (default: the bundled library).

    Returns
    -------
    DataFrame
        Indexed like ``notes``: ``script_id, stage, hits`` (0 when the fallback was used).

    Examples
    --------
    >>> recommend_scripts(pd.Series(["too expensive", "nice weather"]))["script_id"].tolist()
    ['obj_price', 'spin_situation']
    """
    lib = library if library is not None else load_scripts()
    hits = _keyword_hits(notes, lib)
    ids = np.asarray([s.id for s in lib.scripts], dtype=object)
    score = hits * np.array([s.priority for s in lib.scripts])[None, :]
    best = score.argmax(axis=1) if len(notes) else np.array([], dtype=int)
    best_hits = hits[np.arange(len(notes)), best] if len(notes) else np.array([], dtype=int)
    chosen = np.where(best_hits > 0, ids[best], FALLBACK_SCRIPT)
    stage = pd.Series({s.id: s.stage for s in lib.scripts})
    return pd.DataFrame({"script_id": chosen, "stage": stage.reindex(chosen).to_numpy(),
                         "hits": best_hits}, index=notes.index)


def explore_recommender(library: ScriptLibrary | None = None,
                        example: str = "客户说太贵了, 想先看看资料") -> w.Widget:
    """Widget: type a call note, see the suggested next scripts and the words that triggered them.

    Parameters
    ----------
    library : ScriptLibrary, optional
        From :func:`load_scripts` (default: the bundled library).
    example : str
        The note shown at the start.

    Returns
    -------
    ipywidgets.Widget
        A text box above a table; its callback is :func:`recommend_script`.
    """
    lib = library if library is not None else load_scripts()
    note = w.Textarea(value=example, description=tr("call note"), layout=w.Layout(width="95%"))
    out = w.HTML()

    def draw(*_: Any) -> None:
        top = recommend_script(note.value or "", lib)
        fallback = tr("(no trigger: fallback)")
        rows = "".join(
            f"<tr><td><b>{r.title}</b><br><small>{tr(r.stage)} · {r.id}</small></td>"
            f"<td>{r.text}</td><td>{', '.join(r.matched) or fallback}</td></tr>"
            for r in top.itertuples())
        out.value = (f"<table><tr><th>{tr('script')}</th><th>{tr('what to say')}</th>"
                     f"<th>{tr('triggered by')}</th></tr>{rows}</table>")

    note.observe(draw, names="value")
    draw()
    return w.VBox([note, out])
