"""Deals closed in the period (won, lost, their time in stages) and deals open now (the
opportunities, the pipeline, the deals the forecast leaves out, recurring revenue).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from funnelcli.kpis.rows import (
    LostGroup,
    OpenDeal,
    OpenGroup,
    PipelineGroup,
    RecurringGroup,
    StageTimeGroup,
    WonDeal,
)
from funnelcli.store.estimated import CLOSED_ESTIMATED
from funnelcli.store.reports.clauses import Scope, closed_in_period, ids_sql, is_wide, scan

#: Frequencies that bill again after the win.
RECURRING = ("monthly", "quarterly", "yearly")


#: Deals, deals with an amount, and the sum of the amounts known.
_AMOUNTS = "count(*), count(l.amount_cents), coalesce(sum(l.amount_cents), 0)"


def won_deals(
    conn: sqlite3.Connection,
    won_id: int,
    bounds: tuple[str, str],
    scope: Scope,
    leads: int,
) -> list[WonDeal]:
    """Every deal won in the period: source, currency, amount and seconds from creation to win
    (NULL when an import estimated either date, ``leads.dates_estimated``)."""
    table, where, params = closed_in_period(conn, [won_id], bounds, scope, leads, covered=True)
    rows = conn.execute(
        "SELECT l.source, l.currency, l.amount_cents, "
        "CASE WHEN l.dates_estimated = 0 "
        "THEN unixepoch(l.closed_at) - unixepoch(l.created_at) END, l.closed_at, "
        f"(l.dates_estimated & {CLOSED_ESTIMATED}) <> 0 "
        f"FROM {table} WHERE {where}",
        params,
    )
    return list(map(WonDeal._make, rows))


def stage_times(
    conn: sqlite3.Connection,
    won_id: int,
    bounds: tuple[str, str],
    scope: Scope,
    leads: int,
) -> list[StageTimeGroup]:
    """For the deals won in the period: per stage, how many were at it and their total seconds.

    A stay lasts from a change into the stage to the lead's next change in (``at``, ``id``)
    order; a lead's stays at the same stage are summed. Deals with a date estimated by an
    import are left out, as from the cycle.

    The next change is found with one index seek per change (``stage_changes_lead_stage``):
    the first later instant, or the change's own instant when a change with the same instant
    and a higher id follows it (a stay of 0 seconds). A window function (``lead() OVER``)
    would say the same, but it sorts every change of the won deals first: much slower.
    ``CROSS JOIN`` keeps the deals as the outer loop (SQLite would otherwise read every stage
    change through ``stage_changes_to``).
    """
    table, where, params = closed_in_period(conn, [won_id], bounds, scope, leads, covered=True)
    rows = conn.execute(
        f"""
        WITH stays AS (
            SELECT c.lead_id, c.to_stage_id AS stage_id,
                unixepoch((
                    SELECT min(n.at) FROM stage_changes n
                    WHERE n.lead_id = c.lead_id AND n.at >= c.at AND (n.at > c.at OR n.id > c.id)
                )) - unixepoch(c.at) AS seconds
            FROM {table} CROSS JOIN stage_changes c ON c.lead_id = l.id
            WHERE {where} AND l.dates_estimated = 0
            LIMIT -1
        )
        SELECT stage_id, count(DISTINCT lead_id), sum(seconds) FROM stays
        WHERE seconds IS NOT NULL GROUP BY stage_id
        """,
        params,
    )
    return [StageTimeGroup(*row) for row in rows]


def lost(
    conn: sqlite3.Connection,
    lost_id: int,
    bounds: tuple[str, str],
    scope: Scope,
    leads: int,
) -> list[LostGroup]:
    """Deals lost in the period by reason (trimmed, lower-case) and currency."""
    table, where, params = closed_in_period(conn, [lost_id], bounds, scope, leads)
    rows = conn.execute(
        f"SELECT nullif(lower(trim(l.lost_reason)), '') AS reason, l.currency, {_AMOUNTS} "
        f"FROM {table} WHERE {where} GROUP BY 1, 2",
        params,
    )
    return [LostGroup(*row) for row in rows]


def won_count(conn: sqlite3.Connection, won_id: int, scope: Scope) -> int:
    """Every deal won. All sources: counted in ``leads_stage_reached``; one source: a scan of
    the table beats looking up the source of every won deal."""
    where, params = scope.clause()
    sql = f"SELECT count(*) FROM leads l{scan(bool(where))} WHERE l.stage_id = {int(won_id)}{where}"
    return int(conn.execute(sql, params).fetchone()[0])


def open_groups(
    conn: sqlite3.Connection, stage_ids: Sequence[int], scope: Scope
) -> list[OpenGroup]:
    """Open leads at the stages given, by stage, currency and probability override."""
    where, params = scope.clause()
    rows = conn.execute(
        f"SELECT l.stage_id, l.currency, l.probability, {_AMOUNTS} "
        f"FROM leads l WHERE l.stage_id IN ({ids_sql(stage_ids)}){where} GROUP BY 1, 2, 3",
        params,
    )
    return [OpenGroup(*row) for row in rows]


def pipeline(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    first: date,
    last: date,
    scope: Scope,
) -> list[PipelineGroup]:
    """Open deals with an amount expected to close between ``first`` and ``last`` (local days)."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.expected_close, l.stage_id, l.currency, l.probability, count(*), "
        "sum(l.amount_cents) FROM leads l "
        "WHERE l.expected_close >= ? AND l.expected_close <= ? AND l.amount_cents IS NOT NULL "
        f"AND +l.stage_id IN ({ids_sql(open_ids)}){where} GROUP BY 1, 2, 3, 4",
        [first.isoformat(), last.isoformat(), *params],
    )
    return [
        PipelineGroup(date.fromisoformat(day), stage_id, currency, probability, n, cents)
        for day, stage_id, currency, probability, n, cents in rows
    ]


