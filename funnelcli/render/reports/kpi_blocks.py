"""The dashboard and the sections about leads as blocks: kpis, funnel, sources, monthly."""

from funnelcli.i18n import N_, _, codes, ngettext, stage_name
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
    source_label,
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
    rows: list[tuple[str, str]] = [(_("Leads created"), count(r.leads.total))]
    l2o = r.lead_to_opportunity
    rows.append(
        (
            _("Lead → opportunity"),
            _("{rate}  ({n} of {leads})").format(
                rate=rate_text(l2o), n=count(l2o.numerator), leads=plural(l2o.denominator, "lead")
            ),
        )
    )
    wr = r.win_rate
    rows.append(
        (
            _("Win rate"),
            _("{rate}  ({won} won, {lost} lost opportunities)").format(
                rate=rate_text(wr),
                won=count(wr.numerator),
                lost=count(wr.denominator - wr.numerator),
            ),
        )
    )
    if not r.sizes:
        rows.append((_("Average won deal"), DASH + "  " + _("(no deal won)")))
    for size in r.sizes:
        rows.append(
            (
                _("Average won deal {currency}").format(currency=size.currency),
                _("{average}  median {median} · {deals}").format(
                    average=money(size.average, size.currency),
                    median=money(size.median),
                    deals=plural(size.with_amount, "deal"),
                ),
            )
        )
    rows.append(
        (
            _("Sales cycle"),
            _("{average}  median {median} · {deals}").format(
                average=days_text(r.cycle.average_days),
                median=days_text(r.cycle.median_days),
                deals=plural(r.cycle.deals, "deal"),
            )
            + estimated_note(r.cycle),
        )
    )
    rows.append((_("Open opportunities"), count(r.open.deals)))
    for c in r.open.by_currency:
        rows.append(
            (
                f"  {c.currency}",
                _("{total} · weighted {weighted} · {deals}").format(
                    total=money(c.total_cents, c.currency),
                    weighted=money(c.weighted),
                    deals=plural(c.deals, "deal"),
                ),
            )
        )
    for v in r.velocity:
        if not v.open_opportunities:  # a currency with no open deal: nothing to say
            continue
        rows.append(
            (
                _("Sales velocity {currency}").format(currency=v.currency),
                _("{amount} per day").format(amount=money(v.per_day, v.currency))
                if v.per_day is not None
                else DASH,
            )
        )
    if not dashboard:
        for line in r.forecast:
            if not any_figure([line]):
                continue
            rows.append(
                (
                    _("Forecast {currency}").format(currency=line.currency),
                    _("{total}  (pipeline {pipeline} + recurring {recurring} + won {won})").format(
                        total=money(line.total, line.currency),
                        pipeline=money(line.pipeline),
                        recurring=money(line.recurring),
                        won=money(line.won),
                    ),
                )
            )
    if dashboard:
        rows.append((_("Overdue follow-ups"), count(overdue or 0)))
        rows.append((_("Data problems"), count(problems or 0) + "  " + _("(see: funnel check)")))
    return Facts(_("KPIs"), rows)


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
        _("Funnel · {leads} created").format(leads=plural(r.funnel.leads, "lead")),
        [_("Stage"), _("Reached"), _("From previous"), _("Of created"), ""],
        rows,
        frozenset({1, 2, 3}),
    )


def _monthly_grid(leads: LeadsByBucket, *, limit: int | None = None) -> Grid:
    sources = leads.sources if limit is None else leads.sources[:limit]
    others = [] if limit is None else leads.sources[limit:]
    headers = [_("Period"), *(source_label(s)[:12] for s in sources)]
    if others:
        headers.append(_("others"))
    headers += [_("Total"), ""]
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
    legend = [source_label(s) for s in sources] + ([_("others")] if others else [])
    notes = []
    if leads.estimated:
        notes.append(
            ngettext(
                "{leads} of the period left out: created date estimated by an import "
                "(funnel check lists them).",
                "{leads} of the period left out: created date estimated by an import "
                "(funnel check lists them).",
                leads.estimated,
            ).format(leads=plural(leads.estimated, "lead"))
        )
    narrow = None
    if limit is None and len(leads.sources) > DASHBOARD_SOURCES:  # the top ones, then others
        fewer = _monthly_grid(leads, limit=DASHBOARD_SOURCES)
        more = _("A wider terminal (or -f csv) shows every source.")
        narrow = fewer._replace(notes=[*fewer.notes, more])
    return Grid(
        _("Leads created per month by source"),
        headers,
        rows,
        frozenset(range(1, len(headers) - 1)),
        notes=notes,
        legend=legend,
        narrow=narrow,
    )


def dashboard_blocks(r: Dashboard) -> list[Block]:
    names = (N_("This month"), N_("Next month"), N_("This quarter"), N_("Next quarter"))
    spans = [
        (f"{_(n)} {codes.period(s.label)}", s.by_currency)
        for n, s in zip(names, r.forecast.spans, strict=True)
    ]
    return [
        heading(r.header, _("Sales dashboard")),
        _kpi_facts(r.kpis, r.overdue, r.problems, dashboard=True),
        _funnel_grid(r.funnel),
        _monthly_grid(r.monthly.leads, limit=DASHBOARD_SOURCES),
        Grid(
            _("Forecast"),
            [_(h) for h in FORECAST_HEADERS],
            forecast_rows(spans),
            frozenset({2, 3, 4, 5}),
            notes=[*model_note(spans), left_out_note(r.forecast.left_out)],
        )
        if any(lines for _, lines in spans)
        else Note(
            _(
                "Forecast: nothing to forecast yet (no open deal with an amount, no recurring or "
                "won deal in these months)."
            )
            + (f" {left_out_note(r.forecast.left_out)}" if r.forecast.left_out.get("deals") else "")
        ),
    ]


def kpis_blocks(r: KpiReport) -> list[Block]:
    return [
        heading(r.header, _("KPIs")),
        _kpi_facts(r)._replace(title=""),
        _monthly_grid(r.leads),
        Note(left_out_note(r.left_out)),
    ]


def funnel_blocks(r: FunnelReport) -> list[Block]:
    return [heading(r.header, _("Funnel")), _funnel_grid(r)]


def sources_blocks(r: SourcesReport) -> list[Block]:
    rows: list[list[str | Bar]] = []
    for s in r.sources:
        base: list[str | Bar] = [
            source_label(s.source),
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
        heading(r.header, _("Sources")),
        Grid(
            _("Per source"),
            [
                _("Source"),
                _("Leads"),
                _("→ Opp."),
                _("Won"),
                _("Lost"),
                _("Win rate"),
                _("Cycle"),
                _("Won revenue"),
                _("Avg deal"),
            ],
            rows,
            frozenset(range(1, 9)),
            notes=[_("Leads: created in the period; won, lost, revenue and cycle: closed in it.")],
        ),
    ]


def monthly_blocks(r: MonthlyReport) -> list[Block]:
    grid = _monthly_grid(r.leads)
    title = _("Leads created per quarter by source") if r.header.by == "quarter" else grid.title
    return [
        heading(r.header, _("Leads per month")),
        grid._replace(title=title),
    ]
