"""``--method model``: the forecast as the sum of parts each learnt from the user's history.

(a) open deals with their own amount and (a') with an estimated amount, each × the probability
that a deal at its stage is won within the forecast window, placed at its expected close; (n)
new business, from deals not created yet; (b) recurring billings, at most 12 months of them;
(c) already won. The formulas are in docs/forecast.md.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal, NamedTuple

from funnelcli.kpis.forecast import (
    Forecast,
    ForecastBucket,
    Span,
    add_months,
    combine,
    forecast,
)
from funnelcli.kpis.rows import (
    AmountGroup,
    CutOffGroup,
    ModelOpenGroup,
    RecurringGroup,
    WonGroup,
)
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline

#: A rate is learnt when at least this many deals were observed at the reference cut-offs.
MODEL_MINIMUM = 20
#: Recurring deals without a term count at most this many months of billings.
MONTHS_BILLED = 12
#: The lead rate of new business is measured over this many months before today.
RATE_MONTHS = 6
#: Deal amounts are estimated from the deals won in this many months before today.
AMOUNT_MONTHS = 12
#: The reference cut-offs: one every this many days…
REFERENCE_STEP = 7
#: …over this many months, the latest one the window's length before today.
REFERENCE_MONTHS = 6
#: A cohort smaller than :data:`MODEL_MINIMUM` weighs as much as this many deals at the rate
#: above it (:func:`shrunk`; chosen on backtests, docs/forecast.md).
SHRINK = 40
#: Age bands of an open deal, by its days at its stage: [0, 30), [30, 90), 90 and more.
AGE_BANDS = (30, 90)


def age_bands() -> list[tuple[int, int | None]]:
    """The age bands as (from, to) days at the stage (``to`` None: no limit)."""
    limits = (0, *AGE_BANDS)
    return [(low, limits[n + 1] if n + 1 < len(limits) else None) for n, low in enumerate(limits)]


class Window(NamedTuple):
    """Days from today: ``[start, end)`` (start > 0 when it begins later, as next quarter's)."""

    start: int
    end: int

    @property
    def days(self) -> int:
        return max(0, self.end - self.start)


def window(today: date, first: date, last: date) -> Window:
    return Window(max(0, (first - today).days), max(0, (last - today).days + 1))


def parts_of(today: date, buckets: Sequence[ForecastBucket], span: Window) -> list[Window]:
    """Each bucket's part of the window (an empty one for a bucket already over)."""
    out = []
    for b in buckets:
        part = window(today, max(today, b.start), b.end)
        out.append(Window(max(part.start, span.start), max(part.start, span.start, part.end)))
    return out


def reference_days(today: date, span: Window) -> list[date]:
    """The past cut-offs the rates are learnt at: every :data:`REFERENCE_STEP` days back from
    the last day whose whole window is over by today, over :data:`REFERENCE_MONTHS` months."""
    day = today - timedelta(days=span.end)
    first = add_months(day, -REFERENCE_MONTHS)
    out = []
    while day >= first:
        out.append(day)
        day -= timedelta(days=REFERENCE_STEP)
    return out


class Cohort(NamedTuple):
    """Deals observed at a stage at the reference cut-offs (once per cut-off), and how many of
    them were won within each part of the window after the cut-off."""

    observed: int
    won: tuple[int, ...]

    @property
    def won_total(self) -> int:
        return sum(self.won)

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.won_total, self.observed) if self.observed else None

    def rates(self) -> list[Fraction]:
        return [Fraction(w, self.observed) if self.observed else Fraction(0) for w in self.won]


def cohorts(
    groups: Iterable[CutOffGroup], parts: Sequence[Window]
) -> dict[tuple[int, int | None], Cohort]:
    """Per (stage id, age band) and per (stage id, None) for every band: the cohort."""
    found: dict[tuple[int, int | None], list[int]] = {}
    for g in groups:
        for key in ((g.stage_id, g.band), (g.stage_id, None)):
            row = found.setdefault(key, [0] * (len(parts) + 1))
            row[0] += g.deals
            for n, part in enumerate(parts):
                if g.days is not None and part.start <= g.days < part.end:
                    row[n + 1] += g.deals
    return {key: Cohort(row[0], tuple(row[1:])) for key, row in found.items()}


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


def shrunk(cohort: Cohort, prior: Sequence[Fraction]) -> list[Fraction]:
    """Per part of the window, a small cohort's rate shrunk toward ``prior`` (the rate of the
    level above it): ``(won + SHRINK × prior) / (observed + SHRINK)``, as if :data:`SHRINK`
    more deals had been seen winning at the prior's rate; no deal seen: the prior."""
    n = cohort.observed
    return [(w + SHRINK * p) / (n + SHRINK) for w, p in zip(cohort.won, prior, strict=True)]


