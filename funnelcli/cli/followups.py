"""Promises and actions: ``follow-up`` (add/list/done/snooze/edit/delete), ``promise``, ``log``
and ``overdue`` — the command a solo salesperson's day starts with, often from cron.

``overdue`` is built to start fast and never block: no Rich unless drawing on a terminal, no
sqlite-utils, no dateutil parser, no icalendar; it reads a snapshot, without the write lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from funnelcli import records
from funnelcli.cli.options import (
    AtOption,
    FormatOption,
    LeadArgument,
    command_group,
    moment,
    parse,
    state,
)
from funnelcli.models import FollowUp
from funnelcli.render import Column, Format, Output, Record

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.cli import State
    from funnelcli.dates import When
    from funnelcli.services.followups import Item


commands = command_group()

follow_up_app = command_group(
    help="Promises made to leads: add, list, done, snooze, edit, delete.",
    no_args_is_help=True,
)
commands.add_typer(follow_up_app, name="follow-up")


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
    str, typer.Argument(help="Follow-up id (see 'funnel follow-up list').", show_default=False)
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


# --------------------------------------------------------------------------- records


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def record(item: Item, **extra: Any) -> dict[str, Any]:
    """The JSON/CSV shape of a listed follow-up: the follow-up, its lead, where it stands."""
    lead = item.lead
    return records.follow_up(
        item.follow_up,
        lead_name=lead.name,
        company=lead.company,
        email=lead.email,
        phone=lead.phone,
        overdue=item.overdue,
        days_late=item.days_late,
        **extra,
    )


_BLANK = FollowUp(0, 0, "", "", None, "", None, None, 0)
#: CSV columns of listed follow-ups (the header is printed even when nothing is listed).
RECORD_KEYS = tuple(
    records.follow_up(
        _BLANK, lead_name=None, company=None, email=None, phone=None, overdue=None, days_late=None
    )
)


def _due(record: Record) -> str:
    return (
        f"{record['due_date']} {record['due_time']}" if record["due_time"] else record["due_date"]
    )


def _status(record: Record) -> str:
    if record["done_at"]:
        from funnelcli.dates import format_local

        return "done " + format_local(record["done_at"], with_time=False)
    if record["overdue"]:
        return "overdue"
    return "due today" if record["days_late"] == 0 else "open"


def _snoozed(record: Record) -> str:
    return f"{record['snooze_count']}×" if record["snooze_count"] else ""


def _when(record: Record) -> str:
    late = record["days_late"]
    if record["overdue"]:
        return "late today" if late == 0 else f"{_plural(late, 'day')} late"
    if late == 0:
        return "due today"
    return "due tomorrow" if late == -1 else f"due in {-late} days"


def _lead(record: Record) -> str:
    company = f", {record['company']}" if record["company"] else ""
    return f"{record['lead_id']} {record['lead_name']}{company}"


def _contact(record: Record) -> str:
    return ", ".join(v for v in (record["phone"], record["email"]) if v)


LIST_COLUMNS = (
    Column("id", "ID", justify="right"),
    Column("due_date", "Due", text=_due),
    Column("status", "Status", text=_status),
    Column("lead_id", "Lead", justify="right"),
    Column("lead_name", "Name", style="bold"),
    Column("company", "Company"),
    Column("text", "Promise"),
    Column("snooze_count", "Snoozed", text=_snoozed, justify="right"),
)

AGENDA_COLUMNS = (
    Column("days_late", "When", text=_when),
    Column("due_date", "Due", text=_due),
    Column("id", "#", justify="right"),
    Column("lead_id", "Lead", text=_lead),
    Column("phone", "Contact", text=_contact),
    Column("text", "Promise"),
)


def _print(out: Output, fmt: Format, text: str, data: dict[str, Any], plain: str | None = None):
    """One result: the record for scripts, a sentence for people (``plain`` when piped)."""
    if fmt is Format.JSON:
        out.json(data)
    elif fmt is Format.CSV:
        out.csv([data])
    else:
        out.line(text if out.terminal or plain is None else plain)


def _lead_text(item: Item) -> str:
    lead = item.lead
    company = f", {lead.company}" if lead.company else ""
    return f"{lead.name} (lead {lead.lead_id}{company})"


def _list(out: Output, items: list[Item], fmt: Format, empty: str) -> None:
    rows = [record(item) for item in items]
    if fmt is Format.CSV:
        out.csv(rows, RECORD_KEYS)
    else:
        out.records(rows, LIST_COLUMNS, fmt, empty=empty)


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
    from funnelcli.services import followups

    st = state(ctx)
    when = due(st, due_text)
    item = followups.add(st.store(create=True), lead, text, when)
    st.out.committed(f"follow-up {item.follow_up.id} was added", "its id")
    _print(
        st.out,
        fmt,
        f"Follow-up {item.follow_up.id} for {_lead_text(item)}: due {item.due} · "
        f"{item.follow_up.text}",
        record(item),
        plain=str(item.follow_up.id),
    )
    if item.overdue:
        st.out.warn(f"follow-up {item.follow_up.id} is already overdue (due {item.due})")


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
    from funnelcli.services import followups

    st = state(ctx)
    before = due(st, due_before, "--due-before") if due_before is not None else None
    items = followups.list_follow_ups(
        st.store(), include_done=all_, lead_ref=lead, due_before=before
    )
    _list(st.out, items, fmt, "No follow-ups." if all_ else "No open follow-ups.")


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
    from funnelcli.services import followups

    st = state(ctx)
    ident = follow_up_id(follow_up)
    kept = followups.done(st.store(create=True), ident, note=note, at=moment(st, at))
    item = kept.item
    st.out.committed(f"follow-up {item.follow_up.id} was marked done")
    _print(
        st.out,
        fmt,
        f"Follow-up {item.follow_up.id} done: {item.follow_up.text} · {_lead_text(item)}",
        record(item, activity=records.activity(kept.activity)),
    )


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
    from funnelcli.services import followups

    st = state(ctx)
    ident = follow_up_id(follow_up)
    snoozed = followups.snooze(st.store(create=True), ident, due(st, when, "WHEN"))
    item = snoozed.item
    st.out.committed(f"follow-up {item.follow_up.id} was snoozed to {item.due}")
    _print(
        st.out,
        fmt,
        f"Follow-up {item.follow_up.id} snoozed to {item.due} "
        f"(was {snoozed.previous_due}; snoozed {item.follow_up.snooze_count}×): "
        f"{item.follow_up.text}",
        record(item, previous_due=snoozed.previous_due),
    )


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
    from funnelcli.services import followups

    st = state(ctx)
    ident = follow_up_id(follow_up)
    when = due(st, due_text) if due_text is not None else None
    item = followups.edit(st.store(create=True), ident, text=text, due=when)
    st.out.committed(f"follow-up {item.follow_up.id} was updated")
    _print(
        st.out,
        fmt,
        f"Follow-up {item.follow_up.id} updated: due {item.due} · {item.follow_up.text}",
        record(item),
    )


@follow_up_app.command("delete")
def delete(ctx: typer.Context, follow_up: IdArgument, fmt: FormatOption = Format.TABLE) -> None:
    """Delete a follow-up entered by mistake (activities already logged stay)."""
    from funnelcli.services import followups

    st = state(ctx)
    item = followups.delete(st.store(create=True), follow_up_id(follow_up))
    st.out.committed(f"follow-up {item.follow_up.id} was deleted")
    _print(
        st.out,
        fmt,
        f"Deleted follow-up {item.follow_up.id}: {item.follow_up.text} · {_lead_text(item)}",
        record(item),
    )


# --------------------------------------------------------------------------- log


@commands.command("log")
def log(
    ctx: typer.Context,
    lead: LeadArgument,
    type_: Annotated[
        str,
        typer.Argument(
            metavar="TYPE",
            help="call, email, meeting, demo, proposal, note, or any one word.",
            show_default=False,
        ),
    ],
    text: Annotated[str | None, typer.Argument(help="What happened.", show_default=False)] = None,
    at: AtOption = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Record an action taken on a lead: a call, an email, a meeting, a demo…"""
    from funnelcli.dates import format_local
    from funnelcli.services import activities

    st = state(ctx)
    logged = activities.log(st.store(create=True), lead, type_, text, at=moment(st, at))
    activity, target = logged.activity, logged.lead
    st.out.committed(f"activity {activity.id} was logged on lead {target.id}", "its id")
    _print(
        st.out,
        fmt,
        f"Logged {activity.type} on lead {target.id} {target.name} ({format_local(activity.at)})",
        {**records.activity(activity), "lead_name": target.name},
        plain=str(activity.id),
    )


# --------------------------------------------------------------------------- overdue


def _title(items: list[Item], now: datetime, within: str | None) -> str:
    late = sum(1 for item in items if item.overdue)
    soon = len(items) - late
    head = f"{_plural(late, 'overdue follow-up')}" if late else "Nothing overdue"
    if within is not None:
        head += f", {soon} due within {within}"
    return f"{head} ({now:%a %Y-%m-%d %H:%M})"


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
    from funnelcli.services import followups

    st = state(ctx)
    ahead: timedelta | None = (
        parse("--within", dates.parse_duration, within) if within is not None else None
    )
    now = dates.now()
    items = followups.overdue(st.store(), within=ahead, now=now)
    rows = [record(item) for item in items]
    if fmt is Format.JSON:
        st.out.json(rows)
    elif fmt is Format.CSV:
        st.out.csv(rows, RECORD_KEYS)
    elif rows:
        from funnelcli.render.followups import render_agenda

        render_agenda(
            st.out,
            rows,
            AGENDA_COLUMNS,
            title=_title(items, now, within),
            no_wrap=("days_late", "due_date", "id"),
        )
    if exit_code and items:
        raise typer.Exit(1)
