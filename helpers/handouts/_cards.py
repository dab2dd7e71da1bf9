"""Printable role-play cards: print-ready HTML (A4, one card per page) built from the YAML files.

Kinds of card, for each scenario of ``role_play.yaml``: the agent's or collector's card (with the
playbook's play for a collection account), the customer's card (with the hidden situation), the
observer's sheet (the call-quality rubric of ``call_quality_rubric.yaml`` with rating boxes and the
scenario's watch points) and, for 6W3H scenarios, the observer's 6W3H checklist; once per lesson the
instructor's session sheet; once the M2 6W3H question sheet. The HTML needs no network: styles
are inline, no scripts, no web fonts; Chinese renders with the browser's own CJK fonts.

The cards are bilingual (English, then Chinese) by default; built with ``lang="zh"`` (or while the
Chinese edition is active, :func:`helpers.i18n.language`) they are Chinese only: the ``zh`` text
of every bilingual field of ``role_play.yaml``, the playbook's Chinese script and the Chinese of
the playbook's and the rubric's English texts from the catalog (``helpers/i18n/zh/*.yaml``).
"""

from __future__ import annotations

import html
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from helpers.calls import Rubric, load_rubric
from helpers.errors import ConfigProblem
from helpers.i18n import language, tr, using_language
from helpers.receivables import CollectionPlaybook, days_past_due_text, load_collection_playbook

from ._scenarios import TECHNIQUES, RolePlay, Scenario, Session, Text, load_role_play

__all__ = ["CARD_KINDS", "Card", "CardSet", "build_cards", "cards_html", "role_play_cards_for"]

#: Card kinds in print order within a lesson, with the label printed on each card.
CARD_KINDS: dict[str, str] = {
    "session": "Instructor · 讲师用 session plan 演练安排",
    "six_w_three_h": "Collector · 催收员 6W3H question sheet 问题单",
    "agent": "Agent / collector card · 坐席/催收员卡",
    "customer": "Customer card · 客户卡 (do not show the agent 勿给对方看)",
    "observer": "Observer sheet · 观察员评分表",
    "checklist": "Observer · 观察员 6W3H checklist 清单",
}
#: The same labels on the Chinese-only cards.
CARD_KINDS_ZH: dict[str, str] = {
    "session": "讲师用 · 演练安排",
    "six_w_three_h": "催收员用 · 6W3H 问题单",
    "agent": "坐席/催收员卡",
    "customer": "客户卡（勿给对方看）",
    "observer": "观察员评分表",
    "checklist": "观察员用 · 6W3H 清单",
}
#: Technique labels on the Chinese-only cards.
TECHNIQUES_ZH: dict[str, str] = {
    "spin": "SPIN 提问（背景、难点、暗示、需求-利益）", "explicit_implicit_needs": "显性/隐性需求",
    "objection_handling": "异议处理", "assumptive_close": "假设成交法",
    "emotion_handling": "客户情绪管理", "compliance": "合规与隐私",
    "alert_call_back": "预警与回电", "six_w_three_h": "6W3H 询问法",
    "instalment_plan": "分期付款", "escalation": "升级处理",
}

_FONTS = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
          '"Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "SimSun", sans-serif')
