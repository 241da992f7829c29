"""Deals closed in the period and deals open now: win rate, deal sizes, cycle, open
opportunities, velocity, and the same per source; time in stages; why deals were lost.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import NamedTuple

from funnelcli.kpis.funnel import lead_to_opportunity
from funnelcli.kpis.numbers import Number, Rate, days, mean, median, ratio
from funnelcli.kpis.rows import (
    ClosedGroup,
    CohortGroup,
    LostGroup,
    OpenGroup,
    StageTimeGroup,
    WonDeal,
    source_order,
)
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline


def win_rate(pipeline: Pipeline, groups: Iterable[ClosedGroup]) -> Rate:
    """Won ÷ (won + lost opportunities) among the deals closed in the period."""
    won = lost = 0
    for g in groups:
        if g.won:
            won += g.deals
        elif pipeline.reached(g.peak, pipeline.opportunity):
            lost += g.deals
    return Rate(won, won + lost)


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
    estimated: int = 0  # won deals left out: their created or close date was estimated


def sales_cycle(won: Iterable[WonDeal]) -> Cycle:
    """Mean and median days from creation to the win, over the deals whose two dates are
    real (an estimated date makes an invented cycle: those deals are counted apart)."""
    seconds: list[int] = []
    estimated = 0
    for deal in won:
        if deal.cycle_seconds is None:
            estimated += 1
        else:
            seconds.append(deal.cycle_seconds)
    return Cycle(len(seconds), days(mean(seconds)), days(median(seconds)), estimated)


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


def open_opportunities(pipeline: Pipeline, groups: Iterable[OpenGroup]) -> OpenOpportunities:
    """Open leads now at or past the opportunity stage; weighted with override or stage default."""
    eligible = set(pipeline.opportunity_ids())
    per: dict[str, list[Number]] = defaultdict(lambda: [0, 0, 0, Fraction(0)])
    for g in groups:
        if g.stage_id not in eligible:
            continue
        percent = (
            g.probability if g.probability is not None else pipeline.by_id(g.stage_id).probability
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
    """Open opportunities × win rate × average won deal ÷ average cycle, per currency; ``None``
    where it is undefined, or where the open opportunities of the currency have no amount at
    all (the open total is 0: a velocity beside it would be invented)."""
    averages = {s.currency: s.average for s in sizes}
    out: list[Velocity] = []
    for currency in sorted({c.currency for c in opportunities.by_currency} | set(averages)):
        opened = opportunities.in_currency(currency)
        count = opened.deals if opened else 0
        average = averages.get(currency)
        per_day = None
        # Open deals without any amount: no velocity (not count × the average won deal).
        unknown = opened is not None and opened.deals > 0 and not opened.with_amount
        if rate.value is not None and average is not None and cycle.average_days and not unknown:
            per_day = count * rate.value * average / cycle.average_days
        out.append(Velocity(currency, count, rate.value, average, cycle.average_days, per_day))
    return out


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
    pipeline: Pipeline,
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
        rate = win_rate(pipeline, closes[source])
        deals = wins[source]
        out.append(
            SourceStats(
                source,
                sum(g.leads for g in mine),
                lead_to_opportunity(pipeline, mine),
                rate,
                rate.numerator,
                rate.denominator - rate.numerator,
                deal_sizes(deals),
                sales_cycle(deals),
            )
        )
    return sorted(out, key=lambda s: (-s.leads, -s.won, *source_order(s.source)))


class StageTime(NamedTuple):
    stage: Stage
    deals: int
    average_days: Fraction | None


def time_in_stages(pipeline: Pipeline, groups: Iterable[StageTimeGroup]) -> list[StageTime]:
    """Mean days a won deal spent at each open stage (over the won deals that were at it)."""
    found = {g.stage_id: g for g in groups}
    out: list[StageTime] = []
    for stage in pipeline.open:
        g = found.get(stage.id)
        n = g.deals if g else 0
        out.append(StageTime(stage, n, days(ratio(g.seconds, n)) if g else None))
    return out


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
    return sorted(out, key=lambda r: (-r.deals, *source_order(r.reason)))
