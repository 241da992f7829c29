"""Exact numbers: ratios, means and medians as fractions; rounding once, when shown.

A rate whose denominator is zero is ``None`` (shown ``—``): nothing here ever divides by zero.
"""

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

#: A rate computed from fewer deals than this is flagged as a small sample.
SMALL_SAMPLE = 10


SECONDS_PER_DAY = 86_400


Number = int | Fraction


def ratio(numerator: Number, denominator: Number) -> Fraction | None:
    """``numerator / denominator``, or ``None`` when the denominator is zero."""
    if not denominator:
        return None
    return Fraction(numerator) / Fraction(denominator)


def _total(values: Sequence[Number]) -> Number:
    # Integers (cents, seconds) add up fast as ints; Fractions only when there are some.
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return sum(values, Fraction(0))


def mean(values: Sequence[Number]) -> Fraction | None:
    return ratio(_total(values), len(values)) if values else None


def median(values: Sequence[Number]) -> Fraction | None:
    """The middle value; for an even count, the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return (Fraction(ordered[middle - 1]) + Fraction(ordered[middle])) / 2


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (0.5 -> 1, -0.5 -> -1)."""
    whole, rest = divmod(abs(value.numerator), value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    return whole if value >= 0 else -whole


def to_cents(value: Number | None) -> int | None:
    """An exact amount in cents (possibly fractional) -> whole cents, halves away from zero."""
    if value is None:
        return None
    if isinstance(value, int):
        return value  # already whole cents (the common case: one per deal listed)
    return round_half_up(Fraction(value))


def round_rate(value: Fraction | None, digits: int = 4) -> float | None:
    """A fraction 0..1 for display or JSON, rounded to ``digits`` decimals."""
    if value is None:
        return None
    scale = 10**digits
    return round_half_up(value * scale) / scale


def days(seconds: Number | None) -> Fraction | None:
    return None if seconds is None else Fraction(seconds) / SECONDS_PER_DAY


class Rate(NamedTuple):
    """A share ``numerator / denominator``; ``value`` is None when the denominator is zero."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        return ratio(self.numerator, self.denominator)

    @property
    def small_sample(self) -> bool:
        return self.denominator < SMALL_SAMPLE
