"""Activity rows into the database: matched on (lead, moment, text); a known activity gets the
file's type. A new activity whose file gives no type is a ``note``."""

from __future__ import annotations

from funnelcli.importers.activities import ActivityParser, ActivityValues
from funnelcli.services.imports.refs import LeadRowsMerge


class ActivityMerge(LeadRowsMerge):
    Parser = ActivityParser
    TABLE = "activities"

    def take(self, row: ActivityValues, fields: list[str]) -> None:
        lead_id = self.lead_of(row.line, row.lead, fields)
        if lead_id is None:
            return
        found = self.writer.activity_matching(lead_id, row.at, row.text)
        if found is None:
            self.writer.insert_activity(
                lead_id, row.type or "note", row.text, row.at, self.now_stamp
            )
            self.summary.inserted += 1
            return
        activity_id, kind = found
        if self.seen(activity_id, row.line):
            return
        if row.type and row.type != kind:
            self.writer.set_activity_type(activity_id, row.type)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1