def spread(p: Fraction, parts: Sequence[Window]) -> list[Fraction]:
    """``p`` over the parts of the window by their days."""
    days = sum(part.days for part in parts)
    return [p * part.days / days if days else Fraction(0) for part in parts]


class ModelStage(NamedTuple):
    stage: Stage
    default: Fraction  # the stage's configured probability, 0..1
    cohort: Cohort  # every age band
    bands: tuple[Cohort, ...]  # per age band
    used: Literal["model", "stage"]

    @property
    def value(self) -> Fraction:
        """The chance over the whole window: the stage's rate, else its default shrunk toward
        the few deals seen (:func:`shrunk`)."""
        rate = self.cohort.rate
        if self.used == "model" and rate is not None:
            return rate
        return (self.cohort.won_total + SHRINK * self.default) / (self.cohort.observed + SHRINK)

    def learnt(self, band: int) -> bool:
        """Whether a deal of this age band gets a rate learnt from history."""
        return self.used == "model" or (
            band < len(self.bands) and self.bands[band].observed >= MODEL_MINIMUM
        )

    def rates(self, band: int, parts: Sequence[Window]) -> list[Fraction]:
        """Per part of the window: the chance a deal of this age band is won within it: its
        band's rate when the band is large enough; else, when the stage is, the band's shrunk
        toward the stage's; else the stage's shrunk toward its default spread by days."""
        if band < len(self.bands) and self.bands[band].observed >= MODEL_MINIMUM:
            return self.bands[band].rates()
        if self.used == "model":
            stage = self.cohort.rates()
            return shrunk(self.bands[band], stage) if band < len(self.bands) else stage
        return shrunk(self.cohort, spread(self.default, parts))


def model_stages(
    pipeline: Pipeline, found: Mapping[tuple[int, int | None], Cohort], parts: int
) -> list[ModelStage]:
    empty = Cohort(0, (0,) * parts)
    out = []
    for stage in pipeline.open:
        cohort = found.get((stage.id, None), empty)
        bands = tuple(found.get((stage.id, b), empty) for b in range(len(AGE_BANDS) + 1))
        used: Literal["model", "stage"] = "model" if cohort.observed >= MODEL_MINIMUM else "stage"
        out.append(ModelStage(stage, Fraction(stage.probability, 100), cohort, bands, used))
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
        {k: m for k, h in by_source.items() if (m := mean(h)) is not None},
        {k: m for k, h in by_currency.items() if (m := mean(h)) is not None},
    )


def mean(histogram: Mapping[int, int]) -> Fraction | None:
    """The mean of values given as value → how many."""
    total = sum(histogram.values())
    return Fraction(sum(v * n for v, n in histogram.items()), total) if total else None


class NewBusiness(NamedTuple):
    currency: str
    leads: int  # created in the last RATE_MONTHS months
    leads_per_month: Fraction
    mean_amount: Fraction | None  # cents, of the currency's won deals
    revenue: Fraction  # cents, over the window


class NewLeads(NamedTuple):
    """What new business is computed from."""

    cohort: Cohort  # leads created after the reference cut-offs, won within the window
    created: Mapping[str, int]  # leads created per currency over the last RATE_MONTHS months
    rate_days: int  # the days of those months
    window_days: Fraction  # from now to the window's end: when new leads can still come


class ModelFacts(NamedTuple):
    """What the model learnt, shown beside its figures."""

    window: Window
    references: int  # past cut-offs learnt at
    stages: list[ModelStage]
    new_leads: Cohort
    new_rate: Fraction  # the new leads' rate used (the first stage's default below minimum)
    new_business: list[NewBusiness]
    unplaced: int  # open deals with neither an amount nor an estimate
    capped: int  # recurring deals that would bill in the window after their 12 months


