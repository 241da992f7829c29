"""The SQL of the reports: aggregates computed by SQLite, handed to ``funnelcli.kpis`` as groups.

Everything is grouped in SQL so that a report reads a few thousand rows, not a million. The
queries ride the indexes of the schema: ``leads_created`` (leads created in the period),
``leads_closed_deals`` (deals closed in the period; it covers what the reports read of a
won deal), ``leads_recurring`` (the recurring deals), ``leads_stage_reached`` (open and
won/lost deals), ``leads_expected_close`` (the pipeline), ``stage_changes_lead_stage`` (a
lead's history; it covers the stage too) and ``activities_lead`` (a lead's actions) -- except
where a range holds a large share of the leads: reading it through an index costs a table
lookup per row, and a scan of the whole table is then cheaper (:func:`_wide`).
``benchmarks/report.py`` prints every plan and its time.

A lead's **peak** (``funnelcli.kpis.peak_rank``) is computed here as the highest rank among the
stages of its history and its current stage, ``lost`` left out, from the stages the lead has
reached as recorded on its row (``leads.reached``, :func:`peak_sql`); stage ids and ranks are
integers from the database, written into the SQL as literals so that each query is one plan.
:func:`lead_pass` computes each lead's peak once for everything a report needs.

Instants are compared as stored UTC strings (``2026-11-29T14:00:00Z``): the caller passes the
UTC bounds of local days (``funnelcli.periods``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

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
from funnelcli.store.migrations import all_recorded, reached_bit

#: Frequencies that bill again after the win.
RECURRING = ("monthly", "quarterly", "yearly")

_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


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

    def index_case(self, column: str, first: int = 0, stop: int | None = None) -> str:
        """The index of the bucket ``column`` falls in (rows already in range): a binary search
        written as nested ``CASE`` (4 comparisons for 13 months, 7 for 10 years of months).

        The bounds are UTC storage strings made by ``funnelcli.periods``, written as literals.
        """
        stop = len(self.starts) if stop is None else stop
        if stop - first == 1:
            return str(first)
        middle = (first + stop) // 2
        bound = _literal(self.starts[middle])
        return (
            f"CASE WHEN {column} < {bound} THEN {self.index_case(column, first, middle)} "
            f"ELSE {self.index_case(column, middle, stop)} END"
        )


def _literal(stamp: str) -> str:
    """A storage instant (``2026-11-01T04:00:00Z``) as an SQL literal; refuses anything else."""
    if not _STAMP.fullmatch(stamp):
        raise ValueError(f"not a storage instant: {stamp!r}")
    return f"'{stamp}'"


def _ids(values: Sequence[int]) -> str:
    """Integers for an ``IN (...)`` list written into the SQL (never user text)."""
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _rank_case(column: str, ranks: Mapping[int, int]) -> str:
    """``rank + 1`` of the stage in ``column``; 0 for a stage without a rank (lost)."""
    whens = " ".join(f"WHEN {int(k)} THEN {int(v) + 1}" for k, v in ranks.items())
    return f"CASE {column} {whens} ELSE 0 END"


def peak_sql(ranks: Mapping[int, int], won_id: int, lost_id: int, alias: str = "l") -> str:
    """The peak of lead ``alias`` as ``rank + 1``, 0 when it was only ever lost.

    A won lead reached every stage (won has the top rank). Otherwise the peak is read from
    ``leads.reached``, the bits of the stages the lead has ever been at (kept by triggers): a
    ``CASE`` tests the ranked stages from the top down, on the lead's own row.

    A pipeline with a stage id ``leads.reached`` does not record (more than 62 stages ever made) is
    not fully recorded there: the lead's history is then read instead, through a correlated
    subquery on ``stage_changes_lead_stage`` (it covers ``to_stage_id``), ≈0.9 µs a lead at
    3M stage changes. Callers put the peak in a derived table with ``LIMIT -1``: that keeps
    SQLite from flattening the derived table into the outer aggregate, which would copy (and
    run) the expression once per use of the peak.
    """
    current = _rank_case(f"{alias}.stage_id", ranks)
    if all_recorded(ranks):
        tests = " ".join(
            f"WHEN {alias}.reached & {reached_bit(int(stage_id))} THEN {int(rank) + 1}"
            for stage_id, rank in sorted(ranks.items(), key=lambda item: -item[1])
        )
        history = f"CASE {tests} ELSE 0 END"
    else:
        history = (
            f"coalesce((SELECT max({_rank_case('c.to_stage_id', ranks)}) FROM stage_changes c "
            f"WHERE c.lead_id = {alias}.id), 0)"
        )
    return (
        f"CASE {alias}.stage_id WHEN {int(won_id)} THEN {max(ranks.values()) + 1} "
        f"WHEN {int(lost_id)} THEN {history} ELSE max({current}, {history}) END"
    )


#: Reports read large parts of the file: map it into memory (2 GiB at most, SQLite's default
#: ceiling) so that page reads are memory reads, not a system call and a copy each. Per
#: connection; reads only, so a write elsewhere is unaffected.
MMAP_BYTES = 2**31 - 2**16


def prepare(conn: sqlite3.Connection) -> None:
    """Tune a connection for a report's large reads (memory-mapped I/O)."""
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


