"""The backtest's grid of reference instants (``store/reports/span_grid.py``), by hand: each span
counts once at every instant it covers (``since <= at < until``), in the age band of that
instant (days since its start: [0, 30), [30, 90), 90 and more; no start day: the last band)."""

from __future__ import annotations

import sqlite3
from collections import Counter

from funnelcli.store.reports.span_grid import SpanGrid

DAYS = ("2026-01-01", "2026-01-31", "2026-02-01", "2026-04-01", "2026-05-01")
GRID = [f"{day}T12:00:00Z" for day in DAYS]


def test_each_span_counts_at_the_instants_it_covers_in_their_age_band():
    conn = sqlite3.connect(":memory:")
    grid = SpanGrid(conn, reversed(GRID), (30, 90))
    start = conn.execute("SELECT julianday('2026-01-01T12:00:00Z')").fetchone()[0]
    # stage 1 from 2026-01-01 12:00, no end: ages 0, 30, 31, 90, 120 days at the five instants
    grid.add(1, "2026-01-01T12:00:00Z", None, start)
    # stage 1 again, ending at the third instant (not covered: until is exclusive): 0, 30 days
    grid.add(1, "2026-01-01T12:00:00Z", "2026-02-01T12:00:00Z", start)
    # stage 2 without a start day, covering the second to fourth instants: the last band
    grid.add(2, "2026-01-31T00:00:00Z", "2026-04-01T12:00:01Z", None)
    # a span between two instants covers none
    grid.add(2, "2026-02-02T00:00:00Z", "2026-03-01T00:00:00Z", start + 32)
    grid.close()
    assert grid.usable
    # instant 1: stage 1 twice in band 0; instant 2: stage 1 twice in band 1 (30 days: not < 30),
    # stage 2 once in band 2
    assert grid.count(GRID[:2], {1, 2}) == Counter(
        {(1, 0, None): 2, (1, 1, None): 2, (2, 2, None): 1}
    )
    # instants 3-5: stage 1 once at 31 (band 1), 90 and 120 days (band 2); stage 2 at 3 and 4
    assert grid.count(GRID[2:], {1, 2}) == Counter(
        {(1, 1, None): 1, (1, 2, None): 2, (2, 2, None): 2}
    )
    assert grid.count(GRID[2:], {2}) == Counter({(2, 2, None): 2})
    # an instant off the grid: no answer (the caller counts span by span)
    assert grid.count([*GRID[:1], "2026-01-02T12:00:00Z"], {1}) is None
