"""Expected answers for lesson 11 (the capstone on your own data).

Computed with plain pandas from the tables the trainee works on, so the check follows whatever
data the notebook was run on (the bundled data, another seed, or the analyst's own export).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from helpers.exercises import choice, exercise


@exercise("11.1", hint="Count the rows of the export table (crm) whose segment column is "
                       "exactly the segment named in the exercise.", expect=int,
          range=(0, 100_000_000))
def customers_in_segment(crm: pd.DataFrame, segment: str = "champions") -> int:
    """Customers of the export table in ``segment``."""
    return int((crm["segment"].astype(str) == segment).sum())


@exercise("11.2", hint="Which rows are in the two top tiers, and over which revenue is the "
                       "share taken?", rel_tol=1e-6, expect=float, range=(0, 1),
          mistakes={"percent": None,
                    "diamond only": (lambda expected, crm: float(
                        crm.loc[crm["tier"].astype(str) == "diamond", "revenue"].sum()
                        / crm["revenue"].sum()), "that is diamond alone: gold counts too.")})
def top_tiers_revenue_share(crm: pd.DataFrame) -> float:
    """Share of the export's revenue that comes from gold and diamond customers."""
    total = float(crm["revenue"].sum())
    top = float(crm.loc[crm["tier"].astype(str).isin(["gold", "diamond"]), "revenue"].sum())
    return top / total if total else 0.0


@exercise("11.3", hint="Count the customers per strategy in the export table; give the "
                       "strategy's name as text.", expect=str)
def most_common_strategy(crm: pd.DataFrame) -> str:
    """The value-playbook strategy given to the most customers."""
    counts = crm["strategy"].astype(str).value_counts()
    return str(counts.index[0])


@exercise("11.4", hint="The transactions table's load report knows what it read and what it "
                       "kept.", expect=int, range=(0, 10_000_000_000),
          mistakes={"rows kept": (lambda expected, report: int(report.rows_kept),
                                  "that is the number of rows kept: the question asks how many "
                                  "were left out.")})
def transaction_rows_dropped(report: Any) -> int:
    """Rows of the transactions file the loader left out (read minus kept)."""
    return int(report.rows_read - report.rows_kept)


def _top_share(crm: pd.DataFrame, n: int | None = None) -> float:
    revenue = crm["revenue"].astype(float).sort_values(ascending=False)
    total = float(revenue.sum())
    k = n if n is not None else max(1, math.ceil(0.2 * len(revenue)))
    return float(revenue.head(k).sum()) / total if total else 0.0


@exercise("11.5", kind="predict", hint="Pick one of the three before the value section runs.",
          options={"under half": "", "half to 80 %": "", "over 80 %": ""},
          shows="The 80/20 rule is a rule of thumb, not a law: your own export says how "
                "concentrated your revenue is, and so how much a few key accounts matter.")
def top_fifth_revenue_prediction(values: pd.DataFrame) -> str:
    """Share of revenue from the top 20 % of customers (``revenue`` per row), in three bands."""
    share = _top_share(values)
    return "under half" if share < 0.5 else "half to 80 %" if share <= 0.8 else "over 80 %"


@exercise("11.6", hint="Rank the customers by revenue, keep the top fifth of them (round the "
          "count up), and compare their revenue with everyone's.", rel_tol=1e-6, expect=float,
          range=(0, 1),
          mistakes={"percent": None,
                    "top 20 customers": (lambda expected, crm: _top_share(crm, 20),
                                         "that is the top 20 customers: take the top 20 % of "
                                         "them (a fifth of the rows)."),
                    "unsorted": (lambda expected, crm: float(
                        crm["revenue"].head(max(1, math.ceil(0.2 * len(crm)))).sum()
                        / crm["revenue"].sum()),
                        "you took the first rows of the table as they come: rank the customers "
                        "by revenue first.")})
def top_fifth_revenue_share(crm: pd.DataFrame) -> float:
    """Share of the export's revenue from its top 20 % of customers by revenue."""
    return _top_share(crm)


@choice("11.7", options={
    "a": "not always: rows dropped for one reason (a missing customer number, say) can be one "
         "branch or one month, which skews the segments; read the reasons first.",
    "b": "yes: the report says how many rows and why; a small, understood loss can wait for a "
         "fix at the source, a large one means the export or the mapping is wrong.",
    "c": "kept rows with no customer number or an unreadable amount put wrong figures into every "
         "segment and tier: 'keep' is for looking at them, not for the CRM.",
    "d": "the next export will have the same rows again, and the hand edits leave no trace: "
         "fix the source or the mapping, and keep the report with the result.",
}, hint="What does the report tell you, and where would a fix last?")
def dropped_rows_decision() -> str:
    """What to do when the load report shows dropped rows."""
    return "b"
