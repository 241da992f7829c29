"""What the forecast's choice of method by backtest depends on, read cheaply: whether it can
choose at all, and a fingerprint of the history it would learn from."""

from __future__ import annotations

import sqlite3


def won_months(conn: sqlite3.Connection, start: str, end: str) -> int:
    """How many calendar months (UTC) in ``[start, end)`` had a deal won, or 99 when a recurring
    deal was won before ``end`` (its billings are actuals every month)."""
    recurring = conn.execute(
        "SELECT 1 FROM leads JOIN stages s ON s.id = leads.stage_id WHERE s.kind = 'won' "
        "AND leads.frequency IS NOT NULL AND leads.frequency <> 'once' AND leads.closed_at < ? "
        "LIMIT 1",
        (end,),
    ).fetchone()
    if recurring:
        return 99
    row = conn.execute(
        "SELECT count(DISTINCT substr(leads.closed_at, 1, 7)) FROM leads "
        "JOIN stages s ON s.id = leads.stage_id WHERE s.kind = 'won' "
        "AND leads.closed_at >= ? AND leads.closed_at < ?",
        (start, end),
    ).fetchone()
    return int(row[0])


def history_fingerprint(conn: sqlite3.Connection, before: str) -> str:
    """Counts and sums of the rows dated before ``before``: a change to the history a backtest
    reads (an import of old deals, a deleted lead, an edited stage change) changes it."""
    leads = conn.execute(
        "SELECT count(*), max(id), total(amount_cents), count(closed_at) FROM leads "
        "WHERE created_at < ?",
        (before,),
    ).fetchone()
    moves = conn.execute(
        "SELECT count(*), max(id) FROM stage_changes WHERE at < ?", (before,)
    ).fetchone()
    stages = conn.execute("SELECT group_concat(id || ':' || probability) FROM stages").fetchone()
    return "/".join(str(v) for v in (*leads, *moves, *stages))
