"""Every widget callback at 100k customers / accounts: p50 and p95 over 50 calls (issue 11).

    .venv/bin/python benchmarks/bench_widgets.py                 # every view, fresh process each
    .venv/bin/python benchmarks/bench_widgets.py --views queue,clusters --calls 50

Each view runs in a fresh Python process (so the first call pays what a notebook's first move
pays: imports, first fits), on synthetic 100k-row inputs of the course tables' shape. Two ways
are timed where they differ:

``plain``
    the public ``*_view`` function called with the raw inputs on every move (what the widgets
    did before issue 11, and what a caller without the widget still gets);
``widget``
    what the ``explore_*`` callback now runs: the controls-independent work is done once when
    the widget is built (``build`` column, not part of the callback) and each move calls the
    view on the precomputed object.

Every timed call changes the parameters (capacity, k, cut-offs, …); the first call is included.
The target is p95 < 50 ms. This is a script, not a pytest benchmark, so that each view gets a
fresh process and the first call is honest.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N = 100_000
Move = Callable[[int], Any]


# ---------------------------------------------------------------- inputs (100k rows, seeded)
def summary_frame(n: int = N) -> pd.DataFrame:
    """A customer summary (the columns RFM and clustering read)."""
    rng = np.random.default_rng(0)
    orders = rng.geometric(0.35, n)
    return pd.DataFrame({
        "days_since_last": rng.integers(0, 900, n), "n_orders": orders,
        "frequency": orders - 1, "monetary_total": rng.gamma(1.5, 300, n) * orders,
    }, index=pd.Index([f"C{i:07d}" for i in range(n)], name="customer_id"))


def features_frame(n: int = N) -> pd.DataFrame:
    """Customer features for the rules (a tenth never bought)."""
    rng = np.random.default_rng(1)
    out = summary_frame(n)
    never = rng.random(n) < 0.1
    out.loc[never, ["n_orders", "monetary_total"]] = 0
    out["days_since_last"] = out["days_since_last"].astype(float).mask(never)
    out["days_since_first"] = out["days_since_last"] + rng.integers(0, 700, n)
    out["orders_last_year"] = np.where(out["days_since_last"] <= 365, out["n_orders"] // 2, 0)
    out["revenue_last_year"] = out["monetary_total"] / 2
    return out


def accounts_frame(n: int = N) -> tuple[pd.DataFrame, Any]:
    """Open collection accounts and the bundled playbook."""
    import helpers.receivables as rc

    rng = np.random.default_rng(3)
    st = rc.load_stages()
    playbook = rc.load_collection_playbook(stages=st)
    acc = pd.DataFrame({
        "customer_id": np.char.add("C", np.arange(n).astype(str)),
        "invoices": rng.integers(1, 5, n), "balance": rng.gamma(2.0, 3000.0, n).round(2),
        "max_days_past_due": rng.integers(-30, 200, n),
        "stage": pd.Categorical.from_codes(rng.integers(0, 5, n), dtype=st.dtype),
        "p_pay_30d": rng.random(n).round(3),
        "customer_type": rng.choice(list(playbook.types), n),
        "value_tier": rng.choice(["low", "silver", "gold", "diamond"], n),
    })
    return acc, playbook


def book(n_invoices: int, per_customer: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Invoices issued over two months of 2025 and about 0.8 payments per invoice."""
    rng = np.random.default_rng(1)
    n = n_invoices
    issue = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 60, n), "D")
    due = issue + pd.to_timedelta(rng.choice([30, 60], n), "D")
    amount = rng.gamma(2.0, 800.0, n).round(2) + 1
    ids = pd.array(np.char.add("I", np.arange(n).astype(str)), dtype="string")
    cust = pd.array(np.char.add("C", (np.arange(n) // per_customer).astype(str)), dtype="string")
    inv = pd.DataFrame({"invoice_id": ids, "customer_id": cust, "issue_date": issue,
                        "due_date": due, "amount": amount})
    idx = np.flatnonzero(rng.random(n) < 0.8)
    delay = rng.gamma(1.5, 40.0, len(idx)).astype(int)
    pay = pd.DataFrame({"invoice_id": ids[idx], "customer_id": cust[idx],
                        "payment_date": np.maximum(due[idx] + pd.to_timedelta(delay - 20, "D"),
                                                   issue[idx]),
                        "amount": amount[idx]})
    return inv, pay


def drivers_frame(n: int = N) -> pd.DataFrame:
    """Cost drivers per customer (the value widget's input)."""
    from helpers import value

    rng = np.random.default_rng(1)
    d = pd.DataFrame({
        "revenue": rng.gamma(1.2, 5000, n), "discounts": rng.gamma(1, 100, n),
        "returns": rng.gamma(0.3, 200, n), "n_returns": rng.poisson(0.5, n),
        "n_orders": rng.poisson(8, n), "cogs_unknown_sales": np.zeros(n),
        **{f"n_{k}": rng.poisson(1, n) for k in value.SERVICE_KINDS},
        "service_minutes": rng.gamma(1, 20, n), "complaint_minutes": rng.gamma(0.3, 20, n),
        "n_calls": rng.poisson(5, n), "call_minutes": rng.gamma(1, 5, n),
        "n_collection_calls": rng.poisson(1, n), "collection_minutes": rng.gamma(0.5, 3, n),
        "n_late_invoices": rng.poisson(1, n), "late_amount_days": rng.gamma(0.5, 20000, n),
        "doubtful_balance": rng.gamma(0.1, 1000, n)},
        index=pd.Index([f"C{i:06d}" for i in range(n)], name="customer_id"))
    d["cogs_known"] = d["revenue"] * 0.7
    return d


def crm_frame(n: int = N) -> pd.DataFrame:
    """The capstone's CRM table."""
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(n)],
        "segment": rng.choice(["champions", "loyal", "need attention", "lost"], n),
        "tier": rng.choice(["low", "silver", "gold", "diamond"], n),
        "revenue": rng.gamma(2, 100, n), "clv": rng.gamma(2, 30, n),
        "strategy": rng.choice(["high_value", "low_activity"], n), "recommended_action": "call",
    })


