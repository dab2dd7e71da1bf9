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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from helpers.config import ConfigModel, read_config, validate_config
from helpers.errors import DataProblem

__all__ = ["CostRates", "load_cost_rates", "resolve_cost_rates"]


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


#: An amount of money (CNY), 0 or more.
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

    orders: OrderRates
    service: ServiceRates
    calls: CallRates
    returns: ReturnRates
    late_payment: LatePaymentRates
    fallbacks: Fallbacks = Field(default_factory=Fallbacks)

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
            if section != "fallbacks":
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
