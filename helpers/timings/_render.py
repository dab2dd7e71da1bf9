"""Everything derived from the timings: totals, the lesson lines and tables, the agendas."""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from helpers.i18n import tr
from helpers.timings._schema import KINDS, Timings

#: The single words of the timings a Chinese lesson translates, keyed with their context (a bare
#: "sales" or "total" means something else in other parts of the catalog).
WORDS = ("track: sales", "track: analyst", "kind: teaching", "kind: exercise",
         "kind: discussion", "kind: role play", "agenda: break", "agenda: lunch", "item: intro",
         "item: key points", "item: widget", "item: written answer", "item: discussion",
         "item: role play", "item: What next", "item: Exercises")


def _say(key: str) -> str:
    """A word of :data:`WORDS` in the active language (English: the key without its context).

    >>> _say("track: sales"), _say("item: §1")
    ('sales', '§1')
    """
    said = tr(key)
    return key.split(": ", 1)[1] if said == key else said


def parts_table(timings: Timings) -> pd.DataFrame:
    """One row per part: module, part, kind, minutes, exercise key and a flag per track.

    Parameters
    ----------
    timings : Timings
        As read by :func:`read_timings`.

    Returns
    -------
    pandas.DataFrame
        Columns ``module, part, kind, minutes, exercise, sales, analyst``.
    """
    rows = [{"module": module, "part": p.name, "kind": p.kind, "minutes": p.minutes,
             "exercise": p.exercise, "sales": "sales" in p.tracks,
             "analyst": "analyst" in p.tracks}
            for module, timing in timings.modules.items() for p in timing.parts]
    return pd.DataFrame(rows)


def module_totals(parts: pd.DataFrame) -> pd.DataFrame:
    """Minutes per module: by kind, in all, and for each track.

    Parameters
    ----------
    parts : pandas.DataFrame
        As returned by :func:`parts_table`.

    Returns
    -------
    pandas.DataFrame
        Indexed by module; columns the four kinds, ``total``, ``sales``, ``analyst``.

    Examples
    --------
    >>> parts = pd.DataFrame({"module": ["00", "00"], "kind": ["teaching", "exercise"],
    ...                       "minutes": [10, 5], "sales": [True, False],
    ...                       "analyst": [True, True]})
    >>> module_totals(parts).loc["00"].to_dict()
    {'teaching': 10, 'exercise': 5, 'discussion': 0, 'role_play': 0, 'total': 15, 'sales': 10, 'analyst': 15}
    """
    by_kind = (parts.pivot_table(index="module", columns="kind", values="minutes",
                                 aggfunc="sum", fill_value=0)
               .reindex(columns=list(KINDS), fill_value=0))
    by_kind.columns.name = None
    out = by_kind.astype(int)
    out["total"] = out[list(KINDS)].sum(axis=1)
    for track in ("sales", "analyst"):
        out[track] = parts[parts[track]].groupby("module")["minutes"].sum()
    return out.fillna(0).astype(int)


def lesson_lines(totals: pd.Series) -> tuple[str, str]:
    r"""The two lines under a lesson's title, from one row of :func:`module_totals`.

    Parameters
    ----------
    totals : pandas.Series
        One module's row.

    Returns
    -------
    tuple of str
        The timing line and the tracks line.

    Examples
    --------
    >>> row = pd.Series({"teaching": 30, "exercise": 25, "discussion": 10, "role_play": 0,
    ...                  "total": 65, "sales": 40, "analyst": 65})
    >>> print(*lesson_lines(row), sep="\n")
    Teaching: 30 min · Exercises: 25 min · Discussion: 10 min · Role play: 0 min · Total: 65 min
    Tracks: sales ✔ 40 min · analyst ✔ 65 min
    """
    timing = tr("Teaching: {teaching} min · Exercises: {exercise} min · Discussion: {discussion} "
                "min · Role play: {role_play} min · Total: {total} min",
                **{k: totals[k] for k in ("teaching", "exercise", "discussion", "role_play",
                                          "total")})
    marks = [f"{_say('track: ' + t)} {'✔' if totals[t] else '✘'}"
             + (" " + tr("{n} min", n=totals[t]) if totals[t] else "") for t in ("sales", "analyst")]
    return timing, tr("Tracks: {tracks}", tracks=" · ".join(marks))


