"""Looking after the data: ``init``, ``check`` (the audit), ``backup``, ``restore``, ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from funnelcli import config
from funnelcli.cli.options import FormatOption, command_group, state, warn_stale_spool
from funnelcli.i18n import _
from funnelcli.render import Format

commands = command_group()


@commands.command()
def check(
    ctx: typer.Context,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when any problem is found (for scripts).")
    ] = False,
    stale_days: Annotated[
        int,
        typer.Option(
            "--stale-days", metavar="N", help="Days without activity that make a lead stale."
        ),
    ] = 30,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Audit the data: bad data gives false predictions. Prints each problem with the fix."""
    from funnelcli.render import admin as render
    from funnelcli.services import checks

    st = state(ctx)
    findings = checks.check(st.store(), stale_days=stale_days)
    found = render.check(st.out, findings, fmt)
    waiting = warn_stale_spool(st)
    if exit_code and (found or waiting):
        raise typer.Exit(1)


@commands.command()
def init(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="The database to create [default: the global --db, FUNNEL_DB, else the app "
            "data folder's].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create (and migrate) an empty database and print its path; fine if it exists already."""
    st = state(ctx)
    if db is not None:
        st.db_path, st.is_default_db = config.user_path(db), False
    store = st.store(create=True)
    st.out.line(str(store.path))


@commands.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="The backup file to write.", metavar="PATH", show_default=False)
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Write a consistent copy of the live database (safe while another command writes)."""
    from funnelcli.render import admin as render
    from funnelcli.services import admin

    st = state(ctx)
    render.backed_up(st.out, admin.backup(st.store(), path, force=force), fmt)


@commands.command()
def restore(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help="The backup file to restore.", metavar="BACKUP", show_default=False),
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a live database that holds leads (a copy is kept)."),
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Restore a backup into the live database, safely (never restore with cp).

    The backup is verified first; the state it replaces is kept as a new backup file beside
    the live database, and both paths are printed.
    """
    from funnelcli.render import admin as render
    from funnelcli.services import admin

    st = state(ctx)
    render.restored(st.out, admin.restore(st.store(create=True), path, force=force), fmt)


@commands.command()
def demo(
    ctx: typer.Context,
    db: Annotated[
        Path,
        typer.Option(
            "--db", metavar="PATH", help="Where to build the demo (never your real database)."
        ),
    ] = Path("funnel-demo.db"),
    leads: Annotated[int, typer.Option(metavar="N", help="How many leads to simulate.")] = 2000,
    seed: Annotated[int, typer.Option(metavar="S", help="Random seed: same seed, same data.")] = 42,
    months: Annotated[int, typer.Option(metavar="M", help="Months of history to simulate.")] = 12,
) -> None:
    """Build a realistic demo database (./funnel-demo.db) and show its dashboard."""
    from funnelcli.render import Output
    from funnelcli.services import demo as demo_service

    out = Output()
    st = state(ctx)
    source = ctx.find_root().get_parameter_source("db")
    if source is not None and source.name == "COMMANDLINE":
        out.warn(
            _(
                "the demo never touches {live}: it builds {db} (choose with: funnel demo --db PATH)"
            ).format(live=st.db_path, db=db)
        )
    summary = demo_service.build(db, leads=leads, seed=seed, months=months, live_db=st.db_path)
    from funnelcli.render import admin as render
    from funnelcli.render import reports as render_reports
    from funnelcli.services import reports

    render.demo_built(out, summary)
    render_reports.show(
        out, reports.build_file(summary.path, reports.options(choose=True)), Format.TABLE
    )
    out.note(
        _("Explore it: funnel --db {path} report | list | overdue | check").format(
            path=summary.path
        )
    )
