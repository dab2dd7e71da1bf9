"""Expected answers for lesson 11 (the capstone on your own data).

Computed with plain pandas from the tables the trainee works on, so the check follows whatever
data the notebook was run on (the bundled data, another seed, or the analyst's own export).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.exercises import exercise


@exercise("11.1", hint="Count the rows of the export table (crm) whose segment column is "
                       "exactly the segment named in the exercise.")
def customers_in_segment(crm: pd.DataFrame, segment: str = "champions") -> int:
    """Customers of the export table in ``segment``."""
    return int((crm["segment"].astype(str) == segment).sum())


@exercise("11.2", hint="Add up revenue for the rows whose tier is gold or diamond, then divide "
                       "by the revenue of every row.", rel_tol=1e-6)
def top_tiers_revenue_share(crm: pd.DataFrame) -> float:
    """Share of the export's revenue that comes from gold and diamond customers."""
    total = float(crm["revenue"].sum())
    top = float(crm.loc[crm["tier"].astype(str).isin(["gold", "diamond"]), "revenue"].sum())
    return top / total if total else 0.0


@exercise("11.3", hint="value_counts() on the strategy column lists the strategies from the "
                       "most to the least frequent; give the first one's name as text.")
def most_common_strategy(crm: pd.DataFrame) -> str:
    """The value-playbook strategy given to the most customers."""
    counts = crm["strategy"].astype(str).value_counts()
    return str(counts.index[0])


@exercise("11.4", hint="The load report of the transactions table (data.reports"
                       "['transactions']) has the number of rows read and the number kept; the "
                       "overview table shows both.")
def transaction_rows_dropped(report: Any) -> int:
    """Rows of the transactions file the loader left out (read minus kept)."""
    return int(report.rows_read - report.rows_kept)