class Helper:
    """A second connection to the database, read-only, on the snapshot of the report's own.

    The dashboard runs the data-quality audit (``funnel check``) on it in a worker thread while
    the report's connection computes the KPIs: SQLite lets go of Python's GIL while it steps,
    so both cores work.

    Both connections must read the same snapshot: a report's figures agree with each other even
    while another process writes. Python's ``sqlite3`` has no snapshot API; the pairing rests on
    ``PRAGMA data_version``, which changes when another connection commits. The helper reads it
    (1) before the report's connection starts its read transaction (2), then starts its own (3)
    and reads it again: unchanged, nothing was committed between (1) and (3), so (2) and (3)
    see the same database. Changed (or any error), :meth:`pair` says no and the work is done on
    the report's connection instead. The helper is opened ``mode=ro``: it cannot write, lock
    for writing, or checkpoint the WAL when it closes.
    """

    def __init__(self, conn: sqlite3.Connection, version: int) -> None:
        self.conn = conn
        self.version = version

    @classmethod
    def open(cls, path: Path, busy_timeout: float) -> Helper | None:
        """Step (1); None when the file cannot be opened that way (then there is no helper)."""
        conn = None
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,  # opened here, used by the worker thread
            )
            prepare(conn)
            return cls(conn, _data_version(conn))
        except sqlite3.Error:
            if conn is not None:
                conn.close()
            return None

    def pair(self) -> bool:
        """Step (3), once the report's connection has read inside its transaction (2)."""
        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT count(*) FROM stages").fetchone()
            return _data_version(self.conn) == self.version
        except sqlite3.Error:
            return False

    def close(self) -> None:
        self.conn.close()  # a read transaction left open just ends


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


# --------------------------------------------------------------------------- access paths

#: Above 1/SCAN_SHARE of all leads, reading a range through an index (one table lookup per
#: row, 0.5 to 1.2 µs: the rows are spread over the table) costs more than scanning the whole
#: table (≈0.11 µs per row): scan it instead. Measured at 1M leads: the 239,000 deals closed in
#: the default period take 290 ms through the close-date index and 110 ms by a scan (reads that
#: the index covers, ``leads_closed_deals``, need no lookup and no scan).
SCAN_SHARE = 10


def lead_id_ceiling(conn: sqlite3.Connection) -> int:
    """The highest lead id: an upper bound of the number of leads, read from one index page."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM leads").fetchone()[0])


def _wide(conn: sqlite3.Connection, condition: str, params: Sequence[Any], leads: int) -> bool:
    """True when more than 1/:data:`SCAN_SHARE` of the leads meet ``condition``.

    ``condition`` is on an indexed column (``created_at``, ``closed_at``, ``stage_id``): the
    count reads only that index, and stops at the threshold.
    """
    cap = leads // SCAN_SHARE
    found = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM leads l WHERE {condition} LIMIT ?)",
        [*params, cap + 1],
    ).fetchone()[0]
    return bool(found > cap)


def _in_range(column: str) -> str:
    assert column in ("created_at", "closed_at")
    return f"l.{column} >= ? AND l.{column} < ?"


def _scan(wide: bool) -> str:
    """The access path: ``NOT INDEXED`` makes SQLite scan the table in rowid order."""
    return " NOT INDEXED" if wide else ""


def _closed_in_period(
    conn: sqlite3.Connection,
    stage_ids: Sequence[int],
    bounds: tuple[str, str],
    scope: Scope,
    leads: int,
    covered: bool = False,
) -> tuple[str, str, list[Any]]:
    """FROM, WHERE and parameters for the deals closed in the period at ``stage_ids``.

    ``covered``: the query reads only columns of ``leads_closed_deals`` (close date, stage,
    source, currency, amount, creation, id): that index alone answers, whatever the period.
    Otherwise a wide period scans the table; a narrow one reads the index and looks the rows
    up (``+stage_id`` keeps SQLite from choosing ``leads_stage_reached`` instead).
    """
    where, params = scope.clause()
    wide = not covered and _wide(conn, _in_range("closed_at"), bounds, leads)
    ids = ", ".join(str(int(i)) for i in stage_ids)
    condition = (
        f"l.closed_at >= ? AND l.closed_at < ? AND {'' if wide else '+'}l.stage_id IN ({ids})"
    )
    table = "leads l INDEXED BY leads_closed_deals" if covered else f"leads l{_scan(wide)}"
    return table, condition + where, [*bounds, *params]


# --------------------------------------------------------------------------- the lead pass


class Tally(NamedTuple):
    """What one pass over the leads found; each lead's peak was read once, for every use."""

    cohort: list[CohortGroup]  # leads created in the period
    lost_in_period: list[tuple[str | None, int | None, int]]  # (source, peak, deals)
    lost: dict[int | None, int]  # every lost deal (now lost) by peak