def model_forecast(
    spans: Sequence[Span],
    today: date,
    stages: Sequence[ModelStage],
    open_groups: Iterable[ModelOpenGroup],
    estimates: Amounts,
    new_leads: NewLeads,
    recurring: Iterable[RecurringGroup],
    won: Iterable[WonGroup],
    references: int = 0,
) -> Forecast:
    """Every part of the model per bucket and currency (docs/forecast.md)."""
    recurring = list(recurring)
    base = forecast(spans, today, [], [], recurring, won, MONTHS_BILLED)
    buckets = base.buckets
    first_default = stages[0].default if stages else Fraction(0)
    cohort = new_leads.cohort
    new_rate = cohort.rate if cohort.observed >= MODEL_MINIMUM else None
    if not buckets:
        facts = ModelFacts(Window(0, 0), 0, list(stages), cohort, first_default, [], 0, 0)
        return base._replace(model=facts)
    first, last = buckets[0].start, buckets[-1].end
    span = window(today, max(today, first), last)
    parts = parts_of(today, buckets, span)
    by_stage = {s.stage.id: s for s in stages}
    overrides = unplaced = 0
    for g in _merged(open_groups, buckets, today):
        stage = by_stage.get(g.stage_id)
        if stage is None or not span.days:
            continue
        rates = stage.rates(g.band, parts)
        if g.probability is not None:
            overrides += g.deals
            rates = spread(Fraction(g.probability, 100), parts)
        rates = _placed(rates, buckets, today, g.expected_close, stage.learnt(g.band))
        missing = g.deals - g.with_amount
        guess = estimates.estimate(g.source, g.currency) if missing else None
        if missing and guess is None:
            unplaced += missing
        for bucket, p in zip(buckets, rates, strict=True):
            if not p:
                continue
            line = bucket.line(g.currency)
            line.pipeline += g.amount_cents * p
            line.pipeline_deals += g.with_amount
            if guess is not None:
                line.estimated += missing * guess * p
                line.estimated_deals += missing
    new_rates = (
        cohort.rates() if new_rate is not None else shrunk(cohort, spread(first_default, parts))
    )
    news = _new_business(buckets, new_rates, estimates, new_leads)
    capped = base.capped
    totals = combine(buckets, "total", first, last)
    used_rate = sum(new_rates, Fraction(0))
    facts = ModelFacts(span, references, list(stages), cohort, used_rate, news, unplaced, capped)
    return Forecast(buckets, totals.by_currency, [], overrides, facts, capped)


def _merged(
    groups: Iterable[ModelOpenGroup], buckets: Sequence[ForecastBucket], today: date
) -> list[ModelOpenGroup]:
    """The groups that are weighed alike summed into one: same stage, band, source, currency
    and override, expected close in the same bucket (or none, past, or in no bucket: see
    :func:`_placed`). Exact, as the sums are of integers times the same Fraction; it spares
    the Fraction arithmetic of one group per expected close date."""
    merged: dict[tuple[int, int, str | None, str, date | None, int | None], list[int]] = {}
    for g in groups:
        close = g.expected_close
        if close is not None and close < today:
            close = None
        elif close is not None:
            own = next((b for b in buckets if b.start <= close <= b.end), None)
            close = date.max if own is None else max(today, own.start)
        row = merged.setdefault(
            (g.stage_id, g.band, g.source, g.currency, close, g.probability), [0, 0, 0]
        )
        row[0] += g.deals
        row[1] += g.with_amount
        row[2] += g.amount_cents
    return [ModelOpenGroup(*key, *row) for key, row in merged.items()]


def _placed(
    rates: list[Fraction],
    buckets: Sequence[ForecastBucket],
    today: date,
    close: date | None,
    learnt: bool,
) -> list[Fraction]:
    """A deal's chances per bucket, given its own expected close: a date in the window puts the
    window's whole chance in its bucket; a date after the window leaves a learnt rate as it is
    (the history says how often such dates slip) but rules out a stage default (the weighted
    pipeline's rule); no date, or one already past, leaves the rates as they are."""
    if close is None or close < today:
        return rates
    own = next((n for n, b in enumerate(buckets) if b.start <= close <= b.end), None)
    if own is None:
        return rates if learnt else [Fraction(0)] * len(rates)
    total = sum(rates, Fraction(0))
    return [total if n == own else Fraction(0) for n in range(len(rates))]


def _new_business(
    buckets: Sequence[ForecastBucket],
    rates: Sequence[Fraction],
    estimates: Amounts,
    new: NewLeads,
) -> list[NewBusiness]:
    """Leads created per day lately × the days until the window's end × their chance of being
    won within each part of the window × the currency's estimated amount."""
    out = []
    for currency in sorted(new.created):
        leads = new.created[currency]
        amount = estimates.by_currency.get(currency)
        revenue = Fraction(0)
        if amount is not None and new.rate_days:
            expected = Fraction(leads, new.rate_days) * new.window_days
            for bucket, rate in zip(buckets, rates, strict=True):
                if rate:
                    bucket.line(currency).new_business += expected * rate * amount
                    revenue += expected * rate * amount
        out.append(NewBusiness(currency, leads, Fraction(leads, RATE_MONTHS), amount, revenue))
    return out