def timing_table(parts: pd.DataFrame, module: str) -> str:
    """A module's parts as the markdown table its lesson's instructor notes show.

    Parameters
    ----------
    parts : pandas.DataFrame
        As returned by :func:`parts_table`.
    module : str
        The module, e.g. ``"05"``.

    Returns
    -------
    str
        The table, a total row last.

    Examples
    --------
    >>> parts = pd.DataFrame({"module": ["00", "00"], "part": ["intro", "exercise 00.1"],
    ...                       "kind": ["teaching", "exercise"], "minutes": [10, 5],
    ...                       "sales": [True, False], "analyst": [True, True]})
    >>> print(timing_table(parts, "00"))
    | part | kind | minutes | track |
    | --- | --- | ---: | --- |
    | intro | teaching | 10 | sales · analyst |
    | exercise 00.1 | exercise | 5 | analyst |
    | **total** | | **15** | sales 10 · analyst 15 |
    """
    rows = parts[parts["module"] == module]
    lines = [tr("| part | kind | minutes | track |"), "| --- | --- | ---: | --- |"]
    for r in rows.itertuples():
        track = " · ".join(_say("track: " + t) for t in ("sales", "analyst") if getattr(r, t))
        kind = _say("kind: " + str(r.kind).replace("_", " "))
        lines.append(f"| {r.part} | {kind} | {r.minutes} | {track} |")
    sales, analyst = rows.loc[rows["sales"], "minutes"].sum(), rows.loc[rows["analyst"],
                                                                         "minutes"].sum()
    lines.append(tr("| **total** | | **{total}** | sales {sales} · analyst {analyst} |",
                    total=rows["minutes"].sum(), sales=sales, analyst=analyst))
    return "\n".join(lines)


_ROW = re.compile(r"^\|\s*(\d\d):(\d\d)\s*[-–]\s*(\d\d):(\d\d)\s*\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|"
                  r"\s*(.*?)\s*\|")


def agenda_sessions(markdown: str) -> pd.DataFrame:
    """The session rows of an agenda, with the agenda (``## ``) and day (``### ``) they are in.

    A session row reads ``| 09:00-09:30 | 30 | 00 | what |``: the time, its minutes, the module
    (two digits) or ``break`` / ``lunch`` / another word, and what happens.

    Parameters
    ----------
    markdown : str
        The agenda text.

    Returns
    -------
    pandas.DataFrame
        Columns ``agenda, day, start, end, minutes, module, what`` (start and end in minutes
        after midnight).
    """
    agenda = day = ""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            agenda, day = line[3:].strip(), ""
        elif line.startswith("### "):
            day = line[4:].strip()
        elif match := _ROW.match(line):
            h1, m1, h2, m2, minutes, module, what = match.groups()
            rows.append({"agenda": agenda, "day": day, "start": int(h1) * 60 + int(m1),
                         "end": int(h2) * 60 + int(m2), "minutes": int(minutes),
                         "module": module.strip("* "), "what": what})
    return pd.DataFrame(rows, columns=["agenda", "day", "start", "end", "minutes", "module",
                                       "what"])




class DayPlan(NamedTuple):
    """The shape of a course day, in minutes after midnight and minutes."""

    start: int = 8 * 60 + 30
    lunch_after: int = 12 * 60
    end: int = 17 * 60 + 30
    block: int = 105
    pause: int = 15
    lunch: int = 60


def _short(part: str, kind: str, exercise: object) -> str:
    if isinstance(exercise, str):
        return exercise
    for start, label in (("widget", "widget"), ("written answer", "written answer"),
                         ("discussion", "discussion")):
        if part.startswith(start):
            return label
    if kind == "role_play":
        return "role play"
    number = re.match(r"^(\d+)\s*[.·]", part)
    return f"§{number.group(1)}" if number else {"introduction": "intro",
                                                   "Key points": "key points"}.get(part, part)


