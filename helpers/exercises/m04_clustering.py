"""Expected answers for lesson 04 (clustering and look-alike targeting)."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise


@exercise("04.1", hint="In the choose_k table, which k has the largest silhouette? (idxmax)")
def best_k(k_table: pd.DataFrame) -> int:
    return int(k_table["silhouette"].idxmax())


@exercise("04.2", hint="Which cluster has the largest median monetary_total in the profile?")
def richest_cluster(profile: pd.DataFrame) -> int:
    return int(profile["monetary_total"].idxmax())


@exercise("04.3", hint="Use compare_labels(clusters, segments['segment']) and keep the first "
                       "value it returns.", rel_tol=1e-6)
def ari_with_rfm(clusters: pd.Series, segments: pd.DataFrame) -> float:
    from helpers.segments.clustering import compare_labels

    return compare_labels(clusters, segments["segment"])[0]


@exercise("04.4", hint="Take the first 10 ids of the sorted look-alike scores (they are sorted "
                       "best first).", ordered=False)
def top10_lookalikes(scores: pd.Series) -> list[str]:
    return [str(i) for i in scores.sort_values(ascending=False, kind="stable").index[:10]]