_CSS = f"""
@page {{ size: A4; margin: 14mm; }}
html {{ font-family: {_FONTS}; font-size: 10.5pt; line-height: 1.45; color: #111; }}
body {{ margin: 0; }}
.card {{ break-after: page; page-break-after: always; }}
.card:last-child {{ break-after: auto; page-break-after: auto; }}
.kind {{ font-size: 9pt; letter-spacing: .04em; text-transform: uppercase; color: #555;
        border-bottom: 1.5pt solid #111; padding-bottom: 2pt; }}
.customer .kind {{ color: #a00; border-color: #a00; }}
h1 {{ font-size: 15pt; margin: 6pt 0 2pt; }} h1 .zh {{ display: block; font-size: 13pt; }}
h2 {{ font-size: 11pt; margin: 9pt 0 2pt; }}
.zh {{ color: #333; }} p {{ margin: 2pt 0; }} ul {{ margin: 2pt 0; padding-left: 14pt; }}
.meta {{ font-size: 9pt; color: #444; }}
.hidden {{ border: 1.5pt dashed #a00; padding: 5pt 7pt; margin: 6pt 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 4pt 0; font-size: 9.5pt; }}
th, td {{ border: .6pt solid #777; padding: 3pt 4pt; vertical-align: top; text-align: left; }}
td.box {{ width: 7mm; text-align: center; }} td.write {{ height: 11mm; width: 45mm; }}
td.line {{ height: 6mm; }} tr {{ break-inside: avoid; page-break-inside: avoid; }}
@media screen {{ body {{ background: #ddd; }}
  .card {{ background: #fff; width: 182mm; min-height: 269mm; margin: 8mm auto; padding: 10mm;
          box-shadow: 0 1px 4px #888; box-sizing: border-box; }} }}
"""
_PLACEHOLDER_TEXT = {
    "en": {"agent": "(your name)", "company": "(our company)", "name": "(contact)",
           "invoice": "INV-0417", "due_date": "(the due date)"},
    "zh": {"agent": "(您的名字)", "company": "(本公司)", "name": "(联系人)",
           "invoice": "INV-0417", "due_date": "(到期日)"},
}


class Card(NamedTuple):
    """One printable card: its kind, lesson, scenario id ('' for sheets) and HTML section."""

    kind: str
    lesson: str
    scenario: str
    title: str
    html: str


class CardSet(NamedTuple):
    """What :func:`build_cards` wrote: the cards and the files (name -> path)."""

    cards: list[Card]
    files: dict[str, Path]

    def counts(self) -> dict[str, int]:
        """Number of cards by kind (in :data:`CARD_KINDS` order)."""
        got = Counter(c.kind for c in self.cards)
        return {k: got[k] for k in CARD_KINDS if got[k]}


def _e(text: object) -> str:
    return html.escape(str(text))


def _zh() -> bool:
    """Whether the cards are the Chinese-only edition."""
    return language() == "zh"


def _lab(both: str, zh: str) -> str:
    """A label: the bilingual one, or its Chinese on the Chinese-only cards."""
    return zh if _zh() else both


def _bi(text: Text, tag: str = "p") -> str:
    """A bilingual text: English, then the Chinese in its own line (lang zh-CN); or the Chinese."""
    if _zh():
        return f"<{tag} lang=\"zh-CN\">{_e(text.zh)}</{tag}>"
    return (f"<{tag}>{_e(text.en)}<br><span class=\"zh\" lang=\"zh-CN\">{_e(text.zh)}</span>"
            f"</{tag}>")


def _items(texts: list[Text]) -> str:
    return "<ul>" + "".join(_bi(t, "li") for t in texts) + "</ul>"


def _section(kind: str, lesson: str, title: Text, body: str, extra: str = "") -> str:
    if _zh():
        head = (f"<div class=\"kind\">{_e(CARD_KINDS_ZH[kind])} · 第 {_e(lesson)} 课{extra}</div>"
                f"<h1 lang=\"zh-CN\">{_e(title.zh)}</h1>")
    else:
        head = (f"<div class=\"kind\">{_e(CARD_KINDS[kind])} · lesson {_e(lesson)}{extra}</div>"
                f"<h1>{_e(title.en)}<span class=\"zh\" lang=\"zh-CN\">{_e(title.zh)}</span></h1>")
    return f"<section class=\"card {kind}\">{head}{body}</section>"


def _account_line(s: Scenario, playbook: CollectionPlaybook) -> str:
    a = s.account
    if a is None:
        return ""
    zh = next((t.zh for t in playbook.customer_types if t.name == a.customer_type), "")
    if _zh():
        return (f"<p class=\"meta\"><b>账户</b>：阶段 {_e(a.stage)}，"
                f"{_e(days_past_due_text(a.days_past_due))}；{a.invoices} 张发票共欠 "
                f"¥{a.balance:,.0f}；客户类型：{_e(zh or a.customer_type)}</p>")
    return (f"<p class=\"meta\"><b>Account 账户</b>: stage {_e(a.stage)}, "
            f"{_e(days_past_due_text(a.days_past_due))}; balance ¥{a.balance:,.0f} on "
            f"{a.invoices} invoice(s); customer type {_e(a.customer_type)} {_e(zh)}</p>")


