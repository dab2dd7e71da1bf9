"""Preparing a call: one account's events in date order, its balance by stage, the next action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from helpers.data.privacy import mask_name
from helpers.errors import DataProblem
from helpers.i18n import catalog, language, tr

from ._display import display_table
from ._playbook import CollectionPlaybook, Play
from ._snapshots import month_end_snapshots
from ._stages import Stages, load_stages
from ._validation import validate_receivables

__all__ = ["AccountView", "NextAction", "TimelineInputs", "account_timeline", "explore_timeline",
           "fill_script", "timeline_view"]


@dataclass(frozen=True)
class NextAction:
    """What the playbook recommends for an account today.

    ``script_en`` is the playbook's template; ``filled_en`` and ``filled_zh`` are the English
    and Chinese scripts filled in for the account: the customer's masked name, the agent, the
    open balance in ¥ with thousands separators, the oldest open invoice and its due date.
    """

    stage: str
    customer_type: str
    balance: float
    channel: str
    actor: str
    tone: str
    goal: str
    script_en: str
    filled_en: str = ""
    filled_zh: str = ""


def fill_script(template: str, fields: dict[str, str]) -> str:
    """A playbook script with its placeholders filled in (unknown ones left as written).

    Parameters
    ----------
    template : str
        E.g. ``"Hello {name}, {agent} here. Invoice {invoice} ({balance}) ..."``.
    fields : dict
        Values of ``agent, company, name, invoice, balance, due_date``.

    Returns
    -------
    str

    Examples
    --------
    >>> fill_script("Hello {name}, {agent} here: {balance} is open.",
    ...             {"name": "王**", "agent": "Li", "balance": "¥12,345.60"})
    'Hello 王**, Li here: ¥12,345.60 is open.'
    """
    return template.format_map(_Blanks(fields))


class _Blanks(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _script_fields(customer_id: str, balance: float, play: Play, rows: dict[str, Any],
                   snaps: pd.DataFrame, agent: str | None, company: str) -> dict[str, str]:
    """What fills an account's script: masked name, agent, ¥ balance, oldest open invoice."""
    who = rows.get("customers")
    name = customer_id
    if who is not None and len(who):
        for col in ("key_contact", "name"):  # an organisation's contact, else the name
            if col in who.columns and pd.notna(who[col].iloc[0]) and str(who[col].iloc[0]):
                name = str(mask_name(str(who[col].iloc[0])))
                break
    invoice, due = "", ""
    dates, left = snaps["date"].to_numpy(), snaps["balance"].to_numpy()
    open_now = (np.flatnonzero((dates == dates.max()) & (left > 0)) if len(dates)
                else np.zeros(0, dtype="int64"))
    if len(open_now):  # the oldest open invoice at the last month end: largest days past due
        dpd = snaps["days_past_due"].to_numpy()[open_now]
        pick = open_now[np.flatnonzero(dpd == dpd.max())[0]]
        invoice = str(snaps["invoice_id"].iloc[pick])
        due = f"{pd.Timestamp(dates[pick]) - pd.Timedelta(days=int(dpd.max())):%Y-%m-%d}"
    return {"agent": agent or play.actor.replace("_", " "), "company": company, "name": name,
            "invoice": invoice, "balance": f"¥{balance:,.2f}", "due_date": due}


@dataclass(frozen=True)
class AccountView:
    """One account prepared for a call (:func:`timeline_view`)."""

    events: pd.DataFrame        #: invoices, payments and contacts in date order
    balance_path: pd.DataFrame  #: open balance by stage (columns) at each month end (rows)
    next_action: NextAction | None  #: None when the account is not in the accounts table