class Wanted(NamedTuple):
    """What a report needs from the lead pass."""

    cohort: bool = False  # leads created in the period...
    buckets: bool = False  # ... by month/quarter
    sources: bool = False  # ... and deals lost in the period, by source
    peaks: bool = False  # ... by peak
    lost_in_period: bool = False  # deals lost in the period, by peak
    lost: bool = False  # every lost deal, by peak (the empirical stage→won rates)


def lead_pass(
    conn: sqlite3.Connection,
    ranks: Mapping[int, int],
    ids: tuple[int, int],
    edges: Edges,
    scope: Scope,
    wanted: Wanted,
    leads: int,
) -> Tally:
    """One read of the leads a report needs, each lead's peak computed once.

    ``ids`` are the won and lost stage ids; ``edges`` the period's buckets (the period is
    ``edges.starts[0]`` to ``edges.end``); ``leads`` :func:`lead_id_ceiling`.

    The rows read are the leads created in the period (``wanted.cohort``) and the deals now
    lost (all of them for ``wanted.lost``, else those lost in the period). When the report
    needs several kinds of rows or buckets or sources, each row gets one integer packing its
    bucket, two flags (lost; lost in the period) and its peak, and SQLite counts the rows per
    source and code: grouping on one integer (and the source) sorts much faster than on five
    columns, and the peak, the expensive part, is read once per lead even when the lead counts
    in the funnel, in the win rate and in the stage→won rates. A report that needs only peaks
    (``funnel``, ``forecast``) sums one column per peak instead: no sort at all.

    Every lost deal by peak (``wanted.lost``, all sources) is counted apart, from the index
    ``leads_stage_reached`` alone (:func:`lost_peaks`). Otherwise, a pass that reads every lost
    deal reads about half the table, so it scans the table rather than going through the
    indexes; so does one whose period holds many of the leads.
    """
    won_id, lost_id = (int(i) for i in ids)
    where, params = scope.clause()
    if wanted.lost and not where and all_recorded(ranks):
        apart = lost_peaks(conn, ranks, won_id, lost_id)
        tally = lead_pass(conn, ranks, ids, edges, scope, wanted._replace(lost=False), leads)
        return tally._replace(lost=apart)
    start, end = _literal(edges.starts[0]), _literal(edges.end)
    in_cohort = f"(l.created_at >= {start} AND l.created_at < {end})"
    is_lost = f"l.stage_id = {lost_id}"
    rows = [in_cohort] if wanted.cohort else []
    if wanted.lost:
        rows.append(is_lost)
    elif wanted.lost_in_period:
        rows.append(f"({is_lost} AND l.closed_at >= {start} AND l.closed_at < {end})")
    if not rows:
        return Tally([], [], {})
    closed = wanted.lost or wanted.lost_in_period
    peaks = max(ranks.values()) + 2  # peak codes: 0 (none), rank + 1
    peak = peak_sql(ranks, won_id, lost_id) if wanted.peaks or closed else "0"
    bounds = (edges.starts[0], edges.end)
    if wanted.lost:
        wide = wanted.cohort or bool(where)  # else: the lost deals only, from leads_stage_reached
    else:
        wide = (wanted.cohort and _wide(conn, _in_range("created_at"), bounds, leads)) or (
            wanted.lost_in_period and _wide(conn, _in_range("closed_at"), bounds, leads)
        )
    table = f"FROM leads l{_scan(wide)} WHERE ({' OR '.join(rows)}){where}"
    grouped = (
        wanted.sources or wanted.buckets or len(rows) > 1 or (wanted.lost and wanted.lost_in_period)
    )
    if grouped:
        if wanted.buckets:
            bucket = f"CASE WHEN {in_cohort} THEN 1 + {edges.index_case('l.created_at')} ELSE 0 END"
        else:
            bucket = f"{in_cohort}" if wanted.cohort else "0"
        flags = "0"
        if closed:
            in_period = (
                f"{int(wanted.lost_in_period)} * (l.closed_at >= {start} AND l.closed_at < {end})"
            )
            flags = f"CASE WHEN {is_lost} THEN {2 * int(wanted.lost)} + {in_period} ELSE 0 END"
        source = "l.source" if wanted.sources else "NULL"
        counted = conn.execute(
            f"SELECT source, code, count(*) FROM (SELECT {source} AS source, "
            f"(({bucket}) * 4 + {flags}) * {peaks} + {peak} AS code {table} LIMIT -1) "
            "GROUP BY 2, 1",  # the integer first: the sort compares text only on ties (-7 %)
            params,
        ).fetchall()
    else:
        # One kind of row, no bucket, no source: one sum per peak code, no sort.
        sums = ", ".join(f"sum(peak = {code})" for code in range(peaks))
        row = conn.execute(f"SELECT {sums} FROM (SELECT {peak} AS peak {table} LIMIT -1)", params)
        kind = (4 if wanted.cohort else 0) + (2 if wanted.lost else 1 if closed else 0)
        counted = [(None, kind * peaks + code, n) for code, n in enumerate(row.fetchone()) if n]
    return _unpack(counted, peaks, edges.labels if wanted.buckets else ("",), wanted)


