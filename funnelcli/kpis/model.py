"""``--method model``: the forecast as the sum of parts each learnt from the user's history.

(a) open deals with their own amount and (a') with an estimated amount, each × the probability
that a deal at its stage is won within the forecast window, placed at its expected close; (n)
new business, from deals not created yet; (b) recurring billings, at most 12 months of them;
(c) already won. The formulas are in docs/forecast.md.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from math import ceil
from typing import Literal, NamedTuple

from funnelcli.kpis.forecast import (
    Forecast,
    ForecastBucket,
    Span,
    combine,
    forecast,
)
from funnelcli.kpis.rows import (
    AmountGroup,
    DelayGroup,
    ModelOpenGroup,
    RecurringGroup,
    WonGroup,
)
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline

#: A stage's rate is learnt when at least this many deals entered it with the window observed.
MODEL_MINIMUM = 20
#: Recurring deals without a term count at most this many months of billings.
MONTHS_BILLED = 12
#: The lead rate of new business is measured over this many months before today.
RATE_MONTHS = 6
#: Deal amounts are estimated from the deals won in this many months before today.
AMOUNT_MONTHS = 12


class Window(NamedTuple):
    """The forecast window in days from today: ``[start, end)`` (start > 0 when it begins
    later, as next quarter's)."""

    start: int
    end: int

    @property
    def days(self) -> int:
        return max(0, self.end - self.start)


def window(today: date, first: date, last: date) -> Window:
    return Window(max(0, (first - today).days), max(0, (last - today).days + 1))


class Cohort(NamedTuple):
    """Deals that entered a stage (or were created) with the whole window observed since, and
    how many of them were won within the window's days after the entry."""

    observed: int
    won: int
    median_days: Fraction | None  # from the entry to the win, every won deal

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.won, self.observed) if self.observed else None


def cohorts(groups: Iterable[DelayGroup], span: Window) -> dict[int, Cohort]:
    """Per stage id (0: created leads): the cohort of the window, and the median delay."""
    counts: dict[int, list[int]] = {}
    delays: dict[int, dict[int, int]] = {}
    for g in groups:
        row = counts.setdefault(g.stage_id, [0, 0])
        if g.observed:
            row[0] += g.deals
            if g.days is not None and span.start <= g.days < span.end:
                row[1] += g.deals
        if g.days is not None:
            hist = delays.setdefault(g.stage_id, {})
            hist[g.days] = hist.get(g.days, 0) + g.deals
    return {
        stage: Cohort(n, won, median(delays.get(stage, {}))) for stage, (n, won) in counts.items()
    }


