"""Lessons 02-04: classifying customers by rules, RFM segments, clustering and look-alikes.

Import everything from here (``from helpers.segments import customer_summary, rfm_segments``);
the private modules hold the code:

Lesson 02, rules (tests in ``tests/segments/test_standard.py``, ``test_features.py``,
``test_classify.py``, ``test_funnel.py``, ``test_rules_widget.py``):

* ``_standard``: the classification standard (``helpers/config/classification_standard.yaml``)
  as a schema, :func:`load_standard`, :func:`with_thresholds`, :func:`standard_table`;
* ``_features``: the columns the rules read, :func:`customer_features`, :func:`lead_features`;
* ``_classify``: :func:`classify`, :func:`classification_problems`, :func:`life_cycle_stage`;
* ``_funnel``: :func:`funnel_table`, :func:`lead_funnel`, :func:`plot_funnel`;
* ``_rules_widget``: :func:`plot_dimension_sizes`, :func:`rules_view`, :func:`explore_rules`.

Lesson 03, RFM (``test_summary.py``, ``test_summary_real_data.py``, ``test_segment_map.py``,
``test_scores.py``, ``test_migration.py``, ``test_cohorts.py``):

* ``_summary``: :func:`customer_summary` (also used by lessons 05-11) and
  :func:`summarise_customers` (the same with the rows left out and the last day observed);
* ``_segment_map``: the RFM segment map (``helpers/config/rfm_segments.yaml``) as a schema,
  :func:`load_segment_map`, :func:`segment_grid`;
* ``_scores``: :func:`rfm_scores`, :func:`rfm_segments`, :func:`segment_profile`;
* ``_migration``: :func:`rfm_snapshot`, :func:`segment_migration`, :func:`plot_migration`,
  :func:`prior_snapshot_date` and :func:`cohort_caveat` (periods too short to mean much);
* ``_cohorts``: :func:`cohort_retention`, :func:`plot_cohorts`;
* ``_rfm_plots``: :func:`plot_rf_heatmap`, :func:`plot_segments`, :func:`rfm_view`,
  :func:`explore_rfm`.

Lesson 04, clustering (``test_clusters.py``, ``test_lookalike.py``, ``test_cluster_plots.py``):

* ``_clusters``: :func:`cluster_features`, :func:`fit_kmeans`, :func:`fit_gmm`,
  :func:`choose_k`, :func:`profile_clusters`, :func:`name_clusters`, :func:`compare_labels`,
  :func:`stability`;
* ``_lookalike``: :func:`attribute_matrix`, :func:`lookalike_scores`, :func:`prospect_ids`
  (people who have not bought yet), :func:`lookalike_attributes` (the attribute columns a
  customer list has), :func:`lookalike_backtest` (does resemblance mean anything here?), :func:`truth_auc` (against the planted truth, course data only);
* ``_cluster_plots``: :func:`plot_choose_k`, :func:`project_2d`, :func:`plot_clusters_2d`,
  :func:`plot_cluster_profile`, :func:`cluster_view`, :func:`explore_clusters`.
"""

from helpers.segments._classify import (
    CONFLICT,
    NOT_APPLICABLE,
    UNCLASSIFIED,
    classification_problems,
    classify,
    life_cycle_stage,
    rule_matches,
)
from helpers.segments._cluster_plots import (
    ClusterInputs,
    cluster_view,
    explore_clusters,
    plot_choose_k,
    plot_cluster_profile,
    plot_clusters_2d,
    project_2d,
)
from helpers.segments._clusters import (
    DEFAULT_FEATURES,
    choose_k,
    cluster_features,
    compare_labels,
    fit_gmm,
    fit_kmeans,
    name_clusters,
    profile_clusters,
    stability,
)
from helpers.segments._cohorts import cohort_retention, plot_cohorts
from helpers.segments._features import customer_features, lead_features
from helpers.segments._funnel import LEAD_STAGES, funnel_table, lead_funnel, plot_funnel
from helpers.segments._lookalike import (
    LookalikeCheck,
    attribute_matrix,
    lookalike_attributes,
    lookalike_backtest,
    lookalike_scores,
    prospect_ids,
    truth_auc,
)
from helpers.segments._migration import (
    cohort_caveat,
    plot_migration,
    prior_snapshot_date,
    rfm_snapshot,
    segment_migration,
)
from helpers.segments._rfm_plots import (
    RfmProfiles,
    explore_rfm,
    plot_rf_heatmap,
    plot_segments,
    rfm_view,
)
from helpers.segments._rules_widget import (
    explore_rules,
    plot_dimension_sizes,
    plot_label_crosstab,
    rules_view,
)
from helpers.segments._scores import RFM_COLUMNS, rfm_scores, rfm_segments, segment_profile
from helpers.segments._segment_map import (
    FixedThresholds,
    Segment,
    SegmentMap,
    load_segment_map,
    segment_grid,
)
from helpers.segments._standard import (
    ClassificationStandard,
    Condition,
    Dimension,
    Rule,
    load_standard,
    standard_table,
    with_thresholds,
)
from helpers.segments._summary import (
    FREQ_DAYS,
    CustomerSummary,
    customer_summary,
    summarise_customers,
)

__all__ = [
    # lesson 02: rules
    "CONFLICT",
    "LEAD_STAGES",
    "NOT_APPLICABLE",
    "UNCLASSIFIED",
    "ClassificationStandard",
    "Condition",
    "Dimension",
    "Rule",
    "classification_problems",
    "classify",
    "customer_features",
    "explore_rules",
    "funnel_table",
    "lead_features",
    "lead_funnel",
    "life_cycle_stage",
    "load_standard",
    "plot_dimension_sizes",
    "plot_funnel",
    "plot_label_crosstab",
    "rule_matches",
    "rules_view",
    "standard_table",
    "with_thresholds",
    # lesson 03: RFM
    "FREQ_DAYS",
    "RFM_COLUMNS",
    "CustomerSummary",
    "FixedThresholds",
    "Segment",
    "SegmentMap",
    "cohort_retention",
    "customer_summary",
    "explore_rfm",
    "load_segment_map",
    "plot_cohorts",
    "plot_migration",
    "prior_snapshot_date",
    "plot_rf_heatmap",
    "plot_segments",
    "rfm_scores",
    "rfm_segments",
    "rfm_snapshot",
    "rfm_view",
    "RfmProfiles",
    "segment_grid",
    "segment_migration",
    "cohort_caveat",
    "segment_profile",
    "summarise_customers",
    # lesson 04: clustering
    "DEFAULT_FEATURES",
    "attribute_matrix",
    "choose_k",
    "cluster_features",
    "cluster_view",
    "ClusterInputs",
    "compare_labels",
    "explore_clusters",
    "fit_gmm",
    "fit_kmeans",
    "lookalike_attributes",
    "lookalike_backtest",
    "lookalike_scores",
    "truth_auc",
    "LookalikeCheck",
    "name_clusters",
    "plot_choose_k",
    "plot_cluster_profile",
    "plot_clusters_2d",
    "profile_clusters",
    "project_2d",
    "prospect_ids",
    "stability",
]
