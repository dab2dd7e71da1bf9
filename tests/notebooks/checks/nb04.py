"""Notebook 04 (clustering and look-alike targeting): bundled data and another seed (k=3)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

#: Parameters of the other-seed run (besides data_dir and seed).
OTHER_SEED = {"k": 3}


def expected(folder: Path) -> dict:
    customers = pd.read_csv(folder / "customers.csv", dtype={"customer_id": str})
    tx = pd.read_csv(folder / "transactions.csv", dtype={"customer_id": str})
    as_of = pd.Timestamp(json.loads((folder / "truth.json").read_text())["as_of"])
    tx["day"] = pd.to_datetime(tx["purchase_date"], format="mixed").dt.normalize()
    returns = tx["amount"] < 0
    if "is_return" in tx:
        returns |= tx["is_return"].astype(str).str.lower().isin(["true", "1"])
    buys = tx[~returns & (tx["day"] <= as_of)].dropna(subset=["customer_id"])
    days = buys.groupby("customer_id")["day"].nunique()
    # prospects: never bought, or bought on one day only
    prospects = set(customers["customer_id"]) - set(days.index[days > 1])
    return {"n_buyers": len(days), "prospects": prospects}


def check_run(results: dict, exp: dict, k: int = 4) -> None:
    assert results["n_customers"] == exp["n_buyers"]
    sizes = results["cluster_sizes"]
    assert len(sizes) == results["k"] == k and sum(sizes.values()) == exp["n_buyers"]
    by_number = [sizes[str(i)] for i in range(k)]
    assert by_number == sorted(by_number, reverse=True)  # clusters numbered by size
    assert 2 <= results["best_k"] <= 8
    assert max(results["silhouette"].values()) == results["silhouette"][str(results["best_k"])]
    for key in ("ari_kmeans_gmm", "ari_rfm", "stability_mean"):
        assert -1 <= results[key] <= 1
    # behaviour clusters recover some of the simulated customer types
    assert results["ari_truth"] is not None and results["ari_truth"] > 0.05
    assert results["n_prospects"] == len(exp["prospects"])
    assert set(results["top_lookalikes"]) <= exp["prospects"]
    assert len(results["top_lookalikes"]) == min(20, len(exp["prospects"]))


def bundled(run, folder: Path) -> None:
    text = run.outputs_text()
    assert text.count(": right.") >= 4 and "not yet" not in text  # solutions pass checks
    check_run(run.results, expected(folder))
    assert list((run.out_dir / "output").glob("lookalike_call_list*.csv"))


def other_seed(run, folder: Path) -> None:
    check_run(run.results, expected(folder), k=OTHER_SEED["k"])


def trainee(run) -> None:
    text = run.outputs_text()
    assert text.count("not answered") >= 4 and "right." not in text
