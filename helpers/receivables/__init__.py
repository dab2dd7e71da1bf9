"""Receivables and collections (应收账款与催收), lessons 09 and 10.

The collection material (source 000) organises the work by how far an invoice is past its due
date; the source's M1 is 0-30 days and it stops at M3, so day 0 in M0 and the M3+ stage are the
course's choices (``collection_stages.yaml``):

======  ======================  ==========================================
stage   days past due           what the salesperson does
======  ======================  ==========================================
M0      0 or less (not due)     friendly reminder before the due date
M1      1-30                    call, find the reason, offer a solution
M2      31-60                   structured fact-finding (6W3H), incentives
M3      61-90                   firmer: emotional appeal, legal notice
M3+     more than 90            hand over: manager, legal, write-off
======  ======================  ==========================================

Everything is a pure function on the course tables ``invoices`` and ``payments`` (see
:mod:`helpers.tables`) that chains with ``.pipe``::

    from helpers.receivables import aging_table, load_stages, open_items
    items = open_items(invoices, payments, as_of="2025-12-31")
    aging_table(items, by="customer_id")

Lesson 09, receivables (private modules, import from here):

* ``_stages``: :class:`Stages`, the schema of ``helpers/config/collection_stages.yaml``
  (boundaries, charge-off stage, behaviour thresholds), :func:`load_stages`, :func:`stage_of`.
* ``_validation``: :func:`validate_receivables`: duplicate invoices, non-positive amounts, due
  before issue, payments before the invoice or larger than it, mixed currencies, each raised as
  :class:`~helpers.errors.DataProblem` naming the rows and the fix.
* ``_aging``: :func:`open_items`, :func:`aging_table`, :func:`overdue_ratio`, :func:`dso`.
* ``_snapshots``: :func:`month_ends`, :func:`month_end_snapshots`, :func:`aging_trend`.
* ``_roll_rates``: :func:`snapshot_transitions`, :func:`flow_matrix`, :func:`roll_rates`,
  :func:`roll_forward_rates`, :func:`cure_rates`.
* ``_expected_loss``: :func:`loss_rates`, :func:`expected_loss`.
* ``_behaviour``: :func:`payment_history`, :func:`classify_payment_behaviour`.
* ``_pay_model``: probability to pay: :func:`pay_features`, :func:`fit_pay_model`,
  :func:`predict_pay`, :func:`score_open_items`, :func:`run_pay_model` (the same with the month-end
  scores for monitoring, :class:`PayModelRun`).
* ``_credit_default``: the UCI credit-card default data: :func:`read_credit_default` (through
  the mapping ``mappings/credit_default.yaml``), :func:`credit_default_stages`,
  :func:`credit_default_transitions`.
* ``_plots`` and ``_widgets``: :func:`plot_aging`, :func:`plot_roll_rates` (seaborn heat map),
  :func:`plot_aging_trend`; :func:`aging_view` and :func:`explore_aging`.

Lesson 10, collection strategy:

* ``_playbook``: :class:`CollectionPlaybook`, the schema of
  ``helpers/config/collection_playbook.yaml``, :func:`load_collection_playbook`,
  :func:`play_table`, :func:`type_label` (a customer type's name in the edition's language).
* ``_display``: :func:`display_table` (a queue or play table to show, in Chinese in the zh
  edition).
* ``_customer_types``: :func:`lifecycle_status`, :func:`value_tiers`,
  :func:`collection_attributes`, :func:`collection_types`.
* ``_work_queue``: :func:`collection_accounts`, :func:`work_queue`, :func:`rank_accounts`,
  :func:`queue_view`, :func:`explore_queue`,
  :func:`export_queue`, :func:`plot_queue`.
* ``_timeline``: :func:`account_timeline`, :func:`timeline_view`, :func:`explore_timeline`,
  :func:`fill_script` (the next action's call script filled in for the account).
* ``_worked_case``: :func:`worked_case`, :func:`negative_or_lapsed` (the case's question),
  :func:`plot_worked_case`, :func:`style_worked_case`.
* ``_role_play``: :func:`role_play_cards`, :func:`days_past_due_text` (printable cards from
  ``role_play.yaml``: :mod:`helpers.handouts`).

Tests: ``tests/receivables/test_<module>.py`` (one per module above) and the notebook tests
(``pytest tests/notebooks -k "nb09 or nb10"``).
"""

from helpers.errors import ConfigProblem, DataProblem

