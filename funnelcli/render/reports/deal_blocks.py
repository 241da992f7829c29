"""The sections about deals as blocks: forecast, cycle, paths, lost."""

from fractions import Fraction

from funnelcli.dates import local_date_of
from funnelcli.i18n import _, codes, ngettext, stage_name
from funnelcli.kpis.forecast import EMPIRICAL_MINIMUM, MONTHS_BILLED, REASONS, ForecastLine
from funnelcli.kpis.numbers import SMALL_SAMPLE, Rate
from funnelcli.kpis.reports import CycleReport, ForecastReport, LostReport, PathsReport
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
)
from funnelcli.render.reports.words import (
    DASH,
    NO_SOURCE,
    count,
    days_text,
    decimal_text,
    money,
    pct,
    plural,
    rate_text,
    sequence_text,
    source_label,
    used_pct,
)

#: Rows of the left-out list drawn in a table (JSON lists them all).
LEFT_OUT_SHOWN = 15


SMALL = "*"


def _auto_notes(r: ForecastReport) -> list[str]:
    if r.auto is None:
        return []
    from funnelcli.render.reports.backtest import auto_note, range_notes

    return [auto_note(r.auto), *range_notes(r.auto, r.forecast.totals)]


def capped_note(capped: int) -> list[str]:
    """Say how many recurring deals without a term the forecast cut at 12 months."""
    if not capped:
        return []
    return [
        _(
            "(b) counts {months} months of billings of {deals} that would bill longer: no term "
            "recorded (funnel qualify ID --term N or --until DATE)."
        ).format(months=MONTHS_BILLED, deals=plural(capped, "deal"))
    ]


def forecast_blocks(r: ForecastReport) -> list[Block]:
    f = r.forecast
    if f.model is not None:
        from funnelcli.render.reports.model_blocks import model_blocks

        said = [Note(note) for note in _auto_notes(r)]  # when --method auto chose the model
        return [heading(r.header, _("Revenue forecast")), *model_blocks(f, r.method), *said]
    today = local_date_of(r.header.as_of)
    rows = forecast_rows(
        [
            (codes.period(b.label), b.by_currency)
            for b in f.buckets
            if b.end >= today or any_figure(b.by_currency)
        ]
    )
    if len(f.buckets) > 1:
        rows += forecast_rows([(_("Total"), f.totals)])
    blocks: list[Block] = [
        heading(r.header, _("Revenue forecast")),
        Grid(
            _("Forecast"),
            [_(h) for h in FORECAST_HEADERS],
            rows,
            frozenset({2, 3, 4, 5}),
            notes=[
                _(
                    "(a) open deals expected to close then, × win probability; (b) recurring "
                    "billings of won monthly/quarterly/yearly deals, up to their term (at most "
                    "{months} months without one); (c) already won."
                ).format(months=MONTHS_BILLED),
                *capped_note(f.capped),
                *_estimated_wins_note(f.totals),
            ],
        ),
        Grid(
            _("Win probability by stage (method: {method})").format(method=codes.method(r.method)),
            [_("Stage"), _("Default"), _("Closed deals"), _("Won"), _("Empirical"), _("Used")],
            [
                [
                    stage_name(p.stage.name),
                    pct(p.default),
                    count(p.closed),
                    count(p.won),
                    pct(p.empirical),
                    used_pct(p.value, from_history=p.used == "history"),
                ]
                for p in f.probabilities
            ],
            frozenset({1, 2, 3, 4}),
            notes=[
                *_auto_notes(r),
                _(
                    "History is used when at least {minimum} closed deals reached the stage; "
                    "{deals} weighted by its own override."
                ).format(minimum=EMPIRICAL_MINIMUM, deals=plural(f.overrides, "deal")),
            ],
        ),
    ]
    if r.left_out:
        shown = r.left_out[:LEFT_OUT_SHOWN]
        notes = []
        if len(r.left_out) > len(shown):
            notes.append(
                _("… and {n} more (all in --format json).").format(
                    n=count(len(r.left_out) - len(shown))
                )
            )
        blocks.append(
            Grid(
                _("Left out of the forecast: {deals}").format(
                    deals=plural(len(r.left_out), "open deal")
                ),
                [_("ID"), _("Name"), _("Stage"), _("Amount"), _("Expected close"), _("Why")],
                [
                    [
                        str(item.deal.id),
                        item.deal.name[:30],
                        stage_name(r.header.pipeline.by_id(item.deal.stage_id).name),
                        money(item.deal.amount_cents, item.deal.currency),
                        item.deal.expected_close.isoformat() if item.deal.expected_close else DASH,
                        ", ".join(_(REASONS[k]) for k in item.reasons),
                    ]
                    for item in shown
                ],
                frozenset({0, 3}),
                notes=notes,
            )
        )
    else:
        blocks.append(Note(_("No open deal is left out of the forecast.")))
    return blocks