def _play_block(s: Scenario, playbook: CollectionPlaybook) -> str:
    """The playbook's play for a collection account: who, how, offers, escalation, script."""
    if s.account is None:
        return ""
    p = playbook.play(s.account.stage, s.account.customer_type)
    balance = {"balance": f"¥{s.account.balance:,.0f}"}
    en, zh = ({**_PLACEHOLDER_TEXT[lang], **balance} for lang in ("en", "zh"))
    if _zh():
        rows = [("渠道", tr(p.channel)), ("语气", tr(p.tone)), ("执行人", tr(p.actor)),
                ("可用方案", "、".join(tr(o) for o in p.offers)), ("失败后", tr(p.escalation))]
        table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
        return ("<h2>策略手册中的催收动作（collection_playbook.yaml）</h2>"
                f"<table>{table}</table><h2>开场白</h2>"
                f"<p lang=\"zh-CN\">{_e(p.script_zh.format_map(zh))}</p>")
    rows = [("channel 渠道", p.channel), ("tone 语气", p.tone), ("actor 执行人", p.actor),
            ("offers you may make 可用方案", ", ".join(p.offers)),
            ("if it fails 失败后", p.escalation)]
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return ("<h2>The playbook's play 策略手册 (collection_playbook.yaml)</h2>"
            f"<table>{table}</table><h2>Opening 开场白</h2>"
            f"<p>{_e(p.script_en.format_map(en))}</p>"
            f"<p class=\"zh\" lang=\"zh-CN\">{_e(p.script_zh.format_map(zh))}</p>")


def _techniques(s: Scenario) -> str:
    if _zh():
        return ("<p class=\"meta\"><b>演练</b>："
                + "；".join(_e(TECHNIQUES_ZH[t]) for t in s.techniques) + "</p>")
    return ("<p class=\"meta\"><b>Practises 演练</b>: "
            + "; ".join(_e(TECHNIQUES[t]) for t in s.techniques) + "</p>")


def _agent_card(s: Scenario, playbook: CollectionPlaybook) -> Card:
    body = (_techniques(s) + _account_line(s, playbook)
            + f"<h2>{_lab('You are 你的角色', '你的角色')}</h2>{_bi(s.agent.role)}"
            + f"<h2>{_lab('What you know 你掌握的信息', '你掌握的信息')}</h2>{_bi(s.agent.brief)}"
            + (f"<h2>{_lab('Your goal 目标', '目标')}</h2>{_bi(s.agent.goal)}"
               if s.agent.goal else "")
            + (f"<h2>{_lab('Prepare 准备', '准备')}</h2>{_items(s.agent.prepare)}"
               if s.agent.prepare else "")
            + _play_block(s, playbook)
            + ((f"<p class=\"meta\">{_lab('Use the 6W3H sheet 使用6W3H问题单.', '使用 6W3H 问题单。')}"
                "</p>")
               if "six_w_three_h" in s.techniques else ""))
    return Card("agent", s.lesson, s.id, s.title.en, _section("agent", s.lesson, s.title, body))


def _customer_card(s: Scenario, playbook: CollectionPlaybook) -> Card:
    c = s.customer
    body = (_account_line(s, playbook)
            + f"<h2>{_lab('You are 你的角色', '你的角色')}</h2>{_bi(c.role)}{_bi(c.brief)}"
            + "<div class=\"hidden\"><h2>"
            + _lab("Your hidden situation 你的隐藏情况 (only you know 仅你知道)",
                   "你的隐藏情况（仅你知道）")
            + f"</h2>{_bi(c.hidden)}</div>"
            + f"<h2>{_lab('Say these 可以这样说', '可以这样说')}</h2>{_items(c.objections)}"
            + f"<h2>{_lab('How to play 演法', '演法')}</h2>{_bi(c.play)}")
    return Card("customer", s.lesson, s.id, s.title.en,
                _section("customer", s.lesson, s.title, body))


