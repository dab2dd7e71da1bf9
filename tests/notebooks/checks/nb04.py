"""Notebook 04 (clustering and look-alike targeting): bundled data, another seed (k=3), a
minimal export with a customer list that cannot tell anybody apart, and CDNOW master.

The look-alike prospects are the people on the customer list who never bought (the source's
meaning); the planted look-alike signal must show in the back-test and against the planted truth.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from helpers.caveats import AUC_CHANCE
from helpers.paths import MAPPINGS_DIR
from tests.conftest import CDNOW_MASTER, shared_file
from tests.notebooks.checks import unanswered
from tests.notebooks.checks.nb03 import minimal_export

#: Parameters of the other-seed run (besides data_dir and seed).
OTHER_SEED = {"k": 3}

#: Exercises of the notebook (04.1 .. 04.7), each answered right by the solution.
N_EXERCISES = 7
#: Floors of the planted look-alike signal: the back-test AUC (hidden RFM champions and loyal
#: customers against the other buyers, no truth needed; a behavioural model group, so a modest
#: signal: above the chance bound of helpers.caveats, no caveat shown) and the AUC against the
#: planted future type of the never-bought prospects (would become loyal or high-value).
BACKTEST_AUC_FLOOR, TRUTH_AUC_FLOOR = AUC_CHANCE, 0.65


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
    # prospects: on the customer list, never bought
    prospects = set(customers["customer_id"]) - set(days.index)
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
    # the planted signal: the look-alike score finds loyal customers, well above a coin toss
    assert results["lookalike_auc"] > BACKTEST_AUC_FLOOR, results["lookalike_auc"]
    assert results["lookalike_truth_auc"] >= TRUTH_AUC_FLOOR, results["lookalike_truth_auc"]
    assert results["lookalike_auc"] < 0.97 and results["lookalike_truth_auc"] < 0.97


def _answers(text: str) -> None:
    assert text.count(": right.") == N_EXERCISES, text.count(": right.")
    assert "not yet" not in text and "not what happened" not in text


def bundled(run, folder: Path) -> None:
    _answers(run.outputs_text())  # the solutions pass every check
    check_run(run.results, expected(folder))
    assert list((run.out_dir / "output").glob("lookalike_call_list*.csv"))


def other_seed(run, folder: Path) -> None:
    _answers(run.outputs_text())
    check_run(run.results, expected(folder), k=OTHER_SEED["k"])


def trainee(run) -> None:
    unanswered(run, N_EXERCISES)


def _check_clusters(r: dict, n_buyers: int, k: int = 4, backtest: bool = False) -> None:
    sizes = r["cluster_sizes"]
    assert len(sizes) == r["k"] == k and sum(sizes.values()) == r["n_customers"] == n_buyers
    by_number = [sizes[str(i)] for i in range(k)]
    assert by_number == sorted(by_number, reverse=True)
    assert max(r["silhouette"].values()) == r["silhouette"][str(r["best_k"])]
    assert r["ari_truth"] is None and r["lookalike_truth_auc"] is None  # no planted truth here
    # the back-test needs no truth: it runs whenever there is a customer list
    assert (r["lookalike_auc"] is not None) is backtest


def minimal_export_equal_lookalikes(execute, request) -> None:
    """Three transaction columns under other headers, and a customer list whose only attribute
    is the same for everybody: clusters as plain pandas counts them, and the look-alike scores,
    all equal, are named as arbitrary where the call list is shown."""
    folder = request.getfixturevalue("tmp_path_factory").mktemp("nb04-minimal")
    path, mapping, frame = minimal_export(folder)
    ids = sorted(frame["customer_id"].unique())
    customers = pd.DataFrame({"customer_id": ids + ["P0001", "P0002"], "customer_kind": "individual",
                              "name": [f"Kunde {i}" for i in range(len(ids) + 2)],
                              "signup_date": "2022-12-01"})
    cpath = folder / "customers.csv"
    customers.to_csv(cpath, index=False)
    before = [p.read_bytes() for p in (path, mapping, cpath)]
    run = execute("04", transactions_file=str(path), transactions_mapping=str(mapping),
                  customers_file=str(cpath))
    assert [p.read_bytes() for p in (path, mapping, cpath)] == before
    buys = frame[frame["amount"] >= 0]
    days = buys.groupby("customer_id")["purchase_date"].nunique()
    r, text = run.results, run.outputs_text()
    _check_clusters(r, len(days), backtest=True)
    assert r["as_of"] == "2025-12-31" and r["lookalike_ran"] is True
    assert r["n_prospects"] == len(set(customers["customer_id"]) - set(days.index)) == 2
    assert "look-alike scores are equal" in text and "arbitrary" in text
    # nobody can be told apart: the back-test is a coin toss, said so, and 04.5 reads it so
    assert r["lookalike_auc"] == 0.5 and "look-alike back-test AUC 0.500 is below 0.55" in text
    assert "✅ Exercise 04.5: right." in text
    assert list((run.out_dir / "output").glob("lookalike_call_list*.csv"))


def cdnow_master_without_customers(execute, request) -> None:
    """CDNOW master through its mapping: clusters of every buyer, as-of derived, and the
    look-alike section skipped with the parameter to set (no customer list)."""
    path = shared_file(*CDNOW_MASTER)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    run = execute("04", transactions_file=str(path),
                  transactions_mapping=str(MAPPINGS_DIR / "cdnow_master.yaml"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    raw = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str})
    raw["day"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    buyers = raw.loc[raw["dollar_value"] >= 0, "customer_id"].nunique()
    r, text = run.results, run.outputs_text()
    _check_clusters(r, buyers)
    assert r["as_of"] == str(raw["day"].max().date()) == "1998-06-30"
    assert r["lookalike_ran"] is False and r["n_prospects"] == 0
    assert "Skipped: 6. Look-alike targeting" in text and "customers_file" in text
    assert not list((run.out_dir / "output").glob("lookalike_call_list*"))


#: Further runs, listed in the harness (tests/notebooks/test_notebooks.py).
MORE = [minimal_export_equal_lookalikes, cdnow_master_without_customers]
