"""Correcting mistakes: undo and redo (the journal), delete, a lead's stage history."""

from __future__ import annotations

from typing import Annotated

import typer

from funnelcli.cli.complete import lead_ids
from funnelcli.cli.options import (
    FormatOption,
    LeadArgument,
    command_group,
    interactive,
    parse,
    state,
)
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.render import Format

commands = command_group()


@commands.command()
def undo(
    ctx: typer.Context,
    entry: Annotated[
        int | None,
        typer.Argument(
            help="The journal entry to revert (default: the last command).",
            metavar="ID",
            show_default=False,
        ),
    ] = None,
    show_list: Annotated[
        bool, typer.Option("--list", help="List the recent journal entries instead.")
    ] = False,
    limit: Annotated[int, typer.Option(help="How many entries --list shows.", min=1)] = 20,
    prune: Annotated[
        str | None,
        typer.Option(
            "--prune",
            metavar="BEFORE",
            help="Forget the entries recorded before this date (local midnight): they can no "
            "longer be undone.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Revert the last write command, or journal entry ID (see --list)."""
    from funnelcli.render import corrections as render
    from funnelcli.services import undo as service

    st = state(ctx)
    if show_list:
        render.entries(st.out, service.entries(st.store(), limit), fmt)
    elif prune is not None:
        from datetime import datetime, time

        from funnelcli import dates

        day = parse("--prune", lambda v: dates.parse_date(v, dayfirst=st.dayfirst), prune)
        start = dates.to_storage(datetime.combine(day, time(0)).astimezone())
        render.pruned(st.out, service.prune(st.store(), start), day.isoformat())
    else:
        render.reverted(st.out, service.undo(st.store(), entry), fmt)


@commands.command()
def redo(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Revert the last undo (if no command was run since)."""
    from funnelcli.render import corrections as render
    from funnelcli.services import undo as service

    st = state(ctx)
    render.reverted(st.out, service.redo(st.store()), fmt)


@commands.command()
def delete(
    ctx: typer.Context,
    leads: Annotated[
        list[str],
        typer.Argument(
            help="Lead ids, external ids or emails.",
            metavar="LEAD...",
            show_default=False,
            autocompletion=lead_ids,
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (for scripts).")] = False,
    purge: Annotated[
        bool,
        typer.Option(
            "--purge",
            help="Also remove the leads' data from the journal (to forget a person): "
            "cannot be undone.",
        ),
    ] = False,
) -> None:
    """Delete leads with their follow-ups, activities and stage history (undoable)."""
    from funnelcli.render import corrections as render
    from funnelcli.services import deletion

    st = state(ctx)
    store = st.store(create=True)
    if not yes:
        if not interactive():
            raise UsageError(
                _("delete asks for a confirmation, and there is no terminal to ask"),
                hint=_("add --yes to delete without asking"),
            )
        for item in deletion.preview(store, leads):
            st.out.note(_("Delete {lead}").format(lead=render.footprint(item)))
        question = (
            _("Delete and purge from the journal? This cannot be undone") if purge else _("Delete?")
        )
        if not typer.confirm(question, default=False, err=True):
            raise typer.Exit(1)
    render.deleted(st.out, deletion.delete(store, leads, purge=purge), purged=purge)


@commands.command()
def history(
    ctx: typer.Context,
    lead: LeadArgument,
    drop: Annotated[
        int | None,
        typer.Option(
            "--drop",
            metavar="MOVE_ID",
            help="Delete this stage move (undoable).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """List a lead's stage moves with their ids, or drop a mistaken one."""
    from funnelcli.render import corrections as render
    from funnelcli.services import history as service

    st = state(ctx)
    if drop is None:
        found, moves = service.history(st.store(), lead)
        render.history(st.out, found, moves, fmt)
    else:
        render.dropped(st.out, service.drop(st.store(create=True), lead, drop), fmt)
