"""Cost rates (``helpers/config/cost_rates.yaml``): what an order, a contact, a call costs.

:class:`CostRates` is the file's schema; :func:`load_cost_rates` reads and validates it, and
every problem is reported at once as ``file: key.path: what is wrong``:

>>> raw = load_cost_rates().model_dump()
>>> raw["calls"]["per_minute"] = "two"
>>> raw["late_payment"]["bad_debt_share"] = 5
>>> validate_config(CostRates, raw, "my_rates.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: my_rates.yaml has 2 problem(s):
- my_rates.yaml: calls.per_minute: must be a number, got 'two'
- my_rates.yaml: late_payment.bad_debt_share: must be between 0 and 1, got 5
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pandas as pd
from pydantic import BeforeValidator, Field, field_validator

from helpers.caveats import Caveat
from helpers.config import ConfigModel, read_config, validate_config
from helpers.data.mapping import read_mapping
from helpers.errors import DataProblem
from helpers.i18n import tr

__all__ = ["COURSE_CURRENCY", "CostAssumptions", "CostRates", "cost_assumptions",
           "load_cost_rates", "rates_table", "resolve_cost_rates"]

#: The currency of the bundled rates and of the generated course data.
COURSE_CURRENCY = "CNY"


def _rate_check(upper: float | None) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value)):
            raise ValueError(f"must be a number, got {value!r}")
        if value < 0 or (upper is not None and value > upper):
            bound = f"between 0 and {upper:g}" if upper is not None else "0 or more"
            raise ValueError(f"must be {bound}, got {value!r}")
        return float(value)
    return check


#: An amount of money (in the file's ``currency``), 0 or more.
Rate = Annotated[float, BeforeValidator(_rate_check(None))]
#: A share between 0 and 1.
Share = Annotated[float, BeforeValidator(_rate_check(1.0))]


class OrderRates(ConfigModel):
    """``orders``: picking, packing, delivery and invoicing of one order."""

    per_order: Rate


class ContactRates(ConfigModel):
    """``service.per_contact``: fixed handling cost of one contact, by kind of contact."""

    inquiry: Rate
    technical_support: Rate
    return_request: Rate
    complaint: Rate


class ServiceRates(ConfigModel):
    """``service``: service contacts (table ``service_contacts``)."""

    per_minute: Rate
    per_contact: ContactRates


class CallRates(ConfigModel):
    """``calls``: telephone calls (table ``calls``), per dialling attempt and per minute."""

    per_call: Rate
    per_minute: Rate


class ReturnRates(ConfigModel):
    """``returns``: reverse logistics and restocking of one returned transaction line."""

    per_return: Rate


class LatePaymentRates(ConfigModel):
    """``late_payment``: admin per late invoice, interest while late, expected bad debt."""

    per_late_invoice: Rate
    annual_interest_rate: Share
    bad_debt_share: Share


class Fallbacks(ConfigModel):
    """``fallbacks``: cost of goods as a share of net sales when an export has no cost."""

    cogs_ratio: Share = 0.65


class CostRates(ConfigModel):
    """The cost rates of ``cost_rates.yaml``; every rate is 0 or more, shares at most 1."""

    file: ClassVar[str | None] = "cost_rates.yaml"
    #: Rates that are shares: scaling them (:meth:`scaled`) caps them at 1.
    shares: ClassVar[tuple[str, ...]] = ("annual_interest_rate", "bad_debt_share")

    currency: str = COURSE_CURRENCY
    orders: OrderRates
    service: ServiceRates
    calls: CallRates
    returns: ReturnRates
    late_payment: LatePaymentRates
    fallbacks: Fallbacks = Field(default_factory=Fallbacks)

    @field_validator("currency", mode="before")
    @classmethod
    def _iso_code(cls, value: Any) -> str:
        code = str(value).strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ValueError(f"must be a three-letter ISO currency code such as CNY, GBP or "
                             f"USD, got {value!r}")
        return code

    def scaled(self, scale: Mapping[str, float]) -> CostRates:
        """The rates with whole sections multiplied, e.g. ``{"service": 2.0}``.

        Shares are capped at 1; ``fallbacks`` (the cost-of-goods ratio) is never scaled.

        Raises
        ------
        DataProblem
            If a key of ``scale`` is not a section of the rates.

        Examples
        --------
        >>> load_cost_rates().scaled({"calls": 2.0}).calls.per_minute
        3.0
        """
        raw = self.model_dump()
        for section, factor in scale.items():
            if section not in raw:
                raise DataProblem(f"value_view: no cost-rate section {section!r}; sections are "
                                  f"{sorted(raw)}.")
            if section not in ("fallbacks", "currency"):
                raw[section] = _scale(raw[section], factor)
        return validate_config(CostRates, raw, "scaled cost rates")


def _scale(section: dict[str, Any], factor: float) -> dict[str, Any]:
    return {key: (_scale(val, factor) if isinstance(val, dict)
                  else min(1.0, val * factor) if key in CostRates.shares else val * factor)
            for key, val in section.items()}


def load_cost_rates(path: str | Path | None = None) -> CostRates:
    """Read and validate the cost rates.

    Parameters
    ----------
    path : str or Path, optional
        Your own rates file; default: the bundled ``helpers/config/cost_rates.yaml``.

    Returns
    -------
    CostRates
        ``rates.service.per_contact.complaint``, ``rates.late_payment.bad_debt_share`` …

    Raises
    ------
    ConfigProblem
        Naming the file and each key that is missing, unknown, not a number or out of range.

    Examples
    --------
    >>> load_cost_rates().orders.per_order
    25.0
    """
    return read_config(CostRates, path)


def resolve_cost_rates(cost_rates: CostRates | Mapping[str, Any] | str | Path | None
                       ) -> CostRates:
    """Rates given as a :class:`CostRates`, a dict (validated), a YAML path or ``None`` (bundled)."""
    if isinstance(cost_rates, CostRates):
        return cost_rates
    if cost_rates is None or isinstance(cost_rates, str | Path):
        return load_cost_rates(cost_rates)
    return validate_config(CostRates, cost_rates, "cost_rates argument")


@dataclass(frozen=True)
class CostAssumptions:
    """The cost rates a profit rests on, where they came from and the currency they assume.

    Built by :func:`cost_assumptions`; ``str()`` gives the lines a notebook prints above any
    profit figure.
    """

    rates: CostRates
    source: str
    data_currency: str
    data_currency_source: str
    cogs_ratio_source: str
    mismatch: bool = False

    @property
    def currency(self) -> str:
        """The currency of the rates (and so of every profit figure)."""
        return self.rates.currency

    def describe(self) -> str:
        """The assumptions in three or four sentences."""
        lines = [
            tr("cost rates: {source}; every rate is in {currency} (the file's currency).",
               source=tr(self.source), currency=self.currency),
            tr("data currency: {currency} ({source}).", currency=self.data_currency,
               source=tr(self.data_currency_source)),
            tr("cost of goods where the data has none: {ratio:.0%} of net sales ({source}).",
               ratio=self.rates.fallbacks.cogs_ratio, source=tr(self.cogs_ratio_source)),
        ]
        if self.mismatch:
            lines.append(tr("WARNING: the data is in {data} but the rates are in {rates}; every "
                            "cost and profit below mixes the two currencies (accepted with "
                            "currency_mismatch='warn').", data=self.data_currency,
                            rates=self.currency))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _declared_currency(mapping: Any) -> str | None:
    """The currency a mapping declares (its ``currency`` key), if the mapping format has one."""
    if mapping is None:
        return None
    declared = getattr(read_mapping(mapping), "currency", None)
    return str(declared).strip().upper() if declared else None


def _data_currency(currency: str | None, mapping: Any, own_data: bool,
                   rates_currency: str) -> tuple[str, str]:
    if currency:
        return str(currency).strip().upper(), "parameter currency"
    declared = _declared_currency(mapping)
    if declared:
        return declared, "declared by the transactions mapping"
    if not own_data:
        return COURSE_CURRENCY, "the course data"
    return rates_currency, ("assumed equal to the rates' currency: neither the currency "
                            "parameter nor the mapping names one; set currency='GBP' (say) "
                            "to be sure")


# Long: the docstring names every parameter's default and the one error
def cost_assumptions(path: str | Path | None = None, currency: str | None = None,
                     cogs_ratio: float | None = None, mapping: Any = None,
                     own_data: bool = False, currency_mismatch: str = "raise") -> CostAssumptions:
    """Read the cost rates and check them against the data's currency.

    Parameters
    ----------
    path : str or Path, optional
        The cost-rates YAML (default: the bundled ``helpers/config/cost_rates.yaml``, in CNY).
    currency : str, optional
        The currency of the data's amounts (ISO code). Default: the one the transactions
        ``mapping`` declares, else CNY for the course data, else assumed to be the rates'.
    cogs_ratio : float, optional
        Cost of goods as a share of net sales where the data has no cost; default: the rates
        file's ``fallbacks.cogs_ratio`` (65 % in the bundled file).
    mapping : path or dict, optional
        The transactions mapping (read for a ``currency`` key).
    own_data : bool
        True when the transactions are an analyst's file rather than course data.
    currency_mismatch : {"raise", "warn"}
        What to do when the data's currency differs from the rates'.

    Returns
    -------
    CostAssumptions
        The (possibly adjusted) rates and a description of every assumption.

    Raises
    ------
    DataProblem
        If the currencies differ and ``currency_mismatch="raise"``, or the arguments are invalid.
    ConfigProblem
        If the rates file is not valid.

    Examples
    --------
    >>> a = cost_assumptions(cogs_ratio=0.5)
    >>> a.currency, a.rates.fallbacks.cogs_ratio, a.cogs_ratio_source
    ('CNY', 0.5, 'parameter cogs_ratio')
    """
    if currency_mismatch not in ("raise", "warn"):
        raise DataProblem(f"currency_mismatch must be 'raise' or 'warn', got "
                          f"{currency_mismatch!r}")
    rates = load_cost_rates(path)
    source = str(path) if path else "the bundled helpers/config/cost_rates.yaml"
    ratio_source = f"fallbacks.cogs_ratio of {'that file' if path else 'the bundled rates'}"
    if cogs_ratio is not None:
        raw = rates.model_dump()
        raw["fallbacks"] = {"cogs_ratio": cogs_ratio}
        rates = validate_config(CostRates, raw, "parameter cogs_ratio")
        ratio_source = "parameter cogs_ratio"
    data_cur, cur_source = _data_currency(currency, mapping, own_data, rates.currency)
    mismatch = data_cur != rates.currency
    if mismatch and currency_mismatch == "raise":
        raise DataProblem(
            f"notebook 05: the data's amounts are in {data_cur} ({cur_source}) but the cost "
            f"rates ({source}) are in {rates.currency}; applying them would mix currencies. "
            f"Fix: copy the rates file, convert its amounts to {data_cur}, set "
            f"'currency: {data_cur}' in it and pass it as cost_rates_file; or set "
            "currency_mismatch='warn' to go on anyway.")
    if mismatch:
        warnings.warn(f"the data is in {data_cur} but the cost rates are in {rates.currency}: "
                      "every cost and profit figure mixes currencies.", Caveat, stacklevel=2)
    return CostAssumptions(rates=rates, source=source, data_currency=data_cur,
                           data_currency_source=cur_source, cogs_ratio_source=ratio_source,
                           mismatch=mismatch)


def rates_table(assumptions: CostAssumptions) -> pd.DataFrame:
    """Every rate as one row: the value, its unit (currency or share) and where it came from.

    Parameters
    ----------
    assumptions : CostAssumptions
        From :func:`cost_assumptions`.

    Returns
    -------
    DataFrame
        Indexed by the rate's key path (``service.per_contact.complaint`` …), columns ``rate``,
        ``unit`` and ``source``.

    Examples
    --------
    >>> rates_table(cost_assumptions()).loc["orders.per_order", ["unit", "source"]].tolist()
    ['CNY', 'the bundled helpers/config/cost_rates.yaml']
    """
    flat = pd.json_normalize(assumptions.rates.model_dump(exclude={"currency"}), sep=".").iloc[0]
    shares = {"late_payment.annual_interest_rate", "late_payment.bad_debt_share",
              "fallbacks.cogs_ratio"}
    unit = ["share" if key in shares else assumptions.currency for key in flat.index]
    source = [assumptions.cogs_ratio_source if key == "fallbacks.cogs_ratio"
              else assumptions.source for key in flat.index]
    return pd.DataFrame({"rate": flat.astype(float), "unit": unit, "source": source},
                        index=pd.Index(flat.index, name="rate key"))
