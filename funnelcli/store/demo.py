"""Bulk writes for the demo database: one transaction, ``executemany`` per table."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple

from funnelcli.models import FollowUp
from funnelcli.store.queries import LEAD_COLUMNS


class NewStageChange(NamedTuple):
    lead_id: int
    from_stage_id: int | None
    to_stage_id: int
    at: str
    note: str | None


class NewActivity(NamedTuple):
    lead_id: int
    type: str
    text: str | None
    at: str
    created_at: str
    follow_up_id: int | None


LEAD_FIELDS = ("id", *LEAD_COLUMNS)
STAGE_CHANGE_FIELDS = NewStageChange._fields
ACTIVITY_FIELDS = NewActivity._fields
FOLLOW_UP_FIELDS = FollowUp._fields


def _insert(
    conn: sqlite3.Connection, table: str, fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    marks = ", ".join("?" for _ in fields)
    conn.executemany(f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", rows)


def insert_all(
    conn: sqlite3.Connection,
    *,
    leads: Sequence[dict[str, Any]],
    stage_changes: Sequence[NewStageChange],
    activities: Sequence[NewActivity],
    follow_ups: Sequence[FollowUp],
) -> None:
    _insert(conn, "leads", LEAD_FIELDS, [[lead.get(f) for f in LEAD_FIELDS] for lead in leads])
    _insert(conn, "stage_changes", STAGE_CHANGE_FIELDS, stage_changes)
    _insert(conn, "follow_ups", FOLLOW_UP_FIELDS, follow_ups)  # activities point at them
    _insert(conn, "activities", ACTIVITY_FIELDS, activities)


def mark_demo(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('demo', 'true')")
