"""Expected answers for lesson 04 (clustering and look-alike targeting).

Computed with plain pandas from the tables the trainee works on (the choose-k table, the cluster
profile, the look-alike scores), not with the helpers the notebook teaches where that is possible.
"""

from __future__ import annotations

import pandas as pd

from helpers.exercises import Choice, choice, exercise
from helpers.i18n import tr
from helpers.segments import compare_labels


def _other_than(expected: int, value: int) -> int | None:
    """``value`` as a wrong answer, unless it happens to be the right one."""
    return None if value == expected else value


@exercise("04.1", hint="Of the two views in the chart, the question asks for the one that peaks.",
          expect=int, range=(2, 8), range_hint="k was tried from 2 to 8.",
          mistakes={
              "lowest inertia": (
                  lambda expected, k_table: _other_than(expected, int(k_table["inertia"]
                                                                      .idxmin())),
                  "that is where the inertia is lowest; it always falls as k grows, so its "
                  "minimum is simply the largest k tried. Read the silhouette."),
              "mixture BIC": (
                  lambda expected, k_table: _other_than(expected, int(k_table["gmm_bic"]
                                                                      .idxmin())),
                  "that is the mixture model's best BIC; the question asks about the "
                  "silhouette of k-means."),
          })
def best_k(k_table: pd.DataFrame) -> int:
    """The k with the largest silhouette."""
    return int(k_table["silhouette"].idxmax())


@exercise("04.2", hint="Compare the clusters' typical spend in the profile, not their size.",
          expect=int, range=(0, 50),
          mistakes={"largest cluster": (
              lambda expected, profile: _other_than(expected, int(profile["customers"].idxmax())),
              "that is the largest cluster (clusters are numbered by size); the question asks "
              "for the highest median spend.")})
def richest_cluster(profile: pd.DataFrame) -> int:
    """The cluster with the largest median spend."""
    return int(profile["monetary_total"].idxmax())


@exercise("04.3", hint="The agreement measure of section 4 takes the two labelings and returns "
                       "one number first.", rel_tol=1e-6, expect=float, range=(-1, 1),
          range_hint="an adjusted Rand index lies between -1 and 1.",
          mistakes={"rounded": None})
def ari_with_rfm(clusters: pd.Series, segments: pd.DataFrame) -> float:
    """Adjusted Rand index between the clusters and the RFM segments."""
    return compare_labels(clusters, segments["segment"])[0]


def _model_channel(customers: pd.DataFrame, model_ids: pd.Index) -> str:
    return str(customers["acquisition_channel"].reindex(pd.Index(model_ids).astype(str))
               .value_counts().idxmax())


def _channel_share(customers: pd.DataFrame, ids: pd.Index, channel: str) -> float:
    return float((customers["acquisition_channel"].reindex(ids) == channel).mean())


@exercise("04.4", hint="The channel comes from the model group; the share is taken over the top "
                       "of the list only.",
          rel_tol=1e-6, expect=float, range=(0, 1),
          mistakes={
              "percent": None, "rounded": None,
              "all prospects": (
                  lambda expected, scores, customers, model_ids, n: _channel_share(
                      customers, scores.index, _model_channel(customers, model_ids)),
                  "that is the share among ALL prospects; the question asks about the top of "
                  "the list (compare the two afterwards: that is what the score adds)."),
              "model group": (
                  lambda expected, scores, customers, model_ids, n: _channel_share(
                      customers, pd.Index(model_ids).astype(str),
                      _model_channel(customers, model_ids)),
                  "that is the share in the model group itself; the question asks about the "
                  "best-scored prospects."),
          })
def top_prospects_channel_share(scores: pd.Series, customers: pd.DataFrame,
                                model_ids: pd.Index, n: int) -> float:
    """Share of the ``n`` best-scored prospects who came through the model group's usual channel."""
    channel = _model_channel(customers, model_ids)
    top = scores.sort_values(ascending=False, kind="stable").index[:n]
    return _channel_share(customers, top, channel)


AUC_READINGS = ("a", "b", "c", "d")


@exercise("04.5", hint="Say what the back-test measured: pairs of a hidden loyal customer and "
                       "another buyer.", kind="choice")
def read_the_backtest(auc: float) -> Choice:
    """Interpretation of the look-alike back-test's AUC on the trainee's data."""
    pairs = tr("a hidden model-group customer outscores another buyer in {n:.0f} of 100 pairs",
               n=100 * auc)
    right = "a" if auc < 0.55 else ("b" if auc < 0.8 else "c")
    readings = {
        "a": tr("That is close to a coin toss (0.5): the attributes do not tell loyal customers "
                "from the others, so the list would rank prospects no better than at random. Do "
                "not let it decide whom to call; collect attributes that matter first.")
        if right == "a" else
        tr("That is clearly better than a coin toss (0.5), so the list is not random."),
        "b": tr("Better than a coin toss (0.5), far from perfect (1.0): call the top of the list "
                "first, and measure whether those calls convert better than the rest.")
        if right == "b" else
        (tr("Near 0.5 the ranking is a coin toss: calling by it is not better than random.")
         if right == "a" else tr("The signal is stronger than modest here.")),
        "c": tr("A very strong separation; check that no attribute is filled in only after people "
                "buy (a leak) before trusting it, and keep measuring the calls' results.")
        if right == "c" else
        tr("Far from perfect: many other buyers outscore loyal ones, so the list supports the "
           "sales team's judgement, it does not replace it."),
    }
    feedback = {key: tr("AUC {auc:.2f}: {pairs}. {reading}", auc=auc, pairs=pairs,
                        reading=reading) for key, reading in readings.items()}
    feedback["d"] = tr("Not that one: AUC {auc:.2f} is about ranking ({pairs}); it says nothing "
                       "about what share of prospects will buy. A conversion rate needs the "
                       "calls' outcomes.", auc=auc, pairs=pairs)
    return Choice(right, feedback)


RAW_FEATURES = {"days_since_last": "", "n_orders": "", "monetary_total": ""}


@exercise("04.6", hint="", kind="predict", options=RAW_FEATURES,
          shows="Without logs and scaling, distances are measured in the units of the columns: "
                "money in the thousands outweighs orders in units and days in the hundreds, so "
                "the clusters are mostly slices of spend. That is why section 1 takes logs and "
                "standardises first.")
def raw_features_decide(summary: pd.DataFrame, raw_clusters: pd.Series,
                        features: list[str]) -> str:
    """The feature whose spread the unscaled clusters explain best (between-cluster share)."""
    x = summary[list(features)].astype("float64")
    groups = raw_clusters.reindex(x.index)
    between = x.groupby(groups).transform("mean").sub(x.mean()).pow(2).sum()
    total = x.sub(x.mean()).pow(2).sum()
    return str((between / total).idxmax())


@choice("04.7", options={
    "a": "Right: the source's prospects (潜在客户) have not bought yet. Scoring them by their "
         "likeness to the loyal customers says whom to approach first.",
    "b": "Not that one: a customer who bought once is already a customer; winning a second "
         "purchase is a retention task (lessons 03 and 06), and their behaviour is known.",
    "c": "Not that one: lapsed customers have bought and stopped; they need a win-back call "
         "with their history in hand, not a look-alike score from their profile.",
    "d": "Not that one: the champions and loyal customers are the model group, the people the "
         "prospects are compared with.",
})
def who_is_a_prospect() -> str:
    """Whom the look-alike list scores."""
    return "a"