def _rubric_table_zh(rubric: Rubric) -> str:
    """The rubric on the Chinese-only cards: Chinese names, the catalog's questions and levels."""
    lo, hi = rubric.scale.min, rubric.scale.max
    head = ("<tr><th>维度</th><th>权重</th><th>问题 · 评分标准</th>"
            + "".join(f"<th>{n}</th>" for n in range(lo, hi + 1)) + "</tr>")
    rows = []
    for d in rubric.dimensions:
        levels = "；".join(f"{k} = {tr(str(v))}" for k, v in sorted(d.levels.items()))
        rows.append(f"<tr><td lang=\"zh-CN\">{_e(d.zh or d.id)}</td><td>{d.weight:.2f}</td>"
                    f"<td>{_e(tr(d.question))}<br><span class=\"meta\">{_e(levels)}</span></td>"
                    + "<td class=\"box\">☐</td>" * (hi - lo + 1) + "</tr>")
    grades = "，".join(f"{tr(g.grade)} ≥ {g.min:g}" for g in rubric.grades)
    return (f"<table>{head}{''.join(rows)}</table><p class=\"meta\">总分 = (Σ 权重 × 评分 − {lo})"
            f" ÷ ({hi} − {lo}) × 100 · 等级：{_e(grades)} · 把评分录入笔记本 08（score_calls），"
            "比较不同观察员的打分。</p>")


def _rubric_table(rubric: Rubric) -> str:
    if _zh():
        return _rubric_table_zh(rubric)
    lo, hi = rubric.scale.min, rubric.scale.max
    head = ("<tr><th>dimension 维度</th><th>weight</th><th>question · levels</th>"
            + "".join(f"<th>{n}</th>" for n in range(lo, hi + 1)) + "</tr>")
    rows = []
    for d in rubric.dimensions:
        levels = "; ".join(f"{k} = {v}" for k, v in sorted(d.levels.items()))
        rows.append(f"<tr><td>{_e(d.id)}<br><span lang=\"zh-CN\">{_e(d.zh)}</span></td>"
                    f"<td>{d.weight:.2f}</td><td>{_e(d.question)}<br><span class=\"meta\">"
                    f"{_e(levels)}</span></td>"
                    + "<td class=\"box\">☐</td>" * (hi - lo + 1) + "</tr>")
    grades = ", ".join(f"{g.grade} ≥ {g.min:g}" for g in rubric.grades)
    return (f"<table>{head}{''.join(rows)}</table><p class=\"meta\">Total 总分 = (Σ weight × "
            f"rating − {lo}) ÷ ({hi} − {lo}) × 100 · grades 等级: {_e(grades)} · enter the "
            "ratings in notebook 08 (score_calls) to compare observers.</p>")


def _six_w_three_h_rows(rp: RolePlay, checklist: bool) -> str:
    """The 6W3H table: the full question sheet, or the observer's compact checklist."""
    if _zh():
        return _six_w_three_h_rows_zh(rp, checklist)
    if checklist:
        head = ("<tr><th>#</th><th>item 项目</th><th>asked? 已问</th>"
                "<th>what the collector learned 得到的信息</th></tr>")
    else:
        head = ("<tr><th>#</th><th>item 项目</th><th>question 问题</th><th>listen for 要听到"
                "</th><th>answer 客户回答</th></tr>")
    rows = []
    for n, i in enumerate(rp.six_w_three_h, 1):
        item = (f"<td>{n}</td><td>{_e(i.item)} <span lang=\"zh-CN\">{_e(i.zh)}</span>"
                f"{'' if i.in_source else ' *'}</td>")
        rows.append(f"<tr>{item}<td class=\"box\">☐</td><td class=\"line\"></td></tr>"
                    if checklist else
                    f"<tr>{item}<td>{_bi(i.question)}</td><td class=\"meta\">"
                    f"{_bi(i.listen_for)}</td><td class=\"write\"></td></tr>")
    note = ("<p class=\"meta\">The source (000, M2) lists six items: 谁、什么、何时、何地、为什么、"
            "怎样. * = added by the course (which 哪个, how much 多少, how long 多久) so that the "
            "call ends in a promise that can be checked.</p>")
    return f"<table>{head}{''.join(rows)}</table>{note}"


