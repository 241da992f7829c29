"""KPI and forecast math, pure: plain data in, value objects out. Standard library only.

The database aggregates (``funnelcli.store.reports``) and this module does the arithmetic, with
exact :class:`~fractions.Fraction` values; rounding happens once, when a figure is shown
(:func:`to_cents`, :func:`round_rate`). A rate whose denominator is zero is ``None`` (shown
``—``): nothing here ever divides by zero. Money is integer cents, always grouped by currency.

Definitions (the SPEC's "KPI definitions", stated once here and in the README):

- **Reached stage X**: the lead is or was at X or at any later *open* stage, or was ever won.
  With the stages ranked in pipeline order (open stages by position, then won), a lead's
  **peak** is the highest rank among the stages it has ever been at, leaving out ``lost``; the
  lead reached X when ``peak >= rank(X)``. Skipped stages count as reached, a lead moved
  backwards keeps its peak, a reopened lead keeps what it reached before.
- **Lead → opportunity rate**: of the leads created in the period, those that reached the
  opportunity stage (at any time up to now) ÷ all of them.
- **Win rate**: of the opportunities closed in the period (deals whose status is now won or lost,
  closed in the period, that reached the opportunity stage), won ÷ (won + lost). A won deal
  always reached the opportunity stage; a lost one only if its peak did.
- **Average / median won deal size**: the amounts of the deals won in the period, per currency
  (deals won without an amount are counted apart and left out of the mean).
- **Sales cycle**: days from creation to the win, for the deals won in the period.
- **Open opportunities**: open leads whose *current* stage is at or past the opportunity stage:
  count, total amount, weighted amount = Σ amount × probability (the deal's override, else its
  stage's default), per currency.
- **Sales velocity** (per currency C, per day): open opportunities in C × win rate × average won
  deal in C ÷ average sales cycle in days.
- **Forecast** of a month or quarter: (a) Σ amount × probability of the open deals expected to
  close in it (probability: the deal's override, else the empirical rate at which closed deals
  that reached its stage were won, when at least :data:`EMPIRICAL_MINIMUM` closed deals reached
  it, else the stage default); (b) recurring revenue: amount × billing dates in it, for won
  ``monthly``/``quarterly``/``yearly`` deals; (c) the amounts already won in it.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from functools import cached_property
from typing import Literal, NamedTuple

from funnelcli.models import Stage, StageKind

#: The empirical stage→won rate is used when at least this many closed deals reached the stage.
EMPIRICAL_MINIMUM = 20
#: A rate computed from fewer deals than this is flagged as a small sample.
SMALL_SAMPLE = 10
#: How many first-three-action sequences ``paths`` lists for won and for lost deals.
TOP_SEQUENCES = 5

SECONDS_PER_DAY = 86_400
MONTHS_BETWEEN_BILLINGS = {"monthly": 1, "quarterly": 3, "yearly": 12}

Method = Literal["auto", "stage", "history"]
Number = int | Fraction


# --------------------------------------------------------------------------- numbers


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


# --------------------------------------------------------------------------- the ladder


@dataclass(frozen=True)
class Ladder:
    """The pipeline's stages with their ranks (``Pipeline.rank``): what "reached" is measured on.

    A dataclass, not a NamedTuple like most types here: ``_by_id`` is a cached property, kept in
    the instance's ``__dict__``.
    """

    stages: tuple[Stage, ...]
    ranks: Mapping[int, int]

    @classmethod
    def of(cls, stages: Sequence[Stage]) -> "Ladder":
        """Stages already in pipeline order (open by position, won, lost): rank = index."""
        return cls(tuple(stages), {s.id: i for i, s in enumerate(stages)})

    def rank(self, stage: Stage | int) -> int:
        return self.ranks[stage if isinstance(stage, int) else stage.id]

    def stage(self, stage_id: int) -> Stage:
        return self._by_id[stage_id]

    @cached_property
    def _by_id(self) -> dict[int, Stage]:
        return {s.id: s for s in self.stages}

    @property
    def open(self) -> list[Stage]:
        return sorted((s for s in self.stages if s.kind is StageKind.OPEN), key=self.rank)

    @property
    def won(self) -> Stage:
        return next(s for s in self.stages if s.kind is StageKind.WON)

    @property
    def lost(self) -> Stage:
        return next(s for s in self.stages if s.kind is StageKind.LOST)

    @property
    def opportunity(self) -> Stage:
        return next(s for s in self.stages if s.is_opportunity)

    @property
    def funnel_stages(self) -> list[Stage]:
        """The steps of the funnel: the open stages in order, then won."""
        return [*self.open, self.won]

    def peak_ranks(self) -> dict[int, int]:
        """Rank of every stage that counts towards "reached" (all but lost)."""
        return {s.id: self.rank(s) for s in self.stages if s.kind is not StageKind.LOST}

    def opportunity_stage_ids(self) -> list[int]:
        """Open stages at or past the opportunity stage."""
        floor = self.rank(self.opportunity)
        return [s.id for s in self.open if self.rank(s) >= floor]

    def reached(self, peak: int | None, stage: Stage) -> bool:
        return peak is not None and peak >= self.rank(stage)


def peak_rank(ladder: Ladder, visited: Iterable[int]) -> int | None:
    """A lead's peak: the highest rank among the stages it has been at, ``lost`` left out.

    ``visited`` are the stage ids of the lead's history (``to_stage_id`` of every change, its
    creation included) and its current stage. None when it was only ever lost.
    """
    ranks = ladder.peak_ranks()
    found = [ranks[s] for s in visited if s in ranks]
    return max(found) if found else None


def stage_stays(history: Sequence[tuple[datetime, int]]) -> dict[int, int]:
    """Seconds a lead spent at each stage: from entering it to its next change, summed.

    ``history`` is ``(at, to_stage_id)`` in order (creation first). The last stage (where the
    lead still is, or was closed) has no end and is not counted.
    """
    spent: dict[int, int] = defaultdict(int)
    for (at, stage_id), (next_at, _) in zip(history, history[1:], strict=False):
        spent[stage_id] += int((next_at - at).total_seconds())
    return dict(spent)


# --------------------------------------------------------------------------- leads created


class CohortGroup(NamedTuple):
    """Leads created in the period, grouped: ``leads`` created in ``bucket`` from ``source``
    whose peak rank is ``peak``."""

    bucket: str
    source: str | None
    peak: int | None
    leads: int


class FunnelStep(NamedTuple):
    stage: Stage
    reached: int
    conversion: Rate | None  # from the previous step; None for the first
    of_created: Rate  # reached / leads created


class Funnel(NamedTuple):
    leads: int
    steps: list[FunnelStep]


def funnel(ladder: Ladder, groups: Iterable[CohortGroup]) -> Funnel:
    """Per funnel step, how many leads created in the period reached it."""
    groups = list(groups)
    total = sum(g.leads for g in groups)
    steps: list[FunnelStep] = []
    previous: int | None = None
    for stage in ladder.funnel_stages:
        reached = sum(g.leads for g in groups if ladder.reached(g.peak, stage))
        conversion = None if previous is None else Rate(reached, previous)
        steps.append(FunnelStep(stage, reached, conversion, Rate(reached, total)))
        previous = reached
    return Funnel(total, steps)


def lead_to_opportunity(ladder: Ladder, groups: Iterable[CohortGroup]) -> Rate:
    groups = list(groups)
    reached = sum(g.leads for g in groups if ladder.reached(g.peak, ladder.opportunity))
    return Rate(reached, sum(g.leads for g in groups))


def _source_key(source: str | None) -> tuple[bool, str]:
    return (source is None, source or "")


@dataclass(frozen=True, slots=True)
class LeadsByBucket:
    """Leads created per bucket and source.

    A dataclass, not a NamedTuple: its :meth:`count` would replace ``tuple.count``.
    """

    buckets: list[str]
    sources: list[str | None]  # by total leads, most first; None ("(none)") among them
    counts: dict[tuple[str, str | None], int]

    def count(self, bucket: str, source: str | None) -> int:
        return self.counts.get((bucket, source), 0)

    def bucket_total(self, bucket: str) -> int:
        return sum(self.count(bucket, s) for s in self.sources)

    def source_total(self, source: str | None) -> int:
        return sum(self.count(b, source) for b in self.buckets)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def leads_by_bucket(labels: Sequence[str], groups: Iterable[CohortGroup]) -> LeadsByBucket:
    """Leads created per month (or quarter) per source; every bucket listed, even empty."""
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    per_source: dict[str | None, int] = defaultdict(int)
    for g in groups:
        counts[g.bucket, g.source] += g.leads
        per_source[g.source] += g.leads
    sources = sorted(per_source, key=lambda s: (-per_source[s], *_source_key(s)))
    return LeadsByBucket(list(labels), sources, dict(counts))


# --------------------------------------------------------------------------- deals closed


class ClosedGroup(NamedTuple):
    """Deals closed in the period (current status won or lost), grouped."""

    source: str | None
    won: bool
    peak: int | None
    deals: int


def win_rate(ladder: Ladder, groups: Iterable[ClosedGroup]) -> Rate:
    """Won ÷ (won + lost opportunities) among the deals closed in the period."""
    won = lost = 0
    for g in groups:
        if g.won:
            won += g.deals
        elif ladder.reached(g.peak, ladder.opportunity):
            lost += g.deals
    return Rate(won, won + lost)


class WonDeal(NamedTuple):
    """A deal won in the period: its amount (cents, may be missing) and its cycle in seconds.

    A NamedTuple: a report builds one per deal won in the period (80,000 at 1M leads).
    """

    source: str | None
    currency: str
    amount_cents: int | None
    cycle_seconds: int
    closed_at: str = ""  # the stored UTC instant of the win (to place it in a bucket)


class DealSize(NamedTuple):
    currency: str
    deals: int  # won in this currency, with or without an amount
    with_amount: int
    total_cents: int
    average: Fraction | None  # cents
    median: Fraction | None  # cents


def deal_sizes(won: Iterable[WonDeal]) -> list[DealSize]:
    """Per currency: how many deals, total, mean and median amount (deals with an amount)."""
    deals: dict[str, int] = defaultdict(int)
    amounts: dict[str, list[int]] = defaultdict(list)
    for deal in won:
        deals[deal.currency] += 1
        if deal.amount_cents is not None:
            amounts[deal.currency].append(deal.amount_cents)
    return [
        DealSize(
            currency,
            deals[currency],
            len(amounts[currency]),
            sum(amounts[currency]),
            mean(amounts[currency]),
            median(amounts[currency]),
        )
        for currency in sorted(deals)
    ]


class Cycle(NamedTuple):
    deals: int
    average_days: Fraction | None
    median_days: Fraction | None


def sales_cycle(won: Iterable[WonDeal]) -> Cycle:
    """Mean and median days from creation to the win."""
    seconds = [deal.cycle_seconds for deal in won]
    return Cycle(len(seconds), days(mean(seconds)), days(median(seconds)))


# --------------------------------------------------------------------------- open deals


class OpenGroup(NamedTuple):
    """Open leads at one stage, in one currency, with one probability override (or none)."""

    stage_id: int
    currency: str
    probability: int | None  # the deals' override, percent
    deals: int
    with_amount: int
    amount_cents: int  # sum of the amounts known


class OpenCurrency(NamedTuple):
    currency: str
    deals: int
    with_amount: int
    total_cents: int
    weighted: Fraction  # cents


class OpenOpportunities(NamedTuple):
    deals: int
    by_currency: list[OpenCurrency]

    def in_currency(self, currency: str) -> OpenCurrency | None:
        return next((c for c in self.by_currency if c.currency == currency), None)


def open_opportunities(ladder: Ladder, groups: Iterable[OpenGroup]) -> OpenOpportunities:
    """Open leads now at or past the opportunity stage; weighted with override or stage default."""
    eligible = set(ladder.opportunity_stage_ids())
    per: dict[str, list[Number]] = defaultdict(lambda: [0, 0, 0, Fraction(0)])
    for g in groups:
        if g.stage_id not in eligible:
            continue
        percent = (
            g.probability if g.probability is not None else ladder.stage(g.stage_id).probability
        )
        row = per[g.currency]
        row[0] += g.deals
        row[1] += g.with_amount
        row[2] += g.amount_cents
        row[3] += Fraction(g.amount_cents * percent, 100)
    by_currency = [
        OpenCurrency(c, int(r[0]), int(r[1]), int(r[2]), Fraction(r[3]))
        for c, r in sorted(per.items())
    ]
    return OpenOpportunities(sum(c.deals for c in by_currency), by_currency)


class Velocity(NamedTuple):
    currency: str
    open_opportunities: int
    win_rate: Fraction | None
    average_deal: Fraction | None  # cents
    average_cycle_days: Fraction | None
    per_day: Fraction | None  # cents per day


def sales_velocity(
    opportunities: OpenOpportunities, rate: Rate, sizes: Sequence[DealSize], cycle: Cycle
) -> list[Velocity]:
    """Open opportunities × win rate × average won deal ÷ average cycle, per currency."""
    averages = {s.currency: s.average for s in sizes}
    out: list[Velocity] = []
    for currency in sorted({c.currency for c in opportunities.by_currency} | set(averages)):
        opened = opportunities.in_currency(currency)
        count = opened.deals if opened else 0
        average = averages.get(currency)
        per_day = None
        if rate.value is not None and average is not None and cycle.average_days:
            per_day = count * rate.value * average / cycle.average_days
        out.append(Velocity(currency, count, rate.value, average, cycle.average_days, per_day))
    return out


# --------------------------------------------------------------------------- forecast


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
    ladder: Ladder, won: int, lost_peaks: Mapping[int | None, int], method: Method = "auto"
) -> list[StageProbability]:
    """The win probability of a deal at each open stage, measured on every closed deal.

    ``won`` is the number of won deals (each reached every stage); ``lost_peaks`` counts the
    lost deals by peak rank. ``auto`` uses the empirical rate when at least
    :data:`EMPIRICAL_MINIMUM` closed deals reached the stage, else the stage default; ``stage``
    always uses the default; ``history`` always uses the empirical rate (the default only where
    no closed deal reached the stage).
    """
    out: list[StageProbability] = []
    for stage in ladder.open:
        rank = ladder.rank(stage)
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


class PipelineGroup(NamedTuple):
    """Open deals with an amount and an expected close date, grouped."""

    expected_close: date
    stage_id: int
    currency: str
    probability: int | None  # override, percent
    deals: int
    amount_cents: int


class RecurringGroup(NamedTuple):
    """Won recurring deals, grouped by the local day they were won."""

    won_on: date
    frequency: str
    currency: str
    deals: int
    amount_cents: int  # sum of the deals' amounts (each billed that amount per billing date)


class WonGroup(NamedTuple):
    """Deals won in one bucket, in one currency (amounts summed; deals without one counted)."""

    bucket: str
    currency: str
    deals: int
    amount_cents: int


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

    @property
    def total(self) -> Fraction:
        return self.pipeline + self.recurring + self.won


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


def forecast(
    ladder: Ladder,
    spans: Sequence[Span],
    today: date,
    pipeline: Iterable[PipelineGroup],
    probabilities: Sequence[StageProbability],
    recurring: Iterable[RecurringGroup],
    won: Iterable[WonGroup],
) -> Forecast:
    """Per bucket and currency: (a) weighted pipeline, (b) recurring revenue, (c) already won.

    Open deals expected to close before ``today`` are not counted in (a) (they are listed as
    left out, see :func:`left_out`).
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
    recurring = list(recurring)
    if buckets:
        first, last = buckets[0].start, buckets[-1].end
        for r in recurring:
            for when in billing_dates(r.won_on, r.frequency, first, last):
                bucket = next(b for b in buckets if b.start <= when <= b.end)
                line = bucket.line(r.currency)
                line.recurring += r.amount_cents
                line.billings += r.deals
    for w in won:
        if w.bucket in by_label:
            line = by_label[w.bucket].line(w.currency)
            line.won += w.amount_cents
            line.won_deals += w.deals
    totals = combine(buckets, "total", buckets[0].start, buckets[-1].end) if buckets else None
    return Forecast(buckets, totals.by_currency if totals else [], list(probabilities), overrides)


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
    return out


