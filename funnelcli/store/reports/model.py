"""The queries of ``--method model``: when deals entered each stage and whether and when they
were won, the open deals as the model weighs them, recent wins' amounts, recent leads.

Only deals whose dates are real are learnt from (``leads.dates_estimated = 0``): an import's
estimate of a created or close date says nothing about how long a deal took.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from funnelcli.kpis.rows import AmountGroup, DelayGroup, ModelOpenGroup
from funnelcli.store.estimated import CLOSED_ESTIMATED, CREATED_ESTIMATED
from funnelcli.store.reports.clauses import Scope, ids_sql, literal

_UTC = "'%Y-%m-%dT%H:%M:%SZ'"


def _delays(entries: str, won_id: int, now: str, days: int, where: str) -> str:
    """Per (stage, whole days from the entry to the win or NULL, window observed): deals.
    ``entries`` yields (stage_id, lead_id, at)."""
    return f"""
        WITH entries AS ({entries})
        SELECT e.stage_id,
            CASE WHEN l.stage_id = {int(won_id)}
                THEN CAST(julianday(l.closed_at) - julianday(e.at) AS INTEGER) END,
            e.at <= strftime({_UTC}, {literal(now)}, '-{int(days)} days'),
            count(*)
        FROM entries e JOIN leads l ON l.id = e.lead_id
        WHERE l.dates_estimated = 0{where}
        GROUP BY 1, 2, 3
        """


def stage_delays(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    won_id: int,
    now: str,
    days: int,
    scope: Scope,
) -> list[DelayGroup]:
    """Every deal's first entry into each open stage, from the stage history: a deal that an
    import created straight at the opportunity stage never entered the stages before it."""
    where, params = scope.clause()
    entries = (
        "SELECT c.to_stage_id AS stage_id, c.lead_id, min(c.at) AS at FROM stage_changes c "
        f"WHERE c.to_stage_id IN ({ids_sql(open_ids)}) GROUP BY c.to_stage_id, c.lead_id"
    )
    rows = conn.execute(_delays(entries, won_id, now, days, where), params)
    return [DelayGroup(s, d, bool(o), n) for s, d, o, n in rows]


def created_delays(
    conn: sqlite3.Connection, won_id: int, now: str, days: int, scope: Scope
) -> list[DelayGroup]:
    """The same for every lead from its creation (stage id 0)."""
    where, params = scope.clause()
    entries = "SELECT 0 AS stage_id, id AS lead_id, created_at AS at FROM leads"
    rows = conn.execute(_delays(entries, won_id, now, days, where), params)
    return [DelayGroup(s, d, bool(o), n) for s, d, o, n in rows]


def open_deals(
    conn: sqlite3.Connection, open_ids: Sequence[int], scope: Scope
) -> list[ModelOpenGroup]:
    """Every open lead, by stage, source, currency, expected close and override."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.stage_id, l.source, l.currency, l.expected_close, l.probability, count(*), "
        "count(l.amount_cents), coalesce(sum(l.amount_cents), 0) FROM leads l "
        f"WHERE l.stage_id IN ({ids_sql(open_ids)}){where} GROUP BY 1, 2, 3, 4, 5",
        params,
    )
    return [
        ModelOpenGroup(stage, source, cur, date.fromisoformat(day) if day else None, p, *n)
        for stage, source, cur, day, p, *n in rows
    ]


def won_amounts(
    conn: sqlite3.Connection, won_id: int, since: str, now: str, scope: Scope
) -> list[AmountGroup]:
    """Deals won from ``since`` to ``now`` with an amount, by source, currency and amount (a
    close date an import estimated is not known to be in that span: left out)."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.source, l.currency, l.amount_cents, count(*) FROM leads l "
        f"WHERE l.closed_at >= ? AND l.closed_at <= ? AND l.stage_id = {int(won_id)} "
        f"AND l.amount_cents IS NOT NULL AND (l.dates_estimated & {CLOSED_ESTIMATED}) = 0"
        f"{where} GROUP BY 1, 2, 3",
        [since, now, *params],
    )
    return [AmountGroup(*row) for row in rows]


def leads_created(conn: sqlite3.Connection, since: str, now: str, scope: Scope) -> dict[str, int]:
    """Leads created from ``since`` to ``now``, per currency (estimated created dates left out)."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.currency, count(*) FROM leads l WHERE l.created_at >= ? AND l.created_at <= ? "
        f"AND (l.dates_estimated & {CREATED_ESTIMATED}) = 0{where} GROUP BY 1",
        [since, now, *params],
    )
    return dict(rows.fetchall())