def _describe(items: list[str]) -> str:
    """``['§1', '§2', '03.1', '03.2', 'widget']`` -> ``'§1–2, 03.1–03.2, widget'``."""
    def number(item: str) -> tuple[str, int] | None:
        if re.fullmatch(r"§\d+", item):
            return "§", int(item[1:])
        if re.fullmatch(r"\d\d\.\d+", item):
            return item[:3], int(item[3:])
        return None

    runs: list[list[str]] = []
    for item in items:
        here, last = number(item), number(runs[-1][1]) if runs else None
        if here and last and here[0] == last[0] and here[1] == last[1] + 1:
            runs[-1][1] = item
        elif not (runs and runs[-1] == [item, item] and item == "discussion"):
            runs.append([item, item])
    return ", ".join(a if a == b else f"{a}–{b.lstrip('§')}" for a, b in runs)


# Long: the day's clock (time, minutes since the last pause, lunch taken) is one piece of state.
def agenda_layout(parts: pd.DataFrame, track: str, plan: DayPlan | None = None) -> pd.DataFrame:
    """Lay a track's parts out in days: sessions split only between parts, pauses between.

    A pause comes at the first part boundary after ``plan.block`` minutes of work, lunch at the
    first boundary after ``plan.lunch_after`` (or half an hour earlier instead of a pause); a day
    ends before a part that would run past ``plan.end``.

    Parameters
    ----------
    parts : pandas.DataFrame
        As returned by :func:`parts_table`.
    track : str
        ``"sales"`` or ``"analyst"``.
    plan : DayPlan, optional
        The shape of a day.

    Returns
    -------
    pandas.DataFrame
        One row per session: ``day, start, end, minutes, module, items`` (``module`` is
        ``"break"`` or ``"lunch"`` for pauses; ``items`` the parts, shortened).
    """
    plan = plan or DayPlan()
    rows: list[dict] = []
    day, clock, since, lunched = 1, plan.start, 0, False
    open_row: dict | None = None

    def pause(name: str, minutes: int) -> None:
        nonlocal clock, since, open_row
        rows.append({"day": day, "start": clock, "end": clock + minutes, "minutes": minutes,
                     "module": name, "items": []})
        clock, since, open_row = clock + minutes, 0, None

    for part in parts[parts[track]].itertuples():
        due = since > 0 and since + part.minutes > plan.block
        lunch = not lunched and (clock >= plan.lunch_after
                                 or (due and clock >= plan.lunch_after - 30))
        wait = plan.lunch if lunch else plan.pause if due else 0
        if clock + part.minutes > plan.end or (lunch and clock + wait + part.minutes > plan.end):
            day, clock, since, lunched, open_row = day + 1, plan.start, 0, False, None
        elif clock + wait + part.minutes > plan.end:  # the day's last part: no break before it
            pass
        elif lunch:
            pause("lunch", plan.lunch)
            lunched = True
        elif due:
            pause("break", plan.pause)
        if open_row is None or open_row["module"] != part.module:
            open_row = {"day": day, "start": clock, "end": clock, "minutes": 0,
                        "module": part.module, "items": []}
            rows.append(open_row)
        open_row["items"].append(_short(part.part, part.kind, part.exercise))
        open_row["end"] += part.minutes
        open_row["minutes"] += part.minutes
        clock, since = clock + part.minutes, since + part.minutes
    return pd.DataFrame(rows)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def agenda_markdown(sessions: pd.DataFrame, titles: dict[str, str]) -> str:
    """The sessions of :func:`agenda_layout` as one ``### Day N`` table per day.

    Parameters
    ----------
    sessions : pandas.DataFrame
        As returned by :func:`agenda_layout`.
    titles : dict
        Module -> title.

    Returns
    -------
    str
        Markdown, opening with the total (``**N minutes** of sessions in D days``).
    """
    work = sessions[~sessions["module"].isin(["break", "lunch"])]
    out = [tr("**{minutes} minutes** of sessions in {days} days.",
              minutes=int(work["minutes"].sum()), days=sessions["day"].nunique())]
    for day, rows in sessions.groupby("day"):
        busy = int(rows.loc[~rows["module"].isin(["break", "lunch"]), "minutes"].sum())
        out += ["", tr("### Day {day} ({start}-{end}, {busy} minutes of sessions)", day=day,
                       start=_hhmm(rows["start"].min()), end=_hhmm(rows["end"].max()),
                       busy=busy), "",
                tr("| time | minutes | module | what |"), "| --- | ---: | --- | --- |"]
        for r in rows.itertuples():
            what = (tr("{title}: {items}", title=titles[r.module],
                       items=tr(", ").join(_say("item: " + i)
                                          for i in _describe(r.items).split(", ")))
                    if r.module in titles else "")
            module = _say("agenda: " + r.module) if r.module in ("break", "lunch") else r.module
            out.append(f"| {_hhmm(r.start)}-{_hhmm(r.end)} | {r.minutes} | {module} | {what} |")
    return "\n".join(out)