def account_timeline(customer_id: str, invoices: pd.DataFrame, payments: pd.DataFrame,
                     calls: pd.DataFrame | None = None,
                     service_contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Everything that happened on one account, in date order: invoices, payments, contacts.

    Parameters
    ----------
    customer_id : str
        The account.
    invoices, payments : DataFrame
        Course tables.
    calls, service_contacts : DataFrame, optional
        Course tables; their rows for the account are added.

    Returns
    -------
    DataFrame
        ``date, event, reference, amount, detail``.

    Raises
    ------
    DataProblem
        If the customer has no invoices.
    """
    inv = invoices[invoices["customer_id"] == customer_id]
    if inv.empty:
        raise DataProblem(f"account_timeline: customer {customer_id!r} has no invoices; pick one "
                          "from the work queue.")
    parts = [
        pd.DataFrame({"date": pd.to_datetime(inv["issue_date"]), "event": "invoice issued",
                      "reference": inv["invoice_id"], "amount": inv["amount"],
                      "detail": "due " + pd.to_datetime(inv["due_date"]).dt.strftime("%Y-%m-%d")}),
        pd.DataFrame({"date": pd.to_datetime(inv["due_date"]), "event": "invoice due",
                      "reference": inv["invoice_id"], "amount": np.nan, "detail": ""}),
    ]
    pay = payments[payments["customer_id"] == customer_id]
    parts.append(pd.DataFrame({"date": pd.to_datetime(pay["payment_date"]), "event": "payment",
                               "reference": pay["invoice_id"], "amount": pay["amount"],
                               "detail": pay.get("method", pd.Series("", index=pay.index))
                               .astype("string").fillna("")}))
    if calls is not None and len(calls):
        c = calls[calls["customer_id"] == customer_id]
        parts.append(pd.DataFrame({"date": pd.to_datetime(c["started_at"]), "event": "call",
                                   "reference": c["call_id"], "amount": np.nan,
                                   "detail": c.get("purpose", "").astype("string").fillna("")
                                   + ": " + c["outcome"].astype("string")}))
    if service_contacts is not None and len(service_contacts):
        s = service_contacts[service_contacts["customer_id"] == customer_id]
        parts.append(pd.DataFrame({"date": pd.to_datetime(s["contacted_at"]),
                                   "event": "service contact", "reference": s["contact_id"],
                                   "amount": np.nan, "detail": s["kind"].astype("string")}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return out.sort_values("date", kind="stable").reset_index(drop=True)


class TimelineInputs:
    """The timeline widget's tables with each customer's rows found once.

    Picking an account then takes its few rows instead of comparing every row's customer ID.
    The invoices and payments are validated once here (a pick then skips the checks); a book
    that fails them as a whole is checked account by account, as a plain call does.

    Parameters
    ----------
    invoices, payments : DataFrame
        Course tables.
    accounts : DataFrame
        From :func:`collection_accounts` with ``customer_type``.
    calls : DataFrame, optional
        Course table.
    customers : DataFrame, optional
        Course table: the (masked) name in the call script.
    """

    def __init__(self, invoices: pd.DataFrame, payments: pd.DataFrame, accounts: pd.DataFrame,
                 calls: pd.DataFrame | None = None,
                 customers: pd.DataFrame | None = None) -> None:
        self.tables: dict[str, pd.DataFrame | None] = {
            "invoices": invoices, "payments": payments, "accounts": accounts, "calls": calls,
            "customers": customers}
        self.stages = load_stages()  # read once, not on every pick
        try:
            checked = validate_receivables(invoices, payments, overpayment="cap")
        except DataProblem:  # e.g. another account's bad row: each pick checks its own
            checked = None
        self.validated = checked is not None
        if checked is not None:
            self.tables["checked_invoices"], self.tables["checked_payments"] = checked
        if customers is not None and "customer_id" not in customers.columns:
            self.tables["customers"] = None  # no way to find an account's own row
        self._rows = {name: _positions(t["customer_id"]) for name, t in self.tables.items()
                      if t is not None and len(t)}

    def of(self, customer_id: str) -> dict[str, pd.DataFrame | None]:
        """Each table's rows of one customer (in the tables' order).

        Parameters
        ----------
        customer_id : str
            The account.

        Returns
        -------
        dict
            ``invoices``, ``payments``, ``accounts``, ``calls``, ``customers`` (``None`` when
            not given) and, once validated, ``checked_invoices`` and ``checked_payments``.
        """
        out: dict[str, pd.DataFrame | None] = {}
        for name, t in self.tables.items():
            if t is None or name not in self._rows:
                out[name] = t
                continue
            ids, order, edges = self._rows[name]
            code = ids.get_indexer([customer_id])[0]
            out[name] = t.iloc[order[edges[code]:edges[code + 1]] if code >= 0 else order[:0]]
        return out


def _positions(ids: pd.Series) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Distinct IDs, row numbers grouped by ID (in row order) and where each ID's group starts."""
    codes, uniques = pd.factorize(ids)
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]  # rows without an ID belong to no one
    edges = np.r_[0, np.cumsum(np.bincount(codes[codes >= 0], minlength=len(uniques)))]
    return pd.Index(uniques), order, edges


