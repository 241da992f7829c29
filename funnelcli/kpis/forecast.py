"""The revenue forecast: (a) weighted pipeline, (b) recurring revenue, (c) already won; and the
open deals it cannot count.
"""

import calendar
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, Literal, NamedTuple

from funnelcli.i18n import N_
from funnelcli.kpis.numbers import ratio
from funnelcli.kpis.rows import OpenDeal, PipelineGroup, RecurringGroup, WonGroup
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline

#: The empirical stage→won rate is used when at least this many closed deals reached the stage.
EMPIRICAL_MINIMUM = 20


MONTHS_BETWEEN_BILLINGS = {"monthly": 1, "quarterly": 3, "yearly": 12}
#: A recurring deal with neither a term nor an end date bills for at most this many months
#: after its win, in a forecast (it may stop any day: a longer run is a guess).
MONTHS_BILLED = 12


Method = Literal["auto", "stage", "history", "model"]


class StageProbability(NamedTuple):
    stage: Stage
    default: Fraction  # the stage's configured probability, 0..1
    closed: int  # closed deals (won or lost) that reached the stage
    won: int
    empirical: Fraction | None
    used: Literal["history", "stage"]

    @property
    def value(self) -> Fraction:
        return (
            self.empirical
            if self.used == "history" and self.empirical is not None
            else self.default
        )