def _six_w_three_h_rows_zh(rp: RolePlay, checklist: bool) -> str:
    """The 6W3H table on the Chinese-only cards."""
    head = ("<tr><th>#</th><th>项目</th><th>已问</th><th>得到的信息</th></tr>" if checklist else
            "<tr><th>#</th><th>项目</th><th>问题</th><th>要听到</th><th>客户回答</th></tr>")
    rows = []
    for n, i in enumerate(rp.six_w_three_h, 1):
        item = f"<td>{n}</td><td lang=\"zh-CN\">{_e(i.zh)}{'' if i.in_source else ' *'}</td>"
        rows.append(f"<tr>{item}<td class=\"box\">☐</td><td class=\"line\"></td></tr>"
                    if checklist else
                    f"<tr>{item}<td>{_bi(i.question)}</td><td class=\"meta\">"
                    f"{_bi(i.listen_for)}</td><td class=\"write\"></td></tr>")
    note = ("<p class=\"meta\">资料（000，M2）列了六项：谁、什么、何时、何地、为什么、怎样。"
            "* = 本课程补充的三项（哪个、多少、多久），让通话结束时拿到一个可以核对的承诺。</p>")
    return f"<table>{head}{''.join(rows)}</table>{note}"


def _observer_sheet(s: Scenario, rubric: Rubric, rp: RolePlay, playbook: CollectionPlaybook
                    ) -> Card:
    body = (_techniques(s) + _account_line(s, playbook)
            + "<h2>" + _lab("Rate the call 为通话打分", "为通话打分")
            + " (call_quality_rubric.yaml)</h2>" + _rubric_table(rubric)
            + f"<h2>{_lab('Watch for 观察要点', '观察要点')}</h2>{_items(s.observer)}"
            + ("<p class=\"meta\">" + _lab("Tick the 6W3H items on the checklist page 6W3H清单另页.",
                                           "在另页的 6W3H 清单上逐项打勾。") + "</p>"
               if "six_w_three_h" in s.techniques else "")
            + "<div class=\"hidden\"><h2>"
            + _lab("The customer's hidden situation 客户的隐藏情况 (for the debrief 总结时用)",
                   "客户的隐藏情况（总结时用）")
            + f"</h2>{_bi(s.customer.hidden)}</div>"
            + f"<h2>{_lab('Debrief 总结', '总结')}</h2>{_items(s.debrief)}"
            + (f"<p class=\"meta\">来源：<span lang=\"zh-CN\">{_e(s.source.zh)}</span></p>"
               if _zh() else f"<p class=\"meta\">Source 来源: {_e(s.source.en)} · "
               f"<span lang=\"zh-CN\">{_e(s.source.zh)}</span></p>"))
    return Card("observer", s.lesson, s.id, s.title.en,
                _section("observer", s.lesson, s.title, body))


def _checklist(s: Scenario, rp: RolePlay) -> Card:
    intro = ("<p lang=\"zh-CN\">催收员每问到一项就打勾，并记下得到的信息。总结时看：每个隐藏"
             "事实是哪一项问出来的？</p>" if _zh() else
             "<p>Tick each item when the collector asks it; write what they learned. Then: which "
             "item found each hidden fact?<br><span class=\"zh\" lang=\"zh-CN\">催收员每问到一项就"
             "打勾,并记下得到的信息。总结时看:每个隐藏事实是哪一项问出来的?</span></p>")
    body = intro + _six_w_three_h_rows(rp, True)
    return Card("checklist", s.lesson, s.id, s.title.en,
                _section("checklist", s.lesson, s.title, body))


