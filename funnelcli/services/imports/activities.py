"""Activity rows into the database: matched on (lead, moment, text); a known activity gets the
file's type. A new activity whose file gives no type is a ``note``.

Types follow :mod:`funnelcli.activity_types` (synonyms normalised by the parser); a doubtful new
type that ``funnel log`` would refuse is stored as written, and one warning lists such values
with their counts (a file imported yesterday must not fail today)."""

from __future__ import annotations

from typing import Any

from funnelcli import activity_types
from funnelcli.importers.activities import ActivityParser, ActivityValues
from funnelcli.services.imports.refs import LeadRowsMerge


class ActivityMerge(LeadRowsMerge):
    Parser = ActivityParser
    TABLE = "activities"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        #: Per type of the file: why ``log`` would refuse it, None when it would not.
        self.doubts: dict[str, str | None] = {}
        #: The doubtful types stored by this import -> how many rows.
        self.doubtful: dict[str, int] = {}

    def take(self, row: ActivityValues, fields: list[str]) -> None:
        lead_id = self.lead_of(row.line, row.lead, fields)
        if lead_id is None:
            return
        if row.type is not None:
            self._count_doubt(row.type)
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

    def _count_doubt(self, kind: str) -> None:
        if kind not in self.doubts:
            verdict = activity_types.judge(kind)
            doubt = verdict.doubt if verdict is not None else None
            self.doubts[kind] = None if doubt and self.writer.type_in_use(kind) else doubt
        if self.doubts[kind] is not None:
            self.doubtful[kind] = self.doubtful.get(kind, 0) + 1

    def warnings(self) -> list[str]:
        found = self.doubtful
        if not found:
            return []
        listed = "; ".join(
            f"{kind!r} ({n} row{'s' if n != 1 else ''}: {self.doubts[kind]})"
            for kind, n in sorted(found.items(), key=lambda item: (-item[1], item[0]))
        )
        return [
            f"new activity types that funnel log would refuse as likely typos, imported as "
            f"written: {listed} (funnel log --types lists the types)"
        ]
