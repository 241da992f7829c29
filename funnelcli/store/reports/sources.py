"""Whether a report's ``--source`` names leads, and which sources there are."""

from __future__ import annotations

import sqlite3

from funnelcli.store.reports.clauses import Scope


def in_use(conn: sqlite3.Connection, scope: Scope) -> bool:
    """Whether any lead is in ``scope`` (all leads: always)."""
    if scope.unsourced:
        found = conn.execute("SELECT 1 FROM leads WHERE source IS NULL LIMIT 1").fetchone()
    elif scope.source is not None:
        found = conn.execute(
            "SELECT 1 FROM leads WHERE source = ? LIMIT 1", (scope.source,)
        ).fetchone()
    else:
        return True
    return found is not None


def known(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """The first sources recorded, in order (at most ``limit``)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT source FROM leads WHERE source IS NOT NULL ORDER BY source LIMIT ?",
            (limit,),
        )
    ]


def first_created(conn: sqlite3.Connection) -> str | None:
    """When the first lead was created (the ``leads_created`` index answers it)."""
    row = conn.execute("SELECT MIN(created_at) FROM leads").fetchone()
    return None if row is None else row[0]
