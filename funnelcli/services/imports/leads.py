"""Lead rows into the database: matched by identity, inserted in batches, updated forward only.

Identity (so that a nightly re-import of a growing file only adds its new rows; the keys are
in :mod:`.identity`):

- a row matches the lead with its external id; else the oldest lead with its email and name
  (accents and case ignored) — for a row that has an external id, only a lead that has none
  (two CRM deals of one contact stay two leads); a row with neither matches a lead with
  neither by name, company and phone;
- a row of a deal file without external id matches the lead of its deal key, else adopts the
  oldest lead with its email and name that has no id nor key and that no row took; it is
  never merged with another row of the file unless they are the same deal (the same key);
- a matched lead is updated only where the file has a value that differs (``--update-fields``
  narrows which values it may overwrite); its first-touch source is kept and notes are
  appended, dated, never replaced (:mod:`.later_rows`); its stage only moves forward (or
  closes): an import never reopens a lead nor moves it back;
- a later row naming a lead already seen in the same file is merged into it: reported with
  both lines (or the lead's id) and the reason, not used.

History: a new open lead is created at its stage on its created date; a new closed lead is
created at the opportunity stage on its created date and closed on its close date
(``--closed-without-opportunity``: created at the first stage). Rows without a created date are
created at the import's "now" (a closed one on its close date), a closed row without close date
closed at that "now": such dates are marked estimated (``leads.dates_estimated``), the summary
says so, and the reports leave them out of the cycle and the monthly figures. A later file's
real date clears the mark; a close before the lead's creation in funnel moves the creation back
(:mod:`.redating`).

Rows are matched a batch at a time (one query per identity for the batch: :mod:`.matching`).
"""

from __future__ import annotations

from typing import Any

from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.leads import LeadParser, LeadValues
from funnelcli.importers.profile import Profile
from funnelcli.importers.stages import StageWords
from funnelcli.importers.summary import Summary
from funnelcli.services.imports.identity import is_deal_file
from funnelcli.services.imports.later_rows import LaterRows
from funnelcli.services.imports.matching import LeadMatching
from funnelcli.services.imports.merge import MergeSettings
from funnelcli.services.imports.profiles import profile_rows, profile_words
from funnelcli.services.imports.redating import KnownDates, new_dates
from funnelcli.services.stages import Pipeline
from funnelcli.store.imports import ImportWriter, KnownLead
from funnelcli.store.new_leads import getter

#: Lead columns a file may give that are written as they are.
_OPTIONAL = (
    "company", "email", "phone", "source", "notes", "external_id", "frequency", "price_only",
    "decision_maker", "contact_decides", "needs_approval", "prerequisites", "probability",
)  # fmt: skip


