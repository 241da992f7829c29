"""What the correction commands print: undo/redo, the journal, delete, a lead's moves."""

from __future__ import annotations

from collections.abc import Sequence

from funnelcli import records
from funnelcli.models import Lead, StageChange
from funnelcli.models.corrections import Dropped, JournalEntry, LeadFootprint, Reverted
from funnelcli.render import Column, Format, Output, Record


def _when(record: Record, key: str = "at") -> str:
    from funnelcli.dates import format_local

    return format_local(record[key])


def _status(record: Record) -> str:
    if record["purged"]:
        return "purged"
    if record["undone_by"] is not None:
        return f"undone by {record['undone_by']}"
    return ""


ENTRY_COLUMNS = (
    Column("id", "ID", justify="right", no_wrap=True),
    Column("at", "When", text=_when, no_wrap=True),
    Column("command", "Command"),
    Column("summary", "Changes"),
    Column("undone_by", "Status", text=_status, no_wrap=True),
)

MOVE_COLUMNS = (
    Column("id", "Move", justify="right", no_wrap=True),
    Column("at", "When", text=_when, no_wrap=True),
    Column("from_stage", "From"),
    Column("to_stage", "To"),
    Column("note", "Note"),
)


def reverted(out: Output, done: Reverted, fmt: Format) -> None:
    entry = done.entry
    verb = "Redid" if entry.kind == "undo" else "Undid"
    out.committed(f"entry {entry.id} was reverted (entry {done.by})")
    out.result(
        fmt,
        {"entry": done.by, "reverted": entry._asdict()},
        f"{verb} entry {entry.id}: {entry.command} ({entry.summary}); recorded as entry {done.by}",
    )


def entries(out: Output, found: Sequence[JournalEntry], fmt: Format) -> None:
    rows = [entry._asdict() for entry in found]
    keys = JournalEntry._fields
    out.records(rows, ENTRY_COLUMNS, fmt, title="Journal", empty="The journal is empty.", keys=keys)


def pruned(out: Output, count: int, before: str) -> None:
    out.warn(f"reports as of dates before {before} lose the field history of the entries pruned")
    out.line(f"Pruned {count} journal entr{'y' if count == 1 else 'ies'} before {before}")


def footprint(item: LeadFootprint) -> str:
    """``lead 12 Sophie Gagnon (won; 2 follow-ups, 3 activities, 4 stage changes)``."""
    counts = ", ".join(
        f"{n} {word if n == 1 else plural}"
        for n, word, plural in (
            (item.follow_ups, "follow-up", "follow-ups"),
            (item.activities, "activity", "activities"),
            (item.moves, "stage change", "stage changes"),
        )
    )
    return f"lead {item.lead.id} {item.lead.name} ({item.stage}; {counts})"


def deleted(out: Output, gone: Sequence[LeadFootprint], *, purged: bool) -> None:
    out.committed(f"{len(gone)} lead(s) were deleted")
    for item in gone:
        out.line(f"Deleted {footprint(item)}")
    if purged:
        out.note("Purged from the journal too: this cannot be undone.")
    else:
        out.note("Undo with: funnel undo")


def history(out: Output, lead: Lead, moves: Sequence[StageChange], fmt: Format) -> None:
    rows = [records.stage_change(move) for move in moves]
    title = f"Stage moves of lead {lead.id} {lead.name}"
    out.records(rows, MOVE_COLUMNS, fmt, title=title, keys=StageChange._fields)


def dropped(out: Output, done: Dropped, fmt: Format) -> None:
    move = done.move
    out.committed(f"move {move.id} of lead {done.lead.id} was dropped")
    out.result(
        fmt,
        records.lead(done.lead),
        f"Dropped move {move.id} ({move.from_stage} → {move.to_stage}) of lead {done.lead.id} "
        f"{done.lead.name}: now at {done.stage}",
    )
