"""Follow-up rows (promises): a file's cells -> :class:`FollowUpValues`; and how a follow-up or
activity row names its lead (:class:`LeadRef`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from funnelcli.importers.cells import (
    CANCELLED,
    collapse_keep_lines,
    parse_cancel_reason,
    parse_done_status,
    parse_email,
    parse_time_cell,
)
from funnelcli.importers.datecolumn import DateColumn
from funnelcli.importers.problems import Problem
from funnelcli.importers.rows import CellParser, RowParser


@dataclass(slots=True)
class LeadRef:
    """How a follow-up or activity row names its lead."""

    external_id: str | None = None
    email: str | None = None
    ref: str | None = None  # a lead id, external id or email, as ``funnel`` accepts them

    def describe(self) -> str:
        return self.external_id or self.email or self.ref or ""

    def __bool__(self) -> bool:
        return bool(self.external_id or self.email or self.ref)


def lead_ref(
    lead: str | None, lead_id: str | None, email: str | None, external_id: str | None
) -> LeadRef:
    return LeadRef(external_id=external_id, email=email, ref=lead or lead_id)


def no_lead(line: int) -> Problem:
    return Problem(line, None, None, "no lead: give the lead's email, external id or id")


class FollowUpCells(NamedTuple):
    lead: str | None
    lead_id: str | None
    lead_email: str | None
    lead_external_id: str | None
    text: str | None
    due: tuple[str, str | None] | None  # the date, and the time of day the cell holds
    due_time: str | None
    created: str | None
    done: str | None
    done_note: str | None
    status: str | None
    cancelled: str | None
    cancel_reason: str | None


class FollowUpValues(NamedTuple):
    line: int
    lead: LeadRef
    text: str
    due_date: str
    due_time: str | None
    created_at: str | None
    done_at: str | None
    done_note: str | None
    status: str | None  # open, done or cancelled, from a status column (None: not said)
    cancel_reason: str | None  # lead-won or lead-lost, for a cancelled promise


_CLOCK = re.compile(r"[ T](\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)$")


class FollowUpParser(RowParser[FollowUpValues]):
    Cells = FollowUpCells
    PARSERS = {
        "text": collapse_keep_lines,
        "done_note": collapse_keep_lines,
        "lead_email": parse_email,
        "due_time": parse_time_cell,
        "status": parse_done_status,
        "cancel_reason": parse_cancel_reason,
    }
    DATES = {
        "due": (False, True), "created": (True, False), "done": (True, False),
        "cancelled": (True, False),
    }  # fmt: skip

    def _wrap_date(self, name: str, column: DateColumn) -> CellParser:
        if name != "due":
            return column

        def due(text: str) -> tuple[str, str | None]:
            """A due date, with the time of day when the cell has one (2026-12-01 14:30)."""
            day = column(text)
            clock = _CLOCK.search(text)
            return day, parse_time_cell(clock[1]) if clock else None

        return due

    def values(
        self, line: int, cells: FollowUpCells, fields: list[str]
    ) -> FollowUpValues | list[Problem]:
        ref = lead_ref(cells.lead, cells.lead_id, cells.lead_email, cells.lead_external_id)
        if not ref:
            return [no_lead(line)]
        if not cells.text:
            return [Problem(line, self.header_of("text"), None, "no text: what was promised?")]
        if not cells.due:
            return [Problem(line, self.header_of("due"), None, "no due date")]
        found = [
            self._future(line, fields, "created", cells.created, "created date"),
            self._future(line, fields, "done", cells.done, "done date"),
        ]
        problems = [p for p in found if p is not None]
        if problems:
            return problems
        due_date, time_in_cell = cells.due
        status = cells.status
        if cells.cancel_reason or cells.cancelled:
            status = CANCELLED
        cancelled = status == CANCELLED
        return FollowUpValues(
            line=line,
            lead=ref,
            text=cells.text,
            due_date=due_date,
            due_time=cells.due_time or time_in_cell,
            created_at=cells.created,
            done_at=(cells.cancelled or cells.done) if cancelled else cells.done,
            done_note=cells.done_note,
            status=status,
            cancel_reason=cells.cancel_reason if cancelled else None,
        )