def customers_frame(n: int = N) -> pd.DataFrame:
    """The customers table as read from a file (signup dates as text)."""
    rng = np.random.default_rng(4)
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), "D")
    return pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)],
                         "signup_date": days.strftime("%Y-%m-%d"),
                         "customer_kind": rng.choice(["individual", "organisation"], n)})


def calls_cube() -> pd.DataFrame:
    """KPI cube of a year of calls by 100 agents to 100k customers (about 1M calls)."""
    from helpers.calls import kpi_cube, prepare_calls

    rng = np.random.default_rng(0)
    days = pd.bdate_range("2025-01-01", periods=250)
    n = 1_000_000
    start = (days.values[rng.integers(0, 250, n)]
             + (rng.integers(9 * 3600, 18 * 3600, n) * 1_000_000_000).astype("timedelta64[ns]"))
    answered = rng.random(n) < 0.4
    u = rng.random(n)
    outcome = np.where(~answered, "no_answer", np.where(u < 0.15, "sale", np.where(
        u < 0.3, "callback_requested", np.where(u < 0.5, "interested", "refused"))))
    calls = pd.DataFrame({
        "call_id": np.arange(n).astype(str),
        "customer_id": np.char.add("C", rng.integers(0, N, n).astype(str)),
        "agent_id": np.char.add("A", rng.integers(0, 100, n).astype(str)), "started_at": start,
        "duration_s": np.where(answered, rng.integers(5, 600, n), 0), "answered": answered,
        "outcome": pd.Categorical(outcome), "purpose": "sales",
        "direction": np.where(rng.random(n) < 0.03, "inbound", "outbound")})
    agents = pd.DataFrame({"agent_id": np.char.add("A", np.arange(100).astype(str)),
                           "team": [f"team{i % 10}" for i in range(100)], "role": "sales"})
    return kpi_cube(prepare_calls(calls, agents))


