"""Expected answers for notebook 01 (collecting customer information)."""

from __future__ import annotations

import pandas as pd

from helpers.data import flag_stale, load_access_levels, quality_report, view_for_role
from helpers.exercises import exercise


@exercise("01.1", hint="Use the quality report of the raw export: the row for 'email' has a "
                       "'completeness' column.", rel_tol=1e-4)
def email_completeness(raw: pd.DataFrame) -> float:
    """Share of raw records with an e-mail address."""
    rep = quality_report(raw, "customers").set_index("column")
    return float(rep.loc["email", "completeness"])


@exercise("01.2", hint="Each golden record stands for one real customer: the duplicates are "
                       "the raw records left over.")
def duplicates_removed(raw: pd.DataFrame, golden: pd.DataFrame) -> int:
    """Raw records merged away by de-duplication."""
    return len(raw) - len(golden)


@exercise("01.3", hint="flag_stale(customers, as_of, days=...) adds a True/False column "
                       "'stale'; count the True values.")
def stale_customers(customers: pd.DataFrame, as_of: pd.Timestamp, days: int) -> int:
    """Customers not checked for more than ``days`` days."""
    return int(flag_stale(customers, as_of, days=days)["stale"].sum())


@exercise("01.4", hint="Compare the columns of view_for_role(..., 'team_lead') with those of "
                       "view_for_role(..., 'analyst'); list those the analyst does not get.",
          ordered=False)
def hidden_from_analyst(customers: pd.DataFrame) -> list[str]:
    """Columns a team lead sees and an analyst does not."""
    load_access_levels()
    lead = view_for_role(customers.head(3), "team_lead", table="customers", key="x")
    analyst = view_for_role(customers.head(3), "analyst", table="customers", key="x")
    return [c for c in lead.columns if c not in analyst.columns]