class OpenDeal(NamedTuple):
    """An open deal the forecast should be able to count: an opportunity, or dated."""

    id: int
    name: str
    stage_id: int
    currency: str
    amount_cents: int | None
    expected_close: date | None


REASONS = {
    "no_amount": "no amount",
    "no_expected_close": "no expected close date",
    "expected_close_past": "expected close date already past",
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


# --------------------------------------------------------------------------- sources


class SourceStats(NamedTuple):
    source: str | None
    leads: int
    lead_to_opportunity: Rate
    win_rate: Rate
    won: int
    lost: int  # lost opportunities closed in the period
    sizes: list[DealSize]
    cycle: Cycle


def by_source(
    ladder: Ladder,
    cohort: Iterable[CohortGroup],
    closed: Iterable[ClosedGroup],
    won: Iterable[WonDeal],
) -> list[SourceStats]:
    """The KPIs per source; sources with most leads first, ``None`` (no source) last of equals."""
    cohorts: dict[str | None, list[CohortGroup]] = defaultdict(list)
    closes: dict[str | None, list[ClosedGroup]] = defaultdict(list)
    wins: dict[str | None, list[WonDeal]] = defaultdict(list)
    for g in cohort:
        cohorts[g.source].append(g)
    for c in closed:
        closes[c.source].append(c)
    for d in won:
        wins[d.source].append(d)
    out: list[SourceStats] = []
    for source in set(cohorts) | set(closes) | set(wins):
        mine = cohorts[source]
        rate = win_rate(ladder, closes[source])
        deals = wins[source]
        out.append(
            SourceStats(
                source,
                sum(g.leads for g in mine),
                lead_to_opportunity(ladder, mine),
                rate,
                rate.numerator,
                rate.denominator - rate.numerator,
                deal_sizes(deals),
                sales_cycle(deals),
            )
        )
    return sorted(out, key=lambda s: (-s.leads, -s.won, *_source_key(s.source)))


# --------------------------------------------------------------------------- cycle


class StageTimeGroup(NamedTuple):
    """Won deals that spent time at a stage: how many, and their total seconds there."""

    stage_id: int
    deals: int
    seconds: int


class StageTime(NamedTuple):
    stage: Stage
    deals: int
    average_days: Fraction | None


def time_in_stages(ladder: Ladder, groups: Iterable[StageTimeGroup]) -> list[StageTime]:
    """Mean days a won deal spent at each open stage (over the won deals that were at it)."""
    found = {g.stage_id: g for g in groups}
    out: list[StageTime] = []
    for stage in ladder.open:
        g = found.get(stage.id)
        n = g.deals if g else 0
        out.append(StageTime(stage, n, days(ratio(g.seconds, n)) if g else None))
    return out


# --------------------------------------------------------------------------- lost


class LostGroup(NamedTuple):
    reason: str | None
    currency: str
    deals: int
    with_amount: int
    amount_cents: int


class LostValue(NamedTuple):
    currency: str
    deals: int
    with_amount: int
    amount_cents: int


class LostReason(NamedTuple):
    reason: str | None
    deals: int
    share: Rate
    by_currency: list[LostValue]


def lost_reasons(groups: Iterable[LostGroup]) -> list[LostReason]:
    """Deals lost in the period by reason (most first), with their value per currency."""
    groups = list(groups)
    total = sum(g.deals for g in groups)
    per: dict[str | None, list[LostGroup]] = defaultdict(list)
    for g in groups:
        per[g.reason].append(g)
    out = [
        LostReason(
            reason,
            sum(g.deals for g in mine),
            Rate(sum(g.deals for g in mine), total),
            [
                LostValue(g.currency, g.deals, g.with_amount, g.amount_cents)
                for g in sorted(mine, key=lambda g: g.currency)
            ],
        )
        for reason, mine in per.items()
    ]
    return sorted(out, key=lambda r: (-r.deals, *_source_key(r.reason)))


# --------------------------------------------------------------------------- paths


class PathTotals(NamedTuple):
    """Closed deals of one source and outcome: how many, and their actions before closing."""

    source: str | None
    won: bool
    deals: int
    actions: int


class PathTypeGroup(NamedTuple):
    """Closed deals of one source and outcome that had at least one action of ``type``."""

    source: str | None
    won: bool
    type: str
    deals: int


class SequenceGroup(NamedTuple):
    """Closed deals whose first (up to) three actions were ``sequence``."""

    source: str | None
    won: bool
    sequence: tuple[str, ...]
    deals: int


class ActionType(NamedTuple):
    type: str
    won_with: Rate  # won deals that had it / won deals
    lost_with: Rate  # lost deals that had it / lost deals
    win_rate_with: Rate
    win_rate_without: Rate


class CommonSequence(NamedTuple):
    sequence: tuple[str, ...]
    share: Rate  # deals with this start / deals of that outcome with at least one action


class PathStats(NamedTuple):
    source: str | None  # None for the whole (when not per source) -- see ``Paths``
    won: int
    lost: int
    win_rate: Rate
    actions_before_win: Fraction | None
    actions_before_loss: Fraction | None
    types: list[ActionType]
    won_sequences: list[CommonSequence]
    lost_sequences: list[CommonSequence]

    @property
    def small_sample(self) -> bool:
        return self.won + self.lost < SMALL_SAMPLE


class Paths(NamedTuple):
    overall: PathStats
    by_source: list[PathStats]


def _path_stats(
    source: str | None,
    totals: Sequence[PathTotals],
    types: Sequence[PathTypeGroup],
    sequences: Sequence[SequenceGroup],
) -> PathStats:
    won = sum(t.deals for t in totals if t.won)
    lost = sum(t.deals for t in totals if not t.won)
    won_actions = sum(t.actions for t in totals if t.won)
    lost_actions = sum(t.actions for t in totals if not t.won)
    with_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in types:
        with_type[g.type][0 if g.won else 1] += g.deals
    action_types = [
        ActionType(
            name,
            Rate(w, won),
            Rate(lo, lost),
            Rate(w, w + lo),
            Rate(won - w, won + lost - w - lo),
        )
        for name, (w, lo) in with_type.items()
    ]
    action_types.sort(key=lambda a: (-(a.win_rate_with.denominator), a.type))

    def common(outcome: bool) -> list[CommonSequence]:
        counts: dict[tuple[str, ...], int] = defaultdict(int)
        for g in sequences:
            if g.won is outcome:
                counts[g.sequence] += g.deals
        base = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SEQUENCES]
        return [CommonSequence(seq, Rate(n, base)) for seq, n in ranked]

    return PathStats(
        source,
        won,
        lost,
        Rate(won, won + lost),
        ratio(won_actions, won),
        ratio(lost_actions, lost),
        action_types,
        common(True),
        common(False),
    )


def paths(
    totals: Iterable[PathTotals],
    types: Iterable[PathTypeGroup],
    sequences: Iterable[SequenceGroup],
) -> Paths:
    """Which paths win: per action type, per first-three-action sequence, overall and per source."""
    totals, types, sequences = list(totals), list(types), list(sequences)
    overall = _path_stats(None, totals, types, sequences)
    sources = {t.source for t in totals}
    per_source = [
        _path_stats(
            s,
            [t for t in totals if t.source == s],
            [t for t in types if t.source == s],
            [q for q in sequences if q.source == s],
        )
        for s in sources
    ]
    per_source.sort(key=lambda p: (-(p.won + p.lost), *_source_key(p.source)))
    return Paths(overall, per_source)
