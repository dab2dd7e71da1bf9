"""Customer value (lessons 05-06): tiers, profitability, the whale curve, and lifetime value.

The source material's claim is that customer *quality*, not quantity, drives profit: the top
fifth of customers earn most of it, and an unprofitable tail gives part of it back. These
helpers let a trainee see that in data and an analyst compute it on their own export. Import
everything from here (``from helpers.value import customer_profit, fit_bgnbd``); the modules
are private.

Lesson 05, value and profitability:

* ``_tiers``: :func:`assign_tiers` cuts any value (revenue, profit, CLV) into tiers;
  :func:`tier_economics` sums customers, revenue and profit per tier;
* ``_cost_rates``: :class:`CostRates`, the schema of ``helpers/config/cost_rates.yaml``, read
  by :func:`load_cost_rates`; :func:`cost_assumptions` checks them against the data's currency
  and states them (:class:`CostAssumptions`, :func:`rates_table`);
* ``_drivers``: :func:`cost_drivers` counts per customer what earns or costs money (orders,
  returns, contacts, calls, late invoices); :func:`missing_tables` names the absent tables;
* ``_profit``: :func:`apply_cost_rates` prices the drivers into the profit bridge,
  :func:`customer_profit` does both steps, :func:`cogs_estimated_share` says how much cost of
  goods was estimated, :func:`profit_notes` what a profit rests on;
* ``_concentration``: :func:`concentration_curve`, :func:`top_share`, :func:`whale_curve`,
  :func:`whale_summary` (the 80/20/30 reading);
* ``_scenarios``: :func:`profit_scenarios` prices the options for the least profitable
  customers (re-price, cheaper channel, drop);
* ``_playbook``: :class:`TierPlaybook`, the schema of ``helpers/config/value_playbook.yaml``,
  read by :func:`load_tier_playbook`; :func:`apply_playbook` turns tiers into an action list;
* ``_capacity``: :func:`allocate_capacity` and :func:`coverage_summary` (dedicated account
  managers);
* ``_value_plots`` and ``_value_widget``: ``plot_*``, :func:`value_view` /
  :func:`explore_value`.

Lesson 06, customer lifetime value (inputs: :func:`helpers.segments.customer_summary`):

* ``_simple_clv``: :func:`historical_clv`, :func:`simple_clv` (margin × retention),
  :func:`period_retention`;
* ``_bgnbd``: the BG/NBD model of Fader, Hardie & Lee (2005), :func:`fit_bgnbd` →
  :class:`BGNBDFit`;
* ``_gamma_gamma``: the Gamma-Gamma spend model, :func:`fit_gamma_gamma` →
  :class:`GammaGammaFit`;
* ``_optimise``: the maximum-likelihood fitting both share (:class:`FitWarning` when it does not
  converge);
* ``_lifetime_value``: :func:`customer_lifetime_value` over a horizon, discounted;
* ``_holdout``: :func:`calibration_holdout` and :func:`holdout_check`;
* ``_matrices``: :func:`probability_alive_matrix`, :func:`expected_purchases_matrix`;
* ``_clv_plots`` and ``_clv_widget``: ``plot_*``, :func:`clv_view` / :func:`explore_clv`;
* ``_pareto_nbd``, ``_mbgnbd``, ``_bgbb``, ``_sbg``: the other customer-base models
  (:func:`fit_pareto_nbd`, :func:`fit_mbgnbd`, :func:`fit_bgbb` for discrete opportunities,
  :func:`fit_sbg` for contracts);
* ``_diagnostics`` and ``_diagnostic_plots``: :func:`period_transactions`, :func:`tracking`,
  :func:`holdout_accuracy`, :func:`compare_models`, :func:`survival_check` and their ``plot_*``;
* ``_horizon``: horizons with units (``"12W"``), :func:`predict_customers`,
  :func:`lifetime_value` (any purchase model, per-customer margin);
* ``_uncertainty``: :func:`standard_errors` (Hessian at the optimum), :func:`bootstrap_intervals`
  (expected purchases, P(alive), CLV per customer or segment), :func:`bootstrap_parameters`;
* ``_covariates``: :func:`fit_bgnbd_covariates`, :func:`fit_gamma_gamma_covariates` (rate and
  spend ratios of acquisition channel, region, customer kind), :func:`join_covariates`;
* ``_risk_value``: :func:`risk_adjusted_value` (CLV × P(pays on time) - expected loss -
  collection cost), :func:`risk_value_by_segment`, :func:`tier_shift`, :func:`risk_value_view` /
  :func:`explore_risk_value`;
* ``_inputs``: the input checks every module shares.

Bad input raises :class:`~helpers.errors.DataProblem` (a bad configuration file
:class:`~helpers.errors.ConfigProblem`) naming the table, column or key and a few rows. Tests:
``tests/value/test_<module>.py``; the published CDNOW figures in
``tests/value/test_clv_published.py``.
"""

