"""``report forecast --method model`` as blocks: each part of the forecast in its own column,
and what the model learnt (per stage, new business)."""

from collections.abc import Callable
from fractions import Fraction

from funnelcli.i18n import N_, _, codes, ngettext, stage_name
from funnelcli.kpis.forecast import Forecast, ForecastLine
from funnelcli.kpis.model import (
    MODEL_MINIMUM,
    MONTHS_BILLED,
    RATE_MONTHS,
    REFERENCE_STEP,
    SHRINK,
    ModelFacts,
)
from funnelcli.render.reports.blocks import Bar, Block, Grid
from funnelcli.render.reports.deal_blocks import capped_note
from funnelcli.render.reports.words import DASH, count, money, pct, plural, used_pct

HEADERS = [
    N_("Period"), N_("Cur."), N_("Own amounts (a)"), N_("Estimated (a')"),
    N_("New business (n)"), N_("Recurring (b)"), N_("Won (c)"), N_("Total"),
]  # fmt: skip


def _cells(line: ForecastLine) -> list[str | Bar]:
    return [
        line.currency,
        money(line.pipeline),
        money(line.estimated),
        money(line.new_business),
        money(line.recurring),
        money(line.won),
        money(line.total),
    ]


#: The same parts in four figures, for a narrow terminal.
NARROW_HEADERS = [
    N_("Period"), N_("Cur."), N_("Open (a+a')"), N_("New (n)"), N_("Won (b+c)"), N_("Total"),
]  # fmt: skip


def _narrow_cells(line: ForecastLine) -> list[str | Bar]:
    return [
        line.currency,
        money(line.pipeline + line.estimated),
        money(line.new_business),
        money(line.recurring + line.won),
        money(line.total),
    ]


def _rows(
    spans: list[tuple[str, list[ForecastLine]]],
    cells: Callable[[ForecastLine], list[str | Bar]] = _cells,
) -> list[list[str | Bar]]:
    rows: list[list[str | Bar]] = []
    for label, lines in spans:
        if not lines:
            rows.append([label, *[DASH] * (len(cells(ForecastLine(""))))])
        rows += [[label if i == 0 else "", *cells(line)] for i, line in enumerate(lines)]
    return rows


def model_blocks(f: Forecast, method: str) -> list[Block]:
    facts: ModelFacts = f.model
    spans = [(codes.period(b.label), b.by_currency) for b in f.buckets]
    if len(f.buckets) > 1:
        spans.append((_("Total"), f.totals))
    return [
        Grid(
            _("Forecast"),
            [_(h) for h in HEADERS],
            _rows(spans),
            frozenset(range(2, 8)),
            notes=_notes(f, facts),
            narrow=Grid(
                _("Forecast"),
                [_(h) for h in NARROW_HEADERS],
                _rows(spans, _narrow_cells),
                frozenset(range(2, 6)),
                notes=[
                    _(
                        "Open (a+a'): open deals, with and without an amount; Won (b+c): "
                        "recurring billings and deals already won (a wider terminal, or -f csv, "
                        "shows each part)."
                    ),
                    *_notes(f, facts),
                ],
            ),
        ),
        Grid(
            _("Won within the window, by stage (method: {method})").format(
                method=codes.method(method)
            ),
            [_("Stage"), _("Default"), _("Observed"), _("Won in window"), _("Rate"), _("Used")],
            [
                [
                    stage_name(s.stage.name),
                    pct(s.default),
                    count(s.cohort.observed),
                    count(s.cohort.won_total),
                    pct(s.cohort.rate),
                    used_pct(
                        s.value, from_history=s.used == "model", blended=s.cohort.observed > 0
                    ),
                ]
                for s in facts.stages
            ],
            frozenset({1, 2, 3, 4}),
            notes=[
                _(
                    "Observed: deals open at the stage at {cut_offs} (every {step} days, the "
                    "window over since); history alone from {minimum} of them, per age at the "
                    "stage where an age band has as many; fewer are blended with the default: "
                    "(won + {k} × default) ÷ (observed + {k}); {deals} weighted by its own "
                    "override."
                ).format(
                    cut_offs=plural(facts.references, "past cut-off"),
                    step=REFERENCE_STEP,
                    minimum=MODEL_MINIMUM,
                    k=SHRINK,
                    deals=plural(f.overrides, "deal"),
                ),
                *(
                    _(
                        "New business {currency}: {leads} leads in {months} months × {rate} "
                        "created and won within the window × mean won {mean} = {revenue}."
                    ).format(
                        currency=n.currency,
                        leads=count(n.leads),
                        months=RATE_MONTHS,
                        rate=pct(facts.new_rate),
                        mean=money(n.mean_amount),
                        revenue=money(n.revenue),
                    )
                    for n in facts.new_business
                ),
            ],
        ),
    ]


def _notes(f: Forecast, facts: ModelFacts) -> list[str]:
    notes = [
        _(
            "(a) open deals × the chance that a deal at their stage and age is won within the "
            "window, placed at their expected close when it falls in it; (a') the same for deals "
            "without an amount, at the mean won amount of their source; (n) deals not created "
            "yet; (b) recurring billings, at most {months} months per deal; (c) already won."
        ).format(months=MONTHS_BILLED),
    ]
    for line in f.totals:
        if line.estimated and line.total:
            share = pct(Fraction(line.estimated) / line.total)
            notes.append(
                _("{currency}: {deals} with an estimated amount, {share} of the total.").format(
                    currency=line.currency, deals=plural(line.estimated_deals, "deal"), share=share
                )
            )
    notes += capped_note(facts.capped)
    if facts.unplaced:
        notes.append(
            ngettext(
                "{deals} not counted: no amount and no won deal to estimate it from.",
                "{deals} not counted: no amount and no won deal to estimate it from.",
                facts.unplaced,
            ).format(deals=plural(facts.unplaced, "open deal"))
        )
    return notes
