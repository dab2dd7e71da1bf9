"""The UCI credit-card default data (Yeh & Lien 2009): read, staged and paired month to month."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data import ColumnMapping, normalise_header, read_mapping
from helpers.errors import DataProblem, require_columns, rows_preview
from helpers.paths import MAPPINGS_DIR

from ._stages import Stages, resolve_stages, stage_of

__all__ = ["CREDIT_MONTHS", "CREDIT_STATUS", "credit_default_receivables",
           "credit_default_stages", "credit_default_transitions", "read_credit_default"]

CREDIT_STATUS = ["PAY_6", "PAY_5", "PAY_4", "PAY_3", "PAY_2", "PAY_0"]  # April .. September 2005
CREDIT_MONTHS = ["2005-04", "2005-05", "2005-06", "2005-07", "2005-08", "2005-09"]
CREDIT_MAPPING = MAPPINGS_DIR / "credit_default.yaml"
#: Statement k (``BILL_AMTk``) is of month ``CREDIT_MONTHS[-k]``; ``PAY_AMTk`` is paid in it.
_BILLS = {f"BILL_AMT{k}": CREDIT_MONTHS[-k] for k in range(1, 7)}
_PAID = {f"PAY_AMT{k}": CREDIT_MONTHS[-k] for k in range(1, 7)}


def read_credit_default(
    path: str | Path,
    mapping: str | Path | Mapping[str, Any] | ColumnMapping | None = None,
) -> pd.DataFrame:
    """Read the UCI credit-card default file (wide: one row per client, six monthly statuses).

    The course tables have no place for a wide repayment-status layout, so this reader takes the
    mapping file ``mappings/credit_default.yaml`` (its ``read`` options and ``columns`` renames,
    read with :func:`helpers.data.mapping.read_mapping`) and checks the columns the lessons
    need, reporting problems like the course loader does.

    Parameters
    ----------
    path : str or Path
        The CSV (or Excel) file.
    mapping : str, Path, dict or ColumnMapping, optional
        Default: ``mappings/credit_default.yaml``.

    Returns
    -------
    DataFrame
        One row per client: ``client_id, credit_limit``, the six ``PAY_*`` status columns
        (integers: -2, -1, 0 no delinquency; k = k months late), ``BILL_AMT1..6``,
        ``PAY_AMT1..6`` and ``defaulted`` (bool).

    Raises
    ------
    DataProblem
        The file is missing or unreadable, columns are missing after the mapping, or status
        codes are not whole numbers; ``ConfigProblem`` for a bad mapping.
    """
    spec = read_mapping(CREDIT_MAPPING if mapping is None else mapping)
    source = (CREDIT_MAPPING if mapping is None else mapping if isinstance(mapping, str | Path)
              else "the mapping given")
    frame = _read_file(Path(path), spec, source)
    need = ["client_id", "credit_limit", *CREDIT_STATUS, "defaulted"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise DataProblem(
            f"{path}: column(s) {missing} missing after applying {source}; the file has "
            f"{list(frame.columns)[:12]}... Is the first (title) header row skipped (header: 1)?"
        )
    for col in [*CREDIT_STATUS, "defaulted"]:
        num = pd.to_numeric(frame[col], errors="coerce")
        bad = num.isna() | (num % 1 != 0)
        if bad.any():
            raise DataProblem(f"{path}: column {col!r} has {int(bad.sum())} non-integer value(s):"
                              f"\n{rows_preview(frame, bad, ['client_id', col])}\nStatus codes "
                              "are whole numbers (-2..8); fix or drop those rows.")
        frame[col] = num.astype("int64")
    frame["defaulted"] = frame["defaulted"].astype(bool)
    return frame


def _read_file(path: Path, spec: ColumnMapping, source: Any) -> pd.DataFrame:
    """The file read with the mapping's ``read`` options, headers renamed by its ``columns``."""
    read = spec.read.given()
    try:
        if path.suffix.lower() in (".xls", ".xlsx"):
            frame = pd.read_excel(path, header=read.get("header", 1),
                                  sheet_name=read.get("sheet", 0))
        else:
            frame = pd.read_csv(path, **{k: v for k, v in read.items() if k != "sheet"})
    except FileNotFoundError:
        raise DataProblem(f"{path}: file not found.") from None
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataProblem(f"{path}: cannot read it with {read} from {source} ({exc}).") from None
    frame.columns = [normalise_header(str(c).lstrip("\ufeff")) for c in frame.columns]
    dropped = [c for c, to in spec.columns.items() if to is None and c in frame.columns]
    renames = {c: to for c, to in spec.columns.items() if to is not None}
    return frame.drop(columns=dropped).rename(columns=renames)


def credit_default_stages(frame: pd.DataFrame, stages: Stages | None = None) -> pd.DataFrame:
    """Stage of every client in every month (rows: clients, columns: months April..September).

    A status of k months late is taken as ``30 × k`` days past due (so 1 → M1, 2 → M2, 3 → M3,
    4 or more → M3+); -2, -1 and 0 (no balance, paid duly, revolving) are M0.

    Parameters
    ----------
    frame : DataFrame
        From :func:`read_credit_default`.
    stages : Stages, optional
        Default: the bundled stages.

    Returns
    -------
    DataFrame
        One categorical stage column per month (``2005-04`` … ``2005-09``).

    Raises
    ------
    DataProblem
        If a status column is missing.

    Examples
    --------
    >>> clients = pd.DataFrame({c: [-2, 1, 4] for c in CREDIT_STATUS})
    >>> credit_default_stages(clients)["2005-09"].tolist()
    ['M0', 'M1', 'M3+']
    """
    st = resolve_stages(stages)
    require_columns(frame, CREDIT_STATUS, "credit default")
    out = {}
    for col, month in zip(CREDIT_STATUS, CREDIT_MONTHS, strict=True):
        days = np.clip(frame[col].to_numpy(), 0, None) * 30
        out[month] = stage_of(days, st)
    return pd.DataFrame(out, index=frame.index)