def _six_w_three_h_sheet(rp: RolePlay, lesson: str) -> Card:
    title = Text(en="M2 (31-60 days overdue): the 6W3H question sheet",
                 zh="M2(逾期31-60天):6W3H问题单")
    intro = ("<p lang=\"zh-CN\">保持专业和冷静；一次只问一个问题；边听边记；以金额、日期和付款"
             "方式收尾。</p>" if _zh() else
             "<p>Stay professional and calm; ask one question at a time; write the answer as you "
             "hear it; end with an amount, a date and a method.<br><span class=\"zh\" "
             "lang=\"zh-CN\">保持专业和冷静;一次只问一个问题;边听边记;以金额、日期和付款方式收尾。"
             "</span></p>")
    body = intro + _six_w_three_h_rows(rp, False)
    return Card("six_w_three_h", lesson, "", title.en,
                _section("six_w_three_h", lesson, title, body))


def _session_sheet(session: Session, rp: RolePlay) -> Card:
    steps = "".join(f"<tr><td>{_bi(st.step)}</td><td>{st.minutes}</td></tr>"
                    for st in session.plan)
    scen = "".join(
        f"<tr><td>{_e(sid)}</td><td>{_bi(rp.scenario(sid).title)}</td>"
        f"<td class=\"meta\">{_bi(rp.scenario(sid).source)}</td></tr>"
        for sid in session.scenarios)
    if _zh():
        body = (f"<p class=\"meta\"><b>{session.minutes} 分钟</b></p>{_bi(session.groups)}"
                f"<h2>流程</h2><table><tr><th>步骤</th><th>分钟</th></tr>{steps}"
                f"<tr><th>合计</th><th>{session.minutes}</th></tr></table>"
                f"<h2>场景</h2><table>{scen}</table>"
                "<p class=\"meta\">每个三人小组打印一套：每个场景的坐席/催收员卡、客户卡和观察员"
                "评分表（列出时再加 6W3H 问题单和清单）；客户卡背面朝上发放。</p>")
    else:
        body = (f"<p class=\"meta\"><b>{session.minutes} minutes 分钟</b></p>"
                f"{_bi(session.groups)}"
                f"<h2>Plan 流程</h2><table><tr><th>step 步骤</th><th>min</th></tr>{steps}"
                f"<tr><th>total 合计</th><th>{session.minutes}</th></tr></table>"
                f"<h2>Scenarios 场景</h2><table>{scen}</table>"
                "<p class=\"meta\">Print per trio: the agent card, the customer card and the "
                "observer sheet of each scenario (and the 6W3H sheet and checklist where listed); "
                "customer cards face down.</p>")
    return Card("session", session.lesson, "", session.title.en,
                _section("session", session.lesson, session.title, body))


def role_play_cards_for(role_play: RolePlay | None = None, rubric: Rubric | None = None,
                        playbook: CollectionPlaybook | None = None,
                        lessons: list[str] | None = None, lang: str | None = None) -> list[Card]:
    """Every card of the chosen lessons, in print order (session sheet, 6W3H sheet, scenarios).

    Parameters
    ----------
    role_play : RolePlay, optional
        From :func:`load_role_play` (default: the bundled ``role_play.yaml``).
    rubric : Rubric, optional
        From :func:`helpers.calls.load_rubric` (default: the bundled rubric).
    playbook : CollectionPlaybook, optional
        From :func:`helpers.receivables.load_collection_playbook` (default: bundled).
    lessons : list of str, optional
        Lesson numbers such as ``["10"]`` (default: every lesson with a session).
    lang : {"en", "zh"}, optional
        ``"zh"``: Chinese-only cards; ``"en"``: the bilingual cards (default: the active
        edition's language, :func:`helpers.i18n.language`).

    Returns
    -------
    list of Card

    Raises
    ------
    ConfigProblem
        If a lesson has no session, or a collection account names a customer type or stage
        the playbook does not know.
    """
    if lang is not None and lang != language():
        with using_language(lang):
            return role_play_cards_for(role_play, rubric, playbook, lessons)
    rp, rb = role_play or load_role_play(), rubric or load_rubric()
    book = playbook or load_collection_playbook()
    chosen = lessons or [s.lesson for s in rp.sessions]
    unknown = sorted(set(chosen) - {s.lesson for s in rp.sessions})
    bad = [f"{s.id}: customer_type {s.account.customer_type!r} (known: {list(book.types)})"
           for s in rp.scenarios if s.account and s.account.customer_type not in book.types]
    if unknown or bad:
        raise ConfigProblem("role_play.yaml: " + "; ".join(
            [f"no session for lesson(s) {unknown}"] * bool(unknown) + bad))
    cards: list[Card] = []
    for session in (s for s in rp.sessions if s.lesson in chosen):
        cards.append(_session_sheet(session, rp))
        scenarios = [rp.scenario(sid) for sid in session.scenarios]
        if any("six_w_three_h" in s.techniques for s in scenarios):
            cards.append(_six_w_three_h_sheet(rp, session.lesson))
        for s in scenarios:
            cards += [_agent_card(s, book), _customer_card(s, book),
                      _observer_sheet(s, rb, rp, book)]
            if "six_w_three_h" in s.techniques:
                cards.append(_checklist(s, rp))
    return cards


