"""SQL for CSV import and export: identity lookups, bulk inserts, streaming reads.

Every function takes the ``sqlite3`` connection of an open transaction. Imports run inside one
``BEGIN IMMEDIATE`` transaction: lookups go through the indexes (``leads_external_id``,
``leads_email_stage``, ``follow_ups_lead``, ``activities_lead``), inserts through ``executemany``.
Exports read through a cursor (a read snapshot), one row at a time: memory does not grow with
the database.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from funnelcli.models import Activity, FollowUp, Lead, StageChange, StageKind
from funnelcli.store.migrations import REACHED_IDS
from funnelcli.store.queries import LEAD_COLUMNS, LEAD_COLUMNS_SQL

#: Columns fetched to compare a file row with a lead (``id`` first).
MATCH_COLUMNS = ("id", *LEAD_COLUMNS)
_MATCH = f"SELECT {', '.join(MATCH_COLUMNS)} FROM leads"


def max_id(conn: sqlite3.Connection, table: str) -> int:
    """The largest id of ``leads``, ``follow_ups`` or ``activities`` (0 when empty)."""
    assert table in ("leads", "follow_ups", "activities")
    return int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])


# --------------------------------------------------------------------------- leads


def lead_by_external_id(conn: sqlite3.Connection, external_id: str) -> tuple[Any, ...] | None:
    return conn.execute(f"{_MATCH} WHERE external_id = ?", (external_id,)).fetchone()


def leads_by_external_ids(
    conn: sqlite3.Connection, external_ids: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """The leads with these external ids (one query for a whole batch of rows)."""
    cursor = conn.execute(
        f"{_MATCH} WHERE external_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(external_ids)),),
    )
    column = MATCH_COLUMNS.index("external_id")
    return {row[column]: row for row in cursor}


def leads_by_emails(
    conn: sqlite3.Connection, emails: Sequence[str]
) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """For each email, the oldest lead with it, and the oldest one without an external id."""
    cursor = conn.execute(
        f"{_MATCH} WHERE email IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(list(emails)),),
    )
    email_at = MATCH_COLUMNS.index("email")
    external_at = MATCH_COLUMNS.index("external_id")
    oldest: dict[str, tuple[Any, ...]] = {}
    without_external_id: dict[str, tuple[Any, ...]] = {}
    for row in cursor:
        oldest.setdefault(row[email_at], row)
        if row[external_at] is None:
            without_external_id.setdefault(row[email_at], row)
    return oldest, without_external_id


def lead_by_email(
    conn: sqlite3.Connection, email: str, *, without_external_id: bool = False
) -> tuple[Any, ...] | None:
    """The oldest lead with this (lower-case) email; optionally only one without external id."""
    extra = " AND external_id IS NULL" if without_external_id else ""
    return conn.execute(f"{_MATCH} WHERE email = ?{extra} ORDER BY id LIMIT 1", (email,)).fetchone()


def lead_by_name(
    conn: sqlite3.Connection, name: str, company: str | None, phone: str | None
) -> tuple[Any, ...] | None:
    """A lead with neither email nor external id, and this name, company and phone."""
    return conn.execute(
        f"{_MATCH} WHERE email IS NULL AND external_id IS NULL AND name = ? AND company IS ? "
        "AND phone IS ? ORDER BY id LIMIT 1",
        (name, company, phone),
    ).fetchone()


def _literal(value: Any) -> str:
    """An SQL literal for a constant of an insert (ints and our own ISO/code strings)."""
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _bit(stage: str) -> str:
    """``leads.reached``'s bit for the stage id ``stage`` (an SQL expression)."""
    low, high = REACHED_IDS[0], REACHED_IDS[-1]
    return f"CASE WHEN {stage} BETWEEN {low} AND {high} THEN 1 << {stage} ELSE 0 END"


def lead_insert_sql(
    columns: Sequence[str], constants: Mapping[str, Any], entry_stage_id: int
) -> str:
    """``INSERT INTO leads`` binding ``columns`` (``?1``, ``?2``...); ``constants`` are written
    in the statement. A constant whose column is also bound is a default: ``coalesce(?, constant)``.

    The lead's history summaries (``reached``, ``last_event_at``) are written too, as
    :func:`record_new_lead_history` will record the history (``entry_stage_id``: where a closed
    lead entered): the history's triggers then find nothing to change, and no row is written
    twice (a fifth of the time of a large import otherwise).
    """
    value: dict[str, str] = {}
    for number, column in enumerate(columns, start=1):
        assert column in LEAD_COLUMNS, column
        value[column] = (
            f"coalesce(?{number}, {_literal(constants[column])})"
            if column in constants
            else f"?{number}"
        )
    for column, constant in constants.items():
        if column not in columns:
            assert column in LEAD_COLUMNS, column
            value[column] = _literal(constant)
    stage, created = value["stage_id"], value["created_at"]
    closed = value.get("closed_at", "NULL")
    entry = _bit(str(int(entry_stage_id)))
    value["reached"] = f"{_bit(stage)} | CASE WHEN {closed} IS NULL THEN 0 ELSE {entry} END"
    value["last_event_at"] = f"max({created}, coalesce({closed}, {created}))"
    return f"INSERT INTO leads ({', '.join(value)}) VALUES ({', '.join(value.values())})"


def insert_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    conn.executemany(sql, rows)


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


# --------------------------------------------------------------------------- lead references


