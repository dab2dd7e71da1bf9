"""Role-play scenarios (角色扮演), the 6W3H question sheet and the session plans, as checked data.

``helpers/config/role_play.yaml`` is read through :func:`load_role_play` (schema
:class:`RolePlay`). Every text is bilingual (``{en: ..., zh: ...}``); a scenario has a card for
each side (the customer's with a hidden situation), what the observer watches for and a debrief;
a session plan's steps add up to its minutes and names only scenarios of its lesson.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd
from pydantic import Field, StrictFloat, StrictInt, field_validator, model_validator

from helpers.config import ConfigModel, read_config

__all__ = ["SIX_W_THREE_H", "TECHNIQUES", "Account", "CustomerSide", "RolePlay", "Scenario",
           "Session", "SixWThreeHItem", "Side", "Text", "load_role_play", "six_w_three_h"]

#: The 6W3H items in the course's order; the source (000, M2) lists the six marked True.
SIX_W_THREE_H: dict[str, bool] = {
    "who": True, "what": True, "when": True, "where": True, "why": True, "which": False,
    "how": True, "how much": False, "how long": False,
}

#: What a scenario may practise, with the label the cards print.
TECHNIQUES: dict[str, str] = {
    "spin": "SPIN questions (背景、难点、暗示、需求-利益)",
    "explicit_implicit_needs": "explicit vs implicit needs (显性/隐性需求)",
    "objection_handling": "objection handling (异议处理)",
    "assumptive_close": "assumptive close (假设成交法)",
    "emotion_handling": "handling emotions (客户情绪管理)",
    "compliance": "consent and privacy (合规与隐私)",
    "alert_call_back": "alert and call back (预警与回电)",
    "six_w_three_h": "6W3H fact-finding (6W3H 法)",
    "instalment_plan": "instalment plan (分期付款)",
    "escalation": "escalation (升级处理)",
}
Technique = Literal["spin", "explicit_implicit_needs", "objection_handling", "assumptive_close",
                    "emotion_handling", "compliance", "alert_call_back", "six_w_three_h",
                    "instalment_plan", "escalation"]
Stage = Literal["M0", "M1", "M2", "M3", "M3+"]
_CJK = re.compile(r"[\u3400-\u9fff]")


class Text(ConfigModel):
    """A text in English and Chinese (the Chinese must contain Chinese characters)."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @field_validator("zh")
    @classmethod
    def _is_chinese(cls, zh: str) -> str:
        if not _CJK.search(zh):
            raise ValueError("has no Chinese text; is it the English one?")
        return zh


class SixWThreeHItem(ConfigModel):
    """One line of the M2 question sheet."""

    item: Literal["who", "what", "when", "where", "why", "which", "how", "how much", "how long"]
    zh: str = Field(min_length=1)
    in_source: bool
    question: Text
    listen_for: Text


class Side(ConfigModel):
    """What one side of the call knows and wants (the agent's or collector's card)."""

    role: Text
    brief: Text
    goal: Text | None = None
    prepare: list[Text] = Field(default_factory=list)


class CustomerSide(ConfigModel):
    """The customer's card: the visible situation, the hidden one and how to play it."""

    role: Text
    brief: Text
    hidden: Text
    objections: list[Text] = Field(min_length=1)
    play: Text


class Account(ConfigModel):
    """The account a collection scenario is about (days_past_due <= 0: not yet due)."""

    stage: Stage
    days_past_due: StrictInt
    balance: StrictFloat | StrictInt = Field(gt=0)
    invoices: StrictInt = Field(ge=1)
    customer_type: str = Field(min_length=1)

    @model_validator(mode="after")
    def _days_fit_the_stage(self) -> Account:
        if (self.stage == "M0") != (self.days_past_due <= 0):
            raise ValueError(f"stage {self.stage} with {self.days_past_due} days past due: M0 "
                             "is exactly the accounts not yet due (0 days or fewer)")
        return self


