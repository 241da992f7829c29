"""The SQL of the reports: aggregates computed by SQLite, handed to ``funnelcli.kpis`` as groups.

Everything is grouped in SQL so that a report reads a few hundred rows, not a million. The
queries ride the indexes of the schema: ``leads_created`` (leads created in the period),
``leads_closed`` (deals closed in the period), ``leads_stage`` (open and won/lost deals),
``leads_expected_close`` (the pipeline), ``stage_changes_lead_stage`` (a lead's history; it
covers the stage too) and ``activities_lead`` (a lead's actions). ``benchmarks/report.py``
prints their plans.

A lead's **peak** (``funnelcli.kpis.peak_rank``) is computed here as the highest rank among the
stages of its history and its current stage, ``lost`` left out; stage ids and ranks are integers
from the database, written into the SQL as literals so that each query is one plan.

Instants are compared as stored UTC strings (``2026-11-29T14:00:00Z``): the caller passes the
UTC bounds of local days (``funnelcli.periods``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from funnelcli.kpis import (
    CohortGroup,
    LostGroup,
    OpenDeal,
    OpenGroup,
    PathTotals,
    PathTypeGroup,
    PipelineGroup,
    RecurringGroup,
    SequenceGroup,
    StageTimeGroup,
    WonDeal,
)

#: Frequencies that bill again after the win.
RECURRING = ("monthly", "quarterly", "yearly")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which leads a report looks at: all, one source, or those without a source."""

    source: str | None = None
    unsourced: bool = False

    def clause(self, alias: str = "l") -> tuple[str, list[Any]]:
        if self.unsourced:
            return f" AND {alias}.source IS NULL", []
        if self.source is not None:
            return f" AND {alias}.source = ?", [self.source]
        return "", []


@dataclass(frozen=True, slots=True)
class Edges:
    """Consecutive buckets: their labels and the UTC bound where each starts, plus the end."""

    labels: tuple[str, ...]
    starts: tuple[str, ...]
    end: str

    def case(self, column: str) -> tuple[str, list[Any]]:
        """``CASE`` giving the label of the bucket ``column`` falls in (rows already in range)."""
        if len(self.labels) == 1:
            return "?", [self.labels[0]]
        parts, params = ["CASE"], []
        for label, start in zip(reversed(self.labels[1:]), reversed(self.starts[1:]), strict=True):
            parts.append(f"WHEN {column} >= ? THEN ?")
            params += [start, label]
        parts.append("ELSE ? END")
        params.append(self.labels[0])
        return " ".join(parts), params


def _ids(values: Sequence[int]) -> str:
    """Integers for an ``IN (...)`` list written into the SQL (never user text)."""
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _rank_case(column: str, ranks: Mapping[int, int]) -> str:
    whens = " ".join(f"WHEN {int(k)} THEN {int(v)}" for k, v in ranks.items())
    return f"CASE {column} {whens} END"


def peak_sql(ranks: Mapping[int, int], alias: str = "l") -> str:
    """The peak rank of lead ``alias`` (NULL when it was only ever lost).

    A correlated subquery reads the lead's history through an index. Callers put it in a
    derived table with ``LIMIT -1``: that keeps SQLite from flattening the derived table into
    the outer aggregate, which would copy (and run) the subquery once per use of ``peak``.
    """
    history = (
        f"(SELECT max({_rank_case('c.to_stage_id', ranks)}) FROM stage_changes c "
        f"WHERE c.lead_id = {alias}.id)"
    )
    current = _rank_case(f"{alias}.stage_id", ranks)
    return f"nullif(max(coalesce({current}, -1), coalesce({history}, -1)), -1)"


#: Reports read large parts of the file: map it into memory (2 GiB at most, SQLite's default
#: ceiling) so that page reads are memory reads, not a system call and a copy each. Per
#: connection; reads only, so a write elsewhere is unaffected.
MMAP_BYTES = 2**31 - 2**16


def prepare(conn: sqlite3.Connection) -> None:
    """Tune a connection for a report's large reads (memory-mapped I/O)."""
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


# --------------------------------------------------------------------------- leads created


def _peak_sums(ranks: Mapping[int, int]) -> str:
    """One column per possible peak (NULL, then each rank): counting them needs no sort."""
    top = max(ranks.values())
    return ", ".join(["sum(peak IS NULL)", *(f"sum(peak = {r})" for r in range(top + 1))])


