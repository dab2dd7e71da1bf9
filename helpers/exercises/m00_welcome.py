"""Expected answers for notebook 00 (welcome): computed from the trainee's own data."""

from __future__ import annotations

import pandas as pd

from helpers.exercises import choice, exercise
from helpers.tables import TABLES


@exercise("00.1", hint="Each table is an attribute of `data`; count the rows of the right one.",
          expect=int, range=(0, 1e9),
          mistakes={"transactions counted": (
              lambda expected, transactions=None: None if transactions is None
              else len(transactions),
              "that is the number of transactions; the question asks for customers.")})
def n_customers(customers: pd.DataFrame) -> int:
    """Rows of the customers table."""
    return len(customers)


@exercise("00.2", hint="The data dictionary has a column saying which fields are personal.",
          expect=int, range=(0, 100),
          mistakes={"all columns": (lambda expected: len(TABLES["customers"].columns),
                                    "that is every column of the table; count only those "
                                    "marked as personal.")})
def n_personal_columns() -> int:
    """Columns of the customers table marked as personal data."""
    return sum(1 for c in TABLES["customers"].columns if c.personal)


@exercise("00.3", hint="A share of customers: those of one kind out of all of them.",
          rel_tol=1e-3, expect=float, range=(0, 1),
          mistakes={"percent": None, "rounded": None,
                    "complement": "that is the share of private persons (individuals); the "
                                  "question asks for organisations.",
                    "count": (lambda expected, customers: int(round(expected * len(customers))),
                              "that is a count; give the share (the count divided by all "
                              "customers).")})
def organisation_share(customers: pd.DataFrame) -> float:
    """Share of customers that are organisations."""
    return float((customers["customer_kind"] == "organisation").mean())


@choice("00.4", options={
    "a": "Not that one: the CSV holds names and phones in clear, and a file sent by e-mail "
         "leaves every control behind. Internal mail is where most leaks start.",
    "b": "Right: a file written by the course is masked unless you opt in, and whoever needs "
         "contact data gets it through the role that allows it (lesson 01).",
    "c": "Not that one: reveal_personal=True is for people entitled to the clear data, on "
         "their own screen; it does not make sending the file safe.",
})
def share_the_list() -> str:
    """Sharing a customer list: the masked copy, or access through a role."""
    return "b"


REVENUE_BANDS = {"less": "", "about the same": "", "more": ""}


@exercise("00.5", hint="", kind="predict", options=REVENUE_BANDS,
          shows="Counting customers is not weighing them: a few organisations buy far more than "
                "many private persons. Lesson 05 turns this into value tiers and the whale curve.")
def organisations_revenue_band(share: float, customer_share: float) -> str:
    """The organisations' share of revenue against their share of customers (5 points: same)."""
    if share > customer_share + 0.05:
        return "more"
    return "about the same" if share >= customer_share - 0.05 else "less"