# ---------------------------------------------------------------- the views and their moves
# Each case returns {"plain": move, "widget": build} where move(i) is one callback call with
# the i-th parameters and build() does the widget's one-off work and returns its move.
def case_queue() -> dict[str, Callable[..., Any]]:
    import helpers.receivables as rc

    acc, playbook = accounts_frame()
    tiers = [None, "gold", None, "silver", "diamond"]

    def params(i: int) -> dict[str, Any]:
        return {"collectors": 1 + i % 12, "hours": 2.0 + (i % 7) * 0.5, "min_tier": tiers[i % 5]}

    def build() -> Move:
        ranked = rc.rank_accounts(acc, playbook)
        return lambda i: rc.queue_view(ranked, **params(i))

    return {"plain": lambda i: rc.queue_view(acc, playbook, **params(i)), "widget": build}


def case_clusters() -> dict[str, Callable[..., Any]]:
    from helpers import segments as sg

    summary = summary_frame()
    feats = [("days_since_last", "n_orders", "monetary_total"),
             ("days_since_last", "monetary_total")]

    def params(i: int) -> dict[str, Any]:
        return {"k": 2 + i % 7, "columns": list(feats[(i // 10) % 2])}

    def build() -> Move:
        prep = sg.ClusterInputs(summary)
        prep.features(feats[0])  # what the widget's first drawing computes
        return lambda i: sg.cluster_view(prep, **params(i))

    return {"plain": lambda i: sg.cluster_view(summary, **params(i)), "widget": build}


def case_rfm() -> dict[str, Callable[..., Any]]:
    from helpers import segments as sg

    summary = summary_frame()
    smap = sg.load_segment_map()

    def params(i: int) -> tuple[Any, ...]:
        lo = 7 + 7 * (i % 10)
        return ("quantile",) if i % 2 == 0 else (
            "fixed", (lo, lo + 30, lo + 90, lo + 300), (2, 3, 5, 5 + i % 10))

    def build() -> Move:
        profiles = sg.RfmProfiles(summary, smap)
        profiles.view("quantile")  # the widget's first drawing
        return lambda i: profiles.view(*params(i))

    return {"plain": lambda i: sg.rfm_view(summary, *params(i), segment_map=smap),
            "widget": build}


def case_rules() -> dict[str, Callable[..., Any]]:
    from helpers import segments as sg

    features = features_frame()
    std = sg.load_standard()

    def move(i: int) -> Any:
        return sg.rules_view(features, std, 4 + i % 10, 1 + i % 3, 30 + 15 * (i % 6),
                             200 + 15 * (i % 8))

    return {"plain": move}


def case_value() -> dict[str, Callable[..., Any]]:
    from helpers import value

    drivers = drivers_frame()
    rates = value.load_cost_rates()

    def params(i: int) -> dict[str, Any]:
        return {"cuts": (0.3 + 0.05 * (i % 5), 0.8, 0.95), "by": ("profit", "revenue")[i % 2],
                "rate_scale": {"service": 0.5 + 0.25 * (i % 6), "calls": 1.0,
                               "returns": 1.0 + 0.25 * (i % 3), "late_payment": 1.0}}

    def build() -> Move:
        prep = value.ValueInputs(drivers, rates, lean=True)  # as explore_value builds it
        value.value_view(prep)  # the widget's first drawing
        return lambda i: value.value_view(prep, **params(i))

    return {"plain": lambda i: value.value_view(drivers, cost_rates=rates, **params(i)),
            "widget": build}


def case_clv() -> dict[str, Callable[..., Any]]:
    from helpers import value

    bg = value.BGNBDFit(0.5, 6.0, 0.8, 2.5, 0.0, 0)
    gg = value.GammaGammaFit(6.0, 4.0, 15.0, 0.0, 0)

    def move(i: int) -> Any:
        frequency = i % 10
        return value.clv_view(bg, gg, frequency, 5.0 + i if frequency else 0.0, 60.0, 50.0 + i)

    return {"plain": move}


def case_risk() -> dict[str, Callable[..., Any]]:
    from helpers import value

    rng = np.random.default_rng(5)
    valued = value.risk_adjusted_value(pd.DataFrame({
        "clv": rng.gamma(1.0, 1000.0, N), "p_on_time": rng.uniform(size=N),
        "expected_loss": rng.gamma(1.0, 40.0, N), "collection_cost": rng.gamma(1.0, 10.0, N)},
        index=np.char.add("C", np.arange(N).astype(str))))

    def move(i: int) -> Any:
        return value.risk_value_view(valued, 0.1 * (i % 11), 0.25 * (i % 9), 0.25 * (i % 5),
                                     places=200)

    return {"plain": move}


def case_aging() -> dict[str, Callable[..., Any]]:
    import helpers.receivables as rc

    inv, pay = book(N)
    st = rc.load_stages()
    days = list(rc.month_ends("2025-01-31", "2025-12-31"))

    def build() -> Move:
        prep = rc.AgingInputs(inv, pay, st)
        rc.aging_view(prep, None, days[-1])  # the widget's first drawing
        return lambda i: rc.aging_view(prep, None, days[i % 12], 20 + i % 10, 50 + i % 10,
                                       80 + i % 10)

    return {"plain": lambda i: rc.aging_view(inv, pay, days[i % 12], 20 + i % 10, 50 + i % 10,
                                             80 + i % 10, st), "widget": build}


def case_timeline() -> dict[str, Callable[..., Any]]:
    import helpers.receivables as rc

    inv, pay = book(8 * N)  # 100k customers, eight invoices each
    acc, playbook = accounts_frame()
    ids = [f"C{7919 * i % N}" for i in range(50)]

    def build() -> Move:
        prep = rc.TimelineInputs(inv, pay, acc)
        # the widget's first drawing (an account the timed picks do not repeat)
        rc.timeline_view("C1", prep, playbook=playbook, as_of="2025-06-30")
        return lambda i: rc.timeline_view(ids[i], prep, playbook=playbook, as_of="2025-06-30")

    return {"plain": lambda i: rc.timeline_view(ids[i], inv, pay, acc, playbook, "2025-06-30"),
            "widget": build}


def case_capacity() -> dict[str, Callable[..., Any]]:
    from helpers.calls import capacity_view

    rng = np.random.default_rng(3)
    scored = pd.DataFrame({"lead_id": np.char.add("L", np.arange(N).astype(str)),
                           "score": rng.random(N), "converted": rng.random(N) < 0.1})

    def move(i: int) -> Any:
        return capacity_view(scored, 500 + 997 * i, target="converted")

    return {"plain": move}


def case_dashboard() -> dict[str, Callable[..., Any]]:
    from helpers.calls import DashboardInputs, dashboard_view, load_kpi_config

    cube = calls_cube()
    cfg = load_kpi_config()
    teams = [None, "team3", None, "team7"]
    tiers = [None, None, "low", None, None]

    def move(board: Any, i: int) -> Any:
        start = pd.Timestamp("2025-01-01") + pd.Timedelta(days=3 * (i % 20))
        return dashboard_view(board, team=teams[i % 4], tier=tiers[i % 5], start=start,
                              end=start + pd.Timedelta(days=120 + i), config=cfg)

    def build() -> Move:
        prep = DashboardInputs(cube)
        dashboard_view(prep, config=cfg)  # the widget's first drawing: no filter
        return lambda i: move(prep, i)

    return {"plain": lambda i: move(cube, i), "widget": build}


def case_actions() -> dict[str, Callable[..., Any]]:
    from helpers.capstone import action_view

    crm = crm_frame()
    segs = ["all", "loyal", "lost", "champions"]
    tiers = ["all", "gold", "low", "all", "diamond"]
    return {"plain": lambda i: action_view(crm, segs[i % 4], tiers[i % 5])}


def case_signups() -> dict[str, Callable[..., Any]]:
    from helpers.data import setup_check

    customers = customers_frame()

    def build() -> Move:
        prep = setup_check.SignupYears(customers)
        return lambda i: setup_check.signup_view(prep, 2015 + i % 10)

    return {"plain": lambda i: setup_check.signup_view(customers, 2015 + i % 10),
            "widget": build}


def case_roles() -> dict[str, Callable[..., Any]]:
    from helpers.data import view_for_role
    from helpers.data._roles import load_access_levels

    customers = customers_frame().assign(name="王小明", phone="13812345678")
    levels = load_access_levels()
    roles = [r for r in levels.roles if not levels.role(r).pseudonymise]
    head = customers.head(5)
    return {"plain": lambda i: view_for_role(head, roles[i % len(roles)], table="customers",
                                             config=levels)}


def case_quality() -> dict[str, Callable[..., Any]]:
    from helpers.data import issues_by_column_view, quality_report

    customers = customers_frame().assign(phone="13812345678", email=None)
    report = quality_report(customers, "customers")
    measures = ["missing", "nonstandard", "invalid", "completeness"]
    return {"plain": lambda i: issues_by_column_view(report, measures[i % 4])}


CASES: dict[str, Callable[[], dict[str, Callable[..., Any]]]] = {
    "queue": case_queue, "clusters": case_clusters, "rfm": case_rfm, "rules": case_rules,
    "value": case_value, "clv": case_clv, "risk": case_risk, "aging": case_aging,
    "timeline": case_timeline,
    "capacity": case_capacity, "dashboard": case_dashboard, "actions": case_actions,
    "signups": case_signups, "roles": case_roles, "quality": case_quality,
}


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def time_moves(move: Move, calls: int, clock: str = "wall") -> list[float]:
    """Milliseconds of each of ``calls`` calls (parameters change with the call number).

    ``clock="cpu"`` counts the process's CPU time only: on a machine shared with other jobs it
    leaves out the time spent waiting for a core (wall time is what a trainee feels).
    """
    tick = CLOCKS[clock]
    out = []
    for i in range(calls):
        t0 = tick()
        move(i)
        out.append((tick() - t0) * 1000)
    return out


def summarise(ms: list[float]) -> str:
    a = np.asarray(ms)
    return (f"{a[0]:7.1f} {np.percentile(a, 50):7.1f} {np.percentile(a, 95):7.1f} "
            f"{(a < 50).mean():5.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", default=",".join(CASES))
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--plain-only", action="store_true",
                        help="time the plain call only (each view in a fresh process)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall time (default) or the process's CPU time (shared machines)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} "
          f"(1 / 5 min), {os.cpu_count()} cores; {args.calls} calls per view, first included; "
          f"{args.clock} clock")
    print(f"{'view':10} {'path':7} {'build':>8} {'first':>7} {'p50':>7} {'p95':>7} {'<50ms':>5}")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for name in args.views.split(","):
        # a fresh process per path, so each one's first call pays its own imports and fits
        for path in (["plain"] if args.plain_only else ["widget", "plain"]):
            code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import json; "
                    f"import benchmarks.bench_widgets as b; k = b.CASES[{name!r}](); "
                    f"r = b.run_path(k, {path!r}, {args.calls}, {args.clock!r}); "
                    f"print(json.dumps(r))")
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  cwd=ROOT, env=env, check=False)
            if proc.returncode:
                print(f"{name:10} {path:7} failed: {proc.stderr.strip().splitlines()[-1]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            if "error" in r:
                continue
            build = f"{r['build_ms']:8.0f}" if "build_ms" in r else " " * 8
            print(f"{name:10} {path:7} {build} {summarise(r['ms'])}", flush=True)


def run_path(kinds: dict[str, Callable[..., Any]], path: str, calls: int,
             clock: str = "wall") -> dict[str, Any]:
    """Time one path of one view (in a fresh process, see :func:`main`)."""
    if path not in kinds:
        return {"error": "no such path"}
    if path == "plain":
        return {"ms": time_moves(kinds["plain"], calls, clock)}
    tick = CLOCKS[clock]
    t0 = tick()
    try:
        move = kinds["widget"]()
    except AttributeError as err:  # the precomputed object does not exist yet
        return {"error": str(err)}
    return {"build_ms": (tick() - t0) * 1000, "ms": time_moves(move, calls, clock)}


if __name__ == "__main__":
    main()
