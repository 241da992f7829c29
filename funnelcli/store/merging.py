"""SQL for ``funnel merge``: moving a lead's history and external ids onto another lead.

The summary columns of the kept lead (``reached``, ``last_event_at``) follow by themselves: the
triggers of step 5 recompute a lead whose stage changes or actions are moved away or onto it.
"""

from __future__ import annotations

import sqlite3

from funnelcli.store.queries import scalar


def move_history(conn: sqlite3.Connection, table: str, other: int, keep: int) -> int:
    """Give ``other``'s follow-ups, activities or stage changes to ``keep``; how many."""
    assert table in ("follow_ups", "activities", "stage_changes")
    cursor = conn.execute(f"UPDATE {table} SET lead_id = ? WHERE lead_id = ?", (keep, other))
    return cursor.rowcount


def delete_stage_changes(conn: sqlite3.Connection, lead_id: int) -> None:
    conn.execute("DELETE FROM stage_changes WHERE lead_id = ?", (lead_id,))


def redate_creation(conn: sqlite3.Connection, lead_id: int, at: str) -> None:
    """Move the lead's creation (its first move, from no stage) to ``at``."""
    conn.execute(
        "UPDATE stage_changes SET at = ? WHERE lead_id = ? AND from_stage_id IS NULL AND at > ?",
        (at, lead_id, at),
    )


def import_key(conn: sqlite3.Connection, lead_id: int) -> str | None:
    return scalar(conn, "SELECT import_key FROM leads WHERE id = ?", (lead_id,))


def dates_estimated(conn: sqlite3.Connection, lead_id: int) -> int:
    return int(scalar(conn, "SELECT dates_estimated FROM leads WHERE id = ?", (lead_id,)))


def set_derived(
    conn: sqlite3.Connection, lead_id: int, *, import_key: str | None, estimated: int
) -> None:
    """The columns a merge writes that are not the lead's own fields."""
    conn.execute(
        "UPDATE leads SET import_key = ?, dates_estimated = ? WHERE id = ?",
        (import_key, estimated, lead_id),
    )


def move_external_ids(conn: sqlite3.Connection, other: int, keep: int) -> list[str]:
    """Give ``keep`` the other external ids ``other`` held; which."""
    moved = [
        r[0]
        for r in conn.execute(
            "SELECT external_id FROM lead_external_ids WHERE lead_id = ? ORDER BY id", (other,)
        )
    ]
    conn.execute("UPDATE lead_external_ids SET lead_id = ? WHERE lead_id = ?", (keep, other))
    return moved


def move_import_keys(conn: sqlite3.Connection, other: int, keep: int) -> None:
    """Give ``keep`` the deal keys a merge gave ``other`` (``lead_import_keys``)."""
    conn.execute("UPDATE lead_import_keys SET lead_id = ? WHERE lead_id = ?", (keep, other))


def add_import_key(conn: sqlite3.Connection, lead_id: int, key: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO lead_import_keys (lead_id, import_key) VALUES (?, ?)",
        (lead_id, key),
    )


def add_external_id(conn: sqlite3.Connection, lead_id: int, external_id: str) -> None:
    conn.execute(
        "INSERT INTO lead_external_ids (lead_id, external_id) VALUES (?, ?)",
        (lead_id, external_id),
    )
