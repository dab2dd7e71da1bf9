"""Expected answers for notebook 01 (collecting customer information)."""

from __future__ import annotations

import pandas as pd

from helpers.data import flag_stale, load_access_levels, quality_report, view_for_role
from helpers.exercises import choice, exercise


@exercise("01.1", hint="The quality report has, for each column, how complete it is.",
          rel_tol=1e-4, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "complement": "that is the share WITHOUT an e-mail address.",
                    "count": (lambda expected, raw: int(round(expected * len(raw))),
                              "that is a number of records; give the share of all records.")})
def email_completeness(raw: pd.DataFrame) -> float:
    """Share of raw records with an e-mail address."""
    rep = quality_report(raw, "customers").set_index("column")
    return float(rep.loc["email", "completeness"])


@exercise("01.2", hint="Each golden record stands for one real customer.", expect=int,
          range=(0, 1e9),
          mistakes={"golden counted": (lambda expected, golden: len(golden),
                                       "that is the number of golden records (customers left); "
                                       "the question asks how many records were merged away."),
                    "clusters counted": (
                        lambda expected, golden: int((golden["records"] > 1).sum())
                        if "records" in golden else None,
                        "that is the number of customers who HAD duplicates; a customer with "
                        "three records had two duplicates.")})
def duplicates_removed(raw: pd.DataFrame, golden: pd.DataFrame) -> int:
    """Raw records merged away by de-duplication."""
    return len(raw) - len(golden)


@exercise("01.3", hint="The rule above marks each record; count what it marks.", expect=int,
          range=(0, 1e9),
          mistakes={"share": (lambda expected, customers: expected / max(len(customers), 1),
                              "that is a share; the question asks how many customers."),
                    "never-checked left out": (
                        lambda expected, customers, as_of, days: int(
                            ((as_of - pd.to_datetime(customers["last_updated"])).dt.days
                             > days).sum()),
                        "records that were never checked (no date) count as stale too.")})
def stale_customers(customers: pd.DataFrame, as_of: pd.Timestamp, days: int) -> int:
    """Customers not checked for more than ``days`` days."""
    return int(flag_stale(customers, as_of, days=days)["stale"].sum())


@exercise("01.4", hint="Compare the two roles' views column by column.", ordered=False,
          expect=list,
          mistakes={"the other way round": (
              lambda expected, customers: _role_difference(customers, "analyst", "team_lead"),
              "that is what the analyst sees and the team lead does not; the question is the "
              "other way round.")})
def hidden_from_analyst(customers: pd.DataFrame) -> list[str]:
    """Columns a team lead sees and an analyst does not."""
    return _role_difference(customers, "team_lead", "analyst")


def _role_difference(customers: pd.DataFrame, sees: str, lacks: str) -> list[str]:
    load_access_levels()
    one = view_for_role(customers.head(3), sees, table="customers", key="x")
    other = view_for_role(customers.head(3), lacks, table="customers", key="x")
    return [c for c in one.columns if c not in other.columns]


THRESHOLD_OUTCOMES = {"more golden records": "", "fewer golden records": "",
                      "the same number": ""}


@exercise("01.5", hint="", kind="predict", options=THRESHOLD_OUTCOMES,
          shows="A stricter threshold merges fewer pairs: more records survive as separate "
                "customers, so precision rises and recall falls. Every duplicate left is a "
                "customer the team will call twice; every wrong merge is a customer who gets "
                "somebody else's offer.")
def stricter_threshold(n_golden: int, n_stricter: int) -> str:
    """What a stricter de-duplication threshold does to the number of golden records."""
    if n_stricter > n_golden:
        return "more golden records"
    if n_stricter < n_golden:
        return "fewer golden records"
    return "the same number"


@choice("01.6", options={
    "a": "Not that one: adding phones to the analyst's extract rebuilds contact data outside "
         "graded access; the analyst's copy is harmless precisely because it has none.",
    "b": "Right: the campaign gets what an agent's role allows (phone to dial, the rest "
         "hidden), through the CRM, and only for customers who agreed to be called "
         "(consent_marketing).",
    "c": "Not that one: 'internal' is not a safeguard. A full export by e-mail gives everyone "
         "on the thread every customer's ID number and address, and calls people who never "
         "agreed to marketing.",
})
def campaign_request() -> str:
    """Marketing asks for phone numbers: graded access and consent."""
    return "b"