def _unpivot(counts: Sequence[int]) -> list[tuple[int | None, int]]:
    """``(peak, n)`` for each non-zero column of :func:`_peak_sums`."""
    return [(None if i == 0 else i - 1, n) for i, n in enumerate(counts) if n]


def cohort(
    conn: sqlite3.Connection,
    ranks: Mapping[int, int] | None,
    edges: Edges,
    scope: Scope,
    *,
    buckets: bool = True,
    sources: bool = True,
) -> list[CohortGroup]:
    """Leads created in the period, grouped by bucket, source and peak rank.

    Only the dimensions asked for are computed (the others come back as ``""``/None): the peak
    costs a look at each lead's history, so it is left out (``ranks=None``) where not needed.
    """
    where, params = scope.clause()
    columns: list[str] = []
    keys: list[str] = []
    inner_params: list[Any] = []
    if buckets:
        bucket, inner_params = edges.case("l.created_at")
        columns.append(f"{bucket} AS bucket")
        keys.append("bucket")
    if sources:
        columns.append("l.source AS source")
        keys.append("source")
    if ranks is not None:
        won = [k for k, v in ranks.items() if v == max(ranks.values())]
        # A won lead reached every stage: its history need not be read.
        columns.append(
            f"CASE WHEN l.stage_id = {int(won[0])} THEN {max(ranks.values())} "
            f"ELSE {peak_sql(ranks)} END AS peak"
        )
        counts = _peak_sums(ranks)
    else:
        columns.append("NULL AS peak")
        counts = "count(*)"
    sql = (
        f"SELECT {', '.join([*keys, counts])} FROM (SELECT {', '.join(columns)} "
        f"FROM leads l WHERE l.created_at >= ? AND l.created_at < ?{where} LIMIT -1)"
        + (f" GROUP BY {', '.join(keys)}" if keys else "")
    )
    out: list[CohortGroup] = []
    for row in conn.execute(sql, [*inner_params, edges.starts[0], edges.end, *params]):
        bucket_label = row[0] if buckets else ""
        source = row[int(buckets)] if sources else None
        tail = row[len(keys) :]
        if ranks is None:
            if tail[0]:
                out.append(CohortGroup(bucket_label, source, None, tail[0]))
        else:
            out += [CohortGroup(bucket_label, source, p, n) for p, n in _unpivot(tail)]
    return out


# --------------------------------------------------------------------------- deals closed


def lost_histogram(
    conn: sqlite3.Connection, ranks: Mapping[int, int], lost_id: int, scope: Scope
) -> dict[int | None, int]:
    """Every lost deal (now lost) counted by peak rank: the base of the empirical stage rates.

    Without a source filter it reads only indexes (``leads_stage`` and the lead's history).
    """
    where, params = scope.clause()
    row = conn.execute(
        f"SELECT {_peak_sums(ranks)} FROM (SELECT {peak_sql(ranks)} AS peak FROM leads l "
        f"WHERE l.stage_id = {int(lost_id)}{where} LIMIT -1)",
        params,
    ).fetchone()
    return dict(_unpivot([n or 0 for n in row]))


def lost_peaks(
    conn: sqlite3.Connection,
    ranks: Mapping[int, int],
    lost_id: int,
    bounds: tuple[str, str],
    scope: Scope,
) -> list[tuple[str | None, int | None, int]]:
    """Deals lost in the period (now lost) by source and peak rank."""
    where, params = scope.clause()
    sql = (
        f"SELECT source, {_peak_sums(ranks)} FROM ("
        f"SELECT l.source AS source, {peak_sql(ranks)} AS peak FROM leads l "
        f"WHERE l.closed_at >= ? AND l.closed_at < ? AND +l.stage_id = {int(lost_id)}{where} "
        "LIMIT -1) GROUP BY 1"
    )
    out: list[tuple[str | None, int | None, int]] = []
    for source, *counts in conn.execute(sql, [*bounds, *params]):
        out += [(source, p, n) for p, n in _unpivot(counts)]
    return out


