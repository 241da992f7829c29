"""Promises and actions: ``follow-up`` (add/list/done/snooze/edit/delete/reopen), ``promise``,
``log`` (registered by :mod:`.activities`, with its corrections) and ``overdue`` — the command
a solo salesperson's day starts with, often from cron.

``overdue`` is built to start fast and never block: no Rich unless drawing on a terminal, no
sqlite-utils, no dateutil parser, no icalendar; it reads a snapshot, without the write lock.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from funnelcli.cli.complete import follow_up_ids
from funnelcli.cli.options import (
    AtOption,
    FormatOption,
    LeadArgument,
    command_group,
    moment,
    parse,
    state,
)
from funnelcli.i18n import _
from funnelcli.render import Format

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.cli import State
    from funnelcli.dates import When


commands = command_group()

follow_up_app = command_group(
    help="Promises made to leads: add, list, done, snooze, edit, delete, reopen "
    "(alone: the open ones).",
    invoke_without_command=True,
)
commands.add_typer(follow_up_app, name="follow-up")


@follow_up_app.callback()
def follow_up_default(ctx: typer.Context) -> None:
    """Promises made to leads: add, list, done, snooze, edit, delete, reopen. Alone, it lists
    the open ones (like 'funnel follow-up list')."""
    if ctx.invoked_subcommand is None:
        list_(ctx, all_=False, lead=None, due_before=None, fmt=Format.TABLE)


# --------------------------------------------------------------------------- parsing


def due(st: State, value: str, option: str = "--due") -> When:
    """A due moment: a date and, optionally, a local time; year-less dates roll forward."""
    from funnelcli import dates

    return parse(
        option, lambda v: dates.parse_when(v, prefer="future", dayfirst=st.dayfirst), value
    )


def follow_up_id(value: str) -> int:
    from funnelcli.services.followups import parse_id

    return parse_id(value)


IdArgument = Annotated[
    str,
    typer.Argument(
        help="Follow-up id: F12 as funnel shows it, or 12 (see 'funnel follow-up list').",
        metavar="FOLLOW_UP",
        show_default=False,
        autocompletion=follow_up_ids,
    ),
]
DueOption = Annotated[
    str,
    typer.Option(
        "--due",
        help="When it is due: 2026-12-01, 'friday 14:00', tomorrow, +3d, 'in 2 weeks'.",
        show_default=False,
    ),
]
TextArgument = Annotated[
    str, typer.Argument(help="What was promised: 'send the revised quote'.", show_default=False)
]


# --------------------------------------------------------------------------- follow-up …


@follow_up_app.command("add")
def add(
    ctx: typer.Context,
    lead: LeadArgument,
    text: TextArgument,
    due_text: DueOption,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Record a promise made to a lead, with the date (and time) of the next action."""
    from funnelcli.render import followups as render
    from funnelcli.services import followups

    st = state(ctx)
    when = due(st, due_text)
    render.added(st.out, followups.add(st.store(create=True), lead, text, when), fmt)


commands.command(
    "promise",
    help="Record a promise made to a lead (same as 'funnel follow-up add LEAD TEXT --due WHEN').",
)(add)


