"""Bulk writes for the demo database: one transaction, ``executemany`` per table."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

LEAD_FIELDS = (
    "id", "name", "company", "email", "phone", "source", "notes", "created_at", "updated_at",
    "stage_id", "closed_at", "lost_reason", "amount_cents", "currency", "frequency", "price_only",
    "decision_maker", "contact_decides", "needs_approval", "prerequisites", "expected_close",
    "probability",
)  # fmt: skip
STAGE_CHANGE_FIELDS = ("lead_id", "from_stage_id", "to_stage_id", "at", "note")
ACTIVITY_FIELDS = ("lead_id", "type", "text", "at", "created_at")
FOLLOW_UP_FIELDS = (
    "lead_id", "text", "due_date", "due_time", "created_at", "done_at", "done_note", "snooze_count",
)  # fmt: skip


def _insert(
    conn: sqlite3.Connection, table: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    marks = ", ".join("?" for _ in fields)
    conn.executemany(f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", rows)


def insert_all(
    conn: sqlite3.Connection,
    *,
    leads: Sequence[Sequence[Any]],
    stage_changes: Sequence[Sequence[Any]],
    activities: Sequence[Sequence[Any]],
    follow_ups: Sequence[Sequence[Any]],
) -> None:
    _insert(conn, "leads", LEAD_FIELDS, leads)
    _insert(conn, "stage_changes", STAGE_CHANGE_FIELDS, stage_changes)
    _insert(conn, "activities", ACTIVITY_FIELDS, activities)
    _insert(conn, "follow_ups", FOLLOW_UP_FIELDS, follow_ups)


def mark_demo(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('demo', 'true')")