class Scenario(ConfigModel):
    """One role play: both cards, what the observer watches for, the debrief questions."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    lesson: Literal["07", "08", "10"]
    kind: Literal["telemarketing", "collection"]
    techniques: list[Technique] = Field(min_length=1)
    title: Text
    source: Text
    account: Account | None = None
    agent: Side
    customer: CustomerSide
    observer: list[Text] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _collection_has_an_account(self) -> Scenario:
        if (self.kind == "collection") != (self.account is not None):
            raise ValueError("a collection scenario needs an `account` (stage, days_past_due, "
                             "balance, invoices, customer_type); a telemarketing one has none")
        return self


class Step(ConfigModel):
    """One step of a session plan."""

    step: Text
    minutes: StrictInt = Field(ge=1)


class Session(ConfigModel):
    """A lesson's role-play block: its minutes, groups, scenarios and timed steps."""

    lesson: Literal["07", "08", "10"]
    minutes: StrictInt = Field(ge=1)
    title: Text
    groups: Text
    scenarios: list[str] = Field(min_length=1)
    plan: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _steps_add_up(self) -> Session:
        total = sum(s.minutes for s in self.plan)
        if total != self.minutes:
            raise ValueError(f"lesson {self.lesson}: the plan's steps add up to {total} "
                             f"minutes, not the session's {self.minutes}")
        return self


class RolePlay(ConfigModel):
    """``role_play.yaml``: the 6W3H sheet, the scenarios and one session per lesson."""

    file: ClassVar[str | None] = "role_play.yaml"

    six_w_three_h: list[SixWThreeHItem]
    scenarios: list[Scenario] = Field(min_length=1)
    sessions: list[Session] = Field(min_length=1)

    @field_validator("six_w_three_h")
    @classmethod
    def _canonical_6w3h(cls, items: list[SixWThreeHItem]) -> list[SixWThreeHItem]:
        got = [(i.item, i.in_source) for i in items]
        if got != list(SIX_W_THREE_H.items()):
            raise ValueError(
                "the 6W3H sheet must list who, what, when, where, why, which, how, how much, "
                "how long in this order, in_source true for the source's six (who, what, when, "
                f"where, why, how); got {[i for i, _ in got]}")
        return items

    @model_validator(mode="after")
    def _sessions_name_known_scenarios(self) -> RolePlay:
        ids = [s.id for s in self.scenarios]
        lesson = {s.id: s.lesson for s in self.scenarios}
        problems = [f"scenario id {i!r} repeats" for i in sorted(set(ids)) if ids.count(i) > 1]
        for session in self.sessions:
            problems += [f"session {session.lesson} names no such scenario {sid!r}"
                         for sid in session.scenarios if sid not in lesson]
            problems += [f"session {session.lesson} lists {sid!r} of lesson {lesson[sid]}"
                         for sid in session.scenarios
                         if sid in lesson and lesson[sid] != session.lesson]
        if problems:
            raise ValueError("\n- ".join(problems))
        return self

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id (KeyError naming the known ids otherwise)."""
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(f"no scenario {scenario_id!r}; known: {[s.id for s in self.scenarios]}")


def load_role_play(path: str | Path | None = None) -> RolePlay:
    """Read and validate the role-play file (default ``helpers/config/role_play.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        An instructor's own copy of the file.

    Returns
    -------
    RolePlay
        The typed scenarios, sessions and 6W3H sheet.

    Raises
    ------
    ConfigProblem
        Every problem at once, as ``file: key.path: what is wrong`` (an unknown technique, a
        session whose steps do not add up, an M0 account with days past due, …).

    Examples
    --------
    >>> rp = load_role_play()
    >>> [s.lesson for s in rp.sessions], sum(s.minutes for s in rp.sessions)
    (['07', '08', '10'], 105)
    """
    return read_config(RolePlay, path)


def six_w_three_h(role_play: RolePlay | None = None) -> pd.DataFrame:
    """The M2 6W3H question sheet as a table: what the source lists and what the course adds.

    Parameters
    ----------
    role_play : RolePlay, optional
        From :func:`load_role_play` (default: the bundled file).

    Returns
    -------
    DataFrame
        One row per item in the course's order: ``item, zh, in_source, question_en,
        question_zh, listen_for_en, listen_for_zh``.

    Examples
    --------
    >>> sheet = six_w_three_h()
    >>> list(sheet["item"]), int(sheet["in_source"].sum())
    (['who', 'what', 'when', 'where', 'why', 'which', 'how', 'how much', 'how long'], 6)
    """
    rp = role_play or load_role_play()
    return pd.DataFrame([{
        "item": i.item, "zh": i.zh, "in_source": i.in_source,
        "question_en": i.question.en, "question_zh": i.question.zh,
        "listen_for_en": i.listen_for.en, "listen_for_zh": i.listen_for.zh,
    } for i in rp.six_w_three_h])
