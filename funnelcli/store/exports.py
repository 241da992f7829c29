"""Streaming reads for ``funnel export``: every lead, follow-up, activity or stage change, by id,
one row at a time through a cursor, in one read snapshot (:func:`export_reader`): memory does
not grow with the database."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from funnelcli.models import Activity, FollowUp, Lead, StageChange, StageKind
from funnelcli.store import Store
from funnelcli.store.queries import LEAD_COLUMNS_SQL


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


T = TypeVar("T")

_LEAD_OF = "l.name AS lead_name, l.email AS lead_email, l.external_id AS lead_external_id"
#: The lead a follow-up, activity or stage change belongs to: its name, email and external id.
LeadOf = dict[str, Any]


def _with_lead(cursor: sqlite3.Cursor, make: Callable[..., T]) -> Iterator[tuple[T, LeadOf]]:
    """Each row made into ``make``'s record, with the lead it belongs to (``_LEAD_OF``)."""
    for row in _dicts(cursor):
        lead = {k: row.pop(k) for k in ("lead_name", "lead_email", "lead_external_id")}
        yield make(**row), lead


def iter_follow_ups(conn: sqlite3.Connection) -> Iterator[tuple[FollowUp, LeadOf]]:
    cursor = conn.execute(
        "SELECT f.id, f.lead_id, f.text, f.due_date, f.due_time, f.created_at, f.done_at, "
        f"f.done_note, f.snooze_count, f.cancel_reason, {_LEAD_OF} "
        "FROM follow_ups f JOIN leads l ON l.id = f.lead_id ORDER BY f.id"
    )
    return _with_lead(cursor, FollowUp)


def iter_activities(conn: sqlite3.Connection) -> Iterator[tuple[Activity, LeadOf]]:
    cursor = conn.execute(
        f"SELECT a.id, a.lead_id, a.type, a.text, a.at, a.follow_up_id, {_LEAD_OF} "
        "FROM activities a JOIN leads l ON l.id = a.lead_id ORDER BY a.id"
    )
    return _with_lead(cursor, Activity)


def iter_stage_changes(conn: sqlite3.Connection) -> Iterator[tuple[StageChange, LeadOf]]:
    cursor = conn.execute(
        "SELECT c.id, c.lead_id, f.name AS from_stage, t.name AS to_stage, c.at, c.note, "
        f"{_LEAD_OF} FROM stage_changes c JOIN stages t ON t.id = c.to_stage_id "
        "LEFT JOIN stages f ON f.id = c.from_stage_id JOIN leads l ON l.id = c.lead_id "
        "ORDER BY c.id"
    )
    return _with_lead(cursor, StageChange)


class ExportReader:
    """The reads of one export, on the connection of its read snapshot."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def leads(self) -> Iterator[Lead]:
        return iter_leads(self._conn)

    def follow_ups(self) -> Iterator[tuple[FollowUp, LeadOf]]:
        return iter_follow_ups(self._conn)

    def activities(self) -> Iterator[tuple[Activity, LeadOf]]:
        return iter_activities(self._conn)

    def stage_changes(self) -> Iterator[tuple[StageChange, LeadOf]]:
        return iter_stage_changes(self._conn)


@contextlib.contextmanager
def export_reader(store: Store) -> Iterator[ExportReader]:
    """One read snapshot for a whole export."""
    with store.read() as conn:
        yield ExportReader(conn)