def lost_peaks(
    conn: sqlite3.Connection, ranks: Mapping[int, int], won_id: int, lost_id: int
) -> dict[int | None, int]:
    """Every lost deal by peak (None: it was only ever lost), when the peaks are recorded.

    A lost deal's peak depends only on ``reached``: SQLite counts the deals per value of
    ``reached`` (a few dozen) in ``leads_stage_reached`` order -- no table row, no sort -- and
    computes the peak once per value.
    """
    assert all_recorded(ranks)
    rows = conn.execute(
        f"SELECT {peak_sql(ranks, won_id, lost_id)}, count(*) FROM leads l "
        f"INDEXED BY leads_stage_reached WHERE l.stage_id = {int(lost_id)} GROUP BY l.reached"
    )
    lost: dict[int | None, int] = {}
    for code, n in rows:
        peak = None if code == 0 else code - 1
        lost[peak] = lost.get(peak, 0) + n
    return lost


def _unpack(
    counted: Sequence[tuple[str | None, int, int]],
    peaks: int,
    labels: Sequence[str],
    wanted: Wanted,
) -> Tally:
    """The :class:`Tally` of ``(source, code, leads)`` rows (see :func:`lead_pass`)."""
    cohort: dict[tuple[str, str | None, int | None], int] = {}
    lost_in: dict[tuple[str | None, int | None], int] = {}
    lost: dict[int | None, int] = {}
    for source, packed, n in counted:
        rest, peak_code = divmod(packed, peaks)
        bucket_index, flag_bits = divmod(rest, 4)
        peak = None if peak_code == 0 else peak_code - 1
        if bucket_index:
            key = (labels[bucket_index - 1], source, peak if wanted.peaks else None)
            cohort[key] = cohort.get(key, 0) + n
        if flag_bits & 2 and wanted.lost:
            lost[peak] = lost.get(peak, 0) + n
        if flag_bits & 1 and wanted.lost_in_period:
            lost_in[source, peak] = lost_in.get((source, peak), 0) + n
    return Tally(
        [CohortGroup(*key, n) for key, n in cohort.items()],
        [(*key, n) for key, n in lost_in.items()],
        lost,
    )


