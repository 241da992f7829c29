"""The model's reference cut-offs at every cut-off of a backtest, from one reading of the history.

At each cut-off ``C`` the backtest's model reads its reference cut-offs on the database as of
``C`` (:mod:`funnelcli.store.reports.cut_offs`). When no journal record after the earliest
cut-off touches a lead, a stage change or a stage, that database is a function of today's: the
leads created by ``C`` with the stage changes dated by then (``store/reports/past.py``); a
lead with a stage change or an action after ``C`` is at the stage its last change by ``C`` led
to, closed then (the close recorded if it is by ``C``, else that change's time) when that stage
is; any other lead is as it is now. So the history is read once, here, and each cut-off counts
what it covers from memory, with ``cut_offs``' own counting: the groups are ``cut_offs``'
(``tests/test_shared_history.py`` compares them at every cut-off of generated histories).
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from funnelcli.kpis.rows import CutOffGroup
from funnelcli.store.reports.clauses import Scope
from funnelcli.store.reports.cut_offs import _Refs, tally
from funnelcli.store.reports.span_grid import SpanGrid

#: Days: a span of a stage at most this long is looked for near the cut-offs only.
SHORT = 60


class _Lead(NamedTuple):
    created: str
    stage: int  # now
    closed: str | None  # now
    closed_day: float | None
    ats: list[str]  # its stage changes, one per instant (the last of each)
    stages: list[int]
    days: list[float | None]
    last_event: str  # its latest stage change or action ("": none)


class SharedHistory:
    """Today's history of the leads a scope reads (``dates_estimated = 0``), in memory."""

    def __init__(self, leads: dict[int, _Lead]) -> None:
        self.leads = leads
        # every span [since, until) of a stage, by length: a short one (SHORT days at most)
        # covers a cut-off only if it starts less than SHORT days before it
        self.short: list[tuple[float, str, str, int, int]] = []  # since's day, since, until, …
        self.long: list[tuple[str, str, int, int]] = []  # until, since, lead, stage
        self.unbounded: list[tuple[str, int, int]] = []  # since, lead, stage
        for lead, row in leads.items():
            for n, since in enumerate(row.ats):
                day = row.days[n]
                if n + 1 == len(row.ats):
                    self.unbounded.append((since, lead, n))
                elif day is not None and (row.days[n + 1] or day + SHORT + 1) - day <= SHORT:
                    self.short.append((day, since, row.ats[n + 1], lead, n))
                else:
                    self.long.append((row.ats[n + 1], since, lead, n))
        self.short.sort()
        self.long.sort()
        self.unbounded.sort()
        self.created = sorted((row.created, lead) for lead, row in leads.items())
        self._won: dict[int, frozenset[int]] = {}
        self._stalled: dict[tuple[int, frozenset[int]], tuple[dict, list]] = {}
        self.planned: list[str] = []
        self._created: dict[int, tuple[list[tuple[str, int]], list[str]]] = {}
        self._shared: dict[tuple[int, frozenset[int], tuple[int, ...]], _Shared] = {}

    def _may_win(self, won_id: int) -> frozenset[int]:
        """The leads that are won now or were at some time (the others never are)."""
        if won_id not in self._won:
            self._won[won_id] = frozenset(
                lead
                for lead, row in self.leads.items()
                if row.stage == won_id or won_id in row.stages
            )
        return self._won[won_id]

    def _last_spans(
        self, won_id: int, wanted: frozenset[int]
    ) -> tuple[dict[int, list[tuple[float, str, int, int]]], list[tuple[str, int, int]]]:
        """The spans without an end at a stage in ``wanted``: of leads never won, created by
        their start, by stage and start (such a span covers every cut-off from its start, the
        lead open); the others."""
        if (won_id, wanted) not in self._stalled:
            may_win = self._may_win(won_id)
            plain: dict[int, list[tuple[float, str, int, int]]] = {}
            others = []
            for since, lead, n in self.unbounded:
                row = self.leads[lead]
                day = row.days[n]
                if row.stages[n] not in wanted:
                    continue
                if lead in may_win or row.created > since or day is None:
                    others.append((since, lead, n))
                else:
                    plain.setdefault(row.stages[n], []).append((day, since, lead, n))
            for spans in plain.values():
                spans.sort()
            self._stalled[won_id, wanted] = (plain, others)
        return self._stalled[won_id, wanted]

    @classmethod
    def read(cls, conn: sqlite3.Connection, since: str, scope: Scope) -> SharedHistory | None:
        """The history on ``conn`` (today's database), or None when a journal record after
        ``since`` touches a lead, a stage change or a stage."""
        touched = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM journal_changes c JOIN journal j ON j.id = c.entry_id "
            "WHERE j.at > ? AND c.tbl IN ('leads', 'stage_changes', 'stages'))",
            (since,),
        ).fetchone()[0]
        if touched:
            return None
        where, params = scope.clause()
        leads = {
            lead: _Lead(created, stage, closed, closed_day, [], [], [], last or "")
            for lead, created, stage, closed, closed_day, last in conn.execute(
                "SELECT l.id, l.created_at, l.stage_id, l.closed_at, julianday(l.closed_at), "
                "(SELECT max(at) FROM activities a WHERE a.lead_id = l.id) "
                f"FROM leads l WHERE l.dates_estimated = 0{where}",
                params,
            )
        }
        # one row per lead and instant: the change of the highest id (as ``cut_offs``)
        for lead, at, stage, _, day in conn.execute(
            "SELECT c.lead_id, c.at, c.to_stage_id, max(c.id), julianday(c.at) "
            f"FROM leads l JOIN stage_changes c ON c.lead_id = l.id "
            f"WHERE l.dates_estimated = 0{where} GROUP BY c.lead_id, c.at ORDER BY c.lead_id, c.at",
            params,
        ):
            row = leads[lead]
            row.ats.append(at)
            row.stages.append(stage)
            row.days.append(day)
        for lead, row in leads.items():
            if row.ats and row.ats[-1] > row.last_event:
                leads[lead] = row._replace(last_event=row.ats[-1])
        return cls(leads)

    def _closed(self, lead: int, at: str, won_id: int) -> tuple[str | None, float | None]:
        """The close of ``lead`` as of ``at`` when it was won then, with its Julian day."""
        row = self.leads[lead]
        n = bisect_right(row.ats, at) - 1
        if row.last_event <= at or n < 0:  # as it is now
            won = row.stage == won_id
            return (row.closed, row.closed_day) if won else (None, None)
        if row.stages[n] != won_id:
            return None, None
        if row.closed is not None and row.closed <= at:
            return row.closed, row.closed_day
        return row.ats[n], row.days[n]

    def plan(self, instants: Iterable[str]) -> None:
        """The reference instants the cut-offs to come will ask for: the spans of deals never won
        are then counted once for all of them (``span_grid``), not once per cut-off."""
        self.planned = sorted(set(instants))
        self._shared = {}

    def _remainder(
        self, conn: sqlite3.Connection, won_id: int, wanted: frozenset[int], bands: Sequence[int]
    ) -> _Shared:
        """The grid of the spans of ``wanted`` stages of deals never won (created by the span's
        start), and the other spans, to be counted at each cut-off."""
        key = (won_id, wanted, tuple(bands))
        if key not in self._shared:
            may_win = self._may_win(won_id)
            grid = SpanGrid(conn, self.planned, bands)
            keep: set[tuple[int, int]] = set()  # the spans counted at each cut-off
            for lead, row in self.leads.items():
                for n, since in enumerate(row.ats):
                    if row.stages[n] not in wanted:
                        continue
                    if lead in may_win or row.created > since:
                        keep.add((lead, n))
                    else:
                        until = row.ats[n + 1] if n + 1 < len(row.ats) else None
                        grid.add(row.stages[n], since, until, row.days[n])
            grid.close()
            self._shared[key] = _Shared(
                grid,
                [s for s in self.short if (s[3], s[4]) in keep],
                [s for s in self.long if (s[2], s[3]) in keep],
                [s for s in self.unbounded if (s[1], s[2]) in keep],
            )
        return self._shared[key]

    def open_at(
        self,
        conn: sqlite3.Connection,
        at: str,
        open_ids: Sequence[int],
        won_id: int,
        refs: Sequence[tuple[str, str, str]],
        bands: Sequence[int],
    ) -> list[CutOffGroup]:
        """``cut_offs.open_at`` on the database as of ``at``."""
        if not refs:
            return []
        cuts = _Refs(conn, refs)
        wanted = frozenset(open_ids)
        may_win = self._may_win(won_id)
        found: Counter[tuple[int, int, int | None]] | None = None
        if self.planned and cuts.at[-1] <= at:  # a lead created after ``at`` covers none
            shared = self._remainder(conn, won_id, wanted, bands)
            found = shared.grid.count(cuts.at, wanted)
        if found is not None:
            spans = _near(cuts, shared.short, shared.long, shared.unbounded)
        else:
            found, spans = self._spans(cuts, won_id, wanted, bands)
        count = len(cuts.at)
        last = cuts.at[-1]
        closes: dict[int, tuple[str | None, float | None]] = {}
        for lead, n, since, until in spans:
            row = self.leads[lead]
            stage = row.stages[n]
            if stage not in wanted or row.created > at or since > last:
                continue
            start = bisect_left(cuts.at, since)
            stop = count if until is None else bisect_left(cuts.at, until)
            if start == stop:
                continue  # between two cut-offs
            closed: str | None = None
            closed_day: float | None = None
            if lead in may_win:
                if lead not in closes:
                    closes[lead] = self._closed(lead, at, won_id)
                closed, closed_day = closes[lead]
            tally(found, cuts, stage, start, stop, row.days[n], closed, closed_day, bands)
        return [CutOffGroup(stage, band, days, n) for (stage, band, days), n in found.items()]

    def _spans(
        self, cuts: _Refs, won_id: int, wanted: frozenset[int], bands: Sequence[int]
    ) -> tuple[Counter[tuple[int, int, int | None]], list[tuple[int, int, str, str | None]]]:
        """Without a grid: the spans that may cover one of ``cuts``, those of deals never won
        in the last band at every one of them already counted."""
        found: Counter[tuple[int, int, int | None]] = Counter()
        spans = _near(cuts, self.short, self.long, [])
        plain, others = self._last_spans(won_id, wanted)
        high = bisect_right(others, (cuts.at[-1], 1 << 62))
        spans += [(lead, n, since, None) for since, lead, n in others[:high]]
        oldest = cuts.at_day[0]
        for stage in wanted:
            starts = plain.get(stage, [])
            # those at least the last band's age at the first cut-off: in it at every one
            old = bisect_left(starts, True, key=lambda s: not oldest - s[0] >= bands[-1])
            if old:
                found[stage, len(bands), None] += old * len(cuts.at)
            spans += [
                (lead, n, since, None) for _, since, lead, n in starts[old:] if since <= cuts.at[-1]
            ]
        return found, spans

    def created_after(
        self, conn: sqlite3.Connection, at: str, won_id: int, refs: Sequence[tuple[str, str, str]]
    ) -> list[CutOffGroup]:
        """``cut_offs.created_after`` on the database as of ``at``."""
        if not refs:
            return []
        cuts = _Refs(conn, refs)
        ordered = cuts.upto == sorted(cuts.upto)
        may_win = self._may_win(won_id)
        if won_id not in self._created:
            self._created[won_id] = (
                [(created, lead) for created, lead in self.created if lead in may_win],
                [created for created, lead in self.created if lead not in may_win],
            )
        maybe, never = self._created[won_id]
        found: Counter[int | None] = Counter()
        # the leads never won, created after ``cuts.at[n]``, before ``cuts.upto[n]``, by ``at``
        by_then = bisect_right(never, at)
        for n, since in enumerate(cuts.at):
            deals = min(bisect_left(never, cuts.upto[n]), by_then) - bisect_right(never, since)
            if deals > 0:
                found[None] += deals
        low = bisect_right(maybe, (cuts.at[0], 1 << 62))
        high = bisect_left(maybe, (max(cuts.upto), 0))
        for created, lead in maybe[low:high]:
            if created <= cuts.at[0] or created > at:
                continue
            closed, closed_day = self._closed(lead, at, won_id)
            last = bisect_left(cuts.at, created)
            first = bisect_right(cuts.upto, created, 0, last) if ordered else 0
            for n in range(first, last):
                if created < cuts.upto[n]:
                    found[cuts.won_days(n, closed, closed_day)] += 1
        return [CutOffGroup(0, 0, days, n) for days, n in found.items()]


