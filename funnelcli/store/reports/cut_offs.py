"""The model's reference cut-offs read in one pass (``--method model``, docs/forecast.md).

At each reference instant the model needs the deals then open, by stage, age band and when they
were won. Joining every stage span with every cut-off in SQL (a window function over the whole
history, then a range join) costs seconds at 100k leads; here the history is read once, in the
order of its covering index, and each span is matched with the cut-offs it covers by bisection.
The result is the SQL's, group for group: the same string comparisons of stored instants, the
same ``julianday`` differences (SQLite computes them; the subtraction of two doubles is the same
in Python), the same truncation of days.

Which leads are read: those whose spans can cover a cut-off, found from two facts the store
keeps (docs/reports.md, "summary columns"): ``last_event_at`` is at least the time of every
stage change of the lead (triggers, step 5), and ``stage_id`` is the stage the lead's latest
change led to (moves, undo, merge and past views keep it so). A span ending after the first
cut-off ends at a change later than it; a span without an end is at the lead's current stage.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence

from funnelcli.kpis.rows import CutOffGroup
from funnelcli.store.reports.clauses import Scope, ids_sql


def _julian(conn: sqlite3.Connection, instants: Sequence[str]) -> list[float | None]:
    values = ", ".join("(?)" for _ in instants)
    return [
        row[0]
        for row in conn.execute(f"SELECT julianday(column1) FROM (VALUES {values})", list(instants))
    ]


class _Refs:
    """The reference cut-offs sorted by instant, with their Julian days."""

    def __init__(self, conn: sqlite3.Connection, refs: Sequence[tuple[str, str, str]]) -> None:
        ordered = sorted(refs)
        self.at = [r[0] for r in ordered]
        self.origin = [r[1] for r in ordered]
        self.upto = [r[2] for r in ordered]
        julian = _julian(conn, [*self.at, *self.origin])
        at_day = julian[: len(ordered)]
        # instants written by dates.to_storage: each has a Julian day
        assert all(day is not None for day in at_day), self.at
        self.at_day: list[float] = [float(day or 0) for day in at_day]
        self.origin_day = julian[len(ordered) :]

    def won_days(self, n: int, closed: str | None, closed_day: float | None) -> int | None:
        """``CASE WHEN closed_at < upto THEN CAST(julianday(closed_at) - julianday(origin) AS
        INTEGER) END`` of cut-off ``n`` (``closed``: the close of a won deal, else None)."""
        if closed is None or not closed < self.upto[n]:
            return None
        origin = self.origin_day[n]
        return None if closed_day is None or origin is None else int(closed_day - origin)


def open_at(
    conn: sqlite3.Connection,
    open_ids: Sequence[int],
    won_id: int,
    refs: Sequence[tuple[str, str, str]],
    bands: Sequence[int],
    scope: Scope,
) -> list[CutOffGroup]:
    """The deals open at each reference instant ``at`` (the stage each had then, from the stage
    history), by stage, age band (days at that stage by then) and whole days from ``origin``
    (the start of the reference day) to the win when won before ``upto``, else None."""
    if not refs:
        return []
    cuts = _Refs(conn, refs)
    where, params = scope.clause()
    # one row per lead and instant: the change of the highest id, as the history's order
    # (at, id) makes the others spans of no length
    rows = conn.execute(
        f"""
        SELECT c.lead_id, c.at, c.to_stage_id, max(c.id), julianday(c.at),
            CASE WHEN l.stage_id = {int(won_id)} THEN l.closed_at END,
            CASE WHEN l.stage_id = {int(won_id)} THEN julianday(l.closed_at) END
        FROM leads l JOIN stage_changes c ON c.lead_id = l.id
        WHERE (l.last_event_at IS NULL OR l.last_event_at > ? OR l.stage_id IN
            ({ids_sql(open_ids)})) AND l.dates_estimated = 0{where}
        GROUP BY c.lead_id, c.at
        ORDER BY c.lead_id, c.at
        """,
        [cuts.at[0], *params],
    )
    wanted = frozenset(open_ids)
    found: Counter[tuple[int, int, int | None]] = Counter()
    previous = None
    for row in rows:
        if previous is not None:
            _count(found, cuts, previous, row[1] if row[0] == previous[0] else None, wanted, bands)
        previous = row
    if previous is not None:
        _count(found, cuts, previous, None, wanted, bands)
    return [CutOffGroup(stage, band, days, n) for (stage, band, days), n in found.items()]


def _count(
    found: Counter[tuple[int, int, int | None]],
    cuts: _Refs,
    span: tuple,
    until: str | None,
    wanted: frozenset[int],
    bands: Sequence[int],
) -> None:
    """Count the span ``[since, until)`` at every cut-off it covers."""
    _, since, stage, _, since_day, closed, closed_day = span
    if stage not in wanted:
        return
    first = bisect_left(cuts.at, since)
    last = len(cuts.at) if until is None else bisect_left(cuts.at, until)
    tally(found, cuts, stage, first, last, since_day, closed, closed_day, bands)


def tally(
    found: Counter[tuple[int, int, int | None]],
    cuts: _Refs,
    stage: int,
    first: int,
    last: int,
    since_day: float | None,
    closed: str | None,
    closed_day: float | None,
    bands: Sequence[int],
) -> None:
    """Count a span at the cut-offs ``first`` to ``last`` it covers, by age band: as still
    open (days None), or as won that many days after the cut-off when it closed won by the
    cut-off's window (``closed``: its close instant, None for a span that never closed)."""
    for band, start, stop in _bands(cuts, first, last, since_day, bands):
        if closed is None:
            found[stage, band, None] += stop - start
            continue
        upto, origin = cuts.upto, cuts.origin_day  # ``cuts.won_days``, inline: once per cut-off
        for n in range(start, stop):
            days = origin[n]
            if closed < upto[n] and closed_day is not None and days is not None:
                found[stage, band, int(closed_day - days)] += 1
            else:
                found[stage, band, None] += 1


