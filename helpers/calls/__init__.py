"""Lessons 07-08: telephone sales (电销). Whom to call, when, with what words, and how it went.

Lesson 07 (``solutions/07-telemarketing-scoring.ipynb``) classifies and scores:

- ``_call_log``: :func:`validate_calls` checks a call log (end before start, negative talk
  time, unknown outcomes, missing agents), raising or dropping rows;
- ``_profile``: :func:`interaction_profile`, each customer's response to calls over a window;
- ``_response_config``: the schema of ``helpers/config/response_classes.yaml``
  (:class:`ResponseConfig`, read by :func:`load_response_config`);
- ``_response``: :func:`classify_response` (response class, need urgency, contact plan) and
  :func:`plot_response_classes`;
- ``_dimensions``: :func:`usage_scenario`, :func:`consumption_behaviour`, :func:`lapse_risk`;
- ``_timing``: :func:`contact_rates_by_time`, :func:`call_schedule`, :func:`plot_time_heatmap`;
- ``_queue``: :func:`routing_tags`, :func:`queue_candidates`, :func:`build_call_queue` (a
  :class:`CallQueue` of the queued calls and the candidates left waiting);
- ``_leads``: :func:`load_leads_with_outcome` (a campaign export through a column mapping) and
  :func:`course_leads_with_outcome`, both giving a :class:`LeadData`; :func:`load_call_inputs`
  (notebook 07's input contract: the course tables and a campaign export);
- ``_models``: :func:`split_frame`, :func:`make_model`, :func:`fit_and_score`
  (a :class:`ScoredModel`), :func:`leakage_comparison`;
- ``_gains``: :func:`gains_table`, :func:`calibration_table`, :func:`capacity_view`, the plots
  and the :func:`explore_capacity` widget.

Lesson 08 (``solutions/08-scripts-ab-tests-dashboard.ipynb``) runs the calls:

- ``_script_library``: the script library (:class:`ScriptLibrary`, ``call_scripts.yaml``) and
  the keyword recommender (:func:`recommend_script`, :func:`explore_recommender`);
- ``_scorecard``: the call-quality rubric (:class:`Rubric`, ``call_quality_rubric.yaml``) and
  :func:`score_calls`;
- ``_ab_tests``: sample size, power, the two-proportion and Bayesian tests, peeking;
- ``_experiments``: uplift per collection play and call script from the experiments, the
  estimated playbook, the sample-ratio-mismatch check;
- ``_sequential``: alpha-spending boundaries (Lan-DeMets) for looking at a running test;
- ``_monitoring``: PSI and calibration drift of the lead and pay scores, their alert rules
  (``model_monitoring.yaml``, :class:`MonitorConfig`);
- ``_kpi_config``: the schema of ``kpi_alerts.yaml`` (:class:`KpiConfig`);
- ``_kpis``: :func:`prepare_calls`, :func:`kpi_cube` and the KPIs as ratios of its sums;
- ``_alerts``: :func:`evaluate_alerts`;
- ``_dashboard``: :func:`dashboard_view` (the pure callback; :class:`DashboardInputs`, the
  cube's arrays read once) and :func:`explore_dashboard`.

Shared pieces: ``_vocabulary`` (outcomes, weekdays, tiers), ``_stats`` (Wilson interval),
``_templates`` (the one check of ``{placeholder}`` blanks). Tests: ``tests/calls/test_<module>.py``.
"""

