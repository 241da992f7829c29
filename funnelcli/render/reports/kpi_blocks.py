"""The dashboard and the sections about leads as blocks: kpis, funnel, sources, monthly."""

from funnelcli.i18n import stage_name
from funnelcli.kpis.funnel import LeadsByBucket
from funnelcli.kpis.reports import (
    Dashboard,
    FunnelReport,
    KpiReport,
    MonthlyReport,
    SourcesReport,
)
from funnelcli.render.reports.blocks import (
    FORECAST_HEADERS,
    Bar,
    Block,
    Facts,
    Grid,
    Note,
    any_figure,
    forecast_rows,
    heading,
    left_out_note,
    model_note,
)
from funnelcli.render.reports.words import (
    DASH,
    count,
    days_text,
    estimated_note,
    money,
    plural,
    rate_text,
    source_name,
)

#: Columns of sources in the dashboard's monthly table (the rest are summed in "others").
DASHBOARD_SOURCES = 3


def _kpi_facts(
    r: KpiReport,
    overdue: int | None = None,
    problems: int | None = None,
    *,
    dashboard: bool = False,
) -> Facts:
    rows: list[tuple[str, str]] = [("Leads created", count(r.leads.total))]
    l2o = r.lead_to_opportunity
    rows.append(
        (
            "Lead → opportunity",
            f"{rate_text(l2o)}  ({count(l2o.numerator)} of {plural(l2o.denominator, 'lead')})",
        )
    )
    wr = r.win_rate
    rows.append(
        (
            "Win rate",
            f"{rate_text(wr)}  ({count(wr.numerator)} won, "
            f"{count(wr.denominator - wr.numerator)} lost opportunities)",
        )
    )
    if not r.sizes:
        rows.append(("Average won deal", f"{DASH}  (no deal won)"))
    for size in r.sizes:
        rows.append(
            (
                f"Average won deal {size.currency}",
                f"{money(size.average, size.currency)}  median {money(size.median)}"
                f" · {plural(size.with_amount, 'deal')}",
            )
        )
    rows.append(
        (
            "Sales cycle",
            f"{days_text(r.cycle.average_days)}  median {days_text(r.cycle.median_days)}"
            f" · {plural(r.cycle.deals, 'deal')}{estimated_note(r.cycle)}",
        )
    )
    rows.append(("Open opportunities", count(r.open.deals)))
    for c in r.open.by_currency:
        rows.append(
            (
                f"  {c.currency}",
                f"{money(c.total_cents, c.currency)} · weighted {money(c.weighted)}"
                f" · {plural(c.deals, 'deal')}",
            )
        )
    for v in r.velocity:
        if not v.open_opportunities:  # a currency with no open deal: nothing to say
            continue
        rows.append(
            (
                f"Sales velocity {v.currency}",
                f"{money(v.per_day, v.currency)} per day" if v.per_day is not None else DASH,
            )
        )
    if not dashboard:
        for line in r.forecast:
            if not any_figure([line]):
                continue
            rows.append(
                (
                    f"Forecast {line.currency}",
                    f"{money(line.total, line.currency)}  (pipeline {money(line.pipeline)}"
                    f" + recurring {money(line.recurring)} + won {money(line.won)})",
                )
            )
    if dashboard:
        rows.append(("Overdue follow-ups", count(overdue or 0)))
        rows.append(("Data problems", f"{count(problems or 0)}  (see: funnel check)"))
    return Facts("KPIs", rows)


def _funnel_grid(r: FunnelReport) -> Grid:
    top = max((s.reached for s in r.funnel.steps), default=0)
    rows: list[list[str | Bar]] = [
        [
            stage_name(step.stage.name),
            count(step.reached),
            rate_text(step.conversion) if step.conversion else "",
            rate_text(step.of_created),
            Bar((step.reached,), top),
        ]
        for step in r.funnel.steps
    ]
    return Grid(
        f"Funnel · {plural(r.funnel.leads, 'lead')} created",
        ["Stage", "Reached", "From previous", "Of created", ""],
        rows,
        frozenset({1, 2, 3}),
    )


