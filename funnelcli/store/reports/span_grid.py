"""Stage spans counted once for every reference cut-off of a backtest (``shared_history``).

A span of a deal never won counts the same at every reference instant it covers: one deal of
its stage, in the age band of that instant, never won. So instead of matching each span with
each cut-off's reference instants, every span is added once to a grid of all the instants the
backtest's cut-offs will ask for (a difference array per stage and band), and each cut-off
reads its instants' counts. The arithmetic is ``cut_offs``': an instant is covered when
``since <= at < until`` (stored strings), its band is the first whose limit exceeds
``julianday(at) - julianday(since)`` (SQLite's days, subtracted as ``_bands`` does), a span
without a start day is in the last band.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from funnelcli.store.reports.cut_offs import _julian, first_aged

#: Instants per ``julianday`` query (well under SQLite's limit of bound parameters).
CHUNK = 500


class SpanGrid:
    """Counts by (stage, band) at every instant of ``instants`` of the spans added."""

    def __init__(
        self, conn: sqlite3.Connection, instants: Iterable[str], bands: Sequence[int]
    ) -> None:
        self.at = sorted(set(instants))
        days: list[float | None] = []
        for n in range(0, len(self.at), CHUNK):
            days += _julian(conn, self.at[n : n + CHUNK])
        # the bisections below need the days in the instants' order (true of stored instants)
        known = [day for day in days if day is not None]
        self.usable = len(known) == len(days) and all(
            a <= b for a, b in zip(known, known[1:], strict=False)
        )
        self.days: list[float] = [float(day or 0) for day in days]
        self.index = {at: n for n, at in enumerate(self.at)}
        self.bands = tuple(bands)
        self._diff: dict[tuple[int, int], list[int]] = {}
        self.counts: dict[tuple[int, int], list[int]] = {}

    def add(self, stage: int, since: str, until: str | None, since_day: float | None) -> None:
        """Count the span ``[since, until)`` of ``stage`` at every instant it covers."""
        at, days, size = self.at, self.days, len(self.at)
        start = bisect_left(at, since)
        stop = size if until is None else bisect_left(at, until)
        if start >= stop:
            return
        last = len(self.bands)
        if since_day is None:  # NULL < limit is never true: the last band
            self._mark(stage, last, start, stop)
            return
        low = start
        for band, limit in enumerate(self.bands):
            n = first_aged(days, since_day, limit, low, stop)
            if n > low:
                self._mark(stage, band, low, n)
            low = n
        if stop > low:
            self._mark(stage, last, low, stop)

    def _mark(self, stage: int, band: int, start: int, stop: int) -> None:
        diff = self._diff.get((stage, band))
        if diff is None:
            diff = self._diff[stage, band] = [0] * (len(self.at) + 1)
        diff[start] += 1
        diff[stop] -= 1

    def close(self) -> None:
        """Turn the differences into counts (after the last ``add``)."""
        for key, diff in self._diff.items():
            total, counts = 0, []
            for step in diff[:-1]:
                total += step
                counts.append(total)
            self.counts[key] = counts
        self._diff = {}

    def count(
        self, instants: Sequence[str], stages: Collection[int]
    ) -> Counter[tuple[int, int, int | None]] | None:
        """The spans of ``stages`` covering each of ``instants``, by (stage, band, None); None
        when an instant is not on the grid."""
        where = [self.index.get(at) for at in instants]
        if not self.usable or None in where:
            return None
        found: Counter[tuple[int, int, int | None]] = Counter()
        for (stage, band), counts in self.counts.items():
            if stage in stages:
                total = sum(counts[n] for n in where if n is not None)
                if total:
                    found[stage, band, None] += total
        return found