def won_deals(
    conn: sqlite3.Connection,
    won_id: int,
    bounds: tuple[str, str],
    scope: Scope,
    leads: int,
) -> list[WonDeal]:
    """Every deal won in the period: source, currency, amount and seconds from creation to win."""
    table, where, params = _closed_in_period(conn, [won_id], bounds, scope, leads, covered=True)
    rows = conn.execute(
        "SELECT l.source, l.currency, l.amount_cents, "
        "unixepoch(l.closed_at) - unixepoch(l.created_at), l.closed_at "
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
    order; a lead's stays at the same stage are summed (``funnelcli.kpis.stage_stays``).

    The next change is found with one index seek per change (``stage_changes_lead_stage``):
    the first later instant, or the change's own instant when a change with the same instant
    and a higher id follows it (a stay of 0 seconds). A window function (``lead() OVER``)
    would say the same, but it sorts every change of the won deals first: twice as slow.
    ``CROSS JOIN`` keeps the deals as the outer loop (SQLite would otherwise read every stage
    change through ``stage_changes_to``).
    """
    table, where, params = _closed_in_period(conn, [won_id], bounds, scope, leads, covered=True)
    rows = conn.execute(
        f"""
        WITH stays AS (
            SELECT c.lead_id, c.to_stage_id AS stage_id,
                unixepoch((
                    SELECT min(n.at) FROM stage_changes n
                    WHERE n.lead_id = c.lead_id AND n.at >= c.at AND (n.at > c.at OR n.id > c.id)
                )) - unixepoch(c.at) AS seconds
            FROM {table} CROSS JOIN stage_changes c ON c.lead_id = l.id
            WHERE {where}
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
    table, where, params = _closed_in_period(conn, [lost_id], bounds, scope, leads)
    rows = conn.execute(
        "SELECT nullif(lower(trim(l.lost_reason)), '') AS reason, l.currency, count(*), "
        "count(l.amount_cents), coalesce(sum(l.amount_cents), 0) "
        f"FROM {table} WHERE {where} GROUP BY 1, 2",
        params,
    )
    return [LostGroup(*row) for row in rows]


# --------------------------------------------------------------------------- all history


def won_count(conn: sqlite3.Connection, won_id: int, scope: Scope) -> int:
    """Every deal won. All sources: counted in ``leads_stage_reached``; one source: a scan of
    the table beats looking up the source of every won deal (125 against 210 ms at 1M)."""
    where, params = scope.clause()
    sql = (
        f"SELECT count(*) FROM leads l{_scan(bool(where))} WHERE l.stage_id = {int(won_id)}{where}"
    )
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


def _open_wide(conn: sqlite3.Connection, open_ids: Sequence[int], leads: int) -> bool:
    return _wide(conn, f"l.stage_id IN ({_ids(open_ids)})", [], leads)


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
        f"FROM leads l{_scan(wide)} WHERE {_candidates(open_ids, opportunity_ids)}{where} "
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
        f"FROM leads l{_scan(wide)} WHERE {_candidates(open_ids, opportunity_ids)}{where}",
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

    Read from ``leads_recurring`` alone (the frequencies are written into the SQL, so that
    SQLite sees the query is within that partial index). SQLite's ``'localtime'`` modifier
    converts with the C library and the process's ``TZ``, the same rules as Python's
    ``astimezone()``.
    """
    where, params = scope.clause()
    frequencies = ", ".join(f"'{f}'" for f in RECURRING)
    rows = conn.execute(
        "SELECT date(l.closed_at, 'localtime'), l.frequency, l.currency, count(*), "
        "sum(l.amount_cents) FROM leads l INDEXED BY leads_recurring "
        f"WHERE l.stage_id = {int(won_id)} AND l.frequency IN ({frequencies}) "
        f"AND l.amount_cents IS NOT NULL{where} GROUP BY 1, 2, 3",
        params,
    )
    return [
        RecurringGroup(date.fromisoformat(day), frequency, currency, n, cents)
        for day, frequency, currency, n, cents in rows
    ]


# --------------------------------------------------------------------------- paths


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
    and the set of types of each. (A window function over the actions, then grouping per deal,
    took 2.5× as long.)
    """
    won_id, lost_id = (int(i) for i in ids)
    table, where, params = _closed_in_period(
        conn, [won_id, lost_id], bounds, scope, leads, covered=True
    )
    rows = conn.execute(
        f"""
        SELECT source, won, types, count(*) FROM (
            SELECT l.source AS source, l.stage_id = {won_id} AS won, (
                SELECT json_group_array(type) FROM (
                    SELECT lower(a.type) AS type FROM activities a
                    WHERE a.lead_id = l.id AND a.at <= l.closed_at ORDER BY a.at, a.id
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
