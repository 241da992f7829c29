"""Which lead each row of a lead import is, a batch of rows at a time (the keys and the rules
are in :mod:`.identity`): the row's lead is updated, a new lead inserted, or the row merged
into an earlier row's lead and reported (with both lines, or the lead's id, and the reason).

The checks for rows of the same file use the keys of the rows taken since the last flush, and
for earlier rows the database's indexes plus a fixed-size filter of the keys this import
inserted (sized at the first batch for the rows the file seems to have); the line each inserted
lead came from is kept (:mod:`.lines`) to name it in a merge.
"""

from __future__ import annotations

from funnelcli.importers.leads import LeadValues
from funnelcli.importers.summary import Merged
from funnelcli.services.imports.bits import MIN_FILTER_BITS, KeyFilter, filter_bits
from funnelcli.services.imports.identity import (
    SAME_DEAL,
    SAME_EMAIL,
    SAME_ID,
    SAME_NAME,
    EmailNames,
    deal_keys,
    name_key,
    same_name,
)
from funnelcli.services.imports.lines import InsertedLines
from funnelcli.services.imports.merge import Merge
from funnelcli.store.imports import KnownLead

#: Rows matched per batch (and per ``executemany``).
BATCH = 2000


class LeadMatching(Merge):
    """The identity half of the lead merge: :class:`~.leads.LeadMerge` inserts and updates."""

    def _start_matching(self, *, keyed: bool) -> None:
        """``keyed``: a deal file, whose rows without external id are known by their key."""
        self.keyed = keyed
        self.deal_key = deal_keys() if keyed else None
        self.had_leads = self.base > 0
        self.inserted_keys = KeyFilter(MIN_FILTER_BITS)  # sized at the first batch
        self.filter_sized = False
        # The line of each lead this import inserted, by id - base - 1 (to report a merge).
        self.inserted_lines = InsertedLines()
        self.batch_lines: list[int] = []  # the lines of the batch's new leads, till the flush
        # The keys of the rows taken since the last flush, with their line (the filter and the
        # database cover the earlier ones): external ids; email|name of rows without external
        # id, and of rows with one; deal keys; name|company|phone.
        self.pending_ids: dict[str, int] = {}
        self.pending_emails = EmailNames()
        self.pending_id_emails = EmailNames()
        self.pending_keys: dict[str, int] = {}
        self.pending_names: dict[str, int] = {}
        self.queue: list[tuple[LeadValues, list[str] | None]] = []
        self.by_external_id: dict[str, KnownLead] = {}
        self.by_email: dict[str, list[KnownLead]] = {}
        self.reserved: set[int] = set()  # leads found by key in the batch

    def _insert(self, row: LeadValues, key: str | None = None) -> None:
        raise NotImplementedError

    def _update(self, found: KnownLead, row: LeadValues) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        self.inserted_lines.extend(self.batch_lines)
        self.batch_lines.clear()
        self.pending_ids.clear()
        self.pending_emails.clear()
        self.pending_id_emails.clear()
        self.pending_keys.clear()
        self.pending_names.clear()

    def take(self, row: LeadValues, fields: list[str]) -> None:
        self.queue.append((row, fields if self.rejects is not None else None))
        if len(self.queue) >= BATCH:
            self._drain()

    def _drain(self) -> None:
        """Match a batch of rows: one query per identity for the batch, then row by row. The
        leads that deal rows of the batch find by key are not adopted by another row."""
        rows, self.queue = self.queue, []
        if not self.filter_sized and rows:  # it holds no key yet
            # A database that had leads is asked for every key: the filter is never read then.
            expected = 0 if self.had_leads else self.expected_rows(rows[-1][0].line)
            self.inserted_keys = KeyFilter(filter_bits(expected))
            self.filter_sized = True
        inserted = self.inserted_keys
        maybe = self.had_leads
        external_ids: list[str] = []
        emails: list[str] = []
        for row, _ in rows:
            external_id, email = row.external_id, row.email
            # Look a key up when the database had leads, or when this import may have inserted it.
            if external_id and (maybe or inserted.may_hold(external_id)):
                external_ids.append(external_id)
            if email and (maybe or inserted.may_hold(email)):
                emails.append(email)
        # Only the rows of a deal file without external id have a deal key.
        deal_key = self.deal_key
        keys = [None if row.external_id else deal_key(row) for row, _ in rows] if deal_key else []
        lookup = [key for key in keys if key and (maybe or inserted.may_hold(key))]
        writer = self.writer
        self.by_external_id = writer.leads_by_external_ids(external_ids) if external_ids else {}
        by_key = writer.leads_by_import_keys(lookup) if lookup else {}
        self.by_email = writer.leads_by_emails(emails) if emails else {}
        self.reserved = {lead.id for lead in by_key.values()}
        match = self._match
        if not keys:
            for row, fields in rows:
                match(row, fields)
        for (row, fields), key in zip(rows, keys):  # noqa: B905 - one key per row
            if key is None:
                match(row, fields)
            elif not self._match_deal(row, fields, key, by_key.get(key)):
                self._adopt_or_insert(row, fields, key)
        self._flush()

    def _match(self, row: LeadValues, fields: list[str] | None) -> None:
        external_id = row.external_id
        email = row.email
        if external_id:
            first = self.pending_ids.get(external_id)
            if first is not None:
                return self._merged(row, fields, first, None, SAME_ID)
            found = self.by_external_id.get(external_id)
            if found is not None:
                self.pending_ids[external_id] = row.line
                return self._matched(row, fields, found, SAME_ID)
            if email:
                name = row.display_name
                if email in self.pending_emails:
                    first = self.pending_emails.line_of(email, name)
                    if first is not None:  # a row without external id of this file: one lead
                        return self._merged(row, fields, first, None, SAME_EMAIL)
                found = None
                if email in self.by_email:
                    found = self._lead_of_email(row, adopt=True)
                    if found is None and not self.keyed:
                        found = self._lead_of_email(row, without_id=True)
                if found is not None:
                    # The lead now has this external id: a later row naming it is a duplicate.
                    self.pending_ids[external_id] = row.line
                    return self._matched(row, fields, found, SAME_EMAIL)
                self.pending_id_emails.add(email, name, row.line)
            self._insert(row)
            self.pending_ids[external_id] = row.line
            self.inserted_keys.add_key(external_id)
        elif email:
            name = row.display_name
            if email in self.pending_emails or email in self.pending_id_emails:
                first = self.pending_emails.line_of(email, name)
                first = first or self.pending_id_emails.line_of(email, name)
                if first is not None:
                    return self._merged(row, fields, first, None, SAME_EMAIL)
            leads = self.by_email.get(email)
            if leads is not None:
                # Most often the oldest lead with the email has the row's name as written.
                found = leads[0] if leads[0].name == name else self._lead_of_email(row)
                if found is not None:
                    self.pending_emails.add(email, name, row.line)
                    return self._matched(row, fields, found, SAME_EMAIL)
            self._insert(row)
            self.pending_emails.add(email, name, row.line)
        else:
            nkey = name_key(row)
            first = self.pending_names.get(nkey)
            if first is not None:
                return self._merged(row, fields, first, None, SAME_NAME)
            if self.had_leads or self.inserted_keys.may_hold(nkey):
                found = self.writer.lead_by_name(row.display_name, row.company, row.phone)
                if found is not None:
                    self.pending_names[nkey] = row.line
                    return self._matched(row, fields, found, SAME_NAME)
            self._insert(row)
            self.pending_names[nkey] = row.line
            self.inserted_keys.add_key(nkey)
        if email:
            self.inserted_keys.add_key(email)
        return None

    def _lead_of_email(
        self, row: LeadValues, *, adopt: bool = False, without_id: bool = False
    ) -> KnownLead | None:
        """The oldest lead with the row's email and name (``without_id``: that has no external
        id); ``adopt``: the oldest one that has no external id, was in the database before this
        import and that no earlier row matched."""
        name = row.display_name
        for lead in self.by_email.get(row.email or "", ()):
            if not same_name(lead.name, name):
                continue
            if adopt:
                if lead.external_id is None and self._free(lead.id):
                    return lead
            elif not without_id or lead.external_id is None:
                return lead
        return None

    def _free(self, lead_id: int) -> bool:
        """In the database before this import, and not taken by a row of the file."""
        return lead_id <= self.base and lead_id not in self.matched and lead_id not in self.reserved

    def _match_deal(
        self, row: LeadValues, fields: list[str] | None, key: str, found: KnownLead | None
    ) -> bool:
        """A deal row without external id: the same row earlier in the file, or the lead of its
        key. False: neither (see :meth:`_adopt_or_insert`)."""
        first = self.pending_keys.get(key)
        if first is not None:
            self._merged(row, fields, first, None, SAME_DEAL)
            return True
        if found is None:
            return False
        self._matched(row, fields, found, SAME_DEAL)
        self.pending_keys.setdefault(key, row.line)
        return True

    def _adopt_or_insert(self, row: LeadValues, fields: list[str] | None, key: str) -> None:
        """A deal row without external id nor lead of its key: the oldest lead with its email
        and name, without external id, that no row of the file took (a lead made by hand, or
        this deal before it moved on in the other CRM), which keeps the row's key from now on;
        else a new lead. Never another row's lead."""
        found = None
        if row.email and self.had_leads:
            found = self._lead_of_email(row, adopt=True)
        if found is not None:
            self.writer.set_import_key(found.id, key)
            self._matched(row, fields, found, SAME_EMAIL)
        else:
            self._insert(row, key)
            self.inserted_keys.add_key(key)
        self.pending_keys[key] = row.line

    def _matched(
        self, row: LeadValues, fields: list[str] | None, found: KnownLead, reason: str
    ) -> None:
        """The row is the lead ``found``: update it, unless an earlier row of the file made it
        or matched it (then the row is merged into that one, and reported)."""
        lead_id = found.id
        if lead_id > self.base:
            return self._merged(
                row, fields, self.inserted_lines[lead_id - self.base - 1], None, reason
            )
        if not self.matched.add_new(lead_id):
            return self._merged(row, fields, None, lead_id, reason)
        return self._update(found, row)

    def _merged(
        self,
        row: LeadValues,
        fields: list[str] | None,
        into_line: int | None,
        lead_id: int | None,
        reason: str,
    ) -> None:
        merged = Merged(row.line, into_line, lead_id, reason)
        self.summary.duplicate(row.line, merged)
        if self.rejects is not None and fields is not None:
            self.rejects.write_note(row.line, fields, merged.what())
