"""Expected answers for notebook 00 (welcome): computed from the trainee's own data."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import exercise
from helpers.tables import TABLES


@exercise("00.1", hint="Each table is an attribute of `data`; `len(...)` counts the rows.")
def n_customers(customers: pd.DataFrame) -> int:
    """Rows of the customers table."""
    return len(customers)


@exercise("00.2", hint="Filter the data dictionary on the table 'customers' and count the rows "
                       "whose 'personal' column is not empty.")
def n_personal_columns() -> int:
    """Columns of the customers table marked as personal data."""
    return sum(1 for c in TABLES["customers"].columns if c.personal)


@exercise("00.3", hint="Compare `customer_kind` with 'organisation' and take the mean of the "
                       "True/False values.", rel_tol=1e-3)
def organisation_share(customers: pd.DataFrame) -> float:
    """Share of customers that are organisations."""
    return float((customers["customer_kind"] == "organisation").mean())