def stage_probabilities(
    pipeline: Pipeline, won: int, lost_peaks: Mapping[int | None, int], method: Method = "auto"
) -> list[StageProbability]:
    """The win probability of a deal at each open stage, measured on every closed deal.

    ``won`` is the number of won deals (each reached every stage); ``lost_peaks`` counts the
    lost deals by peak rank. ``auto`` uses the empirical rate when at least
    :data:`EMPIRICAL_MINIMUM` closed deals reached the stage, else the stage default; ``stage``
    always uses the default; ``history`` always uses the empirical rate (the default only where
    no closed deal reached the stage).
    """
    out: list[StageProbability] = []
    for stage in pipeline.open:
        rank = pipeline.rank(stage)
        lost = sum(n for peak, n in lost_peaks.items() if peak is not None and peak >= rank)
        closed = won + lost
        empirical = ratio(won, closed)
        if method == "stage" or empirical is None:
            used: Literal["history", "stage"] = "stage"
        elif method == "history":
            used = "history"
        else:
            used = "history" if closed >= EMPIRICAL_MINIMUM else "stage"
        out.append(
            StageProbability(stage, Fraction(stage.probability, 100), closed, won, empirical, used)
        )
    return out


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the end of a shorter month (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if day.day <= 28:  # every month has it (most days: no calendar lookup)
        return date(year, month + 1, day.day)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def last_billing_day(r: RecurringGroup, months_billed: int | None = MONTHS_BILLED) -> date | None:
    """The last day a recurring deal may bill: the day before its payment ``term + 1`` would
    fall, its ``until`` date, whichever is first; with neither, the day before the end of
    ``months_billed`` months after the win (None: no end, as long as it stays won)."""
    ends: list[date] = []
    step = MONTHS_BETWEEN_BILLINGS.get(r.frequency, 0)
    if r.term is not None:
        ends.append(add_months(r.won_on, r.term * step) - timedelta(days=1))
    if r.until is not None:
        ends.append(r.until)
    if not ends and months_billed is not None:
        ends.append(add_months(r.won_on, months_billed) - timedelta(days=1))
    return min(ends) if ends else None


def billing_dates(won_on: date, frequency: str, start: date, end: date) -> list[date]:
    """The later billing dates of a recurring deal that fall in ``[start, end]``.

    The first payment is the won amount itself, on the day it was won (counted as won revenue);
    the next ones fall on the same day of the month every 1, 3 or 12 months, counted from the
    won date (so a deal won on 31 January bills on 28/29 February, 31 March, 30 April, …).
    """
    step = MONTHS_BETWEEN_BILLINGS.get(frequency)
    if step is None or end < start:
        return []
    # First k >= 1 whose date can be >= start: jump close, then walk.
    months_ahead = (start.year - won_on.year) * 12 + start.month - won_on.month
    k = max(1, months_ahead // step - 1)
    out: list[date] = []
    while True:
        when = add_months(won_on, k * step)
        if when > end:
            return out
        if when >= start:
            out.append(when)
        k += 1


@dataclass(slots=True)
class ForecastLine:
    """One currency's forecast in a bucket; mutable (:func:`forecast` adds into it): a dataclass."""

    currency: str
    pipeline: Fraction = Fraction(0)  # (a), cents
    recurring: int = 0  # (b), cents
    won: int = 0  # (c), cents
    pipeline_deals: int = 0
    billings: int = 0
    won_deals: int = 0
    #: Won then by an import's estimate of the close date: left out of (c), counted here.
    won_estimated: int = 0
    #: ``--method model`` only (0 otherwise): open deals weighted with an estimated amount, and
    #: the revenue of deals not created yet (cents).
    estimated: Fraction = Fraction(0)
    estimated_deals: int = 0
    new_business: Fraction = Fraction(0)

    @property
    def total(self) -> Fraction:
        return self.pipeline + self.estimated + self.new_business + self.recurring + self.won


class Span(NamedTuple):
    """A bucket of the forecast (a month or quarter, clipped to the period)."""

    label: str
    start: date
    end: date


@dataclass(slots=True)
class ForecastBucket:
    """A span's forecast lines by currency; mutable (filled by :func:`forecast`): a dataclass."""

    label: str
    start: date
    end: date
    lines: dict[str, ForecastLine] = field(default_factory=dict)

    def line(self, currency: str) -> ForecastLine:
        if currency not in self.lines:
            self.lines[currency] = ForecastLine(currency)
        return self.lines[currency]

    @property
    def by_currency(self) -> list[ForecastLine]:
        return [self.lines[c] for c in sorted(self.lines)]


class Forecast(NamedTuple):
    buckets: list[ForecastBucket]
    totals: list[ForecastLine]
    probabilities: list[StageProbability]
    overrides: int  # deals in (a) weighted by their own probability
    #: ``--method model``: its per-stage estimates and the parts' inputs (kpis.model.ModelFacts).
    model: Any = None
    #: Recurring deals with neither a term nor an end date that would bill in the period after
    #: the :data:`MONTHS_BILLED` months counted.
    capped: int = 0


def forecast(
    spans: Sequence[Span],
    today: date,
    pipeline: Iterable[PipelineGroup],
    probabilities: Sequence[StageProbability],
    recurring: Iterable[RecurringGroup],
    won: Iterable[WonGroup],
    months_billed: int | None = MONTHS_BILLED,
) -> Forecast:
    """Per bucket and currency: (a) weighted pipeline, (b) recurring revenue, (c) already won.

    Open deals expected to close before ``today`` are not counted in (a) (they are listed as
    left out, see :func:`left_out`). (b) counts a deal's billings up to the end its term or
    date says, else within ``months_billed`` months of the win (None: for as long as it stays
    won, what the actual of a period that is over counts).
    """
    chance = {p.stage.id: p.value for p in probabilities}
    buckets = [ForecastBucket(s.label, s.start, s.end) for s in spans]
    by_label = {b.label: b for b in buckets}
    overrides = 0
    for g in pipeline:
        if g.expected_close < today or g.stage_id not in chance:
            continue
        bucket = next((b for b in buckets if b.start <= g.expected_close <= b.end), None)
        if bucket is None:
            continue
        p = Fraction(g.probability, 100) if g.probability is not None else chance[g.stage_id]
        overrides += g.deals if g.probability is not None else 0
        line = bucket.line(g.currency)
        line.pipeline += g.amount_cents * p
        line.pipeline_deals += g.deals
    capped = 0
    if buckets:
        billed, capped = _billed(tuple(spans), tuple(recurring), months_billed)
        for n, currency, cents, deals in billed:
            line = buckets[n].line(currency)
            line.recurring += cents
            line.billings += deals
    for w in won:
        if w.bucket in by_label:
            line = by_label[w.bucket].line(w.currency)
            line.won += w.amount_cents
            line.won_deals += w.deals
            line.won_estimated += w.estimated
    totals = combine(buckets, "total", buckets[0].start, buckets[-1].end) if buckets else None
    return Forecast(
        buckets, totals.by_currency if totals else [], list(probabilities), overrides, None, capped
    )


@functools.lru_cache(maxsize=4)
def _billed(
    spans: tuple[Span, ...], recurring: tuple[RecurringGroup, ...], months_billed: int | None
) -> tuple[tuple[tuple[int, str, int, int], ...], int]:
    """(b) of :func:`forecast`: per (span's index, currency) the billings' cents and count, in
    the order of the billings, and the capped deals. Kept for the next call with the same deals
    (every method of one report, or of one cut-off of a backtest, bills the same)."""
    out: dict[tuple[int, str], list[int]] = {}
    capped = 0
    first, last = spans[0].start, spans[-1].end
    # the first span holding each day from ``first`` to ``last`` (None: no span holds it)
    size = (last - first).days + 1
    span_of: list[int | None] = [None] * max(size, 0)
    for n, s in enumerate(spans):
        for day in range(max((s.start - first).days, 0), min((s.end - first).days + 1, size)):
            if span_of[day] is None:
                span_of[day] = n
    for r in recurring:
        stop = last_billing_day(r, months_billed)
        end = last if stop is None else min(last, stop)
        for when in billing_dates(r.won_on, r.frequency, first, end):
            held = span_of[(when - first).days]
            if held is None:  # as ``next`` of no span would
                raise StopIteration
            row = out.setdefault((held, r.currency), [0, 0])
            row[0] += r.amount_cents
            row[1] += r.deals
        if r.term is None and r.until is None and months_billed is not None:
            after = billing_dates(r.won_on, r.frequency, max(first, end + timedelta(days=1)), last)
            capped += r.deals if after else 0
    return tuple((n, currency, *row) for (n, currency), row in out.items()), capped  # type: ignore[misc]


def combine(
    buckets: Iterable[ForecastBucket], label: str, start: date, end: date
) -> ForecastBucket:
    """One bucket summing the buckets that lie within ``[start, end]`` (months into a quarter)."""
    out = ForecastBucket(label, start, end)
    for bucket in buckets:
        if start <= bucket.start and bucket.end <= end:
            for line in bucket.lines.values():
                total = out.line(line.currency)
                total.pipeline += line.pipeline
                total.recurring += line.recurring
                total.won += line.won
                total.pipeline_deals += line.pipeline_deals
                total.billings += line.billings
                total.won_deals += line.won_deals
                total.won_estimated += line.won_estimated
                total.estimated += line.estimated
                total.estimated_deals += line.estimated_deals
                total.new_business += line.new_business
    return out


REASONS = {
    "no_amount": N_("no amount"),
    "no_expected_close": N_("no expected close date"),
    "expected_close_past": N_("expected close date already past"),
}


class LeftOut(NamedTuple):
    deal: OpenDeal
    reasons: tuple[str, ...]  # keys of REASONS


def left_out(deals: Iterable[OpenDeal], today: date) -> list[LeftOut]:
    """Open deals the forecast cannot count, each with why."""
    out: list[LeftOut] = []
    for deal in deals:
        reasons: list[str] = []
        if deal.amount_cents is None:
            reasons.append("no_amount")
        if deal.expected_close is None:
            reasons.append("no_expected_close")
        elif deal.expected_close < today:
            reasons.append("expected_close_past")
        if reasons:
            out.append(LeftOut(deal, tuple(reasons)))
    return out


def left_out_counts(items: Iterable[LeftOut]) -> dict[str, int]:
    """How many deals are left out, and how many for each reason (a deal may have two)."""
    counts = dict.fromkeys(("deals", *REASONS), 0)
    for item in items:
        counts["deals"] += 1
        for reason in item.reasons:
            counts[reason] += 1
    return counts