def lead_id_by_external_id(conn: sqlite3.Connection, external_id: str) -> int | None:
    row = conn.execute("SELECT id FROM leads WHERE external_id = ?", (external_id,)).fetchone()
    return None if row is None else int(row[0])


def lead_id_by_email(conn: sqlite3.Connection, email: str) -> int | None:
    row = conn.execute("SELECT min(id) FROM leads WHERE email = ?", (email,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def lead_exists(conn: sqlite3.Connection, lead_id: int) -> bool:
    return conn.execute("SELECT 1 FROM leads WHERE id = ?", (lead_id,)).fetchone() is not None


# --------------------------------------------------------------------------- follow-ups


def follow_up_matching(
    conn: sqlite3.Connection, lead_id: int, due_date: str, text: str
) -> tuple[int, str | None, str | None, str | None] | None:
    """``(id, due_time, done_at, done_note)`` of the follow-up with this lead, date and text."""
    return conn.execute(
        "SELECT id, due_time, done_at, done_note FROM follow_ups "
        "WHERE lead_id = ? AND due_date = ? AND text = ? ORDER BY id LIMIT 1",
        (lead_id, due_date, text),
    ).fetchone()


def insert_follow_up(conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
    cursor = conn.execute(
        "INSERT INTO follow_ups (lead_id, text, due_date, due_time, created_at, done_at, "
        "done_note) VALUES (:lead_id, :text, :due_date, :due_time, :created_at, :done_at, "
        ":done_note)",
        dict(values),
    )
    return int(cursor.lastrowid or 0)


def update_follow_up(conn: sqlite3.Connection, follow_up_id: int, changes: Mapping[str, Any]):
    allowed = {"due_time", "done_at", "done_note"}
    assert set(changes) <= allowed, changes
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE follow_ups SET {assignments} WHERE id = ?", [*changes.values(), follow_up_id]
    )


# --------------------------------------------------------------------------- activities


def activity_matching(
    conn: sqlite3.Connection, lead_id: int, at: str, text: str | None
) -> tuple[int, str] | None:
    """``(id, type)`` of the activity with this lead, moment and text."""
    return conn.execute(
        "SELECT id, type FROM activities WHERE lead_id = ? AND at = ? AND text IS ? "
        "ORDER BY id LIMIT 1",
        (lead_id, at, text),
    ).fetchone()


def insert_activity(
    conn: sqlite3.Connection, lead_id: int, kind: str, text: str | None, at: str, created: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO activities (lead_id, type, text, at, created_at) VALUES (?, ?, ?, ?, ?)",
        (lead_id, kind, text, at, created),
    )
    return int(cursor.lastrowid or 0)


def set_activity_type(conn: sqlite3.Connection, activity_id: int, kind: str) -> None:
    conn.execute("UPDATE activities SET type = ? WHERE id = ?", (kind, activity_id))


# --------------------------------------------------------------------------- exports


def _dicts(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


_BOOLS = ("price_only", "contact_decides", "needs_approval")


def iter_leads(conn: sqlite3.Connection) -> Iterator[Lead]:
    """Every lead, by id, one at a time."""
    cursor = conn.execute(
        f"SELECT {LEAD_COLUMNS_SQL}, stages.name AS stage, stages.kind AS stage_kind "
        "FROM leads JOIN stages ON stages.id = leads.stage_id ORDER BY leads.id"
    )
    for row in _dicts(cursor):
        for column in _BOOLS:
            if row[column] is not None:
                row[column] = bool(row[column])
        row["stage_kind"] = StageKind(row["stage_kind"])
        yield Lead(**row)


_LEAD_OF = "l.name AS lead_name, l.email AS lead_email, l.external_id AS lead_external_id"
LeadOf = dict[str, Any]


def _split(row: dict[str, Any]) -> tuple[dict[str, Any], LeadOf]:
    lead = {k: row.pop(k) for k in ("lead_name", "lead_email", "lead_external_id")}
    return row, lead


def iter_follow_ups(conn: sqlite3.Connection) -> Iterator[tuple[FollowUp, LeadOf]]:
    cursor = conn.execute(
        "SELECT f.id, f.lead_id, f.text, f.due_date, f.due_time, f.created_at, f.done_at, "
        f"f.done_note, f.snooze_count, {_LEAD_OF} "
        "FROM follow_ups f JOIN leads l ON l.id = f.lead_id ORDER BY f.id"
    )
    for row in _dicts(cursor):
        values, lead = _split(row)
        yield FollowUp(**values), lead


def iter_activities(conn: sqlite3.Connection) -> Iterator[tuple[Activity, LeadOf]]:
    cursor = conn.execute(
        f"SELECT a.id, a.lead_id, a.type, a.text, a.at, a.follow_up_id, {_LEAD_OF} "
        "FROM activities a JOIN leads l ON l.id = a.lead_id ORDER BY a.id"
    )
    for row in _dicts(cursor):
        values, lead = _split(row)
        yield Activity(**values), lead


def iter_stage_changes(conn: sqlite3.Connection) -> Iterator[tuple[StageChange, LeadOf]]:
    cursor = conn.execute(
        "SELECT c.id, c.lead_id, f.name AS from_stage, t.name AS to_stage, c.at, c.note, "
        f"{_LEAD_OF} FROM stage_changes c JOIN stages t ON t.id = c.to_stage_id "
        "LEFT JOIN stages f ON f.id = c.from_stage_id JOIN leads l ON l.id = c.lead_id "
        "ORDER BY c.id"
    )
    for row in _dicts(cursor):
        values, lead = _split(row)
        yield StageChange(**values), lead
