"""The seeded generator of the course's datasets.

``generate(seed)`` returns every canonical table of :mod:`helpers.tables` as a DataFrame;
``write_datasets(folder, seed)`` writes them as CSV files together with ``truth.json`` (the
planted truths a lesson may check a method recovers), a dirty "raw CRM export" in ``raw/`` and
the data dictionary ``README.md``. The same seed always gives byte-identical files; another seed
gives a trainee a dataset of their own::

    python -m helpers.simulate --seed 17 --out my_data

Customers carry a latent ``true_type`` (loyal, occasional, new, lapsed, bargain_hunter,
high_value_org, chronic_late_payer) that drives how often they buy, how much, with what discount,
how they pay, how often they call support and whether they answer the phone. About 12 % of the
customers never bought (the look-alike prospects). ``write_datasets`` also writes two small
randomised experiments into ``experiments/`` (:mod:`helpers.simulate.experiments`);
``python -m helpers.simulate.public`` builds the public-data extracts of ``datasets/public/``
(:mod:`helpers.simulate.public`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import DataProblem
from helpers.simulate._common import (
    AS_OF,
    DIP_DATES,
    FORMAT_VERSION,
    GENERATOR,
    to_dates,
    to_datetimes,
)
from helpers.simulate.contacts import (
    DIP_RATE,
    SCRIPT_RATE_A,
    SCRIPT_RATE_B,
    SCRIPT_UPLIFT,
    SCRIPT_Z,
    SERVICE_HEAVY_RATE,
    generate_agents,
    generate_calls,
    generate_leads,
    generate_service,
)
from helpers.simulate.customers import BIRTH_YEAR, add_attitudes, generate_customers
from helpers.simulate.experiments import experiment_truth, write_experiments
from helpers.simulate.raw import write_raw
from helpers.simulate.readme import write_readme
from helpers.simulate.receivables import (
    LAPSED_STUCK_P,
    credit_customers,
    generate_invoices,
    generate_payments,
    payer_profiles,
)
from helpers.simulate.sales import CHANNEL_RATE_FACTOR, activity_windows, generate_transactions
from helpers.tables import TABLES

__all__ = ["AS_OF", "TABLE_FILES", "generate", "generate_all", "open_stages", "write_csv",
           "write_datasets"]

#: Order in which tables are generated and written.
TABLE_FILES = ("customers", "transactions", "invoices", "payments", "agents", "calls", "leads",
               "service_contacts")

STAGE_BOUNDS = (("M0", -10**6, 0), ("M1", 1, 30), ("M2", 31, 60), ("M3", 61, 90),
                ("M3+", 91, 10**6))


def _check_args(seed: int, scale: float) -> tuple[int, float]:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise DataProblem(f"seed must be a non-negative whole number, got {seed!r}")
    if not isinstance(scale, int | float) or not np.isfinite(scale) or scale <= 0:
        raise DataProblem(f"scale must be a positive number (1.0 = about 3,000 customers), "
                         f"got {scale!r}")
    if scale < 0.02:
        raise DataProblem(f"scale={scale} is too small to plant the course's patterns; use at "
                         "least 0.02 (about 60 customers)")
    return int(seed), float(scale)


def _conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Order and type the columns exactly as ``helpers.tables`` defines them."""
    out = {}
    for col in TABLES[name].columns:
        s = df[col.name]
        if col.dtype in ("string", "category"):
            s = pd.Series(s.to_numpy(dtype=object), index=df.index, dtype="str")
        elif col.dtype == "int":
            s = s.astype("Int64")
        elif col.dtype == "float":
            s = s.astype("float64")
        elif col.dtype == "bool":
            s = s.astype("boolean") if s.isna().any() else s.astype(bool)
        elif col.dtype in ("date", "datetime"):
            s = s.astype("datetime64[ns]")
        out[col.name] = s
    return pd.DataFrame(out).reset_index(drop=True)