def _monthly_grid(leads: LeadsByBucket, *, limit: int | None = None) -> Grid:
    sources = leads.sources if limit is None else leads.sources[:limit]
    others = [] if limit is None else leads.sources[limit:]
    headers = ["Period", *(source_name(s)[:12] for s in sources)]
    if others:
        headers.append("others")
    headers += ["Total", ""]
    top = max((leads.bucket_total(b) for b in leads.buckets), default=0)
    rows: list[list[str | Bar]] = []
    for label in leads.buckets:
        parts = [leads.count(label, s) for s in sources]
        row: list[str | Bar] = [label, *(count(n) for n in parts)]
        if others:
            rest = sum(leads.count(label, s) for s in others)
            parts.append(rest)
            row.append(count(rest))
        row += [count(leads.bucket_total(label)), Bar(tuple(parts), top)]
        rows.append(row)
    legend = [source_name(s) for s in sources] + (["others"] if others else [])
    notes = []
    if leads.estimated:
        notes.append(
            f"{plural(leads.estimated, 'lead')} of the period left out: created date estimated "
            "by an import (funnel check lists them)."
        )
    narrow = None
    if limit is None and len(leads.sources) > DASHBOARD_SOURCES:  # the top ones, then others
        fewer = _monthly_grid(leads, limit=DASHBOARD_SOURCES)
        more = "A wider terminal (or -f csv) shows every source."
        narrow = fewer._replace(notes=[*fewer.notes, more])
    return Grid(
        "Leads created per month by source",
        headers,
        rows,
        frozenset(range(1, len(headers) - 1)),
        notes=notes,
        legend=legend,
        narrow=narrow,
    )


def dashboard_blocks(r: Dashboard) -> list[Block]:
    names = ("This month", "Next month", "This quarter", "Next quarter")
    spans = [
        (f"{n} {s.label}", s.by_currency) for n, s in zip(names, r.forecast.spans, strict=True)
    ]
    return [
        heading(r.header, "Sales dashboard"),
        _kpi_facts(r.kpis, r.overdue, r.problems, dashboard=True),
        _funnel_grid(r.funnel),
        _monthly_grid(r.monthly.leads, limit=DASHBOARD_SOURCES),
        Grid(
            "Forecast",
            FORECAST_HEADERS,
            forecast_rows(spans),
            frozenset({2, 3, 4, 5}),
            notes=[*model_note(spans), left_out_note(r.forecast.left_out)],
        )
        if any(lines for _, lines in spans)
        else Note(
            "Forecast: nothing to forecast yet (no open deal with an amount, no recurring or "
            "won deal in these months)."
            + (f" {left_out_note(r.forecast.left_out)}" if r.forecast.left_out.get("deals") else "")
        ),
    ]


def kpis_blocks(r: KpiReport) -> list[Block]:
    return [
        heading(r.header, "KPIs"),
        _kpi_facts(r)._replace(title=""),
        _monthly_grid(r.leads),
        Note(left_out_note(r.left_out)),
    ]


def funnel_blocks(r: FunnelReport) -> list[Block]:
    return [heading(r.header, "Funnel"), _funnel_grid(r)]


def sources_blocks(r: SourcesReport) -> list[Block]:
    rows: list[list[str | Bar]] = []
    for s in r.sources:
        base: list[str | Bar] = [
            source_name(s.source),
            count(s.leads),
            rate_text(s.lead_to_opportunity),
            count(s.won),
            count(s.lost),
            rate_text(s.win_rate),
            days_text(s.cycle.average_days),
        ]
        if not s.sizes:
            rows.append([*base, DASH, DASH])
        for i, z in enumerate(s.sizes):
            cells = base if i == 0 else [""] * len(base)
            rows.append([*cells, money(z.total_cents, z.currency), money(z.average, z.currency)])
    return [
        heading(r.header, "Sources"),
        Grid(
            "Per source",
            [
                "Source",
                "Leads",
                "→ Opp.",
                "Won",
                "Lost",
                "Win rate",
                "Cycle",
                "Won revenue",
                "Avg deal",
            ],
            rows,
            frozenset(range(1, 9)),
            notes=["Leads: created in the period; won, lost, revenue and cycle: closed in it."],
        ),
    ]


def monthly_blocks(r: MonthlyReport) -> list[Block]:
    grid = _monthly_grid(r.leads)
    title = "Leads created per quarter by source" if r.header.by == "quarter" else grid.title
    return [
        heading(r.header, "Leads per month"),
        grid._replace(title=title),
    ]