def totals_markdown(totals: pd.DataFrame, titles: dict[str, str]) -> str:
    """The modules' minutes as a markdown table, a total row last.

    Parameters
    ----------
    totals : pandas.DataFrame
        As returned by :func:`module_totals`.
    titles : dict
        Module -> title.

    Returns
    -------
    str
        The table.
    """
    lines = [tr("| module | lesson | teaching | exercises | discussion | role play | total | "
                "sales track | analyst track |"),
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for module, r in totals.iterrows():
        lines.append(f"| {module} | {titles[str(module)]} | {r.teaching} | {r.exercise} | "
                     f"{r.discussion} | {r.role_play} | {r.total} | {r.sales or '–'} | "
                     f"{r.analyst} |")
    s = totals.sum()
    lines.append(tr("| | **total** | **{teaching}** | **{exercise}** | **{discussion}** | "
                    "**{role_play}** | **{total}** | **{sales}** | **{analyst}** |",
                    **{k: s[k] for k in ("teaching", "exercise", "discussion", "role_play",
                                         "total", "sales", "analyst")}))
    return "\n".join(lines)


def replace_block(text: str, name: str, content: str) -> str:
    r"""Replace what stands between ``<!-- name -->`` and ``<!-- /name -->``.

    >>> replace_block("a\n<!-- x -->\nold\n<!-- /x -->\nb", "x", "new")
    'a\n<!-- x -->\nnew\n<!-- /x -->\nb'
    """
    pattern = re.compile(rf"<!-- {re.escape(name)} -->\n.*?<!-- /{re.escape(name)} -->", re.S)
    if not pattern.search(text):
        raise ValueError(f"no <!-- {name} --> ... <!-- /{name} --> block")
    return pattern.sub(lambda _: f"<!-- {name} -->\n{content}\n<!-- /{name} -->", text)


def refresh_lesson(text: str, parts: pd.DataFrame, totals: pd.DataFrame, module: str) -> str:
    """A lesson's text with its two header lines and its timing table from the timings.

    The header lines are the second and third line (the timing line, then ``Tracks: ...``; the
    tracks line is added if missing); the table stands between ``<!-- timings -->`` markers.

    Parameters
    ----------
    text : str
        The lesson (markdown).
    parts, totals : pandas.DataFrame
        As returned by :func:`parts_table` and :func:`module_totals`.
    module : str
        The lesson's module.

    Returns
    -------
    str
        The refreshed text.
    """
    timing, tracks = lesson_lines(totals.loc[module])
    lines = text.split("\n")
    if not lines[1].startswith("Teaching:"):
        raise ValueError(f"lesson {module}: line 2 should be the 'Teaching: ...' line")
    lines[1] = timing
    if lines[2].startswith("Tracks:"):
        lines[2] = tracks
    else:
        lines.insert(2, tracks)
    return replace_block("\n".join(lines), "timings", timing_table(parts, module))