def generate_all(seed: int = 2024, scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], dict]:
    """Generate every table and the planted truths.

    Returns
    -------
    tables : dict of str to DataFrame
        The eight canonical tables, typed as :mod:`helpers.tables` defines.
    truth : dict
        The planted truths written to ``truth.json``.
    """
    seed, scale = _check_args(seed, scale)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    n_customers = max(60, round(3000 * scale))
    customers = generate_customers(streams[0], n_customers)
    customers = customers.assign(never_bought=never_bought(customers, streams[10]))
    windows = activity_windows(customers, streams[1])
    profile = payer_profiles(customers, streams[2])
    credit = credit_customers(customers, streams[2])
    customers = add_attitudes(customers, profile, streams[3])
    sales = generate_transactions(customers, windows, streams[4])
    invoices = generate_invoices(customers, sales, credit, streams[5])
    payments = generate_payments(customers, invoices, profile, streams[5])
    agents = generate_agents(streams[6], max(10, round(40 * scale)))
    leads = generate_leads(streams[7], max(50, round(1500 * scale)))
    calls = generate_calls(customers, agents, leads, profile, credit, streams[8],
                           n_calls=max(500, round(41_000 * scale)))
    service, extreme = generate_service(customers, windows, profile, streams[9])
    tables = _assemble(customers, sales, invoices, payments, agents, calls, leads, service)
    truth = _truth(tables, seed, scale, profile, credit, extreme, windows)
    return tables, truth


#: Share of the customer list that has never bought (registered, quoted, met at a fair ...).
NEVER_BOUGHT_SHARE = 0.125


