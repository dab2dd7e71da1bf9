"""Expected answers for lesson 04 (clustering and look-alike targeting)."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise
from helpers.segments import compare_labels


@exercise("04.1", hint="In the choose_k table, which k has the largest silhouette? (idxmax)")
def best_k(k_table: pd.DataFrame) -> int:
    """The k with the largest silhouette."""
    return int(k_table["silhouette"].idxmax())


@exercise("04.2", hint="Which cluster has the largest median monetary_total in the profile?")
def richest_cluster(profile: pd.DataFrame) -> int:
    """The cluster with the largest median spend."""
    return int(profile["monetary_total"].idxmax())


@exercise("04.3", hint="Use compare_labels(clusters, segments['segment']) and keep the first "
                       "value it returns.", rel_tol=1e-6)
def ari_with_rfm(clusters: pd.Series, segments: pd.DataFrame) -> float:
    """Adjusted Rand index between the clusters and the RFM segments."""
    return compare_labels(clusters, segments["segment"])[0]


@exercise("04.4", hint="Take the first 10 ids of the sorted look-alike scores (they are sorted "
                       "best first).", ordered=False)
def top10_lookalikes(scores: pd.Series) -> list[str]:
    """The ten best look-alike prospects."""
    return [str(i) for i in scores.sort_values(ascending=False, kind="stable").index[:10]]
