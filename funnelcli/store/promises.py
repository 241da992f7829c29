"""SQL for the promises of closed leads: cancelling them when a lead closes, reopening one,
and the audit's rule (open promises on closed leads). No business rules here."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def cancel_open(conn: sqlite3.Connection, lead_id: int, at: str, reason: str) -> int:
    """Close the lead's open promises as cancelled (``reason``: a code); how many."""
    cursor = conn.execute(
        "UPDATE follow_ups SET done_at = ?, cancel_reason = ? "
        "WHERE lead_id = ? AND done_at IS NULL",
        (at, reason, lead_id),
    )
    return cursor.rowcount


def reopen(conn: sqlite3.Connection, follow_up_id: int, kept_type: str) -> None:
    """Open a kept or cancelled promise again; the activity (``kept_type``) that kept it goes."""
    conn.execute(
        "DELETE FROM activities WHERE follow_up_id = ? AND type = ?", (follow_up_id, kept_type)
    )
    conn.execute(
        "UPDATE follow_ups SET done_at = NULL, done_note = NULL, cancel_reason = NULL WHERE id = ?",
        (follow_up_id,),
    )


def restore_cancelled(
    conn: sqlite3.Connection, lead_id: int, at: str, reasons: Sequence[str]
) -> int:
    """Open again the lead's promises that its close at ``at`` cancelled; how many."""
    marks = ", ".join("?" for _ in reasons)
    cursor = conn.execute(
        "UPDATE follow_ups SET done_at = NULL, cancel_reason = NULL "
        f"WHERE lead_id = ? AND done_at = ? AND cancel_reason IN ({marks})",
        (lead_id, at, *reasons),
    )
    return cursor.rowcount


def _on_closed(open_ids: Sequence[int]) -> str:
    stages = ", ".join(str(int(i)) for i in open_ids) or "NULL"
    return (
        "FROM follow_ups f JOIN leads l ON l.id = f.lead_id "
        f"WHERE f.done_at IS NULL AND l.stage_id NOT IN ({stages})"
    )


def open_on_closed(conn: sqlite3.Connection, open_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(lead id, follow-up id) of the open promises of leads that are won or lost."""
    sql = f"SELECT f.lead_id, f.id {_on_closed(open_ids)} ORDER BY f.lead_id, f.id"
    return [(int(lead), int(fid)) for lead, fid in conn.execute(sql)]


def open_on_closed_leads(conn: sqlite3.Connection, open_ids: Sequence[int]) -> int:
    """How many closed leads have an open promise."""
    sql = f"SELECT count(DISTINCT f.lead_id) {_on_closed(open_ids)}"
    return int(conn.execute(sql).fetchone()[0])
