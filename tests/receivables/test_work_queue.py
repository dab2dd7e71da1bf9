"""Tests for helpers.receivables._work_queue: accounts, the ranked queue, export and plot."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import helpers.receivables as rc
from tests.receivables.books import AS_OF, accounts_frame, small

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def playbook() -> rc.CollectionPlaybook:
    return rc.load_collection_playbook()


def test_collection_accounts_by_hand():
    inv, pay = small()
    items = rc.open_items(inv, pay, AS_OF).assign(expected_recovery=[30.0, 150.0])
    acc = rc.collection_accounts(items, types=pd.Series({"c1": "negative", "c2": "cooperative"}))
    acc = acc.set_index("customer_id")
    assert acc.loc["c1", "stage"] == "M3" and acc.loc["c1", "oldest_invoice"] == "A"
    assert acc.loc["c2", "p_pay_30d"] == pytest.approx(0.5)
    assert acc.loc["c1", "customer_type"] == "negative"
    with pytest.raises(rc.DataProblem, match="open_items"):
        rc.collection_accounts(items.drop(columns="stage"))


def test_work_queue_ranks_by_recovery_per_minute(playbook):
    acc = accounts_frame()
    q = rc.work_queue(acc, playbook, capacity_minutes=None)
    assert len(q) == len(acc)
    st = rc.load_stages()
    urg = dict(zip(st.names, st.urgency, strict=True))
    # independent score: balance x p x urgency / minutes of the play's channel
    minutes = [playbook.minutes()[playbook.play(s, t).channel]
               for s, t in zip(acc["stage"].astype(str), acc["customer_type"], strict=True)]
    ref = acc["balance"] * acc["p_pay_30d"] * acc["stage"].astype(str).map(urg) / minutes
    top = acc.loc[ref.sort_values(ascending=False).index[:10], "customer_id"].tolist()
    assert q["customer_id"].head(10).tolist() == top
    assert (np.diff(q["score"]) <= 1e-12).all()
    assert q["rank"].tolist() == list(range(1, len(q) + 1))
    # each row carries the playbook's action and script
    r = q.iloc[0]
    play = playbook.play(str(r["stage"]), r["customer_type"])
    assert r["channel"] == play.channel and r["script_zh"] == play.script_zh
    assert r["offers"] == ", ".join(play.offers)


def test_work_queue_capacity_and_constraints(playbook):
    acc = accounts_frame()
    q = rc.work_queue(acc, playbook, capacity_minutes=120)
    assert q["effort_minutes"].sum() <= 120 and len(q) > 0
    full = rc.work_queue(acc, playbook, capacity_minutes=None)
    assert q["customer_id"].tolist() == full["customer_id"].head(len(q)).tolist()
    gold = rc.work_queue(acc, playbook, capacity_minutes=None, min_tier="gold")
    assert set(gold["value_tier"]) <= {"gold", "diamond"}
    assert "M0" not in set(rc.work_queue(acc, playbook, None, include_current=False)["stage"])
    # ties broken by value tier
    tie = acc.head(2).assign(balance=1000.0, p_pay_30d=0.5, stage="M1",
                             customer_type="cooperative", value_tier=["low", "diamond"])
    assert rc.work_queue(tie, playbook, None)["value_tier"].tolist() == ["diamond", "low"]
    assert rc.queue_view(acc, playbook, collectors=1, hours=1)["effort_minutes"].sum() <= 60
    with pytest.raises(rc.DataProblem, match="p_pay_30d"):
        rc.work_queue(acc.assign(p_pay_30d=np.nan), playbook)
    with pytest.raises(rc.DataProblem, match="min_tier"):
        rc.work_queue(acc, playbook, min_tier="platinum")
    with pytest.raises(rc.DataProblem, match="does not know"):
        rc.work_queue(acc.assign(customer_type="angry"), playbook)
    with pytest.raises(rc.DataProblem, match="capacity_minutes"):
        rc.work_queue(acc, playbook, capacity_minutes=0)
    with pytest.raises(rc.DataProblem, match="collectors"):
        rc.queue_view(acc, playbook, collectors=0)


def test_export_and_plot(playbook, tmp_path):
    q = rc.work_queue(accounts_frame(30), playbook, None)
    path = rc.export_queue(q, output_dir=tmp_path)
    assert path.name == "collection_queue.csv"
    assert len(pd.read_csv(path)) == len(q)
    assert rc.export_queue(q, output_dir=tmp_path).name != path.name  # never overwritten
    assert isinstance(rc.plot_queue(q, top=10), Axes)


def _reference_queue(acc: pd.DataFrame, playbook, capacity: float, min_tier) -> pd.DataFrame:
    """The queue as computed before issue 11, written plainly: score, a stable sort, a cut."""
    st = rc.load_stages()
    urg = dict(zip(st.names, st.urgency, strict=True))
    x = acc if min_tier is None else acc[acc["value_tier"].map(rc.TIER_RANK)
                                         <= rc.TIER_RANK[min_tier]]
    minutes = np.array([playbook.minutes()[playbook.play(s, t).channel]
                        for s, t in zip(x["stage"].astype(str), x["customer_type"], strict=True)])
    x = x.assign(score=x["balance"] * x["p_pay_30d"] * x["stage"].astype(str).map(urg) / minutes,
                 minutes=minutes, tier=x["value_tier"].map(rc.TIER_RANK))
    x = x.sort_values(["score", "tier", "balance"], ascending=[False, True, False],
                      kind="stable")
    return x[x["minutes"].cumsum() <= capacity]


def _tied_accounts(playbook, n: int = 400) -> pd.DataFrame:
    """Accounts with many ties in score, tier and balance (the ranking's hard cases)."""
    rng = np.random.default_rng(11)
    st = rc.load_stages()
    return pd.DataFrame({
        "customer_id": [f"K{i}" for i in range(n)],
        "balance": rng.choice([500.0, 1000.0, 2000.0], n),
        "stage": pd.Categorical.from_codes(rng.integers(0, 5, n), dtype=st.dtype),
        "p_pay_30d": rng.choice([0.2, 0.5], n),
        "customer_type": rng.choice(list(playbook.types), n),
        "value_tier": rng.choice(list(rc.TIER_RANK), n),
    })


def test_queue_view_on_ranked_accounts_matches_the_plain_computation(playbook):
    acc = _tied_accounts(playbook)
    ranked = rc.rank_accounts(acc, playbook)
    for collectors, hours, tier in [(1, 1.0, None), (2, 3.5, "gold"), (5, 8.0, "silver"),
                                    (10, 8.0, None), (1, 0.5, "diamond")]:
        fast = rc.queue_view(ranked, collectors=collectors, hours=hours, min_tier=tier)
        plain = rc.queue_view(acc, playbook, collectors, hours, tier)
        pd.testing.assert_frame_equal(fast, plain)
        ref = _reference_queue(acc, playbook, collectors * hours * 60, tier)
        assert fast["customer_id"].tolist() == ref["customer_id"].tolist()
        np.testing.assert_allclose(fast["cumulative_minutes"], ref["minutes"].cumsum())
        np.testing.assert_allclose(fast["score"], ref["score"])
    with pytest.raises(rc.DataProblem, match="min_tier"):
        rc.queue_view(ranked, min_tier="platinum")
    with pytest.raises(rc.DataProblem, match="playbook"):
        rc.queue_view(acc)


def test_explore_queue_ranks_once_and_cuts_per_move(playbook, monkeypatch):
    import helpers.receivables._work_queue as wq

    calls = {"rank": 0, "cut": 0}
    rank, cut = wq.rank_accounts, wq._cut

    def counted_rank(*a, **k):
        calls["rank"] += 1
        return rank(*a, **k)

    def counted_cut(*a, **k):
        calls["cut"] += 1
        return cut(*a, **k)

    monkeypatch.setattr(wq, "rank_accounts", counted_rank)
    monkeypatch.setattr(wq, "_cut", counted_cut)
    box = rc.explore_queue(accounts_frame(), playbook, columns=["rank", "customer_id"])
    collectors, hours, tier = box.children[0].children
    collectors.value, hours.value, tier.value = 5, 2.5, "gold"
    assert calls == {"rank": 1, "cut": 4}
