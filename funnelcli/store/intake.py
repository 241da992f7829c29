"""The SQL of ``funnel intake``: which lead a submission already made, and the open leads of
an email.

A submission is known by the digest of its bytes, kept as a key of the lead it made or
updated in ``lead_import_keys`` (``intake:<sha256>``: a deal key is a bare digest, so the two
never meet). The table is journaled and its rows go with their lead: undoing a submission
forgets its key, and the same bytes can land again.
"""

from __future__ import annotations

import sqlite3

PREFIX = "intake:"


def lead_of_submission(conn: sqlite3.Connection, digest: str) -> int | None:
    row = conn.execute(
        "SELECT lead_id FROM lead_import_keys WHERE import_key = ?", (PREFIX + digest,)
    ).fetchone()
    return None if row is None else int(row[0])


def remember_submission(conn: sqlite3.Connection, lead_id: int, digest: str) -> None:
    conn.execute(
        "INSERT INTO lead_import_keys (lead_id, import_key) VALUES (?, ?)",
        (lead_id, PREFIX + digest),
    )


def open_lead_ids_by_email(conn: sqlite3.Connection, email: str) -> list[int]:
    """The open leads with this email, oldest first."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT leads.id FROM leads JOIN stages ON stages.id = leads.stage_id "
            "WHERE leads.email = ? AND stages.kind = 'open' ORDER BY leads.id",
            (email,),
        )
    ]
