"""The capstone: run the whole course on your own export, from raw files to CRM-ready tables.

Nothing here re-implements an earlier lesson: each function chains the helpers of modules 01-10
in the order an analyst would, and decides what to do when a table is absent. The pipeline::

    data = load_inputs({"transactions": "my_orders.csv"}, {"transactions": "my_crm.yaml"})
    load_overview(data)                       # what each loader read, kept and dropped
    quality_overview(data)                    # helpers.data.quality, one row per table
    segments = segment_customers(data)        # helpers.segments.rfm + helpers.segments.rules life cycle
    values = value_table(data, segments)      # helpers.value.profitability tiers (profit when costs known)
    clv = clv_table(data)                     # helpers.value.clv, or a note why not
    recv = collection_plan(data)              # helpers.receivables.aging + helpers.receivables.strategy
    crm = crm_customer_table(data, segments, values, clv, recv)
    write_table(crm, "capstone_customers", ...)   # masked, never overwriting
    crm_checks(crm, path)                     # the checklist before loading into a CRM

Every optional part returns a ``note`` (a sentence saying why it was skipped or how it was
done) rather than failing when its table is missing, so the notebook runs on a transactions
file alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data.loading import CourseData, load_table
from helpers.data.privacy import personal_columns_of
from helpers.data.quality import quality_summary
from helpers.errors import DataProblem
from helpers.paths import data_dir as resolve_data_dir
from helpers.receivables import aging as rc
from helpers.receivables import strategy as co
from helpers.segments import rfm
from helpers.segments import rules as segmenting
from helpers.value import profitability as value
from helpers.value import clv as lv

__all__ = [
    "INPUT_TABLES",
    "FOLDER_TABLES",
    "ClvResult",
    "ReceivablesResult",
    "load_inputs",
    "load_overview",
    "quality_overview",
    "customer_base",
    "has_costs",
    "segment_customers",
    "value_table",
    "clv_table",
    "collection_plan",
    "crm_customer_table",
    "crm_checks",
    "section_status",
    "workload_by_owner",
    "action_view",
    "explore_actions",
    "plot_segment_tiers",
]

#: Tables an analyst can give as files (transactions is required).
INPUT_TABLES = ("transactions", "customers", "invoices", "payments", "calls")
#: Tables read from a course data folder when no transactions file is given.
FOLDER_TABLES = INPUT_TABLES + ("service_contacts",)
_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")


# --------------------------------------------------------------------------------------------
# loading


def _folder_file(folder: Path, name: str) -> Path | None:
    for suffix in _SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _latest_date(tables: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    columns = {"transactions": "purchase_date", "invoices": "issue_date",
               "payments": "payment_date", "calls": "started_at"}
    latest = [tables[t][c].max() for t, c in columns.items()
              if t in tables and c in tables[t].columns and len(tables[t])]
    latest = [v for v in latest if pd.notna(v)]
    if not latest:
        raise DataProblem("cannot tell the as-of date: no table has a readable date. Give "
                          "as_of='YYYY-MM-DD' in the parameters cell.")
    return pd.Timestamp(max(latest)).normalize()


def load_inputs(
    files: Mapping[str, str | Path | None] | None = None,
    mappings: Mapping[str, str | Path | Mapping[str, Any] | None] | None = None,
    data_dir: str | Path | None = None,
    as_of: Any = None,
    on_invalid: str = "drop",
) -> CourseData:
    """Load the analyst's files (or a course data folder), each validated by ``load_table``.

    Parameters
    ----------
    files : mapping, optional
        Table name -> file, for the tables of :data:`INPUT_TABLES`; ``None`` values are ignored.
        Without a transactions file every table comes from ``data_dir`` (the bundled data by
        default); with one, only the files given are used (no bundled table is mixed in).
    mappings : mapping, optional
        Table name -> mapping YAML (or dict) for that file; see CONTRIBUTING.md.
    data_dir : str or Path, optional
        Course data folder used when no transactions file is given.
    as_of : date-like, optional
        Observation end. Default: ``truth.json``'s ``as_of`` in a course folder, else the latest
        purchase, invoice, payment or call date in the data.
    on_invalid : {"drop", "raise", "keep"}
        What the loader does with invalid rows (``"drop"``: leave them out and report them).

    Returns
    -------
    CourseData
        The loaded tables (``None`` when absent) and ``as_of``; each frame's
        ``attrs["load_report"]`` says what was read, kept and dropped.

    Raises
    ------
    DataProblem
        Unknown table names, a mapping without its file, a missing file, or any problem the
        loader reports with ``on_invalid="raise"``.
    """
    files = {k: v for k, v in (files or {}).items() if v not in (None, "")}
    mappings = {k: v for k, v in (mappings or {}).items() if v not in (None, "")}
    unknown = sorted(set(files) - set(INPUT_TABLES)) + sorted(set(mappings) - set(INPUT_TABLES))
    if unknown:
        raise DataProblem(f"capstone: unknown table(s) {unknown}; the files you can give are "
                          f"{list(INPUT_TABLES)}.")
    orphan = sorted(set(mappings) - set(files))
    if orphan:
        raise DataProblem(f"capstone: a mapping is given for {orphan} but no file: set "
                          f"{', '.join(f'{t}_file' for t in orphan)} too, or remove the mapping.")
    if files and "transactions" not in files:
        raise DataProblem(f"capstone: files are given for {sorted(files)} but not for "
                          "transactions, which every section needs. Set transactions_file (your "
                          "sales export), or leave every *_file at None for the bundled data.")
    tables: dict[str, pd.DataFrame] = {}
    truth: dict[str, Any] = {}
    if files:
        folder = Path(files["transactions"]).expanduser().resolve().parent
        for name in INPUT_TABLES:
            if name in files:
                tables[name] = load_table(files[name], name, mapping=mappings.get(name),
                                          on_invalid=on_invalid)
    else:
        try:
            folder = resolve_data_dir(data_dir)
        except FileNotFoundError as exc:
            raise DataProblem(str(exc)) from None
        for name in FOLDER_TABLES:
            path = _folder_file(folder, name)
            if path is not None:
                tables[name] = load_table(path, name, on_invalid=on_invalid)
        if "transactions" not in tables:
            raise DataProblem(f"{folder} has no transactions file (transactions.csv); point "
                              "data_dir at a course data folder or set transactions_file.")
        truth_file = folder / "truth.json"
        if truth_file.is_file():
            import json

            try:
                truth = json.loads(truth_file.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                truth = {}
    if as_of not in (None, ""):
        try:
            day = pd.Timestamp(as_of).normalize()
        except (ValueError, TypeError):
            raise DataProblem(f"capstone: as_of={as_of!r} is not a date; write it like "
                              "'2025-12-31', or None for the latest date in the data.") from None
    elif truth.get("as_of"):
        day = pd.Timestamp(truth["as_of"])
    else:
        day = _latest_date(tables)
    return CourseData(data_dir=folder, as_of=day, truth=truth, **tables)


def load_overview(data: CourseData) -> pd.DataFrame:
    """One row per loaded table: file, rows read, kept and dropped, problems and encoding."""
    rows = []
    for name, frame in data.tables.items():
        rep = frame.attrs.get("load_report")
        rows.append({
            "table": name,
            "file": Path(rep.file).name if rep else "",
            "rows_read": rep.rows_read if rep else len(frame),
            "rows_kept": len(frame),
            "rows_dropped": rep.n_dropped if rep else 0,
            "problems": len(rep["problems"]) if rep else 0,
            "encoding": (rep.encoding or "") if rep else "",
        })
    return pd.DataFrame(rows, columns=["table", "file", "rows_read", "rows_kept", "rows_dropped",
                                       "problems", "encoding"]).set_index("table")


def quality_overview(data: CourseData) -> pd.DataFrame:
    """:func:`helpers.data.quality.quality_summary` for every loaded table, one row per table."""
    rows = {name: quality_summary(frame, name, as_of=data.as_of)
            for name, frame in data.tables.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "table"
    if "stale_share" not in out.columns:
        out["stale_share"] = np.nan
    return out


# --------------------------------------------------------------------------------------------
# customers and segments


def customer_base(data: CourseData) -> pd.DataFrame:
    """The customers table, extended with a bare row for every buyer or debtor it lacks.

    Helpers that need a customers table (life cycle, collection types) then work on a
    transactions file alone: customers known only from their purchases have just an id.
    """
    ids = [data.transactions["customer_id"]]
    for name in ("invoices", "payments"):
        frame = getattr(data, name)
        if frame is not None:
            ids.append(frame["customer_id"])
    seen = pd.Index(pd.concat(ids, ignore_index=True).dropna().astype("string").unique())
    if data.customers is None:
        return pd.DataFrame({"customer_id": seen.astype("string")})
    known = data.customers.drop_duplicates("customer_id")
    extra = seen.difference(pd.Index(known["customer_id"].astype("string")))
    if len(extra) == 0:
        return known.reset_index(drop=True)
    return pd.concat([known, pd.DataFrame({"customer_id": pd.array(extra, dtype="string")})],
                     ignore_index=True)


def segment_customers(
    data: CourseData,
    scoring: str = "quantile",
    segment_map: Mapping[str, Any] | str | Path | None = None,
    standard: Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """RFM segment and life-cycle stage of every customer who bought by ``data.as_of``.

    Parameters
    ----------
    data : CourseData
        From :func:`load_inputs`.
    scoring : {"quantile", "fixed"}
        RFM scoring scheme (:func:`helpers.segments.rfm.rfm_segments`).
    segment_map, standard : dict or path, optional
        The RFM segment map and the classification standard (bundled files when ``None``).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: :func:`helpers.segments.rfm.customer_summary` columns, the scores,
        ``segment`` and ``life_cycle``. Returns and purchases after ``as_of`` are left out
        (``attrs["exclusions"]`` counts them).
    """
    smap = rfm.load_segment_map(segment_map) if not isinstance(segment_map, Mapping) \
        else segment_map
    std = segmenting.load_standard(standard) if not isinstance(standard, Mapping) else standard
    summary = rfm.customer_summary(data.transactions, observation_end=data.as_of)
    segments = rfm.rfm_segments(summary, method=scoring, segment_map=smap)
    features = segmenting.customer_features(customer_base(data), data.transactions,
                                            as_of=data.as_of)
    stage = segmenting.classify(features, std, dimensions=["life_cycle"])["life_cycle"]
    stage.index = stage.index.astype(str)
    segments.index = segments.index.astype(str)
    segments["life_cycle"] = stage.reindex(segments.index).astype("string")
    segments.index.name = "customer_id"
    segments.attrs["exclusions"] = rfm.exclusions(summary).to_dict()
    return segments


def has_costs(transactions: pd.DataFrame) -> bool:
    """True when the transactions carry a cost of goods on at least one sale."""
    return "cost" in transactions.columns and bool(transactions["cost"].notna().any())


def value_table(
    data: CourseData,
    segments: pd.DataFrame,
    tier_cuts: Sequence[float] = value.DEFAULT_CUTS,
    tier_labels: Sequence[str] = value.DEFAULT_LABELS,
    cost_rates: Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """Value tier of every segmented customer: by profit where costs are known, else by revenue.

    Returns
    -------
    DataFrame
        Indexed like ``segments``: ``revenue`` (net sales to ``as_of``), ``profit`` (empty when
        the transactions carry no cost: then ``attrs["tier_basis"]`` is ``"revenue"``) and
        ``tier``. ``attrs["note"]`` says which basis was used and why.
    """
    revenue = segments["monetary_total"].astype("float64")
    out = pd.DataFrame({"revenue": revenue}, index=segments.index)
    if has_costs(data.transactions):
        tables = {name: frame for name, frame in data.tables.items()}
        tables["transactions"] = data.transactions[
            data.transactions["purchase_date"] < data.as_of + pd.Timedelta(days=1)]
        tables["as_of"] = data.as_of
        profit = value.customer_profit(tables, cost_rates)
        profit.index = profit.index.astype(str)
        out["profit"] = profit["profit"].reindex(out.index).astype("float64")
        basis = "profit"
        share = profit.attrs.get("cogs_estimated_share", 0.0)
        note = ("Tiers are cut on profit (gross margin minus cost-to-serve, helpers.value.profitability); "
                f"{share:.0%} of net sales had no cost and used the fallback ratio.")
    else:
        out["profit"] = np.nan
        basis = "revenue"
        note = ("The transactions carry no cost column, so profit is unknown: tiers are cut on "
                "revenue, and the playbook's profit rules (loss-making customers) do not fire.")
    out["tier"] = value.assign_tiers(out[basis], cuts=tier_cuts, labels=tier_labels)
    out.attrs["tier_basis"] = basis
    out.attrs["note"] = note
    return out


# --------------------------------------------------------------------------------------------
# lifetime value


@dataclass
class ClvResult:
    """Outcome of :func:`clv_table`: the table (or ``None``), the fits and a note for the reader."""

    table: pd.DataFrame | None
    note: str
    n_repeat: int = 0
    n_fit: int = 0
    bgnbd: Any = None
    gamma_gamma: Any = None
    converged: bool = False

    @property
    def fitted(self) -> bool:
        """True when CLV was computed."""
        return self.table is not None


def clv_table(
    data: CourseData,
    min_repeat_buyers: int = 100,
    max_fit_customers: int = 20_000,
    horizon_weeks: float = 52.0,
    step_weeks: float = 4.35,
    discount_rate: float = 0.01,
    margin: float = 0.25,
    seed: int = 2024,
) -> ClvResult:
    """BG/NBD + Gamma-Gamma lifetime value per customer, when there is enough repeat history.

    Parameters
    ----------
    data : CourseData
        From :func:`load_inputs` (transactions up to ``data.as_of`` are used).
    min_repeat_buyers : int
        Fewer customers with a repeat purchase than this: no model, a note says why.
    max_fit_customers : int
        Above this many customers the models are fitted on a seeded random sample of this size
        (the note says so); CLV is then predicted for everyone.
    horizon_weeks, step_weeks, discount_rate, margin : float
        See :func:`helpers.value.clv.customer_lifetime_value` (time unit: weeks).
    seed : int
        Seed of the fitting sample.
    """
    weekly = rfm.customer_summary(data.transactions, observation_end=data.as_of, freq="D",
                                  freq_multiplier=7)
    weekly.index = weekly.index.astype(str)
    n_repeat = int((weekly["frequency"] > 0).sum())
    if n_repeat < min_repeat_buyers:
        return ClvResult(None, f"CLV skipped: only {n_repeat} customer(s) bought more than once "
                               f"(at least {min_repeat_buyers} are needed to fit BG/NBD and "
                               "Gamma-Gamma). Export a longer history, or lower "
                               "min_repeat_buyers knowingly.", n_repeat=n_repeat)
    fit_on = weekly
    sampled = ""
    if len(weekly) > max_fit_customers:
        fit_on = weekly.sample(max_fit_customers, random_state=seed)
        sampled = (f" The models were fitted on a random sample of {max_fit_customers:,} of the "
                   f"{len(weekly):,} customers (seed {seed}) to keep the run short.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", lv.FitWarning)
        try:
            bgnbd = lv.fit_bgnbd(fit_on)
            spend = lv.fit_gamma_gamma(fit_on)
        except DataProblem as exc:
            return ClvResult(None, f"CLV skipped: the models could not be fitted ({exc}).",
                             n_repeat=n_repeat)
        converged = bool(bgnbd.converged and spend.converged)
        try:
            table = lv.customer_lifetime_value(weekly, bgnbd, spend, horizon=horizon_weeks,
                                               step=step_weeks, discount_rate=discount_rate,
                                               margin=margin)
        except DataProblem as exc:
            return ClvResult(None, f"CLV skipped: the fitted models give no usable value on "
                                   f"this history ({exc}) The purchase pattern may not fit the "
                                   "buy-till-you-die assumptions; use revenue tiers instead.",
                             n_repeat=n_repeat, n_fit=len(fit_on))
    note = (f"CLV over {horizon_weeks:g} weeks at a {margin:.0%} margin, from BG/NBD and "
            f"Gamma-Gamma fitted on {len(fit_on):,} customers ({n_repeat:,} repeat buyers)."
            + sampled)
    if not converged or any(issubclass(w.category, lv.FitWarning) for w in caught):
        note += " Warning: an optimiser did not converge; read the CLV as a rough ranking."
    return ClvResult(table, note, n_repeat=n_repeat, n_fit=len(fit_on), bgnbd=bgnbd,
                     gamma_gamma=spend, converged=converged)


# --------------------------------------------------------------------------------------------
# receivables and the collection queue


@dataclass
class ReceivablesResult:
    """Outcome of :func:`collection_plan`; tables are ``None`` when the section was skipped."""

    note: str
    items: pd.DataFrame | None = None
    aging: pd.DataFrame | None = None
    accounts: pd.DataFrame | None = None
    queue: pd.DataFrame | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """True when aging was computed."""
        return self.items is not None


def collection_plan(
    data: CourseData,
    capacity_minutes: float | None = 3 * 6 * 60,
    lapsed_days: int = 180,
    playbook: Mapping[str, Any] | str | Path | None = None,
    seed: int = 2024,
) -> ReceivablesResult:
    """Aging of the open invoices and the day's collection queue (lessons 09 and 10).

    Skipped, with a note, when invoices or payments are absent. When the history is too short
    to train the probability-to-pay model, the aging is still given and the queue is skipped.
    """
    if data.invoices is None or data.payments is None:
        missing = [n for n in ("invoices", "payments") if getattr(data, n) is None]
        return ReceivablesResult(f"Receivables skipped: no {' and no '.join(missing)} table was "
                                 "given (set invoices_file and payments_file to age your "
                                 "receivables and build the collection queue).")
    stages = rc.load_stages()
    book = playbook if isinstance(playbook, Mapping) else co.load_playbook(playbook, stages)
    items = rc.open_items(data.invoices, data.payments, data.as_of, stages)
    aging = rc.aging_table(items, by=None)
    if items.empty:
        return ReceivablesResult("No invoice is open on the as-of date: nothing to collect.",
                                 items=items, aging=aging)
    behaviour = rc.classify_payment_behaviour(data.invoices, data.payments, data.as_of,
                                              data.service_contacts, stages)
    attributes = co.collection_attributes(customer_base(data), data.transactions, behaviour,
                                          data.as_of, lapsed_days=lapsed_days)
    types = co.collection_types(attributes, book)
    try:
        scored, metrics = rc.score_open_items(data.invoices, data.payments, data.as_of,
                                              stages=stages, random_state=seed)
    except DataProblem as exc:
        return ReceivablesResult(f"Aging done; collection queue skipped: the probability-to-pay "
                                 f"model could not be trained ({exc}).", items=items,
                                 aging=aging)
    # debtors whose invoices are not yet due have no payment behaviour, hence no type: they get
    # the playbook's default type (its last rule), as collection_types gives unmatched customers
    owing = pd.Index(scored["customer_id"].unique())
    default_type = book["type_rules"][-1]["name"]
    types = types.reindex(types.index.union(owing)).fillna(default_type)
    accounts = co.collection_accounts(scored, types, attributes["value_tier"], stages)
    queue = co.work_queue(accounts, book, capacity_minutes=capacity_minutes, stages=stages)
    note = (f"{len(items):,} open invoice(s) on {len(accounts):,} account(s); today's queue "
            f"holds {len(queue):,} account(s) within {capacity_minutes or 0:,.0f} minutes.")
    return ReceivablesResult(note, items=items, aging=aging, accounts=accounts, queue=queue,
                             metrics=dict(metrics))


# --------------------------------------------------------------------------------------------
# the CRM export


def crm_customer_table(
    data: CourseData,
    segments: pd.DataFrame,
    values: pd.DataFrame,
    clv: ClvResult | None = None,
    receivables: ReceivablesResult | None = None,
    segment_map: Mapping[str, Any] | str | Path | None = None,
    playbook: Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """One row per segmented customer, ready for a CRM import: who, which class, what to do.

    Columns: ``customer_id``, ``name`` and ``phone`` (when the customers table has them;
    personal, masked by ``write_table`` unless revealed), ``segment``, ``segment_zh``,
    ``life_cycle``, ``tier``, ``revenue``, ``profit`` (when costs are known), ``clv`` and
    ``p_alive`` (when CLV was fitted), ``open_balance`` and ``collection_stage`` (``none``
    without open invoices; when receivables were given), then the value playbook's ``strategy``, ``recommended_action``,
    ``owner``, ``channel``, ``contact_every_days`` and the RFM map's ``segment_action``.
    Sorted by CLV (else revenue), highest first.
    """
    smap = rfm.load_segment_map(segment_map) if not isinstance(segment_map, Mapping) \
        else segment_map
    zh = {s["name"]: s.get("zh", "") for s in smap["segments"]}
    action = {s["name"]: s.get("action", "") for s in smap["segments"]}
    seg = segments["segment"].astype(str)
    out = pd.DataFrame(index=segments.index)
    if data.customers is not None:
        people = data.customers.drop_duplicates("customer_id").set_index("customer_id")
        people.index = people.index.astype(str)
        for col in ("name", "phone"):
            if col in people.columns:
                out[col] = people[col].reindex(out.index)
    out["segment"] = seg
    out["segment_zh"] = seg.map(zh)
    out["life_cycle"] = segments["life_cycle"]
    out["tier"] = values["tier"].reindex(out.index).astype(str)
    out["revenue"] = values["revenue"].reindex(out.index).round(2)
    if values.attrs.get("tier_basis") == "profit":
        out["profit"] = values["profit"].reindex(out.index).round(2)
    if clv is not None and clv.fitted:
        out["clv"] = clv.table["clv"].reindex(out.index).round(2)
        out["p_alive"] = clv.table["p_alive"].reindex(out.index).round(4)
    if receivables is not None and receivables.accounts is not None:
        acc = receivables.accounts.set_index("customer_id")
        acc.index = acc.index.astype(str)
        out["open_balance"] = acc["balance"].reindex(out.index).fillna(0.0).round(2)
        out["collection_stage"] = acc["stage"].astype(str).reindex(out.index).fillna("none")
    plan_input = pd.DataFrame({
        "tier": out["tier"],
        "profit": values["profit"].reindex(out.index),
        "days_since_last": segments["days_since_last"].reindex(out.index),
    })
    plan = value.apply_playbook(plan_input, playbook)
    out["strategy"] = plan["strategy"]
    out["recommended_action"] = plan["first_action"]
    for col in ("owner", "channel", "contact_every_days"):
        out[col] = plan[col]
    out["segment_action"] = seg.map(action)
    order = "clv" if "clv" in out.columns else "revenue"
    out = out.sort_values(order, ascending=False, kind="stable")
    out.index.name = "customer_id"
    return out.reset_index()


def crm_checks(crm: pd.DataFrame, written: str | Path | None = None,
               reveal_personal: bool = False) -> pd.DataFrame:
    """The checklist before a CRM import, computed: one row per check, ``ok`` and a detail.

    Checks that ``customer_id`` is unique and filled, that every row has a segment, a tier and
    an action, and, given the written file, that it has as many rows as the table and that its
    personal columns are masked (unless ``reveal_personal``).
    """
    rows = []

    def add(check: str, ok: bool, detail: str) -> None:
        rows.append({"check": check, "ok": bool(ok), "detail": detail})

    ids = crm["customer_id"]
    add("customer_id filled and unique", ids.notna().all() and not ids.duplicated().any(),
        f"{int(ids.isna().sum())} empty, {int(ids.duplicated().sum())} repeated")
    for col in ("segment", "tier", "recommended_action"):
        empty = int(crm[col].isna().sum()) if col in crm else len(crm)
        add(f"every row has a {col}", empty == 0, f"{empty} row(s) without one")
    if written is not None:
        back = pd.read_csv(written, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        add("written file has every row", len(back) == len(crm),
            f"{len(back)} row(s) in {Path(written).name}, {len(crm)} in the table")
        personal = personal_columns_of(crm, table="customers")
        personal = [c for c in personal if c in back.columns]
        if personal and not reveal_personal:
            clear = 0
            for c in personal:
                orig = crm[c].astype("string")
                same = (back[c].to_numpy() == orig.fillna("").to_numpy()) & orig.str.len().gt(
                    1).fillna(False).to_numpy()
                clear += int(same.sum())
            add("personal data masked", clear == 0,
                f"columns {personal}; {clear} value(s) written in clear")
        elif personal:
            add("personal data masked", False, "reveal_personal=True: names and phones are in "
                "clear; share the file only with people entitled to see them")
        else:
            add("personal data masked", True, "no personal column in the export")
    return pd.DataFrame(rows, columns=["check", "ok", "detail"])


def section_status(data: CourseData, values: pd.DataFrame, clv: ClvResult,
                   receivables: ReceivablesResult) -> pd.DataFrame:
    """Which sections ran on this data and which were skipped, with the reason."""
    rows = [
        ("load and validate", True, ", ".join(data.tables)),
        ("data quality", True, f"{len(data.tables)} table(s) audited"),
        ("RFM segments and life cycle", True, "from the transactions"
         + ("" if data.customers is not None else " (no customers table: buyers only)")),
        ("value tiers", True, values.attrs.get("note", "")),
        ("profit", values.attrs.get("tier_basis") == "profit", values.attrs.get("note", "")),
        ("lifetime value", clv.fitted, clv.note),
        ("aging", receivables.available, receivables.note),
        ("collection queue", receivables.queue is not None, receivables.note),
    ]
    return pd.DataFrame(rows, columns=["section", "ran", "why"]).set_index("section")


def workload_by_owner(crm: pd.DataFrame, days: int = 30) -> pd.DataFrame:
    """Customers and planned contacts per owner over ``days`` days, from the playbook cadence.

    The tasks a CRM would create from the export's tags: each customer is contacted every
    ``contact_every_days`` days by its ``owner``, so an owner's load is
    ``sum(days / contact_every_days)`` contacts.
    """
    need = {"owner", "strategy", "contact_every_days"}
    if not need <= set(crm.columns):
        raise DataProblem(f"workload_by_owner: columns {sorted(need - set(crm.columns))} missing; "
                          "build the table with crm_customer_table().")
    every = pd.to_numeric(crm["contact_every_days"], errors="coerce")
    if every.isna().any() or (every <= 0).any():
        raise DataProblem("workload_by_owner: contact_every_days must be a positive number on "
                          "every row; fix the strategies in helpers/config/value_playbook.yaml.")
    frame = crm.assign(contacts=days / every)
    out = frame.groupby(["owner", "strategy"]).agg(customers=("customer_id", "size"),
                                                   contacts=("contacts", "sum"))
    out["contacts"] = out["contacts"].round(1)
    return out.sort_values("contacts", ascending=False)


# --------------------------------------------------------------------------------------------
# widget and plot


def action_view(crm: pd.DataFrame, segment: str = "all", tier: str = "all",
                top: int = 10) -> dict[str, Any]:
    """What the action widget shows for one segment and tier (pure and fast).

    Returns a dict with ``customers`` (selected), ``revenue`` and ``clv`` (sums; ``clv`` is
    ``None`` without a CLV column), ``strategies`` (customers per strategy) and ``top`` (the
    ``top`` most valuable selected rows, without personal columns).
    """
    mask = np.ones(len(crm), dtype=bool)
    if segment != "all":
        mask &= (crm["segment"] == segment).to_numpy()
    if tier != "all":
        mask &= (crm["tier"] == tier).to_numpy()
    sel = crm.loc[mask]
    cols = [c for c in ("customer_id", "segment", "tier", "revenue", "clv", "strategy",
                        "recommended_action") if c in crm.columns]
    return {
        "customers": int(mask.sum()),
        "revenue": float(sel["revenue"].sum()),
        "clv": float(sel["clv"].sum()) if "clv" in crm.columns else None,
        "strategies": sel["strategy"].value_counts(),
        "top": sel[cols].head(top),
    }


def explore_actions(crm: pd.DataFrame) -> Any:
    """Widget: pick a segment and a tier; see how many customers, their value and the actions."""
    import ipywidgets as widgets
    from IPython.display import display

    segments = ["all"] + sorted(crm["segment"].dropna().unique().tolist())
    tiers = ["all"] + [t for t in value.DEFAULT_LABELS if t in set(crm["tier"])] + sorted(
        set(crm["tier"]) - set(value.DEFAULT_LABELS))
    seg_w = widgets.Dropdown(options=segments, description="segment")
    tier_w = widgets.Dropdown(options=tiers, description="tier")
    out = widgets.Output()

    def refresh(*_: Any) -> None:
        view = action_view(crm, seg_w.value, tier_w.value)
        with out:
            out.clear_output(wait=True)
            clv = f", CLV {view['clv']:,.0f}" if view["clv"] is not None else ""
            print(f"{view['customers']:,} customers, revenue {view['revenue']:,.0f}{clv}")
            display(view["strategies"].rename("customers").to_frame(), view["top"])

    seg_w.observe(refresh, names="value")
    tier_w.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([seg_w, tier_w]), out])


def plot_segment_tiers(crm: pd.DataFrame, ax: Any = None) -> Any:
    """Heat map of customers per RFM segment (rows) and value tier (columns)."""
    import matplotlib.pyplot as plt

    table = pd.crosstab(crm["segment"], crm["tier"])
    order = [t for t in value.DEFAULT_LABELS if t in table.columns]
    table = table[order + [c for c in table.columns if c not in order]]
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.5))
    im = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
    ax.set_xticks(range(table.shape[1]), table.columns)
    ax.set_yticks(range(table.shape[0]), table.index)
    top = table.to_numpy().max() if table.size else 0
    for (i, j), v in np.ndenumerate(table.to_numpy()):
        ax.text(j, i, f"{v:,}", ha="center", va="center",
                color="white" if v > 0.6 * top else "black", fontsize=8)
    ax.set(xlabel="value tier", ylabel="RFM segment", title="Customers by segment and tier")
    ax.figure.colorbar(im, ax=ax, label="customers")
    return ax