@follow_up_app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Include the follow-ups already done.")
    ] = False,
    lead: Annotated[
        str | None,
        typer.Option(help="Only this lead's (id, external id or email).", show_default=False),
    ] = None,
    due_before: Annotated[
        str | None,
        typer.Option(
            "--due-before", help="Only those due before WHEN: friday, +1w.", show_default=False
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """List open follow-ups by due date (--all: done ones too)."""
    from funnelcli.render import followups as render
    from funnelcli.services import followups

    st = state(ctx)
    before = due(st, due_before, "--due-before") if due_before is not None else None
    items = followups.list_follow_ups(
        st.store(), include_done=all_, lead_ref=lead, due_before=before
    )
    render.follow_up_list(st.out, items, fmt, "No follow-ups." if all_ else "No open follow-ups.")


@follow_up_app.command("done")
def done(
    ctx: typer.Context,
    follow_up: IdArgument,
    note: Annotated[
        str | None, typer.Option(help="How it went: 'sent v2, call back in May'.")
    ] = None,
    at: AtOption = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Mark a promise kept; it is logged on the lead as a 'follow-up' activity."""
    from funnelcli.render import followups as render
    from funnelcli.services import followups

    st = state(ctx)
    ident = follow_up_id(follow_up)
    kept = followups.done(st.store(create=True), ident, note=note, at=moment(st, at))
    render.done(st.out, kept, fmt)


@follow_up_app.command("snooze")
def snooze(
    ctx: typer.Context,
    follow_up: IdArgument,
    when: Annotated[
        str,
        typer.Argument(
            help="The new due date (and time): monday, +2d, 'tomorrow 9:00'.", show_default=False
        ),
    ],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Push a promise back to a later date; 'show' displays how often it was pushed back."""
    from funnelcli.render import followups as render
    from funnelcli.services import followups

    st = state(ctx)
    ident = follow_up_id(follow_up)
    snoozed = followups.snooze(st.store(create=True), ident, due(st, when, "WHEN"))
    render.snoozed(st.out, snoozed, fmt)


commands.command("done", help="Mark a promise kept (same as 'funnel follow-up done').")(done)
commands.command(
    "snooze", help="Push a promise back to a later date (same as 'funnel follow-up snooze')."
)(snooze)


@follow_up_app.command("edit")
def edit(
    ctx: typer.Context,
    follow_up: IdArgument,
    text: Annotated[str | None, typer.Option(help="The new text.", show_default=False)] = None,
    due_text: Annotated[
        str | None,
        typer.Option(
            "--due", help="Correct the due date (not counted as a snooze).", show_default=False
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Correct a follow-up's text or due date (a mistake, not a snooze)."""
    from funnelcli.render import followups as render
    from funnelcli.services import followups

    st = state(ctx)
    ident = follow_up_id(follow_up)
    when = due(st, due_text) if due_text is not None else None
    render.edited(st.out, followups.edit(st.store(create=True), ident, text=text, due=when), fmt)


@follow_up_app.command("delete")
def delete(ctx: typer.Context, follow_up: IdArgument, fmt: FormatOption = Format.TABLE) -> None:
    """Delete a follow-up entered by mistake (activities already logged stay)."""
    from funnelcli.render import followups as render
    from funnelcli.services import followups

    st = state(ctx)
    render.deleted(st.out, followups.delete(st.store(create=True), follow_up_id(follow_up)), fmt)


@follow_up_app.command("reopen")
def reopen(ctx: typer.Context, follow_up: IdArgument, fmt: FormatOption = Format.TABLE) -> None:
    """Open a done or cancelled follow-up again (a kept one's 'follow-up' activity goes)."""
    from funnelcli.render import followups as render
    from funnelcli.services import reopening

    st = state(ctx)
    item = reopening.reopen_follow_up(st.store(create=True), follow_up_id(follow_up))
    render.reopened(st.out, item, fmt)


# --------------------------------------------------------------------------- log


def log(
    ctx: typer.Context,
    lead: Annotated[
        str | None,
        typer.Argument(help="Lead id, external id or email.", metavar="LEAD", show_default=False),
    ] = None,
    type_: Annotated[
        str | None,
        typer.Argument(
            metavar="TYPE",
            help="call, email, meeting, demo, proposal, note (or a synonym: e-mail, phone, "
            "rdv…), or any one word.",
            show_default=False,
        ),
    ] = None,
    text: Annotated[str | None, typer.Argument(help="What happened.", show_default=False)] = None,
    at: AtOption = None,
    new_type: Annotated[
        bool,
        typer.Option(
            "--new-type", help="Record TYPE even if it looks like a typo of a known type."
        ),
    ] = False,
    list_types: Annotated[
        bool,
        typer.Option(
            "--types", help="List the known types and the types in use, with counts; log nothing."
        ),
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Record an action taken on a lead: a call, an email, a meeting, a demo…"""
    from funnelcli.services import activities

    st = state(ctx)
    if list_types:
        from funnelcli.render import activity_types as types_render

        types_render.types(st.out, activities.types(st.store()), fmt)
        return
    if lead is None or type_ is None:
        from funnelcli.errors import UsageError

        raise UsageError(
            _("give LEAD and TYPE: funnel log LEAD TYPE [TEXT] (or funnel log --types)")
        )
    from funnelcli.render import followups as render

    logged = activities.log(
        st.store(create=True), lead, type_, text, at=moment(st, at), new_type=new_type
    )
    render.logged(st.out, logged.activity, logged.lead, fmt)


# --------------------------------------------------------------------------- overdue


@commands.command("overdue")
def overdue(
    ctx: typer.Context,
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit with 1 when anything is listed (as git diff)."),
    ] = False,
    within: Annotated[
        str | None,
        typer.Option(
            help="Also list what falls due soon: 0d (today), 2d, 1w, 6h.", show_default=False
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Overdue follow-ups, oldest first. Prints NOTHING and exits 0 when none (cron-friendly)."""
    from funnelcli import dates
    from funnelcli.render import agenda as render
    from funnelcli.services import followups

    st = state(ctx)
    ahead: timedelta | None = (
        parse("--within", dates.parse_duration, within) if within is not None else None
    )
    now = dates.now()
    items = followups.overdue(st.store(), within=ahead, now=now)
    render.overdue(st.out, items, now, within, fmt)
    if exit_code and items:
        raise typer.Exit(1)