def _candidates(open_ids: Sequence[int], opportunity_ids: Sequence[int]) -> str:
    """Open deals the forecast should count: opportunities, and any lead with an expected close."""
    return (
        f"l.stage_id IN ({ids_sql(open_ids)}) AND (l.stage_id IN ({ids_sql(opportunity_ids)}) "
        "OR l.expected_close IS NOT NULL) "
        "AND (l.amount_cents IS NULL OR l.expected_close IS NULL OR l.expected_close < ?)"
    )


def _open_wide(conn: sqlite3.Connection, open_ids: Sequence[int], leads: int) -> bool:
    return is_wide(conn, f"l.stage_id IN ({ids_sql(open_ids)})", [], leads)


def left_out(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    opportunity_ids: Sequence[int],
    today: date,
    scope: Scope,
    leads: int,
) -> list[OpenDeal]:
    """Open deals that lack an amount or an expected close date, or whose date is past.

    Where open leads are many, a scan of the table (in id order: no sort) beats reading them
    through ``leads_stage_reached``.
    """
    where, params = scope.clause()
    wide = _open_wide(conn, open_ids, leads)
    rows = conn.execute(
        "SELECT l.id, l.name, l.stage_id, l.currency, l.amount_cents, l.expected_close "
        f"FROM leads l{scan(wide)} WHERE {_candidates(open_ids, opportunity_ids)}{where} "
        "ORDER BY l.id",
        [today.isoformat(), *params],
    )
    return [
        OpenDeal(i, name, stage_id, currency, cents, date.fromisoformat(day) if day else None)
        for i, name, stage_id, currency, cents, day in rows
    ]


def left_out_counts(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    opportunity_ids: Sequence[int],
    today: date,
    scope: Scope,
    leads: int,
) -> dict[str, int]:
    """How many open deals are left out of the forecast, per reason (a deal may have two)."""
    where, params = scope.clause()
    wide = _open_wide(conn, open_ids, leads)
    row = conn.execute(
        "SELECT count(*), count(*) - count(l.amount_cents), "
        "count(*) - count(l.expected_close), coalesce(sum(l.expected_close < ?), 0) "
        f"FROM leads l{scan(wide)} WHERE {_candidates(open_ids, opportunity_ids)}{where}",
        [today.isoformat(), today.isoformat(), *params],
    ).fetchone()
    return {
        "deals": row[0],
        "no_amount": row[1],
        "no_expected_close": row[2],
        "expected_close_past": row[3],
    }


def recurring(conn: sqlite3.Connection, won_id: int, scope: Scope) -> list[RecurringGroup]:
    """Won recurring deals with an amount, grouped by the local day they were won and their term.

    Read from ``leads_recurring`` alone (the frequencies are written into the SQL, so that
    SQLite sees the query is within that partial index). SQLite's ``'localtime'`` modifier
    converts with the C library and the process's ``TZ``, the same rules as Python's
    ``astimezone()``.
    """
    where, params = scope.clause()
    frequencies = ", ".join(f"'{f}'" for f in RECURRING)
    rows = conn.execute(
        "SELECT date(l.closed_at, 'localtime'), l.frequency, l.currency, count(*), "
        "sum(l.amount_cents), l.term, l.billed_until FROM leads l INDEXED BY leads_recurring "
        f"WHERE l.stage_id = {int(won_id)} AND l.frequency IN ({frequencies}) "
        f"AND l.amount_cents IS NOT NULL{where} GROUP BY 1, 2, 3, 6, 7",
        params,
    )
    return [
        RecurringGroup(
            date.fromisoformat(day),
            frequency,
            currency,
            n,
            cents,
            term,
            date.fromisoformat(until) if until else None,
        )
        for day, frequency, currency, n, cents, term, until in rows
    ]