# Long: the docstring documents the two ways of calling it; the code is 15 lines
def timeline_view(customer_id: str, invoices: pd.DataFrame | TimelineInputs,
                  payments: pd.DataFrame | None = None, accounts: pd.DataFrame | None = None,
                  playbook: CollectionPlaybook | None = None, as_of: Any = None,
                  calls: pd.DataFrame | None = None, customers: pd.DataFrame | None = None,
                  agent: str | None = None, company: str = "our company") -> AccountView:
    """Timeline, balance path and next action for one account (the widget's pure function).

    Parameters
    ----------
    customer_id : str
        The account.
    invoices, payments : DataFrame
        Course tables; or ``invoices`` a :class:`TimelineInputs` (what :func:`explore_timeline`
        builds once) and ``payments``, ``accounts``, ``calls`` and ``customers`` not given.
    accounts : DataFrame
        From :func:`collection_accounts` with ``customer_type``.
    playbook : CollectionPlaybook
        From :func:`load_collection_playbook`.
    as_of : date-like
        The working day (last month end of the balance path).
    calls, customers : DataFrame, optional
        Course tables (the customers' ``key_contact`` or ``name``, masked, greets in the
        script; without them the script names the customer ID).
    agent : str, optional
        Who calls, named in the script (default: the play's actor, e.g. "senior collector").
    company : str
        Your company's name in the script.

    Returns
    -------
    AccountView

    Raises
    ------
    DataProblem
        If the customer has no invoices, or the playbook, the as-of date or a table is missing.
    """
    if isinstance(invoices, TimelineInputs):
        rows = invoices.of(customer_id)
    else:  # one call: comparing the IDs once is cheaper than indexing every customer
        tables = {"invoices": invoices, "payments": _given(payments, "payments"),
                  "accounts": _given(accounts, "accounts"), "calls": calls,
                  "customers": customers}
        if customers is not None and "customer_id" not in customers.columns:
            tables["customers"] = None  # no way to find the account's own row
        rows = {name: t if t is None or not len(t) else t[t["customer_id"] == customer_id]
                for name, t in tables.items()}
    return _account_view(customer_id, rows, _given(playbook, "playbook"), _given(as_of, "as_of"),
                         invoices.stages if isinstance(invoices, TimelineInputs) else None,
                         (agent, company))


def _given(value: Any, name: str) -> Any:
    if value is None:
        raise DataProblem(f"timeline_view: {name} is missing; pass it (or TimelineInputs for the "
                          "tables).")
    return value


def _account_view(customer_id: str, rows: dict[str, Any], playbook: CollectionPlaybook,
                  as_of: Any, stages: Stages | None, who: tuple[str | None, str]) -> AccountView:
    """The view from the customer's own rows of each table."""
    invoices, payments, accounts, calls = (rows[k] for k in ("invoices", "payments",
                                                             "accounts", "calls"))
    events = account_timeline(customer_id, invoices, payments, calls)
    day = pd.Timestamp(as_of)
    start = events["date"].min()
    dates = pd.date_range(start + pd.offsets.MonthEnd(0), day + pd.offsets.MonthEnd(0), freq="ME")
    if rows.get("checked_invoices") is not None:  # validated once, with the whole book
        snaps = month_end_snapshots(rows["checked_invoices"], rows["checked_payments"],
                                    dates=dates, stages=stages, validate=False)
    else:
        snaps = month_end_snapshots(invoices, payments, dates=dates, stages=stages)
    action = None
    if len(accounts):
        r = accounts.iloc[0]
        play = playbook.play(str(r["stage"]), str(r["customer_type"]))
        fields = _script_fields(customer_id, float(r["balance"]), play, rows, snaps, *who)
        action = NextAction(str(r["stage"]), str(r["customer_type"]), float(r["balance"]),
                            play.channel, play.actor, play.tone, play.goal, play.script_en,
                            fill_script(play.script_en, fields),
                            fill_script(play.script_zh, _in_chinese(fields, play, who[0])))
    return AccountView(events, _balance_path(snaps), action)