from ._bgbb import BGBBFit, bgbb_loglik, fit_bgbb
from ._bgnbd import BGNBDFit, bgnbd_loglik, fit_bgnbd
from ._capacity import allocate_capacity, coverage_summary
from ._clv_plots import plot_clv_by_segment, plot_clv_distribution, plot_holdout_check, plot_matrix
from ._clv_widget import clv_band, clv_view, explore_clv
from ._concentration import concentration_curve, top_share, whale_curve, whale_summary
from ._cost_rates import (
    COURSE_CURRENCY,
    CostAssumptions,
    CostRates,
    cost_assumptions,
    load_cost_rates,
    rates_table,
)
from ._covariates import (
    CovariateDesign,
    CovariateFit,
    covariate_design,
    fit_bgnbd_covariates,
    fit_gamma_gamma_covariates,
    join_covariates,
)
from ._diagnostic_plots import (
    plot_holdout_accuracy,
    plot_period_transactions,
    plot_survival_check,
    plot_tracking,
)
from ._diagnostics import MODELS, compare_models, holdout_accuracy, period_transactions, tracking
from ._drivers import DOUBTFUL_AFTER_DAYS, SERVICE_KINDS, cost_drivers, missing_tables
from ._gamma_gamma import GammaGammaFit, fit_gamma_gamma, gamma_gamma_loglik
from ._holdout import calibration_holdout, holdout_check
from ._horizon import UNIT_DAYS, lifetime_value, model_time, predict_customers, summary_unit
from ._lifetime_value import customer_lifetime_value
from ._matrices import expected_purchases_matrix, probability_alive_matrix
from ._mbgnbd import MBGNBDFit, fit_mbgnbd, mbgnbd_loglik
from ._optimise import FitWarning
from ._pareto_nbd import ParetoNBDFit, fit_pareto_nbd, pareto_nbd_loglik
from ._playbook import TierPlaybook, apply_playbook, load_tier_playbook
from ._profit import (
    COST_COLUMNS,
    MONEY_COLUMNS,
    apply_cost_rates,
    cogs_estimated_share,
    customer_profit,
    profit_notes,
)
from ._risk_value import (
    explore_risk_value,
    risk_adjusted_value,
    risk_value_by_segment,
    risk_value_view,
    tier_shift,
)
from ._sbg import SBGFit, fit_sbg, survival_check
from ._scenarios import profit_scenarios
from ._simple_clv import historical_clv, period_retention, simple_clv
from ._tiers import DEFAULT_CUTS, DEFAULT_LABELS, assign_tiers, tier_economics
from ._uncertainty import (
    HessianWarning,
    bootstrap_intervals,
    bootstrap_parameters,
    parameter_covariance,
    standard_errors,
)
from ._value_plots import (
    plot_concentration,
    plot_scenarios,
    plot_tier_economics,
    plot_whale_curve,
)
from ._value_widget import ValueInputs, explore_value, value_view

__all__ = [
    # lesson 05: tiers, profitability, concentration
    "COST_COLUMNS",
    "DEFAULT_CUTS",
    "DEFAULT_LABELS",
    "DOUBTFUL_AFTER_DAYS",
    "MONEY_COLUMNS",
    "SERVICE_KINDS",
    "COURSE_CURRENCY",
    "CostAssumptions",
    "CostRates",
    "TierPlaybook",
    "allocate_capacity",
    "apply_cost_rates",
    "apply_playbook",
    "assign_tiers",
    "cogs_estimated_share",
    "concentration_curve",
    "cost_assumptions",
    "cost_drivers",
    "coverage_summary",
    "customer_profit",
    "explore_value",
    "load_cost_rates",
    "load_tier_playbook",
    "missing_tables",
    "plot_concentration",
    "plot_scenarios",
    "plot_tier_economics",
    "plot_whale_curve",
    "profit_notes",
    "profit_scenarios",
    "rates_table",
    "tier_economics",
    "top_share",
    "value_view",
    "ValueInputs",
    "whale_curve",
    "whale_summary",
    # lessons 05, 06 and 09: value net of credit risk
    "risk_adjusted_value",
    "risk_value_by_segment",
    "risk_value_view",
    "explore_risk_value",
    "tier_shift",
    # lesson 06: lifetime value
    "BGNBDFit",
    "FitWarning",
    "GammaGammaFit",
    "bgnbd_loglik",
    "calibration_holdout",
    "clv_band",
    "clv_view",
    "customer_lifetime_value",
    "expected_purchases_matrix",
    "explore_clv",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_loglik",
    "historical_clv",
    "holdout_check",
    "period_retention",
    "plot_clv_by_segment",
    "plot_clv_distribution",
    "plot_holdout_check",
    "plot_matrix",
    "probability_alive_matrix",
    "simple_clv",
    # lesson 06: the other customer-base models, their diagnostics, explicit horizons
    "BGBBFit",
    "MBGNBDFit",
    "MODELS",
    "ParetoNBDFit",
    "SBGFit",
    "UNIT_DAYS",
    "bgbb_loglik",
    "compare_models",
    "fit_bgbb",
    "fit_mbgnbd",
    "fit_pareto_nbd",
    "fit_sbg",
    "holdout_accuracy",
    "lifetime_value",
    "mbgnbd_loglik",
    "model_time",
    "pareto_nbd_loglik",
    "period_transactions",
    "plot_holdout_accuracy",
    "plot_period_transactions",
    "plot_survival_check",
    "plot_tracking",
    "predict_customers",
    "summary_unit",
    "survival_check",
    "tracking",
    # lesson 06: uncertainty (standard errors, bootstrap intervals) and static covariates
    "CovariateDesign",
    "CovariateFit",
    "HessianWarning",
    "bootstrap_intervals",
    "bootstrap_parameters",
    "covariate_design",
    "fit_bgnbd_covariates",
    "fit_gamma_gamma_covariates",
    "join_covariates",
    "parameter_covariance",
    "standard_errors",
]