def cards_html(cards: list[Card], title: str = "Role-play cards · 角色扮演卡片",
               lang: str = "en") -> str:
    """One self-contained, print-ready HTML document holding the cards (one per A4 page).

    Parameters
    ----------
    cards : list of Card
        From :func:`role_play_cards_for`.
    title : str
        The document title.
    lang : {"en", "zh"}
        The document's language (``"zh"`` for the Chinese-only cards: ``lang="zh-CN"``).

    Returns
    -------
    str
        HTML with inline CSS (``@page`` A4), no scripts, no external resources.
    """
    body = "\n".join(c.html for c in cards)
    doc_lang = "zh-CN" if lang == "zh" else "en"
    return (f"<!DOCTYPE html>\n<html lang=\"{doc_lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n"
            "</body></html>\n")


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_cards(output_dir: str | Path, role_play: RolePlay | None = None,
                rubric: Rubric | None = None, playbook: CollectionPlaybook | None = None,
                lessons: list[str] | None = None, lang: str | None = None) -> CardSet:
    """Write the printable cards: ``role-play-cards.html`` (all) and ``lesson-NN.html`` each.

    The files are this function's own: a rebuild replaces them (atomically); nothing else in
    ``output_dir`` is touched. Open a file in a browser and print it (A4, one card per page).

    Parameters
    ----------
    output_dir : str or Path
        The folder to write into (created if missing), e.g. ``build/cards``.
    role_play, rubric, playbook : optional
        Your own files' contents (default: the bundled YAML files).
    lessons : list of str, optional
        Only these lessons (default: all with a session: 07, 08, 10).
    lang : {"en", "zh"}, optional
        ``"zh"`` writes the Chinese-only cards, ``"en"`` the bilingual ones (default: the
        active edition's language).

    Returns
    -------
    CardSet
        The cards and the files written; ``.counts()`` gives the cards by kind.

    Examples
    --------
    >>> import tempfile
    >>> built = build_cards(tempfile.mkdtemp())
    >>> sorted(built.files), built.counts()["customer"]
    (['all', 'lesson-07', 'lesson-08', 'lesson-10'], 10)
    """
    out = Path(output_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    lang = lang or language()
    cards = role_play_cards_for(role_play, rubric, playbook, lessons, lang=lang)
    zh = lang == "zh"
    files = {"all": out / "role-play-cards.html"}
    _write_atomic(files["all"], cards_html(cards, "角色扮演卡片" if zh else
                                           "Role-play cards · 角色扮演卡片", lang=lang))
    for lesson in sorted({c.lesson for c in cards}):
        path = files[f"lesson-{lesson}"] = out / f"lesson-{lesson}.html"
        _write_atomic(path, cards_html([c for c in cards if c.lesson == lesson],
                                       f"第{lesson}课角色扮演" if zh else
                                       f"Lesson {lesson} role play · 第{lesson}课角色扮演",
                                       lang=lang))
    return CardSet(cards, files)
