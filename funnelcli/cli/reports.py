"""``funnel report``: the dashboard, or one section, for a period."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from funnelcli.cli.complete import period_names, source_names
from funnelcli.cli.options import FormatOption, command_group, state, warn_stale_spool
from funnelcli.i18n import _
from funnelcli.render import Format

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.cli import State
    from funnelcli.kpis.reports import Report

commands = command_group()


class Section(enum.StrEnum):
    KPIS = "kpis"
    FUNNEL = "funnel"
    SOURCES = "sources"
    MONTHLY = "monthly"
    FORECAST = "forecast"
    CYCLE = "cycle"
    PATHS = "paths"
    LOST = "lost"
    ACCURACY = "accuracy"
    BACKTEST = "backtest"


class By(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class Method(enum.StrEnum):
    AUTO = "auto"
    STAGE = "stage"
    HISTORY = "history"
    MODEL = "model"


@commands.command()
def report(
    ctx: typer.Context,
    section: Annotated[
        Section | None,
        typer.Argument(
            help="kpis, funnel, sources, monthly, forecast, cycle, paths, lost, accuracy "
            "(recorded forecasts against what was then won), or backtest (each forecast method "
            "at past cut-offs against what was then won) [default: the dashboard].",
            case_sensitive=False,
            show_default=False,
            metavar="[SECTION]",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First day of the period: a date (2026-03-01, '1 mar') or a period "
            "(2026-Q1: its first day).",
            show_default=False,
            metavar="DATE",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last day of the period: a date or a period (2026-06: its last day).",
            show_default=False,
            metavar="DATE",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="2026-11, 2026-Q3, 2026, this-month, last-month, this-quarter, next-quarter, "
            "ytd, last-12-months… [default: the last 12 full months and this one; for "
            "forecast: this quarter and the next; for accuracy (the days snapshots were "
            "recorded): every day; for backtest (the months or quarters whose ends are the "
            "cut-offs): the 12 months before last month].",
            show_default=False,
            metavar="PERIOD",
            autocompletion=period_names,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Only leads from this source ('(none)': leads without a source).",
            show_default=False,
            metavar="SOURCE",
            autocompletion=source_names,
        ),
    ] = None,
    by: Annotated[
        By,
        typer.Option(
            "--by",
            help="Buckets of the forecast and of monthly; the backtest's cut-offs.",
            case_sensitive=False,
        ),
    ] = By.MONTH,
    method: Annotated[
        Method | None,
        typer.Option(
            "--method",
            help="Forecast probabilities from the stage defaults or from history, or the "
            "model (each part learnt from history, see docs/forecast.md); auto: the method of "
            "lowest backtest error on your history (4+ cut-offs with a win; chosen once a day), "
            "else history where 20+ closed deals reached the stage, else the stage default "
            "[default: auto].",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Show the database as it was then: a date (its end) or a date and time "
            "[default: now; a FUNNEL_NOW before the latest data means the same].",
            show_default=False,
            metavar="DATE",
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Also write the report as a picture (FILE.svg) or a web page (FILE.html), "
            "owner-only.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --save FILE if it exists.")
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="forecast: also store its figures as today's snapshot (replacing one recorded "
            "today with the same period, --by, --method and --source), for: funnel report "
            "accuracy.",
        ),
    ] = False,
) -> None:
    """Show the KPI dashboard, or one section of it, for a period."""
    from funnelcli.errors import UsageError
    from funnelcli.services import reports

    st = state(ctx)
    if record and section is not Section.FORECAST:
        raise UsageError(_("--record stores a forecast: use it with funnel report forecast"))
    if save is not None and fmt is not Format.TABLE:
        raise UsageError(
            _("--save draws the table format: it cannot be combined with --format {fmt}").format(
                fmt=fmt.value
            )
        )
    opts = reports.options(
        section.value if section else None,
        period=period,
        start=start,
        end=end,
        source=source,
        by=by.value,
        method=method.value if method else "auto",
        dayfirst=st.dayfirst,
        as_of=as_of,
        choose=method is None or method is Method.AUTO,
    )
    if save is not None:
        from funnelcli import outfiles
        from funnelcli.render.reports.save import kind_of

        # Refused now rather than after the report is built (checked again when written).
        kind_of(save)
        outfiles.check_target(save, live_db=st.db_path, force=force, what="report")
    import gc

    # A report at scale builds a few hundred thousand objects, none in a cycle: the collector's
    # passes over them are pure cost. Back on afterwards, for callers that
    # run commands in their own process (tests, scripts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        built = reports.build(st.store(), opts)
        from funnelcli.render import reports as render

        render.show(st.out, built, fmt)
        if section is None:
            warn_stale_spool(st)  # the dashboard: web leads that wait
        if record:
            _record(st, built)
        if save is not None:
            from funnelcli.render.reports.save import save as save_report

            save_report(built, save, live_db=st.db_path, force=force)
            st.out.note(_("Saved {path}").format(path=save))
    finally:
        if collecting:
            gc.enable()


def _record(st: State, built: Report) -> None:
    """Store the forecast just shown as today's snapshot; say so on stderr."""
    from funnelcli.kpis.reports import ForecastReport
    from funnelcli.render.reports.words import plural
    from funnelcli.services.reports.snapshots import record

    assert isinstance(built, ForecastReport)
    replaced, written = record(st.store(), built)
    again = _(" (replacing the one recorded earlier today)") if replaced else ""
    st.out.note(_("Recorded the forecast: {lines}").format(lines=plural(written, "line")) + again)