def median(histogram: Mapping[int, int]) -> Fraction | None:
    """The median of values given as value → how many (mean of the middle two when even)."""
    total = sum(histogram.values())
    if not total:
        return None
    middle: list[int] = []
    seen = 0
    for value in sorted(histogram):
        before = seen
        seen += histogram[value]
        for rank in ((total - 1) // 2, total // 2):
            if before <= rank < seen:
                middle.append(value)
    return Fraction(middle[0] + middle[-1], 2)


class ModelStage(NamedTuple):
    stage: Stage
    default: Fraction  # the stage's configured probability, 0..1
    cohort: Cohort
    used: Literal["model", "stage"]

    @property
    def value(self) -> Fraction:
        rate = self.cohort.rate
        return rate if self.used == "model" and rate is not None else self.default


def model_stages(pipeline: Pipeline, found: Mapping[int, Cohort]) -> list[ModelStage]:
    out = []
    for stage in pipeline.open:
        cohort = found.get(stage.id, Cohort(0, 0, None))
        used: Literal["model", "stage"] = "model" if cohort.observed >= MODEL_MINIMUM else "stage"
        out.append(ModelStage(stage, Fraction(stage.probability, 100), cohort, used))
    return out


class Amounts(NamedTuple):
    """Median won amount (cents) per (source, currency) and per currency."""

    by_source: dict[tuple[str | None, str], Fraction]
    by_currency: dict[str, Fraction]

    def estimate(self, source: str | None, currency: str) -> Fraction | None:
        found = self.by_source.get((source, currency))
        return found if found is not None else self.by_currency.get(currency)


def amounts(groups: Iterable[AmountGroup]) -> Amounts:
    by_source: dict[tuple[str | None, str], dict[int, int]] = {}
    by_currency: dict[str, dict[int, int]] = {}
    for g in groups:
        for hist in (
            by_source.setdefault((g.source, g.currency), {}),
            by_currency.setdefault(g.currency, {}),
        ):
            hist[g.amount_cents] = hist.get(g.amount_cents, 0) + g.deals
    return Amounts(
        {k: m for k, h in by_source.items() if (m := median(h)) is not None},
        {k: m for k, h in by_currency.items() if (m := median(h)) is not None},
    )


class NewBusiness(NamedTuple):
    currency: str
    leads: int  # created in the last RATE_MONTHS months
    leads_per_month: Fraction
    median_amount: Fraction | None  # cents
    revenue: Fraction  # cents, over the window


class ModelFacts(NamedTuple):
    """What the model learnt, shown beside its figures."""

    window: Window
    stages: list[ModelStage]
    new_leads: Cohort
    new_rate: Fraction  # the new leads' rate used (the first stage's default below minimum)
    new_business: list[NewBusiness]
    unplaced: int  # open deals with neither an amount nor an estimate, or no close to place
    capped: int  # recurring deals that would bill in the window after their 12 months


def model_forecast(
    spans: Sequence[Span],
    today: date,
    stages: Sequence[ModelStage],
    open_groups: Iterable[ModelOpenGroup],
    estimates: Amounts,
    new_leads: tuple[Cohort, Fraction, Mapping[str, int], int],
    recurring: Iterable[RecurringGroup],
    won: Iterable[WonGroup],
) -> Forecast:
    """Every part of the model per bucket and currency (``new_leads``: the created leads'
    cohort, the rate used, the leads created per currency over the last ``RATE_MONTHS``
    months, and that span's days)."""
    recurring = list(recurring)
    base = forecast(spans, today, [], [], recurring, won, MONTHS_BILLED)
    buckets = base.buckets
    cohort, new_rate, created, rate_days = new_leads
    if not buckets:
        facts = ModelFacts(Window(0, 0), list(stages), cohort, new_rate, [], 0, 0)
        return base._replace(model=facts)
    first, last = buckets[0].start, buckets[-1].end
    span = window(today, max(today, first), last)
    by_stage = {s.stage.id: s for s in stages}
    overrides = unplaced = 0
    for g in open_groups:
        stage = by_stage.get(g.stage_id)
        if stage is None or not span.days:
            continue
        close = g.expected_close
        if close is None or close < today:  # no date of its own to place it: the stage's
            if stage.cohort.median_days is None:
                unplaced += g.deals
                continue
            close = today + timedelta(days=ceil(stage.cohort.median_days))
        bucket = _bucket_of(buckets, close)
        if bucket is None:
            continue
        p = Fraction(g.probability, 100) if g.probability is not None else stage.value
        overrides += g.deals if g.probability is not None else 0
        line = bucket.line(g.currency)
        line.pipeline += g.amount_cents * p
        line.pipeline_deals += g.with_amount
        missing = g.deals - g.with_amount
        guess = estimates.estimate(g.source, g.currency) if missing else None
        if guess is None:
            unplaced += missing
            continue
        line.estimated += missing * guess * p
        line.estimated_deals += missing
    news = _new_business(buckets, today, span, estimates, new_rate, created, rate_days)
    capped = base.capped
    totals = combine(buckets, "total", first, last)
    facts = ModelFacts(span, list(stages), cohort, new_rate, news, unplaced, capped)
    return Forecast(buckets, totals.by_currency, [], overrides, facts, capped)


def _bucket_of(buckets: Sequence[ForecastBucket], day: date) -> ForecastBucket | None:
    return next((b for b in buckets if b.start <= day <= b.end), None)


def _new_business(
    buckets: Sequence[ForecastBucket],
    today: date,
    span: Window,
    estimates: Amounts,
    rate: Fraction,
    created: Mapping[str, int],
    rate_days: int,
) -> list[NewBusiness]:
    """Leads created per day lately × the window's days × their win-within-window rate × the
    currency's median won amount, spread over the buckets by their days in the window."""
    out = []
    start, end = today + timedelta(days=span.start), today + timedelta(days=span.end)
    for currency in sorted(created):
        leads = created[currency]
        amount = estimates.by_currency.get(currency)
        revenue = Fraction(0)
        if amount is not None and rate_days and span.days:
            revenue = Fraction(leads, rate_days) * span.days * rate * amount
            for bucket in buckets:
                days = (min(end, bucket.end + timedelta(days=1)) - max(start, bucket.start)).days
                if days > 0:
                    bucket.line(currency).new_business += revenue * days / span.days
        out.append(NewBusiness(currency, leads, Fraction(leads, RATE_MONTHS), amount, revenue))
    return out
