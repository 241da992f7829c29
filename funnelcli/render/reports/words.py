"""Figures as words for people: counts, rates, money, days; ``—`` for what is undefined."""

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from funnelcli.kpis.numbers import Rate, to_cents
from funnelcli.money import format_money

DASH = "—"


NO_SOURCE = "(none)"


def pct(value: Fraction | float | None) -> str:
    if value is None:
        return DASH
    return f"{float(value) * 100:.1f}%"


def rate_text(rate: Rate | None) -> str:
    return DASH if rate is None else pct(rate.value)


def count(n: int | None) -> str:
    return DASH if n is None else f"{n:,}"


def money(cents: Fraction | int | None, currency: str | None = None) -> str:
    if cents is None:
        return DASH
    return format_money(to_cents(cents), currency)


def plural(n: int, word: str) -> str:
    return f"{count(n)} {word}{'' if n == 1 else 's'}"


def days_text(value: Fraction | None) -> str:
    return DASH if value is None else f"{float(value):.1f} d"


def source_name(source: str | None) -> str:
    return NO_SOURCE if source is None else source


def sequence_text(sequence: Sequence[str]) -> str:
    return " → ".join(sequence) if sequence else "(no actions)"


def estimated_note(figure: Any) -> str:
    """`` (2 left out: dates estimated)`` for a figure with ``estimated`` leads left out."""
    n = figure.estimated
    return f" ({count(n)} left out: dates estimated)" if n else ""
