"""The pieces of report SQL: which leads (:class:`Scope`), buckets (:class:`Edges`), a lead's
peak (:func:`peak_sql`), and the choice between an index and a scan (:func:`is_wide`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from funnelcli.store.migrations import all_recorded, reached_bit

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
        bound = literal(self.starts[middle])
        return (
            f"CASE WHEN {column} < {bound} THEN {self.index_case(column, first, middle)} "
            f"ELSE {self.index_case(column, middle, stop)} END"
        )


def literal(stamp: str) -> str:
    """A storage instant (``2026-11-01T04:00:00Z``) as an SQL literal; refuses anything else."""
    if not _STAMP.fullmatch(stamp):
        raise ValueError(f"not a storage instant: {stamp!r}")
    return f"'{stamp}'"


def ids_sql(values: Sequence[int]) -> str:
    """Integers for an ``IN (...)`` list written into the SQL (never user text)."""
    return ", ".join(str(int(v)) for v in values) or "NULL"


def rank_case(column: str, ranks: Mapping[int, int]) -> str:
    """``rank + 1`` of the stage in ``column``; 0 for a stage without a rank (lost)."""
    whens = " ".join(f"WHEN {int(k)} THEN {int(v) + 1}" for k, v in ranks.items())
    return f"CASE {column} {whens} ELSE 0 END"


def peak_sql(ranks: Mapping[int, int], won_id: int, lost_id: int, alias: str = "l") -> str:
    """The peak of lead ``alias`` as ``rank + 1``, 0 when it was only ever lost.

    A won lead reached every stage (won has the top rank). Otherwise the peak is read from
    ``leads.reached``, the bits of the stages the lead has ever been at (kept by triggers): a
    ``CASE`` tests the ranked stages from the top down, on the lead's own row.

    A pipeline with a stage id ``leads.reached`` does not record (more than 62 stages ever made)
    is not fully recorded there: the lead's history is then read instead, through a correlated
    subquery on ``stage_changes_lead_stage`` (it covers ``to_stage_id``). Callers put the peak
    in a derived table with ``LIMIT -1``: that keeps SQLite from flattening the derived table
    into the outer aggregate, which would copy (and run) the expression once per use of the
    peak.
    """
    current = rank_case(f"{alias}.stage_id", ranks)
    if all_recorded(ranks):
        tests = " ".join(
            f"WHEN {alias}.reached & {reached_bit(int(stage_id))} THEN {int(rank) + 1}"
            for stage_id, rank in sorted(ranks.items(), key=lambda item: -item[1])
        )
        history = f"CASE {tests} ELSE 0 END"
    else:
        history = (
            f"coalesce((SELECT max({rank_case('c.to_stage_id', ranks)}) FROM stage_changes c "
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


#: Above 1/SCAN_SHARE of all leads, reading a range through an index (one table lookup per
#: row, and the rows are spread over the table) costs more than scanning the whole table: scan
#: it instead (reads that the index covers, ``leads_closed_deals``, need no lookup and no scan).
#: ``benchmarks/report.py`` measures both paths.
SCAN_SHARE = 10


def lead_id_ceiling(conn: sqlite3.Connection) -> int:
    """The highest lead id: an upper bound of the number of leads, read from one index page."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM leads").fetchone()[0])


def is_wide(conn: sqlite3.Connection, condition: str, params: Sequence[Any], leads: int) -> bool:
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


def in_range(column: str) -> str:
    assert column in ("created_at", "closed_at")
    return f"l.{column} >= ? AND l.{column} < ?"


def scan(wide: bool) -> str:
    """The access path: ``NOT INDEXED`` makes SQLite scan the table in rowid order."""
    return " NOT INDEXED" if wide else ""


def closed_in_period(
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
    wide = not covered and is_wide(conn, in_range("closed_at"), bounds, leads)
    ids = ", ".join(str(int(i)) for i in stage_ids)
    condition = (
        f"l.closed_at >= ? AND l.closed_at < ? AND {'' if wide else '+'}l.stage_id IN ({ids})"
    )
    table = "leads l INDEXED BY leads_closed_deals" if covered else f"leads l{scan(wide)}"
    return table, condition + where, [*bounds, *params]
