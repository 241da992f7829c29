"""Lead rows into the database: matched by identity, inserted in batches, updated forward only.

Identity (so that a nightly re-import of a growing file only adds its new rows):

- a row matches the lead with its external id; else, by email (case-insensitively), the oldest
  lead with that email — for a row that has an external id, only a lead that has none (two CRM
  deals of one contact stay two leads); a row with neither matches a lead with neither by
  name, company and phone;
- a matched lead is updated only where the file has a value that differs; its stage only moves
  forward (or closes): an import never reopens a lead nor moves it back;
- a later row naming a lead already seen in the same file is a duplicate: reported, not used.

History: a new open lead is created at its stage on its created date; a new closed lead is
created at the opportunity stage on its created date and closed on its close date
(``--closed-without-opportunity``: created at the first stage). Rows without a created date are
created at the import's "now" (a closed one on its close date), and the summary says so.

Rows are matched a batch at a time (one query per identity for the batch). The duplicate check
uses the database's indexes plus a fixed-size filter of the keys this import inserted.
"""

from __future__ import annotations

from typing import Any

from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.leads import LeadParser, LeadValues
from funnelcli.importers.stages import StageWords
from funnelcli.importers.summary import Summary
from funnelcli.services.imports.bits import KeyFilter
from funnelcli.services.imports.merge import Merge, MergeSettings
from funnelcli.services.stages import Pipeline
from funnelcli.store.imports import ImportWriter, KnownLead, getter

#: Rows matched per batch (and per ``executemany``).
BATCH = 2000

#: Lead columns a file may give that are written as they are.
_OPTIONAL = (
    "company", "email", "phone", "source", "notes", "external_id", "frequency", "price_only",
    "decision_maker", "contact_decides", "needs_approval", "prerequisites", "probability",
)  # fmt: skip


class LeadMerge(Merge):
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
    ) -> None:
        super().__init__(writer, summary, settings)
        pipeline = Pipeline(writer.stages())
        self.pipeline = pipeline
        self.parser = LeadParser(
            columns,
            stages=StageWords(pipeline, stage_map),
            now=settings.now,
            order=settings.order,
            reread=settings.reread,
            currency=currency,
        )
        self._track("leads")
        self.had_leads = self.base > 0
        first_open = pipeline.open[0]
        self.opportunity = pipeline.opportunity
        self.without_opportunity = without_opportunity
        self.entry = first_open if without_opportunity else pipeline.opportunity
        self.inserted_keys = KeyFilter()
        # The keys of the rows taken since the last flush (the filter covers the earlier ones):
        # external ids; emails (True: a lead without external id has it, so any later row with
        # it is a duplicate; False: only leads with an external id); name|company|phone.
        self.pending_ids: set[str] = set()
        self.pending_emails: dict[str, bool] = {}
        self.pending_names: set[str] = set()
        self.queue: list[LeadValues] = []
        self.by_external_id: dict[str, KnownLead] = {}
        self.by_email: dict[str, KnownLead] = {}
        self.by_email_alone: dict[str, KnownLead] = {}
        fields = columns.fields
        written = [key for key in _OPTIONAL if key in fields]
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
        )

    # ------------------------------------------------------------ identity

    def take(self, row: LeadValues, fields: list[str]) -> None:
        self.queue.append(row)
        if len(self.queue) >= BATCH:
            self._drain()

    def _drain(self) -> None:
        """Match a batch of rows: one query per identity for the batch, then row by row."""
        rows, self.queue = self.queue, []
        inserted = self.inserted_keys
        maybe = self.had_leads
        external_ids: list[str] = []
        emails: list[str] = []
        for row in rows:
            external_id, email = row.external_id, row.email
            # Look a key up when the database had leads, or when this import may have inserted it.
            if external_id and (maybe or inserted.may_hold(external_id)):
                external_ids.append(external_id)
            if email and (maybe or inserted.may_hold(email)):
                emails.append(email)
        writer = self.writer
        self.by_external_id = writer.leads_by_external_ids(external_ids) if external_ids else {}
        self.by_email, self.by_email_alone = writer.leads_by_emails(emails) if emails else ({}, {})
        match = self._match
        for row in rows:
            match(row)
        self._flush()

    def _match(self, row: LeadValues) -> None:
        external_id = row.external_id
        email = row.email
        found = None
        name_key = ""
        if external_id:
            if external_id in self.pending_ids:
                return self.summary.duplicate(row.line)
            found = self.by_external_id.get(external_id)
            if found is None and email:
                if self.pending_emails.get(email):
                    return self.summary.duplicate(row.line)
                found = self.by_email_alone.get(email)
        elif email:
            if email in self.pending_emails:
                return self.summary.duplicate(row.line)
            found = self.by_email.get(email)
        else:
            company, phone = row.company, row.phone
            name_key = "\x1f".join((row.display_name, company or "", phone or ""))
            if name_key in self.pending_names:
                return self.summary.duplicate(row.line)
            if self.had_leads or self.inserted_keys.may_hold(name_key):
                found = self.writer.lead_by_name(row.display_name, company, phone)
        if found is not None:
            if self.seen(found.id, row.line):
                return None
            if external_id and found.external_id is None:
                # The lead now has this external id: a later row naming it is a duplicate,
                # and its email no longer matches rows that carry another external id.
                self.pending_ids.add(external_id)
                if email:
                    self.by_email_alone.pop(email, None)
            return self._update(found, row)
        self._insert(row)
        # Remember the keys: later rows naming this lead are duplicates of this one.
        inserted = self.inserted_keys
        if external_id:
            self.pending_ids.add(external_id)
            inserted.add_key(external_id)
            if email:
                self.pending_emails.setdefault(email, False)
        elif email:
            self.pending_emails[email] = True
        else:
            self.pending_names.add(name_key)
            inserted.add_key(name_key)
        if email:
            inserted.add_key(email)

    # ------------------------------------------------------------ new leads

    def _insert(self, row: LeadValues) -> None:
        summary = self.summary
        created = row.created_at
        stage = row.stage
        if stage is None or stage.kind == "open":
            if created is None:
                created = self.now_stamp
                summary.created_now += 1
            self.new.add(row, row.display_name, created, stage.id if stage else None, None)
        else:
            closed = row.closed_at
            if closed is None:
                closed = self.now_stamp
                summary.closed_now += 1
            if created is None:
                created = closed
                if row.closed_at is None:
                    summary.created_now += 1
                else:
                    summary.created_on_close += 1
            self.new.add(row, row.display_name, created, stage.id, closed)
        summary.inserted += 1

    def _flush(self) -> None:
        self.new.flush()
        self.pending_ids.clear()
        self.pending_emails.clear()
        self.pending_names.clear()

    def finish(self) -> None:
        self._drain()
        if self.summary.inserted:
            self.writer.record_new_lead_history(self.base, self.entry.id)

    # ------------------------------------------------------------ known leads

    def _update(self, found: KnownLead, row: LeadValues) -> None:
        changes: dict[str, Any] = {}
        new, old = self.compared_of(row), self.compared_of(found)
        for name, value, was in zip(self.compared, new, old):  # noqa: B905 - one getter, one length
            if value is not None and value != was:
                changes[name] = value
        moves = self._moves(found, row, changes)
        if not changes:
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
        at = max(row.closed_at or self.now_stamp, floor)
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
