"""Follow-up rows into the database: matched on (lead, due date, text); a known promise gets
the file's time, done date and note, and is never reopened. A cancelled row (funnel's own
export writes them) is a promise its lead's close cancelled: its reason is the file's
(``lead-won``/``lead-lost``), else the lead's outcome; an open lead's cancelled row is invalid."""

from __future__ import annotations

from typing import Any

from funnelcli.importers.cells import CANCELLED, DONE
from funnelcli.importers.followups import FollowUpParser, FollowUpValues
from funnelcli.importers.problems import Problem
from funnelcli.importers.rows import RowParser
from funnelcli.models import cancel_reason
from funnelcli.services.imports.refs import LeadRowsMerge


class FollowUpMerge(LeadRowsMerge):
    Parser = FollowUpParser
    TABLE = "follow_ups"

    def take(self, row: FollowUpValues, fields: list[str]) -> None:
        lead_id = self.lead_of(row.line, row.lead, fields)
        if lead_id is None:
            return
        closed = row.status in (DONE, CANCELLED)
        done_at = row.done_at or (self.now_stamp if closed else None)
        reason = None
        if row.status == CANCELLED:
            reason = row.cancel_reason or cancel_reason(self.writer.lead_stage_kind(lead_id))
            if reason is None:
                self.reject(row.line, fields, [_cancelled_open(self.parser, row)])
                return
        found = self.writer.follow_up_matching(lead_id, row.due_date, row.text)
        if found is None:
            self.writer.insert_follow_up(
                {
                    "lead_id": lead_id,
                    "text": row.text,
                    "due_date": row.due_date,
                    "due_time": row.due_time,
                    "created_at": row.created_at or self.now_stamp,
                    "done_at": done_at,
                    "done_note": row.done_note,
                    "cancel_reason": reason,
                },
            )
            self.summary.inserted += 1
            return
        follow_up_id, due_time, was_done, note = found
        if self.seen(follow_up_id, row.line):
            return
        changes: dict[str, Any] = {}
        if row.due_time and row.due_time != due_time:
            changes["due_time"] = row.due_time
        if row.done_at and row.done_at != was_done or done_at and not was_done:
            changes["done_at"] = done_at  # marked done (an import never reopens a promise)
            if reason is not None and not was_done:
                changes["cancel_reason"] = reason
        if row.done_note and row.done_note != note:
            changes["done_note"] = row.done_note
        if changes:
            self.writer.update_follow_up(follow_up_id, changes)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1


def _cancelled_open(parser: RowParser[Any], row: FollowUpValues) -> Problem:
    return Problem(
        row.line,
        parser.header_of("status") or parser.header_of("cancel_reason"),
        None,
        "a cancelled follow-up of an open lead: funnel cancels a promise when its lead is won "
        "or lost; import it as open or done",
    )
