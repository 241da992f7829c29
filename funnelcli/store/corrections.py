"""SQL for corrections: deleting leads (and purging them from the journal), dropping a move."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from funnelcli.store.journal_schema import LEAD_ROWS

#: A lead's rows in the journal: its own, and those of its history (by their ``lead_id``).
_LEAD_CHANGES = f"""
    (tbl = 'leads' AND row_id = :lead)
    OR (tbl IN ({", ".join(f"'{table}'" for table in LEAD_ROWS)})
        AND (json_extract(old, '$.lead_id') = :lead OR json_extract(new, '$.lead_id') = :lead))
"""


def footprint(conn: sqlite3.Connection, lead_id: int) -> tuple[int, int, int]:
    """How many follow-ups, activities and stage changes the lead has."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM follow_ups WHERE lead_id = :id), "
        "(SELECT count(*) FROM activities WHERE lead_id = :id), "
        "(SELECT count(*) FROM stage_changes WHERE lead_id = :id)",
        {"id": lead_id},
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def delete_lead(conn: sqlite3.Connection, lead_id: int) -> None:
    """The lead and, by ``ON DELETE CASCADE``, its follow-ups, activities and stage changes."""
    conn.execute("DELETE FROM leads WHERE id = ?", (lead_id,))


def child_ids(conn: sqlite3.Connection, lead_id: int) -> dict[str, list[int]]:
    """The ids of the lead's rows in each table (itself included)."""
    found = {"leads": [lead_id]}
    for table in LEAD_ROWS:
        found[table] = [
            int(r[0]) for r in conn.execute(f"SELECT id FROM {table} WHERE lead_id = ?", (lead_id,))
        ]
    return found


def purge(conn: sqlite3.Connection, lead_id: int, ids: Mapping[str, Sequence[int]]) -> int:
    """Remove a (deleted) lead's data from the journal: its recorded rows, and the command
    lines and summaries of the entries that touched it (they may hold its name or email), which
    can then no longer be undone. ``ids``: the lead's rows (:func:`child_ids`, read before the
    delete); with the rows the journal recorded for it (a follow-up deleted earlier), they
    find the entries that inserted them. How many entries were touched."""
    touched = {
        int(r[0])
        for r in conn.execute(
            f"SELECT DISTINCT entry_id FROM journal_changes WHERE {_LEAD_CHANGES}",
            {"lead": lead_id},
        )
    }
    rows = {(table, row_id) for table, row_ids in ids.items() for row_id in row_ids}
    rows.update(
        conn.execute(
            f"SELECT DISTINCT tbl, row_id FROM journal_changes WHERE {_LEAD_CHANGES}",
            {"lead": lead_id},
        ).fetchall()
    )
    for table, row_id in rows:
        touched.update(
            int(r[0])
            for r in conn.execute(
                "SELECT entry_id FROM journal_ranges WHERE tbl = ? AND ? > after AND ? <= upto",
                (table, row_id, row_id),
            )
        )
    conn.execute(f"DELETE FROM journal_changes WHERE {_LEAD_CHANGES}", {"lead": lead_id})
    conn.executemany(
        "UPDATE journal SET command = 'funnel (purged)', summary = '(purged)', purged = 1 "
        "WHERE id = ?",
        [(entry,) for entry in sorted(touched)],
    )
    return len(touched)


def drop_move(
    conn: sqlite3.Connection, move_id: int, from_stage_id: int | None, next_move: int | None
) -> None:
    """Delete a stage change; the move after it (if any) now starts where it started."""
    conn.execute("DELETE FROM stage_changes WHERE id = ?", (move_id,))
    if next_move is not None:
        conn.execute(
            "UPDATE stage_changes SET from_stage_id = ? WHERE id = ?", (from_stage_id, next_move)
        )


def move_row(
    conn: sqlite3.Connection, move_id: int
) -> tuple[int, int | None, int, str, str | None]:
    """``(lead_id, from_stage_id, to_stage_id, at, note)`` of a stage change (KeyError if none)."""
    row = conn.execute(
        "SELECT lead_id, from_stage_id, to_stage_id, at, note FROM stage_changes WHERE id = ?",
        (move_id,),
    ).fetchone()
    if row is None:
        raise KeyError(move_id)
    return row
