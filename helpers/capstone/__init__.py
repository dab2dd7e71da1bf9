"""Lesson 11, the capstone: run the whole course on your own export, from raw files to CRM tables.

Nothing here re-implements an earlier lesson: each function chains the helpers of lessons
01-10 in the order an analyst would, and decides what to do when a table is absent. Notebook
``solutions/11-capstone-own-data.ipynb`` runs the pipeline::

    data = load_inputs({"transactions": "my_orders.csv"}, {"transactions": "my_crm.yaml"})
    load_overview(data)                       # what each loader read, kept and dropped
    quality_overview(data)                    # helpers.data quality summary, one row per table
    segments = segment_customers(data)        # RFM segment + life cycle (helpers.segments)
    values = value_table(data, segments)      # value tiers, on profit when costs are known
    clv = clv_table(data)                     # BG/NBD + Gamma-Gamma (helpers.value), or a note
    recv = collection_plan(data)              # aging + collection queue (helpers.receivables)
    crm = crm_customer_table(data, segments, values, clv, recv)
    write_table(crm, "capstone_customers", ...)   # masked, never overwriting
    crm_checks(crm, path)                     # the checklist before loading into a CRM

Every optional step returns a result with a ``note`` (a sentence saying why it was skipped or
how it was done) rather than failing when its table is missing, so the notebook runs on a
transactions file alone.

Modules (private; import from ``helpers.capstone``):

============================  ===================================================================
``_inputs``                   :func:`load_inputs`, :func:`load_overview`, :func:`quality_overview`,
                              :func:`customer_base`
``_segments``                 :func:`segment_customers` (:class:`SegmentResult`),
                              :func:`value_table` (:class:`ValueResult`)
``_lifetime``                 :func:`clv_table` (:class:`ClvResult`)
``_collection``               :func:`collection_plan` (:class:`ReceivablesResult`)
``_crm``                      :func:`crm_customer_table`, :func:`crm_checks`,
                              :func:`section_status`, :func:`workload_by_owner`
``_actions``                  :func:`action_view` (:class:`ActionView`), :func:`explore_actions`,
                              :func:`plot_segment_tiers`
============================  ===================================================================

Tests: ``tests/capstone/test_<module>.py`` (unit tests) and the notebook harness
(``pytest tests/notebooks -k nb11``).
"""

from helpers.capstone._actions import ActionView, action_view, explore_actions, plot_segment_tiers
from helpers.capstone._collection import ReceivablesResult, collection_plan
from helpers.capstone._crm import crm_checks, crm_customer_table, section_status, workload_by_owner
from helpers.capstone._inputs import (
    FOLDER_TABLES,
    INPUT_TABLES,
    CapstoneData,
    customer_base,
    load_inputs,
    load_overview,
    quality_overview,
)
from helpers.capstone._lifetime import ClvResult, clv_table
from helpers.capstone._segments import (
    SegmentResult,
    ValueResult,
    has_costs,
    segment_customers,
    value_table,
)

__all__ = [
    "FOLDER_TABLES",
    "INPUT_TABLES",
    "ActionView",
    "CapstoneData",
    "ClvResult",
    "ReceivablesResult",
    "SegmentResult",
    "ValueResult",
    "action_view",
    "clv_table",
    "collection_plan",
    "crm_checks",
    "crm_customer_table",
    "customer_base",
    "explore_actions",
    "has_costs",
    "load_inputs",
    "load_overview",
    "plot_segment_tiers",
    "quality_overview",
    "section_status",
    "segment_customers",
    "value_table",
    "workload_by_owner",
]
