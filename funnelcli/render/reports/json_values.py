"""The JSON of the values every report shares: money, rates, percents, days, the header
(see :mod:`funnelcli.render.reports.as_json` for the rules)."""

from fractions import Fraction
from typing import Any

from funnelcli.kpis import reports as kr
from funnelcli.kpis.numbers import Rate, round_rate, to_cents
from funnelcli.money import to_decimal


def money_json(cents: Fraction | int | None) -> dict[str, Any] | None:
    whole = to_cents(cents)
    return None if whole is None else {"cents": whole, "amount": to_decimal(whole)}


def rate_json(rate: Rate | None, *, small: bool = False) -> dict[str, Any] | None:
    if rate is None or not rate.denominator:
        return None
    out: dict[str, Any] = {
        "rate": round_rate(rate.value),
        "numerator": rate.numerator,
        "denominator": rate.denominator,
    }
    if small:
        out["small_sample"] = rate.small_sample
    return out


def percent_json(value: Fraction | None) -> float | None:
    """A probability 0..1 as a percent with 2 decimals (0.05 -> 5.0)."""
    return None if value is None else round_rate(value * 100, 2)


def days_json(value: Fraction | None) -> float | None:
    return None if value is None else round_rate(value, 2)


def header_json(header: kr.Header, section: str) -> dict[str, Any]:
    return {
        "section": section,
        "period": {
            "from": header.period.start.isoformat(),
            "to": header.period.end.isoformat(),
            "label": header.period.label,
        },
        "source": header.source,
        "as_of": header.as_of,
        "point_in_time": header.older_values is not None,
        "values_older_than_history": header.older_values,
    }