def won_deals(
    conn: sqlite3.Connection, won_id: int, bounds: tuple[str, str], scope: Scope
) -> list[WonDeal]:
    """Every deal won in the period: source, currency, amount and seconds from creation to win."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.source, l.currency, l.amount_cents, "
        "unixepoch(l.closed_at) - unixepoch(l.created_at), l.closed_at "
        f"FROM leads l WHERE l.closed_at >= ? AND l.closed_at < ? "
        f"AND +l.stage_id = {int(won_id)}{where}",
        [*bounds, *params],
    )
    return [WonDeal(*row) for row in rows]


def stage_times(
    conn: sqlite3.Connection, won_id: int, bounds: tuple[str, str], scope: Scope
) -> list[StageTimeGroup]:
    """For the deals won in the period: per stage, how many were at it and their total seconds.

    A stay lasts from a change into the stage to the lead's next change; a lead's stays at the
    same stage are summed first (``funnelcli.kpis.stage_stays``).
    """
    where, params = scope.clause()
    rows = conn.execute(
        f"""
        WITH won AS (
            SELECT l.id FROM leads l WHERE l.closed_at >= ? AND l.closed_at < ?
            AND +l.stage_id = {int(won_id)}{where}
        ),
        stays AS (
            SELECT c.lead_id, c.to_stage_id AS stage_id,
                unixepoch(lead(c.at) OVER (PARTITION BY c.lead_id ORDER BY c.at, c.id))
                - unixepoch(c.at) AS seconds
            FROM won JOIN stage_changes c ON c.lead_id = won.id
        ),
        per_lead AS (
            SELECT lead_id, stage_id, sum(seconds) AS seconds FROM stays
            WHERE seconds IS NOT NULL GROUP BY lead_id, stage_id
        )
        SELECT stage_id, count(*), sum(seconds) FROM per_lead GROUP BY stage_id
        """,
        [*bounds, *params],
    )
    return [StageTimeGroup(*row) for row in rows]


def lost(
    conn: sqlite3.Connection, lost_id: int, bounds: tuple[str, str], scope: Scope
) -> list[LostGroup]:
    """Deals lost in the period by reason (trimmed, lower-case) and currency."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT nullif(lower(trim(l.lost_reason)), '') AS reason, l.currency, count(*), "
        "count(l.amount_cents), coalesce(sum(l.amount_cents), 0) "
        f"FROM leads l WHERE l.closed_at >= ? AND l.closed_at < ? "
        f"AND l.stage_id = {int(lost_id)}{where} GROUP BY 1, 2",
        [*bounds, *params],
    )
    return [LostGroup(*row) for row in rows]


# --------------------------------------------------------------------------- all history


def won_count(conn: sqlite3.Connection, won_id: int, scope: Scope) -> int:
    where, params = scope.clause()
    sql = f"SELECT count(*) FROM leads l WHERE l.stage_id = {int(won_id)}{where}"
    return int(conn.execute(sql, params).fetchone()[0])


# --------------------------------------------------------------------------- open deals