def _in_chinese(fields: dict[str, str], play: Play, agent: str | None) -> dict[str, str]:
    """The script fields for the Chinese script: the default agent and company in Chinese."""
    zh = catalog("zh")
    return {**fields, "agent": agent or zh.get(play.actor, fields["agent"]),
            "company": zh.get(fields["company"], fields["company"])}


def _balance_path(snaps: pd.DataFrame) -> pd.DataFrame:
    """Open balance by stage (columns, every stage) at each snapshot date (rows).

    ``snaps.pivot_table(index="date", columns="stage", values="balance", aggfunc="sum",
    observed=False, fill_value=0.0)``: the same group-by sums, without pivot_table's
    reshaping machinery (a third of a pick's time).
    """
    if snaps.empty:
        return snaps.pivot_table(index="date", columns="stage", values="balance",
                                 aggfunc="sum", observed=False, fill_value=0.0)
    sums = snaps.groupby(["date", "stage"], observed=False)["balance"].sum()
    dates = sums.index.levels[0]
    stages = snaps["stage"].cat.categories
    table = sums.to_numpy().reshape(len(dates), len(stages))
    return pd.DataFrame(table, index=pd.Index(dates, name="date"),
                        columns=pd.CategoricalIndex(stages, categories=stages, ordered=True,
                                                    name="stage"))


def explore_timeline(invoices: pd.DataFrame, payments: pd.DataFrame, accounts: pd.DataFrame,
                     playbook: CollectionPlaybook, as_of: Any, calls: pd.DataFrame | None = None,
                     options: Sequence[str] | None = None,
                     customers: pd.DataFrame | None = None, agent: str | None = None,
                     company: str = "our company") -> w.Widget:
    """Widget: pick an account, see its stage over time, its events and the next action.

    Parameters
    ----------
    invoices, payments, accounts, playbook, as_of, calls
        As for :func:`timeline_view`.
    options : sequence of str, optional
        Accounts offered (default: the first 50 of ``accounts``).
    customers, agent, company
        Fill the call script, as for :func:`timeline_view`.

    Returns
    -------
    ipywidgets.Widget
    """
    ids = list(options if options is not None else accounts["customer_id"].head(50))
    # each account's rows found once, the book validated once
    prep = TimelineInputs(invoices, payments, accounts, calls, customers)
    pick = w.Dropdown(options=ids, description=tr("account"))
    out = w.Output()
    fig, ax = plt.subplots(figsize=(8, 2.8))
    plt.close(fig)  # drawn again on every pick, shown with display(fig)

    def update(*_: Any) -> None:
        with out:
            out.clear_output(wait=True)
            view = timeline_view(pick.value, prep, playbook=playbook, as_of=as_of, agent=agent,
                                 company=company)
            _draw_path(ax, view.balance_path, tr("{account}: open balance by stage at month ends",
                                                 account=pick.value))
            display(fig)
            display(display_table(view.events.tail(12), playbook))
            a = view.next_action
            if a is not None:
                print(tr("Next action: {channel} by {actor} ({tone}). Goal: {goal}",
                         channel=tr(a.channel), actor=tr(a.actor), tone=tr(a.tone),
                         goal=tr(a.goal)))
                print(tr("Script: {script}",
                         script=a.filled_zh if language() == "zh" else a.filled_en))

    pick.observe(update, names="value")
    update()
    return w.VBox([pick, out])


def _draw_path(ax: Any, path: pd.DataFrame, title: str) -> None:
    """The balance path as stacked areas on a figure kept between picks."""
    ax.clear()
    colours = plt.cm.YlOrRd(np.linspace(0.15, 0.9, path.shape[1]))
    ax.stackplot(path.index, path.T.to_numpy(), labels=list(path.columns), colors=colours)
    ax.legend(loc="upper left", fontsize=7)
    ax.set_title(title)