def _estimated_wins_note(totals: list[ForecastLine]) -> list[str]:
    """Why (c) may miss deals won: an import did not know when they were won."""
    deals = sum(line.won_estimated for line in totals)
    if not deals:
        return []
    return [
        _(
            "(c) leaves out {deals} whose close date an import estimated (funnel check lists them)."
        ).format(deals=plural(deals, "won deal"))
    ]


def cycle_blocks(r: CycleReport) -> list[Block]:
    return [
        heading(r.header, _("Sales cycle")),
        Facts(
            _("Days from creation to win (deals won in the period)"),
            [
                (_("Won deals"), count(r.cycle.deals)),
                (_("Mean"), days_text(r.cycle.average_days)),
                (_("Median"), days_text(r.cycle.median_days)),
                *(
                    [
                        (
                            _("Left out"),
                            _("{n} (dates estimated by an import)").format(
                                n=count(r.cycle.estimated)
                            ),
                        )
                    ]
                    if r.cycle.estimated
                    else []
                ),
            ],
        ),
        Grid(
            _("Mean time a won deal spent in each stage"),
            [_("Stage"), _("Won deals that were at it"), _("Mean time there")],
            [
                [stage_name(t.stage.name), count(t.deals), days_text(t.average_days)]
                for t in r.stages
            ],
            frozenset({1, 2}),
        ),
    ]


def _flag(rate: Rate) -> str:
    return f"{rate_text(rate)}{SMALL if rate.small_sample else ''}"


def _actions(value: Fraction | None) -> str:
    return DASH if value is None else decimal_text(value, 1)


def paths_blocks(r: PathsReport) -> list[Block]:
    p = r.paths.overall
    small_note = _("{mark} fewer than {n} deals behind the rate: too few to mean much.").format(
        mark=SMALL, n=SMALL_SAMPLE
    )
    blocks: list[Block] = [
        heading(r.header, _("Which paths win")),
        Facts(
            _("Deals closed in the period"),
            [
                (_("Won / lost"), f"{count(p.won)} / {count(p.lost)}"),
                (_("Won of closed"), _flag(p.won_of_closed)),
                (_("Actions before a win"), _actions(p.actions_before_win)),
                (_("Actions before a loss"), _actions(p.actions_before_loss)),
            ],
        ),
        Grid(
            _("Per type of action"),
            [
                _("Type"),
                _("Won deals with it"),
                _("Lost deals with it"),
                _("Won of closed with it"),
                _("Without"),
            ],
            [
                [
                    t.type,
                    f"{count(t.won_with.numerator)} ({_flag(t.won_with)})",
                    f"{count(t.lost_with.numerator)} ({_flag(t.lost_with)})",
                    _flag(t.won_of_closed_with),
                    _flag(t.won_of_closed_without),
                ]
                for t in p.types
            ],
            frozenset({1, 2, 3, 4}),
            notes=[small_note] if p.types else [_("No action recorded on these deals.")],
        ),
    ]
    for title, sequences in (
        (_("First three actions of won deals"), p.won_sequences),
        (_("First three actions of lost deals"), p.lost_sequences),
    ):
        blocks.append(
            Grid(
                title,
                [_("Sequence"), _("Deals"), _("Share")],
                [
                    [sequence_text(s.sequence), count(s.share.numerator), _flag(s.share)]
                    for s in sequences
                ],
                frozenset({1, 2}),
            )
        )
    blocks.append(
        Grid(
            _("Per source"),
            [
                _("Source"),
                _("Won"),
                _("Lost"),
                _("Won of closed"),
                _("Actions/win"),
                _("Most common start (won)"),
            ],
            [
                [
                    source_label(s.source),
                    count(s.won),
                    count(s.lost),
                    _flag(s.won_of_closed),
                    _actions(s.actions_before_win),
                    sequence_text(s.won_sequences[0].sequence) if s.won_sequences else DASH,
                ]
                for s in r.paths.by_source
            ],
            frozenset({1, 2, 3, 4}),
            notes=[small_note],
        )
    )
    return blocks


def lost_blocks(r: LostReport) -> list[Block]:
    rows: list[list[str | Bar]] = []
    for reason in r.reasons:
        for i, v in enumerate(reason.by_currency):
            head = (
                [reason.reason or _(NO_SOURCE), count(reason.deals), rate_text(reason.share)]
                if i == 0
                else ["", "", ""]
            )
            value = money(v.amount_cents, v.currency) if v.with_amount else DASH
            rows.append([*head, value, count(v.deals - v.with_amount)])
    return [
        heading(r.header, _("Lost deals")),
        Grid(
            ngettext("Why {n} deals were lost", "Why {n} deals were lost", r.deals).format(
                n=count(r.deals)
            ),
            [_("Reason"), _("Deals"), _("Share"), _("Value"), _("Without amount")],
            rows,
            frozenset({1, 2, 3, 4}),
        ),
    ]