from ._ab_tests import (
    arms_from_calls,
    bayesian_ab,
    plot_ab_result,
    plot_peeking,
    power_two_proportions,
    sample_size_per_arm,
    simulate_peeking,
    two_proportion_test,
)
from ._alerts import evaluate_alerts
from ._call_log import validate_calls
from ._dashboard import DashboardInputs, dashboard_view, explore_dashboard, plot_daily
from ._dimensions import consumption_behaviour, lapse_risk, usage_scenario
from ._experiments import (
    Experiments,
    estimated_playbook,
    estimated_scripts,
    experiment_uplifts,
    load_experiments,
    play_uplifts,
    playbook_with_estimates,
    plot_uplifts,
    script_uplifts,
    srm_check,
    uplift_intervals,
)
from ._gains import (
    calibration_table,
    capacity_view,
    explore_capacity,
    gains_table,
    plot_calibration,
    plot_gains,
)
from ._kpi_config import ALERT_METRICS, AlertRule, KpiConfig, load_kpi_config
from ._kpis import (
    KPI_NAMES,
    daily_kpis,
    kpi_cube,
    kpi_table,
    kpis,
    prepare_calls,
    response_times,
)
from ._leads import (
    CallInputs,
    LeadData,
    course_leads_with_outcome,
    load_call_inputs,
    load_leads_with_outcome,
)
from ._models import (
    ScoredModel,
    feature_columns,
    fit_and_score,
    leakage_comparison,
    make_model,
    split_frame,
)
from ._monitoring import (
    MONITOR_METRICS,
    MonitorConfig,
    MonitorRule,
    load_monitor_config,
    monitor_scores,
    monitoring_alerts,
    psi,
    psi_band,
    psi_table,
)
from ._profile import interaction_profile
from ._queue import CallQueue, build_call_queue, queue_candidates, routing_tags
from ._response import classify_response, plot_response_classes
from ._response_config import ResponseClass, ResponseConfig, load_response_config
from ._scorecard import Rubric, load_rubric, rubric_table, score_calls
from ._script_library import (
    FALLBACK_SCRIPT,
    Script,
    ScriptLibrary,
    ScriptText,
    explore_recommender,
    load_scripts,
    recommend_script,
    recommend_scripts,
)
from ._sequential import (
    plot_sequential,
    sequential_looks,
    simulate_sequential,
    spending_boundaries,
    spent_alpha,
)
from ._timing import call_schedule, contact_rates_by_time, plot_time_heatmap
from ._vocabulary import OUTCOMES

__all__ = [
    # lesson 07: call log, response classes, dimensions
    "OUTCOMES",
    "ResponseClass",
    "ResponseConfig",
    "classify_response",
    "consumption_behaviour",
    "interaction_profile",
    "lapse_risk",
    "load_response_config",
    "plot_response_classes",
    "usage_scenario",
    "validate_calls",
    # lesson 07: best time to call, the queue
    "CallQueue",
    "build_call_queue",
    "call_schedule",
    "contact_rates_by_time",
    "plot_time_heatmap",
    "queue_candidates",
    "routing_tags",
    # lesson 07: lead scoring
    "CallInputs",
    "LeadData",
    "ScoredModel",
    "calibration_table",
    "capacity_view",
    "course_leads_with_outcome",
    "explore_capacity",
    "feature_columns",
    "fit_and_score",
    "gains_table",
    "leakage_comparison",
    "load_call_inputs",
    "load_leads_with_outcome",
    "make_model",
    "plot_calibration",
    "plot_gains",
    "split_frame",
    # lesson 08: scripts and the scorecard
    "FALLBACK_SCRIPT",
    "Rubric",
    "Script",
    "ScriptLibrary",
    "ScriptText",
    "explore_recommender",
    "load_rubric",
    "load_scripts",
    "recommend_script",
    "recommend_scripts",
    "rubric_table",
    "score_calls",
    # lesson 08: A/B tests
    "arms_from_calls",
    "bayesian_ab",
    "plot_ab_result",
    "plot_peeking",
    "power_two_proportions",
    "sample_size_per_arm",
    "simulate_peeking",
    "two_proportion_test",
    # lesson 08/10: experiments that feed the playbooks
    "Experiments",
    "estimated_playbook",
    "estimated_scripts",
    "experiment_uplifts",
    "load_experiments",
    "play_uplifts",
    "playbook_with_estimates",
    "plot_uplifts",
    "script_uplifts",
    "srm_check",
    "uplift_intervals",
    # lesson 08: looking at a running test (alpha spending)
    "plot_sequential",
    "sequential_looks",
    "simulate_sequential",
    "spending_boundaries",
    "spent_alpha",
    # lessons 07 and 09: monitoring the scoring models
    "MONITOR_METRICS",
    "MonitorConfig",
    "MonitorRule",
    "load_monitor_config",
    "monitor_scores",
    "monitoring_alerts",
    "psi",
    "psi_band",
    "psi_table",
    # lesson 08: KPIs, alerts, dashboard
    "ALERT_METRICS",
    "AlertRule",
    "KPI_NAMES",
    "KpiConfig",
    "daily_kpis",
    "dashboard_view",
    "DashboardInputs",
    "evaluate_alerts",
    "explore_dashboard",
    "kpi_cube",
    "kpi_table",
    "kpis",
    "load_kpi_config",
    "plot_daily",
    "prepare_calls",
    "response_times",
]
