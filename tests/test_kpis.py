"""KPI and forecast math on small scenarios, expected figures worked out by hand in comments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from kpi_definitions import peak_rank, stage_stays

from funnelcli.kpis.deals import (
    Cycle,
    by_source,
    deal_sizes,
    lost_reasons,
    open_opportunities,
    sales_cycle,
    sales_velocity,
    time_in_stages,
    win_rate,
)
from funnelcli.kpis.forecast import (
    Span,
    add_months,
    billing_dates,
    combine,
    forecast,
    left_out,
    left_out_counts,
    stage_probabilities,
)
from funnelcli.kpis.funnel import funnel, lead_to_opportunity, leads_by_bucket
from funnelcli.kpis.numbers import Rate, mean, median, ratio, round_rate, to_cents
from funnelcli.kpis.paths import paths
from funnelcli.kpis.rows import (
    ClosedGroup,
    CohortGroup,
    LostGroup,
    OpenDeal,
    OpenGroup,
    PathTotals,
    PathTypeGroup,
    PipelineGroup,
    RecurringGroup,
    SequenceGroup,
    StageTimeGroup,
    WonDeal,
    WonGroup,
)
from funnelcli.models import Stage, StageKind
from funnelcli.pipeline import Pipeline

# The default pipeline: ids 1..7, ranks 0..6 (won after every open stage, lost last).
NEW, CONTACTED, QUALIFIED, PROPOSAL, NEGOTIATION, WON, LOST = range(1, 8)
STAGES = (
    Stage(NEW, "new", 1, 5, StageKind.OPEN, False),
    Stage(CONTACTED, "contacted", 2, 10, StageKind.OPEN, False),
    Stage(QUALIFIED, "qualified", 3, 25, StageKind.OPEN, True),
    Stage(PROPOSAL, "proposal", 4, 50, StageKind.OPEN, False),
    Stage(NEGOTIATION, "negotiation", 5, 75, StageKind.OPEN, False),
    Stage(WON, "won", 6, 100, StageKind.WON, False),
    Stage(LOST, "lost", 7, 0, StageKind.LOST, False),
)
LADDER = Pipeline(STAGES)
DAY = 86_400


# --------------------------------------------------------------------------- numbers


def test_ratio_mean_median_and_rounding():
    assert ratio(1, 0) is None  # a zero denominator is "undefined", never an error
    assert ratio(0, 0) is None
    assert ratio(2, 4) == Fraction(1, 2)
    assert mean([]) is None and median([]) is None
    assert mean([1, 2, 4]) == Fraction(7, 3)
    assert median([5, 1, 3]) == 3
    assert median([100, 201]) == Fraction(301, 2)  # even count: mean of the middle two
    assert to_cents(Fraction(301, 2)) == 151  # 150.5 cents -> 151 (halves away from 0)
    assert to_cents(Fraction(-301, 2)) == -151
    assert to_cents(Fraction(1001, 10)) == 100
    assert round_rate(Fraction(2, 3)) == 0.6667
    assert round_rate(None) is None
    assert Rate(3, 0).value is None and Rate(3, 9).small_sample and not Rate(3, 10).small_sample


# --------------------------------------------------------------------------- reached


def test_peak_rank_skips_backwards_reopened_and_lost_only():
    # A: new -> qualified (skips contacted) -> won: won counts as reaching everything.
    assert peak_rank(LADDER, [NEW, QUALIFIED, WON]) == 5
    # B: new -> contacted -> proposal -> contacted (moved back): keeps proposal (rank 3).
    assert peak_rank(LADDER, [NEW, CONTACTED, PROPOSAL, CONTACTED]) == 3
    # C: new -> lost: lost never counts, the peak is new (0).
    assert peak_rank(LADDER, [NEW, LOST]) == 0
    # D: new -> qualified -> lost -> reopened at contacted: qualified (2).
    assert peak_rank(LADDER, [NEW, QUALIFIED, LOST, CONTACTED]) == 2
    # E: created directly as lost: reached nothing.
    assert peak_rank(LADDER, [LOST]) is None
    # F: new -> won -> reopened at negotiation -> lost: it was won once: rank 5.
    assert peak_rank(LADDER, [NEW, WON, NEGOTIATION, LOST]) == 5


def _cohort(peaks: list[int | None], source: str | None = "web") -> list[CohortGroup]:
    return [CohortGroup("2026-11", source, p, 1) for p in peaks]


#: Peaks of the six leads A..F above.
SIX = [5, 3, 0, 2, None, 5]


def test_funnel_counts_each_lead_at_every_stage_up_to_its_peak():
    # reached: new  = every lead created, E too (only ever lost: issue 18) = 6
    #          contacted = A B D F (C stopped at new)        = 4 (B, D: skipped or went back)
    #          qualified = A B D F                           = 4
    #          proposal  = A B F                             = 3
    #          negotiation = A F (A skipped it, F won once)   = 2
    #          won = A F                                     = 2
    steps = funnel(LADDER, _cohort(SIX))
    assert steps.leads == 6
    assert [(s.stage.name, s.reached) for s in steps.steps] == [
        ("new", 6),
        ("contacted", 4),
        ("qualified", 4),
        ("proposal", 3),
        ("negotiation", 2),
        ("won", 2),
    ]
    conversions = [s.conversion.value if s.conversion else None for s in steps.steps]
    # 4/6, 4/4, 3/4, 2/3, 2/2; the first step has no previous one
    assert conversions == [None, Fraction(4, 6), 1, Fraction(3, 4), Fraction(2, 3), 1]
    assert steps.steps[0].of_created == Rate(6, 6)


def test_lead_to_opportunity_rate():
    # reached qualified (the opportunity stage): A, B, D, F = 4 of the 6 created
    assert lead_to_opportunity(LADDER, _cohort(SIX)) == Rate(4, 6)


def test_zero_leads_give_undefined_rates_not_errors():
    steps = funnel(LADDER, [])
    assert steps.leads == 0
    assert all(s.reached == 0 and s.of_created.value is None for s in steps.steps)
    assert lead_to_opportunity(LADDER, []).value is None
    assert win_rate(LADDER, []).value is None


def test_leads_by_bucket_lists_every_bucket_and_sources_by_volume():
    groups = [
        CohortGroup("2026-10", "web", 0, 2),
        CohortGroup("2026-10", None, 1, 1),
        CohortGroup("2026-11", "web", 2, 1),
        CohortGroup("2026-11", "referral", 0, 1),
        CohortGroup("2026-11", "web", 0, 1),
    ]
    leads = leads_by_bucket(["2026-09", "2026-10", "2026-11"], groups)
    # web 4, then (none) 1 and referral 1: equals are sorted by name, "(none)" last
    assert leads.sources == ["web", "referral", None]
    assert leads.count("2026-11", "web") == 2
    assert leads.bucket_total("2026-09") == 0  # an empty month is still listed
    assert leads.bucket_total("2026-10") == 3
    assert leads.total == 6


# --------------------------------------------------------------------------- closed deals


def test_win_rate_counts_only_lost_deals_that_were_opportunities():
    groups = [
        ClosedGroup("web", True, 5, 3),  # 3 won (a won deal always reached the opportunity)
        ClosedGroup("web", False, 0, 1),  # lost at new: never an opportunity
        ClosedGroup("web", False, 3, 2),  # lost after proposal: 2 lost opportunities
        ClosedGroup("web", False, None, 1),  # created as lost
    ]
    # 3 won / (3 won + 2 lost opportunities) = 0.6
    assert win_rate(LADDER, groups) == Rate(3, 5)


def test_deal_sizes_per_currency_never_mixed():
    won = [
        WonDeal("web", "CAD", 100_000, 10 * DAY),
        WonDeal("web", "CAD", 200_000, 20 * DAY),
        WonDeal("referral", "CAD", 400_001, 45 * DAY),
        WonDeal("web", "CAD", None, 5 * DAY),  # won without an amount: counted, not averaged
        WonDeal("web", "USD", 50_000, 5 * DAY),
    ]
    cad, usd = deal_sizes(won)
    # CAD: 1000.00 + 2000.00 + 4000.01 = 7000.01 over 3 deals with an amount
    assert (cad.currency, cad.deals, cad.with_amount, cad.total_cents) == ("CAD", 4, 3, 700_001)
    assert cad.average == Fraction(700_001, 3)  # 2333.336666… -> shown 2333.34
    assert to_cents(cad.average) == 233_334
    assert cad.median == 200_000
    assert (usd.currency, usd.total_cents, usd.average, usd.median) == (
        "USD",
        50_000,
        50_000,
        50_000,
    )


def test_sales_cycle_mean_and_median_days():
    won = [WonDeal(None, "CAD", 1, s * DAY) for s in (10, 20, 45)]
    cycle = sales_cycle(won)
    # mean (10 + 20 + 45) / 3 = 25 days, median 20 days
    assert (cycle.deals, cycle.average_days, cycle.median_days) == (3, 25, 20)
    empty = sales_cycle([])
    assert (empty.deals, empty.average_days, empty.median_days) == (0, None, None)


# --------------------------------------------------------------------------- open deals


OPEN = [
    OpenGroup(QUALIFIED, "CAD", None, 2, 2, 1_000_000),  # 10,000.00 at 25 % -> 2,500.00
    OpenGroup(PROPOSAL, "CAD", 90, 1, 1, 200_000),  # 2,000.00 with override 90 % -> 1,800.00
    OpenGroup(CONTACTED, "CAD", None, 5, 5, 900_000),  # before the opportunity stage: out
    OpenGroup(NEGOTIATION, "USD", None, 1, 0, 0),  # no amount: counted, adds nothing
]


def test_open_opportunities_weighted_by_override_else_stage_default():
    opened = open_opportunities(LADDER, OPEN)
    assert opened.deals == 4
    cad, usd = opened.by_currency
    # CAD: 3 deals, 12,000.00 in total, weighted 2,500.00 + 1,800.00 = 4,300.00
    assert (cad.deals, cad.with_amount, cad.total_cents, cad.weighted) == (3, 3, 1_200_000, 430_000)
    assert (usd.deals, usd.with_amount, usd.total_cents, usd.weighted) == (1, 0, 0, 0)


def test_sales_velocity_per_currency():
    opened = open_opportunities(LADDER, OPEN)
    sizes = deal_sizes(
        [
            WonDeal(None, "CAD", 100_000, 10 * DAY),
            WonDeal(None, "CAD", 200_000, 20 * DAY),
            WonDeal(None, "CAD", 400_001, 45 * DAY),
            WonDeal(None, "USD", 50_000, 25 * DAY),
        ]
    )
    cycle = Cycle(4, Fraction(25), Fraction(22))
    cad, usd = sales_velocity(opened, Rate(3, 5), sizes, cycle)
    # CAD: 3 open × 0.6 × 7000.01/3 ÷ 25 days = 168.0002… -> 168.00 per day
    assert cad.per_day == 3 * Fraction(3, 5) * Fraction(700_001, 3) / 25
    assert to_cents(cad.per_day) == 16_800
    # USD: its one open deal has no amount (open total 0.00): no velocity, not
    # 1 × 0.6 × 500.00 ÷ 25 = 12.00 per day
    assert (usd.open_opportunities, usd.per_day) == (1, None)
    # with an amount on it, the same deal gives 12.00 per day (the count, not the amount, counts)
    priced = open_opportunities(LADDER, [*OPEN[:3], OpenGroup(NEGOTIATION, "USD", None, 1, 1, 1)])
    assert sales_velocity(priced, Rate(3, 5), sizes, cycle)[1].per_day == 1_200
    # no open deal in a currency: a velocity of 0, not undefined
    only_cad = open_opportunities(LADDER, OPEN[:3])
    assert sales_velocity(only_cad, Rate(3, 5), sizes, cycle)[1].per_day == 0
    # undefined parts give an undefined velocity, never a division by zero
    no_cycle = sales_velocity(opened, Rate(3, 5), sizes, Cycle(0, None, None))
    assert all(v.per_day is None for v in no_cycle)
    same_day = sales_velocity(opened, Rate(3, 5), sizes, Cycle(1, Fraction(0), 0))
    assert all(v.per_day is None for v in same_day)
    no_rate = sales_velocity(opened, Rate(0, 0), sizes, cycle)
    assert all(v.per_day is None for v in no_rate)


# --------------------------------------------------------------------------- forecast


def test_empirical_stage_rates_and_the_twenty_deal_threshold():
    # 15 won deals (each reached every stage); lost deals by peak: 10 at new, 3 at qualified,
    # 2 at negotiation.
    lost = {0: 10, 2: 3, 4: 2}
    auto = {p.stage.name: p for p in stage_probabilities(LADDER, 15, lost)}
    # new: 15 won + 15 lost reached it = 30 closed >= 20 -> history 15/30
    assert (auto["new"].closed, auto["new"].used, auto["new"].value) == (
        30,
        "history",
        Fraction(1, 2),
    )
    # contacted and qualified: 15 + 5 = 20 closed: exactly the threshold -> history 15/20
    assert (auto["contacted"].closed, auto["contacted"].value) == (20, Fraction(3, 4))
    assert auto["qualified"].used == "history"
    # proposal: 15 + 2 = 17 < 20 -> the stage default, 50 %, though history says 15/17
    assert auto["proposal"].closed == 17
    assert auto["proposal"].empirical == Fraction(15, 17)
    assert (auto["proposal"].used, auto["proposal"].value) == ("stage", Fraction(1, 2))
    assert auto["negotiation"].value == Fraction(3, 4)  # the default 75 %
    forced = stage_probabilities(LADDER, 15, lost, "history")
    assert [p.value for p in forced][3] == Fraction(15, 17)
    stage = stage_probabilities(LADDER, 15, lost, "stage")
    assert [p.value for p in stage] == [Fraction(p, 100) for p in (5, 10, 25, 50, 75)]
    # nothing closed yet: the empirical rate is undefined, the default is used even if forced
    empty = stage_probabilities(LADDER, 0, {}, "history")
    assert all(p.used == "stage" and p.empirical is None for p in empty)


def test_billing_dates_follow_the_won_day_clamped_to_month_ends():
    jan31 = date(2026, 1, 31)
    assert billing_dates(jan31, "monthly", date(2026, 2, 1), date(2026, 5, 31)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),  # counted from the won date: back to the 31st
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    # the won day itself is the won amount, not a recurring billing
    assert billing_dates(jan31, "monthly", date(2026, 1, 1), date(2026, 1, 31)) == []
    assert billing_dates(date(2025, 11, 30), "quarterly", date(2026, 1, 1), date(2026, 8, 31)) == [
        date(2026, 2, 28),
        date(2026, 5, 30),
        date(2026, 8, 30),
    ]
    leap = billing_dates(date(2024, 2, 29), "yearly", date(2025, 1, 1), date(2028, 12, 31))
    assert leap == [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]
    far = billing_dates(date(2020, 1, 15), "monthly", date(2026, 11, 1), date(2026, 11, 30))
    assert far == [date(2026, 11, 15)]
    assert billing_dates(jan31, "once", date(2026, 1, 1), date(2027, 1, 1)) == []


def test_forecast_pipeline_recurring_and_won_per_month():
    today = date(2026, 11, 29)
    spans = [
        Span("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        Span("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ]
    probabilities = stage_probabilities(LADDER, 15, {0: 10, 2: 3, 4: 2})  # proposal: 50 %
    pipeline = [
        # 10,000.00 at proposal (50 %, stage default) due tomorrow -> 5,000.00 in November
        PipelineGroup(date(2026, 11, 30), PROPOSAL, "CAD", None, 1, 1_000_000),
        # 2 deals, 5,000.00 together, override 40 % -> 2,000.00 in December
        PipelineGroup(date(2026, 12, 15), QUALIFIED, "CAD", 40, 2, 500_000),
        # expected close already past: not forecast (listed as left out instead)
        PipelineGroup(date(2026, 11, 20), PROPOSAL, "CAD", None, 1, 9_900_000),
        # after the period
        PipelineGroup(date(2027, 1, 10), PROPOSAL, "CAD", None, 1, 9_900_000),
    ]
    recurring = [
        # 100.00 monthly since 31 Jan: bills 30 Nov and 31 Dec
        RecurringGroup(date(2026, 1, 31), "monthly", "CAD", 1, 10_000),
        # 1,200.00 yearly since 5 Dec 2025, 3 payments: bills 5 Dec 2026 (without a term,
        # 12 months after the win would be past the 12 months counted)
        RecurringGroup(date(2025, 12, 5), "yearly", "CAD", 1, 120_000, term=3),
        # 300.00 quarterly since 15 Oct: next bill 15 Jan 2027, outside
        RecurringGroup(date(2026, 10, 15), "quarterly", "USD", 1, 30_000),
    ]
    won = [WonGroup("2026-11", "CAD", 2, 300_000)]  # 3,000.00 already won in November
    result = forecast(spans, today, pipeline, probabilities, recurring, won)
    nov, dec = result.buckets
    # November: 5,000.00 + 100.00 + 3,000.00 = 8,100.00
    (n,) = nov.by_currency
    assert (n.pipeline, n.recurring, n.won, n.total) == (500_000, 10_000, 300_000, 810_000)
    assert (n.pipeline_deals, n.billings, n.won_deals) == (1, 1, 2)
    # December: 2,000.00 + (100.00 + 1,200.00) = 3,300.00
    (d,) = dec.by_currency
    assert (d.pipeline, d.recurring, d.won, d.total) == (200_000, 130_000, 0, 330_000)
    (total,) = result.totals  # no USD line: nothing falls in the period
    assert (total.pipeline, total.recurring, total.won, total.total) == (
        700_000,
        140_000,
        300_000,
        1_140_000,
    )
    assert (result.overrides, result.capped) == (2, 0)
    quarter = combine(result.buckets, "Q", date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.by_currency[0].total == 1_140_000


def test_left_out_lists_every_reason():
    today = date(2026, 11, 29)
    deals = [
        OpenDeal(1, "No amount", QUALIFIED, "CAD", None, date(2026, 12, 1)),
        OpenDeal(2, "No date", PROPOSAL, "CAD", 100, None),
        OpenDeal(3, "Stale", PROPOSAL, "CAD", 100, date(2026, 11, 28)),
        OpenDeal(4, "Both missing", QUALIFIED, "USD", None, None),
        OpenDeal(5, "Fine", QUALIFIED, "CAD", 100, today),  # due today: still forecast
    ]
    found = {item.deal.id: item.reasons for item in left_out(deals, today)}
    assert found == {
        1: ("no_amount",),
        2: ("no_expected_close",),
        3: ("expected_close_past",),
        4: ("no_amount", "no_expected_close"),
    }
    # 4 deals; deal 4 counts under two reasons: the counts add up to 5, not 4
    assert left_out_counts(left_out(deals, today)) == {
        "deals": 4,
        "no_amount": 2,
        "no_expected_close": 2,
        "expected_close_past": 1,
    }
    assert left_out_counts([]) == {
        "deals": 0,
        "no_amount": 0,
        "no_expected_close": 0,
        "expected_close_past": 0,
    }


def test_billing_dates_clamp_the_day_to_the_month():
    # won on 31 January, billed monthly: 28 Feb (29 in a leap year), 31 Mar, 30 Apr
    assert billing_dates(date(2027, 1, 31), "monthly", date(2027, 2, 1), date(2027, 4, 30)) == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    assert add_months(date(2028, 1, 30), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 28), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 15), -6) == date(2025, 11, 15)


# --------------------------------------------------------------------------- sources, cycle, lost


def test_by_source_keeps_each_source_apart():
    cohort = [
        CohortGroup("", "web", 2, 3),
        CohortGroup("", "web", 0, 1),
        CohortGroup("", None, 0, 2),
    ]
    closed = [ClosedGroup("web", True, 5, 2), ClosedGroup("web", False, 3, 2)]
    won = [WonDeal("web", "CAD", 100_000, DAY), WonDeal("web", "CAD", 300_000, 3 * DAY)]
    web, none = by_source(LADDER, cohort, closed, won)
    # web: 4 leads, 3 reached qualified; 2 won of 4 opportunities; 4,000.00 won, cycle 2 days
    assert (web.source, web.leads, web.lead_to_opportunity) == ("web", 4, Rate(3, 4))
    assert (web.won, web.lost, web.win_rate) == (2, 2, Rate(2, 4))
    assert web.sizes[0].total_cents == 400_000 and web.cycle.average_days == 2
    assert (none.source, none.leads, none.win_rate.value, none.sizes) == (None, 2, None, [])


def test_stage_stays_and_time_in_stages():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    history = [
        (t0, NEW),
        (t0 + timedelta(days=1), CONTACTED),
        (t0 + timedelta(days=3), PROPOSAL),
        (t0 + timedelta(days=4), CONTACTED),  # moved back
        (t0 + timedelta(days=6), WON),
    ]
    # new 1 day; contacted 2 + 2 = 4 days; proposal 1 day; won: no end, not counted
    assert stage_stays(history) == {NEW: DAY, CONTACTED: 4 * DAY, PROPOSAL: DAY}
    groups = [StageTimeGroup(NEW, 2, 3 * DAY), StageTimeGroup(CONTACTED, 1, 4 * DAY)]
    times = {t.stage.name: (t.deals, t.average_days) for t in time_in_stages(LADDER, groups)}
    # new: 3 days over 2 deals = 1.5; qualified: no won deal was there -> undefined
    assert times["new"] == (2, Fraction(3, 2))
    assert times["contacted"] == (1, 4)
    assert times["qualified"] == (0, None)
    assert list(times) == ["new", "contacted", "qualified", "proposal", "negotiation"]


def test_lost_reasons_by_count_with_value_per_currency():
    groups = [
        LostGroup("price", "CAD", 2, 2, 300_000),
        LostGroup("price", "USD", 1, 0, 0),
        LostGroup(None, "CAD", 1, 1, 5_000),
        LostGroup("timing", "CAD", 1, 1, 100),
    ]
    reasons = lost_reasons(groups)
    # price 3 of 5; then timing and (no reason), 1 each (named reasons first)
    assert [(r.reason, r.deals, r.share) for r in reasons] == [
        ("price", 3, Rate(3, 5)),
        ("timing", 1, Rate(1, 5)),
        (None, 1, Rate(1, 5)),
    ]
    assert [
        (v.currency, v.deals, v.with_amount, v.amount_cents) for v in reasons[0].by_currency
    ] == [
        ("CAD", 2, 2, 300_000),
        ("USD", 1, 0, 0),
    ]


# --------------------------------------------------------------------------- paths


def test_paths_per_type_sequences_and_sources():
    totals = [
        PathTotals("web", True, 4, 12),
        PathTotals("web", False, 6, 6),
        PathTotals("referral", True, 1, 0),
    ]
    types = [
        PathTypeGroup("web", True, "demo", 3),
        PathTypeGroup("web", False, "demo", 1),
        PathTypeGroup("web", True, "email", 4),
        PathTypeGroup("web", False, "email", 5),
    ]
    sequences = [
        SequenceGroup("web", True, ("call", "demo", "email"), 2),
        SequenceGroup("web", True, ("email",), 2),
        SequenceGroup("web", False, ("email",), 4),
        SequenceGroup("web", False, ("call", "email"), 2),
    ]
    result = paths(totals, types, sequences)
    overall = result.overall
    # 5 won (4 web + 1 referral), 6 lost: won of closed 5/11
    assert (overall.won, overall.lost, overall.won_of_closed) == (5, 6, Rate(5, 11))
    # actions before a win: 12 over 5 won deals (the referral one had none) = 2.4; loss: 1.0
    assert overall.actions_before_win == Fraction(12, 5)
    assert overall.actions_before_loss == 1
    demo = next(t for t in overall.types if t.type == "demo")
    # 3 of 5 won deals had a demo, 1 of 6 lost; with it 3 of 4 won; without it 2 of 7
    assert (demo.won_with, demo.lost_with) == (Rate(3, 5), Rate(1, 6))
    assert (demo.won_of_closed_with, demo.won_of_closed_without) == (Rate(3, 4), Rate(2, 7))
    assert demo.won_of_closed_with.small_sample  # 4 deals: too few to mean much
    email = next(t for t in overall.types if t.type == "email")
    assert (email.won_of_closed_with, email.won_of_closed_without) == (Rate(4, 9), Rate(1, 2))
    # most common starts: won 2 of 4 each (ties by name); lost: email alone 4 of 6
    assert [(s.sequence, s.share) for s in overall.won_sequences] == [
        (("call", "demo", "email"), Rate(2, 4)),
        (("email",), Rate(2, 4)),
    ]
    assert overall.lost_sequences[0].sequence == ("email",)
    assert overall.lost_sequences[0].share == Rate(4, 6)
    web, referral = result.by_source
    assert (web.source, web.won, web.lost) == ("web", 4, 6)
    assert (referral.source, referral.won, referral.actions_before_win) == ("referral", 1, 0)
    assert referral.small_sample and referral.types == []


def test_paths_with_no_closed_deal_are_undefined():
    empty = paths([], [], [])
    assert empty.overall.won_of_closed.value is None
    assert empty.overall.actions_before_win is None
    assert empty.by_source == []


@pytest.mark.parametrize("months", [0, 1, 11, 12, 13, -1, -13])
def test_add_months_matches_relativedelta(months):
    from dateutil.relativedelta import relativedelta

    for day in (date(2026, 1, 31), date(2024, 2, 29), date(2026, 12, 15)):
        assert add_months(day, months) == day + relativedelta(months=months)
