"""Typed reads and writes. SQL lives here; business rules live in ``funnelcli.services``.

Every function takes the ``sqlite3`` connection of an open transaction (``Store.read()`` or
``Store.write()``), so a command's queries see one consistent state.
"""

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from funnelcli.models import (
    Activity,
    FollowUp,
    Lead,
    Stage,
    StageChange,
    StageKind,
)
from funnelcli.text import fold

#: Columns of ``leads`` that callers may write (``id`` is assigned by SQLite).
LEAD_COLUMNS = (
    "name", "company", "email", "phone", "source", "notes", "external_id",
    "created_at", "updated_at", "stage_id", "closed_at", "lost_reason",
    "amount_cents", "currency", "frequency", "term", "billed_until", "price_only",
    "decision_maker", "contact_decides", "needs_approval", "prerequisites", "expected_close",
    "probability",
)  # fmt: skip
_BOOL_COLUMNS = ("price_only", "contact_decides", "needs_approval")

#: A lead's own columns, as ``Lead`` has them (not the summaries the schema keeps for reports).
LEAD_COLUMNS_SQL = ", ".join(f"leads.{c}" for c in ("id", *LEAD_COLUMNS))

_LEAD_SELECT = (
    f"SELECT {LEAD_COLUMNS_SQL}, stages.name AS stage, stages.kind AS stage_kind "
    "FROM leads JOIN stages ON stages.id = leads.stage_id"
)


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()):
    """Run a query and return its rows as dicts."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def scalar(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


# --------------------------------------------------------------------------- stages


def stages(conn: sqlite3.Connection) -> list[Stage]:
    """The pipeline in order: open stages by position, then won, then lost."""
    return [
        Stage(
            id=r["id"],
            name=r["name"],
            position=r["position"],
            probability=r["probability"],
            kind=StageKind(r["kind"]),
            is_opportunity=bool(r["is_opportunity"]),
        )
        for r in rows(
            conn,
            "SELECT * FROM stages ORDER BY "
            "CASE kind WHEN 'open' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, position, id",
        )
    ]


def stage_lead_counts(conn: sqlite3.Connection) -> dict[int, int]:
    """How many leads are currently at each stage."""
    return dict(conn.execute("SELECT stage_id, count(*) FROM leads GROUP BY stage_id"))


def stage_is_used(conn: sqlite3.Connection, stage_id: int) -> bool:
    return bool(
        scalar(conn, "SELECT 1 FROM leads WHERE stage_id = ? LIMIT 1", (stage_id,))
        or scalar(
            conn,
            "SELECT 1 FROM stage_changes WHERE to_stage_id = ? OR from_stage_id = ? LIMIT 1",
            (stage_id, stage_id),
        )
    )


def insert_stage(conn: sqlite3.Connection, name: str, position: int, probability: int) -> int:
    cursor = conn.execute(
        "INSERT INTO stages (name, position, probability, kind) VALUES (?, ?, ?, 'open')",
        (name, position, probability),
    )
    return int(cursor.lastrowid or 0)


def set_stage_positions(conn: sqlite3.Connection, ordered_ids: Iterable[int]) -> None:
    conn.executemany(
        "UPDATE stages SET position = ? WHERE id = ?",
        [(position, stage_id) for position, stage_id in enumerate(ordered_ids, start=1)],
    )


def update_stage(conn: sqlite3.Connection, stage_id: int, **changes: Any) -> None:
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE stages SET {assignments} WHERE id = ?", (*changes.values(), stage_id))


def set_opportunity_stage(conn: sqlite3.Connection, stage_id: int) -> None:
    conn.execute("UPDATE stages SET is_opportunity = 0 WHERE is_opportunity = 1")
    conn.execute("UPDATE stages SET is_opportunity = 1 WHERE id = ?", (stage_id,))


def delete_stage(conn: sqlite3.Connection, stage_id: int) -> None:
    conn.execute("DELETE FROM stages WHERE id = ?", (stage_id,))


# --------------------------------------------------------------------------- leads


def _lead(row: dict[str, Any]) -> Lead:
    for column in _BOOL_COLUMNS:
        if row[column] is not None:
            row[column] = bool(row[column])
    row["stage_kind"] = StageKind(row["stage_kind"])
    return Lead(**row)


def get_lead(conn: sqlite3.Connection, lead_id: int) -> Lead | None:
    found = rows(conn, f"{_LEAD_SELECT} WHERE leads.id = ?", (lead_id,))
    return _lead(found[0]) if found else None


def lead_ids_by_email(conn: sqlite3.Connection, email: str) -> list[int]:
    return [
        r[0] for r in conn.execute("SELECT id FROM leads WHERE email = ? ORDER BY id", (email,))
    ]


def lead_id_by_external_id(conn: sqlite3.Connection, external_id: str) -> int | None:
    """The lead with this external id: its own, or one a merge gave it (``lead_external_ids``)."""
    return scalar(
        conn,
        "SELECT id FROM leads WHERE external_id = ?1 "
        "UNION ALL SELECT lead_id FROM lead_external_ids WHERE external_id = ?1 LIMIT 1",
        (external_id,),
    )


def other_external_ids(conn: sqlite3.Connection, lead_id: int) -> list[str]:
    """The external ids a lead holds besides ``leads.external_id`` (from merged leads)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT external_id FROM lead_external_ids WHERE lead_id = ? ORDER BY id", (lead_id,)
        )
    ]


