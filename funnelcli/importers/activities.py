"""Activity rows (the log of actions): a file's cells -> :class:`ActivityValues`."""

from __future__ import annotations

from typing import NamedTuple

from funnelcli.importers.cells import collapse_keep_lines, parse_activity_type, parse_email
from funnelcli.importers.followups import LeadRef, lead_ref, no_lead
from funnelcli.importers.problems import Problem
from funnelcli.importers.rows import RowParser


class ActivityCells(NamedTuple):
    lead: str | None
    lead_id: str | None
    lead_email: str | None
    lead_external_id: str | None
    type: str | None
    text: str | None
    at: str | None


class ActivityValues(NamedTuple):
    line: int
    lead: LeadRef
    type: str | None  # None: the file does not say (a new activity is a "note")
    text: str | None
    at: str


class ActivityParser(RowParser[ActivityValues]):
    Cells = ActivityCells
    PARSERS = {"lead_email": parse_email, "type": parse_activity_type, "text": collapse_keep_lines}
    DATES = {"at": (True, False)}

    def values(
        self, line: int, cells: ActivityCells, fields: list[str]
    ) -> ActivityValues | list[Problem]:
        ref = lead_ref(cells.lead, cells.lead_id, cells.lead_email, cells.lead_external_id)
        if not ref:
            return [no_lead(line)]
        if not cells.at:
            return [Problem(line, self.header_of("at"), None, "no date: when did it happen?")]
        future = self._future(line, fields, "at", cells.at, "date")
        if future:
            return [future]
        return ActivityValues(line=line, lead=ref, type=cells.type, text=cells.text, at=cells.at)
