"""Looking after the data: ``init``, ``check`` (the audit), ``backup``, ``restore``, ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from funnelcli import config
from funnelcli.cli.options import FormatOption, command_group, state
from funnelcli.render import Column, Format, Record

commands = command_group()


def _ids_text(record: Record) -> str:
    ids = record["lead_ids"]
    shown = ", ".join(str(i) for i in ids[:8])
    return shown + (f" … (+{len(ids) - 8})" if len(ids) > 8 else "")


CHECK_COLUMNS = (
    Column("title", "Problem"),
    Column("count", "Leads", justify="right"),
    Column("lead_ids", "Lead ids", text=_ids_text),
    Column("hint", "Fix"),
)


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
    from funnelcli.services import checks

    st = state(ctx)
    findings = checks.check(st.store(), stale_days=stale_days)
    records: list[dict[str, Any]] = [
        {
            "rule": f.rule,
            "title": f.title,
            "count": f.count,
            "lead_ids": f.lead_ids,
            "hint": f.hint,
            "details": f.details,
        }
        for f in findings
    ]
    found = [r for r in records if r["count"]]
    if fmt is Format.JSON:
        st.out.json(records)
    elif fmt is Format.CSV:
        st.out.csv(
            [
                {
                    **r,
                    "lead_ids": " ".join(map(str, r["lead_ids"])),
                    "details": "; ".join(r["details"]),
                }
                for r in records
            ]
        )
    elif not found:
        st.out.line("No problems found.")
    else:
        st.out.records(found, CHECK_COLUMNS, fmt, title="Data-quality problems")
        for record in found:
            details = record["details"]
            for detail in details[:5]:
                st.out.line(f"  {record['rule']}: {detail}")
            if len(details) > 5:
                st.out.line(f"  {record['rule']}: … {len(details) - 5} more (see --format json)")
    if exit_code and found:
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
    from funnelcli.services import admin

    st = state(ctx)
    done = admin.backup(st.store(), path, force=force)
    if fmt is Format.TABLE:
        st.out.line(
            f"Backed up {done.leads} leads to {done.path} ({done.size // 1024} KiB, integrity ok)"
        )
    else:
        record = {"path": str(done.path), "bytes": done.size, "leads": done.leads}
        st.out.json(record) if fmt is Format.JSON else st.out.csv([record])


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
    from funnelcli.services import admin

    st = state(ctx)
    done = admin.restore(st.store(create=True), path, force=force)
    kept = str(done.kept.path) if done.kept else None
    if fmt is Format.TABLE:
        st.out.line(f"Restored {done.leads} leads from {done.source} into {done.live}")
        if kept:
            st.out.line(f"The replaced database is kept in {kept}")
    else:
        record = {
            "backup": str(done.source),
            "database": str(done.live),
            "leads": done.leads,
            "kept": kept,
        }
        st.out.json(record) if fmt is Format.JSON else st.out.csv([record])


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
            f"the demo never touches {st.db_path}: "
            f"it builds {db} (choose with: funnel demo --db PATH)"
        )
    summary = demo_service.build(db, leads=leads, seed=seed, months=months, live_db=st.db_path)
    out.note(
        f"Demo database {summary.path}: {summary.leads} leads ({summary.open} open, "
        f"{summary.won} won, {summary.lost} lost), {summary.activities} activities, "
        f"{summary.follow_ups} follow-ups ({summary.overdue} overdue)."
    )
    from funnelcli.render import reports as render_reports
    from funnelcli.services import reports

    render_reports.show(out, reports.build_file(summary.path, reports.options()), Format.TABLE)
    out.note(f"Explore it: funnel --db {summary.path} report | list | overdue | check")