def open_groups(
    conn: sqlite3.Connection, stage_ids: Sequence[int], scope: Scope
) -> list[OpenGroup]:
    """Open leads at the stages given, by stage, currency and probability override."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.stage_id, l.currency, l.probability, count(*), count(l.amount_cents), "
        "coalesce(sum(l.amount_cents), 0) "
        f"FROM leads l WHERE l.stage_id IN ({_ids(stage_ids)}){where} GROUP BY 1, 2, 3",
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
        f"AND +l.stage_id IN ({_ids(open_ids)}){where} GROUP BY 1, 2, 3, 4",
        [first.isoformat(), last.isoformat(), *params],
    )
    return [
        PipelineGroup(date.fromisoformat(day), stage_id, currency, probability, n, cents)
        for day, stage_id, currency, probability, n, cents in rows
    ]


def _candidates(open_ids: Sequence[int], opportunity_ids: Sequence[int]) -> str:
    """Open deals the forecast should count: opportunities, and any lead with an expected close."""
    return (
        f"l.stage_id IN ({_ids(open_ids)}) AND (l.stage_id IN ({_ids(opportunity_ids)}) "
        "OR l.expected_close IS NOT NULL) "
        "AND (l.amount_cents IS NULL OR l.expected_close IS NULL OR l.expected_close < ?)"
    )


def left_out(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    opportunity_ids: Sequence[int],
    today: date,
    scope: Scope,
) -> list[OpenDeal]:
    """Open deals that lack an amount or an expected close date, or whose date is past."""
    where, params = scope.clause()
    rows = conn.execute(
        "SELECT l.id, l.name, l.stage_id, l.currency, l.amount_cents, l.expected_close "
        f"FROM leads l WHERE {_candidates(open_ids, opportunity_ids)}{where} ORDER BY l.id",
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
) -> dict[str, int]:
    """How many open deals are left out of the forecast, per reason (a deal may have two)."""
    where, params = scope.clause()
    row = conn.execute(
        "SELECT count(*), count(*) - count(l.amount_cents), "
        "count(*) - count(l.expected_close), coalesce(sum(l.expected_close < ?), 0) "
        f"FROM leads l WHERE {_candidates(open_ids, opportunity_ids)}{where}",
        [today.isoformat(), today.isoformat(), *params],
    ).fetchone()
    return {
        "deals": row[0],
        "no_amount": row[1],
        "no_expected_close": row[2],
        "expected_close_past": row[3],
    }


def recurring(conn: sqlite3.Connection, won_id: int, scope: Scope) -> list[RecurringGroup]:
    """Won recurring deals with an amount, grouped by the local day they were won.

    SQLite's ``'localtime'`` modifier converts with the C library and the process's ``TZ``,
    the same rules as Python's ``astimezone()``.
    """
    where, params = scope.clause()
    marks = ", ".join("?" for _ in RECURRING)
    rows = conn.execute(
        "SELECT date(l.closed_at, 'localtime'), l.frequency, l.currency, count(*), "
        f"sum(l.amount_cents) FROM leads l WHERE l.stage_id = {int(won_id)} "
        f"AND l.frequency IN ({marks}) AND l.amount_cents IS NOT NULL{where} GROUP BY 1, 2, 3",
        [*RECURRING, *params],
    )
    return [
        RecurringGroup(date.fromisoformat(day), frequency, currency, n, cents)
        for day, frequency, currency, n, cents in rows
    ]


# --------------------------------------------------------------------------- paths


def paths(
    conn: sqlite3.Connection, won_id: int, lost_id: int, bounds: tuple[str, str], scope: Scope
) -> tuple[list[PathTotals], list[PathTypeGroup], list[SequenceGroup]]:
    """Deals closed in the period and their actions up to the close, in one statement.

    Each closed deal's actions are read once (``acts``, materialised); three aggregates are
    taken from them: deals and actions per source and outcome, deals that had each type of
    action, and deals per first-three-action sequence.
    """
    where, params = scope.clause()
    rows = conn.execute(
        f"""
        WITH closed AS MATERIALIZED (
            SELECT l.id, l.source, l.stage_id = {int(won_id)} AS won, l.closed_at
            FROM leads l WHERE l.closed_at >= ? AND l.closed_at < ?
            AND l.stage_id IN ({int(won_id)}, {int(lost_id)}){where}
        ),
        acts AS MATERIALIZED (
            SELECT c.id, c.source, c.won, lower(a.type) AS type,
                row_number() OVER (PARTITION BY c.id ORDER BY a.at, a.id) AS n
            FROM closed c JOIN activities a ON a.lead_id = c.id AND a.at <= c.closed_at
        ),
        per_deal AS (
            SELECT id, source, won, count(*) AS actions,
                max(CASE n WHEN 1 THEN type END) AS t1,
                max(CASE n WHEN 2 THEN type END) AS t2,
                max(CASE n WHEN 3 THEN type END) AS t3
            FROM acts GROUP BY id
        )
        SELECT 'deals', source, won, NULL, NULL, NULL, count(*) FROM closed GROUP BY 2, 3
        UNION ALL
        SELECT 'actions', source, won, NULL, NULL, NULL, sum(actions) FROM per_deal GROUP BY 2, 3
        UNION ALL
        SELECT 'type', source, won, type, NULL, NULL, count(*)
            FROM (SELECT DISTINCT id, source, won, type FROM acts) GROUP BY 2, 3, 4
        UNION ALL
        SELECT 'sequence', source, won, t1, t2, t3, count(*) FROM per_deal GROUP BY 2, 3, 4, 5, 6
        """,
        [*bounds, *params],
    )
    deals: dict[tuple[str | None, bool], list[int]] = {}
    types: list[PathTypeGroup] = []
    sequences: list[SequenceGroup] = []
    for kind, source, won, t1, t2, t3, n in rows:
        key = (source, bool(won))
        if kind == "deals":
            deals.setdefault(key, [0, 0])[0] = n
        elif kind == "actions":
            deals.setdefault(key, [0, 0])[1] = n
        elif kind == "type":
            types.append(PathTypeGroup(source, bool(won), t1, n))
        else:
            sequence = tuple(t for t in (t1, t2, t3) if t is not None)
            sequences.append(SequenceGroup(source, bool(won), sequence, n))
    totals = [PathTotals(s, w, n, actions) for (s, w), (n, actions) in deals.items()]
    return totals, types, sequences