class _Shared(NamedTuple):
    grid: SpanGrid
    short: list[tuple[float, str, str, int, int]]
    long: list[tuple[str, str, int, int]]
    unbounded: list[tuple[str, int, int]]


def _near(
    cuts: _Refs,
    short: Sequence[tuple[float, str, str, int, int]],
    long: Sequence[tuple[str, str, int, int]],
    unbounded: Sequence[tuple[str, int, int]],
) -> list[tuple[int, int, str, str | None]]:
    """The spans of these lists that may cover one of ``cuts``: a short one starting less than
    SHORT days before the first, a long one ending after it, one without an end starting by
    the last."""
    first, last = cuts.at[0], cuts.at[-1]
    low = bisect_left(short, (cuts.at_day[0] - SHORT - 1,))
    # a start after the last cut-off is one later in days too (give or take a stored offset)
    high = bisect_right(short, (cuts.at_day[-1] + 2,))
    spans: list[tuple[int, int, str, str | None]] = [
        (s[3], s[4], s[1], s[2]) for s in short[low:high] if s[1] <= last
    ]
    high = bisect_right(long, (first, "\uffff"))
    spans += [(lead, n, since, until) for until, since, lead, n in long[high:]]
    high = bisect_right(unbounded, (last, 1 << 62))
    spans += [(lead, n, since, None) for since, lead, n in unbounded[:high]]
    return spans
