"""What the correction commands print: undo/redo, the journal, delete, a lead's moves."""

from __future__ import annotations

from collections.abc import Sequence

from funnelcli import records
from funnelcli.i18n import _, ngettext, stage_name
from funnelcli.i18n.journal import summary
from funnelcli.models import Lead, StageChange
from funnelcli.models.corrections import Dropped, JournalEntry, LeadFootprint, Reverted
from funnelcli.render import Column, Format, Output, Record


def _when(record: Record, key: str = "at") -> str:
    from funnelcli.dates import format_local

    return format_local(record[key])


def _status(record: Record) -> str:
    if record["purged"]:
        return _("purged")
    if record["undone_by"] is not None:
        return _("undone by {id}").format(id=record["undone_by"])
    return ""


ENTRY_COLUMNS = (
    Column("id", "ID", justify="right", no_wrap=True),
    Column("at", "When", text=_when, no_wrap=True),
    Column("command", "Command"),
    Column("summary", "Changes", text=lambda r: summary(r["summary"])),
    Column("undone_by", "Status", text=_status, no_wrap=True),
)

MOVE_COLUMNS = (
    Column("id", "Move", justify="right", no_wrap=True),
    Column("at", "When", text=_when, no_wrap=True),
    Column("from_stage", "From", text=lambda r: stage_name(r["from_stage"] or "")),
    Column("to_stage", "To", text=lambda r: stage_name(r["to_stage"])),
    Column("note", "Note"),
)


def reverted(out: Output, done: Reverted, fmt: Format) -> None:
    entry = done.entry
    out.committed(_("entry {entry} was reverted (entry {by})").format(entry=entry.id, by=done.by))
    out.result(
        fmt,
        {"entry": done.by, "reverted": entry._asdict()},
        (
            _("Redid entry {id}: {command} ({changes}); recorded as entry {by}")
            if entry.kind == "undo"
            else _("Undid entry {id}: {command} ({changes}); recorded as entry {by}")
        ).format(id=entry.id, command=entry.command, changes=summary(entry.summary), by=done.by),
    )


def entries(out: Output, found: Sequence[JournalEntry], fmt: Format) -> None:
    rows = [entry._asdict() for entry in found]
    keys = JournalEntry._fields
    out.records(
        rows, ENTRY_COLUMNS, fmt, title=_("Journal"), empty=_("The journal is empty."), keys=keys
    )


def pruned(out: Output, count: int, before: str) -> None:
    out.warn(
        _("reports as of dates before {day} lose the field history of the entries pruned").format(
            day=before
        )
    )
    out.line(
        ngettext(
            "Pruned {n} journal entry before {day}",
            "Pruned {n} journal entries before {day}",
            count,
        ).format(n=count, day=before)
    )


def footprint(item: LeadFootprint) -> str:
    """``lead 12 Sophie Gagnon (won; 2 follow-ups, 3 activities, 4 stage changes)``."""
    counts = ", ".join(
        (
            ngettext("{n} follow-up", "{n} follow-ups", item.follow_ups).format(n=item.follow_ups),
            ngettext("{n} activity", "{n} activities", item.activities).format(n=item.activities),
            ngettext("{n} stage change", "{n} stage changes", item.moves).format(n=item.moves),
        )
    )
    return _("lead {id} {name} ({stage}; {counts})").format(
        id=item.lead.id, name=item.lead.name, stage=stage_name(item.stage), counts=counts
    )


def deleted(out: Output, gone: Sequence[LeadFootprint], *, purged: bool) -> None:
    out.committed(_("{count} lead(s) were deleted").format(count=len(gone)))
    for item in gone:
        out.line(_("Deleted {lead}").format(lead=footprint(item)))
    if purged:
        out.note(_("Purged from the journal too: this cannot be undone."))
    else:
        out.note(_("Undo with: funnel undo"))


def history(out: Output, lead: Lead, moves: Sequence[StageChange], fmt: Format) -> None:
    rows = [records.stage_change(move) for move in moves]
    title = _("Stage moves of lead {id} {name}").format(id=lead.id, name=lead.name)
    out.records(rows, MOVE_COLUMNS, fmt, title=title, keys=StageChange._fields)


def dropped(out: Output, done: Dropped, fmt: Format) -> None:
    move = done.move
    out.committed(
        _("move {move} of lead {lead} was dropped").format(move=move.id, lead=done.lead.id)
    )
    out.result(
        fmt,
        records.lead(done.lead),
        _("Dropped move {id} ({before} → {after}) of lead {lead} {name}: now at {stage}").format(
            id=move.id,
            before=stage_name(move.from_stage or ""),
            after=stage_name(move.to_stage),
            lead=done.lead.id,
            name=done.lead.name,
            stage=stage_name(done.stage),
        ),
    )
