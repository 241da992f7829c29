"""How good the recorded forecasts were: each against what was then won in its period.

Per snapshot, period (bucket) and currency: the forecast (its total, (a) + (b) + (c) as recorded),
the actual revenue of the period now that it is over ((b) + (c) computed today: the won amounts
and the recurring billings that fell in it), the error ``forecast − actual`` (positive: the
forecast was too high) and the percentage error ``error ÷ actual`` (none when the actual is 0).
Overall, per currency: the mean absolute error ``Σ|error| ÷ n``, the weighted absolute
percentage error ``Σ|error| ÷ Σ actual`` (none when Σ actual is 0) and the bias ``Σ error ÷ n``.
Periods not over yet are left out (and counted): their actual is not known.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from funnelcli.kpis.numbers import ratio


class Recorded(NamedTuple):
    """One line of a snapshot as stored (dates ISO, money whole cents)."""

    recorded_on: str
    as_of: str
    period_from: str
    period_to: str
    period_label: str
    by: str
    method: str
    source: str | None
    bucket: str
    bucket_from: str
    bucket_to: str
    currency: str
    pipeline_cents: int
    recurring_cents: int
    won_cents: int
    total_cents: int


class Compared(NamedTuple):
    line: Recorded
    actual_cents: int

    @property
    def error(self) -> int:
        return self.line.total_cents - self.actual_cents

    @property
    def percentage_error(self) -> Fraction | None:
        return ratio(self.error, self.actual_cents)


class Overall(NamedTuple):
    currency: str
    periods: int
    mean_absolute_error: Fraction  # cents
    weighted_absolute_percentage_error: Fraction | None
    bias: Fraction  # cents; positive: forecasts too high


class Accuracy(NamedTuple):
    snapshots: int
    compared: list[Compared]
    overall: list[Overall]
    pending: int  # snapshot lines whose period is not over yet


#: The actual revenue of a span: (bucket_from, bucket_to) -> currency -> cents.
Actuals = Mapping[tuple[str, str], Mapping[str, int]]


def spans_over(lines: Iterable[Recorded], today: date) -> set[tuple[str, str]]:
    """The periods of these lines that ended before ``today`` (their actual is known)."""
    return {(r.bucket_from, r.bucket_to) for r in lines if r.bucket_to < today.isoformat()}


def with_missing_currencies(lines: Iterable[Recorded], actuals: Actuals) -> list[Recorded]:
    """The lines, plus a zero line for each currency won in a snapshot's period that the
    snapshot did not forecast at all (it forecast 0 there: a miss, not a gap)."""
    groups: dict[tuple[object, ...], dict[str, Recorded]] = defaultdict(dict)
    for r in lines:
        groups[r[:11]][r.currency] = r  # r[:11]: the snapshot and its bucket
    out: list[Recorded] = []
    for by_currency in groups.values():
        head = next(iter(by_currency.values()))
        won = actuals.get((head.bucket_from, head.bucket_to), {})
        for currency in sorted(set(by_currency) | set(won)):
            zero = head._replace(
                currency=currency, pipeline_cents=0, recurring_cents=0, won_cents=0, total_cents=0
            )
            out.append(by_currency.get(currency, zero))
    return out


def accuracy(lines: Iterable[Recorded], actuals: Actuals, today: date) -> Accuracy:
    """Compare each recorded line whose period is over with its actual (see the module)."""
    lines = list(lines)
    snapshots = len({r[:8] for r in lines})
    over = spans_over(lines, today)
    done = [r for r in lines if (r.bucket_from, r.bucket_to) in over]
    compared = [
        Compared(r, actuals.get((r.bucket_from, r.bucket_to), {}).get(r.currency, 0))
        for r in with_missing_currencies(done, actuals)
    ]
    errors: dict[str, list[Compared]] = defaultdict(list)
    for c in compared:
        errors[c.line.currency].append(c)
    overall = [
        Overall(
            currency,
            len(items),
            Fraction(sum(abs(c.error) for c in items), len(items)),
            ratio(sum(abs(c.error) for c in items), sum(c.actual_cents for c in items)),
            Fraction(sum(c.error for c in items), len(items)),
        )
        for currency, items in sorted(errors.items())
    ]
    return Accuracy(snapshots, compared, overall, len(lines) - len(done))