def never_bought(customers: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Who has not bought yet: about ``NEVER_BOUGHT_SHARE`` of the list, never lapsed or key.

    Their ``true_type`` is what they would become; notebook 04's look-alike prospects.
    """
    ttype = customers.true_type.to_numpy()
    eligible = ~np.isin(ttype, ["lapsed", "high_value_org"])
    p = NEVER_BOUGHT_SHARE / max(eligible.mean(), 1e-9)
    return eligible & (rng.random(len(ttype)) < p)


def _assemble(customers: pd.DataFrame, sales: pd.DataFrame, invoices: pd.DataFrame,
              payments: pd.DataFrame, agents: pd.DataFrame, calls: pd.DataFrame,
              leads: pd.DataFrame, service: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The eight course tables from the generators' frames (day numbers, row positions)."""
    cid = customers.customer_id.to_numpy()
    tables = {
        "customers": customers.assign(signup_date=to_dates(customers.signup_date).to_numpy(),
                                      last_updated=to_dates(customers.last_updated).to_numpy()),
        "transactions": pd.DataFrame({
            "transaction_id": sales.transaction_id, "order_id": sales.order_id,
            "customer_id": cid[sales.cust.to_numpy()],
            "purchase_date": to_datetimes(sales.day, sales.sec),
            "quantity": sales.quantity, "amount": sales.amount, "discount": sales.discount,
            "cost": sales.cost, "product_category": sales.product_category,
            "sales_channel": sales.sales_channel, "is_return": sales.is_return}),
        "invoices": pd.DataFrame({
            "invoice_id": invoices.invoice_id, "customer_id": cid[invoices.cust.to_numpy()],
            "issue_date": to_dates(invoices.day), "due_date": to_dates(invoices.due),
            "amount": invoices.amount, "currency": "CNY"}),
        "payments": pd.DataFrame({
            "payment_id": payments.payment_id, "invoice_id": payments.invoice_id,
            "customer_id": cid[payments.cust.to_numpy()],
            "payment_date": to_dates(payments.day), "amount": payments.amount,
            "method": payments.method}),
        "agents": agents.assign(hire_date=to_dates(agents.hire_date).to_numpy()),
        "calls": pd.DataFrame({
            "call_id": calls.call_id,
            "customer_id": np.where(calls.cust >= 0, cid[np.maximum(calls.cust, 0)], None),
            "lead_id": np.where(calls.lead >= 0,
                                leads.lead_id.to_numpy()[np.maximum(calls.lead, 0)], None),
            "agent_id": calls.agent_id,
            "started_at": to_datetimes(calls.day, calls.start_sec),
            "ended_at": to_datetimes(calls.day, calls.end_sec),
            "duration_s": calls.duration_s, "answered": calls.answered,
            "outcome": calls.outcome, "purpose": calls.purpose, "direction": calls.direction,
            "script_variant": calls.script_variant}),
        "leads": leads.assign(created_date=to_dates(leads.created_date).to_numpy()),
        "service_contacts": pd.DataFrame({
            "contact_id": service.contact_id, "customer_id": cid[service.cust.to_numpy()],
            "contacted_at": to_datetimes(service.day, service.sec), "kind": service.kind,
            "channel": service.channel, "minutes": service.minutes,
            "resolved": service.resolved}),
    }
    return {name: _conform(df, name) for name, df in tables.items()}


def generate(seed: int = 2024, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """Generate the course's eight tables.

    Parameters
    ----------
    seed : int
        Seed of numpy's ``default_rng``; the same seed always gives the same data.
    scale : float
        Size relative to the bundled data (1.0: about 3,000 customers, 40k transactions, 40k
        calls). Benchmarks use ``scale=100`` and more.

    Returns
    -------
    dict of str to DataFrame
        ``customers, transactions, invoices, payments, agents, calls, leads,
        service_contacts``, each with exactly the columns and types of :mod:`helpers.tables`.

    Examples
    --------
    >>> data = generate(seed=1, scale=0.05)
    >>> sorted(data) == sorted(TABLE_FILES)
    True
    """
    return generate_all(seed, scale)[0]


def open_stages(invoices: pd.DataFrame, payments: pd.DataFrame,
                as_of: pd.Timestamp = AS_OF) -> pd.DataFrame:
    """Open invoices at ``as_of`` with their balance, days past due and collection stage."""
    paid = (payments.loc[payments.payment_date <= as_of].groupby("invoice_id").amount.sum())
    inv = invoices.loc[invoices.issue_date <= as_of].assign(
        paid=lambda d: d.invoice_id.map(paid).fillna(0.0))
    inv = inv.assign(balance=(inv.amount - inv.paid).round(2))
    inv = inv.loc[inv.balance > 0.01]
    dpd = (as_of - inv.due_date).dt.days
    stage = pd.Series(np.select([dpd <= b[2] for b in STAGE_BOUNDS], [b[0] for b in STAGE_BOUNDS], "M3+"),
                      index=inv.index)
    return inv.assign(days_past_due=dpd, stage=stage)


def _truth(tables: dict[str, pd.DataFrame], seed: int, scale: float, profile: np.ndarray,
           credit: np.ndarray, extreme: np.ndarray, windows: pd.DataFrame) -> dict:
    cust = tables["customers"]
    tx = tables["transactions"]
    calls = tables["calls"]
    leads = tables["leads"]
    revenue = tx.groupby("customer_id").amount.sum().reindex(cust.customer_id, fill_value=0.0)
    top = revenue.sort_values(ascending=False)
    top20 = float(top.iloc[: int(np.ceil(0.2 * len(top)))].sum() / top.sum())
    stages = open_stages(tables["invoices"], tables["payments"])
    by_stage = stages.groupby("stage").agg(invoices=("invoice_id", "size"),
                                           balance=("balance", "sum"))
    lapse = pd.Series(windows.end.to_numpy(), index=cust.customer_id)
    lapsed_ids = cust.customer_id[cust.true_type.eq("lapsed")]
    ids_by_profile = {
        p: cust.customer_id[(profile == p) & credit].tolist()
        for p in ("chronic_late", "partial", "disputer", "never")
    }
    return {
        "generator": GENERATOR,
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "scale": scale,
        "as_of": AS_OF.strftime("%Y-%m-%d"),
        "transactions_period": ["2023-01-01", AS_OF.strftime("%Y-%m-%d")],
        "calls_period": ["2025-01-01", AS_OF.strftime("%Y-%m-%d")],
        "counts": {name: len(df) for name, df in tables.items()},
        "customer_kind_counts": cust.customer_kind.value_counts().sort_index().to_dict(),
        "customer_type_counts": cust.true_type.value_counts().sort_index().to_dict(),
        "top20_revenue_share": round(top20, 4),
        **_plant_truths(cust, tx, stages),
        **_call_truths(calls),
        "collection_stages_at_as_of": {
            st: {"invoices": int(by_stage.invoices.get(st, 0)),
                 "balance": round(float(by_stage.balance.get(st, 0.0)), 2)}
            for st, _, _ in STAGE_BOUNDS
        },
        "payer_profile_counts": pd.Series(profile[credit]).value_counts().sort_index().to_dict(),
        "payer_profile_customers": ids_by_profile,
        "credit_customers": int(credit.sum()),
        "lapsed_last_purchase_dates": {
            k: pd.Timestamp(int(v) * 86_400_000_000_000).strftime("%Y-%m-%d")
            for k, v in lapse[lapsed_ids].items()
        },
        "extreme_service_customers": cust.customer_id.to_numpy()[extreme].tolist(),
        "lead_conversion_by_true_grade": leads.groupby("true_grade").converted.mean()
        .round(4).to_dict(),
        "experiments": experiment_truth(),
        "stale_share": round(float((cust.last_updated < AS_OF - pd.DateOffset(years=2)).mean()),
                             4),
    }


def _plant_truths(cust: pd.DataFrame, tx: pd.DataFrame, stages: pd.DataFrame) -> dict:
    """The plants of issue 13: never-bought customers, look-alike signal, whale-curve tail."""
    never = cust.customer_id[~cust.customer_id.isin(tx.customer_id.unique())]
    balance = stages.groupby("stage").balance.sum()
    return {
        "never_bought": {
            "customers": len(never),
            "share_of_customers": round(len(never) / max(len(cust), 1), 4),
            "ids": never.tolist(),
            "note": "on the customer list without a single transaction (the source's "
                    "prospects); their true_type is what they would become",
        },
        "lookalike_signal": {
            "attributes": ["acquisition_channel", "birth_year", "income_band", "children",
                           "marital_status"],
            "loyal_birth_year_mean_sd": list(BIRTH_YEAR["loyal"]),
            "other_birth_year_mean_sd": list(BIRTH_YEAR["other"]),
            "note": "loyal individuals came mostly by referral or to a store, are older, richer "
                    "and have children; high-value organisations came from trade shows and "
                    "referrals",
        },
        "channel_rate_factor": {**{c: 1.0 for c in sorted(set(cust.acquisition_channel))},
                                **CHANNEL_RATE_FACTOR},
        "service_heavy": {
            "true_type": "bargain_hunter",
            "contacts_per_year": SERVICE_HEAVY_RATE,
            "note": "complaint-heavy service use: the loss-making tail of the whale curve",
        },
        "lapsed_last_invoice_part_paid_p": LAPSED_STUCK_P,
        "open_balance_m0_share": round(float(balance.get("M0", 0.0) / balance.sum()), 4)
        if balance.sum() > 0 else 0.0,
    }


def _call_truths(calls: pd.DataFrame) -> dict:
    """The planted A/B test (script B sells better) and alert dip, as observed in the calls."""
    s = calls.loc[calls.purpose.eq("sales") & calls.answered]
    s = s.assign(day=s.started_at.dt.strftime("%Y-%m-%d"), sale=s.outcome.eq("sale"))
    non_dip = s.loc[~s.day.isin(DIP_DATES)]
    obs = non_dip.groupby("script_variant").sale.mean()
    daily = s.groupby("day").sale.mean()
    return {
        "script_test": {
            "true_rate_A": SCRIPT_RATE_A,
            "true_rate_B": SCRIPT_RATE_B,
            "true_relative_uplift": SCRIPT_UPLIFT,
            "steered_z": SCRIPT_Z,
            "observed_rate_A": round(float(obs.get("A", np.nan)), 4),
            "observed_rate_B": round(float(obs.get("B", np.nan)), 4),
            "answered_sales_calls_A": int((non_dip.script_variant == "A").sum()),
            "answered_sales_calls_B": int((non_dip.script_variant == "B").sum()),
            "note": "rates are P(sale | answered sales call) outside the alert dip dates; over "
                    "all answered sales calls (as notebook 08 counts) B's count is set so that "
                    "B - A is steered_z standard errors (P(B better) about 93 %, the 95 % "
                    "interval includes zero)",
        },
        "alert": {
            "metric": "daily sales / answered sales calls (centre-wide)",
            "threshold": 0.10,
            "run_days": 3,
            "dip_dates": list(DIP_DATES),
            "dip_true_rate": DIP_RATE,
            "dip_observed_rates": [round(float(daily.get(d, np.nan)), 4) for d in DIP_DATES],
            "lowest_other_day_rate": round(float(daily.drop(list(DIP_DATES), errors="ignore")
                                                 .min()), 4),
        },
    }


def write_datasets(folder: str | Path, seed: int = 2024, scale: float = 1.0) -> dict[str, Path]:
    """Generate the course data and write it into ``folder``.

    Writes ``<table>.csv`` for every table (UTF-8, ISO dates, two-decimal amounts, stable row
    order), ``truth.json``, ``raw/`` (the dirty CRM export) and ``README.md`` (the data
    dictionary). The same seed gives byte-identical files.

    Parameters
    ----------
    folder : str or Path
        Target folder. Created if missing; if it exists it must be empty or a previous output of
        this generator (it has a ``truth.json`` written by ``helpers.simulate``), so that no
        one's own data is ever overwritten.
    seed, scale
        As in :func:`generate`.

    Returns
    -------
    dict of str to Path
        Every file written, keyed by table name (plus ``truth``, ``readme``, ``raw``,
        ``raw_gbk``, ``raw_truth``).

    Raises
    ------
    FileExistsError
        If ``folder`` holds files that this generator did not write.
    """
    folder = Path(folder).expanduser()
    _refuse_foreign_folder(folder)
    tables, truth = generate_all(seed, scale)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in TABLE_FILES:
        written[name] = write_csv(tables[name], folder / f"{name}.csv", name)
    raw_files, raw_truth = write_raw(tables["customers"], folder / "raw", seed)
    written.update(raw_files)
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(12)[11])
    written.update(write_experiments(folder / "experiments", rng))
    truth["raw_export"] = raw_truth
    path = folder / "truth.json"
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                    encoding="utf-8")
    written["truth"] = path
    written["readme"] = write_readme(folder, truth, written)
    return written


def _refuse_foreign_folder(folder: Path) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise FileExistsError(f"{folder} exists and is not a folder; choose another --out")
    if not any(folder.iterdir()):
        return
    truth = folder / "truth.json"
    try:
        ours = json.loads(truth.read_text(encoding="utf-8")).get("generator") == GENERATOR
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise FileExistsError(
            f"refusing to write into {folder}: it is not empty and was not written by "
            f"{GENERATOR} (no truth.json from the generator). Choose an empty or new folder, "
            "e.g. --out my_data."
        )


def write_csv(df: pd.DataFrame, path: Path, name: str) -> Path:
    """Write one table with the course's fixed formatting (ISO dates, 2 decimals, UTF-8)."""
    out = df.copy()
    for col in TABLES[name].columns:
        if col.dtype == "date":
            out[col.name] = out[col.name].dt.strftime("%Y-%m-%d")
        elif col.dtype == "datetime":
            out[col.name] = out[col.name].dt.strftime("%Y-%m-%d %H:%M:%S")
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.2f")
    return path