def _bands(
    cuts: _Refs, first: int, last: int, since_day: float | None, bands: Sequence[int]
) -> list[tuple[int, int, int]]:
    """The cut-offs ``first`` to ``last`` by age band, as (band, start, stop): the age
    ``julianday(at) - julianday(since)`` grows with the cut-off, so each band is a run."""
    if since_day is None:  # NULL < limit is never true: the last band
        return [(len(bands), first, last)]
    out = []
    start = first
    for band, limit in enumerate(bands):
        stop = first_aged(cuts.at_day, since_day, limit, start, last)
        if stop > start:
            out.append((band, start, stop))
        start = stop
    if last > start:
        out.append((len(bands), start, last))
    return out


def first_aged(days: Sequence[float], since_day: float, limit: int, low: int, high: int) -> int:
    """The first index in ``[low, high)`` of ``days`` (ascending) with ``day - since_day >=
    limit`` (else ``high``): found near the float estimate, then settled by that comparison
    (a bisection with that key, without a Python call per step)."""
    n = bisect_left(days, since_day + limit, low, high)
    while n > low and days[n - 1] - since_day >= limit:
        n -= 1
    while n < high and days[n] - since_day < limit:
        n += 1
    return n


def created_after(
    conn: sqlite3.Connection,
    won_id: int,
    refs: Sequence[tuple[str, str, str]],
    scope: Scope,
) -> list[CutOffGroup]:
    """The leads created after each reference instant and before ``upto`` (stage id 0, band 0),
    by whole days from ``origin`` to the win when won before ``upto``, else None."""
    if not refs:
        return []
    cuts = _Refs(conn, refs)
    where, params = scope.clause()
    rows = conn.execute(
        f"""
        SELECT l.created_at, CASE WHEN l.stage_id = {int(won_id)} THEN l.closed_at END,
            CASE WHEN l.stage_id = {int(won_id)} THEN julianday(l.closed_at) END
        FROM leads l WHERE l.created_at > ? AND l.created_at < ? AND l.dates_estimated = 0{where}
        """,
        [cuts.at[0], max(cuts.upto), *params],
    )
    ordered = cuts.upto == sorted(cuts.upto)
    found: Counter[int | None] = Counter()
    for created, closed, closed_day in rows:
        # the cut-offs before the creation whose window ends after it
        last = bisect_left(cuts.at, created)
        first = bisect_right(cuts.upto, created, 0, last) if ordered else 0
        for n in range(first, last):
            if created < cuts.upto[n]:
                found[cuts.won_days(n, closed, closed_day)] += 1
    return [CutOffGroup(0, 0, days, n) for days, n in found.items()]
