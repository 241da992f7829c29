"""SQL for ``funnel import``: identity lookups, bulk inserts, the new leads' history.

An import runs in one ``BEGIN IMMEDIATE`` transaction (:func:`import_writer`) through an
:class:`ImportWriter`, which holds its connection: lookups go through the indexes
(``leads_external_id``, ``leads_email_stage``, ``follow_ups_lead``, ``activities_lead``), new
leads through ``executemany``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from funnelcli.models import Stage
from funnelcli.store import Store, activity_types
from funnelcli.store import followups as fq
from funnelcli.store import queries as q
from funnelcli.store.estimated import Redate
from funnelcli.store.new_leads import NewLeads

#: A lead of the database, as an import compares a row with it: ``id``, then every column of
#: ``LEAD_COLUMNS`` by name.
KnownLead = namedtuple(
    "KnownLead",
    (
        "id", "name", "company", "email", "phone", "source", "notes", "external_id",
        "created_at", "updated_at", "stage_id", "closed_at", "lost_reason", "amount_cents",
        "currency", "frequency", "term", "billed_until", "price_only", "decision_maker",
        "contact_decides", "needs_approval", "prerequisites", "expected_close", "probability",
        "dates_estimated",
    ),
)  # fmt: skip
assert KnownLead._fields == ("id", *q.LEAD_COLUMNS, "dates_estimated")
_COLUMNS = ", ".join(KnownLead._fields)
_MATCH = f"SELECT {_COLUMNS} FROM leads"
_known = functools.partial(tuple.__new__, KnownLead)  # KnownLead._make, minus a call


def record_new_lead_history(conn: sqlite3.Connection, base: int, entry_stage_id: int) -> None:
    """Stage history of the leads inserted by an import (ids above ``base``), set-based.

    An open lead was created at its stage, on its created date. A closed lead was created at
    ``entry_stage_id`` (the opportunity stage, or the first stage) on its created date, then
    closed on its close date.
    """
    conn.execute(
        "INSERT INTO stage_changes (lead_id, from_stage_id, to_stage_id, at) "
        "SELECT id, NULL, CASE WHEN closed_at IS NULL THEN stage_id ELSE ? END, created_at "
        "FROM leads WHERE id > ? ORDER BY id",
        (entry_stage_id, base),
    )
    conn.execute(
        "INSERT INTO stage_changes (lead_id, from_stage_id, to_stage_id, at) "
        "SELECT id, ?, stage_id, closed_at FROM leads "
        "WHERE id > ? AND closed_at IS NOT NULL ORDER BY id",
        (entry_stage_id, base),
    )


class ImportWriter:
    """The reads and writes of one import, on the connection of its transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def stages(self) -> list[Stage]:
        return q.stages(self.conn)

    def max_id(self, table: str) -> int:
        """The largest id of ``leads``, ``follow_ups`` or ``activities`` (0 when empty)."""
        assert table in ("leads", "follow_ups", "activities")
        return int(self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    # ------------------------------------------------------------ leads

    def leads_by_external_ids(self, external_ids: Sequence[str]) -> dict[str, KnownLead]:
        """The leads with these external ids (one query for a whole batch of rows)."""
        cursor = self.conn.execute(
            f"{_MATCH} WHERE external_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(external_ids)),),
        )
        found = map(_known, cursor)
        by_id = {lead.external_id: lead for lead in found if lead.external_id is not None}
        if len(by_id) < len(external_ids):
            by_id.update(self._leads_by_other_external_ids(external_ids, by_id))
        return by_id

    def _leads_by_other_external_ids(
        self, external_ids: Sequence[str], found: Mapping[str, KnownLead]
    ) -> dict[str, KnownLead]:
        """The leads that hold some of these ids besides their own (a merge gave them): each
        as if that id were its ``external_id``, so that the row is not taken for a change of
        the lead's own id."""
        cursor = self.conn.execute(
            f"SELECT x.external_id, {', '.join(f'leads.{c}' for c in KnownLead._fields)} "
            "FROM lead_external_ids x JOIN leads ON leads.id = x.lead_id "
            "WHERE x.external_id IN (SELECT value FROM json_each(?))",
            (json.dumps([i for i in external_ids if i not in found]),),
        )
        return {row[0]: _known(row[1:])._replace(external_id=row[0]) for row in cursor}

    def leads_by_emails(self, emails: Sequence[str]) -> dict[str, list[KnownLead]]:
        """For each email, the leads with it, oldest first."""
        cursor = self.conn.execute(
            f"{_MATCH} WHERE email IN (SELECT value FROM json_each(?))",
            (json.dumps(list(emails)),),
        )
        found: dict[str, list[KnownLead]] = {}
        shared: list[list[KnownLead]] = []
        for lead in map(_known, cursor):
            leads = found.get(lead.email)
            if leads is None:
                found[lead.email] = [lead]
            else:
                leads.append(lead)
                if len(leads) == 2:
                    shared.append(leads)
        for leads in shared:  # oldest first, sorted only where an email is shared
            leads.sort(key=lambda lead: lead.id)
        return found

    def leads_by_import_keys(self, keys: Sequence[str]) -> dict[str, KnownLead]:
        """The oldest lead an import made from a deal row with each of these keys."""
        keys_json = json.dumps(list(keys))
        cursor = self.conn.execute(
            f"SELECT {_COLUMNS}, import_key FROM leads WHERE import_key IN "
            "(SELECT value FROM json_each(?)) ORDER BY id DESC",
            (keys_json,),
        )
        found = {row[-1]: _known(row[:-1]) for row in cursor}
        if len(found) < len(keys):  # the keys a merge gave a lead (``lead_import_keys``)
            merged = self.conn.execute(
                f"SELECT k.import_key, {', '.join(f'l.{c}' for c in KnownLead._fields)} "
                "FROM lead_import_keys k JOIN leads l ON l.id = k.lead_id "
                "WHERE k.import_key IN (SELECT value FROM json_each(?))",
                (keys_json,),
            )
            for row in merged:
                found.setdefault(row[0], _known(row[1:]))
        return found

    def set_import_key(self, lead_id: int, key: str) -> None:
        self.conn.execute("UPDATE leads SET import_key = ? WHERE id = ?", (key, lead_id))

    def lead_by_name(self, name: str, company: str | None, phone: str | None) -> KnownLead | None:
        """A lead with neither email nor external id, and this name, company and phone."""
        row = self.conn.execute(
            f"{_MATCH} WHERE email IS NULL AND external_id IS NULL AND name = ? AND company IS ? "
            "AND phone IS ? ORDER BY id LIMIT 1",
            (name, company, phone),
        ).fetchone()
        return None if row is None else _known(row)

    def new_leads(self, columns: Sequence[str], **options: Any) -> NewLeads:
        return NewLeads(self.conn, columns, **options)

    def record_new_lead_history(self, base: int, entry_stage_id: int) -> None:
        record_new_lead_history(self.conn, base, entry_stage_id)

    def update_lead(self, lead_id: int, changes: Mapping[str, Any]) -> None:
        q.update_lead(self.conn, lead_id, changes)

    def redate(self, lead_id: int) -> Redate:
        return Redate(self.conn, lead_id)

    def move_lead(self, lead_id: int, from_stage_id: int, to_stage_id: int, at: str) -> None:
        q.insert_stage_change(self.conn, lead_id, from_stage_id, to_stage_id, at)

    def last_stage_change_at(self, lead_id: int) -> str | None:
        return q.last_stage_change_at(self.conn, lead_id)

    # ------------------------------------------------------------ lead references

    def lead_id_by_external_id(self, external_id: str) -> int | None:
        return q.lead_id_by_external_id(self.conn, external_id)

    def lead_id_by_email(self, email: str) -> int | None:
        """The oldest lead with this (lower-case) email."""
        row = self.conn.execute("SELECT min(id) FROM leads WHERE email = ?", (email,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def lead_exists(self, lead_id: int) -> bool:
        found = self.conn.execute("SELECT 1 FROM leads WHERE id = ?", (lead_id,)).fetchone()
        return found is not None

    # ------------------------------------------------------------ follow-ups

    def lead_stage_kind(self, lead_id: int) -> str:
        """``open``, ``won`` or ``lost``: the kind of the lead's stage now."""
        return str(
            self.conn.execute(
                "SELECT s.kind FROM leads l JOIN stages s ON s.id = l.stage_id WHERE l.id = ?",
                (lead_id,),
            ).fetchone()[0]
        )

    def follow_up_matching(
        self, lead_id: int, due_date: str, text: str
    ) -> tuple[int, str | None, str | None, str | None] | None:
        """``(id, due_time, done_at, done_note)`` of the follow-up with this lead, date, text."""
        return self.conn.execute(
            "SELECT id, due_time, done_at, done_note FROM follow_ups "
            "WHERE lead_id = ? AND due_date = ? AND text = ? ORDER BY id LIMIT 1",
            (lead_id, due_date, text),
        ).fetchone()

    def insert_follow_up(self, values: Mapping[str, Any]) -> None:
        """A follow-up as a file gives it: unlike a promise made with ``funnel promise``, it
        may already be kept (``done_at``, ``done_note``)."""
        self.conn.execute(
            "INSERT INTO follow_ups (lead_id, text, due_date, due_time, created_at, done_at, "
            "done_note, cancel_reason) VALUES (:lead_id, :text, :due_date, :due_time, "
            ":created_at, :done_at, :done_note, :cancel_reason)",
            dict(values),
        )

    def update_follow_up(self, follow_up_id: int, changes: Mapping[str, Any]) -> None:
        fq.update_follow_up(self.conn, follow_up_id, changes)

    # ------------------------------------------------------------ activities

    def activity_matching(self, lead_id: int, at: str, text: str | None) -> tuple[int, str] | None:
        """``(id, type)`` of the activity with this lead, moment and text."""
        return self.conn.execute(
            "SELECT id, type FROM activities WHERE lead_id = ? AND at = ? AND text IS ? "
            "ORDER BY id LIMIT 1",
            (lead_id, at, text),
        ).fetchone()

    def insert_activity(
        self, lead_id: int, kind: str, text: str | None, at: str, created: str
    ) -> None:
        fq.insert_activity(self.conn, lead_id, kind, text, at, created)

    def set_activity_type(self, activity_id: int, kind: str) -> None:
        self.conn.execute("UPDATE activities SET type = ? WHERE id = ?", (kind, activity_id))

    def has_activity(self, lead_id: int, kind: str, text: str) -> bool:
        """True when the lead has an activity of this type and text (at any moment)."""
        found = self.conn.execute(
            "SELECT 1 FROM activities WHERE lead_id = ? AND type = ? AND text = ? LIMIT 1",
            (lead_id, kind, text),
        ).fetchone()
        return found is not None

    def type_in_use(self, kind: str) -> bool:
        return activity_types.type_in_use(self.conn, kind)


@contextlib.contextmanager
def import_writer(store: Store) -> Iterator[ImportWriter]:
    """One import's write transaction (``BEGIN IMMEDIATE``; any exception rolls back)."""
    with store.write() as conn:
        yield ImportWriter(conn)