def credit_default_transitions(frame: pd.DataFrame, stages: Stages | None = None,
                               weight: str | None = None) -> pd.DataFrame:
    """Month-to-month stage transitions of the credit-default clients (for :func:`flow_matrix`).

    Each client contributes one pair per consecutive month pair (five pairs). There is no
    ``paid`` flow in this data: a client who clears the arrears moves back to M0 (a cure).

    Parameters
    ----------
    frame : DataFrame
        From :func:`read_credit_default`.
    stages : Stages, optional
        Default: the bundled stages.
    weight : str, optional
        Column weighting each client (e.g. ``credit_limit``); default 1 per client (counts).

    Returns
    -------
    DataFrame
        ``date, from_stage, to_stage, start_balance, end_balance, paid``.
    """
    st = resolve_stages(stages)
    stg = credit_default_stages(frame, st)
    w = np.ones(len(frame)) if weight is None else frame[weight].to_numpy(dtype="float64")
    parts = []
    for a, b in zip(CREDIT_MONTHS[:-1], CREDIT_MONTHS[1:], strict=True):
        parts.append(pd.DataFrame({"date": b, "from_stage": stg[a].to_numpy(),
                                   "to_stage": stg[b].to_numpy(), "start_balance": w,
                                   "end_balance": w, "paid": 0.0}))
    return pd.concat(parts, ignore_index=True)


# Long: the docstring states the reshape's assumptions, which a reader must see
def credit_default_receivables(frame: pd.DataFrame, due_days: int = 25
                               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The credit-card clients turned into course ``invoices`` and ``payments`` tables.

    A mapping renames columns; it cannot turn one wide row per client into rows per statement,
    so this reshape is code. Each positive monthly statement (``BILL_AMT1`` September …
    ``BILL_AMT6`` April 2005) becomes an invoice issued at the month end and due ``due_days``
    later; the amount paid in the next month (``PAY_AMTk``) is a payment on that invoice, dated
    its due date and capped at the statement. September's statements have no payment (October
    is not in the data). Statements are running balances, so the same debt can sit on several
    invoices: read the aging as "statements not cleared", not as money lent.

    Parameters
    ----------
    frame : DataFrame
        From :func:`read_credit_default` (``client_id``, ``BILL_AMT1..6``, ``PAY_AMT1..6``).
    due_days : int
        Days from statement to due date.

    Returns
    -------
    invoices, payments : DataFrame
        In the course's columns (``invoice_id, customer_id, issue_date, due_date, amount``;
        ``payment_id, invoice_id, customer_id, payment_date, amount``).

    Raises
    ------
    DataProblem
        If a bill or payment column is missing.

    Examples
    --------
    >>> wide = pd.DataFrame({"client_id": [7], **{f"BILL_AMT{k}": [0] for k in range(1, 7)},
    ...                      **{f"PAY_AMT{k}": [0] for k in range(1, 7)}})
    >>> wide[["BILL_AMT2", "PAY_AMT1"]] = [[500, 200]]  # August bill, 200 paid in September
    >>> inv, pay = credit_default_receivables(wide)
    >>> inv[["invoice_id", "issue_date", "amount"]].to_dict("records")
    [{'invoice_id': '7-2005-08', 'issue_date': '2005-08-31', 'amount': 500.0}]
    >>> pay[["invoice_id", "payment_date", "amount"]].to_dict("records")
    [{'invoice_id': '7-2005-08', 'payment_date': '2005-09-25', 'amount': 200.0}]
    """
    require_columns(frame, ["client_id", *_BILLS, *_PAID], "credit default")
    ids = frame["client_id"].astype(str).to_numpy()
    months = list(_BILLS.values())[::-1]  # April .. September
    bills = frame[list(_BILLS)[::-1]].to_numpy(dtype="float64")
    paid_in = frame[list(_PAID)[::-1]].to_numpy(dtype="float64")
    ends = [pd.Period(m, "M").end_time.normalize() for m in months]
    inv_parts, pay_parts = [], []
    for j, month in enumerate(months):
        keep = bills[:, j] > 0
        issue, due = ends[j], ends[j] + pd.Timedelta(days=due_days)
        inv_ids = np.char.add(ids[keep].astype(str), f"-{month}")
        inv_parts.append(pd.DataFrame({"invoice_id": inv_ids, "customer_id": ids[keep],
                                       "issue_date": f"{issue:%Y-%m-%d}",
                                       "due_date": f"{due:%Y-%m-%d}", "amount": bills[keep, j]}))
        if j + 1 < len(months):
            amount = np.minimum(paid_in[keep, j + 1], bills[keep, j])
            got = amount > 0
            pay_parts.append(pd.DataFrame({
                "payment_id": np.char.add("P", inv_ids[got]), "invoice_id": inv_ids[got],
                "customer_id": ids[keep][got], "payment_date": f"{due:%Y-%m-%d}",
                "amount": amount[got]}))
    return (pd.concat(inv_parts, ignore_index=True), pd.concat(pay_parts, ignore_index=True))
