"""The actions of the deals closed in the period, up to their close (``funnel report paths``)."""

from __future__ import annotations

import json
import sqlite3

from funnelcli.kpis.rows import PathTotals, PathTypeGroup, SequenceGroup
from funnelcli.store.activity_types import NOT_ACTIONS_SQL as _NOT_ACTIONS
from funnelcli.store.reports.clauses import Scope, closed_in_period


def paths(
    conn: sqlite3.Connection,
    ids: tuple[int, int],
    bounds: tuple[str, str],
    scope: Scope,
    leads: int,
) -> tuple[list[PathTotals], list[PathTypeGroup], list[SequenceGroup]]:
    """Deals closed in the period (``ids``: the won and lost stage ids) and their actions up to
    the close.

    Each closed deal's actions are read once, in order, through ``activities_lead`` (a
    correlated subquery whose ``ORDER BY a.at, a.id`` is the index's own order: no sort) and
    gathered into a JSON array of their lower-cased types. SQLite counts the deals per source,
    outcome and list; Python derives from the few thousand lists the actions, the first three
    and the set of types of each (a window function over the actions, then grouping per deal, is
    much slower).
    """
    won_id, lost_id = (int(i) for i in ids)
    table, where, params = closed_in_period(
        conn, [won_id, lost_id], bounds, scope, leads, covered=True
    )
    rows = conn.execute(
        f"""
        SELECT source, won, types, count(*) FROM (
            SELECT l.source AS source, l.stage_id = {won_id} AS won, (
                SELECT json_group_array(type) FROM (
                    SELECT lower(a.type) AS type FROM activities a
                    WHERE a.lead_id = l.id AND a.at <= l.closed_at
                    AND a.type NOT IN {_NOT_ACTIONS} ORDER BY a.at, a.id
                )
            ) AS types
            FROM {table} WHERE {where}
            LIMIT -1
        ) GROUP BY 1, 2, 3
        """,
        params,
    )
    deals: dict[tuple[str | None, bool], list[int]] = {}
    types: dict[tuple[str | None, bool, str], int] = {}
    sequences: dict[tuple[str | None, bool, tuple[str, ...]], int] = {}
    for source, won, listed, n in rows:
        actions = json.loads(listed)
        key = (source, bool(won))
        totals = deals.setdefault(key, [0, 0])
        totals[0] += n
        totals[1] += n * len(actions)
        for kind in set(actions):
            types[*key, kind] = types.get((*key, kind), 0) + n
        if actions:
            first = (*key, tuple(actions[:3]))
            sequences[first] = sequences.get(first, 0) + n
    return (
        [PathTotals(s, w, n, actions) for (s, w), (n, actions) in deals.items()],
        [PathTypeGroup(s, w, kind, n) for (s, w, kind), n in types.items()],
        [SequenceGroup(s, w, seq, n) for (s, w, seq), n in sequences.items()],
    )
