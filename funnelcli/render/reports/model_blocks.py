"""``report forecast --method model`` as blocks: each part of the forecast in its own column,
and what the model learnt (per stage, new business)."""

from collections.abc import Callable
from fractions import Fraction

from funnelcli.i18n import stage_name
from funnelcli.kpis.forecast import Forecast, ForecastLine
from funnelcli.kpis.model import (
    MODEL_MINIMUM,
    MONTHS_BILLED,
    RATE_MONTHS,
    REFERENCE_STEP,
    ModelFacts,
)
from funnelcli.render.reports.blocks import Bar, Block, Grid
from funnelcli.render.reports.deal_blocks import capped_note
from funnelcli.render.reports.words import DASH, count, money, pct, plural

HEADERS = [
    "Period", "Cur.", "Own amounts (a)", "Estimated (a')", "New business (n)",
    "Recurring (b)", "Won (c)", "Total",
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
NARROW_HEADERS = ["Period", "Cur.", "Open (a+a')", "New (n)", "Won (b+c)", "Total"]


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
    spans = [(b.label, b.by_currency) for b in f.buckets]
    if len(f.buckets) > 1:
        spans.append(("Total", f.totals))
    return [
        Grid(
            "Forecast",
            HEADERS,
            _rows(spans),
            frozenset(range(2, 8)),
            notes=_notes(f, facts),
            narrow=Grid(
                "Forecast",
                NARROW_HEADERS,
                _rows(spans, _narrow_cells),
                frozenset(range(2, 6)),
                notes=[
                    "Open (a+a'): open deals, with and without an amount; Won (b+c): recurring "
                    "billings and deals already won (a wider terminal, or -f csv, shows each "
                    "part).",
                    *_notes(f, facts),
                ],
            ),
        ),
        Grid(
            f"Won within the window, by stage (method: {method})",
            ["Stage", "Default", "Observed", "Won in window", "Rate", "Used"],
            [
                [
                    stage_name(s.stage.name),
                    pct(s.default),
                    count(s.cohort.observed),
                    count(s.cohort.won_total),
                    pct(s.cohort.rate),
                    f"{pct(s.value)} ({'history' if s.used == 'model' else 'stage default'})",
                ]
                for s in facts.stages
            ],
            frozenset({1, 2, 3, 4}),
            notes=[
                f"Observed: deals open at the stage at {plural(facts.references, 'past cut-off')} "
                f"(every {REFERENCE_STEP} days, the window over since); history is used from "
                f"{MODEL_MINIMUM} of them, per age at the stage where an age band has as many; "
                f"{plural(f.overrides, 'deal')} weighted by its own override.",
                *(
                    f"New business {n.currency}: {count(n.leads)} leads in {RATE_MONTHS} months "
                    f"× {pct(facts.new_rate)} created and won within the window × mean won "
                    f"{money(n.mean_amount)} = {money(n.revenue)}."
                    for n in facts.new_business
                ),
            ],
        ),
    ]


def _notes(f: Forecast, facts: ModelFacts) -> list[str]:
    notes = [
        "(a) open deals × the chance that a deal at their stage and age is won within the "
        "window, placed at their expected close when it falls in it; (a') the same for deals "
        "without an amount, at the mean won amount of their source; (n) deals not created yet; "
        f"(b) recurring billings, at most {MONTHS_BILLED} months per deal; (c) already won.",
    ]
    for line in f.totals:
        if line.estimated and line.total:
            share = pct(Fraction(line.estimated) / line.total)
            notes.append(
                f"{line.currency}: {plural(line.estimated_deals, 'deal')} with an estimated "
                f"amount, {share} of the total."
            )
    notes += capped_note(facts.capped)
    if facts.unplaced:
        notes.append(
            f"{plural(facts.unplaced, 'open deal')} not counted: no amount and no won deal "
            "to estimate it from."
        )
    return notes