from ._aging import aging_table, dso, open_items, overdue_ratio
from ._behaviour import BEHAVIOURS, classify_payment_behaviour, payment_history
from ._credit_default import (
    CREDIT_MONTHS,
    CREDIT_STATUS,
    credit_default_receivables,
    credit_default_stages,
    credit_default_transitions,
    read_credit_default,
)
from ._customer_types import (
    collection_attributes,
    collection_types,
    lifecycle_status,
    type_fallbacks,
    value_tiers,
)
from ._display import display_table
from ._expected_loss import expected_loss, loss_rates
from ._pay_model import (
    FEATURES,
    ModelNotTrainable,
    PayModelRun,
    fit_pay_model,
    pay_features,
    predict_pay,
    run_pay_model,
    score_open_items,
    score_without_model,
)
from ._playbook import (
    PLACEHOLDERS,
    PLAY_FIELDS,
    CollectionPlaybook,
    CustomerType,
    Play,
    PlayOverride,
    load_collection_playbook,
    play_table,
    type_label,
)
from ._plots import plot_aging, plot_aging_trend, plot_roll_rates
from ._role_play import days_past_due_text, role_play_cards
from ._roll_rates import (
    PAID,
    cure_rates,
    flow_matrix,
    roll_forward_rates,
    roll_rates,
    snapshot_transitions,
)
from ._snapshots import aging_trend, month_end_snapshots, month_ends
from ._stages import BehaviourRules, Stages, StageSpec, load_stages, stage_of
from ._timeline import (
    AccountView,
    NextAction,
    TimelineInputs,
    account_timeline,
    explore_timeline,
    fill_script,
    timeline_view,
)
from ._validation import validate_receivables
from ._widgets import AgingInputs, aging_view, explore_aging
from ._work_queue import (
    TIER_RANK,
    RankedAccounts,
    collection_accounts,
    explore_queue,
    export_queue,
    plot_queue,
    queue_view,
    rank_accounts,
    work_queue,
)
from ._worked_case import (
    CaseShares,
    negative_or_lapsed,
    plot_worked_case,
    style_worked_case,
    worked_case,
)

__all__ = [
    # lesson 09: stages, checks, aging
    "BEHAVIOURS",
    "BehaviourRules",
    "ConfigProblem",
    "DataProblem",
    "StageSpec",
    "Stages",
    "load_stages",
    "stage_of",
    "validate_receivables",
    "open_items",
    "aging_table",
    "overdue_ratio",
    "dso",
    # snapshots, roll rates, expected loss
    "month_ends",
    "month_end_snapshots",
    "aging_trend",
    "PAID",
    "snapshot_transitions",
    "flow_matrix",
    "roll_rates",
    "roll_forward_rates",
    "cure_rates",
    "loss_rates",
    "expected_loss",
    # payment behaviour and probability to pay
    "payment_history",
    "classify_payment_behaviour",
    "FEATURES",
    "pay_features",
    "fit_pay_model",
    "predict_pay",
    "PayModelRun",
    "run_pay_model",
    "score_open_items",
    "score_without_model",
    "ModelNotTrainable",
    # the credit-card default data
    "CREDIT_MONTHS",
    "CREDIT_STATUS",
    "read_credit_default",
    "credit_default_stages",
    "credit_default_receivables",
    "credit_default_transitions",
    # plots and widget
    "plot_aging",
    "plot_roll_rates",
    "plot_aging_trend",
    "aging_view",
    "AgingInputs",
    "explore_aging",
    # lesson 10: playbook and customer types
    "PLACEHOLDERS",
    "PLAY_FIELDS",
    "CollectionPlaybook",
    "CustomerType",
    "Play",
    "PlayOverride",
    "load_collection_playbook",
    "play_table",
    "type_label",
    "lifecycle_status",
    "value_tiers",
    "collection_attributes",
    "collection_types",
    "type_fallbacks",
    # work queue, timeline, worked case, role play
    "TIER_RANK",
    "collection_accounts",
    "work_queue",
    "queue_view",
    "rank_accounts",
    "RankedAccounts",
    "explore_queue",
    "export_queue",
    "plot_queue",
    "display_table",
    "AccountView",
    "NextAction",
    "account_timeline",
    "timeline_view",
    "fill_script",
    "TimelineInputs",
    "explore_timeline",
    "worked_case",
    "CaseShares",
    "negative_or_lapsed",
    "plot_worked_case",
    "style_worked_case",
    "role_play_cards",
    "days_past_due_text",
]