class LeadMerge(LeadMatching):
    def __init__(
        self,
        writer: ImportWriter,
        summary: Summary,
        columns: ColumnMap,
        settings: MergeSettings,
        *,
        stage_map: dict[str, str],
        without_opportunity: bool,
        currency: str,
        profile: Profile | None = None,
        overwritable: frozenset[str] | None = None,
    ) -> None:
        super().__init__(writer, summary, settings)
        self.later = LaterRows(writer, self.now_stamp, overwritable)
        pipeline = Pipeline(writer.stages())
        self.pipeline = pipeline
        self.parser = LeadParser(
            columns,
            stages=StageWords(pipeline, stage_map, profile_words(profile)),
            now=settings.now,
            order=settings.order,
            reread=settings.reread,
            currency=currency,
            rules=profile_rows(profile, columns, pipeline),
        )
        self._track("leads")
        self.dates = KnownDates(writer, summary)
        first_open = pipeline.open[0]
        self.opportunity = pipeline.opportunity
        self.without_opportunity = without_opportunity
        self.entry = first_open if without_opportunity else pipeline.opportunity
        fields = columns.fields
        self._start_matching(keyed=is_deal_file(fields))
        written = [key for key in _OPTIONAL if key in fields]
        if "email" in fields and "notes" not in fields:
            written.append("notes")  # a cell of several emails puts the others there
        if "amount" in fields:
            written.append("amount_cents")
        if "expected_close" in fields or "closed" in fields:
            written.append("expected_close")
        has_stage = "stage" in fields or "status" in fields
        if "lost_reason" in fields and has_stage:
            written.append("lost_reason")
        has_currency = "amount" in fields or "currency" in fields
        compared = ["name", *written] + (["currency"] if has_currency else [])
        self.compared = [c for c in compared if c != "lost_reason"]
        self.compared_of = getter(self.compared)
        #: The currency is compared last: a row whose amount names none changes no currency.
        self.compared_head = self.compared[:-1] if has_currency else self.compared
        self.compared_head_of = getter(self.compared_head)
        self.new = writer.new_leads(
            written,
            staged=has_stage,
            with_currency=has_currency,
            defaults={
                "updated_at": self.now_stamp,
                "stage_id": first_open.id,
                "currency": currency,
            },
            entry_stage_id=self.entry.id,
            keyed=self.keyed,
        )

    # ------------------------------------------------------------ new leads

    def _insert(self, row: LeadValues, key: str | None = None) -> None:
        stage, created = row.stage, row.created_at
        if stage is None and created is not None:  # most rows of a lead file: open, dated
            self.new.add(row, row.display_name, created, None, None, key)
        else:
            closed_kind = stage is not None and stage.kind != "open"
            created, closed, estimated = new_dates(row, closed_kind, self.now_stamp, self.summary)
            stage_id = stage.id if stage else None
            self.new.add(row, row.display_name, created, stage_id, closed, key, estimated)
        self.summary.inserted += 1
        self.batch_lines.append(row.line)

    def _flush(self) -> None:
        self.new.flush()
        super()._flush()

    def finish(self) -> None:
        self._drain()
        self.later.report(self.summary)
        if self.summary.inserted:
            self.writer.record_new_lead_history(self.base, self.entry.id)

    # ------------------------------------------------------------ known leads

    def _update(self, found: KnownLead, row: LeadValues) -> None:
        later = self.later
        row, recorded = later.take(found, row)
        redated = self.dates.real_dates(found, row) if found.dates_estimated else found
        if row.currency is None:  # it changes no currency: compared without it
            compared, compared_of = self.compared_head, self.compared_head_of
        else:
            compared, compared_of = self.compared, self.compared_of
        changes = later.changes(compared, compared_of(row), compared_of(redated))
        moves = []  # a row without a stage moves nothing, changes no lost reason (_moves)
        if later.may_move and row.stage is not None:
            moves = self._moves(redated, row, changes)
        if not changes and redated is found and not recorded:
            self.summary.unchanged += 1
            return
        changes["updated_at"] = self.now_stamp
        self.writer.update_lead(found.id, changes)
        for from_id, to_id, at in moves:
            self.writer.move_lead(found.id, from_id, to_id, at)
        self.summary.updated += 1

    def _moves(
        self, found: KnownLead, row: LeadValues, changes: dict[str, Any]
    ) -> list[tuple[int, int, str]]:
        """Stage moves for a known lead: forward, or closing; never back, never reopening."""
        target = row.stage
        rank = self.pipeline.rank
        current = self.pipeline.by_id(found.stage_id)
        reason = row.lost_reason
        if target is None or target.id == current.id or current.kind != "open":
            lost = target is not None and target.kind == current.kind == "lost"
            if lost and reason and reason != found.lost_reason:
                changes["lost_reason"] = reason
            return []
        if rank(target) <= rank(current):
            return []
        floor = max(found.created_at, self.writer.last_stage_change_at(found.id) or "")
        if target.kind == "open":
            changes["stage_id"] = target.id
            return [(current.id, target.id, max(self.now_stamp, floor))]
        closed = row.closed_at
        if closed is not None and closed < floor:
            at = self.dates.close_at(found, row, closed, floor)
        else:
            at = max(closed or self.now_stamp, floor)
        if closed is None:
            self.dates.closed_now(found)
        moves = []
        from_id = current.id
        if not self.without_opportunity and rank(current) < rank(self.opportunity):
            moves.append((current.id, self.opportunity.id, at))
            from_id = self.opportunity.id
        moves.append((from_id, target.id, at))
        changes["stage_id"] = target.id
        changes["closed_at"] = at
        if target.kind == "lost" and reason:
            changes["lost_reason"] = reason
        return moves