def insert_lead(conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
    columns = [c for c in LEAD_COLUMNS if c in values]
    placeholders = ", ".join("?" for _ in columns)
    cursor = conn.execute(
        f"INSERT INTO leads ({', '.join(columns)}) VALUES ({placeholders})",
        [_to_sql(values[c]) for c in columns],
    )
    return int(cursor.lastrowid or 0)


def update_lead(conn: sqlite3.Connection, lead_id: int, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - set(LEAD_COLUMNS)
    if unknown:
        raise ValueError(f"not lead columns: {sorted(unknown)}")
    if not changes:
        return
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE leads SET {assignments} WHERE id = ?",
        [*(_to_sql(v) for v in changes.values()), lead_id],
    )


def _to_sql(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class LeadFilter(NamedTuple):
    stage_id: int | None = None
    source: str | None = None
    status: str | None = None  # open / won / lost; None for all
    search: str | None = None
    limit: int | None = None


def source_in_use(conn: sqlite3.Connection, source: str) -> bool:
    """Whether any lead has this (normalised) source."""
    found = conn.execute("SELECT 1 FROM leads WHERE source = ? LIMIT 1", (source,)).fetchone()
    return found is not None


def list_leads(conn: sqlite3.Connection, where: LeadFilter) -> list[Lead]:
    """Leads matching the filter, newest first."""
    condition, params = _lead_filter(where)
    sql = _LEAD_SELECT + condition + " ORDER BY leads.created_at DESC, leads.id DESC"
    if where.limit is not None:
        sql += " LIMIT ?"
        params.append(where.limit)
    return [_lead(r) for r in rows(conn, sql, params)]


def count_leads(conn: sqlite3.Connection, where: LeadFilter) -> int:
    """How many leads match the filter (its limit aside)."""
    condition, params = _lead_filter(where)
    sql = "SELECT count(*) FROM leads JOIN stages ON stages.id = leads.stage_id" + condition
    return int(conn.execute(sql, params).fetchone()[0])


def _lead_filter(where: LeadFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of a lead filter (with a leading space; empty for every lead)."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.stage_id is not None:
        clauses.append("leads.stage_id = ?")
        params.append(where.stage_id)
    if where.source is not None:
        clauses.append("leads.source = ?")
        params.append(where.source)
    if where.status is not None:
        clauses.append("stages.kind = ?")
        params.append(where.status)
    if where.search:
        # Case- and accent-insensitive: "cote" finds "Côté" (funnel_fold is text.fold, registered
        # on every connection by open_db).
        folded = fold(where.search)
        pattern = "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "funnel_fold(coalesce(leads.name, '') || ' ' || coalesce(leads.company, '') || ' ' || "
            "coalesce(leads.email, '') || ' ' || coalesce(leads.notes, '') || ' ' || "
            "coalesce(leads.phone, '') || ' ' || coalesce(leads.external_id, '')) "
            "LIKE ? ESCAPE '\\'"
        )
        params.append(pattern)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def next_follow_up_dates(conn: sqlite3.Connection, lead_ids: Sequence[int]) -> dict[int, str]:
    """The earliest open follow-up due date of each lead (for lists)."""
    if not lead_ids:
        return {}
    marks = ", ".join("?" for _ in lead_ids)
    return dict(
        conn.execute(
            f"SELECT lead_id, min(due_date) FROM follow_ups "
            f"WHERE done_at IS NULL AND lead_id IN ({marks}) GROUP BY lead_id",
            list(lead_ids),
        )
    )


# --------------------------------------------------------------------------- history


def insert_stage_change(
    conn: sqlite3.Connection,
    lead_id: int,
    from_stage_id: int | None,
    to_stage_id: int,
    at: str,
    note: str | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO stage_changes (lead_id, from_stage_id, to_stage_id, at, note) "
        "VALUES (?, ?, ?, ?, ?)",
        (lead_id, from_stage_id, to_stage_id, at, note),
    )
    return int(cursor.lastrowid or 0)


def stage_history(conn: sqlite3.Connection, lead_id: int) -> list[StageChange]:
    return [
        StageChange(**r)
        for r in rows(
            conn,
            "SELECT c.id, c.lead_id, f.name AS from_stage, t.name AS to_stage, c.at, c.note "
            "FROM stage_changes c JOIN stages t ON t.id = c.to_stage_id "
            "LEFT JOIN stages f ON f.id = c.from_stage_id "
            "WHERE c.lead_id = ? ORDER BY c.at, c.id",
            (lead_id,),
        )
    ]


def last_stage_change_at(conn: sqlite3.Connection, lead_id: int) -> str | None:
    return scalar(conn, "SELECT max(at) FROM stage_changes WHERE lead_id = ?", (lead_id,))


def follow_ups_of(conn: sqlite3.Connection, lead_id: int) -> list[FollowUp]:
    return [
        FollowUp(**r)
        for r in rows(
            conn,
            "SELECT id, lead_id, text, due_date, due_time, created_at, done_at, done_note, "
            "snooze_count, cancel_reason FROM follow_ups WHERE lead_id = ? "
            "ORDER BY done_at IS NOT NULL, due_date, due_time, id",
            (lead_id,),
        )
    ]


def activities_of(conn: sqlite3.Connection, lead_id: int) -> list[Activity]:
    return [
        Activity(**r)
        for r in rows(
            conn,
            "SELECT id, lead_id, type, text, at, follow_up_id FROM activities "
            "WHERE lead_id = ? ORDER BY at, id",
            (lead_id,),
        )
    ]


# --------------------------------------------------------------------------- settings


def get_setting(conn: sqlite3.Connection, key: str) -> str | None:
    return scalar(conn, "SELECT value FROM settings WHERE key = ?", (key,))


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
