"""Bulk writes for the demo database: one transaction, ``executemany`` per table."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from funnelcli.store.queries import LEAD_COLUMNS

LEAD_FIELDS = ("id", *LEAD_COLUMNS)
STAGE_CHANGE_FIELDS = ("lead_id", "from_stage_id", "to_stage_id", "at", "note")
ACTIVITY_FIELDS = ("lead_id", "type", "text", "at", "created_at", "follow_up_id")
FOLLOW_UP_FIELDS = (
    "id", "lead_id", "text", "due_date", "due_time", "created_at", "done_at", "done_note",
    "snooze_count",
)  # fmt: skip


def _insert(
    conn: sqlite3.Connection, table: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    marks = ", ".join("?" for _ in fields)
    conn.executemany(f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", rows)


def insert_all(
    conn: sqlite3.Connection,
    *,
    leads: Sequence[dict[str, Any]],
    stage_changes: Sequence[Sequence[Any]],
    activities: Sequence[Sequence[Any]],
    follow_ups: Sequence[Sequence[Any]],
) -> None:
    _insert(conn, "leads", LEAD_FIELDS, [[lead.get(f) for f in LEAD_FIELDS] for lead in leads])
    _insert(conn, "stage_changes", STAGE_CHANGE_FIELDS, stage_changes)
    _insert(conn, "follow_ups", FOLLOW_UP_FIELDS, follow_ups)  # activities point at them
    _insert(conn, "activities", ACTIVITY_FIELDS, activities)


def mark_demo(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('demo', 'true')")
