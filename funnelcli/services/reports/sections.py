"""Each report from its aggregates (:class:`~funnelcli.services.reports.gather.Gather`); the KPIs
are computed by :mod:`funnelcli.kpis`.

Each section reads its longest aggregate first (the pass over the leads, the stage times): the
aggregates computed meanwhile on the helper connection are then ready when they are read.
"""

from __future__ import annotations

from collections.abc import Callable

from funnelcli import periods
from funnelcli.kpis import deals
from funnelcli.kpis import reports as kr
from funnelcli.kpis.forecast import combine, left_out_counts
from funnelcli.kpis.funnel import funnel, lead_to_opportunity
from funnelcli.kpis.paths import paths as paths_of
from funnelcli.periods import Period
from funnelcli.services.reports.gather import Gather
from funnelcli.services.reports.snapshots import accuracy_report
from funnelcli.store.reports import deals as deal_sql
from funnelcli.store.reports import paths as path_sql


def kpis(g: Gather) -> kr.KpiReport:
    tally = g.tally
    rate = deals.win_rate(g.pipeline, g.closed)
    sizes = deals.deal_sizes(g.won)
    cycle = deals.sales_cycle(g.won)
    totals = g.forecast(g.period, None).totals
    left_out = g.left_out_counts
    return kr.KpiReport(
        g.header(),
        g.leads,
        lead_to_opportunity(g.pipeline, tally.cohort),
        rate,
        sizes,
        cycle,
        g.open,
        deals.sales_velocity(g.open, rate, sizes, cycle),
        totals,
        left_out,
    )


def funnel_report(g: Gather) -> kr.FunnelReport:
    return kr.FunnelReport(g.header(), funnel(g.pipeline, g.tally.cohort))


def sources(g: Gather) -> kr.SourcesReport:
    cohort = g.tally.cohort
    return kr.SourcesReport(g.header(), deals.by_source(g.pipeline, cohort, g.closed, g.won))


def monthly(g: Gather) -> kr.MonthlyReport:
    return kr.MonthlyReport(g.header(), g.leads)


def forecast(g: Gather) -> kr.ForecastReport:
    projected = g.forecast(g.period, g.opts.by)
    left_out = g.left_out_deals  # listed: their counts need no second query
    return kr.ForecastReport(
        g.header(), g.opts.method, projected, left_out, left_out_counts(left_out)
    )


def cycle(g: Gather) -> kr.CycleReport:
    groups = deal_sql.stage_times(g.conn, g.won_id, g.bounds, g.scope, g.leads_ceiling)
    return kr.CycleReport(
        g.header(), deals.sales_cycle(g.won), deals.time_in_stages(g.pipeline, groups)
    )


def paths(g: Gather) -> kr.PathsReport:
    ids = (g.won_id, g.lost_id)
    groups = path_sql.paths(g.conn, ids, g.bounds, g.scope, g.leads_ceiling)
    return kr.PathsReport(g.header(), paths_of(*groups))


def lost(g: Gather) -> kr.LostReport:
    groups = deal_sql.lost(g.conn, g.lost_id, g.bounds, g.scope, g.leads_ceiling)
    lost_deals = sum(group.deals for group in groups)
    return kr.LostReport(g.header(), lost_deals, deals.lost_reasons(groups))


def dashboard(g: Gather) -> kr.Dashboard:
    """The KPIs, the funnel, the leads per month, and the forecasts of this and next month and
    quarter (which need nothing more than the KPIs read); the counts of now last."""
    sections = (kpis(g), funnel_report(g), monthly(g))
    this_quarter = periods.parse_period("this-quarter", today=g.today)
    next_quarter = periods.parse_period("next-quarter", today=g.today)
    this_month = periods.parse_period("this-month", today=g.today)
    next_month = periods.parse_period("next-month", today=g.today)
    ahead_months = g.forecast(Period(this_quarter.start, next_quarter.end, ""), "month")
    spans = [
        combine(ahead_months.buckets, p.label, p.start, p.end)
        for p in (this_month, next_month, this_quarter, next_quarter)
    ]
    forecasts = kr.DashboardForecast(spans, g.probabilities, g.left_out_counts)
    overdue, problems = g.counts_now
    return kr.Dashboard(g.header(), *sections, forecasts, overdue, problems)


BUILDERS: dict[str | None, Callable[[Gather], kr.Report]] = {
    None: dashboard,
    "kpis": kpis,
    "funnel": funnel_report,
    "sources": sources,
    "monthly": monthly,
    "forecast": forecast,
    "cycle": cycle,
    "paths": paths,
    "lost": lost,
    "accuracy": accuracy_report,
}
