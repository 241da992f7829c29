"""What ``funnel merge`` prints: per lead merged, what it brought to the kept lead."""

from __future__ import annotations

from funnelcli import records
from funnelcli.i18n import _, ngettext, stage_name
from funnelcli.i18n.codes import field_label, field_name
from funnelcli.models.corrections import MergedLead, MergeResult
from funnelcli.render import Format, Output, Record


def _record(item: MergedLead) -> Record:
    return {
        "id": item.lead.id,
        "name": item.lead.name,
        "stage": item.lead.stage,
        "follow_ups": item.follow_ups,
        "activities": item.activities,
        "external_ids": item.external_ids,
        "notes": item.notes,
        "filled": [field_name(f) for f in item.filled],
        "kept_stage_history": item.history,
        "kept_created_date": item.earlier,
    }


def describe(item: MergedLead) -> str:
    """``1 follow-up, 2 activities, external id X; its stage history (proposal); filled …``."""
    brought = [
        ngettext("{n} follow-up", "{n} follow-ups", item.follow_ups).format(n=item.follow_ups),
        ngettext("{n} activity", "{n} activities", item.activities).format(n=item.activities),
    ]
    if item.external_ids:
        ids = ", ".join(item.external_ids)
        n = len(item.external_ids)
        brought.append(ngettext("external id {ids}", "external ids {ids}", n).format(ids=ids))
    if item.notes:
        brought.append(_("notes"))
    parts = [", ".join(brought)]
    history = _("stage history ({stage})").format(stage=stage_name(item.lead.stage))
    if item.history and item.earlier:
        parts.append(_("its {history} and created date and source").format(history=history))
    elif item.history:
        parts.append(_("its {history}").format(history=history))
    elif item.earlier:
        parts.append(_("its created date and source"))
    if item.filled:
        filled = ", ".join(field_label(f) for f in item.filled)
        parts.append(_("filled {fields}").format(fields=filled))
    return _("; ").join(parts)


def merged(out: Output, result: MergeResult, fmt: Format) -> None:
    keep = result.lead
    out.committed(
        _("{count} lead(s) were merged into lead {keep}").format(
            count=len(result.merged), keep=keep.id
        )
    )
    if fmt is Format.JSON:
        out.json(records.lead(keep, merged=[_record(item) for item in result.merged]))
        return
    if fmt is Format.CSV:
        ids = " ".join(str(item.lead.id) for item in result.merged)
        out.csv([records.lead(keep, merged_ids=ids)])
        return
    for item in result.merged:
        out.line(
            _("Merged lead {id} {name} into lead {keep} {kept}: {what}").format(
                id=item.lead.id,
                name=item.lead.name,
                keep=keep.id,
                kept=keep.name,
                what=describe(item),
            )
        )
    out.line(
        _("Lead {id} {name} is at {stage}").format(
            id=keep.id, name=keep.name, stage=stage_name(keep.stage)
        )
    )
    out.note(_("Undo with: funnel undo"))
