"""What ``funnel merge`` prints: per lead merged, what it brought to the kept lead."""

from __future__ import annotations

from funnelcli import records
from funnelcli.models.corrections import MergedLead, MergeResult
from funnelcli.render import Format, Output, Record


def _field(column: str) -> str:
    return column.removesuffix("_cents").replace("_", " ")


def _plural(n: int, word: str, plural: str) -> str:
    return f"{n} {word if n == 1 else plural}"


def _record(item: MergedLead) -> Record:
    return {
        "id": item.lead.id,
        "name": item.lead.name,
        "stage": item.lead.stage,
        "follow_ups": item.follow_ups,
        "activities": item.activities,
        "external_ids": item.external_ids,
        "notes": item.notes,
        "filled": [_field(f) for f in item.filled],
        "kept_stage_history": item.history,
        "kept_created_date": item.earlier,
    }


def describe(item: MergedLead) -> str:
    """``1 follow-up, 2 activities, external id X; its stage history (proposal); filled …``."""
    brought = [
        _plural(item.follow_ups, "follow-up", "follow-ups"),
        _plural(item.activities, "activity", "activities"),
    ]
    if item.external_ids:
        word = "external id" if len(item.external_ids) == 1 else "external ids"
        brought.append(f"{word} {', '.join(item.external_ids)}")
    if item.notes:
        brought.append("notes")
    parts = [", ".join(brought)]
    kept = []
    if item.history:
        kept.append(f"stage history ({item.lead.stage})")
    if item.earlier:
        kept.append("created date and source")
    if kept:
        parts.append(f"its {' and '.join(kept)}")
    if item.filled:
        parts.append(f"filled {', '.join(_field(f) for f in item.filled)}")
    return "; ".join(parts)


def merged(out: Output, result: MergeResult, fmt: Format) -> None:
    keep = result.lead
    out.committed(f"{len(result.merged)} lead(s) were merged into lead {keep.id}")
    if fmt is Format.JSON:
        out.json(records.lead(keep, merged=[_record(item) for item in result.merged]))
        return
    if fmt is Format.CSV:
        ids = " ".join(str(item.lead.id) for item in result.merged)
        out.csv([records.lead(keep, merged_ids=ids)])
        return
    for item in result.merged:
        out.line(
            f"Merged lead {item.lead.id} {item.lead.name} into lead {keep.id} {keep.name}: "
            f"{describe(item)}"
        )
    out.line(f"Lead {keep.id} {keep.name} is at {keep.stage}")
    out.note("Undo with: funnel undo")
