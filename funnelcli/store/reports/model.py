"""The queries of ``--method model``: the open deals as the model weighs them, recent wins'
amounts, recent leads (the reference cut-offs are read in ``cut_offs``).

Only deals whose dates are real are learnt from (``leads.dates_estimated = 0``): an import's
estimate of a created or close date says nothing about how long a deal took.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from funnelcli.kpis.rows import AmountGroup, ModelOpenGroup
from funnelcli.store.estimated import CLOSED_ESTIMATED, CREATED_ESTIMATED
from funnelcli.store.reports.clauses import Scope, ids_sql, literal


def _band(age: str, bands: Sequence[int]) -> str:
    """The SQL of the age band (0, 1, …) of ``age`` days against the bands' lower limits."""
    return (
        "CASE "
        + "".join(f"WHEN {age} < {int(limit)} THEN {n} " for n, limit in enumerate(bands))
        + f"ELSE {len(bands)} END"
    )


def open_deals(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    now: str,
    bands: Sequence[int],
    scope: Scope,
) -> list[ModelOpenGroup]:
    """Every open lead, by stage, age band (days at its stage by ``now``), source, currency,
    expected close and override."""
    where, params = scope.clause()
    since = "(SELECT max(c.at) FROM stage_changes c WHERE c.lead_id = l.id)"
    age = f"julianday({literal(now)}) - julianday(coalesce({since}, l.created_at))"
    # materialized: the age is computed once per lead (inline, the band's CASE and the
    # grouping would run its subquery up to four times)
    rows = conn.execute(
        f"WITH o AS MATERIALIZED (SELECT l.stage_id, {age} AS age, l.source, l.currency, "
        "l.expected_close, l.probability, l.amount_cents "
        f"FROM leads l WHERE l.stage_id IN ({ids_sql(open_ids)}){where}) "
        f"SELECT stage_id, {_band('age', bands)}, source, currency, expected_close, "
        "probability, count(*), count(amount_cents), coalesce(sum(amount_cents), 0) "
        "FROM o GROUP BY 1, 2, 3, 4, 5, 6",
        params,
    )
    return [
        ModelOpenGroup(stage, band, source, cur, date.fromisoformat(day) if day else None, p, *n)
        for stage, band, source, cur, day, p, *n in rows
    ]


def won_amounts(
    conn: sqlite3.Connection, won_id: int, since: str, now: str, scope: Scope
) -> list[AmountGroup]:
    """Deals won from ``since`` to ``now`` with an amount, by source, currency and amount (a
    close date an import estimated is not known to be in that span: left out)."""
    where, params = scope.clause()
    # ``+l.stage_id``: the range of close dates read from the covering index leads_closed_deals,
    # not every won deal's row through the stage index (which SQLite picks otherwise)
    rows = conn.execute(
        "SELECT l.source, l.currency, l.amount_cents, count(*) FROM leads l "
        f"WHERE l.closed_at >= ? AND l.closed_at <= ? AND +l.stage_id = {int(won_id)} "
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
